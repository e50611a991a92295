"""The fast reader (fastread.py: large YAML specs straight into symengine) reads the same function as
jac's grammar, records the same conditions, and leaves everything else to the grammar; the shared-sum
printer and evaluator of the symengine engine give what printing and substituting each entry give."""

import math
import os

import numpy as np
import pytest

if not os.environ.get("CI"):  # a dependency of jac: missing only where jac is not installed (never under CI)
    pytest.importorskip("symengine", reason="jac is not installed here: python3 scripts/test_installed.py installs it")
import symengine as se  # noqa: E402
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jaccli.api import jacobian, load
from jaccli.calculus.printing import row_texts, to_text
from jaccli.calculus.symbols import symbol
from jaccli.chain import fast
from jaccli.core.errors import JacError
from jaccli.parse import fastread, grammar
from jaccli.parse.spec import load_spec

NAMES = ("x", "y", "z")
FUNCTIONS = sorted(fastread._CALLS)


def _grammar_reading(text: str, names=NAMES):
    """What the grammar reads (unevaluated, as for large specs), converted to symengine, and its conditions."""
    scope = grammar.Scope(names, symbols={n: symbol(n) for n in names}, evaluate=False)
    expr = grammar.parse(text, names, scope)
    conditions = [(c.kind, fast.to_symengine(c.exprs[0]), c.function, c.need) for c in scope.conditions]
    # a condition on a constant is vacuous (x/(x/x): the divisor x/x is 1 once evaluated; its zero, x = 0,
    # is the inner division's condition): symengine evaluates it away, the unevaluated grammar keeps it
    return fast.to_symengine(expr), [c for c in conditions if c[1].free_symbols]


def _fast_reading(text: str, names=NAMES):
    reader = fastread.Reader(names)
    expr = reader.read(text)
    return expr, reader.conditions


def _value(expr, point):
    try:
        return complex(expr.xreplace({se.Symbol(n): se.RealDouble(v) for n, v in point.items()}).n(53))
    except (RuntimeError, ValueError, TypeError):
        return complex("nan")


def _same(a, b, points) -> bool:
    for point in points:
        va, vb = _value(a, point), _value(b, point)
        if not (np.isfinite(va) and np.isfinite(vb)):
            if np.isfinite(va) != np.isfinite(vb):
                return False
            continue
        if abs(va - vb) > 1e-11 * max(1.0, abs(va), abs(vb)):
            return False
    return True


POINTS = [dict(zip(NAMES, p)) for p in ((0.3, 0.7, 1.9), (1.4, -0.6, 0.25), (-0.8, 2.2, 0.5))]

numbers = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["0.5", "1.25", "3.0", "0.001", "2e-3", ".5", "1e2"]))
atoms = st.one_of(st.sampled_from(NAMES), numbers, st.sampled_from(["pi", "e"]))


def _expressions():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from([" + ", " - ", "*", " * ", "/"]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(inner, st.sampled_from(["^", "**"]), st.sampled_from(["2", "3", "-1", "0.5", "x", "(1/3)", "-2"]))
            .map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
            st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-{s}"),
        )
    return st.recursive(atoms, extend, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(_expressions())
@example("x^-1^x")  # symengine folds 1^x to 1; the grammar keeps the variable exponent
@example("x/(3 - 3.0)")
@example("acos(cot((x - x)))")  # symengine refuses acos(zoo): left to sympy, never a crash
@example("(x/(x/x))")  # a condition on x/x, which is 1: vacuous
@example("(3 - 3.0)^-1")  # 0.0 (a float zero) to a negative power: the grammar refuses it, so must the fast reader
def test_reads_what_the_grammar_reads(text):
    fast_expr, fast_conditions = _fast_reading(text)
    try:
        slow_expr, slow_conditions = _grammar_reading(text)
    except JacError:
        assert fast_expr is None  # what the grammar refuses, the fast reader leaves to it
        return
    except fast.Unsupported:
        return  # sympy made something symengine has not (sqrt(x^2) is abs(x) for real x): the same function
    if fast_expr is None:
        return  # left to the grammar: always allowed
    assert _same(fast_expr, slow_expr, POINTS), (text, fast_expr, slow_expr)
    assert [(k, f, n) for k, _, f, n in fast_conditions] == [(k, f, n) for k, _, f, n in slow_conditions], text
    for (_, a, _, _), (_, b, _, _) in zip(fast_conditions, slow_conditions):
        assert _same(a, b, POINTS), (text, a, b)


@pytest.mark.parametrize("text", [
    "2x", "x y", "x(y + 1)", "sin x", "sin^2(x)", "sin²(x)", "log(x, 2)", "atan2(y, x)", "abs(x)", "|x|",
    "relu(x)", "sigmoid(x)", "max(x, y)", "x!", "√x", "θ + x", "x/0", "log(-1) + x", "sqrt(2)*x", "2^0.5*x",
    "(-2)^x", "0^x", "x^1/2", "e^2x", "w + x", "x/(y - y)", "1e400*x", "((((" * 30 + "x" + "))))" * 30,
    "x" + " + x" * 5001, "x; y", "x = y", "[x, y]", "x, y",
])
def test_everything_else_is_left_to_the_grammar(text):
    assert _fast_reading(text)[0] is None


def test_a_large_spec_is_read_fast_and_means_the_same(tmp_path):
    """A 12×12 layer with logs, divisions and powers: read fast, and the same Jacobian as the grammar's."""
    n = 12
    rng = np.random.default_rng(4)
    W = np.round(rng.normal(0, 0.3, (n, n)), 4)
    lines = ["name: layer", "inputs: [" + ", ".join(f"x{j}" for j in range(n)) + "]", "outputs:"]
    for i in range(n):
        s = " + ".join(f"{float(W[i, j])!r}*x{j}" for j in range(n))
        lines.append(f"  - log(2 + tanh({s})) / (1 + x{i}^2) + sqrt(x{(i + 1) % n}^2 + 1)^3")
    path = tmp_path / "layer.yaml"
    path.write_text("\n".join(lines) + "\n")
    quick = load(str(path))[0]
    assert isinstance(quick.outputs, fast.SymengineExprs) and quick.engine == "symengine"
    slow = load_spec(str(path), engine="sympy")
    assert not isinstance(slow.outputs, fast.SymengineExprs)
    x = rng.uniform(-1, 1, n)
    a = jacobian(quick, at=list(x))
    b = jacobian(slow, at=list(x))
    np.testing.assert_allclose(np.array(a.at.value, dtype=float), np.array(b.at.value, dtype=float), rtol=1e-12)
    # independent: central differences of the same function written with numpy
    def f(v):
        return np.array([math.log(2 + math.tanh(W[i] @ v)) / (1 + v[i] ** 2) + math.sqrt(v[(i + 1) % n] ** 2 + 1) ** 3
                         for i in range(n)])
    h = 1e-6
    numeric = np.column_stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(n)])
    np.testing.assert_allclose(np.array(a.at.value, dtype=float), numeric, rtol=1e-6, atol=1e-8)
    # the conditions were recorded: (1 + x_i^2) denominators and log arguments
    kinds = {(c.kind, c.function) for group in quick.conditions for c in group}
    assert ("division", "/") in kinds and ("log", "log") in kinds and ("domain", "log") in kinds
    # the lazily converted sympy outputs mean the same as the grammar's
    subs = {symbol(f"x{j}"): x[j] for j in range(n)}
    for k in (0, 5, 11):
        assert float(quick.outputs[k].xreplace(subs)) == pytest.approx(float(slow.outputs[k].xreplace(subs)), rel=1e-12)


def _layer(tmp_path, n, body=lambda s, i: f"tanh({s})", name="dense"):
    rng = np.random.default_rng(n)
    W = np.round(rng.normal(0, 1 / np.sqrt(n), (n, n)), 6)
    lines = [f"name: {name}", "inputs: [" + ", ".join(f"x{j}" for j in range(n)) + "]", "outputs:"]
    for i in range(n):
        lines.append("  - " + body(" + ".join(f"{float(W[i, j])!r}*x{j}" for j in range(n)), i))
    path = tmp_path / f"{name}{n}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path, W


def test_what_the_grammar_must_say_is_still_said(tmp_path, run):
    path, _ = _layer(tmp_path, 10, lambda s, i: f"tanh({s})" if i else f"x0^1/2 + tanh({s})")
    r = run("jacobian", str(path), "--format", "csv")
    assert r.exit_code == 0 and "x0^1/2 is read as (x0^1)/2" in r.stderr
    path, _ = _layer(tmp_path, 10, lambda s, i: f"tanh({s})" if i != 3 else f"log(-1) + {s}", name="bad")
    r = run("jacobian", str(path))
    assert r.exit_code == 2 and "not a real number" in r.stderr and "outputs[4]" in r.stderr and "^" in r.stderr


def test_shared_sum_printing_matches_entry_by_entry(tmp_path):
    path, _ = _layer(tmp_path, 10, lambda s, i: [f"tanh({s})", f"({s})^2 / (1 + ({s})^2)", f"atan(x{i}) * sqrt(1 + ({s})^2)",
                                                 f"exp(-({s}))", f"x{i} * ({s})"][i % 5])
    fn = load(str(path))[0]
    J = fast.jacobian(fn)
    rows = list(row_texts(J))
    names = list(fn.inputs)
    rng = np.random.default_rng(0)
    x = rng.uniform(-0.5, 0.5, len(names))
    subs = {symbol(v): x[k] for k, v in enumerate(names)}
    for i in range(J.rows):
        for j in range(J.cols):
            if rows[i][j] == to_text(J[i, j]):
                continue  # same text: nothing to check
            again = grammar.parse(rows[i][j], names)  # the text reads back with jac's grammar …
            expected = _value(J[i, j], dict(zip(names, x)))
            assert complex(again.xreplace(subs).evalf()) == pytest.approx(expected, rel=1e-10, abs=1e-12)  # … to the entry
    tiny = fast.FastMatrix([[se.Add(*[se.Symbol(f"z{k}") * (k + 1) for k in range(10)])]])
    assert next(row_texts(tiny)) == [to_text(tiny[0, 0])]  # a whole entry that is a long sum: no parentheses


def test_shared_evaluation_matches_substitution_and_leaves_poles_to_it(tmp_path):
    path, _ = _layer(tmp_path, 10, lambda s, i: f"log(1.5 + tanh({s})) / (2 + cos({s}))")
    fn = load(str(path))[0]
    J = fast.jacobian(fn)
    x = list(np.random.default_rng(2).uniform(-1, 1, 10))
    shared = fast._evaluate_shared(J, fn.inputs, x)
    subs = {se.Symbol(n): se.RealDouble(v) for n, v in zip(fn.inputs, x)}
    direct = [[float(J[i, j].xreplace(subs).n(53)) for j in range(J.cols)] for i in range(J.rows)]
    np.testing.assert_allclose(shared, direct, rtol=1e-13, atol=1e-15)
    x0 = se.Symbol("x0")
    pole = fast.FastMatrix([[1 / x0, se.log(x0)]])
    assert fast._evaluate_shared(pole, ["x0"], [0.0]) is None  # the per-entry path explains it
    assert fast._evaluate_shared(pole, ["x0"], [-1.0]) is None  # log(-1): complex
    with pytest.raises(JacError, match="undefined"):
        fast.values_at(pole, ["x0"], [0.0], lambda i, j: f"J[{i + 1},{j + 1}]")


def test_large_yaml_numbers_and_names(tmp_path):
    n = 10
    lines = ["inputs: [" + ", ".join(f"x{j}" for j in range(n)) + "]", "outputs:"]
    lines += ["  - 3", "  - 0.25"] + [f"  - x{j} * x{(j + 1) % n}" for j in range(n - 2)]
    path = tmp_path / "mixed.yaml"
    path.write_text("\n".join(lines) + "\n")
    fn = load(str(path))[0]
    assert isinstance(fn.outputs, fast.SymengineExprs)
    assert fn.printable_outputs[0] == se.Integer(3) and fn.printable_outputs[1] == se.RealDouble(0.25)
    assert fn.notes == ("mixed: input x9 is never used (its column of J is all zeros)",)  # as the grammar says it
