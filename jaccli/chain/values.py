"""A Jacobian factor's value in the form its engine makes it: an exact sympy Matrix, a float array
(m, n) — or a stack (N, m, n) for N points — or a Diagonal kept as its diagonal. Shared by the chain
core (chain.py) and the results (results/); numpy is imported only when a float value is met."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union, cast

if TYPE_CHECKING:
    import numpy as np
    import sympy as sp


@dataclass(frozen=True, eq=False)
class Diagonal:
    """diag(values): the Jacobian of an element-wise map; a stack of them when values is (N, m)."""

    values: np.ndarray

    @property
    def size(self) -> int:
        return int(self.values.shape[-1])

    def dense(self) -> np.ndarray:
        # deferred: numpy is heavy at start-up
        import numpy as np

        if self.values.ndim == 1:
            return np.diag(self.values)
        out = np.zeros(self.values.shape + (self.values.shape[-1],))
        idx = np.arange(self.size)
        out[..., idx, idx] = self.values
        return out


@dataclass(frozen=True, eq=False)
class DiagPlusRank1:
    """diag(d) + u·vᵀ: softmax's Jacobian diag(s) − s·sᵀ, log-softmax's I − 1·sᵀ — n×n kept as three
    vectors, so a vector product costs O(n) and a product with an m×n matrix O(mn)."""

    d: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @property
    def size(self) -> int:
        return int(self.d.shape[-1])

    def dense(self) -> np.ndarray:
        # deferred: numpy is heavy at start-up
        import numpy as np

        return np.diag(self.d) + np.outer(self.u, self.v)


@dataclass(frozen=True, eq=False)
class LinearMap:
    """An m×n linear map known by what it does — a convolution: ``apply(X)`` = J·X for X (n, k) and
    ``apply_left(Y)`` = Y·J for Y (k, m), each by convolving; formed densely only when asked (``dense``)."""

    shape: tuple[int, int]
    apply: Any  # (n, k) -> (m, k)
    apply_left: Any  # (k, m) -> (k, n)
    macs: int = 0  # multiply-adds of one application (a convolution: C_out·positions·C_in·kernel)
    stored: int = 0  # the numbers it keeps (its weights)
    parts: tuple[Value, ...] = ()  # the values it is made of (weights; a residual block's inner factors)

    def dense(self) -> np.ndarray:
        # deferred: numpy is heavy at start-up
        import numpy as np

        return cast("np.ndarray", self.apply(np.eye(self.shape[1])))


Value = Union["sp.MatrixBase", "np.ndarray", Diagonal, DiagPlusRank1, LinearMap]  # what the chain core multiplies
ValueForm = Union[list[list[float]], "np.ndarray", Diagonal, DiagPlusRank1, LinearMap]  # an Evaluated's values


def is_exact(value: Any) -> bool:
    """An exact factor is a sympy Matrix (told by its is_Matrix flag, so numeric chains need not import
    sympy to ask)."""
    return bool(getattr(value, "is_Matrix", False))


def is_finite(value: Value) -> bool:
    """Every number a factor keeps is finite (a structured one: its parts)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    if isinstance(value, Diagonal):
        return bool(np.isfinite(value.values).all())
    if isinstance(value, DiagPlusRank1):
        return all(bool(np.isfinite(p).all()) for p in (value.d, value.u, value.v))
    if isinstance(value, LinearMap):
        return all(is_finite(part) for part in value.parts)
    return bool(np.isfinite(np.asarray(value, dtype=float)).all())


def as_array(value: Value) -> np.ndarray:
    """Any factor value as a float array (dense)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    if isinstance(value, (Diagonal, DiagPlusRank1, LinearMap)):
        return value.dense()
    if is_exact(value):
        return np.array(value.evalf(17).tolist(), dtype=float)  # type: ignore[union-attr]
    return np.asarray(value, dtype=float)


@dataclass
class Evaluated:
    """A matrix (or a column) at a point: exact entries when the point and engine are exact, and
    decimal values — rows of floats, a numpy array, or a diagonal (chain.Diagonal) kept as a vector."""

    exact: sp.MatrixBase | None
    value: ValueForm  # rows of floats, a numpy array, or a structured value

    @property
    def diagonal(self) -> bool:
        return isinstance(self.value, Diagonal)

    @property
    def shape(self) -> tuple[int, int]:
        if self.exact is not None:
            return tuple(self.exact.shape)
        if self.diagonal or isinstance(self.value, DiagPlusRank1):
            n = self.value.size  # type: ignore[union-attr]
            return (n, n)
        if isinstance(self.value, LinearMap):
            return self.value.shape
        if isinstance(self.value, list):
            return (len(self.value), len(self.value[0]) if self.value else 0)
        return (int(self.value.shape[0]), int(self.value.shape[1]))  # type: ignore[union-attr]

    def exact_matrix(self) -> sp.MatrixBase:
        """The exact matrix, where the path guarantees one (sympy's engine at an exact point)."""
        assert self.exact is not None, "an exact matrix was expected here"
        return self.exact

    def exact_entry(self, i: int, j: int) -> sp.Expr | None:
        """Entry (i, j) exactly, or None when the values are decimals only (symengine, layers)."""
        return None if self.exact is None else self.exact[i, j]

    def rows(self) -> list[list[float]]:
        """The values as rows of floats (dense; for printing)."""
        if isinstance(self.value, list):
            return self.value
        return cast("list[list[float]]", as_array(self.value).tolist())

    def array(self) -> np.ndarray:
        return as_array(self.value if not isinstance(self.value, list) else _list_array(self.value))

    def column(self) -> list[float]:
        """A column's values (an evaluated output vector)."""
        return [row[0] for row in self.rows()]


def _list_array(rows: list[list[float]]) -> Any:
    # deferred: numpy is heavy at start-up
    import numpy as np

    return np.array(rows, dtype=float)
