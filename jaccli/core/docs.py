"""Help texts shared by ``--help`` and ``jac grammar`` (no heavy imports here)."""

EXIT_CODES = """\b
Exit codes:
  0  success
  1  jac check: the answer is wrong
  2  bad input or usage (expression, file, YAML, point, sizes)
  3  undefined at the point (1/x at 0, log(-1), a kink of abs)
  4  internal error (a bug in jac: please report it)
  5  the time budget (--timeout) ran out
  6  the output could not be written (disk full): -o FILE is left as it was
  130, 143  interrupted (SIGINT, SIGTERM): whole rows only
  141  the reader closed standard output (| head)"""

LANGUAGE = """\
jac's expression language

Numbers      2   -3   0.5   1e-3   3e+2 (= 300)   1/3 (exact)
             0.5 and 1e-3 are floats; integers and fractions stay exact.
             2e and 3e + 2 mean 2·e and 3·e + 2: a number is scientific only
             when digits follow the e directly (3e+2, 1e-3, 2E5).
Operators    +  -  *  /  ^ or ** (power, right-associative: 2^3^2 = 2^9)
             -x^2 is -(x^2).  Also accepted: · × ⋅ (times), − (minus), ÷,
             superscripts x² x³ x⁻¹.
Implicit *   2x   3(x+1)   (x+1)(x-1)   2 sin(x)   x y  (binds like *, left to
             right with /: x/2y is (x/2)·y and 1/2x is (1/2)·x; jac notes
             such readings).  xy is one name, unless every input is a single
             letter: then 2xy is 2·x·y (with a note).  Greek names are never split.
Functions    sin cos tan sec csc cot asin acos atan asec acsc acot atan2(y, x)
             sinh cosh tanh sech csch coth asinh acosh atanh asech acsch acoth
             exp log(x) log(x, base) ln log2 log10 log1p expm1 exp2 sqrt cbrt
             (real cube root) square hypot(x, y) sinc erf abs sign sigmoid
             softplus relu step (0 below 0, 1 above, undefined at 0) min max;
             also arcsin arccos arctan arcsec arccsc arccot arsinh arcosh artanh
Book style   sin x   cos 2x   sin x cos y   ln x   (the factors next to the
             function, up to + - * / , or the next function)
             sin^2 x = (sin x)^2   sin^-1 x = asin x   sin(x)^-1 = 1/sin(x)
             √x  √(x+1)  ∛x  |x - y|  5!   θ = theta  φ = phi  x₁ = x1
Constants    pi π e E
Piecewise    piecewise(cond1, value1, cond2, value2, ..., otherwise), e.g.
             piecewise(x < 0, -x, x); conditions compare with < <= > >= == !=
             and join with and / or (only inside piecewise)
Inputs       declared: YAML 'inputs:', --vars, or in the text:
             "(r, theta) -> (r cos(theta), r sin(theta))"   "f(x, y) = (x^2, y)"
             undeclared: the free names, sorted (x, y, z and x1 < x2 < x10 are
             taken as they are; for others jac refuses positional values).
Outputs      "x = u^2 v, y = u v^2" names them; compose binds the next
             function's inputs to them by name.
Vectors      components separated by commas, optionally in [ ] or ( ):
             "x^2 + y, 2*x*y"   "[x^2 + y, 2 x y]"
Equations    for jac implicit: "x^2 + y^2 = 1" is F = x^2 + y^2 - 1
Points       --at 1,2   --at "(1, 2)"   --at x=1,y=2   --at -1/3,pi/4   --at sqrt(2)
"""
