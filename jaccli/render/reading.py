""""Input interpretation": each function as jac read it, in jac's own syntax, so that a
reading that was a choice (x/2y is (x/2)·y, sin 2x is sin(2x), uv is u·v) is seen at
once. Human formats start with these lines (``--no-echo`` leaves them out); JSON has
``read_as``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Block, Line

if TYPE_CHECKING:
    from ..model.function import VectorFunction

MOST_COMPONENTS = 6  # large systems: the first few, then how many more
MOST_CHARACTERS = 100


def functions_of(result: Any) -> list[VectorFunction]:
    """The functions a result was computed from, as shown (none for costs; a layer file is not shown).
    Each result type says which (``shown_functions``, else ``functions``): no result module is imported
    here, so a composition never loads the check, second-order and tool result types."""
    shown = getattr(result, "shown_functions", None)
    return list(shown if shown is not None else getattr(result, "functions", []))


def to_text(expr: Any) -> str:
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import to_text as text

    return text(expr)


def _short(text: str) -> str:
    return text if len(text) <= MOST_CHARACTERS else text[:MOST_CHARACTERS - 1] + "…"


def _args(fn: VectorFunction) -> str:
    names = list(fn.inputs)
    return ", ".join(names) if len(names) <= 6 else f"{names[0]}, {names[1]}, …, {names[-1]}"


def reading_blocks(functions: list[VectorFunction], full: bool = False) -> list[Block]:
    """``f(x, y):  f1 = x^2 + y`` / ``          f2 = 2*x*y``, one line per component."""
    lines: list[Block] = []
    for fn in functions:
        head = f"{fn.name}({_args(fn)})"
        if fn.m == 1:
            named = getattr(fn, "outputs_named", False) and fn.output_names[0] != fn.name
            lead = f"{head}:  {fn.output_names[0]} =" if named else f"{head} ="  # g(x, y):  w = …
            lines.append(Line(f"{lead} {_short(to_text(fn.printable_outputs[0]))}"))
            continue
        pad = " " * (len(head) + 3)
        shown = range(fn.m) if full or fn.m <= MOST_COMPONENTS + 1 else range(MOST_COMPONENTS)
        for k in shown:
            lead = f"{head}:  " if k == 0 else pad
            lines.append(Line(f"{lead}{fn.output_names[k]} = {_short(to_text(fn.printable_outputs[k]))}"))
        if len(shown) < fn.m:
            lines.append(Line(f"{pad}… {fn.m - len(shown)} more components (--full, or read_as in --format json)"))
    return lines


def read_as(functions: list[VectorFunction]) -> list[dict[str, Any]]:
    """JSON: each function's name, inputs (in column order) and components as read."""
    return [{"function": fn.name, "inputs": list(fn.inputs), "input_order": fn.order,
             "components": {name: to_text(expr) for name, expr in zip(fn.output_names, fn.printable_outputs)}}
            for fn in functions]
