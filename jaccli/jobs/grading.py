"""Grading a class: ``jac check SPEC… [--at P] --answers FILE``.

The specs are read and differentiated once (checking.Grader); each student's answer is then read and
judged on its own. An answer that cannot be read is a row with its error, never the end of the run.

FILE holds one answer per student, with an id:
    CSV          id,answer[,det]            (a header line naming the columns; quote answers with commas)
    JSON Lines   {"id": "s01", "answer": "[[2x, 1], [0, 2y]]", "det": "4xy"}
    YAML         a list of such mappings, or a mapping id: answer

An answer is text (jac's syntax, LaTeX, or entries by label: "dw/du = 116; dw/dv = 65") or, in JSON
and YAML, a list of rows. Answers are never file names: a student's text is never opened as a path.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.budget import notes as budget_notes
from ..core.budget import time_budget
from ..core.errors import JacError, SpecError
from ..core.request import Request, make, option
from ..core.untrusted import uncell
from ..parse.loading import load
from ..parse.sources import input_limit, read_file
from ..parse.spec import safe_loader
from ..results.check import Diagnosis, Grade, GradeSheet

MAX_ANSWER_CHARS = 20_000  # one answer; a longer one is a row with its error (the rest are graded)
MAX_SHEET_BYTES = 64_000_000  # a whole answer file (a class of thousands), unless JAC_MAX_INPUT_BYTES is larger


@dataclass
class Submission:
    id: str
    answer: Any  # text, or rows (JSON/YAML)
    det: str | None
    where: str  # "answers.csv:3", for messages
    exercise: int = 1  # which exercise of the student's sheet (with --key)
    error: str | None = None  # the row could not be read: why (it is a row of the grade sheet all the same)
    flags: list[str] = field(default_factory=list)  # graded, but worth a look (a duplicate id)


def read_submissions(text: str, origin: str) -> list[Submission]:
    """CSV, JSON Lines or YAML, told apart by the file's suffix, else by its first character. Rows are
    independent: a row that cannot be read is a Submission with its error, and the others are read."""
    stripped = text.lstrip()
    suffix = origin.rsplit(".", 1)[-1].lower() if "." in origin else ""
    first = stripped.split("\n", 1)[0].lower()
    if suffix in ("jsonl", "json", "ndjson") or (suffix not in ("csv", "yaml", "yml") and stripped.startswith("{")):
        rows = _from_json_lines(text, origin)
    elif suffix == "csv" or (suffix not in ("yaml", "yml") and {"id", "answer"} <= {c.strip() for c in first.split(",")}):
        rows = _from_csv(text, origin)
    else:
        rows = _from_yaml(text, origin)
    return _flag_duplicates(rows)


def _bad_row(where: str, message: str, id: Any = None) -> Submission:
    return Submission(str(id) if id not in (None, "") else f"(no id: {where})", None, None, where, error=message)


def _submission(record: Any, where: str) -> Submission:
    if not isinstance(record, dict):
        return _bad_row(where, "expected a mapping with 'id' and 'answer'")
    rid = record.get("id")
    unknown = sorted(set(record) - {"id", "answer", "det", "exercise"})
    if unknown:
        return _bad_row(where, f"unknown key {unknown[0]!r} (the keys are id, answer, det and exercise)", rid)
    if rid in (None, "") or isinstance(rid, (dict, list)):
        return _bad_row(where, "the answer has no id")
    det = record.get("det")
    try:
        exercise = int(record.get("exercise") or 1)
    except (TypeError, ValueError):
        return _bad_row(where, f"exercise {record.get('exercise')!r} is not a number", rid)
    answer = record.get("answer")
    # a cell a spreadsheet (or jac's own key) kept as text with the OWASP apostrophe: '-10 is -10
    answer = uncell(answer) if isinstance(answer, str) else answer
    det = uncell(det) if isinstance(det, str) else det
    for name, value in (("answer", answer), ("det", det)):
        if value is not None and len(str(value)) > MAX_ANSWER_CHARS:
            return _bad_row(where, f"the {name} is {len(str(value)):,} characters long; the limit is "
                                   f"{MAX_ANSWER_CHARS:,}", rid)
    return Submission(str(rid), answer, None if det is None else str(det), where, exercise)


def _from_json_lines(text: str, origin: str) -> list[Submission]:
    out = []
    for k, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as err:
            message = err.msg if isinstance(err, json.JSONDecodeError) else "nested too deeply"
            out.append(_bad_row(f"{origin}:{k}", f"not JSON ({message}): one JSON object per line"))
            continue
        out.append(_submission(record, f"{origin}:{k}"))
    return out


def _from_yaml(text: str, origin: str) -> list[Submission]:
    # deferred: yaml is heavy at start-up
    import yaml

    try:
        data = yaml.load(text, Loader=safe_loader())  # the safe loader: no object construction
    except yaml.YAMLError as err:
        raise SpecError(f"{origin}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if isinstance(data, dict):
        data = [{"id": k, "answer": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise SpecError(f"{origin}: expected a list of answers (id, answer, det) or a mapping id: answer")
    return [_submission(r, f"{origin}: item {k}") for k, r in enumerate(data, start=1)]


def _csv_rows(text: str) -> Any:
    """(line, fields or the csv module's complaint) for every non-empty record, past any bad one."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long answer is judged by MAX_ANSWER_CHARS, not here
    try:
        reader = csv.reader(io.StringIO(text))
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                yield line, str(err)
                continue
            if any(c.strip() for c in row):
                yield line, row
    finally:
        csv.field_size_limit(limit)


def _from_csv(text: str, origin: str) -> list[Submission]:
    rows = list(_csv_rows(text))
    if not rows:
        return []
    line, header_row = rows[0]
    header = [c.strip().lower() for c in header_row] if isinstance(header_row, list) else []
    if "id" not in header or "answer" not in header:
        raise SpecError(f"{origin}:{line}: the header must name the columns id and answer (and det)",
                        hint="e.g. id,answer,det")
    out = []
    for k, row in rows[1:]:
        where = f"{origin}:{k}"
        if isinstance(row, str):
            out.append(_bad_row(where, f"not a CSV row ({row})"))
            continue
        record = {name: value for name, value in zip(header, row) if name in ("id", "answer", "det", "exercise")}
        if len(row) > len(header):
            out.append(_bad_row(where, f"{len(row)} fields but the header names {len(header)}: quote an answer that "
                                       "holds commas, \"[[2x, 1], [0, 2y]]\"", record.get("id")))
            continue
        for empty in ("det", "exercise"):
            if record.get(empty) == "":
                record.pop(empty)
        out.append(_submission(record, where))
    return out


def _flag_duplicates(submissions: list[Submission]) -> list[Submission]:
    """An id (and exercise) given twice: both answers are graded, each flagged with where the other is."""
    seen: dict[tuple[str, int], list[Submission]] = {}
    for s in submissions:
        if s.error is None:
            seen.setdefault((s.id, s.exercise), []).append(s)
    for group in seen.values():
        if len(group) > 1:
            for s in group:
                others = ", ".join(o.where for o in group if o is not s)
                s.flags.append(f"duplicate id: also at {others}")
    return submissions


def grade_with_key(request: Request) -> GradeSheet:
    """A class whose students each had their own exercises (jac exercise --students … --key KEY): each
    answer is judged against its own row of the key, found by id (and exercise number, default 1)."""

    assert request.key is not None
    key = _read_key(read_file(Path(request.key), sheet_limit(), "answer key"), request.key)
    origin = request.answers or "-"
    text = request.stdin_text if origin == "-" else read_file(Path(origin), sheet_limit(), "answers")
    if text is None:
        raise SpecError(f"{option('answers')} - means answers on standard input, but none were given")
    submissions = read_submissions(text, origin if origin != "-" else "<stdin>")
    graders: dict[tuple[tuple[str, ...], str, str], Any] = {}
    grades = []
    for s in submissions:
        number = s.exercise
        g = Grade(s.id if number == 1 else f"{s.id}#{number}", s.where, flags=s.flags)
        if s.error is not None:
            g.error, g.exit_code = s.error, 2
            grades.append(g)
            continue
        try:
            row = key.get((s.id, number))
            if row is None:
                raise SpecError(f"the key has no exercise {number} for {s.id!r}")
            specs, at, options = row
            # the key's specs are in jac's syntax whatever --latex says (that is for the answers)
            sub = make("check", specs, at=at or None, rtol=request.rtol, atol=request.atol,
                       timeout=request.timeout, expect="0", **{k: v for k, v in options.items() if k != "det"})
            cache = (tuple(specs), at, json.dumps(options, sort_keys=True))  # options hold lists (unknowns)
            if cache not in graders:
                # deferred: loads mpmath, numpy, sympy, which the rest of this module does not need
                from .check import make_grader
                from .critical_check import CriticalGrader

                with time_budget(request.timeout):  # the key's own work, not the student's
                    graders[cache] = CriticalGrader(sub, load(sub)) if sub.critical else \
                        make_grader(sub, load(sub, equations=bool(options.get("implicit"))))
            grader = graders[cache]
        except JacError as err:
            g.error, g.exit_code = str(err).splitlines()[0], err.exit_code
        else:
            _grade_one(g, lambda s=s, grader=grader, options=options:
                       _judge_one(grader, s, bool(options.get("det")), request), request.timeout)
        grades.append(g)
    return GradeSheet(grades, origin, [], notes=[])


def _judge_one(grader: Any, s: Submission, det_only: bool, request: Request) -> Any:
    # deferred: loads sympy, which the rest of this module does not need; loads mpmath, numpy, sympy, which the rest of this module does not need
    from ..parse.answer import answer_from_value
    from ..parse.entries import answer_names, entries_answer, labelled_entries, parse_det
    from .critical_check import CriticalGrader

    if isinstance(grader, CriticalGrader):
        return grader.judge(str(s.answer))
    functions = grader.functions
    names = answer_names(functions)
    if det_only:  # the exercise asked for a determinant: the answer is one expression
        return grader.judge(None, parse_det(str(s.answer), names, request.latex))
    labelled = labelled_entries(s.answer, functions) if isinstance(s.answer, str) else None
    answer = (entries_answer(labelled, functions, request, "answer") if labelled is not None else
              answer_from_value(s.answer, names, "answer", request.latex))
    return grader.judge(answer, parse_det(s.det, names, request.latex))


def _read_key(text: str, origin: str) -> dict[tuple[str, int], tuple[list[str], str, dict[str, Any]]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"id", "exercise", "specs", "answer"} <= set(rows[0]):
        raise SpecError(f"{origin}: not an answer key", hint="jac exercise … --students ROSTER --key FILE writes one")
    out = {}
    for line, row in enumerate(rows, start=2):
        try:
            options = json.loads(row.get("options") or "{}")
            number = int(row["exercise"])
        except (ValueError, TypeError):
            raise SpecError(f"{origin}:{line}: not a row of an answer key (options must be JSON, exercise a number)",
                            hint="jac exercise … --students ROSTER --key FILE writes one") from None
        if not isinstance(options, dict):
            raise SpecError(f"{origin}:{line}: the options of an answer key's row are a JSON object")
        specs = uncell(row.get("specs") or "").split(" ;; ")
        out[(uncell(row.get("id") or ""), number)] = (specs, uncell(row.get("at") or ""), options)
    return out


def grade(request: Request) -> GradeSheet:
    """Every submission of ``request.answers`` judged against the chain's Jacobian, computed once (within
    one time budget); each answer is judged within a time budget of its own, so that no answer's verdict
    depends on the others or on its place in the file."""

    # deferred: loads sympy, which the rest of this module does not need; loads mpmath, numpy, sympy, which the rest of this module does not need
    from ..parse.answer import answer_from_value
    from ..parse.entries import answer_names, entries_answer, labelled_entries, parse_det
    from .check import is_classification, make_grader

    origin = request.answers or "-"
    text = request.stdin_text if origin == "-" else read_file(Path(origin), sheet_limit(), "answers")
    if text is None:
        raise SpecError(f"{option('answers')} - means answers on standard input, but none were given")
    submissions = read_submissions(text, origin if origin != "-" else "<stdin>")
    if not submissions:
        raise SpecError(f"{option('answers')} {origin}: no answers", hint="one answer per student, with an id")
    with time_budget(request.timeout):
        # J, the Hessian (--hessian), ∂y/∂x (--implicit) or the critical points (--critical), once for the class
        given = load(request) if request.critical else load(request, chain=True, equations=request.implicit)
        if request.critical:
            # deferred: loads mpmath, numpy, sympy, which the rest of this module does not need
            from .critical_check import CriticalGrader

            grader: Any = CriticalGrader(request, given)
            notes = list(grader.notes)
        else:
            grader = make_grader(request, given)
            notes = list(grader.target.notes)
        notes += budget_notes(request.timeout)
    functions = grader.functions
    names = answer_names(functions)
    grades = []
    for s in submissions:
        g = Grade(s.id, s.where, flags=s.flags)
        if s.error is not None:
            g.error, g.exit_code = s.error, 2
            grades.append(g)
            continue

        def judge(s: Submission = s) -> Any:
            if s.answer is None and s.det is None:
                raise SpecError("no answer")
            if request.critical:
                return grader.judge(str(s.answer))
            if request.hessian and s.det is None and is_classification(s.answer):
                # "local minimum": the second-derivative test at --at is the question answered
                if request.at is None:
                    raise SpecError("a classification answers the second-derivative test at a point: give --at")
                result = grader.judge(None, None)
                verdict = result.classification = grader.classify(str(s.answer))
                if not verdict.ok:
                    result.diagnoses.append(Diagnosis("classification", verdict.note or (
                        f"the second-derivative test at the point says {verdict.expected}, not {verdict.answer}")))
                return result
            answer = None
            if s.answer is not None:
                labelled = labelled_entries(s.answer, functions) if isinstance(s.answer, str) else None
                answer = (entries_answer(labelled, functions, request, "answer") if labelled is not None else
                          answer_from_value(s.answer, names, "answer", request.latex))
            return grader.judge(answer, parse_det(s.det, names, request.latex))

        _grade_one(g, judge, request.timeout)
        grades.append(g)
    return GradeSheet(grades, origin, list(given), notes=notes)  # shown as given (not ∇f for --hessian)


def sheet_limit() -> int:
    """The size limit of an answer file: a class is bigger than one spec."""

    return max(input_limit(), MAX_SHEET_BYTES)


def _grade_one(g: Grade, judge: Any, timeout: float | None) -> None:
    """One answer, within its own time budget: a verdict, or the row's error (never the end of the run)."""
    try:
        with time_budget(timeout):
            g.result = judge()
            g.result.notes.extend(budget_notes(timeout))
    except JacError as err:
        g.error, g.exit_code = str(err).splitlines()[0], err.exit_code


def check_job(request: Request) -> Any:
    """jac check: one answer (the Jacobian, a Hessian, ∂y/∂x, critical points) or a class's answers."""
    # deferred: loads mpmath, numpy, sympy, which the rest of this module does not need
    from .check import check_answer
    from .critical_check import check_critical

    if request.key is not None:
        return grade_with_key(request)
    if request.answers is not None:
        return grade(request)
    if request.critical:
        return check_critical(request, load(request))
    return check_answer(request, load(request, chain=True, equations=request.implicit))
