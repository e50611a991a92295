"""Answers to check: a matrix of jac expressions from text, LaTeX, a file
(YAML, JSON, CSV) or stdin.

    "[[3*e + 2, e + 2], [e + 4, 3]]"      "3e + 2, e + 2; e + 4, 3"
    "\\begin{bmatrix} 6 & 3 \\\\ 12 & 6 \\end{bmatrix}"      answer.yaml / .json / .csv / -
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence, cast

import sympy as sp

from ..core.errors import ParseError, SpecError
from ..core.request import option
from . import forms, grammar
from .latex import answer_span, looks_like_latex, matrix_tokens
from .spec import _exists, check_yaml_structure, read_text_file, safe_loader

ANSWER_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".txt", ".tex")


@dataclass
class Answer:
    matrix: sp.Matrix
    texts: list[list[str]]  # each entry as the user wrote it
    origin: str
    scope: grammar.Scope | None = None  # what parsing recorded: kinks and cases (sampled on both sides), notes
    cells: list[tuple[int, int]] | None = None  # some entries only: (row, col) of J for each of matrix's one row

    @property
    def shape(self) -> tuple[int, int]:
        return cast("tuple[int, int]", self.matrix.shape)

    @property
    def seams(self) -> list[sp.Expr]:
        """Where the answer's pieces meet (abs, relu, min/max, piecewise): jac samples both sides."""
        if self.scope is None:
            return []
        out = []
        for c in self.scope.conditions:
            if c.kind in ("kink", "boundary", "cut"):
                out.append(c.exprs[0])
            elif c.kind == "tie":
                out += [a - b for k, a in enumerate(c.exprs) for b in c.exprs[k + 1:]]
        return out


def load_answer(arg: str, inputs: Sequence[str], *, stdin_text: str | None = None,
                latex: bool | None = None, what: str | None = None) -> Answer:
    """Read ANSWER (see the module docstring); entries may use the names ``inputs``."""
    what = what or option("expect")
    scope = grammar.Scope(inputs)
    if arg == "-":
        if stdin_text is None:
            raise SpecError(f"{what} - means an answer on standard input, but none was given")
        return _from_text(stdin_text.strip(), scope, "<stdin>", latex)
    path = Path(arg)
    if arg.lower().endswith(ANSWER_SUFFIXES) or (_exists(path) and path.is_file()):
        text = read_text_file(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml", ".json"):
            return _from_data(_load_data(text, arg, suffix), scope, arg)
        if suffix == ".csv":
            rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
            return _from_data(rows, scope, arg)
        return _from_text(text.strip(), scope, arg, latex)
    return _from_text(arg, scope, what, latex)


def answer_from_value(value: Any, inputs: Sequence[str], origin: str, latex: bool | None = None) -> Answer:
    """An answer given as a value (a grade sheet's cell): text is parsed as text (never opened as a file
    name), a list as rows."""
    scope = grammar.Scope(inputs)
    if isinstance(value, str):
        return _from_text(value.strip(), scope, origin, latex)
    return _from_data(value, scope, origin)


def _load_data(text: str, origin: str, suffix: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"invalid JSON: {exc.msg}", where=f"{origin}:{exc.lineno}:{exc.colno}") from None
    # deferred: yaml is heavy at start-up
    import yaml

    check_yaml_structure(text, origin)
    try:
        return yaml.load(text, Loader=safe_loader())  # noqa: S506 - the safe loader (safe_load's, in C)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise SpecError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", where=where) from None


def _from_text(text: str, scope: grammar.Scope, origin: str, latex: bool | None) -> Answer:
    """Text or LaTeX. Pasted LaTeX may hold several displays and equality chains
    (``J = \\begin{bmatrix}…\\end{bmatrix}``): the last display with a matrix, its last side, is the answer."""

    try:
        if latex if latex is not None else looks_like_latex(text):
            start, end = answer_span(text, "matrix")
            rows = forms.parse_matrix(text, tokens=matrix_tokens(text, start, end), scope=scope)
        else:
            rows = forms.parse_matrix(text, scope=scope)
    except ParseError as err:
        raise err.located(origin) from None
    return Answer(sp.Matrix([[c.expr for c in row] for row in rows]),
                  [[c.text for c in row] for row in rows], origin, scope)


def _from_data(data: Any, scope: grammar.Scope, origin: str) -> Answer:
    """A list of rows from YAML/JSON/CSV, or a mapping with a 'jacobian' key
    (jac's own JSON output works: its exact, else symbolic, rows are used)."""
    if isinstance(data, dict) and "jacobian" in data:
        data = data["jacobian"]
        if isinstance(data, dict):
            data = data.get("exact") or data.get("symbolic")
    if not isinstance(data, list) or not data:
        raise SpecError("the answer must be a non-empty list of rows (a matrix)", where=origin,
                        hint="e.g. [[6, 3], [12, 6]] in YAML/JSON, or one row per line in CSV")
    if not all(isinstance(row, list) for row in data):
        data = [data]  # a single row
    width = len(data[0])
    entries: list[list[sp.Expr]] = []
    for i, row in enumerate(data, start=1):
        if len(row) != width:
            raise SpecError(f"row {i} has {len(row)} entries but row 1 has {width}", where=origin,
                            hint="every row of a matrix needs the same number of entries")
        entries.append([_entry(value, scope, f"{origin}: row {i}, column {j}") for j, value in enumerate(row, 1)])
    texts = [[str(v).strip() for v in row] for row in data]
    return Answer(sp.Matrix(entries), texts, origin, scope)


def _entry(value: Any, scope: grammar.Scope, where: str) -> sp.Expr:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise SpecError(f"the entry is {'empty' if value is None else type(value).__name__}, not an expression",
                        where=where, hint="write each entry as a number or a quoted expression")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise SpecError("the entry is not a finite number", where=where)
        return sp.Float(repr(value))
    try:
        return grammar.parse(str(value).strip(), scope=scope)
    except ParseError as err:
        raise err.located(where) from None
