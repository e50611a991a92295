"""jac check: verdicts, every ANSWER form, every diagnosis, exit codes, JSON for graders."""

import json

import pytest

from jaccli import check

RIGHT = "[[6, 3], [12, 6], [4cos(4), 2cos(4)]]"
FG = ["samples/f.yaml", "samples/g.yaml"]


def kinds(result):
    return [d.kind for d in result.diagnoses]


@pytest.mark.parametrize("answer", [
    RIGHT,
    "6, 3; 12, 6; 4cos(4), 2cos(4)",
    "\\begin{bmatrix} 6 & 3 \\\\ 12 & 6 \\\\ 4\\cos 4 & 2\\cos(4) \\end{bmatrix}",
    "\\begin{pmatrix} 6 & 3 \\\\ 12 & 6 \\\\ 4\\cos{4} & 2\\cos 4 \\end{pmatrix}",
    "[[6, 3], [12, 6], [-2.6145744834544478, -1.3072872417272239]]",
])
def test_answer_forms_inline(answer):
    assert check(FG, answer, at="1,2").passed


def test_answer_files(tmp_path):
    (tmp_path / "a.yaml").write_text("- [6, 3]\n- [12, 6]\n- [4*cos(4), 2*cos(4)]\n")
    (tmp_path / "a.json").write_text('[[6, 3], [12, 6], ["4*cos(4)", "2*cos(4)"]]')
    (tmp_path / "a.csv").write_text("6,3\n12,6\n4*cos(4),2*cos(4)\n")
    (tmp_path / "a.tex").write_text("\\begin{bmatrix} 6 & 3 \\\\ 12 & 6 \\\\ 4\\cos(4) & 2\\cos(4) \\end{bmatrix}\n")
    for name in ("a.yaml", "a.json", "a.csv", "a.tex"):
        assert check(FG, str(tmp_path / name), at="1,2").passed, name


def test_jac_json_output_is_an_answer(run, tmp_path):
    out = run("compose", *FG, "--at", "1,2", "--format", "json").stdout
    (tmp_path / "jac.json").write_text(out)
    assert check(FG, str(tmp_path / "jac.json"), at="1,2").passed


def test_answer_from_stdin(run):
    r = run("check", *FG, "--at", "1,2", "--expect", "-", input=RIGHT)
    assert r.exit_code == 0, r.stderr


def test_symbolic_check_and_random_points():
    assert check(FG, "[[2(x+y), 2x+1], [4x(x^2+y), 2(x^2+y)], [2y cos(2x y), 2x cos(2x y)]]").passed
    r = check(["sin(x)^2 + cos(x)^2 + x"], "[[1 + 0*x]]")
    assert r.passed and r.entries[0].method == "symbolic"
    wrong = check(["x^3"], "[[3x]]")
    assert not wrong.passed


def test_transpose():
    r = check(FG, "[[6, 12, 4cos(4)], [3, 6, 2cos(4)]]", at="1,2")
    assert not r.passed and kinds(r) == ["transpose"]
    square = check(["samples/polar.yaml"], "[[cos(theta), sin(theta)], [-r sin(theta), r cos(theta)]]")
    assert kinds(square) == ["transpose"]
    assert "rows = outputs" in square.diagnoses[0].message


def test_wrong_order():
    # both square, so J_f·J_g exists; right: J_g(3,4)·J_f(1,2) = [[20, 10], [6, 3]]
    r = check(["samples/f.yaml", "(u, v) -> (u v, u + v)"], "[[9, 7], [18, 14]]", at="1,2")
    assert kinds(r) == ["order"]
    assert "J_f · J_g" in r.diagnoses[0].message and "J_g · J_f" in r.diagnoses[0].message
    # symbolically: J_f(x)·J_g(f(x)) with J_g(u, v) = [[v, u], [1, 1]] at u = x^2 + y, v = 2xy
    sym = check(["samples/f.yaml", "(u, v) -> (u v, u + v)"], "[[4x^2 y + 1, 2x^3 + 2x y + 1], [4x y^2 + 2x, 2x^2 y + 2y^2 + 2x]]")
    assert kinds(sym) == ["order"]


def test_several_explanations_are_all_given():
    # J_p(1,0) and J_q(0,1) are symmetric: the reversed product is also the transpose
    r = check(["samples/exercise_inner.yaml", "samples/exercise_outer.yaml"], "[[1, 2], [1, 1]]", at="1,0")
    assert kinds(r) == ["transpose", "order"]


def test_outer_factor_at_x():
    r = check(["samples/exercise_inner.yaml", "samples/exercise_outer.yaml"], "samples/exercise_answer.yaml",
              at="1,0")
    assert kinds(r) == ["point"]
    assert "instead of at p(x)" in r.diagnoses[0].message
    # symbolically: J_g(x)·J_f(x) for g(u, v) = (u + v, u v): [[1, 1], [y, x]]·[[2x, 1], [2y, 2x]]
    sym = check(["x^2 + y, 2 x y", "(u, v) -> (u + v, u v)"], "[[2x + 2y, 1 + 2x], [2x y + 2x y, y + 2x^2]]", vars=["x", "y"])
    assert kinds(sym) == ["point"]


def test_shape():
    r = check(FG, "[[6, 3], [12, 6]]", at="1,2")
    assert kinds(r) == ["shape"]
    assert "2×2 but J is 3×2" in r.diagnoses[0].message


def test_sign_and_factor():
    r = check(FG, "[[6, 3], [12, 6], [-4cos(4), 2cos(4)]]", at="1,2")
    assert kinds(r) == ["sign"] and "∂g3/∂x" in r.diagnoses[0].message
    r = check(FG, "[[6, 3], [12, 6], [8cos(4), 2cos(4)]]", at="1,2")
    assert kinds(r) == ["factor"] and "2 times" in r.diagnoses[0].message
    sym = check(["x^2 y"], "[[2x y, -x^2]]", vars=["x", "y"])
    assert kinds(sym) == ["sign"]
    whole = check(FG, "[[12, 6], [24, 12], [8cos(4), 4cos(4)]]", at="1,2")
    assert kinds(whole) == ["factor"] and "6 entries" in whole.diagnoses[0].message


def test_rounding_hint_and_rtol():
    r = check(FG, "[[6, 3], [12, 6], [-2.6146, -1.3073]]", at="1,2")
    assert not r.passed and kinds(r) == ["rounding", "rounding"]
    assert check(FG, "[[6, 3], [12, 6], [-2.6146, -1.3073]]", at="1,2", rtol=1e-4).passed


def test_determinant():
    assert check(["samples/polar.yaml"], "[[cos(theta), -r sin(theta)], [sin(theta), r cos(theta)]]",
                 expect_det="r").passed
    bad = check(["samples/polar.yaml"], "[[cos(theta), -r sin(theta)], [sin(theta), r cos(theta)]]", expect_det="r^2")
    assert not bad.passed and "determinant" in kinds(bad)
    assert check(["samples/polar.yaml"], "[[0, -2], [1, 0]]", at="2,pi/2", expect_det="2").passed


def test_cli_exit_codes_and_messages(run):
    ok = run("check", *FG, "--at", "1,2", "--expect", RIGHT, "--format", "plain")
    assert ok.exit_code == 0 and "PASS: all 6 entries are right" in ok.stdout
    wrong = run("check", *FG, "--at", "1,2", "--expect", "[[6, 3], [12, 6], [-4cos(4), 2cos(4)]]", "--format", "plain")
    assert wrong.exit_code == 1
    assert "✗ sign: ∂g3/∂x has the wrong sign" in wrong.stdout
    assert "4*cos(4) ≈ -2.61457" in wrong.stdout  # the expected value is shown
    assert "FAIL: 1 of 6 entries is wrong" in wrong.stdout
    bad = run("check", *FG, "--at", "1,2", "--expect", "[[6, 3], [12, 6], [4cos(4), 2cos(4)")
    assert bad.exit_code == 2 and "^" in bad.stderr
    assert run("check", "samples/f.yaml", "--expect", "1", "--expect-det", "1", "--at", "1,2").exit_code in (1, 2)
    notsq = run("check", *FG, "--expect", RIGHT, "--expect-det", "1")
    assert notsq.exit_code == 2 and "not square" in notsq.stderr


def test_hide_answers(run):
    r = run("check", *FG, "--at", "1,2", "--expect", "[[6, 3], [12, 6], [-4cos(4), 2cos(4)]]", "--hide-answers",
            "--format", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 1 and d["pass"] is False
    assert all("expected" not in e and "expected_value" not in e for e in d["entries"])
    plain = run("check", *FG, "--at", "1,2", "--expect", "[[6, 3], [12, 6], [-4cos(4), 2cos(4)]]",
                "--hide-answers", "--format", "plain").stdout
    assert "cos(4) ≈" not in plain and "expected" not in plain
    refused = run("check", *FG, "--expect", RIGHT, "--hide-answers", "--steps")
    assert refused.exit_code == 2


def test_json_for_graders(run):
    r = run("check", *FG, "--at", "1,2", "--expect", "[[6, 12, 4cos(4)], [3, 6, 2cos(4)]]", "--format", "json")
    d = json.loads(r.stdout)
    assert d["pass"] is False and d["command"] == "check"
    assert d["shape"] == {"expected": [3, 2], "answer": [2, 3]}
    assert d["diagnoses"][0]["kind"] == "transpose"
    ok = json.loads(run("check", *FG, "--at", "1,2", "--expect", RIGHT, "--format", "json").stdout)
    assert ok["pass"] is True and ok["wrong"] == 0 and len(ok["entries"]) == 6
    assert ok["rtol"] == 1e-6 and ok["entries"][0]["method"] == "numeric"


# --- a wrong answer never passes (issue: each of these passed, exit 0) --------------------------

@pytest.mark.parametrize("spec, vars_, answer, extra", [
    ("x^2", "x", "2x + relu(x - 2)", ()),  # differs only for x > 2: sampled at scales up to 1000
    ("x^2", "x", "2x + 1e-12", ()),  # a non-zero constant difference fails, full stop
    ("exp(x)", "x", "exp(x)*(1 + 1e-10)", ()),  # sympy proves the difference non-zero
    ("x^3", "x", "3x^2 + 1e-12 x^10", ()),
    ("y", "x,y", "[[1e-10, 1]]", ("--atol", "0", "--rtol", "0")),
    ("y", "x,y", "[[1e-10, 1]]", ()),
    ("x^2", "x", "piecewise(abs(x) > 1.95, 2x + 0.001, 2x)", ()),  # sampled on both sides of the seam
    ("x^2", "x", "piecewise(x > 500, 2x + 1, 2x)", ()),
])
def test_a_wrong_answer_never_passes(run, spec, vars_, answer, extra):
    r = run("check", spec, "--vars", vars_, "--expect", answer, *extra, "--format", "json")
    assert r.exit_code == 1, r.stdout
    assert json.loads(r.stdout)["pass"] is False


def test_a_wrong_entry_is_shown_where_it_differs(run):
    r = run("check", "x^2", "--vars", "x", "--expect", "2x + relu(x - 2)", "--format", "plain")
    assert "differs from J at (x) = (" in r.stdout


def test_rounded_coefficients_in_a_formula():
    r = check(["x^3"], "3.00001 x^2", vars=["x"])
    assert not r.passed and kinds(r) == ["rounding"] and "rtol=1e-05" in r.diagnoses[0].message
    assert check(["x^3"], "3.00001 x^2", vars=["x"], rtol=1e-5).passed  # tolerances are honoured exactly


# --- fair to right answers ------------------------------------------------------------------------

def test_gradient_as_a_column_is_accepted(run):
    r = run("check", "x^2 y - 4x", "--vars", "x,y", "--at", "1,2", "--expect", "0; 1", "--format", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["pass"] and d["layout"] == "gradient as a column"
    assert "∇f = Jᵀ" in r.stderr
    assert check(["x^2 y"], "2x y; x^2", vars=["x", "y"]).passed


def test_answer_in_the_intermediate_variables():
    # MIT 18.02 style: w = x^2 + x y with x = u^2 v, y = u v^2; the answer is left in x, y, u, v
    specs = ["x = u^2 v, y = u v^2", "x^2 + x y"]
    answer = "(2x+y)(2u v) + x v^2, (2x+y) u^2 + x (2u v)"
    assert check(specs, answer).passed
    r = check(specs, answer, at="1,2")
    assert r.passed and r.mode == "point"
    assert not check(specs, "(2x+y)(2u v), (2x+y) u^2").passed


def test_equal_where_real():
    # sqrt(u^3) and u^(3/2) agree wherever they are real (u >= 0)
    assert check(["u^(5/2) v^3"], "5/2 sqrt(u^3) v^3, 3 u^(5/2) v^2", vars=["u", "v"]).passed


def test_assume_says_where_the_inputs_live():
    answer = "sqrt(y)/(2 sqrt(x)), sqrt(x)/(2 sqrt(y))"
    r = check(["sqrt(x*y)"], answer, vars=["x", "y"])
    assert not r.passed and kinds(r) == ["domain"] and "assume='x > 0, y > 0'" in r.diagnoses[0].message
    ok = check(["sqrt(x*y)"], answer, vars=["x", "y"], assume="x > 0, y > 0")
    assert ok.passed and ok.assumptions == ["x > 0", "y > 0"]


@pytest.mark.parametrize("spec, answer, kind, needle", [
    ("x^2 y, x + y^3", "x^2, 2x y; 3y^2, 1", "columns", "order (y, x)"),
    ("x^2 y, x + y^3", "1, 3y^2; 2x y, x^2", "rows", "order (f2, f1)"),
    ("samples/polar.yaml", "cos(theta), sin(theta); r sin(theta), r cos(theta)", "transpose", "wrong sign"),
])
def test_more_diagnoses(spec, answer, kind, needle):
    r = check([spec], answer, vars=None if spec.endswith(".yaml") else ["x", "y"])
    assert kind in kinds(r), kinds(r)
    assert needle in next(d.message for d in r.diagnoses if d.kind == kind)


def test_wrong_order_with_another_shape():
    # x(t), y(t) then w(x, y): J_f·J_g is 2×2, the chain rule gives 1×1
    r = check(["t, t^2", "(x, y) -> x y"], "[[t^2, t], [2t^3, 2t^2]]")
    assert kinds(r) == ["order"] and "(2×1) · (1×2) → 2×2" in r.diagnoses[0].message


def test_inputs_are_parsed_before_symbolic_work(run):
    start = __import__("time").monotonic()
    r = run("check", "(a+b+c+d+h+g)^30", "--vars", "a,b,c,d,h,g", "--expect", "[[30(a+b", "--format", "json")
    assert r.exit_code == 2 and __import__("time").monotonic() - start < 5
    d = json.loads(r.stdout)
    assert d["pass"] is False and d["error"]["exit_code"] == 2 and "--expect" in d["error"]["message"]
