"""jac exercise (issue 14 §4): every generated answer equals an independent computation (sympy's own
jacobian, hessian and solve: tests/exercise_oracle.py) and passes jac check; sheets are reproducible from
the seed; a roster gives each student a sheet and a key that jac check --key grades with.
(benchmarks/bench_exercise.py runs the same over thousands of seeds.)"""

from __future__ import annotations

import csv
import io
import json

import pytest
from exercise_oracle import independent_answer_matches

from jaccli import run as jac_run
from jaccli.jobs.exercise import KINDS, make_sheet, student_seed


@pytest.mark.parametrize("kind", KINDS)
def test_answers_are_right_difficulty_1(kind):
    for seed in range(6):
        for e in make_sheet(kind, seed, 1, 1, run=jac_run).exercises:
            assert independent_answer_matches(e), (kind, seed, e.question, e.answer)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("difficulty", [2, 3])
def test_answers_are_right_harder(kind, difficulty):
    e = make_sheet(kind, 11, 1, difficulty, run=jac_run).exercises[0]
    assert independent_answer_matches(e), (kind, e.question, e.answer)


def test_reproducible_and_different():
    a = make_sheet("chain", 5, 3, 2, run=jac_run)
    b = make_sheet("chain", 5, 3, 2, run=jac_run)
    c = make_sheet("chain", 6, 3, 2, run=jac_run)
    assert [e.question for e in a.exercises] == [e.question for e in b.exercises]
    assert [e.question for e in a.exercises] != [e.question for e in c.exercises]
    assert student_seed(5, "ann") == student_seed(5, "ann") != student_seed(5, "bob")


def test_formats(run):
    md = run("exercise", "--kind", "hessian", "--seed", "2", "--count", "2")
    assert md.exit_code == 0 and md.stdout.startswith("# Hessian matrices") and "## Answers" in md.stdout
    tex = run("exercise", "--kind", "critical", "--seed", "2", "--format", "latex")
    assert "\\documentclass" in tex.stdout and "\\newpage" in tex.stdout.split("\\section*{Answers}")[0]
    data = json.loads(run("exercise", "--kind", "jacobian", "--seed", "1", "--format", "json").stdout)
    e = data["sheets"][0]["exercises"][0]
    assert e["check"][:2] == ["jac", "check"] and "answer" in e
    hidden = json.loads(run("exercise", "--kind", "jacobian", "--seed", "1", "--format", "json",
                            "--hide-answers").stdout)
    assert "answer" not in hidden["sheets"][0]["exercises"][0]


def test_the_printed_check_command_passes(run):
    """The JSON's check command, with the answer, is a real jac check that passes."""
    data = json.loads(run("exercise", "--kind", "implicit", "--seed", "4", "--format", "json").stdout)
    e = data["sheets"][0]["exercises"][0]
    result = run(*e["check"][1:], e["answer"])
    assert result.exit_code == 0, result.output


def test_roster_key_and_grading(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\nbob\n")
    key = tmp_path / "key.csv"
    sheet = run("exercise", "--kind", "jacobian", "--seed", "3", "--count", "2", "--students", roster,
                "--key", key, "--hide-answers")
    assert sheet.exit_code == 0 and "— ann" in sheet.stdout and "— bob" in sheet.stdout
    rows = list(csv.DictReader(io.StringIO(key.read_text())))
    assert [(r["id"], r["exercise"]) for r in rows] == [("ann", "1"), ("ann", "2"), ("bob", "1"), ("bob", "2")]
    answers = tmp_path / "class.csv"
    lines = ["id,exercise,answer"]
    for r in rows:
        answer = r["answer"] if r["id"] == "ann" else "[[0, 0], [0, 0]]"
        lines.append(f'{r["id"]},{r["exercise"]},"{answer}"')
    answers.write_text("\n".join(lines) + "\n")
    graded = run("check", "--key", key, "--answers", answers, "--format", "csv")
    sheet = {r["id"]: r["pass"] for r in csv.DictReader(io.StringIO(graded.stdout))}
    assert sheet == {"ann": "true", "ann#2": "true", "bob": "false", "bob#2": "false"}
    assert graded.exit_code == 1


def test_key_needs_answers_and_no_spec(run, tmp_path):
    assert run("check", "--key", "k.csv").exit_code == 2
    result = run("check", "x^2", "--key", "k.csv", "--answers", "a.csv")
    assert result.exit_code == 2 and "--key" in result.stderr


@pytest.mark.parametrize("kind", ["jacobian", "chain", "determinant", "change-of-variables", "implicit", "hessian",
                                  "critical"])
def test_every_kinds_printed_check_command_runs_with_its_answer(run, kind):
    """The JSON's check is a command up to the option that takes the answer: with the answer appended it passes
    (a determinant's is --expect-det; it once said nothing of that)."""
    data = json.loads(run("exercise", "--kind", kind, "--seed", "11", "--count", "2", "--format", "json").stdout)
    for e in data["sheets"][0]["exercises"]:
        assert e["check"][:2] == ["jac", "check"] and e["check"][-1] in ("--expect", "--expect-det")
        result = run(*e["check"][1:], e["answer"])
        assert result.exit_code == 0, (e["check"], e["answer"], result.output)
