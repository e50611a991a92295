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
from dataclasses import dataclass
from typing import Any

from .budget import notes as budget_notes
from .budget import time_budget
from .errors import JacError, SpecError
from .request import Request, option
from .results.check import CheckResult, Grade, GradeSheet


@dataclass
class Submission:
    id: str
    answer: Any  # text, or rows (JSON/YAML)
    det: str | None
    where: str  # "answers.csv:3", for messages
    exercise: int = 1  # which exercise of the student's sheet (with --key)


def read_submissions(text: str, origin: str) -> list[Submission]:
    """CSV, JSON Lines or YAML, told apart by the file's suffix, else by its first character."""
    stripped = text.lstrip()
    suffix = origin.rsplit(".", 1)[-1].lower() if "." in origin else ""
    first = stripped.split("\n", 1)[0].lower()
    if suffix in ("jsonl", "json", "ndjson") or (suffix not in ("csv", "yaml", "yml") and stripped.startswith("{")):
        return _from_json_lines(text, origin)
    if suffix == "csv" or (suffix not in ("yaml", "yml") and {"id", "answer"} <= {c.strip() for c in first.split(",")}):
        return _from_csv(text, origin)
    return _from_yaml(text, origin)


def _submission(record: Any, where: str) -> Submission:
    if not isinstance(record, dict):
        raise SpecError(f"{where}: expected a mapping with 'id' and 'answer'", hint='e.g. {"id": "s01", "answer": "…"}')
    unknown = sorted(set(record) - {"id", "answer", "det", "exercise"})
    if unknown:
        raise SpecError(f"{where}: unknown key {unknown[0]!r}", hint="the keys are id, answer, det (and exercise)")
    if record.get("id") in (None, ""):
        raise SpecError(f"{where}: the answer has no id", hint="give every answer the student's id")
    det = record.get("det")
    try:
        exercise = int(record.get("exercise") or 1)
    except (TypeError, ValueError):
        raise SpecError(f"{where}: exercise {record.get('exercise')!r} is not a number") from None
    return Submission(str(record["id"]), record.get("answer"), None if det is None else str(det), where, exercise)


def _from_json_lines(text: str, origin: str) -> list[Submission]:
    out = []
    for k, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise SpecError(f"{origin}:{k}: not JSON ({err.msg})", hint="one JSON object per line") from None
        out.append(_submission(record, f"{origin}:{k}"))
    return _unique(out, origin)


def _from_yaml(text: str, origin: str) -> list[Submission]:
    import yaml

    from .spec import safe_loader

    try:
        data = yaml.load(text, Loader=safe_loader())  # the safe loader: no object construction
    except yaml.YAMLError as err:
        raise SpecError(f"{origin}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if isinstance(data, dict):
        data = [{"id": k, "answer": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise SpecError(f"{origin}: expected a list of answers (id, answer, det) or a mapping id: answer")
    return _unique([_submission(r, f"{origin}: item {k}") for k, r in enumerate(data, start=1)], origin)


def _from_csv(text: str, origin: str) -> list[Submission]:
    rows = [(k, r) for k, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in r)]
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0][1]]
    if "id" not in header or "answer" not in header:
        raise SpecError(f"{origin}:{rows[0][0]}: the header must name the columns id and answer (and det)",
                        hint="e.g. id,answer,det")
    out = []
    for k, row in rows[1:]:
        record = {name: value for name, value in zip(header, row) if name in ("id", "answer", "det", "exercise")}
        if len(row) > len(header):
            raise SpecError(f"{origin}:{k}: {len(row)} fields but the header names {len(header)}",
                            hint="quote an answer that holds commas: \"[[2x, 1], [0, 2y]]\"")
        for empty in ("det", "exercise"):
            if record.get(empty) == "":
                record.pop(empty)
        out.append(_submission(record, f"{origin}:{k}"))
    return _unique(out, origin)


def _unique(submissions: list[Submission], origin: str) -> list[Submission]:
    seen: dict[tuple[str, int], str] = {}
    for s in submissions:
        if (s.id, s.exercise) in seen:
            raise SpecError(f"{s.where}: id {s.id!r} appears twice (first at {seen[(s.id, s.exercise)]})",
                            hint="one answer per student (and exercise)")
        seen[(s.id, s.exercise)] = s.where
    return submissions


def grade_with_key(request: Request) -> GradeSheet:
    """A class whose students each had their own exercises (jac exercise --students … --key KEY): each
    answer is judged against its own row of the key, found by id (and exercise number, default 1)."""
    from pathlib import Path

    from .loading import load
    from .request import make
    from .sources import input_limit, read_file

    assert request.key is not None
    key = _read_key(read_file(Path(request.key), input_limit(), "answer key"), request.key)
    origin = request.answers or "-"
    text = request.stdin_text if origin == "-" else read_file(Path(origin), input_limit(), "answers")
    if text is None:
        raise SpecError(f"{option('answers')} - means answers on standard input, but none were given")
    submissions = read_submissions(text, origin if origin != "-" else "<stdin>")
    graders: dict[tuple, Any] = {}
    grades = []
    for s in submissions:
        number = s.exercise
        g = Grade(s.id if number == 1 else f"{s.id}#{number}", s.where)
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
                from .checking import make_grader

                with time_budget(request.timeout):  # the key's own work, not the student's
                    graders[cache] = make_grader(sub, load(sub, equations=bool(options.get("implicit"))))
            grader = graders[cache]
        except JacError as err:
            g.error, g.exit_code = str(err).splitlines()[0], err.exit_code
        else:
            _grade_one(g, lambda s=s, grader=grader, options=options:
                       _judge_one(grader, s, bool(options.get("det")), request), request.timeout)
        grades.append(g)
    return GradeSheet(grades, origin, [], notes=[])


def _judge_one(grader: Any, s: Submission, det_only: bool, request: Request) -> CheckResult:
    from .answer import answer_from_value
    from .checking import _entries_answer, _labelled_entries, _parse_det, answer_names

    functions = grader.functions
    names = answer_names(functions)
    if det_only:  # the exercise asked for a determinant: the answer is one expression
        return grader.judge(None, _parse_det(str(s.answer), names, request.latex))
    labelled = _labelled_entries(s.answer, functions) if isinstance(s.answer, str) else None
    answer = (_entries_answer(labelled, functions, request, "answer") if labelled is not None else
              answer_from_value(s.answer, names, "answer", request.latex))
    return grader.judge(answer, _parse_det(s.det, names, request.latex))


def _read_key(text: str, origin: str) -> dict[tuple[str, int], tuple[list[str], str, dict]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"id", "exercise", "specs", "answer"} <= set(rows[0]):
        raise SpecError(f"{origin}: not an answer key", hint="jac exercise … --students ROSTER --key FILE writes one")
    out = {}
    for row in rows:
        options = json.loads(row.get("options") or "{}")
        if "kind" in row and row["kind"] == "critical":
            raise SpecError(f"{origin}: grading critical-point exercises from a key is not supported",
                            hint="check each point with jac check --hessian --at P --expect-class WORD")
        out[(row["id"], int(row["exercise"]))] = (row["specs"].split(" ;; "), row.get("at") or "", options)
    return out


def grade(request: Request) -> GradeSheet:
    """Every submission of ``request.answers`` judged against the chain's Jacobian, computed once (within
    one time budget); each answer is judged within a time budget of its own, so that no answer's verdict
    depends on the others or on its place in the file."""
    from pathlib import Path

    from .answer import answer_from_value
    from .checking import _entries_answer, _labelled_entries, _parse_det, answer_names, make_grader
    from .loading import load
    from .sources import input_limit, read_file

    origin = request.answers or "-"
    text = request.stdin_text if origin == "-" else read_file(Path(origin), input_limit(), "answers")
    if text is None:
        raise SpecError(f"{option('answers')} - means answers on standard input, but none were given")
    submissions = read_submissions(text, origin if origin != "-" else "<stdin>")
    if not submissions:
        raise SpecError(f"{option('answers')} {origin}: no answers", hint="one answer per student, with an id")
    with time_budget(request.timeout):
        # J, the Hessian (--hessian) or ∂y/∂x (--implicit), once for the class
        grader = make_grader(request, load(request, chain=True, equations=request.implicit))
        notes = list(grader.target.notes) + budget_notes(request.timeout)
    functions = grader.functions
    names = answer_names(functions)
    grades = []
    for s in submissions:
        g = Grade(s.id, s.where)

        def judge(s: Submission = s) -> CheckResult:
            if s.answer is None and s.det is None:
                raise SpecError("no answer")
            answer = None
            if s.answer is not None:
                labelled = _labelled_entries(s.answer, functions) if isinstance(s.answer, str) else None
                answer = (_entries_answer(labelled, functions, request, "answer") if labelled is not None else
                          answer_from_value(s.answer, names, "answer", request.latex))
            return grader.judge(answer, _parse_det(s.det, names, request.latex))

        _grade_one(g, judge, request.timeout)
        grades.append(g)
    return GradeSheet(grades, origin, list(functions), notes=notes)


def _grade_one(g: Grade, judge: Any, timeout: float | None) -> None:
    """One answer, within its own time budget: a verdict, or the row's error (never the end of the run)."""
    try:
        with time_budget(timeout):
            g.result = judge()
            g.result.notes.extend(budget_notes(timeout))
    except JacError as err:
        g.error, g.exit_code = str(err).splitlines()[0], err.exit_code
