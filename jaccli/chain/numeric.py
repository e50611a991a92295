"""Compiled numeric evaluation: each symbolic matrix is turned into one numpy
function (with common-subexpression elimination) once, then evaluated over
arrays of points at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence, cast

import numpy as np
import sympy as sp

from .fast import FastMatrix

if TYPE_CHECKING:
    import numpy.typing as npt


def _sigmoid(v: npt.ArrayLike) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    e = np.exp(-np.abs(v))
    return cast("np.ndarray", np.where(v >= 0, 1 / (1 + e), e / (1 + e)))


def _step(v: npt.ArrayLike) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return np.where(v > 0, 1.0, np.where(v < 0, 0.0, np.nan))  # undefined at the kink


NUMPY_FUNCTIONS = {
    "sigmoid": _sigmoid,
    "softplus": lambda v: np.logaddexp(0.0, v),
    "relu": lambda v: np.maximum(v, 0.0),
    "step": _step,
    "cbrt": np.cbrt,
}


def compile_exprs(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> Callable[..., list[Any]]:
    """One numpy function of the symbols returning all ``exprs``."""
    return cast("Callable[..., list[Any]]",
                sp.lambdify(list(symbols), list(exprs), modules=[NUMPY_FUNCTIONS, "numpy"], cse=True))


class CompiledMatrix:
    """A symbolic m×n matrix compiled once; ``__call__`` takes one array per
    symbol (length N) and returns an (N, m, n) float array. A fast.FastMatrix
    (symengine) is compiled by symengine's Lambdify with common-subexpression
    elimination; a sympy matrix by sympy's lambdify (cse too)."""

    def __init__(self, matrix: sp.Matrix, symbols: Sequence[sp.Symbol]) -> None:
        self.shape = matrix.shape
        self._fn: Callable[..., list[Any]]

        if isinstance(matrix, FastMatrix):
            # deferred: symengine is heavy at start-up
            import symengine as se

            compiled = se.Lambdify([se.Symbol(s.name) for s in symbols], list(matrix), cse=True)

            def evaluate_all(*arrays: npt.ArrayLike) -> list[Any]:
                X = np.column_stack([np.asarray(a, dtype=float) for a in arrays])
                return list(np.asarray(compiled(X), dtype=float).reshape(len(X), -1).T)

            self._fn = evaluate_all
        else:
            self._fn = compile_exprs(list(matrix), symbols)

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        count = len(arrays[0]) if arrays else 1
        with np.errstate(all="ignore"):
            values = self._fn(*arrays)
        out = np.empty((count, len(values)), dtype=float)
        for k, v in enumerate(values):
            out[:, k] = v  # constant entries broadcast
        return out.reshape(count, *self.shape)


# ---------------------------------------------------------------------------
# Verification by finite differences

FD_METHOD = "central differences with Richardson extrapolation"
VERIFY_RTOL = 1e-7  # an entry agrees within 10× the estimate's error plus this much of its own size
VERIFY_FLOOR = 1e-10  # ... where tiny entries are measured against this share of the largest entry


class Verification:
    """How well the symbolic Jacobian at a point matches an independent
    finite-difference estimate."""

    def __init__(self, estimate: np.ndarray, error: np.ndarray, jacobian: np.ndarray):
        self.estimate = estimate
        self.error = error  # per entry: |Richardson − best plain central difference|
        diff = np.abs(jacobian - estimate)
        self.max_abs_diff = float(diff.max()) if diff.size else 0.0
        # each entry against its own size, with the matrix's largest entry as the floor for tiny ones
        biggest = float(np.abs(jacobian).max()) if diff.size else 0.0
        scale = np.maximum(np.abs(jacobian), VERIFY_FLOOR * biggest)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1), np.where(diff > 0, np.inf, 0.0))
        self.max_rel_diff = float(rel.max()) if diff.size else 0.0
        self.error_estimate = float(error.max()) if error.size else 0.0
        self.agrees = bool((diff <= 10 * error + VERIFY_RTOL * scale).all())

    def to_dict(self) -> dict[str, Any]:
        return {"method": FD_METHOD, "agrees": self.agrees, "max_abs_diff": self.max_abs_diff,
                "max_rel_diff": self.max_rel_diff, "error_estimate": self.error_estimate,
                "estimate": self.estimate.tolist()}


def finite_difference_jacobian(F: Callable[[np.ndarray], np.ndarray], x0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences D at h, h/2, h/4 per input (h ∝ ε^(1/5)·max(1, |x_j|)),
    combined by two rounds of Richardson extrapolation (error O(h⁶)). The error
    estimate per entry is the change made by the last round, or the rounding
    error of the differences, whichever is larger."""
    x0 = np.asarray(x0, dtype=float)
    f0 = np.asarray(F(x0), dtype=float)
    est = np.empty((f0.size, x0.size))
    err = np.empty_like(est)
    eps = np.finfo(float).eps
    for j in range(x0.size):
        h = eps ** 0.2 * max(1.0, abs(x0[j]))
        h = (x0[j] + h) - x0[j]  # a step that is exact in floating point

        def central(step: float) -> np.ndarray:
            e = np.zeros_like(x0)
            e[j] = step
            return cast("np.ndarray",
                        (np.asarray(F(x0 + e), dtype=float) - np.asarray(F(x0 - e), dtype=float)) / (2 * step))

        d1, d2, d4 = central(h), central(h / 2), central(h / 4)
        r1, r2 = (4 * d2 - d1) / 3, (4 * d4 - d2) / 3
        best = (16 * r2 - r1) / 15
        est[:, j] = best
        rounding = 4 * eps * np.maximum(1.0, np.abs(f0)) / (h / 4)
        err[:, j] = np.maximum(np.abs(best - r2), rounding)
    return est, err


def chain_function(functions: Sequence[Any]) -> Callable[[np.ndarray], np.ndarray]:
    """x ↦ f_L(…f_1(x)) as floats, each function compiled once."""
    compiled = [compile_exprs(fn.outputs, fn.symbols) for fn in functions]

    def F(x: np.ndarray) -> np.ndarray:
        value = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            for f in compiled:
                value = np.array([float(v) for v in f(*value)], dtype=float)
        return value

    return F


def verify(functions: Sequence[Any], point_values: Sequence[Any], jacobian_values: Any) -> Verification | None:
    """Compare the Jacobian at a point with finite differences; None if complex."""
    J = np.asarray(jacobian_values)
    if np.iscomplexobj(J) or any(isinstance(v, complex) for v in point_values):
        return None
    x0 = np.asarray(point_values, dtype=float)
    est, err = finite_difference_jacobian(chain_function(functions), x0)
    return Verification(est, err, J.astype(float))
