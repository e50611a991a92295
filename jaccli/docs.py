"""Help texts shared by ``--help`` and ``jac grammar`` (no heavy imports here)."""

EXIT_CODES = """\b
Exit codes:
  0  success
  1  jac check: the answer is wrong
  2  bad input or usage (expression, file, YAML, point, sizes)
  3  undefined at the point (1/x at 0, log(0), a kink of relu)
  4  internal error (a bug in jac: please report it)"""

LANGUAGE = """\
jac's expression language

Numbers      2   -3   0.5   1e-3   3e+2 (= 300)   1/3 (exact)
             0.5 and 1e-3 are floats; integers and fractions stay exact.
             2e and 3e + 2 mean 2·e and 3·e + 2: a number is scientific only
             when digits follow the e directly (3e+2, 1e-3, 2E5).
Operators    +  -  *  /  ^ or ** (power, right-associative: 2^3^2 = 2^9)
             -x^2 is -(x^2).  Also accepted: · × ⋅ (times), − (minus), ÷,
             superscripts x² x³ x⁻¹.
Implicit *   2x   3(x+1)   (x+1)(x-1)   2 sin(x)   x y  (binds like *, so
             1/2x is (1/2)·x).  Names are never split: xy is one name; with
             inputs x and y write x*y or x y.
Functions    sin cos tan sec csc cot asin acos atan atan2(y, x)
             sinh cosh tanh asinh acosh atanh exp log(x) log(x, base) ln
             log2 log10 sqrt cbrt (real cube root) abs sign sigmoid softplus
             relu step (0 below 0, 1 above, undefined at 0) min max
Constants    pi π e E
Piecewise    piecewise(cond1, value1, cond2, value2, ..., otherwise), e.g.
             piecewise(x < 0, -x, x); conditions compare with < <= > >= == !=
             and join with and / or (only inside piecewise)
Inputs       the names a spec declares (YAML 'inputs:', or --vars); inline
             text without --vars takes its free names in natural order
             (x1 < x2 < x10).
Vectors      components separated by commas, optionally in [ ]:
             "x^2 + y, 2*x*y"   "[x^2 + y, 2 x y]"
Points       --at 1,2   --at x=1,y=2   --at -1/3,pi/4   --at sqrt(2),1e-3
"""
