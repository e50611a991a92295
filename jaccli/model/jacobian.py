"""The Jacobian of a function and of a composition, symbolically: J[i, j] = ∂ outputs[i] / ∂ inputs[j]
(rows = outputs, columns = inputs), the chain rule by substitution, and the cheapest bracketing of a
chain's factors. sympy for exact work, symengine (chain/fast.py) for large systems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import sympy as sp

from ..calculus.simplify import tidy, tidy_matrix
from ..calculus.special import clean_derivative
from ..chain import fast
from ..chain.order import Shape, optimal
from ..core.budget import attempt, phase
from ..core.errors import MathError
from ..core.progress import progress
from ..core.request import option
from .function import VectorFunction

if TYPE_CHECKING:
    from ..chain.order import Plan


def jacobian_matrix(fn: VectorFunction, simplify: bool = True) -> sp.Matrix:
    """J[i, j] = ∂ outputs[i] / ∂ inputs[j] (rows = outputs, columns = inputs); a
    fast.FastMatrix when ``fn`` is marked for the symengine engine. ``simplify`` False: the
    entries as differentiated (batches compile them; nobody reads them)."""
    if fn.engine == "symengine":
        return fast.jacobian(fn)
    symbols = fn.symbols
    with phase(f"differentiating J_{fn.name} ({fn.m}×{fn.n} entries)"):
        raw = [clean_derivative(sp.diff(out, x)) for out in fn.outputs for x in symbols]
    if not simplify:
        _no_nan(raw, fn)
        return sp.Matrix(fn.m, fn.n, raw)
    entries = []
    with progress(f"simplifying J_{fn.name}", fn.m * fn.n) as bar:
        for entry in raw:
            entries.append(tidy(entry))
            bar.advance()
    _no_nan(entries, fn)
    return sp.Matrix(fn.m, fn.n, entries)


def _no_nan(entries: Sequence[sp.Expr], fn: VectorFunction) -> None:
    """No NaN comes out of the symbolic side: a derivative sympy cannot give is an error, not "nan"."""
    for k, entry in enumerate(entries):
        if entry.has(sp.nan):
            i, j = divmod(k, fn.n)
            raise MathError(f"∂{fn.output_names[i]}/∂{fn.inputs[j]} has no symbolic form (sympy gives nan)",
                            hint=f"rewrite the function, or ask for it at a point with {option('at')}")


def substitute_chain(functions: Sequence[VectorFunction]) -> list[list[sp.Expr]]:
    """Each function's outputs written in the first function's inputs (direct substitution)."""
    chain = [list(functions[0].outputs)]
    for fn in functions[1:]:
        inner = dict(zip(fn.symbols, chain[-1]))
        chain.append([out.xreplace(inner) for out in fn.outputs])
    return chain


def composed_jacobian(functions: Sequence[VectorFunction], factors: Sequence[sp.Matrix]) -> sp.Matrix | None:
    """The chain rule symbolically: J = J_L(f_{L-1}(…)) ⋯ J_2(f_1(x)) · J_1(x),
    or None when substitution does not fit in the time budget."""

    if not all(isinstance(f, sp.MatrixBase) for f in factors):  # the symengine engine's factors
        return attempt(lambda: fast.composed_jacobian(functions, factors), lambda: None, "symbolic composition")

    def work() -> sp.Matrix:
        chain = substitute_chain(functions)
        product = factors[0]
        for k in range(1, len(functions)):
            outer = factors[k].xreplace(dict(zip(functions[k].symbols, chain[k - 1])))
            product = outer * product
        return tidy_matrix(product)

    return attempt(work, lambda: None, "symbolic composition")


def cheapest_order(functions: Sequence[VectorFunction]) -> Plan:
    """The bracketing of J_L ⋯ J_1 (application order) with the fewest multiply-adds."""
    return optimal([Shape(fn.m, fn.n) for fn in functions], [f"J_{fn.name}" for fn in functions])
