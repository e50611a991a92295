"""The classification of critical points: the second-derivative test (the Hessian's inertia), the bordered
Hessian and, where its minors are inconclusive, the Hessian of the Lagrangian on the tangent space; points
where the constraints' gradients are dependent; curves of critical points."""

from __future__ import annotations

import itertools
from typing import Any, cast

import numpy as np
import sympy as sp
from sympy.calculus.util import continuous_domain

from ..calculus import tolerance
from ..calculus.printing import to_text
from ..results.second_order import CriticalCurve, CriticalPoint
from .critical_search import TIMED_OUT, capped, inside_exact, real_exact, time_share

# ---------------------------------------------------------------------------
# Classification

def constraint_rank(G: sp.Matrix, exact: bool) -> int:
    if G.rows == 0:
        return 0
    if exact:
        return cast(int, G.rank(simplify=True))

    s = np.linalg.svd(np.array(G.evalf(30).tolist(), dtype=float), compute_uv=False)
    return int(np.sum(s > 1e-12 * max(float(s[0]), 1e-300))) if s.size else 0


def second_derivative_test(H: sp.Matrix, method: str) -> tuple[str, dict[str, Any]]:
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
    values = np.array(H.evalf(17).tolist(), dtype=float)
    return list(np.linalg.eigvalsh((values + values.T) / 2))


def bordered_test(H: sp.Matrix, G: sp.Matrix, n: int, m: int, exact_point: bool) -> tuple[str, dict[str, Any]]:
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
    detail: dict[str, Any] = {"bordered_minors": minors, "decided": "exactly" if exact else "numerically"}
    if 0 in signs:
        return _tangent_test(H, G, exact, detail)
    if all(s == (-1) ** m for s in signs):
        return "local minimum (on the constraint)", detail
    if all(s == (-1) ** (m + 1 + k) for k, s in enumerate(signs)):
        return "local maximum (on the constraint)", detail
    return "saddle point (on the constraint)", detail


def _tangent_test(H: sp.Matrix, G: sp.Matrix, exact: bool, detail: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """ZᵀH_L Z for Z a basis of the null space of the constraints' Jacobian (the tangent space): its inertia."""
    if exact:
        basis = G.nullspace(simplify=True)
        Z = sp.Matrix.hstack(*basis) if basis else sp.zeros(H.rows, 0)
    else:
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


def singular_points(f: sp.Expr, x: list[sp.Symbol], constraints: list[sp.Expr], G: sp.Matrix,
                    found: list[tuple[sp.Expr, ...]], bounds: list[tuple[sp.Expr, sp.Expr]], boxed: bool,
                    hessian: sp.Matrix, notes: list[str]) -> list[CriticalPoint]:
    """Points of the constraint set where rank ∇g < m: Lagrange's method cannot see them, yet an extremum
    can be there (the minimum of x on y² = x³ is at the cusp (0, 0), where ∇g = 0)."""
    m = len(constraints)
    n = len(x)
    if m == 1:
        conditions = list(G)
    else:
        conditions = [G.extract(list(range(m)), list(cols)).det() for cols in itertools.combinations(range(n), m)]
    system = list(constraints) + conditions

    def solve() -> Any:
        try:
            return sp.solve(system, x, dict=True)
        except (NotImplementedError, ValueError, TypeError, AttributeError, sp.PolynomialError):
            return None

    solved = capped(min(2.0, time_share(0.3)), solve)
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
                values = tuple(real_exact(s[v]) for v in x)
                if all(v is not None for v in values):
                    points.append(values)
    out = []
    seen: list[tuple[sp.Expr, ...]] = []
    for values in points:
        if any(all(tolerance.exact_sign(a - b) == 0 if tolerance.is_exact(a) and tolerance.is_exact(b)
                   else abs(float(sp.N(a - b))) < 1e-12 for a, b in zip(values, other)) for other in seen):
            continue
        if boxed and all(tolerance.is_exact(v) for v in values) and not inside_exact(values, bounds):
            continue
        seen.append(values)
        subs = dict(zip(x, values))
        value = f.subs(subs)
        kind, argument = NOT_CLASSIFIED, None
        decided = _sign_on_constraint(f, value, constraints, x) if n == 2 and m == 1 else None
        if decided is not None:
            kind, argument = decided
        rank = constraint_rank(G.subs(subs), all(tolerance.is_exact(v) for v in values))
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

    (g,) = constraints
    difference = f - value

    def decide() -> tuple[str, str] | None:
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
        decided = capped(min(2.0, time_share(0.3)), decide)
    except (NotImplementedError, ValueError, TypeError, AttributeError, sp.PolynomialError):
        return None
    return None if decided is TIMED_OUT else decided


def _set_text(s: sp.Set) -> str:
    """[0, ∞), (-1, 1] ∪ [2, 3]: intervals as people write them."""
    if isinstance(s, sp.Union):
        return " ∪ ".join(_set_text(a) for a in s.args)
    if isinstance(s, sp.Interval):
        def end(v: sp.Expr) -> str:
            return "∞" if v is sp.oo else "-∞" if v is -sp.oo else to_text(v)

        return f"{'(' if s.left_open else '['}{end(s.start)}, {end(s.end)}{')' if s.right_open else ']'}"
    if s == sp.S.Reals:
        return "(-∞, ∞)"
    return str(s)


def curve_of(family: dict[sp.Symbol, sp.Expr], f: sp.Expr, x: list[sp.Symbol], unknowns: list[sp.Symbol],
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
