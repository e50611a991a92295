"""Hessians and their chain rule, the implicit function theorem, volume change, the gradient convention."""

import json
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccli import hessian, implicit
from jaccli.jobs.hessian import hessian_matrix
from jaccli.parse.spec import from_text

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)


def test_scalar_hessian_classification():
    r = hessian("x^3 - 3x + y^2", vars=["x", "y"], at="1,0")
    h = r.hessians[0]
    assert h.symbolic == sp.Matrix([[6 * x, 0], [0, 2]]) and h.symmetric
    assert h.eigenvalues == pytest.approx([2, 6]) and h.gradient_zero
    assert h.classification.startswith("positive definite")
    saddle = hessian("x^2 - y^2", vars=["x", "y"], at="0,0").hessians[0]
    assert saddle.classification.startswith("indefinite") and saddle.gradient_zero
    flat = hessian("x^4 + y^2", vars=["x", "y"], at="0,0").hessians[0]
    assert "inconclusive" in flat.classification
    top = hessian("-(x^2) - y^2", vars=["x", "y"], at="0,0").hessians[0]
    assert top.classification.startswith("negative definite")
    moving = hessian("x^2 + y", vars=["x", "y"], at="0,0").hessians[0]
    assert "not a critical point" in moving.classification


def test_vector_function_has_one_hessian_per_output(run):
    d = json.loads(run("hessian", "samples/f.yaml", "--at", "1,2", "--format", "json").stdout)
    assert [h["output"] for h in d["hessians"]] == ["f1", "f2"]
    assert d["hessians"][0]["symbolic"] == [["2", "0"], ["0", "0"]]
    assert d["hessians"][1]["value"] == [[0, 2], [2, 0]]
    assert all(h["symmetric"] for h in d["hessians"])


EXPRS = ["x^2 + y", "2*x*y", "sin(x) + y^2", "exp(x - y)", "x/(1 + y^2)", "log(2 + x^2)"]
OUTER = ["u*v", "u^2 + sin(v)", "exp(u)*v", "u/(1 + v^2)"]


@settings(max_examples=12, deadline=None)
@given(st.lists(st.sampled_from(EXPRS), min_size=2, max_size=2), st.sampled_from(OUTER),
       st.tuples(st.integers(-2, 2), st.integers(-2, 2)))
def test_second_order_chain_rule_matches_direct_substitution(inner, outer, point):
    f = from_text(", ".join(inner), name="f", vars=["x", "y"])
    g = from_text(outer, name="g", vars=["u", "v"])
    direct = hessian_matrix(g.outputs[0].xreplace(dict(zip(g.symbols, f.outputs))), f.symbols)
    at = dict(zip(f.symbols, map(sp.Integer, point)))
    result = hessian(f, g, at=list(point))
    total, terms = result.hessians[0].at.value, result.terms
    expected = np.array([[complex(direct[i, j].xreplace(at).evalf(30)) for j in range(2)] for i in range(2)])
    np.testing.assert_allclose(np.array(total, dtype=complex), expected, rtol=1e-10, atol=1e-10)
    summed = np.array(terms[0].at.value, dtype=complex) + np.array(terms[1].at.value, dtype=complex)
    np.testing.assert_allclose(summed, expected, rtol=1e-10, atol=1e-10)
    symbolic = hessian(f, g).hessians[0].symbolic
    for sample in ({x: sp.Float(0.3), y: sp.Float(-0.7)}, {x: sp.Float(1.1), y: sp.Float(0.4)}):
        for i in range(2):
            for j in range(2):
                assert complex(symbolic[i, j].xreplace(sample).evalf(30)) == pytest.approx(
                    complex(direct[i, j].xreplace(sample).evalf(30)), rel=1e-10, abs=1e-10)


def test_hessian_cli_and_errors(run):
    d = json.loads(run("hessian", "samples/f.yaml", "(u, v) -> u*v", "--at", "1,2", "--format", "json").stdout)
    assert d["hessian"]["value"] == [[24, 14], [14, 4]]
    assert [t["value"] for t in d["terms"]] == [[[16, 8], [8, 4]], [[8, 6], [6, 0]]]
    r = run("hessian", "samples/f.yaml", "samples/g.yaml")
    assert r.exit_code == 2 and "scalar last function" in r.stderr
    plain = run("hessian", "samples/f.yaml", "(u, v) -> u*v", "--format", "plain").stdout
    assert "second-order chain rule" in plain and "J_fᵀ · H_g(f(x)) · J_f" in plain


def test_implicit_circle():
    r = implicit("x^2 + y^2 - 1", ["y"], vars=["x", "y"])
    assert r.symbolic == sp.Matrix([[-x / y]])
    at = implicit("x^2 + y^2 - 1", ["y"], vars=["x", "y"], at="3/5,4/5")
    assert at.at.exact == sp.Matrix([[sp.Rational(-3, 4)]]) and not at.notes


def test_implicit_system_and_json(run):
    d = json.loads(run("implicit", "samples/implicit_system.yaml", "--unknowns", "u,v", "--at", "1,1,1,1",
                       "--format", "json").stdout)
    assert d["jacobian"]["exact"] == [["-3/2", "-1/4"], ["-1/2", "1/4"]]
    assert d["blocks"]["dF_dy"]["exact"] == [["1", "1"], ["1", "-3"]]
    assert d["unknowns"] == ["u", "v"] and d["inputs"] == ["x1", "x2"]


def test_implicit_refusals(run):
    r = run("implicit", "x^2 + y^2 - 1", "--vars", "x,y", "--unknowns", "y", "--at", "1,0")
    assert r.exit_code == 3 and "∂F/∂y is singular" in r.stderr and "invertible" in r.stderr
    off = run("implicit", "x^2 + y^2 - 1", "--vars", "x,y", "--unknowns", "y", "--at", "1,1")
    assert off.exit_code == 0 and "F is not zero at this point" in off.stderr
    assert run("implicit", "x^2 + y^2 - 1", "--vars", "x,y", "--unknowns", "z").exit_code == 2
    assert run("implicit", "x + y, x - y", "--vars", "x,y", "--unknowns", "y").exit_code == 2


def test_volume_change_adds_up(run):
    d = json.loads(run("compose", "samples/coupling.yaml", "samples/coupling_swap.yaml", "--at", "0.5,1",
                       "--format", "json").stdout)
    det = d["determinant"]
    assert det["factor_log_abs"][0] == pytest.approx(math.tanh(0.5), rel=1e-12)
    assert sum(det["factor_log_abs"]) == pytest.approx(det["log_abs"], rel=1e-12)
    assert det["sign"] == 1 and det["log_abs"] == pytest.approx(math.log(det["value"]), rel=1e-12)


def test_gradient_convention(run):
    plain = run("compose", "samples/f.yaml", "(u, v) -> u*v", "--at", "1,2", "--format", "plain").stdout
    assert "∇(g∘f) = J_f(1, 2)ᵀ · ∇g(3, 4)" in plain
    d = json.loads(run("compose", "samples/f.yaml", "(u, v) -> u*v", "--at", "1,2", "--format", "json").stdout)
    assert d["gradient"]["value"] == [20, 10] and d["jacobian"]["value"] == [[20, 10]]


def test_implicit_against_solving_F_numerically():
    """Solve F(x, y) = 0 for y by Newton near the point at x ± h, difference the solutions."""
    r = implicit("samples/implicit_system.yaml", ["u", "v"], at="1,1,1,1")

    def solve(x1, x2):
        u, v = 1.0, 1.0
        for _ in range(50):
            F = np.array([x1**2 + u * v - 2, x2 * u - v**3])
            J = np.array([[v, u], [x2, -3 * v**2]])
            u, v = np.array([u, v]) - np.linalg.solve(J, F)
        return np.array([u, v])

    h = 1e-6
    fd = np.column_stack([(solve(1 + h, 1) - solve(1 - h, 1)) / (2 * h), (solve(1, 1 + h) - solve(1, 1 - h)) / (2 * h)])
    np.testing.assert_allclose(np.array(r.at.value, dtype=float), fd, rtol=1e-6)
    circle = implicit("x^2 + y^2 - 1", ["y"], vars=["x", "y"], at="0.6,0.8")
    assert circle.at.value[0][0] == pytest.approx(-0.6 / math.sqrt(1 - 0.36), rel=1e-12)
