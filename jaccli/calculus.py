"""Symbolic calculus: Jacobians, the chain rule, determinants."""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from .functions import clean_derivative
from .spec import VectorFunction

SIMPLIFY_MAX_OPS = 60  # larger entries are kept as sympy built them (already folded)
SYMBOLIC_DET_MAX_N = 4  # larger symbolic determinants are skipped (ask at a point)


def tidy(expr: sp.Expr) -> sp.Expr:
    """A clean form of ``expr``: simplified when that is cheap and makes it shorter."""
    if expr.is_Atom or expr.has(sp.Float):
        return expr
    ops = sp.count_ops(expr)
    if ops > SIMPLIFY_MAX_OPS:
        return expr
    simpler = sp.simplify(expr)
    return simpler if sp.count_ops(simpler) <= ops else expr


def jacobian_matrix(fn: VectorFunction) -> sp.Matrix:
    """J[i, j] = ∂ outputs[i] / ∂ inputs[j] (rows = outputs, columns = inputs)."""
    symbols = fn.symbols
    return sp.Matrix(fn.m, fn.n, lambda i, j: tidy(clean_derivative(sp.diff(fn.outputs[i], symbols[j]))))


def tidy_matrix(matrix: sp.Matrix) -> sp.Matrix:
    return matrix.applyfunc(tidy)


def determinant(matrix: sp.Matrix) -> sp.Expr:
    """det by Berkowitz (fraction-free, no pivoting on symbolic entries)."""
    return tidy(matrix.det(method="berkowitz"))


def symbolic_determinant(matrix: sp.Matrix) -> sp.Expr | None:
    """The symbolic determinant when it stays small, else None."""
    if matrix.rows != matrix.cols or matrix.rows > SYMBOLIC_DET_MAX_N:
        return None
    return determinant(matrix)


def check_chain(functions: Sequence[VectorFunction]) -> None:
    """Raise SizeMismatchError unless each function's outputs feed the next one's inputs."""
    from .errors import SizeMismatchError

    for inner, outer in zip(functions, functions[1:]):
        if inner.m != outer.n:
            raise SizeMismatchError(
                f"cannot compose: {outer.name} takes {outer.n} input{'s' if outer.n != 1 else ''} "
                f"({', '.join(outer.inputs)}) but {inner.name} gives {inner.m} output{'s' if inner.m != 1 else ''}",
                hint=f"in 'jac compose', each function's outputs are the next one's inputs "
                     f"({inner.signature}, {outer.signature})")


def substitute_chain(functions: Sequence[VectorFunction]) -> list[list[sp.Expr]]:
    """Each function's outputs written in the first function's inputs (direct substitution)."""
    chain = [list(functions[0].outputs)]
    for fn in functions[1:]:
        inner = dict(zip(fn.symbols, chain[-1]))
        chain.append([out.xreplace(inner) for out in fn.outputs])
    return chain


def composed_jacobian(functions: Sequence[VectorFunction], factors: Sequence[sp.Matrix]) -> sp.Matrix:
    """The chain rule symbolically: J = J_L(f_{L-1}(…)) ⋯ J_2(f_1(x)) · J_1(x)."""
    chain = substitute_chain(functions)
    product = factors[0]
    for k in range(1, len(functions)):
        outer = factors[k].xreplace(dict(zip(functions[k].symbols, chain[k - 1])))
        product = outer * product
    return tidy_matrix(product)
