"""The chain rule product equals the Jacobian of the directly substituted composition."""

import cmath

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jaccli import compose, jacobian
from jaccli.model.jacobian import substitute_chain
from jaccli.parse.spec import from_text

INNER = ["x^2 + y", "2*x*y", "sin(x) + y", "exp(x - y)", "x/(1 + y^2)", "sqrt(1 + x^2)", "atan2(y, 2 + x)",
         "sigmoid(x*y)", "log(2 + cos(x))", "x^3 - y"]
OUTER = ["u + v", "u^2", "sin(v)", "u*v", "exp(u)/(1 + v^2)", "tanh(u - v)", "softplus(u)", "cbrt(u + 5)"]


def _direct_jacobian(functions):
    composed = substitute_chain(functions)[-1]
    return sp.Matrix(composed).jacobian(functions[0].symbols)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(INNER), min_size=2, max_size=2),
       st.lists(st.sampled_from(OUTER), min_size=1, max_size=3),
       st.tuples(st.integers(-3, 3), st.integers(-3, 3)))
def test_chain_rule_matches_direct_substitution(inner, outer, point):
    f = from_text(", ".join(inner), name="f", vars=["x", "y"])
    g = from_text(", ".join(outer), name="g", vars=["u", "v"])
    direct = _direct_jacobian([f, g])
    symbolic = compose(f, g).symbolic
    at = dict(zip(f.symbols, map(sp.Integer, point)))
    numeric_direct = direct.xreplace(at).evalf(30)
    assume(all(cmath.isfinite(complex(v)) for v in numeric_direct if v.is_number))  # e.g. atan2(0, 0)
    assume(all(v.is_number for v in numeric_direct))
    numeric_chain = symbolic.xreplace(at).evalf(30)
    for a, b in zip(numeric_direct, numeric_chain):
        assert complex(a) == pytest.approx(complex(b), rel=1e-12, abs=1e-12)
    evaluated = compose(f, g, at=list(point)).at
    for a, b in zip(numeric_direct, evaluated.exact):
        assert complex(a) == pytest.approx(complex(b.evalf(30)), rel=1e-12, abs=1e-12)


def test_three_step_chain_exact():
    f = from_text("x^2 + y, 2*x*y", name="f", vars=["x", "y"])
    g = from_text("u + v, u^2, sin(v)", name="g", vars=["u", "v"])
    h = from_text("a*b + c", name="h", vars=["a", "b", "c"])
    result = compose(f, g, h, at=[1, 2])
    direct = _direct_jacobian([f, g, h]).xreplace({f.symbols[0]: 1, f.symbols[1]: 2})
    assert sp.simplify(result.at.exact - direct) == sp.zeros(1, 2)
    assert [fac.point.exact for fac in result.factors] == [(1, 2), (3, 4), (7, 9, sp.sin(4))]


def test_outer_factor_is_evaluated_at_f_of_x_not_x():
    result = compose("samples/f.yaml", "samples/g.yaml", at="1,2")
    assert result.factors[1].point.exact == (3, 4)
    assert result.factors[1].at.exact == sp.Matrix([[1, 1], [6, 0], [0, sp.cos(4)]])
    assert result.at.exact == sp.Matrix([[6, 3], [12, 6], [4 * sp.cos(4), 2 * sp.cos(4)]])
    assert result.determinant is None


def test_api_points_in_many_forms():
    for at in ("1,2", "x=1,y=2", [1, 2], {"y": 2, "x": 1}):
        assert jacobian("samples/f.yaml", at=at).at.exact == sp.Matrix([[2, 1], [4, 2]])
    from fractions import Fraction
    r = jacobian("x^2", at=[Fraction(1, 3)])
    assert r.at.exact[0, 0] == sp.Rational(2, 3)
    assert jacobian("x^2", at=[0.5]).at.exact[0, 0].is_Float


def test_determinants():
    r = jacobian("samples/spherical.yaml", at="2,pi/2,0")
    assert sp.simplify(r.determinant.symbolic - sp.Symbol("r", real=True) ** 2 * sp.sin(sp.Symbol("theta", real=True))) == 0
    assert r.determinant.exact == 4
    softmax = jacobian("samples/softmax.yaml", at="1,2,3")
    assert softmax.determinant.value == pytest.approx(0, abs=1e-12)
    big = jacobian(", ".join(f"x{i}^2 + x{i + 1}" for i in range(1, 6)) + ", x6", at=[1] * 6)
    assert big.determinant.symbolic is None and "skipped" in big.determinant.skipped
    assert big.determinant.exact == 32  # triangular: 2^5 · 1
