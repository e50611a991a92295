"""Compiled numeric evaluation: each symbolic matrix is turned into one numpy
function (with common-subexpression elimination) once, then evaluated over
arrays of points at once."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import sympy as sp


def _sigmoid(v):
    v = np.asarray(v, dtype=float)
    e = np.exp(-np.abs(v))
    return np.where(v >= 0, 1 / (1 + e), e / (1 + e))


def _step(v):
    v = np.asarray(v, dtype=float)
    return np.where(v > 0, 1.0, np.where(v < 0, 0.0, np.nan))  # undefined at the kink


NUMPY_FUNCTIONS = {
    "sigmoid": _sigmoid,
    "softplus": lambda v: np.logaddexp(0.0, v),
    "relu": lambda v: np.maximum(v, 0.0),
    "step": _step,
    "cbrt": np.cbrt,
}


def compile_exprs(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> Callable[..., list]:
    """One numpy function of the symbols returning all ``exprs``."""
    return sp.lambdify(list(symbols), list(exprs), modules=[NUMPY_FUNCTIONS, "numpy"], cse=True)


class CompiledMatrix:
    """A symbolic m×n matrix compiled once; ``__call__`` takes one array per
    symbol (length N) and returns an (N, m, n) float array."""

    def __init__(self, matrix: sp.Matrix, symbols: Sequence[sp.Symbol]):
        self.shape = matrix.shape
        self._fn = compile_exprs(list(matrix), symbols)

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        count = len(arrays[0]) if arrays else 1
        with np.errstate(all="ignore"):
            values = self._fn(*arrays)
        out = np.empty((count, len(values)), dtype=float)
        for k, v in enumerate(values):
            out[:, k] = v  # constant entries broadcast
        return out.reshape(count, *self.shape)
