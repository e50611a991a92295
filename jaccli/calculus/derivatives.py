"""Symbolic calculus on matrices: determinants (simplify.py keeps them readable). The Jacobian of a
function and of a composition are model/jacobian.py's."""

from __future__ import annotations

import sympy as sp

from ..core.budget import attempt
from .simplify import DET_SIMPLIFY_MAX_OPS, tidy

SYMBOLIC_DET_MAX_N = 4  # larger symbolic determinants are skipped (ask at a point)


def determinant(matrix: sp.Matrix, thorough: bool = True) -> sp.Expr:
    """det by Berkowitz (fraction-free, no pivoting on symbolic entries), then
    simplified harder than single entries: it is one expression (within the time budget)."""
    return tidy(matrix.det(method="berkowitz"), thorough, max_ops=DET_SIMPLIFY_MAX_OPS)


def symbolic_determinant(matrix: sp.Matrix) -> sp.Expr | None:
    """The symbolic determinant when it stays small (size and time), else None."""
    if matrix.rows != matrix.cols or matrix.rows > SYMBOLIC_DET_MAX_N or not isinstance(matrix, sp.MatrixBase):
        return None
    return attempt(lambda: determinant(matrix), lambda: None, "symbolic determinant")
