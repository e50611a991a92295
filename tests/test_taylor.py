"""jac taylor (issue 14 §5): each polynomial is compared with an independent computation — sympy's own
one-variable series of f(p + t·v) along a random direction v (T_K(p + t v) must be that series up to
t^K) — and with textbook expansions."""

from __future__ import annotations

import json
import random

import pytest
import sympy as sp

from jaccli import run
from jaccli.core.request import make

CASES = [  # (function, inputs, point, order)
    ("e^x sin(y)", "x,y", "0,0", 3),
    ("sqrt(1 + x)", "x", "0", 4),
    ("x^2 y + y^3 - 3 x y", "x,y", "1,2", 4),
    ("log(1 + x + 2y)", "x,y", "1/2,1/4", 3),
    ("cos(x y) + z e^(x z)", "x,y,z", "1,pi/2,-1", 2),
    ("atan2(y, x)", "x,y", "1,1", 3),
]


def _series_along(expr, symbols, point, direction, order):
    t = sp.Symbol("t")
    line = expr.subs({s: p + t * d for s, p, d in zip(symbols, point, direction)}, simultaneous=True)
    return sp.series(line, t, 0, order + 1).removeO(), t


@pytest.mark.parametrize("text, inputs, at, order", CASES)
def test_polynomial_is_the_series_along_every_line(text, inputs, at, order):
    r = run(make("taylor", [text], vars=inputs.split(","), at=at, order=order))
    fn = r.function
    point = list(r.point.exact)
    rng = random.Random(order)
    for _ in range(2):
        v = [sp.Rational(rng.randint(-3, 3), rng.randint(1, 3)) for _ in fn.inputs]
        series, t = _series_along(fn.outputs[0], fn.symbols, point, v, order)
        mine = r.outputs[0].polynomial.subs({s: p + t * d for s, p, d in zip(fn.symbols, point, v)},
                                             simultaneous=True)
        assert sp.simplify(sp.expand(mine - series)) == 0, (text, v)


def test_textbook_expansion_and_distinct_entries():
    # Stewart-style: e^x sin y at (0, 0) to order 3 is y + x y + x² y/2 − y³/6
    r = run(make("taylor", ["e^x sin(y)"], vars=["x", "y"], at="0,0", order=3))
    x, y = r.function.symbols
    assert sp.expand(r.outputs[0].polynomial - (y + x * y + x**2 * y / 2 - y**3 / 6)) == 0
    counts = [len(r.outputs[0].of_order(k)) for k in (1, 2, 3)]
    assert counts == [2, 3, 4]  # n + k − 1 choose k: the symmetric tensors' distinct entries only


def test_remainder_ratio_shrinks():
    r = run(make("taylor", ["e^x cos(y)"], vars=["x", "y"], at="0,0", order=2))
    ratios = [s.ratio for s in r.remainders]
    assert all(b < a / 5 for a, b in zip(ratios, ratios[1:]))


def test_a_wrong_polynomial_would_not_shrink():
    """The table can tell: an order-2 polynomial measured as order 3 does not shrink."""
    from jaccli.jobs.taylor import _remainders

    r = run(make("taylor", ["e^x"], vars=["x"], at="0", order=2))
    rows = _remainders(r.function, r.point, r.outputs, 3, [0.1])
    assert rows[-1].ratio > rows[0].ratio / 2  # stays near 1/6: the order-3 term is missing


def test_vector_function_and_json(run_cli):
    result = run_cli("taylor", "samples/polar.yaml", "--at", "1,pi/4", "--order", "2", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["command"] == "taylor" and len(data["outputs"]) == 2
    assert {d["order"] for d in data["outputs"][0]["derivatives"]} == {1, 2}


@pytest.mark.parametrize("args, code, message", [
    (["x^2", "--at", "0", "--order", "5"], 2, "--order"),
    (["x^2"], 2, "--at"),
    (["abs(x)", "--at", "0"], 3, "kink"),
    (["log(x)", "--at", "-1"], 3, ""),
])
def test_refusals(run_cli, args, code, message):
    result = run_cli("taylor", *args)
    assert result.exit_code == code and message in result.stderr


@pytest.fixture
def run_cli(run):
    return run


# the polynomial as a textbook writes it (issue 23 §4): in powers of (x − a), (y − b), constant first, lowest degree
# first, exact at an exact point, decimals of --precision digits at a decimal one
_x, _y = sp.symbols("x y")
TEXTBOOK = [  # (jac's text, the same function for sympy, point, order)
    ("x^2 y + sin(y)", _x ** 2 * _y + sp.sin(_y), "1,pi", 2),
    ("x^2 y + sin(y)", _x ** 2 * _y + sp.sin(_y), "-1,-pi/2", 2),
    ("e^x sin(y)", sp.exp(_x) * sp.sin(_y), "0,0", 3),
    ("sqrt(1 + x) * cos(y)", sp.sqrt(1 + _x) * sp.cos(_y), "3,pi/3", 2),
]


@pytest.mark.parametrize("text, f, at, order", TEXTBOOK)
def test_taylor_polynomial_in_powers_of_the_shifts(run, text, f, at, order):
    from sympy.parsing.sympy_parser import parse_expr

    x, y = _x, _y
    r = run("taylor", text, "--vars", "x,y", "--at", at, "--order", str(order), "--format", "json")
    assert r.exit_code == 0, r.stderr
    shown = json.loads(r.stdout)["outputs"][0]["polynomial"]
    # independently: the Taylor formula with sympy
    a, b = (parse_expr(v) for v in at.split(","))
    expected = sum(sp.diff(f, x, i, y, j).subs({x: a, y: b}) / (sp.factorial(i) * sp.factorial(j))
                   * (x - a) ** i * (y - b) ** j
                   for i in range(order + 1) for j in range(order + 1 - i))
    got = parse_expr(shown.replace("^", "**"))  # test code reading jac's output, not user input
    assert sp.simplify(got - expected) == 0, (shown, expected)
    # lowest degree first: the human line is the same text
    plain = run("taylor", text, "--vars", "x,y", "--at", at, "--order", str(order), "--format", "plain").stdout
    line = next(line for line in plain.splitlines() if line.startswith(f"T{order}[f] = "))
    assert line.split(" = ", 1)[1] == shown
    degrees = [sp.Poly(parse_expr(term.replace("^", "**")).subs({x: x + a, y: y + b}, simultaneous=True),
                       x, y).total_degree() for term in _top_level_terms(shown)]
    assert degrees == sorted(degrees), shown


def _top_level_terms(text: str) -> list[str]:
    """The printed terms, in printed order: split at ' + ' and ' - ' outside parentheses."""
    terms, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text[k:k + 3] in (" + ", " - "):
            terms.append(text[start:k])
            start = k + 1
    return terms + [text[start:]]


def test_taylor_at_a_decimal_point_honours_precision(run):
    out = run("taylor", "e^x sin(y)", "--vars", "x,y", "--at", "0.1,e", "--order", "2", "--format", "plain",
              "--precision", "4").stdout
    line = next(line for line in out.splitlines() if line.startswith("T2[f] = "))
    # e^0.1 sin(e) = 0.4539835…, e^0.1 cos(e) = −1.0076218…
    assert line == ("T2[f] = 0.454 + 0.454*(x - 0.1) - 1.008*(y - 2.718) + 0.227*(x - 0.1)^2 "
                    "- 1.008*(x - 0.1)*(y - 2.718) - 0.227*(y - 2.718)^2")
