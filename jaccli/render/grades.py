"""A grade sheet (``jac check --answers``): one row per student.

csv:   id,pass,wrong,entries,diagnoses,error,flags  (wrong: how many entries; entries: their labels;
       flags: graded but worth a look, e.g. a duplicate id). A cell a spreadsheet would run as a formula
       (=, +, -, @, tab, CR first) starts with an apostrophe, control characters are escapes (untrusted.py).
json:  JSON Lines, one object per student: the ``check`` schema plus ``id`` and ``flags`` (an unreadable
       answer is {"id", "pass": false, "error": {"message", "exit_code"}})
table/plain: the same as a table, ids and messages with their control characters escaped.
"""

from __future__ import annotations

import csv as _csv
import io
from typing import TYPE_CHECKING, Iterator

from ..core.untrusted import cell, visible
from . import renderer
from .json import dumps, envelope
from .model import Block, Heading, MatrixBlock

if TYPE_CHECKING:
    from ..core.request import RenderOptions
    from ..results.check import Grade, GradeSheet

COLUMNS = ("id", "pass", "wrong", "entries", "diagnoses", "error", "flags")


def _row(g: Grade) -> list[str]:
    flags = "; ".join(g.flags)
    if g.result is None:
        return [g.id, "false", "", "", "", g.error or "", flags]
    diagnoses = "; ".join(dict.fromkeys(d.kind for d in g.result.diagnoses))
    r = g.result
    others = (r.determinant is not None and not r.determinant.ok) + (r.classification is not None and
                                                                      not r.classification.ok)
    return [g.id, "true" if g.passed else "false", str(r.wrong_count + others),
            " ".join(g.result.wrong_entries), diagnoses, "", flags]


def csv(sheet: GradeSheet, options: RenderOptions) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = _csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for g in sheet.grades:
        # ids and messages are untrusted: never a formula, never a control code (a newline would forge a row
        # for line-based tools, an ESC sequence would run when the sheet is printed to a terminal)
        writer.writerow([cell(visible(c)) for c in _row(g)])
    yield buffer.getvalue().encode("utf-8")



def json_text(sheet: GradeSheet, options: RenderOptions) -> str:
    lines = []
    for g in sheet.grades:
        flags = g.flags or None
        if g.result is None:
            obj = envelope("check", {"id": g.id, "pass": False, "flags": flags,
                                     "error": {"message": g.error, "exit_code": g.exit_code}}, [])
        else:
            body = renderer(g.result).body  # a check of J, or of critical points (--critical)
            obj = envelope("check", {"id": g.id, "flags": flags, **body(g.result, options)}, g.result.notes)
        lines.append(dumps(obj, indent=False))
    return "\n".join(lines)


def blocks(sheet: GradeSheet, options: RenderOptions) -> list[Block]:
    return [MatrixBlock(f"grade sheet: {visible(sheet.origin)}", [visible(g.id) for g in sheet.grades],
                        list(COLUMNS[1:]), [[visible(c) for c in _row(g)[1:]] for g in sheet.grades], corner="id"),
            Heading(sheet.summary())]
