"""``jac check --answers FILE --feedback DIR``: a page a student can read, one per student, and an index for
the teacher.

Each student's page is the html page of their own check (render/html.py): the question (the functions as
jac read them, the point), their answer as jac read it, typeset, each entry's verdict with the wrong ones
highlighted, the mistake in words, and — unless --hide-answers — the right Jacobian. An unreadable answer
gets a page that says why. The index links every page, with the verdict and the mistakes named, and the
class's summary.

Ids and answers are untrusted: they are escaped on every page, and a file name is made from an id by
keeping letters, digits, '-', '_' and '.', and adding a short hash of the whole id (so that two ids that
differ only in other characters never share a page, and no id can name a path outside DIR). Every page is
written whole or not at all (core/sink.AtomicFile).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import UsageError
from ..core.sink import atomic_output
from . import check as check_renderer
from .html import escape, functions_html, page, render_html

if TYPE_CHECKING:
    from ..core.request import RenderOptions
    from ..results.check import Grade, GradeSheet

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_BACK = '<p class="sub"><a href="index.html">← the class</a></p>'


def page_name(student_id: str) -> str:
    """A safe file name for a student's page: ``s01-3f2a1c9d.html``; never a path, never hidden."""
    stem = _UNSAFE.sub("_", student_id).strip("._")[:48] or "student"
    digest = hashlib.sha256(student_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{stem}-{digest}.html"


def write_feedback(sheet: GradeSheet, folder: str, options: RenderOptions) -> list[Path]:
    """Every student's page and the index into ``folder`` (made if missing); the paths written."""
    where = Path(folder)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--feedback {folder}: cannot make the folder: {err.strerror or err}") from None
    if not where.is_dir():
        raise UsageError(f"--feedback {folder}: not a folder")
    written = []
    names: dict[int, str] = {}
    for k, grade in enumerate(sheet.grades):
        name = page_name(grade.id)
        if name in names.values():  # the same id twice (flagged): a page each
            name = name.replace(".html", f"-{k + 1}.html")
        names[k] = name
        written.append(_write(where / name, _student_page(grade, sheet, options)))
    written.append(_write(where / "index.html", _index(sheet, names)))
    return written


def _write(path: Path, text: str) -> Path:
    with atomic_output(str(path)) as out:
        out.open().write(text.encode("utf-8"))
    return path


def _student_page(grade: Grade, sheet: GradeSheet, options: RenderOptions) -> str:
    if grade.result is None:
        sections = [*(["<h2>The question</h2>", *functions_html(sheet.functions)] if sheet.functions else []),
                    "<h2>Your answer could not be read</h2>",
                    f'<p class="line wrong">{escape(grade.error or "unreadable")}</p>']
        return page(f"Feedback for {grade.id}", f"from {grade.where}", [_BACK, *sections], [])
    text = render_html(grade.result, check_renderer, options, sheet.functions)
    return text.replace("<title>", f"<title>Feedback for {escape(grade.id)} · ", 1).replace(
        "<header><h1>", f"<header>{_BACK}<p class=\"sub\">Feedback for <strong>{escape(grade.id)}</strong> "
        f"({escape(grade.where)})</p><h1>", 1)


def _index(sheet: GradeSheet, names: dict[int, str]) -> str:
    rows = []
    for k, grade in enumerate(sheet.grades):
        verdict = "unreadable" if grade.result is None else "pass" if grade.passed else "fail"
        mark = "right" if verdict == "pass" else "wrong"
        if grade.result is None:
            mistakes = grade.error or ""
        else:
            mistakes = ", ".join(dict.fromkeys(d.kind for d in grade.result.diagnoses))
        flags = ", ".join(grade.flags)
        rows.append(f'<tr><th scope="row"><a href="{escape(names[k])}">{escape(grade.id)}</a></th>'
                    f'<td class="{mark}">{verdict}</td><td>{escape(mistakes)}</td><td>{escape(flags)}</td></tr>')
    table = ('<table class="text"><thead><tr><th scope="col">id</th><th scope="col">verdict</th><th scope="col">mistakes</th>'
             '<th scope="col">flags</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
    sections = [f'<p class="line verdict">{escape(sheet.summary())}</p>',
                *(["<h2>The question</h2>", *functions_html(sheet.functions)] if sheet.functions else []),
                "<h2>The class</h2>", table]
    return page("Feedback: the class", f"from {sheet.origin}", sections, list(sheet.notes))


def links(paths: list[Any]) -> str:
    """What stderr says when the pages are written."""
    return f"wrote {len(paths) - 1} feedback pages and {paths[-1]}" if paths else ""
