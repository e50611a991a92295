"""LaTeX in: specs and answers, through jac's own translator (nothing is evaluated)."""

import pytest
import sympy as sp

from jaccli.errors import ParseError
from jaccli.spec import from_text

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
x1, x12 = sp.Symbol("x1", real=True), sp.Symbol("x12", real=True)
theta = sp.Symbol("theta", real=True)


def one(tex, vars=("x", "y")):
    return from_text(tex, vars=list(vars) if vars else None, latex=True).outputs[0]


@pytest.mark.parametrize("tex, expected", [
    (r"\frac{x}{y}", x / y), (r"\dfrac{1}{2}x", x / 2), (r"\sqrt{x}", sp.sqrt(x)),
    (r"e^{x}", sp.exp(x)), (r"\exp(y)", sp.exp(y)), (r"\sin x", sp.sin(x)), (r"\ln x", sp.log(x)),
    (r"x \cdot y", x * y), (r"x \times y", x * y), (r"\left( x + 1 \right)^2", (x + 1) ** 2),
    (r"2xy", 2 * x * y), (r"x\sin y", x * sp.sin(y)), (r"\pi x", sp.pi * x), (r"x^23", x**2 * 3),
    (r"x^{10}", x**10), (r"e^{-x}", sp.exp(-x)), (r"\left|x\right| + |y|", sp.Abs(x) + sp.Abs(y)),
    (r"\sin 2x", sp.sin(2 * x)), (r"\cos{(x)}", sp.cos(x)), (r"\arctan\left(\frac{y}{x}\right)", sp.atan(y / x)),
    (r"\operatorname{relu}(x)", from_text("relu(x)").outputs[0]),
])
def test_expressions(tex, expected):
    assert one(tex) == expected


def test_cube_root_subscripts_and_greek():
    from jaccli.functions import cbrt

    assert one(r"\sqrt[3]{x}") == cbrt(x)
    assert one(r"\sqrt[4]{x}") == x ** sp.Rational(1, 4)
    assert one(r"x_1 + x_{12}", vars=("x1", "x12")) == x1 + x12
    assert one(r"\theta^2", vars=("theta",)) == theta**2


def test_bmatrix_spec_and_inference():
    fn = from_text(r"\begin{bmatrix} x^2 + y \\ 2xy \end{bmatrix}")
    assert fn.inputs == ("x", "y") and fn.outputs == (x**2 + y, 2 * x * y)
    row = from_text(r"\begin{pmatrix} x & y \end{pmatrix}")
    assert row.m == 2


@pytest.mark.parametrize("tex, message, column", [
    (r"\frac{x}{", "expected '}'", 9),
    (r"\foo{x}", "unknown LaTeX command \\foo", 0),
    (r"x + \frac{1}{0}", "division by zero", 4),
    (r"\begin{bmatrix} x & y \\ 1 \end{bmatrix}", "a function is a column", 0),
    (r"\sin^2 x", "ambiguous", 4),
    (r"x + q", "unknown name 'q'", 4),
])
def test_errors_point_into_the_latex(tex, message, column):
    with pytest.raises(ParseError) as info:
        from_text(tex, vars=["x", "y"], latex=True)
    err = info.value
    assert message in err.render()
    assert err.column == column
    assert err.source == tex


def test_cli_detects_latex(run):
    r = run("jacobian", r"\begin{bmatrix} x^2 + y \\ 2xy \end{bmatrix}", "--at", "1,2", "--format", "csv")
    assert r.exit_code == 0 and r.stdout.splitlines() == ["2,1", "4,2"]
    forced = run("jacobian", "2xy", "--latex", "--format", "csv")
    assert forced.exit_code == 0 and forced.stdout.splitlines() == ["2*y,2*x"]
