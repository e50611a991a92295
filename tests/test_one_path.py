"""One request, one path (issue 13): what you get depends on what you asked, never on size or engine.

- `compose --format json` has the same keys for a 2×2 pair (sympy, exact), a 12×12 pair (the auto engine
  switches to symengine from 100 entries) and a chain of layers (whose factors add layer keys);
- the Python API and the CLI give the same numbers for the same request;
- `latex` works wherever a matrix is shown.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

import jaccli


def _keys(obj: dict) -> tuple[set, set, set]:
    return set(obj), set(obj["factors"][0]), set(obj["jacobian"])


def _pair(tmp_path, n: int) -> list[str]:
    """f_i = x_i² + x_{i+1}, g_i = sin(y_i) y_{i+1}: n×n factors with an easy closed form."""
    xs = [f"x{i}" for i in range(1, n + 1)]
    ys = [f"y{i}" for i in range(1, n + 1)]
    f = {"name": "f", "inputs": xs, "outputs": {ys[i]: f"{xs[i]}^2 + {xs[(i + 1) % n]}" for i in range(n)}}
    g = {"name": "g", "inputs": ys,
         "outputs": {f"z{i + 1}": f"sin({ys[i]})*{ys[(i + 1) % n]}" for i in range(n)}}
    paths = []
    for spec in (f, g):
        path = tmp_path / f"{spec['name']}{n}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
        paths.append(str(path))
    return paths


def _pair_jacobian(n: int, x: np.ndarray) -> np.ndarray:
    """The same chain's Jacobian by hand (numpy), for the numbers."""
    y = x ** 2 + np.roll(x, -1)
    jf = np.diag(2 * x) + np.roll(np.eye(n), 1, axis=1)
    jg = np.diag(np.cos(y) * np.roll(y, -1)) + np.roll(np.eye(n), 1, axis=1) * np.sin(y)[:, None]
    return jg @ jf


@pytest.fixture
def compose_json(run):
    def go(*args):
        result = run("compose", *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return go


def test_compose_schema_is_the_same_whatever_the_size_and_engine(tmp_path, compose_json):
    small = compose_json(*_pair(tmp_path, 2), "--at", "0.5,1")
    large = compose_json(*_pair(tmp_path, 12), "--at", ",".join(["0.5"] * 12))
    assert any("symengine" in note for note in large["notes"])  # the auto engine did switch
    assert small["command"] == large["command"] == "compose"
    # one schema for both (the run fixture validates them); the large chain differs only by what symengine
    # cannot give: exact values (it works in decimals)
    (top, factor, jacobian), (ltop, lfactor, ljacobian) = _keys(small), _keys(large)
    assert top == ltop and lfactor <= factor and ljacobian <= jacobian
    assert factor - lfactor <= {"exact"} and jacobian - ljacobian <= {"exact"}
    for data, n in ((small, 2), (large, 12)):
        expected = _pair_jacobian(n, np.full(n, 0.5) if n == 12 else np.array([0.5, 1.0]))
        np.testing.assert_allclose(np.array(data["jacobian"]["value"], dtype=float), expected, rtol=1e-12)
        assert data["shape_arithmetic"].startswith(f"({n}×{n})·({n}×{n})")


def test_a_layer_chain_is_a_composition_with_more_keys(tmp_path, compose_json):
    functions = compose_json(*_pair(tmp_path, 2), "--at", "0.5,1")
    layers = compose_json("samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy")
    assert layers["command"] == "compose"
    top, factor, jacobian = _keys(functions)
    ltop, lfactor, ljacobian = _keys(layers)
    # 2×2 factors have a determinant and symbolic entries; the 5→3 layer chain has neither
    assert top - {"determinant"} <= ltop and factor - {"symbolic", "exact"} <= lfactor, (top - ltop, factor - lfactor)
    assert jacobian - {"exact"} <= ljacobian
    assert {f["kind"] for f in layers["factors"]} == {"linear", "elementwise"}
    assert {f["kind"] for f in functions["factors"]} == {"function"}


def test_latex_wherever_a_matrix_is_shown(tmp_path, run):
    """No 'layer chains support …': a 12×12 pair (symengine) and a layer chain print LaTeX (summarised)."""
    for args in (_pair(tmp_path, 12) + ["--at", ",".join(["0.5"] * 12)],
                 ["samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy"]):
        result = run("compose", *args, "--format", "latex")
        assert result.exit_code == 0, result.output
        assert "\\begin{" in result.stdout


# The same request through the Python API and through the CLI: the same numbers.
REQUESTS = [
    ("jacobian", ["r cos(theta), r sin(theta)"], {"vars": "r,theta", "at": "2,pi/3"}),
    ("compose", ["x = u^2 v, y = u v^2", "x^2 y + y^2 + x"], {"at": "1,2"}),
    ("compose", ["samples/f.yaml", "samples/g.yaml"], {"at": "1,2", "vjp": "1,0,0"}),
    ("compose", ["samples/mlp3.yaml", "samples/loss_head.yaml"], {"at": "@samples/mlp3_x.npy", "grad": True}),
    ("jacobian", ["x^2 y + y^3"], {"vars": "x,y", "at": "1,2", "jvp": "1,1"}),
    ("hessian", ["x^2 y + y^3"], {"vars": "x,y", "at": "1,2"}),
]


def _cli_args(options: dict) -> list[str]:
    args = []
    for key, value in options.items():
        args += [f"--{key}"] if value is True else [f"--{key}", value]
    return args


def _api_options(options: dict) -> dict:
    return {k: (v.split(",") if k == "vars" else v) for k, v in options.items()}


@pytest.mark.parametrize("command, specs, options", REQUESTS)
def test_the_api_and_the_cli_agree(command, specs, options, run):
    result = run(command, *specs, *_cli_args(options), "--format", "json")
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    api = getattr(jaccli, command)(*specs, **_api_options(options))
    assert cli["command"] == api.command
    if command == "hessian":
        np.testing.assert_allclose(np.array(cli["hessians"][0]["value"], dtype=float),
                                   np.array(api.hessians[0].at.rows(), dtype=float), rtol=1e-15)
        return
    if api.at is None:  # a vector product alone does not form J, in either
        assert api.products is not None and "value" not in cli.get("jacobian", {})
    else:
        np.testing.assert_allclose(np.array(cli["jacobian"]["value"], dtype=float),
                                   np.array(api.at.rows(), dtype=float), rtol=1e-15)
    if api.products is not None:
        for key in ("vjp", "jvp", "grad"):
            mine = getattr(api.products, key)
            if mine is not None:
                np.testing.assert_allclose(np.array(cli["products"][key], dtype=float).ravel(),
                                           np.asarray(mine.value if hasattr(mine, "value") else mine,
                                                      dtype=float).ravel(), rtol=1e-15)


def test_the_api_speaks_python_and_the_cli_speaks_flags(run):
    with pytest.raises(jaccli.JacError) as info:
        jaccli.jacobian("x^2 y", vars=["x", "y"], at="1,2,3")
    assert "at=" in str(info.value) and "--at" not in str(info.value)
    result = run("jacobian", "x^2 y", "--vars", "x,y", "--at", "1,2,3")
    assert result.exit_code == 2 and "--at" in result.stderr


def test_api_results_are_finished():
    """What was asked is in the result when it is returned: nothing is attached afterwards."""
    r = jaccli.jacobian("x^2 y", vars=["x", "y"], at="1,2", verify=True, step="0.1,0.1")
    assert r.verification is not None and r.linearisation is not None
    s = jaccli.jacobian("x^2 y", vars=["x", "y"], steps=True)
    assert s.steps is not None
