"""The symengine engine for large systems means the same as the sympy path."""

import json

import numpy as np
import pytest
import sympy as sp

from jaccli import jacobian
from jaccli.chain.fast import FastMatrix
from jaccli.parse.grammar import parse
from jaccli.parse.spec import from_text, load_spec

SPECS = [
    ("x^2 + y, 2*x*y", "x,y", [1.5, -0.5]),
    ("sin(x*y) + exp(-x^2), atan2(y, 2 + x), log(1 + x^2 + y^2)", "x,y", [0.3, 0.7]),
    ("tanh(0.5*x - 1.25*y + z), sqrt(1 + x^2) * cos(z), (x - 2)^2 + sinh(y)/(1 + z^2)", "x,y,z", [0.4, -0.2, 1.1]),
    ("x^y + 3^x, acos(x/2) * asinh(y), sec(x) + cot(y)", "x,y", [0.6, 0.9]),
]


@pytest.mark.parametrize("text, vars_, point", SPECS)
def test_engines_agree(text, vars_, point):
    names = vars_.split(",")
    slow = jacobian(from_text(text, vars=names, engine="sympy"), at=point)
    fast = jacobian(from_text(text, vars=names, engine="symengine"), at=point)
    assert isinstance(fast.symbolic, FastMatrix) and not isinstance(slow.symbolic, FastMatrix)
    np.testing.assert_allclose(np.array(fast.at.value, dtype=float), np.array(slow.at.value, dtype=float),
                               rtol=1e-12, atol=1e-12)
    # the symbolic entries mean the same: compare at other points, reading the fast ones back with jac's grammar
    rng = np.random.default_rng(1)
    for _ in range(3):
        values = dict(zip(names, rng.uniform(0.2, 0.9, len(names))))
        subs = {sp.Symbol(n, real=True): v for n, v in values.items()}
        for i in range(slow.symbolic.rows):
            for j in range(slow.symbolic.cols):
                from jaccli.calculus.printing import to_text

                again = parse(to_text(fast.symbolic[i, j]), names)
                assert complex(again.xreplace(subs).evalf()) == pytest.approx(
                    complex(slow.symbolic[i, j].xreplace(subs).evalf()), rel=1e-10, abs=1e-12)


def _dense(tmp_path, n):
    rng = np.random.default_rng(0)
    W = rng.normal(0, 1 / np.sqrt(n), (n, n))
    lines = ["inputs: [" + ", ".join(f"x{j}" for j in range(n)) + "]", "outputs:"]
    for i in range(n):
        lines.append("  - tanh(" + " + ".join(f"{W[i, j]:.6f}*x{j}" for j in range(n)) + ")")
    path = tmp_path / f"dense{n}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path, W


def test_auto_picks_symengine_for_large_and_sympy_for_small(tmp_path):
    path, W = _dense(tmp_path, 12)
    assert load_spec(str(path)).engine == "symengine"
    assert load_spec("samples/f.yaml").engine == "sympy"
    assert load_spec(str(path), engine="sympy").engine == "sympy"
    x = np.full(12, 0.1)
    r = jacobian(str(path), at=list(x))
    Wr = np.round(W, 6)
    expected = (1 - np.tanh(Wr @ x) ** 2)[:, None] * Wr
    np.testing.assert_allclose(np.array(r.at.value), expected, rtol=1e-10)
    assert r.determinant.value == pytest.approx(np.linalg.det(expected), rel=1e-9)


@pytest.mark.parametrize("text", ["sigmoid(x) + y, relu(x - y)", "abs(x - y), x", "max(x, y), sign(y)"])
def test_unsupported_functions_stay_on_sympy(text):
    fn = from_text(text, vars=["x", "y"], engine="symengine")
    assert fn.engine == "sympy" and any("symengine engine does not have" in n for n in fn.notes)


def test_large_cli_summary_full_and_json(run, tmp_path):
    path, _ = _dense(tmp_path, 40)
    point = ",".join(["0.1"] * 40)
    plain = run("jacobian", str(path), "--at", point, "--format", "plain")
    assert plain.exit_code == 0
    assert "40×40, 1,600 of 1,600 entries non-zero" in plain.stdout and "█" in plain.stdout
    assert "symengine engine" in plain.stderr
    full = run("jacobian", str(path), "--at", point, "--format", "plain", "--full", "-q")
    assert full.stdout.count("tanh") >= 1600
    d = json.loads(run("jacobian", str(path), "--at", point, "--format", "json").stdout)
    assert d["shape"] == [40, 40] and len(d["jacobian"]["symbolic"]) == 40
    assert d["determinant"]["value"] != 0


def test_sparsity_picture(run, tmp_path):
    n = 20
    lines = ["inputs: [" + ", ".join(f"x{j}" for j in range(n)) + "]", "outputs:"]
    lines += [f"  - x{i}^2 + x{(i + 1) % n}" for i in range(n)]
    (tmp_path / "band.yaml").write_text("\n".join(lines) + "\n")
    out = run("jacobian", str(tmp_path / "band.yaml"), "--format", "plain", "-q").stdout
    assert "40 of 400 entries non-zero (10%)" in out
    assert "██··················" in out


def test_large_compose_and_points(run, tmp_path):
    path, _ = _dense(tmp_path, 12)
    point = ",".join(["0.2"] * 12)
    a = json.loads(run("compose", str(path), str(path), "--at", point, "--format", "json").stdout)
    b = json.loads(run("compose", str(path), str(path), "--at", point, "--engine", "sympy", "--format", "json").stdout)
    np.testing.assert_allclose(a["jacobian"]["value"], b["jacobian"]["value"], rtol=1e-10)
    (tmp_path / "p.csv").write_text(point + "\n" + ",".join(["0.3"] * 12) + "\n")
    fast = run("jacobian", str(path), "--points", str(tmp_path / "p.csv"), "--format", "csv").stdout
    slow = run("jacobian", str(path), "--points", str(tmp_path / "p.csv"), "--format", "csv", "--engine", "sympy").stdout
    np.testing.assert_allclose(np.loadtxt(fast.splitlines()[1:], delimiter=","),
                               np.loadtxt(slow.splitlines()[1:], delimiter=","), rtol=1e-10)
