"""Every kind of answer can be graded, in a class too, and every diagnosis is fair (issue 23 §3). Expected
values are worked out by hand in the comments (independent of jac)."""

from __future__ import annotations

import csv
import io
import json

import pytest


def _sheet(stdout: str) -> dict[str, dict]:
    return {r["id"]: r for r in csv.DictReader(io.StringIO(stdout))}


def test_a_number_after_a_closing_bracket_multiplies(run):
    """Paul's Online Notes, Chain Rule Example 1: dz/dt = (2x y³ − y sin x)(2/t) + (3x²y² + cos x) 4cos(4t), the way
    students type it. With x, y, t independent the entry is checked symbolically against jac's own derivative of
    the same composite at t = 1: here just that it reads as a product."""
    r = run("jacobian", "(3x^2 y^2 + cos(x)) 4cos(4t)", "--vars", "x,y,t", "--at", "0,1,0", "--format", "json")
    assert r.exit_code == 0, r.stderr
    # f = 4 (3x²y² + cos x) cos 4t; at (0, 1, 0): ∂f/∂x = 4(6xy² − sin x) = 0, ∂f/∂y = 4·6x²y = 0,
    # ∂f/∂t = −16 (3x²y² + cos x) sin 4t = 0; f itself: the product 4·1·1
    assert json.loads(r.stdout)["read_as"][0]["components"]["f"] in ("4*(3*x^2*y^2 + cos(x))*cos(4*t)",
                                                                     "(12*x^2*y^2 + 4*cos(x))*cos(4*t)")
    assert run("jacobian", "x 2", "--vars", "x").exit_code == 2  # a number after a name stays ambiguous


@pytest.mark.parametrize("answer, kind", [
    ("-107", "value"),  # J = −108 (3x² − 3y at (2, 40)): not a rounding of it, and no --rtol advice
    ("-108.0", None),  # right
])
def test_rounding_only_when_it_is_a_rounding(run, answer, kind):
    r = run("check", "x^3 - 3x y", "--vars", "x,y", "--at", "2,40", "--expect", f"{answer}, -6", "--format", "json")
    d = json.loads(r.stdout)
    kinds = [x["kind"] for x in d["diagnoses"]]
    if kind is None:
        assert d["pass"] and not kinds
    else:
        assert not d["pass"] and kinds == [kind] and "rtol" not in d["diagnoses"][0]["message"]


def test_a_rounded_answer_is_called_rounding_with_the_tolerance_of_its_digits(run):
    # ∂/∂x (x³ + 3xy) = 3x² + 3y = 12 + 56.19 = 68.19 at (2, 18.73); 68.2 is that to one decimal
    r = run("check", "x^3 + 3x y", "--vars", "x,y", "--at", "2,18.73", "--expect", "68.2, 6", "--format", "json")
    d = json.loads(r.stdout)
    assert [x["kind"] for x in d["diagnoses"]] == ["rounding"] and "--atol 0.05" in d["diagnoses"][0]["message"]
    assert run("check", "x^3 + 3x y", "--vars", "x,y", "--at", "2,18.73", "--expect", "68.2, 6",
               "--atol", "0.05").exit_code == 0


def test_a_wrong_shape_counts_every_entry_wrong(run, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('id,answer\ns,"[[2x, 1, 0], [2y, 2x, 0]]"\n')
    row = _sheet(run("check", "samples/f.yaml", "--answers", path, "--format", "csv").stdout)["s"]
    assert row["pass"] == "false" and row["wrong"] == "4" and "shape" in row["entries"]


@pytest.mark.parametrize("answer, factor", [
    ("[[1, 1], [6, 0], [0, cos(4)]]", "J_g"),  # J_g(3, 4) alone: g1 = u + v, g2 = u², g3 = sin v at f(1, 2) = (3, 4)
    ("[[2, 1], [4, 2]]", "J_f"),  # J_f(1, 2) alone: f = (x² + y, 2xy)
])
def test_a_missing_chain_factor_is_named(run, answer, factor):
    r = run("check", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--expect", answer, "--format", "json")
    d = json.loads(r.stdout)
    assert not d["pass"]
    assert any(x["kind"] == "factor_missing" and f"{factor}(" in x["message"] for x in d["diagnoses"]), d["diagnoses"]


def test_classification_words_are_answers_in_a_class(run, tmp_path):
    """x³ + y³ − 3xy at (1, 1): H = [[6x, −3], [−3, 6y]] = [[6, −3], [−3, 6]], D = 27 > 0, f_xx > 0: a local
    minimum (Stewart §14.7 Example 3-style)."""
    path = tmp_path / "a.csv"
    path.write_text('id,answer\na,local minimum\nb,saddle point\nc,Local Min\nd,"[[6, -3], [-3, 6]]"\n')
    r = run("check", "x^3 + y^3 - 3x y", "--vars", "x,y", "--hessian", "--at", "1,1", "--answers", path,
            "--format", "csv")
    sheet = _sheet(r.stdout)
    assert {k: v["pass"] for k, v in sheet.items()} == {"a": "true", "b": "false", "c": "true", "d": "true"}
    assert sheet["b"]["diagnoses"] == "classification" and sheet["b"]["error"] == ""


def test_implicit_exercises_are_graded_from_their_key(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\n")
    key = tmp_path / "key.csv"
    assert run("exercise", "--kind", "implicit", "--seed", "4", "--count", "1", "--students", roster, "--key",
               key).exit_code == 0
    row = next(csv.DictReader(io.StringIO(key.read_text())))
    answers = tmp_path / "a.csv"
    answers.write_text(f'id,answer\nann,"{row["answer"]}"\n')
    r = run("check", "--key", key, "--answers", answers, "--format", "csv")
    assert r.exit_code == 0, r.output
    assert _sheet(r.stdout)["ann"]["pass"] == "true"


def test_critical_points_are_checked_as_a_set_with_their_kinds(run):
    """x³ + y³ − 3xy: ∇f = (3x² − 3y, 3y² − 3x) = 0 at (0, 0) (D = −9: saddle) and (1, 1) (D = 27, f_xx = 6:
    minimum) — Stewart §14.7 Example 3's function."""
    spec = ["x^3 + y^3 - 3x y", "--vars", "x,y", "--critical"]
    assert run("check", *spec, "--expect", "(1, 1) local minimum; (0, 0) saddle point").exit_code == 0
    r = run("check", *spec, "--expect", "(1, 1) max; (0, 0) saddle; (2, 2) min", "--format", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 1 and not d["pass"]
    assert {x["kind"] for x in d["diagnoses"]} == {"classification", "extra"}
    r = run("check", *spec, "--expect", "(0, 0) saddle point", "--format", "json")
    assert [x["kind"] for x in json.loads(r.stdout)["diagnoses"]] == ["missing"]
    assert run("check", *spec, "--expect", "(0, 0) saddle; (1, 1) local minmum").exit_code == 2  # a typo: unreadable


def test_critical_exercises_are_graded_from_their_key_and_their_check_command_runs(run, tmp_path):
    for difficulty in (1, 2):
        data = json.loads(run("exercise", "--kind", "critical", "--seed", "5", "--count", "3", "--difficulty",
                              str(difficulty), "--format", "json").stdout)
        for e in data["sheets"][0]["exercises"]:
            result = run(*e["check"][1:], e["answer"])
            assert result.exit_code == 0, (e["check"], e["answer"], result.output)
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\nbob\n")
    key = tmp_path / "key.csv"
    assert run("exercise", "--kind", "critical", "--difficulty", "2", "--seed", "2", "--count", "2", "--students",
               roster, "--key", key).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(key.read_text())))
    answers = tmp_path / "a.csv"
    answers.write_text("id,exercise,answer\n" + "".join(
        f'{r["id"]},{r["exercise"]},"{r["answer"] if r["id"] == "ann" else "none"}"\n' for r in rows))
    sheet = _sheet(run("check", "--key", key, "--answers", answers, "--format", "csv").stdout)
    assert {k: v["pass"] for k, v in sheet.items()} == {"ann": "true", "ann#2": "true", "bob": "false",
                                                        "bob#2": "false"}
