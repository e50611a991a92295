"""A grade sheet (``jac check --answers``): one row per student.

csv:   id,pass,wrong,entries,diagnoses,error        (wrong: how many entries; entries: their labels)
json:  JSON Lines, one object per student: the ``check`` schema plus ``id`` (an unreadable answer is
       {"id", "pass": false, "error": {"message", "exit_code"}})
table/plain: the same as a table.
"""

from __future__ import annotations

import csv as _csv
import io
from typing import TYPE_CHECKING, Iterator

from .model import Block, Heading, MatrixBlock

if TYPE_CHECKING:
    from ..request import RenderOptions
    from ..results.check import Grade, GradeSheet

COLUMNS = ("id", "pass", "wrong", "entries", "diagnoses", "error")


def _row(g: Grade) -> list[str]:
    if g.result is None:
        return [g.id, "false", "", "", "", g.error or ""]
    wrong = [v.label for v in g.result.entries if not v.ok]
    if g.result.determinant is not None and not g.result.determinant.ok:
        wrong.append("det")
    diagnoses = "; ".join(dict.fromkeys(d.kind for d in g.result.diagnoses))
    return [g.id, "true" if g.passed else "false", str(len(wrong)), " ".join(wrong), diagnoses, ""]


def csv(sheet: GradeSheet, options: RenderOptions) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = _csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for g in sheet.grades:
        writer.writerow(_row(g))
    yield buffer.getvalue().encode("utf-8")



def json_text(sheet: GradeSheet, options: RenderOptions) -> str:
    from .check import body
    from .json import dumps, envelope

    lines = []
    for g in sheet.grades:
        if g.result is None:
            obj = envelope("check", {"id": g.id, "pass": False,
                                     "error": {"message": g.error, "exit_code": g.exit_code}}, [])
        else:
            obj = envelope("check", {"id": g.id, **body(g.result, options)}, g.result.notes)
        lines.append(dumps(obj, indent=False))
    return "\n".join(lines)


def blocks(sheet: GradeSheet, options: RenderOptions) -> list[Block]:
    passed, failed, unreadable = sheet.counts()
    return [MatrixBlock(f"grade sheet: {sheet.origin}", [g.id for g in sheet.grades], list(COLUMNS[1:]),
                        [_row(g)[1:] for g in sheet.grades]),
            Heading(f"{len(sheet.grades)} answers: {passed} passed, {failed} failed, {unreadable} unreadable")]
