"""jac critical (issue 14 §3): textbook cases with their published classifications, Lagrange problems,
degenerate cases, and a non-polynomial function whose points are checked independently (the gradient
and Hessian evaluated by numpy finite differences at each point found, in plain Python)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from jaccli import run
from jaccli.core.request import make


def _points(text, vars, **options):
    r = run(make("critical", [text], vars=vars.split(","), **options))
    return r, {tuple(round(float(v.evalf()), 9) for v in p.point): p.classification for p in r.points}


@pytest.mark.parametrize("text, expected, source", [
    ("x^3 + y^3 - 3x y", {(0, 0): "saddle point", (1, 1): "local minimum"}, "the issue; Stewart 14.7"),
    ("x^4 + y^4 - 4x y + 1", {(0, 0): "saddle point", (1, 1): "local minimum", (-1, -1): "local minimum"},
     "Stewart 8e, 14.7 Example 3"),
    ("x^2 + y^2 - 2x - 6y + 14", {(1, 3): "local minimum"}, "Stewart 14.7 Example 1"),
    ("y^2 - x^2", {(0, 0): "saddle point"}, "Stewart 14.7 Example 2"),
    ("3x^2 y + y^3 - 3x^2 - 3y^2 + 2",
     {(0, 0): "local maximum", (0, 2): "local minimum", (1, 1): "saddle point", (-1, 1): "saddle point"},
     "Paul's Online Notes, Calculus III 14.3 Example 1"),
    ("x^4 + y^4", {(0, 0): "inconclusive"}, "degenerate: D = 0"),
])
def test_textbook_critical_points(text, expected, source):
    r, found = _points(text, "x,y")
    assert r.method == "exact"
    assert found == {tuple(float(c) for c in k): v for k, v in expected.items()}, source


@pytest.mark.parametrize("text, constraint, expected, source", [
    ("x y", "x^2 + y^2 = 2", {(1, 1): "max", (-1, -1): "max", (1, -1): "min", (-1, 1): "min"}, "classic"),
    ("x^2 + 2y^2", "x^2 + y^2 = 1", {(0, 1): "max", (0, -1): "max", (1, 0): "min", (-1, 0): "min"},
     "Stewart 14.8 Example 2"),
])
def test_lagrange(text, constraint, expected, source):
    r, found = _points(text, "x,y", constraints=[constraint])
    assert {k: v.split()[1] for k, v in found.items()} == \
        {tuple(float(c) for c in k): {"max": "maximum", "min": "minimum"}[v] for k, v in expected.items()}, source


def _fd_gradient_hessian(f, p, h=1e-5):
    p = np.asarray(p, dtype=float)
    n = len(p)
    g = np.zeros(n)
    H = np.zeros((n, n))
    for i in range(n):
        e = np.eye(n)[i] * h
        g[i] = (f(p + e) - f(p - e)) / (2 * h)
        for j in range(n):
            d = np.eye(n)[j] * h
            H[i, j] = (f(p + e + d) - f(p + e - d) - f(p - e + d) + f(p - e - d)) / (4 * h * h)
    return g, H


def test_non_polynomial_points_checked_independently():
    r, found = _points("sin(x) + cos(y) + x/10", "x,y", box="x=-4..4, y=-4..4")

    def f(p):
        return math.sin(p[0]) + math.cos(p[1]) + p[0] / 10

    assert len(found) >= 6  # cos x = -1/10: 2 solutions in [-4, 4]; sin y = 0: -π, 0, π
    for point, kind in found.items():
        g, H = _fd_gradient_hessian(f, point)
        assert np.max(np.abs(g)) < 1e-6
        eig = np.linalg.eigvalsh(H)
        expect = "local minimum" if eig.min() > 0 else "local maximum" if eig.max() < 0 else "saddle point"
        assert kind == expect, point
    assert any("not polynomial" in n for n in r.notes)


def test_json_and_refusals(run_cli=None):
    from click.testing import CliRunner

    from jaccli.cli import main

    out = CliRunner().invoke(main, ["critical", "x^3 + y^3 - 3x y", "--vars", "x,y", "--format", "json"])
    data = json.loads(out.stdout)
    assert [p["classification"] for p in data["points"]] == ["saddle point", "local minimum"]
    assert data["points"][1]["exact"] == ["1", "1"] and data["points"][1]["test"]["D"] == "27"
    bad = CliRunner().invoke(main, ["critical", "x^2, y^2", "--vars", "x,y"])
    assert bad.exit_code == 2 and "scalar" in bad.stderr
    box = CliRunner().invoke(main, ["critical", "x^2", "--in", "x=3..1"])
    assert box.exit_code == 2 and "low end" in box.stderr


def test_bordered_hessian_agrees_with_sympys_own():
    """sympy's hessian(f, vars, constraints) — the peer the issue names — builds the bordered Hessian
    [[0, ∇g], [∇gᵀ, H]] (here with f's Hessian; at these points the multiplier term is λ·H_g, added
    below): its last n − m leading minors give the same classification as jac's."""
    x, y, z = sp.symbols("x y z", real=True)
    f, g = x * y * z, x + y + z - 3  # max of xyz on x + y + z = 3 at (1, 1, 1), λ = 1
    r, found = _points("x y z", "x,y,z", constraints=["x + y + z = 3"])
    lam = 1
    B = sp.hessian(f - lam * g, (x, y, z), [g]).subs({x: 1, y: 1, z: 1})
    m, n = 1, 3
    minors = [B[:k, :k].det() for k in range(2 * m + 1, m + n + 1)]
    sympy_says = "maximum" if all(sp.sign(v) == (-1) ** (m + 1 + k) for k, v in enumerate(minors)) else "other"
    assert found[(1.0, 1.0, 1.0)].split()[1] == sympy_says == "maximum"


# ---------------------------------------------------------------------------
# Issue "Right and fair on every command" §2: never a point that is not one, never a silent miss.
# Each case is compared with a computation made here (sympy solving by hand, a closed form, numpy).

X, Y, Z = sp.symbols("x y z", real=True)


def _by_eigenvalues(values) -> str:
    values = np.asarray(values, dtype=float)
    zero = 1e-9 * np.max(np.abs(values))
    if values.min() > zero:
        return "local minimum"
    if values.max() < -zero:
        return "local maximum"
    return "saddle point" if values.min() < -zero and values.max() > zero else "inconclusive"


@pytest.mark.parametrize("text", ["x exp(-x^2-y^2)", "x y exp(-x^2-y^2)", "(x^2 + 3y^2) exp(-x^2-y^2)",
                                  "(x - y) exp(-(x^2+y^2))"])
def test_gaussian_products_list_their_true_critical_points_only(text):
    """The issue §2.1: these listed 400 "saddle points" near |x| ≈ 9 where f ≈ 1e-50 besides the real ones.
    By hand: ∇f = e^(−x²−y²)·p(x, y) with p polynomial; sympy solves p = 0 here and numpy classifies each
    point by the eigenvalues of sympy's Hessian there."""
    from jaccli.parse import grammar

    f = grammar.parse(text, scope=grammar.Scope(["x", "y"]))
    x, y = sorted(f.free_symbols, key=lambda s: s.name)
    p = [sp.expand(sp.simplify(sp.diff(f, v) * sp.exp(x ** 2 + y ** 2))) for v in (x, y)]
    assert all(e.is_polynomial(x, y) for e in p)
    expected = {}
    for s in sp.solve(p, [x, y], dict=True):
        point = (float(s[x]), float(s[y]))
        H = np.array(sp.hessian(f, (x, y)).subs(s).evalf().tolist(), dtype=float)
        expected[tuple(round(c, 9) for c in point)] = _by_eigenvalues(np.linalg.eigvalsh(H))
    r, found = _points(text, "x,y")
    assert found == expected, text
    assert r.method == "exact"
    assert any("never 0" in n and "all the critical points" in n for n in r.notes), r.notes


def test_a_gradient_that_is_merely_tiny_is_not_zero():
    """The verification itself, on the equations as written (no factor divided out): at the old false point
    (−9.87646, 4.42332) of x·e^(−x²−y²) the gradient is 1e-48, but not 0 relative to the size of its terms
    (the ratio is about 1e-3, not 1e-30); at (1/√2, 0) it is 0 to 60 digits. The numeric search on these
    equations returns the two true points only, and Newton's method at 60 digits from the false point is
    refused."""
    from jaccli.jobs import critical_search

    f = X * sp.exp(-X ** 2 - Y ** 2)
    equations = [sp.diff(f, X), sp.diff(f, Y)]
    checker = critical_search.Checker(equations, [X, Y], 10.0)
    fake = checker.residuals([sp.Float("-9.87646"), sp.Float("4.42332")])
    assert fake is not None and max(fake) > 1e-6
    assert abs(float(equations[0].subs({X: -9.87646, Y: 4.42332}))) < 1e-40  # tiny in absolute terms
    true = checker.residuals([1 / sp.sqrt(2), sp.Integer(0)])
    assert max(true) <= critical_search.ZERO_TO
    refiner = critical_search.Refiner(equations, [X, Y], checker, 20.0)
    assert refiner([-9.87646, 4.42332]) is None
    search = critical_search.numeric_search(equations, refiner, [X, Y], 2, [(-10.0, 10.0)] * 2, [(-10, 10)] * 2, [X, Y], f, [],
                              [], [])
    found = sorted(tuple(round(float(v), 12) for v in p) for p in search.points)
    assert found == [(-round(2 ** -0.5, 12), 0.0), (round(2 ** -0.5, 12), 0.0)]


def test_sympys_complex_looking_real_solutions_and_exact_boxes():
    """The issue §2.2: cos x + cos y + cos(x + y) ended in TypeError: Cannot convert complex to float — sympy
    writes −2π/3 as −i·log(16/(1 − √3 i)⁴). Such a value is real (its imaginary part is 0 exactly) and is
    written without i; a truly complex one is dropped; the box is compared exactly (π is in [−π, π])."""
    from jaccli.jobs import critical_search

    assert critical_search.real_exact(-sp.I * sp.log(16 / (1 - sp.sqrt(3) * sp.I) ** 4)) == -2 * sp.pi / 3
    assert critical_search.real_exact(1 + sp.I) is None
    assert critical_search.real_exact(sp.sqrt(2) / 2) == sp.sqrt(2) / 2
    assert critical_search.inside_exact([sp.pi, -sp.pi], [(-sp.pi, sp.pi)] * 2)
    assert not critical_search.inside_exact([sp.pi + sp.Rational(1, 10**30), 0], [(-sp.pi, sp.pi)] * 2)


def test_cos_sum_from_the_issue(run):
    """The issue §2.2, end to end: exit 0 and the 67 points of [−10, 10]² derived by hand (see the corpus:
    (jπ, kπ) and (±2π/3 + 2jπ, ±2π/3 + 2kπ), same signs)."""
    out = run("critical", "cos(x) + cos(y) + cos(x+y)", "--format", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    found = {tuple(round(v, 9) for v in p["value"]) for p in data["points"]}
    pi = math.pi
    lattice = {(round(j * pi, 9), round(k * pi, 9)) for j in range(-3, 4) for k in range(-3, 4)}
    thirds = set()
    for sign in (1, -1):
        values = [sign * 2 * pi / 3 + 2 * k * pi for k in range(-2, 3) if abs(sign * 2 * pi / 3 + 2 * k * pi) <= 10]
        thirds |= {(round(a, 9), round(b, 9)) for a in values for b in values}
    assert found == lattice | thirds
    assert any("not proved" in n for n in data["notes"])


def test_sphere_xyz_zero_minors_decided_on_the_tangent_plane():
    """The issue §2.3: x y z on x² + y² + z² = 3 called (±√3, 0, 0) … "inconclusive" (bordered minors 0, 36).
    Here, by hand: at (√3, 0, 0), λ = 0, the Hessian of L is that of xyz, and the tangent plane is spanned
    by e_y, e_z: the restricted Hessian [[0, √3], [√3, 0]] has eigenvalues ±√3 — a saddle on the sphere. At
    (±1, ±1, ±1) xyz = ±1 is the maximum / minimum of xyz on the sphere (AM–GM: |xyz|^(2/3) ≤ 1)."""
    r, found = _points("x y z", "x,y,z", constraints=["x^2 + y^2 + z^2 = 3"])
    s3 = round(math.sqrt(3), 9)
    axes = [p for p in found if sorted(abs(c) for c in p) == [0, 0, s3]]
    assert len(axes) == 6
    H = sp.hessian(X * Y * Z, (X, Y, Z))
    for point in axes:
        subs = dict(zip((X, Y, Z), (sp.sqrt(3) * sp.sign(sp.nsimplify(c)) for c in point)))
        G = sp.Matrix([[sp.diff(X ** 2 + Y ** 2 + Z ** 2, v) for v in (X, Y, Z)]]).subs(subs)
        T = sp.Matrix.hstack(*G.nullspace())
        restricted = (T.T * H.subs(subs) * T)
        assert _by_eigenvalues(np.linalg.eigvalsh(np.array(restricted.evalf().tolist(), dtype=float))) == \
            "saddle point"
        assert found[point] == "saddle point (on the constraint)"
    for point, kind in found.items():
        if point not in axes:
            assert kind == ("local maximum (on the constraint)" if np.prod(point) > 0 else
                            "local minimum (on the constraint)")
    detail = next(p.detail for p in r.points if abs(float(p.point[0])) > 1.5)
    assert sorted(round(v, 9) for v in detail["tangent_eigenvalues"]) == [-s3, s3]


def test_paul_lagrange_example_2():
    """Paul's Online Notes, Calculus III, Lagrange Multipliers, Example 2: 5x − 3y on x² + y² = 136 has its
    minimum −68 at (−10, 6) and maximum 68 at (10, −6) (by hand: 5 = 2λx, −3 = 2λy)."""
    r, found = _points("5x - 3y", "x,y", constraints=["x^2 + y^2 = 136"])
    assert found == {(-10.0, 6.0): "local minimum (on the constraint)", (10.0, -6.0): "local maximum (on the constraint)"}
    assert sorted(float(p.value) for p in r.points) == [-68.0, 68.0]


def test_the_cusp_lagrange_cannot_see():
    """The issue §2.4, the textbook caveat of Lagrange's method: x on y² = x³ has its minimum at the cusp
    (0, 0), where ∇g = 0, so ∇f = λ∇g has no solution at all. By hand: on the curve x³ = y² ≥ 0, so x ≥ 0 =
    f(0, 0). jac lists the cusp and shows the same thing branch by branch (y = ±x^(3/2), x ≥ 0)."""
    real_x = [s for s in sp.solve(Y ** 2 - X ** 3, X) if not s.has(sp.I)]
    assert len(real_x) == 1 and real_x[0].is_nonnegative  # x = |y|^(2/3) ≥ 0
    r, found = _points("x", "x,y", constraints=["y^2 - x^3 = 0"])
    assert list(found) == [(0.0, 0.0)]
    point = r.points[0]
    assert point.classification.startswith("local minimum (on the constraint")
    assert point.detail["constraint_rank"] == 0 and "≥ 0" in point.detail["argument"]
    assert any("Lagrange's method does not apply" in n for n in r.notes)


def test_the_cusp_when_the_sign_cannot_be_shown():
    """x + y on y² = x³: the cusp is a local minimum, but x − x^(3/2) < 0 for x > 1, so no global argument
    holds and jac says it did not classify it. The Lagrange point (4/9, −8/27) is the maximum of
    x − x^(3/2) on the lower branch (by hand: 1 − (3/2)√x = 0)."""
    from jaccli.jobs.critical_classify import NOT_CLASSIFIED

    r, found = _points("x + y", "x,y", constraints=["y^2 - x^3 = 0"])
    assert found[(0.0, 0.0)] == NOT_CLASSIFIED
    assert found[(round(4 / 9, 9), round(-8 / 27, 9))] == "local maximum (on the constraint)"
    assert len(found) == 2


def test_curves_of_critical_points_are_named(run):
    """The issue §2.6: x²y² said "none found". By hand ∇f = (2xy², 2x²y) = 0 exactly on the lines x = 0 and
    y = 0, where f = 0 ≤ x²y² everywhere: minima, not strict."""
    f = X ** 2 * Y ** 2
    assert sp.solve([sp.diff(f, X), sp.diff(f, Y)], [X, Y], dict=True) == [{X: 0}, {Y: 0}]
    out = run("critical", "x^2 y^2", "--format", "json")
    data = json.loads(out.stdout)
    assert data["points"] == []
    assert sorted(c["equations"][0] for c in data["curves"]) == ["x = 0", "y = 0"]
    for curve in data["curves"]:
        assert curve["shape"] == "line" and curve["f"]["value"] == 0
        assert curve["classification"].startswith("minimum (not strict)")
    table = run("critical", "x^2 y^2")
    assert "the line x = 0 (y free)" in table.stdout and "none found" not in table.stdout


@pytest.mark.parametrize("text, curves, kind", [
    ("x^2 y", {("x = 0",)}, "inconclusive"),  # f = x²y changes sign across x = 0 only where y does
    ("(x^2 + y^2 - 1)^2", {("y = -sqrt(1 - x^2)",), ("y = sqrt(1 - x^2)",)}, "minimum (not strict)"),
])
def test_curves_classified_only_when_shown(text, curves, kind):
    """Along a curve of critical points the Hessian is singular, so the test cannot decide; a minimum is
    claimed only when sympy shows f − c ≥ 0 everywhere (the unit circle of (x² + y² − 1)², where f = 0)."""
    r = run(make("critical", [text], vars=["x", "y"]))
    assert {c.equations for c in r.curves} == curves
    assert all(c.classification.startswith(kind) for c in r.curves)
    if text.startswith("("):
        assert [(tuple(float(v) for v in p.point), p.classification) for p in r.points] == \
            [((0.0, 0.0), "local maximum")]  # by hand: H(0, 0) = −4 I


@pytest.mark.parametrize("args", [
    ["x y z", "--constraint", "x^2+y^2+z^2 = 3"],
    ["x", "--vars", "x,y", "--constraint", "y^2 - x^3 = 0"],
    ["x exp(-x^2-y^2)"],
    ["sin(x) sin(y)", "--in", "-pi..pi"],
    ["x^2 y"],
])
def test_the_issues_cases_in_json(run, args):
    """Every case of the issue §2 as JSON, validated against the shipped schema by the run fixture."""
    out = run("critical", *args, "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["command"] == "critical"
