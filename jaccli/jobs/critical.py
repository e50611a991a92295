"""Critical points: ``jac critical SPEC [--in BOX] [--constraint "g = c"]…``.

Unconstrained: solve ∇f = 0 — exactly where sympy can within the time budget (polynomials and the other
textbook cases; each equation is first divided by its factors that are never 0, such as e^(−x²−y²), so
x·e^(−x²−y²) is solved as the polynomial system it is), else numerically in a box — and classify each point by
the second-derivative test: the Hessian's inertia (exact where the point is exact: Descartes' rule on the
characteristic polynomial), D = det H and f_xx; a zero eigenvalue makes the test inconclusive.

The numeric search (``_search``): Newton's method from the cells of grids of increasing fineness over the box
(4× as many starts each time, stopping when a finer grid finds no new point; a start counts as settled only
where the equations are small relative to their Jacobian), and every point it reports is verified: either
snapped to exact coordinates (0, p/q, pπ/q) at which sympy's exact evaluation of the equations is 0, or
refined by Newton's method at 60 digits (mpmath) until it converges quadratically to a point where the
Jacobian is not singular and each equation is 0 to 30 digits relative to the size of its own terms
(``_Checker``). A point where the gradient is merely tiny — every term is e^(−81) — is not 0 relative to
its terms and is rejected. Where the Jacobian is singular, a probe along its null direction tells a
degenerate point (listed only when it snaps to exact coordinates) from solutions that go on along a curve
(summarised in a note, not listed point by point). What cannot be verified is said in a note.

Constrained (``--constraint``, repeatable): Lagrange multipliers, ∇f = Σ λᵢ ∇gᵢ with gᵢ = cᵢ, classified by
the bordered Hessian of L = f − Σ λᵢ (gᵢ − cᵢ): with m constraints and n inputs, the last n − m leading
principal minors all of sign (−1)^m mean a local minimum on the constraint set, alternating signs
starting with (−1)^(m+1) a local maximum, other non-zero patterns a saddle. When a minor is 0 the
Hessian of L restricted to the tangent space of the constraints (ZᵀHZ, Z a basis of the null space of
their Jacobian) decides: definite → minimum or maximum, indefinite → saddle, semidefinite → inconclusive.
Points of the constraint set where the constraints' gradients are dependent (rank < m) are candidates that
Lagrange's method misses; they are solved for and listed, classified only when jac can show it (one
constraint in two inputs, solved for one input by the quadratic formula: the sign of f − f(p) on every
branch).

Solutions that form curves or surfaces (a free parameter remains, as for x²y²: the lines x = 0 and y = 0)
are named, with f along them and a classification only when sympy proves f − c ≥ 0 (or ≤ 0) everywhere.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Sequence

import sympy as sp
from sympy.core.function import ArgumentIndexError

from ..calculus import tolerance
from ..calculus.printing import to_text
from ..core.budget import attempt, remaining
from ..core.errors import MathError, ParseError, SpecError, UsageError
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..parse import grammar
from ..results.second_order import CriticalCurve, CriticalPoint, CriticalResult

DEFAULT_BOX = 10.0  # numeric search in [-10, 10]ⁿ unless --in says otherwise
STARTS = 400  # the first grid of starts; each finer level has 4× as many
LEVELS = 3  # grids of 400, 1600 and 6400 starts at most
NEWTON_STEPS = 80
DIGITS = 60  # the working precision of the verification (mpmath)
ZERO_TO = 1e-30  # verified: every equation is 0 to 30 digits relative to the size of its terms
NONPOLYNOMIAL_SOLVE = 1.0  # seconds for sympy's solve of a non-polynomial system (it gives principal solutions)
SEARCH_SECONDS = 6.0  # the numeric search starts no finer grid after this long


def critical_of(request: Request, functions: list[VectorFunction]) -> CriticalResult:
    if len(functions) != 1 or functions[0].m != 1:
        raise UsageError("jac critical takes one scalar function (one SPEC with one output)",
                         hint="critical points are where the gradient of a scalar function is 0")
    fn = functions[0]
    x = list(fn.symbols)
    n = len(x)
    f = fn.outputs[0]
    constraints = [_constraint(text, fn) for text in request.constraints]
    m = len(constraints)
    box, bounds = _box(request.box, fn)
    search_box = box or [(-DEFAULT_BOX, DEFAULT_BOX)] * n
    exact_bounds = bounds or [(sp.Integer(-int(DEFAULT_BOX)), sp.Integer(int(DEFAULT_BOX)))] * n
    multipliers = [sp.Symbol(f"lambda{i + 1}" if m > 1 else "lambda", real=True) for i in range(m)]
    lagrangian = f - sum((lam * g for lam, g in zip(multipliers, constraints)), sp.S.Zero)
    unknowns = x + multipliers
    equations = [sp.diff(lagrangian, v) for v in x] + list(constraints)
    reduced, divided = _reduce(equations)
    polynomial = all(e.is_polynomial(*unknowns) for e in reduced)
    notes = list(fn.notes)
    kinks = _kinks(f)
    if kinks:
        notes.append(f"f is not differentiable everywhere ({', '.join(kinks)}): jac solves ∇f = 0; points where a "
                     "partial derivative does not exist (which some texts also call critical points) are not looked "
                     "for")
    size = max(hi - lo for lo, hi in search_box)
    checker = _Checker(equations, unknowns, size / 2)
    refiner = _Refiner(reduced, unknowns, checker, size)

    seconds = _share(0.7) if polynomial else min(NONPOLYNOMIAL_SOLVE, _share(0.4))
    exact = _capped(seconds, lambda: _solve_exactly(reduced, unknowns, n))
    why = "sympy could not solve the equations exactly"
    if exact is TIMED_OUT:
        why = (f"sympy's solve did not finish within {seconds:.2g} s"
               + (" (the equations are not polynomial, so it would give principal solutions only)"
                  if not polynomial else " (its share of the time budget)"))
        exact = None
    solutions: list[tuple] = []
    families: list[dict] = []
    loose: list[tuple] = []  # Lagrange points whose multipliers are not determined: dependent constraints
    dropped = 0
    if exact is not None:
        found, families, loose, complex_families = exact
        for values in found:
            if any(v.has(sp.Float) for v in values):  # sympy's decimals (the SPEC has some): refined and verified
                refined = refiner([float(sp.re(sp.N(v))) for v in values])  # (values, location)
                if refined is None:
                    dropped += 1
                elif box is None or _inside_numeric(refined[0][:n], exact_bounds, size):
                    solutions.append(refined[0])
                continue
            if not _inside_exact(values[:n], exact_bounds if box is not None else None):
                continue
            if checker.verify_exact(values):
                solutions.append(values)
            else:
                dropped += 1
        if complex_families:
            notes.append(f"sympy also gave {complex_families} set(s) of solutions with complex parameters: the real "
                         "points among them (if any) are not listed")
        if divided and polynomial:
            notes.append("each equation was divided by factors that are never 0 ("
                         + ", ".join(sorted(set(divided))) + "), leaving polynomial equations that sympy solved "
                         "exactly: these are all the critical points" + (" in the box" if box is not None else ""))
    if dropped:
        notes.append(f"sympy's solve returned {dropped} point(s) where jac's check at {DIGITS} digits does not find "
                     "the gradient 0 (or finds it undefined): they are not listed")
    method = "exact"
    if exact is None or not polynomial:
        search = _search(reduced, refiner, unknowns, n, search_box, exact_bounds, x, f, constraints,
                         [values for values in solutions], families)
        extra = search.points
        text = search.describe(_box_text(box, fn))
        if exact is None:
            notes.append(f"{why}: the points were found numerically: {text} — not proved to be all of them")
            method = "numeric"
        else:
            notes.append("the equations are not polynomial, so sympy's solutions need not be all of them: jac also "
                         f"searched numerically: {text}, and found "
                         + (f"{len(extra)} more" if extra else "no others") + " — not proved complete")
            method = "exact and numeric" if extra else "exact"
        notes.extend(search.notes())
        solutions = solutions + extra
    if method == "exact" and any(v.has(sp.Float) for values in solutions for v in values):
        method = "exact and numeric"  # sympy's decimals (the SPEC has decimals), refined at 60 digits
    points = []
    hessian = sp.hessian(lagrangian, x)
    gradients = sp.Matrix([[sp.diff(g, v) for v in x] for g in constraints]) if m else sp.zeros(0, n)
    singular: list[tuple] = []
    for values in solutions:
        subs = dict(zip(unknowns, values))
        point = tuple(values[:n])
        try:
            value = _value_of(f, subs, checker)
        except MathError:
            continue  # outside the real domain of f: not a critical point of the real function
        exact_point = all(tolerance.is_exact(v) for v in values)
        H = hessian.subs(subs)
        if constraints:
            G = gradients.subs(subs)
            if _rank(G, exact_point) < m:
                singular.append(point)
                continue
            kind, detail = _bordered_test(H, G, n, m, exact_point)
        else:
            kind, detail = _second_derivative_test(H, "exact" if exact_point else "numeric")
        points.append(CriticalPoint(point, tuple(values[n:]), value, kind, detail, H))
    if constraints:
        points += _singular_points(f, x, constraints, gradients, loose + singular, exact_bounds, box is not None,
                                   hessian, notes)
    curves = [_curve(family, f, x, unknowns, hessian) for family in families]
    if curves and not points:
        notes.append("no isolated critical points" + (" in the box" if box is not None else "")
                     + ": the solutions form curves or surfaces, listed below")
    points.sort(key=lambda p: [float(sp.N(v)) for v in p.point])
    return CriticalResult(fn, points, method, [to_text_constraint(t) for t in request.constraints], box,
                          notes=notes, curves=curves)


def _kinks(f: sp.Expr) -> list[str]:
    """What in f can make it non-differentiable: abs, sign, max, steps, and roots of what can be 0."""
    from ..calculus import special as jf

    out = []
    for node in sp.preorder_traversal(f):
        if isinstance(node, (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise, jf.relu, jf.step)) or (
                isinstance(node, jf.cbrt) and node.args[0].is_zero is not False) or (
                node.is_Pow and node.exp.is_Rational and not node.exp.is_Integer and node.exp > 0 and
                node.base.is_positive is not True):
            out.append(to_text(node))
    return list(dict.fromkeys(out))[:3]


def to_text_constraint(text: str) -> str:
    return " ".join(text.split())


def _constraint(text: str, fn: VectorFunction) -> sp.Expr:
    """``g(x, y) = c`` (or ``g``, meaning g = 0) as g − c."""
    scope = grammar.Scope(fn.inputs)
    try:
        if text.count("=") == 1:
            left, right = text.split("=")
            return grammar.parse(left, scope=scope) - grammar.parse(right, scope=grammar.Scope(fn.inputs))
        return grammar.parse(text, scope=scope)
    except ParseError as err:
        raise err.located(option("constraint")) from None


def _box(text: str | None, fn: VectorFunction) -> tuple[list[tuple[float, float]] | None, list[tuple] | None]:
    """``--in "x=-2..2, y=0..3"`` or ``--in -2..2`` (every input): the box as floats, and its bounds exactly
    (``-pi..pi`` holds ±π, which the floats ±3.141592653589793 do not)."""
    if text is None:
        return None, None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    ranges: dict[str, tuple[sp.Expr, sp.Expr]] = {}
    for part in parts:
        name, _, span = part.rpartition("=")
        lo_hi = span.split("..")
        if len(lo_hi) != 2:
            raise SpecError(f"{option('box')} {text!r}: write ranges as LOW..HIGH",
                            hint=f"e.g. {option('box', 'x=-2..2, y=0..3')} or {option('box', '-2..2')}")
        try:
            lo, hi = (grammar.parse(v, scope=grammar.Scope([], constants_only=True)) for v in lo_hi)
            float(lo.evalf()), float(hi.evalf())
        except (ParseError, TypeError) as err:
            raise SpecError(f"{option('box')} {part!r}: {err}") from None
        if not tolerance.exact_sign(hi - lo) > 0:
            raise SpecError(f"{option('box')} {part!r}: the low end must be below the high end")
        key = name.strip() or "*"
        if key != "*" and key not in fn.inputs:
            raise SpecError(f"{option('box')} names {key!r}, which is not an input of {fn.name}",
                            hint=f"the inputs are {', '.join(fn.inputs)}")
        ranges[key] = (lo, hi)
    default = ranges.get("*", (sp.Integer(-int(DEFAULT_BOX)), sp.Integer(int(DEFAULT_BOX))))
    exact = [ranges.get(v, default) for v in fn.inputs]
    return [(float(lo.evalf()), float(hi.evalf())) for lo, hi in exact], exact


def _box_text(box: list[tuple[float, float]] | None, fn: VectorFunction) -> str:
    box = box or [(-DEFAULT_BOX, DEFAULT_BOX)] * fn.n
    return ", ".join(f"{v} ∈ [{lo:g}, {hi:g}]" for v, (lo, hi) in zip(fn.inputs, box))


def _inside_exact(point: Sequence[sp.Expr], bounds: list[tuple] | None) -> bool:
    """Inside the box, decided exactly for exact coordinates (no float() of anything)."""
    if bounds is None:
        return True
    return all(tolerance.exact_sign(v - lo) >= 0 and tolerance.exact_sign(hi - v) >= 0
               for v, (lo, hi) in zip(point, bounds))


# ---------------------------------------------------------------------------
# Time

def _share(fraction: float) -> float:
    """A share of the time budget left (no budget: no limit)."""
    left = remaining()
    return math.inf if left is None else max(fraction * left, 0.0)


class _Stop(Exception):
    pass


TIMED_OUT: Any = type("TimedOut", (), {"__repr__": lambda self: "TIMED_OUT"})()  # what _capped returns then


def _capped(seconds: float, work: Callable[[], Any]) -> Any:
    """``work()``, or TIMED_OUT when it takes longer than ``seconds``: sympy's solve of a system of sines can run for
    minutes, and the numeric search needs the time. Its own timer (SIGALRM, repeating until cleared, as the
    budget's does); the budget's timer is given back what is left of it."""
    import signal
    import sys
    import threading

    if seconds <= 0:
        return TIMED_OUT
    if math.isinf(seconds):
        return work()
    if not (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()):
        return attempt(work, lambda: TIMED_OUT, "exact solution of ∇f = 0")

    def alarm(signum, frame):
        raise _Stop

    def quiet(unraisable):
        if not isinstance(unraisable.exc_value, _Stop):
            hook(unraisable)

    started = time.monotonic()
    saved, _ = signal.getitimer(signal.ITIMER_REAL)
    previous = signal.signal(signal.SIGALRM, alarm)
    hook = sys.unraisablehook
    sys.unraisablehook = quiet
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        return work()
    except _Stop:
        return TIMED_OUT
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = hook
        if saved > 0:
            signal.setitimer(signal.ITIMER_REAL, max(saved - (time.monotonic() - started), 0.001))


# ---------------------------------------------------------------------------
# Exact solutions

def _reduce(equations: list[sp.Expr]) -> tuple[list[sp.Expr], list[str]]:
    """Each equation divided by its factors that are never 0 on the reals (e^u, non-zero constants, x² + 1):
    the same zeros, without e^(−81) underflowing to a fake 0. Returns the equations and the factors divided out."""
    out, divided = [], []
    for e in equations:
        r, gone = _without_nonzero_factors(e)
        out.append(r)
        divided += gone
    return out, divided


def _without_nonzero_factors(expr: sp.Expr) -> tuple[sp.Expr, list[str]]:
    gone: list[str] = []
    terms = sp.Add.make_args(sp.expand_mul(expr))
    exponents = []
    for t in terms:
        exponents.append(sp.expand(sum((a.args[0] for a in sp.Mul.make_args(t) if isinstance(a, sp.exp)),
                                       sp.S.Zero)))
    if exponents and exponents[0] != 0 and all(sp.expand(e - exponents[0]) == 0 for e in exponents):
        gone.append(to_text(sp.exp(exponents[0])))
        expr = sp.Add(*[sp.Mul(*[a for a in sp.Mul.make_args(t) if not isinstance(a, sp.exp)]) for t in terms])
    factored = sp.factor_terms(expr)
    if factored.is_Mul:
        keep = []
        for a in factored.args:
            if (a.is_number and a.is_zero is False) or (a.is_zero is False and a.is_finite and
                                                        (a.is_positive or a.is_negative)):
                if not a.is_number:
                    gone.append(to_text(a))
                continue
            keep.append(a)
        factored = sp.Mul(*keep) if keep else sp.S.One
    return factored, gone


def _solve_exactly(equations: list[sp.Expr], unknowns: list[sp.Symbol],
                   n: int) -> tuple[list[tuple], list[dict], list[tuple], int] | None:
    """The real solutions of the system exactly — (points, families with a free parameter, points whose
    multipliers are free, how many families are complex) — or None when sympy cannot give them all."""
    try:
        found = sp.solve(equations, unknowns, dict=True)
    except (NotImplementedError, ValueError, TypeError, AttributeError, sp.PolynomialError):
        return None
    if not isinstance(found, list):
        return None
    solutions, families, loose, complex_families = [], [], [], 0
    inputs = set(unknowns[:n])
    for s in found:
        determined = all(v in s and not (s[v].free_symbols & set(unknowns)) for v in unknowns)
        if determined:
            values = tuple(_real_exact(s[v]) for v in unknowns)
            if all(v is not None for v in values):
                solutions.append(values)
            continue
        inputs_fixed = all(v in s and not (s[v].free_symbols & set(unknowns)) for v in unknowns[:n])
        if inputs_fixed:  # only multipliers free: a point where the constraints' gradients are dependent
            values = tuple(_real_exact(s[v]) for v in unknowns[:n])
            if all(v is not None for v in values):
                loose.append(values)
            continue
        if any(value.has(sp.I) for value in s.values()):
            complex_families += 1
            continue
        families.append({k: v for k, v in s.items() if k in inputs or k in unknowns})
    if not found and _could_have_roots(equations):
        return None  # sympy found nothing where there may be something: let the numeric search look
    return solutions, families, loose, complex_families


def _could_have_roots(equations: list[sp.Expr]) -> bool:
    return not all(e.is_polynomial() for e in equations)


def _real_exact(value: sp.Expr) -> sp.Expr | None:
    """``value`` if it is a real number, written without i where sympy can (−i·log(16/(1 − √3 i)⁴) is −2π/3);
    None if it is not real. Decided exactly (the imaginary part's sign at 60 digits, zero tested
    symbolically), never by float() of a complex number."""
    try:
        number = complex(sp.N(value, 30))
    except (TypeError, ValueError):
        return None
    if abs(number.imag) > 1e-20 * max(1.0, abs(number.real)):
        return None
    if not value.has(sp.I):
        return value if value.is_real is not False else None
    imaginary = sp.im(value)
    if tolerance.exact_sign(imaginary) != 0:
        return None
    real = sp.re(value)
    if real.has(sp.I) or real.has(sp.re) or real.has(sp.im):
        real = sp.simplify(real)
    if real.has(sp.I):
        return sp.Float(sp.re(sp.N(value, 30)), 30)  # real, but sympy cannot write it without i
    return real


def _value_of(f: sp.Expr, subs: dict, checker: _Checker) -> sp.Expr:
    """f at a point: exact at an exact point; at a decimal point 60 digits, 0 when it is 0 to 30 digits
    relative to the size of its terms."""
    from ..calculus.evaluate import to_number

    if all(tolerance.is_exact(v) for v in subs.values()):
        value = f.subs(subs)
        to_number(value, "f")  # MathError unless a finite real number
        return value
    result = checker.value_and_scale(f, [subs[v] for v in checker.unknowns])
    if result is None:
        raise MathError("f is undefined there")
    value, scale = result
    if abs(value) <= ZERO_TO * scale:
        return sp.Float(0)
    return sp.Float(value, 30)


# ---------------------------------------------------------------------------
# Verification at high precision

class _Undefined(Exception):
    pass


_MPMATH = {sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.cot: "cot", sp.sec: "sec", sp.csc: "csc",
           sp.asin: "asin", sp.acos: "acos", sp.atan: "atan", sp.acot: "acot", sp.sinh: "sinh", sp.cosh: "cosh",
           sp.tanh: "tanh", sp.coth: "coth", sp.asinh: "asinh", sp.acosh: "acosh", sp.atanh: "atanh",
           sp.exp: "exp", sp.log: "log", sp.erf: "erf", sp.gamma: "gamma"}


class _Checker:
    """The equations at a point in 60-digit arithmetic, each with the size of its terms: a sum's size is the
    sum of its terms' sizes, a product's the product, f(u)'s is |f(u)| + |f'(u)|·size(u), an input's its
    magnitude. A point is verified when every equation is 0 to 30 digits of that size: the gradient of
    x·e^(−x²−y²) at x ≈ 9 is 10^-50, but so are its terms, and it is no zero. (``length``, the box's
    half-width, is the scale of the coordinates for the double-precision stage.)"""

    def __init__(self, equations: list[sp.Expr], unknowns: list[sp.Symbol], length: float):
        self.equations = equations
        self.unknowns = unknowns
        self.length = length

    def value_and_scale(self, expr: sp.Expr, values: Sequence) -> tuple[Any, Any] | None:
        import mpmath as mp

        with mp.workdps(DIGITS):
            env = {u: _mp(v) for u, v in zip(self.unknowns, values)}
            cache: dict = {}
            try:
                value, scale = self._walk(expr, env, cache)
            except (_Undefined, ZeroDivisionError, ValueError, TypeError, OverflowError):
                return None
            if not (mp.isfinite(value) and mp.isfinite(scale)):
                return None
            if abs(mp.im(value)) > mp.mpf(10) ** (-DIGITS // 2) * max(scale, abs(value)):
                return None  # not real there
            return mp.re(value), scale

    def residuals(self, values: Sequence) -> list[float] | None:
        """|equation| / size of its terms, for each equation (None where something is undefined)."""
        out = []
        for e in self.equations:
            result = self.value_and_scale(e, values)
            if result is None:
                return None
            value, scale = result
            out.append(0.0 if value == 0 else float(abs(value) / scale) if scale else math.inf)
        return out

    def verify_exact(self, values: Sequence[sp.Expr]) -> bool:
        r = self.residuals(values)
        return r is not None and max(r, default=0.0) <= ZERO_TO

    def _walk(self, node: sp.Basic, env: dict, cache: dict):
        import mpmath as mp

        if node in cache:
            return cache[node]
        if node in env:
            v = env[node]
            out = (v, abs(v))
        elif node.is_number and not node.free_symbols:
            v = _mp(node)
            out = (v, abs(v))
        elif node.is_Add:
            parts = [self._walk(a, env, cache) for a in node.args]
            out = (mp.fsum(p[0] for p in parts), mp.fsum(p[1] for p in parts))
        elif node.is_Mul:
            parts = [self._walk(a, env, cache) for a in node.args]
            out = (mp.fprod(p[0] for p in parts), mp.fprod(p[1] for p in parts))
        elif node.is_Pow:
            base, exponent = node.args
            vb, sb = self._walk(base, env, cache)
            if exponent.is_number:
                ve = _mp(exponent)
                if vb == 0 and mp.re(ve) < 0:
                    raise _Undefined
                v = vb ** ve
                if exponent.is_Integer and exponent > 0:
                    s = sb ** int(exponent)
                else:
                    s = abs(v) + (abs(ve * vb ** (ve - 1)) * sb if vb != 0 else mp.inf)
            else:
                ve, se = self._walk(exponent, env, cache)
                if vb == 0:
                    raise _Undefined
                v = vb ** ve
                s = abs(v) * (1 + abs(mp.log(vb)) * se + abs(ve / vb) * sb)
            out = (v, s)
        elif isinstance(node, sp.Piecewise):
            for expr, condition in node.args:
                truth = condition.xreplace({k: sp.Float(v.real if isinstance(v, mp.mpc) else v, DIGITS)
                                            for k, v in env.items()}) if condition is not sp.true else sp.true
                if truth is sp.true:
                    out = self._walk(expr, env, cache)
                    break
                if truth is not sp.false:
                    raise _Undefined
            else:
                raise _Undefined
        elif isinstance(node, sp.Function):
            parts = [self._walk(a, env, cache) for a in node.args]
            name = _MPMATH.get(node.func)
            if name is not None:
                v = getattr(mp, name)(*[p[0] for p in parts])
            else:
                v = _mp(node.func(*[_sympy_number(p[0]) for p in parts]))
            s = abs(v)
            cache[node] = (v, s)  # f' may hold f itself (exp' = exp, tanh' = 1 − tanh²)
            for i, (_, sa) in enumerate(parts):
                try:
                    derivative = node.fdiff(i + 1)
                    if derivative.has(sp.Derivative, sp.Subs):
                        raise _Undefined
                    dv, _ = self._walk(derivative, env, cache)
                except (_Undefined, ValueError, TypeError, ZeroDivisionError, ArgumentIndexError):
                    dv = v
                s += abs(dv) * sa
            out = (v, s)
        else:
            v = _mp(node.xreplace({k: _sympy_number(val) for k, val in env.items()}))
            out = (v, abs(v))
        cache[node] = out
        return out


def _mp(value: Any) -> Any:
    """A sympy number (or an mpmath one) as an mpmath number at the current precision."""
    import mpmath as mp

    if isinstance(value, (mp.mpf, mp.mpc)):
        return value
    number = sp.N(value, DIGITS + 5)
    if number.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise _Undefined
    re_part, im_part = number.as_real_imag()
    if not (re_part.is_Number and im_part.is_Number):
        raise _Undefined
    re_mp = mp.mpf(sp.Float(re_part, DIGITS + 5))
    return re_mp if im_part == 0 else mp.mpc(re_mp, mp.mpf(sp.Float(im_part, DIGITS + 5)))


def _sympy_number(value: Any) -> sp.Expr:
    import mpmath as mp

    if isinstance(value, mp.mpc):
        return sp.Float(value.real, DIGITS) + sp.I * sp.Float(value.imag, DIGITS)
    return sp.Float(value, DIGITS)


# ---------------------------------------------------------------------------
# The numeric search

@dataclass
class _Search:
    points: list[tuple] = field(default_factory=list)  # verified isolated points (exact or 30-digit Floats)
    starts: int = 0
    levels: int = 0
    unsettled: bool = False  # the finest grid still found new points
    out_of_time: bool = False
    rejected: list[tuple] = field(default_factory=list)  # converged in double precision, not verified
    curve_points: list[tuple] = field(default_factory=list)  # where the solutions seem to form curves
    named_curves: bool = False  # sympy gave some curves (listed with their equations)
    failed: bool = False  # numpy could not evaluate the equations

    def describe(self, box_text: str) -> str:
        return (f"Newton's method from {self.starts} starts on {self.levels} grid(s) of increasing fineness over "
                f"the box {box_text}" + (", stopping when a finer grid found no new point" if not self.unsettled
                                         and not self.out_of_time else "")
                + f"; each point verified (exactly, or at {DIGITS} digits)")

    def notes(self) -> list[str]:
        out = []
        if self.failed:
            out.append("jac could not evaluate the equations numerically, so the numeric search did not run: there "
                       "may be critical points that are not listed")
        if self.unsettled:
            out.append("the finest grid still found new points: there may be more critical points in the box than "
                       "are listed (narrow the box with " + option("box") + ")")
        if self.out_of_time:
            out.append("the numeric search stopped for time before a finer grid could confirm the points found: "
                       "there may be more")
        if self.rejected:
            where = ", ".join("(" + ", ".join(f"{v:.6g}" for v in p) + ")" for p in self.rejected[:2])
            out.append(f"{len(self.rejected)} point(s) where Newton's method seemed to settle in double precision "
                       f"could not be verified at {DIGITS} digits (Newton's method did not converge there, or the "
                       f"gradient is not 0 relative to the size of its terms), e.g. near {where}: they are not listed")
        if self.curve_points:
            where = ", ".join("(" + ", ".join(f"{v:.6g}" for v in p) + ")" for p in self.curve_points[:3])
            out.append(f"Newton's method also settled at {len(self.curve_points)} points where the Jacobian of the "
                       f"equations is singular and the solutions seem to go on along "
                       f"{'further ' if self.named_curves else ''}curves or surfaces (e.g. near {where}): they are "
                       "not listed — critical points that are not isolated, or points close to a degenerate one, "
                       "which jac cannot tell apart numerically")
        return out


def _search(equations: list[sp.Expr], refine: _Refiner, unknowns: list[sp.Symbol], n: int,
            box: list[tuple[float, float]], bounds: list[tuple], x: list[sp.Symbol], f: sp.Expr,
            constraints: list[sp.Expr], known: list[tuple], families: list[dict]) -> _Search:
    """Newton's method (double precision, all starts at once) from grids of 400, 1600, 6400 starts, then each new
    point snapped to an exact value or refined and verified at 60 digits (see the module's docstring)."""
    import numpy as np

    from ..chain.numeric import CompiledMatrix

    result = _Search()
    system = sp.Matrix(equations)
    F = CompiledMatrix(system, unknowns)
    J = CompiledMatrix(_almost_everywhere(system.jacobian(unknowns)), unknowns)
    lows = np.array([lo for lo, _ in box])
    highs = np.array([hi for _, hi in box])
    size = float(np.max(highs - lows))
    same = 1e-7 * size
    rng = np.random.default_rng(0)
    multipliers = None
    if constraints:
        grad = CompiledMatrix(sp.Matrix([sp.diff(f, v) for v in x]), x)
        G = CompiledMatrix(sp.Matrix([[sp.diff(g, v) for v in x] for g in constraints]), x)

        def multipliers(X):  # λ that best fits ∇f = Gᵀλ at each start
            with np.errstate(all="ignore"):
                Gt = np.transpose(G(*X.T), (0, 2, 1))
                lam = (np.linalg.pinv(Gt) @ grad(*X.T))[..., 0]
            return np.where(np.isfinite(lam), lam, 0.0)

    known_values = _Near(n, same)
    for p in known:
        known_values.add(np.array([float(sp.re(sp.N(v))) for v in p[:n]]))
    found = _Near(n, same)  # double-precision locations of every point accepted (or rejected) so far
    seen_curve = _Near(n, same)
    on_families = _Families(families, x, size)
    result.named_curves = bool(families)
    started = time.monotonic()
    for level in range(LEVELS):
        level_started = time.monotonic()
        count = STARTS * 4 ** level
        per = max(2, round(count ** (1 / n)))
        cells = (highs - lows) / per
        if per ** n <= 4 * count:
            grid = np.array(list(itertools.product(range(per), repeat=n)), dtype=float)
            X = lows + (grid + 0.5 + 0.6 * (rng.random(grid.shape) - 0.5)) * cells
        else:
            X = lows + (highs - lows) * rng.random((count, n))
        Z = np.hstack([X, multipliers(X)]) if multipliers is not None else X
        result.starts += len(Z)
        result.levels = level + 1
        length = refine.checker.length
        try:
            candidates, singular = _newton(F, J, Z, lows, highs, n, size, length)
        except (NameError, TypeError, ValueError, AttributeError):  # a function numpy cannot evaluate
            result.failed = True
            break
        fresh = []
        for z, is_singular in zip(candidates, singular):
            point = z[:n]
            if found.has(point) or seen_curve.has(point):
                continue
            if known_values.has(point):
                found.add(point)
                continue
            if on_families.has(point):
                seen_curve.add(point)
                continue
            fresh.append((z, is_singular))
        fresh = [(z, is_singular and refine.snap(z) is None) for z, is_singular in fresh]  # exact: a point
        on_curves = _on_curves(F, J, [z for z, is_singular in fresh if is_singular], lows, highs, n, size, length)
        new_isolated = 0
        for z, is_singular in fresh:
            point = z[:n]
            if found.has(point) or seen_curve.has(point):
                continue
            if is_singular and on_curves.pop(0):
                seen_curve.add(point)
                result.curve_points.append(tuple(float(v) for v in point))
                continue
            verified = refine(z)
            if verified is None:
                result.rejected.append(tuple(float(v) for v in point))
                found.add(point)  # do not try it again
                continue
            values, location = verified
            if not _inside_numeric(values[:n], bounds, size):
                found.add(point)
                continue
            if found.has(location[:n]) or known_values.has(location[:n]):
                found.add(point)
                continue
            found.add(location[:n])
            result.points.append(values)
            new_isolated += 1
        if level >= 1 and new_isolated == 0:
            break
        if level == LEVELS - 1:
            result.unsettled = new_isolated > 0
            break
        spent = time.monotonic() - level_started
        if time.monotonic() - started + 4 * spent > SEARCH_SECONDS or _share(1.0) < 4 * spent + 1.0:
            result.out_of_time = True
            break
    return result


def _almost_everywhere(matrix: sp.Matrix) -> sp.Matrix:
    """δ(x) (the derivative of sign(x) or of a step) is 0 wherever Newton's method can use it."""
    return matrix.replace(sp.DiracDelta, lambda *args: sp.S.Zero)


def _linear(steps: list) -> bool:
    """The last steps shrink by a steady factor (Newton's method at a degenerate root)."""
    return len(steps) >= 6 and all(b <= 0.95 * a for a, b in zip(steps[-6:], steps[-5:]))


def _remaining(steps: list):
    """How far Newton's method still has to go when its steps shrink by a factor r: step · r / (1 − r)."""
    r = min(steps[-1] / steps[-2], 0.95)
    return steps[-1] * r / (1 - r)


class _Near:
    """Points seen so far, and whether a point is within ``tol`` (max norm) of one of them."""

    def __init__(self, n: int, tol: float):
        import numpy as np

        self.rows = np.empty((0, n))
        self.tol = tol

    def has(self, point) -> bool:
        import numpy as np

        return bool(len(self.rows)) and bool(np.any(np.max(np.abs(self.rows - point), axis=1) < self.tol))

    def add(self, point) -> None:
        import numpy as np

        self.rows = np.vstack([self.rows, point])


def _iterate(F, J, Z, lows, highs, n: int, size: float, length: float):
    """Damped Newton's method from every row of Z at once (steps at most 1/8 of the box, least squares where
    the Jacobian is singular). Returns where each start ended and whether it settled there: the steps shrank to
    nothing inside the box and the equations are 0 relative to the Jacobian's scale (|F| ≤ 10⁻⁶ |J| · length,
    so neither a least-squares stall nor a place where F and J are both merely tiny)."""
    import numpy as np

    Z = Z.copy()
    count = len(Z)
    alive = np.ones(count, dtype=bool)
    last = np.full(count, np.inf)
    limit = size / 8
    with np.errstate(all="ignore"):
        for _ in range(NEWTON_STEPS):
            idx = np.flatnonzero(alive & (last > 1e-13 * size))
            if not idx.size:
                break
            z = Z[idx]
            Fv = F(*z.T)[:, :, 0]
            Jv = J(*z.T)
            ok = np.isfinite(Fv).all(axis=1) & np.isfinite(Jv).all(axis=(1, 2)) & (np.abs(Jv).max(axis=(1, 2)) > 0)
            alive[idx[~ok]] = False
            idx, z, Fv, Jv = idx[ok], z[ok], Fv[ok], Jv[ok]
            if not idx.size:
                continue
            step = -(np.linalg.pinv(Jv) @ Fv[..., None])[..., 0]
            norm = np.abs(step).max(axis=1)
            step *= np.minimum(1.0, limit / np.maximum(norm, 1e-300))[:, None]
            Z[idx] = z + step
            last[idx] = norm
            away = ((Z[idx, :n] < lows - 0.25 * size) | (Z[idx, :n] > highs + 0.25 * size)).any(axis=1)
            alive[idx[away]] = False
        settled = alive & (last <= 1e-6 * size) & np.all(Z[:, :n] >= lows - 1e-6 * size, axis=1) & \
            np.all(Z[:, :n] <= highs + 1e-6 * size, axis=1)
        if settled.any():
            Fv = F(*Z[settled].T)[:, :, 0]
            Jv = J(*Z[settled].T)
            small = np.abs(Fv).max(axis=1) <= 1e-6 * np.abs(Jv).max(axis=(1, 2)) * length
            settled[np.flatnonzero(settled)[~small]] = False
    return Z, settled


def _newton(F, J, Z, lows, highs, n: int, size: float, length: float):
    """The distinct points where Newton's method settled (``_iterate``), and whether the Jacobian is singular
    there."""
    import numpy as np

    Z, settled = _iterate(F, J, Z, lows, highs, n, size, length)
    Z = Z[settled]
    if not len(Z):
        return [], []
    _, first = np.unique(np.round(Z / (1e-8 * size)), axis=0, return_index=True)
    Z = Z[np.sort(first)]
    with np.errstate(all="ignore"):
        s = np.linalg.svd(J(*Z.T), compute_uv=False)
    singular = s[:, -1] <= 1e-7 * np.maximum(s[:, 0], 1e-300)
    return list(Z), list(singular)


def _on_curves(F, J, points: list, lows, highs, n: int, size: float, length: float) -> list[bool]:
    """At points where the Jacobian is singular: does Newton's method from a little way along its null
    direction (both ways) settle at a new point that far away — a curve of solutions — or come back to the
    point, which is then an isolated (degenerate) one?"""
    import numpy as np

    if not points:
        return []
    Z = np.array(points)
    with np.errstate(all="ignore"):
        _, _, vt = np.linalg.svd(J(*Z.T))
    directions = vt[:, -1, :]
    t = 1e-3 * size
    starts = np.vstack([Z + t * directions, Z - t * directions])
    ends, settled = _iterate(F, J, starts, lows - size, highs + size, n, size, length)
    reach = 0.5 * t * np.max(np.abs(directions), axis=1)
    moved = np.max(np.abs(ends - np.vstack([Z, Z])), axis=1) > np.concatenate([reach, reach])
    away = settled & moved
    return list(away[:len(Z)] | away[len(Z):])


class _Families:
    """The curves sympy gave (x = 0, x = π/(2y) …), compiled: is a point found numerically on one of them?"""

    def __init__(self, families: list[dict], x: list[sp.Symbol], size: float):
        from ..chain.numeric import CompiledMatrix

        self.tests = []
        for family in families:
            residuals = [v - value for v, value in family.items() if v in x and not (value.free_symbols - set(x))]
            if residuals:
                self.tests.append(CompiledMatrix(sp.Matrix(residuals), x))
        self.tol = 1e-6 * size

    def has(self, point) -> bool:
        import numpy as np

        with np.errstate(all="ignore"):
            for test in self.tests:
                values = test(*[np.array([v]) for v in point])[0, :, 0]
                if np.all(np.abs(values) <= self.tol):
                    return True
        return False


def _inside_numeric(point: Sequence[sp.Expr], bounds: list[tuple], size: float) -> bool:
    """A decimal point is inside when within its precision of the box (π found at 30 digits is on [-π, π])."""
    slack = 1e-25 * size
    for v, (lo, hi) in zip(point, bounds):
        value = sp.N(v, 40)
        if value < sp.N(lo, 40) - slack or value > sp.N(hi, 40) + slack:
            return False
    return True


class _Refiner:
    """One point found in double precision, verified: snapped to exact coordinates where sympy's exact
    evaluation of every equation there is 0, else Newton's method at 60 digits until every equation is 0 to 30
    digits relative to the size of its terms (``_Checker``). Returns (values, location as floats) or None."""

    def __init__(self, equations: list[sp.Expr], unknowns: list[sp.Symbol], checker: _Checker, size: float):
        self.equations = equations
        self.unknowns = unknowns
        self.checker = checker
        self.size = size
        self.snaps: dict[tuple[float, float], list[sp.Expr]] = {}
        system = sp.Matrix(equations)
        try:
            self.F = sp.lambdify(unknowns, system, modules="mpmath")
            self.J = sp.lambdify(unknowns, _almost_everywhere(system.jacobian(unknowns)), modules="mpmath")
        except (TypeError, NameError, SyntaxError, KeyError):  # a function mpmath lacks: evaluate with sympy
            self.F = self.J = None
        self.jacobian = _almost_everywhere(system.jacobian(unknowns))

    def __call__(self, z) -> tuple[tuple, Any] | None:
        """(values, location as floats), or None when the point is not verified."""
        import numpy as np

        exact = self.snap(z)
        if exact is None:
            refined = self._newton(z)
            if refined is None:
                return None
            if not isinstance(refined, tuple):
                return tuple(refined), np.array([float(v) for v in refined])
            exact = refined
        return exact, np.array([float(sp.N(v)) for v in exact])

    def snap(self, z: Sequence, within: float = 0.0) -> tuple | None:
        """Exact coordinates near z (0, p/q, pπ/q with q ≤ 24, within 10⁻⁹ or ``within``) at which sympy's exact
        evaluation of every equation is 0 — a proof that the point is a critical point."""
        choices = [self._candidates(float(v), within) for v in z]
        for values in itertools.islice(itertools.product(*choices), 8):
            subs = dict(zip(self.unknowns, values))
            try:
                if all(sp.sympify(e.xreplace(subs)) == 0 for e in self.equations):
                    return tuple(values)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
        return None

    def _candidates(self, v: float, within: float = 0.0) -> list[sp.Expr]:
        key = (round(v, 11), within)
        if key in self.snaps:
            return self.snaps[key]
        out: list[sp.Expr] = []
        tol = max(1e-9 * max(1.0, abs(v)), within)
        if abs(v) <= max(1e-9 * self.size, within):
            out.append(sp.Integer(0))
        for base, scale in ((sp.pi, math.pi), (sp.Integer(1), 1.0)):
            q = Fraction(v / scale).limit_denominator(24)
            if q != 0 and abs(float(q) * scale - v) <= tol:
                out.append(sp.Rational(q.numerator, q.denominator) * base)
        self.snaps[key] = out
        return out

    def _newton(self, z) -> list | tuple | None:
        """Newton's method at 60 digits (Levenberg–Marquardt-damped, so a singular Jacobian does not throw it
        far). A point is accepted when the steps converged to nothing (quadratically), the Jacobian there is
        not singular (a damped step can be tiny without a root), and every equation is 0 to 30 digits
        relative to the size of its terms — 30-digit Floats, with coordinates that are 0 to 40 digits written
        as 0. Where the steps shrink only linearly (a degenerate root, x⁵ at 0) or the Jacobian is singular,
        only exact coordinates within the distance still to go are accepted (as a tuple); else None."""
        import mpmath as mp

        with mp.workdps(DIGITS):
            point = [mp.mpf(float(v)) for v in z]
            tiny = mp.mpf(10) ** (-(DIGITS - 8)) * self.size
            steps: list = []
            for k in range(30):
                try:
                    Fv, Jv = self._evaluate(point)
                except (_Undefined, ZeroDivisionError, ValueError, TypeError, OverflowError):
                    return None
                scale = max((abs(v) for v in Jv), default=mp.mpf(0))
                if scale == 0 or not all(mp.isfinite(v) for v in list(Fv) + list(Jv)):
                    return None
                JT = Jv.T
                mu = (scale * mp.mpf(10) ** (-25)) ** 2
                try:
                    step = mp.lu_solve(JT * Jv + mu * mp.eye(Jv.rows), -(JT * Fv))
                except ZeroDivisionError:
                    return None
                point = [p + s for p, s in zip(point, step)]
                steps.append(max(abs(s) for s in step))
                if steps[-1] <= tiny:
                    break
                if k in (9, 19) and _linear(steps):
                    exact = self.snap(point, float(10 * _remaining(steps)))
                    if exact is not None:
                        return exact
            if steps[-1] > tiny:
                return self.snap(point, float(10 * _remaining(steps))) if _linear(steps) else None
            try:
                _, Jv = self._evaluate(point)
                sigma = mp.svd_r(Jv, compute_uv=False)
            except (_Undefined, ZeroDivisionError, ValueError, TypeError, OverflowError):
                return None
            if min(sigma) <= mp.mpf(10) ** -20 * max(sigma):
                return self.snap(point, float(10 ** 10 * tiny))
        for candidate in self._tidy(point):
            residuals = self.checker.residuals(candidate)
            if residuals is not None and max(residuals, default=0.0) <= ZERO_TO:
                return candidate
        return None

    def _evaluate(self, point):
        import mpmath as mp

        if self.F is not None:
            return mp.matrix(self.F(*point)), mp.matrix(self.J(*point))
        subs = {u: _sympy_number(v) for u, v in zip(self.unknowns, point)}
        Fv = mp.matrix([_mp(e.xreplace(subs)) for e in self.equations])
        Jv = mp.matrix([[_mp(e.xreplace(subs)) for e in row] for row in self.jacobian.tolist()])
        return Fv, Jv

    def _tidy(self, point: list) -> list[list[sp.Expr]]:
        """30-digit Floats, first with the coordinates that are 0 to 40 digits of the box written as 0 (an
        x·cos(y) term is then exactly 0, not 10⁻⁶⁰ of its own size), then as they came."""
        out = [sp.Float(v, 30) for v in point]
        zeroed = [sp.Float(0) if abs(float(v)) <= 1e-40 * self.size else v for v in out]
        return [zeroed, out] if zeroed != out else [out]


# ---------------------------------------------------------------------------
# Classification

def _rank(G: sp.Matrix, exact: bool) -> int:
    if G.rows == 0:
        return 0
    if exact:
        return G.rank(simplify=True)
    import numpy as np

    s = np.linalg.svd(np.array(G.evalf(30).tolist(), dtype=float), compute_uv=False)
    return int(np.sum(s > 1e-12 * max(float(s[0]), 1e-300))) if s.size else 0


def _second_derivative_test(H: sp.Matrix, method: str) -> tuple[str, dict]:
    """``method`` "exact": H's entries are exact at an exact point (decided by Descartes' rule when they are)."""
    eigenvalues = [float(v) for v in _eigenvalues(H)]
    exact = method == "exact" and tolerance.is_exact_matrix(H)
    inertia = tolerance.exact_inertia(H) if exact else None
    if inertia is None:
        signs = tolerance.eigen_signs(eigenvalues)
        inertia = (signs.count(1), signs.count(-1), signs.count(0))
    positive, negative, zero = inertia
    n = H.rows
    D = H.det()
    detail = {"D": D, "f_xx": H[0, 0], "eigenvalues": eigenvalues, "decided": "exactly" if exact else "numerically"}
    if positive == n:
        return "local minimum", detail
    if negative == n:
        return "local maximum", detail
    if positive and negative:
        return "saddle point", detail
    return "inconclusive", detail  # a zero eigenvalue: the test says nothing


def _eigenvalues(H: sp.Matrix) -> list[float]:
    import numpy as np

    values = np.array(H.evalf(17).tolist(), dtype=float)
    return list(np.linalg.eigvalsh((values + values.T) / 2))


def _bordered_test(H: sp.Matrix, G: sp.Matrix, n: int, m: int, exact_point: bool) -> tuple[str, dict]:
    """The bordered Hessian [[0, G], [Gᵀ, H_L]] and its last n − m leading principal minors; when one is 0,
    the Hessian of L on the tangent space of the constraints decides."""
    B = sp.zeros(m + n, m + n)
    B[:m, m:] = G
    B[m:, :m] = G.T
    B[m:, m:] = H
    minors = [B[:k, :k].det() for k in range(2 * m + 1, m + n + 1)]
    scale = max((abs(float(sp.N(v))) for v in B), default=1.0) or 1.0
    exact = exact_point and tolerance.is_exact_matrix(B)
    signs = []
    for order, v in enumerate(minors, start=2 * m + 1):
        value = float(sp.N(v))
        if exact and tolerance.is_exact(v):
            signs.append(tolerance.exact_sign(v))
        else:  # a minor of order r scales like the entries to the power r
            signs.append(0 if abs(value) <= 1e-12 * scale ** order else (1 if value > 0 else -1))
    detail: dict = {"bordered_minors": minors, "decided": "exactly" if exact else "numerically"}
    if 0 in signs:
        return _tangent_test(H, G, exact, detail)
    if all(s == (-1) ** m for s in signs):
        return "local minimum (on the constraint)", detail
    if all(s == (-1) ** (m + 1 + k) for k, s in enumerate(signs)):
        return "local maximum (on the constraint)", detail
    return "saddle point (on the constraint)", detail


def _tangent_test(H: sp.Matrix, G: sp.Matrix, exact: bool, detail: dict) -> tuple[str, dict]:
    """ZᵀH_L Z for Z a basis of the null space of the constraints' Jacobian (the tangent space): its inertia."""
    if exact:
        basis = G.nullspace(simplify=True)
        Z = sp.Matrix.hstack(*basis) if basis else sp.zeros(H.rows, 0)
    else:
        import numpy as np

        values = np.array(G.evalf(30).tolist(), dtype=float)
        _, s, vt = np.linalg.svd(values)
        rank = int(np.sum(s > 1e-12 * max(float(s[0]), 1e-300))) if s.size else 0
        Z = sp.Matrix(vt[rank:].T)
    if Z.cols == 0:
        return "inconclusive", detail
    M = Z.T * H * Z
    M = M.applyfunc(sp.nsimplify) if exact and not tolerance.is_exact_matrix(M) else M
    eigenvalues = [float(v) for v in _eigenvalues(M)]
    inertia = tolerance.exact_inertia(M) if exact and tolerance.is_exact_matrix(M) else None
    if inertia is None:
        signs = tolerance.eigen_signs(eigenvalues)
        inertia = (signs.count(1), signs.count(-1), signs.count(0))
    positive, negative, _ = inertia
    detail["tangent_eigenvalues"] = eigenvalues
    if positive == M.rows:
        return "local minimum (on the constraint)", detail
    if negative == M.rows:
        return "local maximum (on the constraint)", detail
    if positive and negative:
        return "saddle point (on the constraint)", detail
    return "inconclusive", detail


NOT_CLASSIFIED = "not classified (Lagrange's method does not apply here)"


def _singular_points(f: sp.Expr, x: list[sp.Symbol], constraints: list[sp.Expr], G: sp.Matrix, found: list[tuple],
                     bounds: list[tuple], boxed: bool, hessian: sp.Matrix, notes: list[str]) -> list[CriticalPoint]:
    """Points of the constraint set where rank ∇g < m: Lagrange's method cannot see them, yet an extremum
    can be there (the minimum of x on y² = x³ is at the cusp (0, 0), where ∇g = 0)."""
    m = len(constraints)
    n = len(x)
    if m == 1:
        conditions = list(G)
    else:
        conditions = [G.extract(list(range(m)), list(cols)).det() for cols in itertools.combinations(range(n), m)]
    system = list(constraints) + conditions

    def solve():
        try:
            return sp.solve(system, x, dict=True)
        except (NotImplementedError, ValueError, TypeError, AttributeError, sp.PolynomialError):
            return None

    solved = _capped(min(2.0, _share(0.3)), solve)
    points = list(found)
    if solved is None or not isinstance(solved, list):
        notes.append("jac could not solve for the points where the constraints' gradients are dependent (Lagrange's "
                     "method misses them): check those by hand")
    else:
        if any(any(v not in s or s[v].free_symbols & set(x) for v in x) for s in solved):
            notes.append("the constraints' gradients are dependent along a whole curve of the constraint set: "
                         "Lagrange's method does not apply there, and those points are not listed")
        for s in solved:
            if all(v in s and not s[v].free_symbols & set(x) for v in x):
                values = tuple(_real_exact(s[v]) for v in x)
                if all(v is not None for v in values):
                    points.append(values)
    out = []
    seen: list[tuple] = []
    for values in points:
        if any(all(tolerance.exact_sign(a - b) == 0 if tolerance.is_exact(a) and tolerance.is_exact(b)
                   else abs(float(sp.N(a - b))) < 1e-12 for a, b in zip(values, other)) for other in seen):
            continue
        if boxed and all(tolerance.is_exact(v) for v in values) and not _inside_exact(values, bounds):
            continue
        seen.append(values)
        subs = dict(zip(x, values))
        value = f.subs(subs)
        kind, argument = NOT_CLASSIFIED, None
        decided = _sign_on_constraint(f, value, constraints, x) if n == 2 and m == 1 else None
        if decided is not None:
            kind, argument = decided
        rank = _rank(G.subs(subs), all(tolerance.is_exact(v) for v in values))
        detail = {"constraint_rank": rank, "decided": "exactly"}
        if argument:
            detail["argument"] = argument
        out.append(CriticalPoint(values, (), value, kind, detail, hessian.subs(subs)))
    if out:
        notes.append("the constraints' gradients are dependent at " + ", ".join(
            "(" + ", ".join(to_text(v) for v in p.point) + ")" for p in out) + ": Lagrange's method does not apply "
            "there, but an extremum can be there, so these are listed as candidates")
    return out


def _sign_on_constraint(f: sp.Expr, value: sp.Expr, constraints: list[sp.Expr],
                        x: list[sp.Symbol]) -> tuple[str, str] | None:
    """One constraint g = 0 in two inputs: solve it for an input in which it has degree 1 or 2 with a constant
    leading coefficient (so the branches — the quadratic formula — hold everywhere and cover the whole curve),
    and decide the sign of f − f(p) on each branch over the interval where it is real. A global minimum (or
    maximum) on the constraint set when f − f(p) ≥ 0 (≤ 0) on every branch."""
    from sympy.calculus.util import continuous_domain

    (g,) = constraints
    difference = f - value

    def decide():
        for solve_for, other in ((x[1], x[0]), (x[0], x[1])):
            try:
                poly = sp.Poly(g, solve_for)
            except sp.PolynomialError:
                continue
            lead = poly.LC()
            if poly.degree() not in (1, 2) or not lead.is_number or lead == 0 or \
                    any(c.has(solve_for) for c in poly.all_coeffs()):
                continue
            branches = sp.solve(g, solve_for)
            if any(b.has(sp.I) for b in branches):
                continue
            signs = set()
            texts = []
            for b in branches:
                domain = continuous_domain(b, other, sp.S.Reals)
                h = sp.simplify(difference.subs(solve_for, b))
                below = sp.solve_univariate_inequality(h < 0, other, domain=domain, relational=False)
                above = sp.solve_univariate_inequality(h > 0, other, domain=domain, relational=False)
                if below is sp.S.EmptySet:
                    signs.add(1)
                elif above is sp.S.EmptySet:
                    signs.add(-1)
                else:
                    return None
                texts.append(f"{to_text(solve_for)} = {to_text(b)}: f − f(p) = {to_text(h)} "
                             f"{'≥' if below is sp.S.EmptySet else '≤'} 0 for {to_text(other)} in {_set_text(domain)}")
            if signs == {1}:
                return ("local minimum (on the constraint; f ≥ f(p) on all of it)",
                        "on every branch of the constraint, " + "; ".join(texts))
            if signs == {-1}:
                return ("local maximum (on the constraint; f ≤ f(p) on all of it)",
                        "on every branch of the constraint, " + "; ".join(texts))
            return None
        return None

    try:
        decided = _capped(min(2.0, _share(0.3)), decide)
    except (NotImplementedError, ValueError, TypeError, AttributeError, sp.PolynomialError):
        return None
    return None if decided is TIMED_OUT else decided


def _set_text(s: sp.Set) -> str:
    """[0, ∞), (-1, 1] ∪ [2, 3]: intervals as people write them."""
    if isinstance(s, sp.Union):
        return " ∪ ".join(_set_text(a) for a in s.args)
    if isinstance(s, sp.Interval):
        def end(v):
            return "∞" if v is sp.oo else "-∞" if v is -sp.oo else to_text(v)

        return f"{'(' if s.left_open else '['}{end(s.start)}, {end(s.end)}{')' if s.right_open else ']'}"
    if s == sp.S.Reals:
        return "(-∞, ∞)"
    return str(s)


def _curve(family: dict, f: sp.Expr, x: list[sp.Symbol], unknowns: list[sp.Symbol],
           hessian: sp.Matrix) -> CriticalCurve:
    """A set of critical points with a free parameter (``{x: 0}``: the line x = 0), f along it, and what can
    be said: along a curve of critical points the Hessian is singular, so the second-derivative test is
    inconclusive; a minimum (maximum) only when sympy shows f − c ≥ 0 (≤ 0) everywhere."""
    inputs = [v for v in x if v in family]
    equations = [f"{to_text(v)} = {to_text(family[v])}" for v in unknowns if v in family]
    free = [v for v in x if v not in family]
    dimension = len(free)
    linear = all(sp.Poly(v - family[v], *x).is_linear if (v - family[v]).is_polynomial(*x) else False
                 for v in inputs)
    shape = {1: "line" if linear else "curve", 2: "plane" if linear else "surface"}.get(
        dimension, f"{dimension}-dimensional set")
    try:
        on = sp.simplify(f.subs(family))
    except (TypeError, ValueError):
        on = None
    constant = on is not None and not (on.free_symbols & set(x))
    classification = "inconclusive (a second-derivative test cannot decide: these critical points are not isolated)"
    argument = None
    if constant:
        difference = sp.factor(f - on)
        if difference.is_nonnegative:
            classification = "minimum (not strict): f ≥ " + to_text(on) + " everywhere"
            argument = f"f − {to_text(on)} = {to_text(difference)} ≥ 0 for all real inputs"
        elif difference.is_nonpositive:
            classification = "maximum (not strict): f ≤ " + to_text(on) + " everywhere"
            argument = f"f − {to_text(on)} = {to_text(difference)} ≤ 0 for all real inputs"
    return CriticalCurve(shape, tuple(equations), tuple(to_text(v) for v in free), on if constant else None,
                         classification, argument)
