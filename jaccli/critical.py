"""Critical points: ``jac critical SPEC [--in BOX] [--constraint "g = c"]…``.

Unconstrained: solve ∇f = 0 — exactly where sympy can within the time budget (polynomials and the other
textbook cases), else numerically in a box (Newton's method from many seeded starts, deduplicated; the
result says it was found numerically and is not proved complete) — and classify each point by the
second-derivative test: the Hessian's inertia (exact where the point is exact: Descartes' rule on the
characteristic polynomial), D = det H and f_xx; a zero eigenvalue makes the test inconclusive.

Constrained (``--constraint``, repeatable): Lagrange multipliers, ∇f = Σ λᵢ ∇gᵢ with gᵢ = cᵢ, classified by
the bordered Hessian of L = f − Σ λᵢ (gᵢ − cᵢ): with m constraints and n inputs, the last n − m leading
principal minors all of sign (−1)^m mean a local minimum on the constraint set, alternating signs
starting with (−1)^(m+1) a local maximum, other non-zero patterns a saddle, a zero minor inconclusive.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from . import grammar
from .budget import attempt
from .errors import MathError, ParseError, SpecError, UsageError
from .function import VectorFunction
from .request import Request, option
from .results.second_order import CriticalPoint, CriticalResult

DEFAULT_BOX = 10.0  # numeric search in [-10, 10]ⁿ unless --in says otherwise
STARTS = 400
NEWTON_STEPS = 60


def critical_of(request: Request, functions: list[VectorFunction]) -> CriticalResult:
    if len(functions) != 1 or functions[0].m != 1:
        raise UsageError("jac critical takes one scalar function (one SPEC with one output)",
                         hint="critical points are where the gradient of a scalar function is 0")
    fn = functions[0]
    x = list(fn.symbols)
    f = fn.outputs[0]
    constraints = [_constraint(text, fn) for text in request.constraints]
    box = _box(request.box, fn)
    multipliers = [sp.Symbol(f"lambda{i + 1}" if len(constraints) > 1 else "lambda") for i in range(len(constraints))]
    lagrangian = f - sum((lam * g for lam, g in zip(multipliers, constraints)), sp.S.Zero)
    unknowns = x + multipliers
    equations = [sp.diff(lagrangian, v) for v in x] + list(constraints)
    notes = list(fn.notes)
    exact = attempt(lambda: _solve_exactly(equations, unknowns), lambda: None, "exact solution of ∇f = 0")
    method = "exact"
    if exact is None:
        notes.append("sympy could not solve the equations exactly within the time budget: the points were "
                     f"found numerically in the box {_box_text(box, fn)} from {STARTS} starts (Newton's method), "
                     "deduplicated — not proved to be all of them")
        solutions = _solve_numerically(equations, unknowns, box, len(x))
        method = "numeric"
    else:
        solutions, family = exact
        if family:
            notes.append("some solutions form a curve or surface (a free parameter remains): they are not listed")
        if box is not None:
            solutions = [s for s in solutions if _inside(s[:len(x)], box)]
        if not all(e.is_polynomial(*unknowns) for e in equations):
            # sympy's solve lists the principal solutions of sin(x) = 0, not every one: look in the box too
            numeric = _solve_numerically(equations, unknowns, box, len(x))
            size = max(hi - lo for lo, hi in (box or [(-DEFAULT_BOX, DEFAULT_BOX)]))
            extra = [s for s in numeric if not any(
                max(abs(float(sp.N(a)) - float(b)) for a, b in zip(e, s)) < 1e-6 * size for e in solutions)]
            notes.append(f"the equations are not polynomial, so sympy's solutions need not be all of them: jac also "
                         f"searched the box {_box_text(box, fn)} numerically ({STARTS} starts)"
                         + (f" and found {len(extra)} more (shown as decimals)" if extra else
                            ", and found no others") + " — not proved complete")
            solutions = solutions + extra
            method = "exact" if not extra else "exact and numeric"
    points = []
    hessian = sp.hessian(lagrangian, x)
    gradients = [[sp.diff(g, v) for v in x] for g in constraints]
    for values in solutions:
        subs = dict(zip(unknowns, values))
        point = tuple(values[:len(x)])
        try:
            value = _real(f.subs(subs), "f")
        except MathError:
            continue  # outside the real domain of f: not a critical point of the real function
        H = hessian.subs(subs)
        if constraints:
            kind, detail = _bordered_test(H, sp.Matrix([[g.subs(subs) for g in row] for row in gradients]),
                                          len(x), len(constraints), method)
        else:
            kind, detail = _second_derivative_test(H, method)
        points.append(CriticalPoint(point, tuple(values[len(x):]), value, kind, detail, H))
    points.sort(key=lambda p: [float(sp.N(v)) for v in p.point])
    return CriticalResult(fn, points, method, [to_text_constraint(t) for t in request.constraints], box,
                          notes=notes)


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


def _box(text: str | None, fn: VectorFunction) -> list[tuple[float, float]] | None:
    """``--in "x=-2..2, y=0..3"`` or ``--in -2..2`` (every input)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    ranges: dict[str, tuple[float, float]] = {}
    for part in parts:
        name, _, span = part.rpartition("=")
        lo_hi = span.split("..")
        if len(lo_hi) != 2:
            raise SpecError(f"{option('box')} {text!r}: write ranges as LOW..HIGH",
                            hint=f"e.g. {option('box', 'x=-2..2, y=0..3')} or {option('box', '-2..2')}")
        try:
            lo, hi = (float(grammar.parse(v, scope=grammar.Scope([], constants_only=True)).evalf()) for v in lo_hi)
        except (ParseError, TypeError) as err:
            raise SpecError(f"{option('box')} {part!r}: {err}") from None
        if not lo < hi:
            raise SpecError(f"{option('box')} {part!r}: the low end must be below the high end")
        key = name.strip() or "*"
        if key != "*" and key not in fn.inputs:
            raise SpecError(f"{option('box')} names {key!r}, which is not an input of {fn.name}",
                            hint=f"the inputs are {', '.join(fn.inputs)}")
        ranges[key] = (lo, hi)
    default = ranges.get("*", (-DEFAULT_BOX, DEFAULT_BOX))
    return [ranges.get(v, default) for v in fn.inputs]


def _box_text(box: list[tuple[float, float]] | None, fn: VectorFunction) -> str:
    box = box or [(-DEFAULT_BOX, DEFAULT_BOX)] * fn.n
    return ", ".join(f"{v} ∈ [{lo:g}, {hi:g}]" for v, (lo, hi) in zip(fn.inputs, box))


def _inside(point: Sequence[sp.Expr], box: list[tuple[float, float]]) -> bool:
    return all(lo <= float(sp.N(v)) <= hi for v, (lo, hi) in zip(point, box))


def _solve_exactly(equations: list[sp.Expr], unknowns: list[sp.Symbol]) -> tuple[list[tuple], bool] | None:
    """The real solutions of the system, exactly, or None when sympy cannot give them all."""
    try:
        found = sp.solve(equations, unknowns, dict=True)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
        return None
    if not isinstance(found, list):
        return None
    solutions, family = [], False
    for s in found:
        if any(v not in s for v in unknowns) or any(expr.free_symbols & set(unknowns) for expr in s.values()):
            family = True
            continue
        values = tuple(sp.nsimplify(s[v]) if s[v].is_Float else s[v] for v in unknowns)
        if all(_is_real(v) for v in values):
            solutions.append(values)
    if not found and _could_have_roots(equations):
        return None  # sympy found nothing where there may be something: let the numeric search look
    return solutions, family


def _could_have_roots(equations: list[sp.Expr]) -> bool:
    return not all(e.is_polynomial() for e in equations)


def _is_real(value: sp.Expr) -> bool:
    v = complex(sp.N(value, 30))
    return abs(v.imag) <= 1e-20 * max(1.0, abs(v.real))


def _real(value: sp.Expr, label: str) -> sp.Expr:
    from .evaluate import to_number

    to_number(value, label)  # MathError unless a finite real number
    return value


def _solve_numerically(equations: list[sp.Expr], unknowns: list[sp.Symbol], box, n: int) -> list[tuple]:
    """Damped Newton from seeded starts in the box; roots deduplicated at 1e-6 of the box's size."""
    import numpy as np

    from .numeric import CompiledMatrix

    box = box or [(-DEFAULT_BOX, DEFAULT_BOX)] * n
    k = len(unknowns)
    F = CompiledMatrix(sp.Matrix(equations), unknowns)
    J = CompiledMatrix(sp.Matrix(equations).jacobian(unknowns), unknowns)
    rng = np.random.default_rng(0)
    lows = np.array([lo for lo, _ in box] + [-DEFAULT_BOX] * (k - n))
    highs = np.array([hi for _, hi in box] + [DEFAULT_BOX] * (k - n))
    starts = lows + (highs - lows) * rng.random((STARTS, k))
    size = float(np.max(highs - lows))
    roots: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        for z in starts:
            for _ in range(NEWTON_STEPS):
                value = F(*[np.array([v]) for v in z])[0, :, 0]
                if not np.all(np.isfinite(value)):
                    break
                if np.max(np.abs(value)) < 1e-12 * max(1.0, float(np.max(np.abs(z)))):
                    if np.all(z[:n] >= lows[:n]) and np.all(z[:n] <= highs[:n]) and \
                            not any(np.max(np.abs(z - r)) < 1e-6 * size for r in roots):
                        roots.append(z.copy())
                    break
                jac = J(*[np.array([v]) for v in z])[0]
                try:
                    step = np.linalg.lstsq(jac, -value, rcond=None)[0]
                except np.linalg.LinAlgError:
                    break
                z = z + step
    return [tuple(sp.Float(float(v), 15) for v in r) for r in roots]


def _second_derivative_test(H: sp.Matrix, method: str) -> tuple[str, dict]:
    from . import tolerance

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


def _bordered_test(H: sp.Matrix, G: sp.Matrix, n: int, m: int, method: str) -> tuple[str, dict]:
    """The bordered Hessian [[0, G], [Gᵀ, H_L]] and its last n − m leading principal minors."""
    from . import tolerance

    B = sp.zeros(m + n, m + n)
    B[:m, m:] = G
    B[m:, :m] = G.T
    B[m:, m:] = H
    minors = [B[:k, :k].det() for k in range(2 * m + 1, m + n + 1)]
    scale = max((abs(float(sp.N(v))) for v in B), default=1.0) or 1.0
    signs = []
    for order, v in enumerate(minors, start=2 * m + 1):
        value = float(sp.N(v))
        if method == "exact" and tolerance.is_exact(v):
            signs.append(tolerance.exact_sign(v))
        else:  # a minor of order r scales like the entries to the power r
            signs.append(0 if abs(value) <= 1e-12 * scale ** order else (1 if value > 0 else -1))
    detail = {"bordered_minors": minors, "decided": "exactly" if method == "exact" else "numerically"}
    if 0 in signs:
        return "inconclusive", detail
    if all(s == (-1) ** m for s in signs):
        return "local minimum (on the constraint)", detail
    if all(s == (-1) ** (m + 1 + k) for k, s in enumerate(signs)):
        return "local maximum (on the constraint)", detail
    return "saddle point (on the constraint)", detail

