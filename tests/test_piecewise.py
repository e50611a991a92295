"""piecewise definitions, the boundary of their cases, and linearisation."""

import json

import pytest
import sympy as sp

from jaccli.calculus.printing import to_text
from jaccli.core.errors import ParseError, SpecError
from jaccli.parse import grammar
from jaccli.parse.spec import from_yaml

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)


@pytest.mark.parametrize("text", [
    "piecewise(x < 0, -x, x)", "piecewise(x^2 + y^2 == 0, 0, x*y/(x^2 + y^2))",
    "piecewise(x < 0 and y > 1, 1, x >= 2 or y != 0, 2, 3)", "piecewise(x <= 1, x^2, 2*x - 1)",
])
def test_piecewise_parses_and_prints_back(text):
    expr = grammar.parse(text, ("x", "y"))
    assert isinstance(expr, sp.Piecewise)
    assert grammar.parse(to_text(expr), ("x", "y")) == expr


@pytest.mark.parametrize("text, needle", [
    ("piecewise(x, 1, 2)", "expected a condition"),
    ("piecewise(x < 0, 1)", "expected ','"),
    ("piecewise(x < 0, 1, x > 2)", "must end with the value"),
    ("x < 1", "comparisons belong inside piecewise"),
    ("x and y", "expected an operator"),
])
def test_piecewise_errors(text, needle):
    with pytest.raises(ParseError) as info:
        grammar.parse(text, ("x", "y"))
    assert needle in info.value.render()


def test_yaml_cases():
    fn = from_yaml("inputs: [x, y]\noutputs:\n  - cases:\n      - when: x^2 + y^2 == 0\n        value: 0\n"
                   "      - otherwise: x*y/(x^2 + y^2)\n", origin="f.yaml")
    assert fn.outputs[0] == grammar.parse("piecewise(x^2 + y^2 == 0, 0, x*y/(x^2 + y^2))", ("x", "y"))
    for bad in ("inputs: [x]\noutputs:\n  - cases: [{when: x < 0, value: 1}]\n",
                "inputs: [x]\noutputs:\n  - cases: [{value: 1}, {otherwise: 2}]\n",
                "inputs: [x]\noutputs:\n  - cases: [{when: x, value: 1}, {otherwise: 2}]\n"):
        with pytest.raises((SpecError, ParseError)):
            from_yaml(bad, origin="f.yaml")


def test_the_classic_counterexample(run):
    r = run("jacobian", "samples/not_differentiable.yaml", "--at", "0,0")
    assert r.exit_code == 3
    assert "the partial derivatives exist there (∂f/∂x = 0, ∂f/∂y = 0" in r.stderr
    assert "not differentiable" in r.stderr and "not even continuous" in r.stderr
    away = json.loads(run("jacobian", "samples/not_differentiable.yaml", "--at", "1,2", "--format", "json").stdout)
    assert away["jacobian"]["exact"] == [["6/25", "-3/25"]]


@pytest.mark.parametrize("spec, at, code, needle", [
    ("piecewise(x^2 + y^2 == 0, 0, x*y^2/(x^2 + y^2))", "0,0", 3, "remainder"),   # continuous, not differentiable
    ("piecewise(x^2 + y^2 == 0, 0, x^2*y^2/(x^2 + y^2))", "0,0", 0, ""),          # differentiable
    ("piecewise(x < 0, -x, x) + 0*y", "0,1", 3, "one-sided difference quotients differ"),
    ("piecewise(x == 0, 0, x) + 0*y", "0,1", 0, "the formula that holds exactly there gives 0, but the derivative"),
    ("piecewise(x < 0, 0, x^2) + y", "0,1", 0, ""),
])
def test_boundaries(run, spec, at, code, needle):
    r = run("jacobian", spec, "--vars", "x,y", "--at", at, "--format", "json")
    assert r.exit_code == code, r.stderr
    assert needle in r.stderr


def test_linearisation_shrinks_where_differentiable(run):
    d = json.loads(run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--step", "0.1,-0.2",
                       "--format", "json").stdout)
    ratios = [row["remainder_ratio"] for row in d["linearisation"]]
    assert len(ratios) == 6 and all(b < a / 5 for a, b in zip(ratios, ratios[1:]))
    plain = run("jacobian", "samples/polar.yaml", "--at", "2,1", "--step", "0.1", "--format", "plain").stdout
    assert "‖f(x+h) − f(x) − J·h‖ / ‖h‖" in plain
    assert run("jacobian", "samples/polar.yaml", "--step", "0.1").exit_code == 2
    assert run("jacobian", "samples/polar.yaml", "--at", "1,1", "--step", "1,2,3").exit_code == 2
