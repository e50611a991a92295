"""Compositions written the way textbooks write them (issue 23 §1): the outer function in x, y or u, v,
the inner one's outputs unnamed. An evident order binds by position; every value is compared with sympy
differentiating the substituted composite directly (an independent computation: no chain rule, no jac).
An order that is only inferred (r, theta, phi) is still refused."""

from __future__ import annotations

import json

import pytest
import sympy as sp

t, s, x, y, u, v, q = sp.symbols("t s x y u v q")

# (source, inner text, outer text, inner variables (column order), point, inner as sympy, outer as sympy
#  in its own variables (bound in this order))
CASES = [
    ("Stewart, Calculus 8e, §14.5 Example 1: z = x²y + 3xy⁴, x = sin 2t, y = cos t, dz/dt at t = 0 (= 6)",
     "sin(2t), cos(t)", "x^2 y + 3x y^4", [t], [0], [sp.sin(2 * t), sp.cos(t)], x ** 2 * y + 3 * x * y ** 4, [x, y]),
    ("Stewart §14.5 Example 3: z = eˣ sin y, x = st², y = s²t",
     "s t^2, s^2 t", "e^x sin(y)", [s, t], [1, 2], [s * t ** 2, s ** 2 * t], sp.exp(x) * sp.sin(y), [x, y]),
    ("Paul's Online Notes, Calculus III, Chain Rule Example 1(a): z = x²y³ + y cos x, x = ln(t²), y = sin(4t)",
     "ln(t^2), sin(4t)", "x^2 y^3 + y cos(x)", [t], [1], [sp.log(t ** 2), sp.sin(4 * t)],
     x ** 2 * y ** 3 + y * sp.cos(x), [x, y]),
    ("Paul's Online Notes, Chain Rule Example 1(b)-style: z = cos(yx²), x = t⁴ − 2t, y = 1 − t⁶",
     "t^4 - 2t, 1 - t^6", "cos(y x^2)", [t], [2], [t ** 4 - 2 * t, 1 - t ** 6], sp.cos(y * x ** 2), [x, y]),
    ("MIT 18.02 chain rule: w = x²y + y² + x, x = u²v, y = uv²",
     "u^2 v, u v^2", "x^2 y + y^2 + x", [u, v], [1, 2], [u ** 2 * v, u * v ** 2], x ** 2 * y + y ** 2 + x, [x, y]),
    ("sympy's test suite (rotation of coordinates): g(u, v) = uv after (x cos q + y sin q, −x sin q + y cos q)",
     "(q, x, y) -> (x cos(q) + y sin(q), -x sin(q) + y cos(q))", "u v", [q, x, y], [sp.pi / 6, 1, 2],
     [x * sp.cos(q) + y * sp.sin(q), -x * sp.sin(q) + y * sp.cos(q)], u * v, [u, v]),
    ("Stewart §14.5 Exercise 7-style, three inner variables: z = x² + xy³ with x = uv² + w³, y = u + ve^w",
     "(u, v, w) -> (u v^2 + w^3, u + v e^w)", "x^2 + x y^3", None, [1, 2, 0], None, x ** 2 + x * y ** 3, [x, y]),
]


def _expected(inner_vars, point, inner, outer, outer_vars):
    composite = outer.subs(dict(zip(outer_vars, inner)), simultaneous=True)
    at = dict(zip(inner_vars, point))
    return [sp.N(sp.diff(composite, var).subs(at), 30) for var in inner_vars]


@pytest.mark.parametrize("source, inner_text, outer_text, inner_vars, point, inner, outer, outer_vars", CASES,
                         ids=[c[0][:40] for c in CASES])
def test_textbook_composition(run, source, inner_text, outer_text, inner_vars, point, inner, outer, outer_vars):
    if inner is None:  # the three-variable one: written out here
        w = sp.Symbol("w")
        inner_vars, inner = [u, v, w], [u * v ** 2 + w ** 3, u + v * sp.exp(w)]
    at = ",".join(str(p) if not isinstance(p, sp.Basic) else sp.sstr(p) for p in point)
    r = run("compose", inner_text, outer_text, "--at", at, "--format", "json")
    assert r.exit_code == 0, (source, r.stderr)
    got = json.loads(r.stdout)["jacobian"]["value"][0]
    expected = _expected(inner_vars, point, inner, outer, outer_vars)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == pytest.approx(float(e), rel=1e-12, abs=1e-12), source
    assert "by position, in their evident order" in r.stderr or "by name" in r.stderr or "declared" in r.stderr


def test_stewart_example_1_is_six(run):
    r = run("compose", "sin(2t), cos(t)", "x^2 y + 3x y^4", "--at", "0", "--format", "csv")
    assert r.stdout.strip() == "6"


def test_an_inferred_order_is_still_refused(run):
    r = run("compose", "1, t, 2t", "rho sin(phi) cos(theta), rho sin(phi) sin(theta), rho cos(phi)",
            "--at", "pi/4")
    assert r.exit_code == 2
    assert "cannot tell which of f's outputs g's inputs phi, rho, theta are" in r.stderr


def test_compose_vars_orders_the_first_function(run):
    r = run("compose", "x cos(q) + y sin(q), -x sin(q) + y cos(q)", "u v", "--vars", "q,x,y", "--at", "0,1,2",
            "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["inputs"] == ["q", "x", "y"]
    # at q = 0: u = x, v = y, so ∂(uv)/∂x = y = 2, ∂/∂y = x = 1; ∂/∂q = v·(−x… ) = (y² − x²) = 3
    assert d["jacobian"]["value"][0] == pytest.approx([3, 2, 1])
    assert "the first one's inputs" in " ".join(run("compose", "--help").stdout.split())
