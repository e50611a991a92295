"""The function model: a vector function f: Rⁿ → Rᵐ with named inputs and outputs, and how its
input order is known. Nothing here reads text: spec.py (the loader) builds these."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from ..calculus.symbols import symbol
from ..core.request import option

if TYPE_CHECKING:  # annotations only: the model does not import sympy
    import sympy as sp

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class VectorFunction:
    """f: Rⁿ → Rᵐ given by m sympy expressions in n named real inputs."""

    name: str
    inputs: tuple[str, ...]
    outputs: Sequence[sp.Expr]  # a tuple, or fast.SymengineExprs (sympy made on first use)
    output_names: tuple[str, ...]
    origin: str = "inline text"
    notes: tuple[str, ...] = field(default=(), compare=False)
    # per output, where it is undefined, not real or perhaps not differentiable as written (grammar.Condition)
    conditions: tuple[tuple[Any, ...], ...] = field(default=(), compare=False)
    engine: str = field(default="sympy", compare=False)  # "sympy" or "symengine" (fast.py), for derivatives
    inputs_declared: bool = field(default=True, compare=False)  # False: the names were found in the text
    outputs_named: bool = field(default=False, compare=False)  # YAML mapping, or "x = …" in text
    text: str = field(default="", compare=False)  # the text as written (inline specs), for messages

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(symbol(name) for name in self.inputs)

    @property
    def printable_outputs(self) -> Sequence[Any]:
        """The outputs as printing.to_text takes them: symengine's own expressions when the spec was
        read straight into symengine (fastread.py), so showing them converts nothing to sympy."""
        return getattr(self.outputs, "fast", self.outputs)

    @property
    def n(self) -> int:
        return len(self.inputs)

    @property
    def m(self) -> int:
        return len(self.outputs)

    @property
    def signature(self) -> str:
        return f"{self.name}: {space(self.n)} → {space(self.m)}"

    @property
    def order(self) -> str:
        """How the input (column) order is known: "declared" (YAML inputs:, --vars, "(a, b) ->"),
        "evident" (found in the text, but the only natural order: x, y, z or x1, x2, x3) or
        "inferred" (found in the text and sorted: r, theta — someone may mean another order)."""
        if self.inputs_declared:
            return "declared"
        return "evident" if order_is_evident(self.inputs) else "inferred"


def order_is_evident(names: Sequence[str]) -> bool:
    """One name; consecutive letters of the alphabet (x, y, z; u, v; s, t); or one prefix with
    increasing indices (x1, x2, x3)."""
    if len(names) <= 1:
        return True
    if all(len(v) == 1 and v.isascii() and v.isalpha() for v in names):
        codes = [ord(v) for v in names]
        return all(b == a + 1 for a, b in zip(codes, codes[1:]))
    parts = [re.fullmatch(r"([^\W\d_]+)_?([0-9]+)", v) for v in names]
    if all(parts) and len({p.group(1) for p in parts if p}) == 1:
        indices = [int(p.group(2)) for p in parts if p]
        return all(b > a for a, b in zip(indices, indices[1:]))
    return False


def inferred_order_hint(fn: "VectorFunction") -> str:
    """How to say the order of an inline function's inputs."""
    body = fn.text.strip() if fn.text and len(fn.text) <= 60 else "…"
    return (f"declare it: {option('vars')} {','.join(fn.inputs)} (in the order you mean), or write "
            f"\"{arrow_form(fn.inputs, body)}\"")


def arrow_form(inputs: Sequence[str], body: str) -> str:
    """``(r, theta) -> (r cos(theta), r sin(theta))``: a function text with its inputs declared."""
    if "," in body and not (body.startswith(("(", "[")) and body.endswith((")", "]"))):
        body = f"({body})"
    head = inputs[0] if len(inputs) == 1 else f"({', '.join(inputs)})"
    return f"{head} -> {body}"


def space(n: int) -> str:
    """R², R³, R¹⁰."""
    return "R" if n == 1 else "R" + str(n).translate(_SUPERSCRIPT_DIGITS)


def default_output_names(name: str, m: int) -> tuple[str, ...]:
    if m == 1:
        return (name,)
    sep = "_" if name[-1].isdigit() else ""  # dense40_31, not dense4031
    return tuple(f"{name}{sep}{i}" for i in range(1, m + 1))

