"""How the functions of a composition are wired: each function's inputs take the
previous function's outputs

* by name, when the names match (``x = u^2 v, y = u v^2`` then ``x^2 y + y^2``:
  w(x(u, v), y(u, v)), the way textbooks write the chain rule);
* by position, when the inputs are declared (YAML ``inputs:``, ``(a, b) -> …``) or their order is
  evident (x, y, z; u, v, w; s, t; x1, x2: the order every textbook means, the same rule that orders J's
  columns), with a note saying which input took which output;
* and otherwise only when there is a single input.

Anything else (r, theta, phi: which is first?) is an error that shows the candidate orders and how to
declare them: jac never binds by a sorted guess.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import islice, permutations
from typing import Any, Sequence

from ..core.errors import SizeMismatchError, SpecError
from .function import VectorFunction, arrow_form

MAX_CANDIDATES = 6


def bind(items: Sequence[Any]) -> list[Any]:
    """The items (application order) with each function's inputs bound to the outputs
    before it: a function bound by name has its inputs reordered (and completed with
    unused ones) to the previous outputs' order, so that factor k's columns are
    factor k−1's rows."""
    bound = [items[0]]
    for outer in items[1:]:
        bound.append(bind_pair(bound[-1], outer) if isinstance(outer, VectorFunction) else outer)
    return bound


def _outputs_of(inner: Any) -> tuple[tuple[str, ...] | None, bool]:
    """The names of ``inner``'s outputs (None when only the count is known) and whether they are names
    someone gave (not f1, f2 made up by jac)."""
    if isinstance(inner, VectorFunction):
        return inner.output_names, inner.outputs_named
    return None, False  # a layer chain: a vector without names


def bind_pair(inner: Any, outer: VectorFunction) -> VectorFunction:
    names, named = _outputs_of(inner)
    size = len(names) if names is not None else getattr(inner, "n_out", None)
    inputs = outer.inputs
    if names is not None and len(inputs) == len(names) and set(inputs) == set(names):
        if tuple(inputs) == tuple(names):
            return outer
        return _reordered(outer, names, f"{outer.name}'s inputs take {inner.name}'s outputs by name "
                                        f"({', '.join(names)}; the columns of J_{outer.name} in that order)")
    if names is not None and not outer.inputs_declared and set(inputs) < set(names):
        unused = [v for v in names if v not in inputs]
        return _reordered(outer, names, f"{outer.name}'s inputs take {inner.name}'s outputs by name "
                                        f"({', '.join(names)}; {outer.name} does not use "
                                        f"{', '.join(unused)}, so those columns of J_{outer.name} are 0)")
    if size is not None and len(inputs) != size:
        raise _size_error(inner, outer, names, size)
    if outer.inputs_declared:
        if names is not None and named:
            for k, name in enumerate(inputs):
                if name in names and names.index(name) != k:
                    raise SpecError(
                        f"{outer.name}'s input {name!r} is {inner.name}'s output {names.index(name) + 1}, but by "
                        f"position it would take output {k + 1} ({names[k]})",
                        hint=f"declare {outer.name}'s inputs with the names of {inner.name}'s outputs "
                             f"({', '.join(names)}) or in their order")
        return outer
    if len(inputs) == 1:
        return outer
    if outer.order == "evident" and not (names is not None and named and set(inputs) & set(names)):
        # x, y; u, v; s, t; x1, x2: the order every textbook means, as for J's columns
        labels = names if names is not None else [f"output {k + 1}" for k in range(len(inputs))]
        pairs = ", ".join(f"{v} = {label}" for v, label in zip(inputs, labels))
        return replace(outer, notes=outer.notes + (
            f"{outer.name}'s inputs take {inner.name}'s outputs by position, in their evident order: {pairs}",))
    raise _ambiguous(inner, outer, names)


def _reordered(outer: VectorFunction, names: Sequence[str], note: str) -> VectorFunction:
    return replace(outer, inputs=tuple(names), inputs_declared=True,
                   notes=tuple(n for n in outer.notes if "inputs taken in sorted order" not in n
                               and "never used" not in n) + (note,))


def _size_error(inner: Any, outer: VectorFunction, names: Sequence[str] | None, size: int) -> SizeMismatchError:
    plural = "s" if size != 1 else ""
    if not outer.inputs_declared and names is not None and any(v in names for v in outer.inputs):
        strangers = [v for v in outer.inputs if v not in names]
        return SizeMismatchError(
            f"{outer.name} uses {', '.join(strangers)}, which {'is' if len(strangers) == 1 else 'are'} not among "
            f"{inner.name}'s outputs ({', '.join(names)})",
            hint=f"in 'jac compose' each function sees only the outputs of the one before it; "
                 f"name {inner.name}'s outputs or declare {outer.name}'s inputs")
    return SizeMismatchError(
        f"cannot compose: {outer.name} takes {outer.n} input{'s' if outer.n != 1 else ''} "
        f"({', '.join(outer.inputs)}) but {inner.name} gives {size} output{plural}",
        hint="in 'jac compose', each function's outputs are the next one's inputs"
             + (f" ({inner.signature}, {outer.signature})" if isinstance(inner, VectorFunction) else ""))


def _short(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


def _ambiguous(inner: Any, outer: VectorFunction, names: Sequence[str] | None) -> SpecError:
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import to_text

    inputs = outer.inputs
    exprs = [_short(to_text(e)) for e in inner.outputs] if isinstance(inner, VectorFunction) else None
    labels = list(names) if names is not None else [f"output {k + 1}" for k in range(len(inputs))]
    lines = []
    for order in islice(permutations(inputs), MAX_CANDIDATES):
        pairs = ", ".join(f"{v} = {label}" for v, label in zip(order, labels))
        if exprs is not None:
            rewrite = ", ".join(f"{v} = {e}" for v, e in zip(order, exprs))
            lines.append(f"  {pairs}: name {inner.name}'s outputs, \"{rewrite}\"")
        else:
            lines.append(f"  {pairs}")
    total = 1
    for k in range(2, len(inputs) + 1):
        total *= k
    if total > MAX_CANDIDATES:
        lines.append(f"  … and {total - MAX_CANDIDATES} more orders")

    body = arrow_form(outer.inputs, _short(outer.text, 50)) if outer.text else f"({', '.join(inputs)}) -> …"
    what = "its outputs have no names" if names is None or not getattr(inner, "outputs_named", False) \
        else f"its outputs are {', '.join(names)}"
    return SpecError(
        f"cannot tell which of {inner.name}'s outputs {outer.name}'s inputs {', '.join(inputs)} are: {what}, "
        f"and {outer.name} does not declare the order of its inputs (jac never guesses it)",
        hint="\n".join(["candidates:"] + lines + [
            f"or declare {outer.name}'s inputs in the order of {inner.name}'s outputs: "
            f"\"{body}\""]))


def check_chain(functions: Sequence[VectorFunction]) -> None:
    """Raise SizeMismatchError unless each function's outputs feed the next one's inputs."""

    for inner, outer in zip(functions, functions[1:]):
        if inner.m != outer.n:
            raise SizeMismatchError(
                f"cannot compose: {outer.name} takes {outer.n} input{'s' if outer.n != 1 else ''} "
                f"({', '.join(outer.inputs)}) but {inner.name} gives {inner.m} output{'s' if inner.m != 1 else ''}",
                hint=f"in 'jac compose', each function's outputs are the next one's inputs "
                     f"({inner.signature}, {outer.signature})")
