"""Domain problems at a point, and --verify against finite differences."""

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jaccli import compose, jacobian
from jaccli.core.errors import MathError


@pytest.mark.parametrize("spec, at, needle", [
    ("x/x", "0", "removable"),
    ("x^2/x", "0", "sympy simplified f to x"),
    ("1/x", "0", "division by zero"),
    ("log(x*y)", "0,1", "log of 0"),
    ("tan(x)", "pi/2", "undefined"),
    ("abs(x)", "0", "abs(x) has a kink where x = 0): the one-sided difference quotients differ (1 from the right, "
                    "-1 from the left"),
    ("relu(x - 1)", "1", "relu(x - 1) has a kink"),
    ("sign(x)", "0", "sign(x) jumps where x = 0): the difference quotients from the right do not converge"),
    ("max(x, y)", "1,1", "tie for the largest"),
    ("min(x, y, 3)", "3,3", "tie for the smallest"),
    ("sqrt(x)", "0", "undefined"),
    ("sqrt(x)", "-1", "sqrt needs a non-negative argument, and x = -1 there"),
    ("log(x)", "-1", "log needs a positive argument, and x = -1 there"),
    ("asin(x)", "2", "asin needs an argument between -1 and 1"),
    ("x^(1/3)", "-8", "for the real cube root of a negative number write cbrt(x)"),
    ("x^y", "-2,0.5", "needs a positive base"),
    ("0^x", "0", "0^y is defined (as 0) only for y > 0"),
])
def test_undefined_or_not_differentiable(run, spec, at, needle):
    vars_ = "x,y" if "," in at else "x"
    r = run("jacobian", spec, "--vars", vars_, "--at", at)
    assert r.exit_code == 3 and needle in r.stderr and r.stdout == ""


@pytest.mark.parametrize("spec, at", [("max(x, y, 5)", "1,1"), ("abs(x) + y", "0.5,1"), ("max(x, x^2) + y", "2,0")])
def test_no_false_alarms(run, spec, at):
    r = run("jacobian", spec, "--vars", "x,y", "--at", at)
    assert r.exit_code == 0, r.stderr


def test_domain_checked_at_the_point_each_function_sees(run):
    # g = 1/u at u = f(x) = x - 1: fine at x = 2, undefined at x = 1 (where g sees 0)
    assert run("compose", "x - 1", "1/u", "--at", "2").exit_code == 0
    r = run("compose", "x - 1", "1/u", "--at", "1")
    assert r.exit_code == 3 and "u = 0" in r.stderr


@pytest.mark.parametrize("spec, at, value", [
    ("abs(t)^2", "0", "0"), ("t*abs(t)", "0", "0"), ("abs(t)^3", "0", "0"), ("relu(t)^2", "0", "0"),
    ("abs(t^3)", "0", "0"), ("relu(t) - relu(-t)", "0", "1"), ("max(t, 2t - 1) + (t - 1)^2 - relu(t - 1)", "1", "1"),
    ("0.0^t", "0.5", "0"), ("piecewise(t == 0, 0, sin(t))", "0", "1"),
])
def test_differentiable_on_a_seam(run, spec, at, value):
    """Decided by the function, not the spelling: these are differentiable at the seam."""
    r = run("jacobian", spec, "--vars", "t", "--at", at, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["jacobian"]["exact"] == [[value]]
    assert "NaN" not in r.stdout and "\"nan\"" not in r.stdout


def test_no_nan_from_the_symbolic_side(run):
    r = run("jacobian", "0.0^y", "--vars", "y", "--format", "json")
    assert r.exit_code == 0 and "\"nan\"" not in r.stdout
    assert json.loads(r.stdout)["jacobian"]["symbolic"] == [["0"]]


def test_outside_the_real_domain_is_exit_3_everywhere(run):
    # every value jac shows is checked: f at the point, each intermediate value, each factor
    r = run("jacobian", "log(x)", "--at", "-1")
    assert r.exit_code == 3 and "not real at x = -1" in r.stderr and r.stdout == ""
    r = run("compose", "x - 2", "log(u)", "--at", "1")
    assert r.exit_code == 3 and "g = log(u) is not real at u = -1" in r.stderr and "g sees f's value at x = 1" in r.stderr
    r = run("jacobian", "log(x)", "--points", "-", "--format", "csv", input="1\n-1\n2\n")
    assert r.exit_code == 3 and "<stdin>:2:" in r.stderr and len(r.stdout.splitlines()) == 3


def test_batch_routes_kinks_to_the_exact_path(run):
    r = run("jacobian", "abs(x) + y", "--vars", "x,y", "--points", "-", "--format", "csv", input="1,1\n0,1\n-1,2\n")
    assert r.exit_code == 3
    assert len(r.stdout.splitlines()) == 3
    assert "<stdin>:2: ∂f/∂x does not exist at (x, y) = (0.0, 1.0) (abs(x) has a kink where x = 0)" in r.stderr


def test_no_raw_numpy_warnings(run):
    r = run("jacobian", "log(x)", "--points", "-", "--format", "csv", input="1\n0\n-1\n")
    assert "RuntimeWarning" not in r.stderr and "Traceback" not in r.stderr


def test_verify_reports_agreement(run):
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--verify", "--format", "json")
    v = json.loads(r.stdout)["verify"]
    assert r.exit_code == 0 and v["agrees"] and v["max_abs_diff"] < 1e-8
    assert v["method"] == "central differences with Richardson extrapolation"
    plain = run("jacobian", "samples/polar.yaml", "--at", "2,1", "--verify", "--format", "plain").stdout
    assert "verify: finite differences" in plain and "agree" in plain
    assert run("jacobian", "samples/polar.yaml", "--verify").exit_code == 2  # needs --at


def test_verify_catches_a_wrong_jacobian(monkeypatch):
    from jaccli.chain import numeric

    real = numeric.finite_difference_jacobian

    def off(F, x0):  # as if the symbolic derivative were wrong by 1e-3 in one entry
        estimate, error = real(F, x0)
        estimate[0, 0] += 1e-3
        return estimate, error

    monkeypatch.setattr(numeric, "finite_difference_jacobian", off)
    with pytest.raises(MathError, match="disagree"):
        jacobian("samples/polar.yaml", at="2,1", verify=True)


POOL = ["sin(x*y)", "exp(x - y)", "x^3 - 2*y", "log(1 + x^2 + y^2)", "atan2(y, 2 + x)", "sqrt(1 + x^2)",
        "tanh(x) * y", "sigmoid(x*y)", "x/(1 + y^2)", "cos(x)^2", "softplus(x - y)"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=3),
       st.floats(-2, 2, allow_nan=False), st.floats(-2, 2, allow_nan=False))
def test_symbolic_and_finite_differences_agree(outputs, x, y):
    assume(abs(x) > 1e-3 and abs(y) > 1e-3)
    result = jacobian(", ".join(outputs), vars=["x", "y"], at=[x, y], verify=True)
    assert result.verification.agrees


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=2, max_size=2), st.floats(-1.5, 1.5, allow_nan=False))
def test_compositions_agree_with_finite_differences(inner, x):
    result = compose(", ".join(inner).replace("y", "(x/2)"), "(u, v) -> (u*v, u + sin(v))", vars=["x"], at=[x],
                     verify=True)
    v = result.verification
    assert v.agrees and v.max_abs_diff < 1e-6 * max(1, max(abs(c) for row in result.at.value for c in row))


@pytest.mark.parametrize("text", ["atan2(y, x)", "atan2(y, x)^2", "x + atan2(y, x)"])
def test_atan2_on_its_branch_cut_has_no_jacobian(run, text):
    """atan2(y, x) jumps from π to −π across y = 0 where x < 0: ∂/∂y does not exist at (−1, 0) (atan2(±1e-9, −1)
    = ±3.14159…), even squared (a kink: (π − y)² from above, (π + y)² from below). Off the cut it is smooth."""
    import math

    assert math.atan2(1e-9, -1) > 3.14 and math.atan2(-1e-9, -1) < -3.14
    r = run("jacobian", text, "--vars", "x,y", "--at", "-1,0")
    assert r.exit_code == 3 and "branch cut" in r.stderr, r.output
    off = run("jacobian", "atan2(y, x)", "--vars", "x,y", "--at", "-1,1", "--format", "csv")
    assert off.exit_code == 0 and off.stdout.strip() == "-0.5,-0.5"  # (−y, x)/(x² + y²)
    assert run("jacobian", "atan2(y, x)", "--vars", "x,y", "--at", "1,0", "--format", "csv").stdout.strip() == "0,1"
