"""jac critical (issue 14 §3): textbook cases with their published classifications, Lagrange problems,
degenerate cases, and a non-polynomial function whose points are checked independently (the gradient
and Hessian evaluated by numpy finite differences at each point found, in plain Python)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from jaccli import run
from jaccli.request import make


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
    import sympy as sp

    x, y, z = sp.symbols("x y z", real=True)
    f, g = x * y * z, x + y + z - 3  # max of xyz on x + y + z = 3 at (1, 1, 1), λ = 1
    r, found = _points("x y z", "x,y,z", constraints=["x + y + z = 3"])
    lam = 1
    B = sp.hessian(f - lam * g, (x, y, z), [g]).subs({x: 1, y: 1, z: 1})
    m, n = 1, 3
    minors = [B[:k, :k].det() for k in range(2 * m + 1, m + n + 1)]
    sympy_says = "maximum" if all(sp.sign(v) == (-1) ** (m + 1 + k) for k, v in enumerate(minors)) else "other"
    assert found[(1.0, 1.0, 1.0)].split()[1] == sympy_says == "maximum"
