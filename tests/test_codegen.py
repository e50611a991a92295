"""jac codegen (issue 15 §2): the generated code is run — Python imported, C compiled with the system
compiler and called through ctypes — and compared with jac's own values at random points (rel. err
≤ 1e-12); the Python functions drive scipy's solve_ivp on Robertson's stiff kinetics (fewer function
evaluations with the Jacobian) and least_squares."""

from __future__ import annotations

import ctypes
import importlib.util
import shutil
import subprocess

import numpy as np
import pytest

from jaccli import run
from jaccli.core.request import make

ROBERTSON = "(y1, y2, y3) -> (-0.04 y1 + 1e4 y2 y3, 0.04 y1 - 1e4 y2 y3 - 3e7 y2^2, 3e7 y2^2)"


def _code(specs, **options):
    return run(make("codegen", specs, **options))


def _module(code: str, tmp_path, name="generated"):
    path = tmp_path / f"{name}.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jac_values(specs, point, vars=None):
    r = run(make("compose" if len(specs) > 1 else "jacobian", specs, at=[float(v) for v in point], vars=vars))
    return np.array(r.at.rows(), dtype=float)


CASES = [
    (["samples/polar.yaml"], None, 2),
    (["samples/spherical.yaml"], None, 3),
    (["samples/f.yaml", "samples/g.yaml"], None, 2),
    (["x^2 y + sigmoid(x) - softplus(y), sqrt(x^2 + y^2) atan2(y, x)"], ["x", "y"], 2),
    (["samples/mlp3.yaml".replace("mlp3", "coupling")], None, None),
]


@pytest.mark.parametrize("specs, vars, n", CASES[:4])
def test_python_matches_jac(specs, vars, n, tmp_path):
    result = _code(specs, vars=vars)
    module = _module(result.code, tmp_path)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.uniform(0.3, 1.5, n)
        expected = _jac_values(specs, x, vars)
        np.testing.assert_allclose(module.J(x), expected, rtol=1e-12, atol=1e-14)


def test_vectorized_python(tmp_path):
    module = _module(_code(["samples/polar.yaml"], vectorize=True).code, tmp_path)
    X = np.random.default_rng(1).uniform(0.5, 2, (7, 2))
    J = module.J(X)
    assert J.shape == (7, 2, 2) and module.f(X).shape == (7, 2)
    for row, Jk in zip(X, J):
        np.testing.assert_allclose(Jk, _jac_values(["samples/polar.yaml"], row), rtol=1e-12)


def test_chain_or_composed_is_the_cheaper_and_both_are_right(tmp_path):
    # a long chain of 3×3 maps: substituting blows up, the chain stays small
    specs = ["(a, b, c) -> (a b, b c, c a)", "(p, q, r) -> (sin(p) + q, cos(q) r, p r)",
             "(u, v, w) -> (u v w, u + v + w, u^2 - w)"]
    result = _code(specs)
    assert result.method == min(result.operations, key=result.operations.get)  # the cheaper one
    module = _module(result.code, tmp_path, "chain")
    x = np.array([0.7, -0.4, 1.3])
    np.testing.assert_allclose(module.J(x), _jac_values(specs, x), rtol=1e-12)


def test_solve_ivp_robertson_uses_the_jacobian(tmp_path):
    from scipy.integrate import solve_ivp

    module = _module(_code([ROBERTSON], target="solve_ivp").code, tmp_path, "robertson")
    y0 = [1.0, 0.0, 0.0]
    calls = {"n": 0}

    def counted(t, y):  # every evaluation of f, finite-difference ones included
        calls["n"] += 1
        return module.fun(t, y)

    with_jac = solve_ivp(counted, (0, 40), y0, method="Radau", jac=module.jac, rtol=1e-6, atol=1e-10)
    used_with = calls["n"]
    calls["n"] = 0
    without = solve_ivp(counted, (0, 40), y0, method="Radau", rtol=1e-6, atol=1e-10)
    assert with_jac.success and without.success
    assert used_with < calls["n"]  # no finite-difference Jacobians: fewer evaluations of f
    np.testing.assert_allclose(with_jac.y[:, -1], without.y[:, -1], rtol=1e-4)
    assert abs(with_jac.y[:, -1].sum() - 1) < 1e-8  # mass is conserved


def test_least_squares_and_minimize(tmp_path):
    from scipy.optimize import least_squares, minimize

    residuals = _module(_code(["(a, b) -> (a + b - 3, a - b - 1, 2a + b - 5)"], target="least_squares").code,
                        tmp_path, "ls")
    fit = least_squares(residuals.fun, [0.0, 0.0], jac=residuals.jac)
    np.testing.assert_allclose(fit.x, [2.0, 1.0], atol=1e-10)
    rosen = _module(_code(["(x, y) -> (1 - x)^2 + 100 (y - x^2)^2"], target="minimize").code, tmp_path, "rosen")
    best = minimize(rosen.fun, [-1.2, 1.0], jac=rosen.jac, method="BFGS")
    np.testing.assert_allclose(best.x, [1.0, 1.0], atol=1e-5)


def test_a_40x40_layer(tmp_path):
    rng = np.random.default_rng(3)
    W = np.round(rng.normal(0, 0.3, (40, 40)), 2)
    names = [f"x{i}" for i in range(1, 41)]
    outputs = [f"tanh({' + '.join(f'{W[i, j]}*{names[j]}' for j in range(40))} + {0.1 * i})" for i in range(40)]
    spec = tmp_path / "layer.yaml"
    import yaml

    spec.write_text(yaml.safe_dump({"name": "layer", "inputs": names, "outputs": outputs}))
    module = _module(_code([str(spec)]).code, tmp_path, "layer")
    x = rng.uniform(-1, 1, 40)
    z = W @ x + 0.1 * np.arange(40)
    expected = (1 - np.tanh(z) ** 2)[:, None] * W  # by hand
    np.testing.assert_allclose(module.J(x), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler on this machine (cc): the C test needs one")
@pytest.mark.parametrize("specs, n", [(["samples/polar.yaml"], 2), (["samples/f.yaml", "samples/g.yaml"], 2),
                                      (["(x, y) -> (abs(x) y, relu(x - y), cbrt(x) + sigmoid(y))"], 2)])
def test_c_compiles_strictly_and_matches(specs, n, tmp_path):
    code = _code(specs, lang="c", name="gen").code
    source = tmp_path / "gen.c"
    source.write_text(code)
    library = tmp_path / "libgen.so"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-shared", "-fPIC", str(source),
                    "-o", str(library), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.uniform(0.3, 1.5, n)
        m = _jac_values(specs, x).shape[0]
        J = np.zeros(m * n)
        lib.gen_J(x.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), J.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
        np.testing.assert_allclose(J.reshape(m, n), _jac_values(specs, x), rtol=1e-12, atol=1e-14)


def test_kinks_are_documented_and_left_undefined(tmp_path):
    result = _code(["(x, y) -> relu(x - y) + abs(y)"])
    assert "Not differentiable" in result.code
    module = _module(result.code, tmp_path, "kinks")
    assert np.isnan(module.J([1.0, 1.0])[0, 0])  # relu's step at 0: undefined, as jac leaves it
    np.testing.assert_allclose(module.J([2.0, 1.0]), [[1.0, 0.0]])


def test_jax_code_computes_in_float64(tmp_path):
    """JAX computes in float32 unless told (1e-7 errors): the code turns 64-bit floats on and says so."""
    code = _code(["samples/polar.yaml"], lang="jax").code
    assert 'jax.config.update("jax_enable_x64", True)' in code and "float64" in code
    pytest.importorskip("jax", reason="JAX is a benchmark extra (pip install '.[bench]'); "
                                      "the generated JAX code is run where it is installed")
    module = _module(code, tmp_path, "jaxcode")
    x = np.array([1.3, 0.4])
    J = np.asarray(module.J(x))
    assert J.dtype == np.float64
    np.testing.assert_allclose(J, _jac_values(["samples/polar.yaml"], x), rtol=1e-14)


def test_refusals(run_cli):
    assert run_cli("codegen", "x^2, y", "--vars", "x,y", "--for", "minimize").exit_code == 2
    assert run_cli("codegen", "x^2, y, x", "--vars", "x,y", "--for", "solve_ivp").exit_code == 2
    assert run_cli("codegen", "samples/polar.yaml", "--lang", "c", "--for", "solve_ivp").exit_code == 2


@pytest.fixture
def run_cli(run):
    return run


def test_the_chain_form_runs_right(tmp_path):
    """A chain where the factors cost less than the composed expression: the chain code is generated
    (each factor where its function is, multiplied in the cheapest order) and is right."""
    specs = ["(a, b) -> (exp(a b), sin(a + b))", "(p, q) -> (exp(p q), sin(p + q))",
             "(u, v) -> (exp(u v), sin(u + v))", "(s, w) -> (exp(s w), sin(s + w))"]
    result = _code(specs)
    assert result.method == "chain" and result.operations["chain"] < result.operations["composed"]
    module = _module(result.code, tmp_path, "chain4")
    for x in ([0.3, -0.2], [0.1, 0.25]):
        np.testing.assert_allclose(module.J(np.array(x)), _jac_values(specs, np.array(x)), rtol=1e-12)
        last = run(make("compose", specs, at=x)).factors[-1].outputs  # f(x): the last factor's value
        np.testing.assert_allclose(module.f(np.array(x)), np.array(last.rows(), dtype=float).ravel(), rtol=1e-12)
