"""Parts of an answer: one entry or a few, by position (``--expect-entry 1,2=…``) or by label
(``dw/du = 116``, ``∂w/∂θ``, ``w_u``), each matched to the entry of J it names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

import sympy as sp

from ..core.errors import ParseError, SpecError
from ..core.request import Request, option
from ..parse import grammar
from ..parse.answer import Answer
from ..parse.latex import answer_span, expression_tokens, looks_like_latex
from ..parse.tokens import GREEK

if TYPE_CHECKING:
    from ..model.function import VectorFunction

_LABEL = re.compile(r"^\s*(?:(?:∂|d)\s*(?P<out1>[^\W\d]\w*)\s*/\s*(?:∂|d)\s*(?P<in1>[^\W\d]\w*)"
                    r"|(?P<out2>[^\W\d][^\W_]*)_(?P<in2>[^\W\d]\w*))\s*=(?P<value>.+)$", re.S)
_POSITION = re.compile(r"^\s*\(?\s*(?P<i>\d+)\s*,\s*(?P<j>\d+)\s*\)?\s*=(?P<value>.+)$", re.S)


def _cell_of(label_out: str, label_in: str, functions: Sequence[VectorFunction]) -> tuple[int, int] | None:
    outputs = list(functions[-1].output_names)
    inputs = list(functions[0].inputs)
    label_out, label_in = _name(label_out), _name(label_in)  # ∂w/∂θ names the input theta
    if label_in not in inputs:
        return None
    if label_out in outputs:
        return outputs.index(label_out), inputs.index(label_in)
    if len(outputs) == 1 and (label_out == functions[-1].name or
                              (label_out in ("f", "w", "z", "F") and label_out not in inputs)):
        return 0, inputs.index(label_in)  # a scalar function's derivative, named as the textbook names it
    return None


def _name(label: str) -> str:
    """A label's name as jac reads names: Greek letters spelled out (θ → theta, θ1 → theta1)."""

    return "".join(GREEK.get(ch, ch) for ch in label)


def labelled_entries(text: str, functions: Sequence[VectorFunction]) -> list[tuple[int, int, str]] | None:
    """``dw/du = 116; ∂w/∂v = 65`` (or ``w_u = 116``): the entries it names, or None when the text is not
    in this form (then it is a whole answer)."""
    parts = [p for p in text.split(";") if p.strip()]
    if not parts:
        return None
    out = []
    for part in parts:
        m = _LABEL.match(part)
        if m is None:
            return None
        label_out, label_in = m.group("out1") or m.group("out2"), m.group("in1") or m.group("in2")
        cell = _cell_of(label_out, label_in, functions)
        if cell is None:
            outputs, inputs = functions[-1].output_names, functions[0].inputs
            raise SpecError(f"{option('expect')}: {part.split('=')[0].strip()} names no entry of J "
                            f"(outputs {', '.join(outputs)}; inputs {', '.join(inputs)})",
                            hint=f"write ∂{outputs[0]}/∂{inputs[0]} = …, or give the entry's position with "
                                 f"{option('expect_entry')} 1,1=…")
        out.append((cell[0], cell[1], m.group("value").strip()))
    return out


def position_entries(items: Sequence[str], functions: Sequence[VectorFunction]) -> list[tuple[int, int, str]]:
    """``--expect-entry 1,2=3e+2`` (row, column from 1), or a label ``dw/du=116``."""
    m_rows, n_cols = functions[-1].m, functions[0].n
    out = []
    for item in items:
        m = _POSITION.match(item)
        if m is not None:
            i, j = int(m.group("i")), int(m.group("j"))
            if not (1 <= i <= m_rows and 1 <= j <= n_cols):
                raise SpecError(f"{option('expect_entry')} {item}: J is {m_rows}×{n_cols}, so entry ({i},{j}) "
                                "does not exist", hint="rows are outputs and columns are inputs, both from 1")
            out.append((i - 1, j - 1, m.group("value").strip()))
            continue
        labelled = labelled_entries(item, functions)
        if labelled is None:
            raise SpecError(f"{option('expect_entry')} {item!r}: expected ROW,COL=VALUE or a label such as "
                            f"∂{functions[-1].output_names[0]}/∂{functions[0].inputs[0]}=VALUE",
                            hint=f"e.g. {option('expect_entry')} '1,2=3e + 2'")
        out += labelled
    return out


def entries_answer(entries: list[tuple[int, int, str]], functions: Sequence[VectorFunction], request: Request,
                   what: str) -> Answer:
    scope = grammar.Scope(answer_names(functions))
    values, texts, cells = [], [], []
    for i, j, text in entries:
        if (i, j) in cells:
            raise SpecError(f"{what}: entry ({i + 1},{j + 1}) is given twice", hint="give each entry once")
        try:
            values.append(parse_one(text, scope, request.latex))
        except ParseError as err:
            raise err.located(what) from None
        texts.append(text)
        cells.append((i, j))
    return Answer(sp.Matrix([values]), [texts], what, scope, cells=cells)


def partial_answer(request: Request, functions: Sequence[VectorFunction], answer: Answer | None) -> Answer | None:
    """--expect-entry (repeatable), merged with a labelled --expect."""
    if not request.expect_entry:
        return None
    entries = position_entries(request.expect_entry, functions)
    if answer is not None:
        if answer.cells is None:
            raise SpecError(f"{option('expect')} gives the whole Jacobian and {option('expect_entry')} some of its "
                            "entries", hint="give one or the other")
        entries = [(i, j, answer.texts[0][k]) for k, (i, j) in enumerate(answer.cells)] + entries
    return entries_answer(entries, functions, request, option("expect_entry"))


def answer_names(functions: Sequence[VectorFunction]) -> tuple[str, ...]:
    """The names an answer may use: the first function's inputs, and the intermediate names of a chain."""
    return tuple(functions[0].inputs) + tuple(intermediate_names(functions))


def parse_det(text: str | None, names: Sequence[str], latex: bool | None) -> sp.Expr | None:
    if text is None:
        return None
    try:
        return parse_one(text, grammar.Scope(names), latex)
    except ParseError as err:
        raise err.located(option("expect_det")) from None


def parse_one(text: str, scope: grammar.Scope, latex: bool | None) -> sp.Expr:
    """One expression, in jac's syntax or LaTeX (the last side of a pasted equality chain)."""

    if latex if latex is not None else looks_like_latex(text):
        start, end = answer_span(text, "det")
        return grammar.parse(text, scope=scope, tokens=expression_tokens(text, start, end))
    sides = text.split("=")
    if len(sides) > 1 and all(_DET_LABEL.fullmatch(side.strip()) for side in sides[:-1]):
        return grammar.parse(sides[-1], scope=scope)  # det J = 4(u^2 + v^2), ∂(x, y)/∂(u, v) = …
    return grammar.parse(text, scope=scope)


# what a determinant is called on the left of its value: det J, det(J), |J|, J, ∂(x, y)/∂(u, v), d(x,y)/d(u,v)
_DET_LABEL = re.compile(r"det\s*\(?\s*\w*\s*\)?|\|\s*\w+\s*\||J|[∂d]\s*\([^()]*\)\s*/\s*[∂d]\s*\([^()]*\)")


def intermediate_names(functions: Sequence[VectorFunction]) -> list[str]:
    """Names of the intermediate variables of a composition (later functions' inputs)
    an answer may use, besides the first function's inputs."""
    first = set(functions[0].inputs)
    names: list[str] = []
    for fn in functions[1:]:
        for name in getattr(fn, "inputs", ()):
            if name not in first and name not in names:
                names.append(name)
    return names
