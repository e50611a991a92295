"""LaTeX in: specs and answers, through jac's own translator (nothing is evaluated)."""

import json

import pytest
import sympy as sp

from jaccli.core.errors import ParseError
from jaccli.parse.spec import from_text

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
    from jaccli.calculus.special import cbrt

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
    (r"\sin^{-2} x", "ambiguous", 4),
    (r"\int x dx", "integrals are not part of jac's language", 0),
    (r"\log_{3} x", "jac has log2, log10 and ln", 5),
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


@pytest.mark.parametrize("tex, expected", [
    (r"\sqrt u", sp.sqrt(sp.Symbol("u", real=True))), (r"\sqrt2 x", sp.sqrt(2) * x), (r"\frac12 x", x / 2),
    (r"\frac{1}{2}x", x / 2), (r"\tfrac{x}{2}", x / 2), (r"\dfrac{x}{y}", x / y), (r"\cfrac{1}{x}", 1 / x),
    (r"\operatorname{sech}(x)", sp.sech(x)), (r"\mathrm{e}^{x}", sp.exp(x)), (r"\ln x", sp.log(x)),
    (r"\arctan y", sp.atan(y)), (r"\sin^2 x", sp.sin(x) ** 2), (r"\sin^{-1} x", sp.asin(x)),
    (r"\sin^{-1}\left(\frac{x}{2}\right)", sp.asin(x / 2)), (r"x \cdot y", x * y), (r"x\,y", x * y),
    (r"x\;y", x * y), (r"\left|x\right|", sp.Abs(x)), (r"\log_2 x", sp.log(x) / sp.log(2)),
    (r"\sin x \cos y", sp.sin(x) * sp.cos(y)), (r"\displaystyle \frac{{{x^2}}}{{{y^4}}}", x**2 / y**4),
    (r"\boxed{x + y}", x + y), (r"\require{bbox} \bbox[2pt,border:1px solid black]{{3{x^{\frac{3}{2}}}{y^2}}}",
                                3 * x ** sp.Rational(3, 2) * y**2),
    (r"{u^{ - \,\,\frac{1}{2}}}", sp.Symbol("u", real=True) ** sp.Rational(-1, 2)),
])
def test_latex_from_textbooks_and_the_web(tex, expected):
    vars_ = sorted({s.name for s in expected.free_symbols}) or ["x"]
    assert one(tex, vars=vars_) == expected


def test_braces_are_enough_to_read_latex():
    assert from_text("e^{x}").outputs[0] == sp.exp(x)  # no backslash, no --latex


@pytest.mark.parametrize("tex", [
    r"\left[\begin{array}{cc} 1 & 4 \\ 3 & -5 \end{array}\right]",
    r"\left| {\begin{array}{*{20}{c}}{1}&{4}\\{3}&{-5}\end{array}} \right|",
    r"\left(\begin{matrix} 1 & 4 \\ 3 & -5 \end{matrix}\right)",
    r"\matrix{1 & 4 \cr 3 & -5}",
    r"\pmatrix{1 & 4 \cr 3 & -5}",
    r"\begin{vmatrix} 1 & 4 \\ 3 & -5 \end{vmatrix}",
    r"J = \begin{bmatrix} 1 & 4 \\ 3 & -5 \end{bmatrix}",
    r"\[ J_{f}(u, v) = \begin{bmatrix} 1 & 4 \\ 3 & -5 \end{bmatrix} \]",
])
def test_matrix_answers(tex):
    from jaccli import check

    assert check(["x = u + 4v, y = 3u - 5v"], tex).passed


def test_determinant_answers_in_latex():
    from jaccli import check

    assert check(["x = u^2 v^3, y = 4 - 2 sqrt(u)"], "[[2u v^3, 3u^2 v^2], [-u^(-1/2), 0]]",
                 expect_det=r"\det J = 3{u^{\frac{3}{2}}}{v^2}").passed
    paul = (r"\frac{{\partial \left( {x,y} \right)}}{{\partial \left( {u,v} \right)}} = 0 - \left( { - 3{u^{"
            r"\frac{3}{2}}}{v^2}} \right) = \require{bbox} \bbox[2pt,border:1px solid black]{{3{u^{\frac{3}{2}}}{v^2}}}")
    assert check(["x = u^2 v^3, y = 4 - 2 sqrt(u)"], "[[2u v^3, 3u^2 v^2], [-u^(-1/2), 0]]", expect_det=paul).passed


def test_named_components_separated_by_spacing():
    fn = from_text(r"x = 4u - 3{v^2}\hspace{0.25in}y = {u^2} - 6v")
    assert fn.output_names == ("x", "y") and fn.inputs == ("u", "v")
    fn = from_text(r"x = {t^4} - 2t,\,\,\,\,y = 1 - {t^6}")
    assert fn.output_names == ("x", "y") and fn.inputs == ("t",)


def test_unicode_from_web_pages():
    fn = from_text("x = 𝜌 sin(𝜑) cos(𝜃), y = 𝜌 sin(𝜑) sin(𝜃), z = 𝜌 cos(𝜑)")
    assert set(fn.inputs) == {"rho", "phi", "theta"}


ROUND_TRIP = [
    "sin(x) cos(y), exp(x y)", "sigmoid(x) + softplus(y), relu(x - 1) + y^3", "atan2(y, x), hypot(x, y)",
    "expm1(x) + log1p(y), cbrt(x) y", "x^(1/3) + y, x^(2/3) y", "asec(x + 2) + acoth(y + 3), erf(x) + sinc(y)",
    "abs(x - y) + min(x, y), max(x, 2y) + sign(x)", "piecewise(x < 0, -x, x) + y, log(x, 3) + sech(y)",
    "x^2 + y, 2x y",
]


@pytest.mark.parametrize("spec", ROUND_TRIP)
def test_jacs_own_latex_reads_back_as_an_answer(run, spec):
    """Every command that prints LaTeX: its output, pasted back as --expect (and --expect-det), passes."""
    for args in (["jacobian", spec, "--vars", "x,y"], ["jacobian", spec, "--vars", "x,y", "--at", "0.7,1.3"],
                 ["compose", "(u, v) -> (u + v, u v)", f"(x, y) -> ({spec})", "--at", "0.4,0.9"]):
        out = run(*args, "--format", "latex")
        assert out.exit_code == 0, (args, out.stderr)
        check_args = [a.replace("jacobian", "check").replace("compose", "check") for a in args[:1]] + args[1:]
        r = run(*check_args, "--expect", out.stdout, "--format", "json")
        d = json.loads(r.stdout)
        assert r.exit_code == 0 and d["pass"], (args, out.stdout, d)
        if "\\det" in out.stdout:
            r = run(*check_args, "--expect", out.stdout, "--expect-det", out.stdout, "--format", "json")
            assert r.exit_code == 0, (args, r.stdout)
