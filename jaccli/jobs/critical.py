"""Critical points: ``jac critical SPEC [--in BOX] [--constraint "g = c"]…``.

Unconstrained: solve ∇f = 0 — exactly where sympy can within the time budget (polynomials and the other
textbook cases; each equation is first divided by its factors that are never 0, such as e^(−x²−y²), so
x·e^(−x²−y²) is solved as the polynomial system it is), else numerically in a box — and classify each point by
the second-derivative test: the Hessian's inertia (exact where the point is exact: Descartes' rule on the
characteristic polynomial), D = det H and f_xx; a zero eigenvalue makes the test inconclusive.

The numeric search (``numeric_search``): Newton's method from the cells of grids of increasing fineness over the box
(4× as many starts each time, stopping when a finer grid finds no new point; a start counts as settled only
where the equations are small relative to their Jacobian), and every point it reports is verified: either
snapped to exact coordinates (0, p/q, pπ/q) at which sympy's exact evaluation of the equations is 0, or
refined by Newton's method at 60 digits (mpmath) until it converges quadratically to a point where the
Jacobian is not singular and each equation is 0 to 30 digits relative to the size of its own terms
(``Checker``). A point where the gradient is merely tiny — every term is e^(−81) — is not 0 relative to
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

import sympy as sp

from ..calculus import special as jf
from ..calculus import tolerance
from ..calculus.evaluate import to_number
from ..calculus.printing import to_text
from ..core.errors import MathError, ParseError, SpecError, UsageError
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..parse import grammar
from ..parse.loading import load
from ..results.second_order import CriticalPoint, CriticalResult
from .critical_classify import bordered_test, constraint_rank, curve_of, second_derivative_test, singular_points
from .critical_search import (
    DIGITS,
    TIMED_OUT,
    ZERO_TO,
    Checker,
    Refiner,
    capped,
    inside_exact,
    inside_numeric,
    numeric_search,
    real_exact,
    time_share,
)

DEFAULT_BOX = 10.0  # numeric search in [-10, 10]ⁿ unless --in says otherwise
NONPOLYNOMIAL_SOLVE = 1.0  # seconds for sympy's solve of a non-polynomial system (it gives principal solutions)


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
    checker = Checker(equations, unknowns, size / 2)
    refiner = Refiner(reduced, unknowns, checker, size)

    seconds = time_share(0.7) if polynomial else min(NONPOLYNOMIAL_SOLVE, time_share(0.4))
    exact = capped(seconds, lambda: _solve_exactly(reduced, unknowns, n))
    why = "sympy could not solve the equations exactly"
    if exact is TIMED_OUT:
        why = (f"sympy's solve did not finish within {seconds:.2g} s"
               + (" (the equations are not polynomial, so it would give principal solutions only)"
                  if not polynomial else " (its share of the time budget)"))
        exact = None
    solutions: list[tuple[sp.Expr, ...]] = []
    families: list[dict[sp.Symbol, sp.Expr]] = []
    loose: list[tuple[sp.Expr, ...]] = []  # Lagrange points whose multipliers are not determined: dependent constraints
    dropped = 0
    if exact is not None:
        found, families, loose, complex_families = exact
        for values in found:
            if any(v.has(sp.Float) for v in values):  # sympy's decimals (the SPEC has some): refined and verified
                refined = refiner([float(sp.re(sp.N(v))) for v in values])  # (values, location)
                if refined is None:
                    dropped += 1
                elif box is None or inside_numeric(refined[0][:n], exact_bounds, size):
                    solutions.append(refined[0])
                continue
            if not inside_exact(values[:n], exact_bounds if box is not None else None):
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
        search = numeric_search(reduced, refiner, unknowns, n, search_box, exact_bounds, x, f, constraints,
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
    singular: list[tuple[sp.Expr, ...]] = []
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
            if constraint_rank(G, exact_point) < m:
                singular.append(point)
                continue
            kind, detail = bordered_test(H, G, n, m, exact_point)
        else:
            kind, detail = second_derivative_test(H, "exact" if exact_point else "numeric")
        points.append(CriticalPoint(point, tuple(values[n:]), value, kind, detail, H))
    if constraints:
        points += singular_points(f, x, constraints, gradients, loose + singular, exact_bounds, box is not None,
                                   hessian, notes)
    curves = [curve_of(family, f, x, unknowns, hessian) for family in families]
    if curves and not points:
        notes.append("no isolated critical points" + (" in the box" if box is not None else "")
                     + ": the solutions form curves or surfaces, listed below")
    points.sort(key=lambda p: [float(sp.N(v)) for v in p.point])
    return CriticalResult(fn, points, method, [to_text_constraint(t) for t in request.constraints], box,
                          notes=notes, curves=curves)


def _kinks(f: sp.Expr) -> list[str]:
    """What in f can make it non-differentiable: abs, sign, max, steps, and roots of what can be 0."""

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


def _box(text: str | None, fn: VectorFunction) -> tuple[list[tuple[float, float]] | None,
                                                           list[tuple[sp.Expr, sp.Expr]] | None]:
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
                   n: int) -> tuple[list[tuple[sp.Expr, ...]], list[dict[sp.Symbol, sp.Expr]],
                                 list[tuple[sp.Expr, ...]], int] | None:
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
            values = tuple(real_exact(s[v]) for v in unknowns)
            if all(v is not None for v in values):
                solutions.append(values)
            continue
        inputs_fixed = all(v in s and not (s[v].free_symbols & set(unknowns)) for v in unknowns[:n])
        if inputs_fixed:  # only multipliers free: a point where the constraints' gradients are dependent
            values = tuple(real_exact(s[v]) for v in unknowns[:n])
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




def _value_of(f: sp.Expr, subs: dict[sp.Symbol, sp.Expr], checker: Checker) -> sp.Expr:
    """f at a point: exact at an exact point; at a decimal point 60 digits, 0 when it is 0 to 30 digits
    relative to the size of its terms."""

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


def run(request: Request) -> CriticalResult:
    return critical_of(request, load(request))
