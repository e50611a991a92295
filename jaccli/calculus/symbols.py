"""The sympy symbols jac uses for inputs: real-valued, one per name, shared by the readers (grammar, the
symengine engine) and the calculus."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sympy as sp


def symbol(name: str) -> sp.Symbol:
    """The sympy symbol jac uses for an input called ``name`` (real-valued)."""
    import sympy as sp  # at first use: a layer chain, which names inputs too, never loads sympy

    return sp.Symbol(name, real=True)
