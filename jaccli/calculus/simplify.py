"""Simplification within the time budget: the shortest of an expression, a cheap rational normal
form and (for small entries) ``simplify()``, so results read like a textbook's without blowing up."""

from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

import sympy as sp

from ..core.budget import attempt, note_capped, spent, timing

SIMPLIFY_MAX_OPS = 30  # full simplify() only for entries this small; it is slow on big ones
SIMPLIFY_MIN_OPS = 3  # ... and not for tiny ones (2*x, cos(v)), which it cannot shorten
SIMPLIFY_SECONDS = 0.25  # ... for at most this long per entry (small entries take ~0.05 s)
SIMPLIFY_TOTAL = 0.4  # ... and this long in all per command: textbook exercises stay under a second
DET_SIMPLIFY_MAX_OPS = 300


_THOROUGH: contextvars.ContextVar[bool] = contextvars.ContextVar("jac_thorough_simplification", default=True)


@contextlib.contextmanager
def quick() -> Iterator[None]:
    """Within it, ``tidy`` does only the cheap forms: for a Jacobian nobody reads whole (the one a checked
    answer is compared with: the comparison simplifies the difference itself, and the entries shown are
    tidied when shown)."""
    token = _THOROUGH.set(False)
    try:
        yield
    finally:
        _THOROUGH.reset(token)


def tidy(expr: sp.Expr, thorough: bool = True, max_ops: int = SIMPLIFY_MAX_OPS) -> sp.Expr:
    """A clean form of ``expr``: the shortest of itself, a cheap rational
    normal form (``together`` + ``factor_terms``) and, for small entries
    when ``thorough``, ``simplify()``. Values at a point need no more than
    the cheap form: sympy already folds their arithmetic. Runs within the
    time budget: when it is spent, the best form found so far is kept."""
    if expr.is_Atom or expr.has(sp.Float):
        return expr
    best = [expr, sp.count_ops(expr)]

    def consider(candidate: sp.Expr) -> sp.Expr:
        ops = sp.count_ops(candidate)
        if ops < best[1]:
            best[:] = [candidate, ops]
        return best[0]

    def cheap() -> sp.Expr:
        return consider(sp.factor_terms(sp.together(expr)))

    attempt(cheap, lambda: best[0], "simplification")
    if thorough and _THOROUGH.get() and SIMPLIFY_MIN_OPS < best[1] <= max_ops:
        allowance = SIMPLIFY_TOTAL - spent("simplify()")
        if allowance > 0:
            with timing("simplify()"):
                attempt(lambda: consider(sp.simplify(best[0])), lambda: best[0], "simplify()",
                        most=min(SIMPLIFY_SECONDS, allowance))
        else:
            note_capped("simplify()")
    return best[0]


def tidy_matrix(matrix: sp.Matrix, thorough: bool = True) -> sp.Matrix:
    return matrix.applyfunc(lambda e: tidy(e, thorough))
