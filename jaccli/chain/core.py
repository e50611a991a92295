"""The chain core: Jacobians of a chain of functions, each evaluated where its function is, multiplied
in the cheapest order, with the determinant's sign, log|det| and each factor's log|det|.

Every path uses it — a composition at one point, batches of points, layer chains, Hessians (the
second-order chain rule) and the implicit function theorem. A factor's value comes in the form its
engine makes:

* exact: a sympy Matrix (the sympy engine at an exact point);
* dense: a numpy array (m, n), or a stack (N, m, n) for N points at once;
* diagonal: ``Diagonal`` — an element-wise layer's σ′(z), (m,) or (N, m), never formed densely.

``times`` multiplies any two (exact × exact stays exact; anything else is floating point);
``product`` multiplies a chain in a chainorder bracketing. numpy is imported only when a float
factor is met, so the exact path never loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence, cast

from ..calculus.numbers import numerically_singular, slogdet
from .order import Shape, diag_plus_rank1, optimal
from .values import Diagonal, DiagPlusRank1, Evaluated, LinearMap, Value, as_array, is_exact

if TYPE_CHECKING:
    import numpy as np
    import sympy as sp

    from .order import Plan, Tree


def times(a: Value, b: Value) -> Value:
    """a·b, keeping diagonals diagonal (σ′ ⊙ rows), diagonal-plus-rank-one factors structured, and exact
    products exact."""
    if isinstance(a, LinearMap) and not isinstance(b, LinearMap):
        return a.apply(as_array(b))  # a convolution applied to each column
    if isinstance(b, LinearMap) and not isinstance(a, LinearMap):
        return b.apply_left(as_array(a))  # its transpose applied to each row (backpropagation)
    if isinstance(a, LinearMap):
        return a.apply(as_array(b))
    if isinstance(a, DiagPlusRank1) or isinstance(b, DiagPlusRank1):
        return _times_rank1(a, b)
    if isinstance(a, Diagonal) and isinstance(b, Diagonal):
        return Diagonal(a.values * b.values)
    if isinstance(a, Diagonal):
        return a.values[..., :, None] * as_array(b)
    if isinstance(b, Diagonal):
        return as_array(a) * b.values[..., None, :]
    if is_exact(a) and is_exact(b):
        return a * b
    # deferred: numpy is heavy at start-up
    import numpy as np

    return np.matmul(as_array(a), as_array(b))


def _times_rank1(a: Value, b: Value) -> Value:
    """Products with diag(d) + u·vᵀ in O(size of the other factor)."""
    if isinstance(a, DiagPlusRank1) and isinstance(b, Diagonal):
        return DiagPlusRank1(a.d * b.values, a.u, a.v * b.values)
    if isinstance(a, Diagonal) and isinstance(b, DiagPlusRank1):
        return DiagPlusRank1(a.values * b.d, a.values * b.u, b.v)
    if isinstance(a, DiagPlusRank1) and isinstance(b, DiagPlusRank1):
        return times(a.dense(), b)
    if isinstance(a, DiagPlusRank1):  # (diag(d) + u vᵀ) B = d ⊙ rows of B + u (vᵀB)
        B = as_array(b)
        return a.d[:, None] * B + a.u[:, None] * (a.v @ B)[None, :]
    assert isinstance(b, DiagPlusRank1)  # A (diag(d) + u vᵀ) = A ⊙ d + (A u) vᵀ
    A = as_array(a)
    return A * b.d[None, :] + (A @ b.u)[:, None] * b.v[None, :]


def product(tree: Tree, factors: Sequence[Value]) -> Value:
    """The product of factors (application order) in a chainorder bracketing."""
    if isinstance(tree, int):
        return factors[tree]
    left, right = tree
    return times(product(left, factors), product(right, factors))


def shapes(factors: Sequence[Value]) -> list[Shape]:
    """chainorder.Shape of each factor (a diagonal one is stored as its diagonal)."""

    out = []
    for f in factors:
        if isinstance(f, Diagonal):
            out.append(Shape(f.size, f.size, True))
        elif isinstance(f, DiagPlusRank1):
            out.append(diag_plus_rank1(f.size))
        elif isinstance(f, LinearMap):
            out.append(Shape(f.shape[0], f.shape[1], apply=f.macs or None, stored=f.stored or None))
        else:
            rows, cols = (f.shape[-2], f.shape[-1])
            out.append(Shape(int(rows), int(cols)))
    return out


def multiply(factors: Sequence[Value], names: Sequence[str] | None = None) -> tuple[Value, Plan]:
    """J_L ⋯ J_1 (factors in application order) in the cheapest order, and that order."""

    plan = optimal(shapes(factors), names)
    return product(plan.tree, factors), plan


def vector_product(factors: Sequence[Value], v: np.ndarray, side: str,
                   names: Sequence[str] | None = None) -> tuple[np.ndarray, Plan]:
    """vᵀJ (side "left", reverse mode) or J·v (side "right", forward mode), in the cheapest order with
    v as one more factor: J itself is never formed when a vector is cheaper."""
    names = list(names) if names else [f"J{k + 1}" for k in range(len(factors))]
    if side == "left":
        chain = list(factors) + [v[None, :]]
        labels = names + ["vᵀ"]
    else:
        chain = [v[:, None]] + list(factors)
        labels = ["v"] + names
    result, plan = multiply(chain, labels)
    return as_array(result).ravel(), plan


# ---------------------------------------------------------------------------
# Evaluated matrices: exact entries and their values, or values alone

def evaluated_matrix(matrix: Any, point: Any, label: Any, seams: Any = (), notes: list[str] | None = None) -> Evaluated:
    """A symbolic matrix at a point: exact for the sympy engine (rows in ``seams`` — outputs on a kink
    where the function is still differentiable — read as the limit of their formula), decimals for
    symengine's (fast.FastMatrix)."""
    # deferred: loads sympy, which the rest of this module does not need
    from .fast import FastMatrix, values_at

    if isinstance(matrix, FastMatrix):
        values = values_at(matrix, point.names, point.values, label)
        return Evaluated(_float_matrix(values), values)
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus.evaluate import exact_at, seam_value

    rows, cols = matrix.shape
    exact = sp.Matrix(rows, cols, lambda i, j: seam_value(matrix[i, j], point, label(i, j), notes) if i in seams
                      else exact_at(matrix[i, j], point, label(i, j)))
    return evaluated_exact(exact, label)


def evaluated_exact(exact: Any, label: Any) -> Evaluated:
    """Exact entries and their decimal values (MathError naming the entry when one is not real)."""
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.evaluate import to_number

    value = [[to_number(exact[i, j], label(i, j)) for j in range(exact.cols)] for i in range(exact.rows)]
    return Evaluated(exact, value)


def evaluated_floats(values: Any, what: str) -> Evaluated:
    """Decimal values only (a numeric product, symengine's values): rows of floats or an array."""
    return Evaluated(None, values if isinstance(values, (list, Diagonal)) else as_array(values))


def _float_matrix(values: list[list[float]]) -> Any:
    # deferred: sympy is heavy at start-up
    import sympy as sp

    return sp.Matrix(len(values), len(values[0]) if values else 0, [sp.Float(v) for row in values for v in row])


# ---------------------------------------------------------------------------
# Determinants

@dataclass
class DetValue:
    """det J at a point: its value (None when it does not fit in a double), sign, log|det| (None when
    det = 0), whether it is singular, and, for a chain of square factors, each one's log|det|."""

    exact: sp.Expr | None
    value: float | None
    sign: float
    log_abs: float | None
    singular: bool
    factor_log_abs: list[float] | None = None


EXACT_DET_MAX_N = 8  # beyond this, determinants of exact matrices are computed in floating point


def determinant(J: Value, factors: Sequence[Value] | None = None, exact: sp.Expr | None = None) -> DetValue:
    """det J: exact for small exact matrices (sign and log from the exact value, no rounding; ``exact``
    when the caller has it in a better form, e.g. the symbolic det at the point: 4 sin(1)), else LU in
    log space (slogdet: a det of 10^-3107 is not 0)."""
    if is_exact(J) and J.rows <= EXACT_DET_MAX_N:  # type: ignore[union-attr]
        det = _exact_det(J, exact)
    else:
        det = _float_det(as_array(J))
    if factors is not None and len(factors) > 1 and all(_square(f) for f in factors):
        det.factor_log_abs = [log_abs_det(f) for f in factors]  # a change of variables adds them up
    return det


def _exact_det(J: Any, exact: Any = None) -> DetValue:
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus import tolerance
    from ..calculus.derivatives import determinant as symbolic_det
    from ..calculus.evaluate import to_number

    if exact is None:
        exact = J[0, 0] if J.rows == 1 else symbolic_det(J)  # one expression: worth simplifying (cos²+sin²)
    value = to_number(exact, "the determinant")
    if tolerance.is_exact(exact):
        sign = tolerance.exact_sign(exact)
        singular = sign == 0
    else:
        sign = 0 if value == 0 else (1 if value > 0 else -1)
        singular = numerically_singular(as_array(J))
    log_abs = float(sp.log(sp.Abs(exact)).evalf(17)) if sign else None
    return DetValue(exact, value, float(sign), log_abs, singular)


def _float_det(values: np.ndarray) -> DetValue:
    sign, log_abs, value = slogdet(values)
    return DetValue(None, value, sign, log_abs, sign == 0 or numerically_singular(values))


def log_abs_det(factor: Value) -> float:
    """log|det| of one square factor (−inf when it is singular)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    if isinstance(factor, Diagonal):
        d = factor.values
        return float(np.sum(np.log(np.abs(d)))) if np.all(d != 0) else -math.inf
    sign, log_abs, _ = slogdet(as_array(factor))
    return log_abs if sign != 0 and log_abs is not None else -math.inf


def _square(f: Value) -> bool:
    if isinstance(f, LinearMap):
        return f.shape[0] == f.shape[1]
    return isinstance(f, (Diagonal, DiagPlusRank1)) or f.shape[-1] == f.shape[-2]


def batch_determinants(J: np.ndarray) -> np.ndarray:
    """det of each matrix of a stack (N, n, n); + 0.0 so that a zero prints as 0, not -0. 1×1, 2×2 and 3×3
    by their formulas (LU's pivoting rounds [[0.5, 1], [0, 8]] to 3.999999999999999; the formula gives 4, as
    --at does), larger ones by LU."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    if not len(J):
        return np.empty(0)
    n = J.shape[-1]
    with np.errstate(all="ignore"):
        if n == 1:
            return cast("np.ndarray", J[:, 0, 0] + 0.0)
        if n == 2:
            return cast("np.ndarray", J[:, 0, 0] * J[:, 1, 1] - J[:, 0, 1] * J[:, 1, 0] + 0.0)
        if n == 3:
            a = J
            return cast("np.ndarray", (a[:, 0, 0] * (a[:, 1, 1] * a[:, 2, 2] - a[:, 1, 2] * a[:, 2, 1])
                                        - a[:, 0, 1] * (a[:, 1, 0] * a[:, 2, 2] - a[:, 1, 2] * a[:, 2, 0])
                                        + a[:, 0, 2] * (a[:, 1, 0] * a[:, 2, 1] - a[:, 1, 1] * a[:, 2, 0])) + 0.0)
        return cast("np.ndarray", np.linalg.det(J) + 0.0)
