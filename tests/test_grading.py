"""Grading a class (`jac check --answers`) and checking parts of an answer (issue 14 §1–2).

The answers are written by hand with known verdicts: right ones (in several notations), the classic
mistakes (transpose, sign, swapped variables), unreadable ones, and the determinant alone.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from jaccli.jobs.grading import read_submissions

# f(x, y) = (x² + y, 2xy): J = [[2x, 1], [2y, 2x]], det J = 4x² − 2y  (samples/f.yaml)
CLASS_CSV = """id,answer,det
s01,"[[2x, 1], [2y, 2x]]",4x^2 - 2y
s02,"[[2x, 2y], [1, 2x]]",
s03,"[[2x, 1], [2y, 2x",
s04,"[[2x, 1], [-2y, 2x]]",4x^2-2y
s05,"2x, 1; 2y, 2x",4x^2 + 2y
s06,\\begin{bmatrix} 2x & 1 \\\\ 2y & 2x \\end{bmatrix},
"""
VERDICTS = {"s01": "true", "s02": "false", "s03": "false", "s04": "false", "s05": "false", "s06": "true"}


def _sheet(text: str) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def test_a_class_in_csv(run, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text(CLASS_CSV)
    result = run("check", "samples/f.yaml", "--answers", answers, "--format", "csv")
    assert result.exit_code == 1  # not everyone passed
    sheet = _sheet(result.stdout)
    assert {k: v["pass"] for k, v in sheet.items()} == VERDICTS
    assert sheet["s02"]["diagnoses"] == "transpose"
    assert sheet["s04"]["diagnoses"] == "sign" and sheet["s04"]["entries"] == "∂f2/∂x"
    assert sheet["s05"]["entries"] == "det"  # the matrix is right, the determinant is not
    assert "expected ']'" in sheet["s03"]["error"]
    assert "6 answers: 2 passed, 3 failed, 1 unreadable" in result.stderr
    assert "most common mistakes" in result.stderr


def test_json_lines_are_the_check_schema_plus_id(run, tmp_path):
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(r) for r in [
        {"id": 1, "answer": [["2x", 1], ["2y", "2x"]], "det": "4x^2 - 2y"},
        {"id": 2, "answer": "[[2x, 1], [2y, 2x"},
    ]))
    result = run("check", "samples/f.yaml", "--at", "1,2", "--answers", answers, "--format", "json",
                 "--hide-answers")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["1", "2"]
    good, bad = lines
    assert good["pass"] is True and good["command"] == "check" and good["mode"] == "point"
    assert all("expected" not in e for e in good["entries"])  # --hide-answers
    assert "expected" not in good["determinant"]
    assert bad["pass"] is False and bad["error"]["exit_code"] == 2


def test_all_pass_exits_0_and_stdin_and_yaml(run):
    text = "s1: \"[[2x, 1], [2y, 2x]]\"\ns2: \"2x, 1; 2y, 2x\"\n"
    result = run("check", "samples/f.yaml", "--answers", "-", "--format", "csv", input=text)
    assert result.exit_code == 0, result.output
    assert set(_sheet(result.stdout)) == {"s1", "s2"}


def test_a_students_text_is_never_opened_as_a_file(run, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("id,answer\ns1,samples/exercise_answer.yaml\n")
    sheet = _sheet(run("check", "samples/f.yaml", "--answers", answers, "--format", "csv").stdout)
    assert sheet["s1"]["pass"] == "false" and sheet["s1"]["error"]


def test_a_file_that_is_not_an_answer_sheet_is_refused_clearly():
    from jaccli.core.errors import SpecError

    with pytest.raises(SpecError, match="header must name"):
        read_submissions("name,answer\ns1,x\n", "answers.csv")


@pytest.mark.parametrize("text, error, flag", [
    ("id,answer\ns1,x\ns1,y\n", None, "duplicate id: also at answers.csv:3"),
    ('{"id": "a", "answr": "x"}\n', "unknown key 'answr'", None),
])
def test_a_bad_row_is_a_row_with_its_error(text, error, flag):
    origin = "answers.jsonl" if text.startswith("{") else "answers.csv"
    first = read_submissions(text, origin)[0]
    assert (first.error and error in first.error) if error else first.error is None
    assert (flag in first.flags) if flag else not first.flags


def test_answers_with_expect_is_a_usage_error_naming_both(run, tmp_path):
    answers = tmp_path / "a.csv"
    answers.write_text(CLASS_CSV)
    result = run("check", "samples/f.yaml", "--answers", answers, "--expect", "[[2x, 1], [2y, 2x]]")
    assert result.exit_code == 2 and "--expect" in result.stderr and "--answers" in result.stderr


# ---------------------------------------------------------------------------
# Parts of an answer.  w(x(u,v), y(u,v)) with x = u²v, y = uv², w = x²y + y² + x:
# at (1, 2): x = 2, y = 4; ∂w/∂u = 116, ∂w/∂v = 65 (by hand: w_x = 2xy + 1 = 17, w_y = x² + 2y = 12;
# x_u = 2uv = 4, y_u = v² = 4 → 17·4 + 12·4 = 116; x_v = u² = 1, y_v = 2uv = 4 → 17 + 48 = 65).

CHAIN = ["x = u^2 v, y = u v^2", "x^2 y + y^2 + x", "--at", "1,2"]


@pytest.mark.parametrize("expect", ["dw/du = 116", "∂w/∂u = 116", "w_u = 116", "dw/du = 116; dw/dv = 65",
                                    "∂g/∂v = 65"])
def test_labelled_entries(run, expect):
    result = run("check", *CHAIN, "--expect", expect)
    assert result.exit_code == 0, result.output


def test_a_wrong_labelled_entry_and_its_diagnosis(run):
    result = run("check", *CHAIN, "--expect", "dw/du = 65", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["answered"] == "entries"
    assert data["diagnoses"][0]["kind"] == "swapped"  # 65 is ∂w/∂v


def test_expect_entry_by_position_symbolic():
    from jaccli import check

    assert check("samples/polar.yaml", None, expect_entry=["1,2 = -r sin(theta)", "2,1=sin(theta)"]).passed
    r = check("samples/polar.yaml", None, expect_entry=["1,2 = r sin(theta)"])
    assert not r.passed and r.diagnoses[0].kind == "sign"


def test_expect_entry_outside_j_is_an_error(run):
    result = run("check", "samples/polar.yaml", "--expect-entry", "3,1=0")
    assert result.exit_code == 2 and "2×2" in result.stderr


def test_unknown_label_says_what_the_entries_are(run):
    result = run("check", *CHAIN, "--expect", "dq/du = 1")
    assert result.exit_code == 2 and "outputs g" in result.stderr


def test_the_determinant_alone(run):
    assert run("check", "samples/polar.yaml", "--expect-det", "r").exit_code == 0
    wrong = run("check", "samples/polar.yaml", "--expect-det", "-r")
    assert wrong.exit_code == 1 and "determinant is wrong" in wrong.stdout


def test_no_answer_at_all_names_the_ways_to_give_one(run):
    result = run("check", "samples/polar.yaml")
    assert result.exit_code == 2
    for flag in ("--expect", "--expect-entry", "--expect-det", "--answers"):
        assert flag in result.stderr


# ---------------------------------------------------------------------------
# Hessians, classifications, implicit derivatives, gradients (issue 14 §2).
# f = x³ + y³ − 3xy: H = [[6x, −3], [−3, 6y]], D = 36xy − 9; (0,0) saddle, (1,1) local minimum (Stewart 14.7).

CUBIC = ["x^3 + y^3 - 3x y", "--vars", "x,y", "--hessian"]


def test_hessian_matrix_and_det(run):
    assert run("check", *CUBIC, "--expect", "[[6x, -3], [-3, 6y]]", "--expect-det", "36 x y - 9").exit_code == 0
    wrong = run("check", *CUBIC, "--expect", "[[6x, 3], [3, 6y]]", "--format", "json")
    data = json.loads(wrong.stdout)
    assert wrong.exit_code == 1 and data["checked"] == "hessian"
    assert {d["kind"] for d in data["diagnoses"]} == {"sign"}
    assert [e["label"] for e in data["entries"]][:2] == ["∂²f/∂x²", "∂²f/∂x∂y"]


@pytest.mark.parametrize("at, word, code", [
    ("1,1", "local minimum", 0), ("1,1", "min", 0), ("0,0", "saddle", 0), ("0,0", "local min", 1),
    ("2,2", "local minimum", 1),  # not a critical point: the test does not apply
])
def test_expect_class(run, at, word, code):
    result = run("check", *CUBIC, "--at", at, "--expect-class", word)
    assert result.exit_code == code, result.output


def test_hessian_of_a_composition():
    from jaccli import check

    # w = x² y with x = u + v, y = u − v: w(u, v) = (u + v)²(u − v); H by hand
    r = check(["x = u + v, y = u - v", "x^2 y"], "[[6u + 2v, 2u - 2v], [2u - 2v, -2u - 6v]]", hessian=True)
    assert r.passed


def test_implicit_derivatives():
    from jaccli import check

    sphere = "x^2 + y^2 + z^2 = 1"
    assert check(sphere, "-x/z, -y/z", implicit=True, unknowns=["z"]).passed
    # written without z: right on the upper branch z = sqrt(1 − x² − y²)
    r = check(sphere, "-x/sqrt(1 - x^2 - y^2), -y/sqrt(1 - x^2 - y^2)", implicit=True, unknowns=["z"])
    assert r.passed and any("branch" in n for n in r.notes)
    assert not check(sphere, "x/z, -y/z", implicit=True, unknowns=["z"]).passed
    # Stewart 14.5 Example 8: x³ + y³ + z³ + 6xyz = 1 → ∂z/∂x = −(x² + 2yz)/(z² + 2xy)
    assert check("x^3 + y^3 + z^3 + 6x y z = 1", "-(x^2 + 2y z)/(z^2 + 2x y), -(y^2 + 2x z)/(z^2 + 2x y)",
                 implicit=True, unknowns=["z"]).passed


def test_expect_grad_row_or_column(run):
    for text in ("2x y, x^2 + 3y^2", "2x y; x^2 + 3y^2"):
        assert run("check", "x^2 y + y^3", "--vars", "x,y", "--expect-grad", text).exit_code == 0
    vector = run("check", "x^2 y, y", "--vars", "x,y", "--expect-grad", "2x y, x^2")
    assert vector.exit_code == 2 and "no gradient" in vector.stderr


def test_a_class_of_hessians(run):
    text = 'id,answer\na,"[[6x, -3], [-3, 6y]]"\nb,"[[6x, 3], [3, 6y]]"\n'
    result = run("check", *CUBIC, "--answers", "-", "--format", "csv", input=text)
    sheet = _sheet(result.stdout)
    assert sheet["a"]["pass"] == "true" and sheet["b"]["diagnoses"] == "sign"
