"""Layer chains: linear and element-wise layers, VJP/JVP, and the cost of an order."""

import json
import tracemalloc

import numpy as np
import pytest

from jaccli import compose
from jaccli.app.samples import folder as sample_folder
from jaccli.chain import order as chainorder
from jaccli.core.errors import JacError
from jaccli.jobs.cost import from_dims
from jaccli.model.layers import Elementwise, Linear, Network
from jaccli.parse.arrays import numeric_vector
from jaccli.parse.spec import load_all, load_spec

X = np.load(sample_folder() / "mlp3_x.npy")  # the installed package's samples: collected before any fixture runs


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_twolayer_is_W2_diag_W1():
    net = load_spec("samples/twolayer.yaml")
    W1 = np.array([[1, -2, 0.5], [0, 1, 1], [2, 0, -1], [-1, 1, 0]])
    W2 = np.array([[1, 0, -1, 2], [0.5, 1, 0, -1]])
    x = np.array([0.5, -1, 2])
    z = W1 @ x
    expected = W2 @ np.diag(sigmoid(z) * (1 - sigmoid(z))) @ W1
    r = compose(net, at=x)
    np.testing.assert_allclose(r.at.array(), expected, rtol=1e-12)
    assert [f.structure for f in r.factors] == ["dense", "diagonal", "dense"]
    np.testing.assert_allclose(r.factors[1].point.array, z)  # σ′ is evaluated at z = W1 x, the point that layer sees


def forward(items, x):
    r = compose(*items, at=x, jvp=np.zeros(x.size))
    return np.array(r.factors[-1].outputs.column())


def fd_jacobian(items, x, h=1e-6):
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((forward(items, x + e) - forward(items, x - e)) / (2 * h))
    return np.array(cols).T


def test_mixed_chain_matches_finite_differences_and_vjp_jvp_grad():
    items = load_all(["samples/mlp3.yaml", "samples/loss_head.yaml"])
    full = compose(*items, at=X)
    assert full.shape == (1, 5)
    J_full = full.at.array()
    np.testing.assert_allclose(J_full, fd_jacobian(items, X), rtol=1e-6, atol=1e-9)
    grad = compose(*items, at=X, grad=True).products.grad
    np.testing.assert_allclose(grad, J_full[0], rtol=1e-12)
    v = np.array([0.3, -1, 2, 0.5, 4])
    np.testing.assert_allclose(compose(*items, at=X, jvp=v).products.jvp, J_full @ v, rtol=1e-12)
    mlp = load_all(["samples/mlp3.yaml"])
    J = compose(*mlp, at=X).at.array()
    w = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(compose(*mlp, at=X, vjp=w).products.vjp, w @ J, rtol=1e-12)
    np.testing.assert_allclose(compose(*mlp, at=X, jvp=v).products.jvp, J @ v, rtol=1e-12)


def test_loss_head_gradient_is_softmax_minus_onehot():
    z = np.array([0.3, -1.2, 2.0])
    from jaccli import jacobian

    r = jacobian("samples/loss_head.yaml", at=z, grad=True)
    s = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(r.products.grad, s - np.array([1, 0, 0]), rtol=1e-12)


def test_vjp_never_forms_J():
    """A chain whose full J would be 4000×4000 (128 MB): VJP keeps one row vector."""
    n = 4000
    rng = np.random.default_rng(0)
    layers = [Elementwise("a", "elementwise", activation="tanh", fn=np.tanh, dfn=lambda z: 1 - np.tanh(z) ** 2),
              Linear("W", "linear", n, 50, W=rng.normal(size=(50, n))),
              Elementwise("b", "elementwise", activation="sin", fn=np.sin, dfn=np.cos)]
    net = Network("wide", layers)
    x = rng.normal(size=n)
    tracemalloc.start()
    r = compose(net, at=x, vjp=np.ones(50))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert r.at is None and r.products.vjp.shape == (n,)
    assert peak < 10 * 50 * n * 8  # a few copies of the 50×4000 weights at most, never 4000×4000
    assert r.products.plan.memory <= n
    direct = (np.ones(50) * np.cos(layers[1].W @ np.tanh(x))) @ layers[1].W * (1 - np.tanh(x) ** 2)
    np.testing.assert_allclose(r.products.vjp, direct, rtol=1e-10)


def test_determinant_and_log_det_add_up():
    rng = np.random.default_rng(1)
    W1, W2 = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    net = Network("flow", [Linear("1", "linear", 4, 4, W=W1),
                           Elementwise("t", "elementwise", activation="tanh", fn=np.tanh,
                                       dfn=lambda z: 1 - np.tanh(z) ** 2),
                           Linear("2", "linear", 4, 4, W=W2)])
    r = compose(net, at=np.array([0.1, -0.2, 0.3, 0.05]))
    det = r.determinant
    assert det.log_abs == pytest.approx(np.log(abs(np.linalg.det(r.at.array()))), rel=1e-10)
    assert sum(det.factor_log_abs) == pytest.approx(det.log_abs, rel=1e-10)


def test_cost_textbook_case():
    r = from_dims([10**6] + [1000] * 10 + [1])
    fwd, rev, opt = r.plans["forward"], r.plans["reverse"], r.plans["optimal"]
    assert fwd.macs == 9 * 1000 * 1000 * 10**6 + 1000 * 10**6
    assert rev.macs == 9 * 1000 * 1000 + 1000 * 10**6
    assert (fwd.memory, rev.memory) == (10**9, 10**6)
    assert opt.macs == rev.macs
    assert round(fwd.macs / rev.macs) == 8921


def test_optimal_order_beats_both_directions():
    shapes = [chainorder.Shape(10, 100), chainorder.Shape(1000, 10), chainorder.Shape(5, 1000)]
    # J3·J2·J1 with J1 10×100, J2 1000×10, J3 5×1000: best is (J3·J2)·J1
    plans = chainorder.plans(shapes)
    assert plans["optimal"].macs <= min(plans["forward"].macs, plans["reverse"].macs)
    assert plans["optimal"].order == "(J3·J2)·J1"
    diag = [chainorder.Shape(50, 50, True), chainorder.Shape(50, 50, True)]
    assert chainorder.optimal(diag).macs == 50  # diagonal times diagonal: one multiply per entry


def test_cli_network(run):
    r = run("compose", "samples/twolayer.yaml", "--at", "0.5,-1,2", "--format", "plain")
    assert r.exit_code == 0
    assert "diagonal 4" in r.stdout and "the cheapest order" in r.stdout
    d = json.loads(run("compose", "samples/mlp3.yaml", "samples/loss_head.yaml", "--at", "@samples/mlp3_x.npy",
                       "--grad", "--format", "json").stdout)
    assert len(d["products"]["grad"]) == 5 and "jacobian" not in d  # nothing of J is formed
    assert d["gradient"]["value"] == d["products"]["grad"]  # jq .gradient.value: the gradient, never null
    assert [f["structure"] for f in d["factors"]] == ["dense", "diagonal", "dense", "diagonal", "dense", "dense"]
    assert list(d["factors"][1]["at"].values()) == pytest.approx(d["factors"][0]["output"]["value"])
    vjp = json.loads(run("jacobian", "samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy", "--vjp", "1,0,0",
                         "--format", "json").stdout)
    full = json.loads(run("jacobian", "samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy", "--format", "json").stdout)
    np.testing.assert_allclose(vjp["products"]["vjp"], full["jacobian"]["value"][0], rtol=1e-12)
    big = run("jacobian", "samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy", "--format", "plain")
    assert "values in" in big.stdout  # 3×5 = 15 numbers are shown; summaries appear for the layers


def test_cli_cost(run):
    d = json.loads(run("cost", "--dims", ",".join(["1000000"] + ["1000"] * 10 + ["1"]), "--format", "json").stdout)
    assert d["forward"]["macs"] == 9_001_000_000_000 and d["reverse"]["macs"] == 1_009_000_000
    assert d["optimal"]["order"].startswith("((((")
    specs = json.loads(run("cost", "samples/mlp3.yaml", "samples/loss_head.yaml", "--format", "json").stdout)
    assert [f["diagonal"] for f in specs["factors"]] == [False, True, False, True, False, False]
    assert run("cost").exit_code == 2 and run("cost", "--dims", "3,x").exit_code == 2


@pytest.mark.parametrize("yaml_text, needle", [
    ("layers: []\n", "non-empty"),
    ("layers:\n  - kind: conv\n", "unknown layer kind"),
    ("layers:\n  - kind: linear\n", "needs 'matrix'"),
    ("layers:\n  - kind: linear\n    matrix: [[1, 2], [3]]\n", "rows of equal length"),
    ("layers:\n  - kind: linear\n    matrix: nope.npy\n", "no such file"),
    ("layers:\n  - kind: linear\n    matrix: [[1, 2]]\n    bias: [1, 2]\n", "bias has 2 entries"),
    ("layers:\n  - kind: linear\n    matrix: [[1, 2]]\n  - kind: linear\n    matrix: [[1, 2]]\n",
     "layer 2 (linear 1×2) takes 2 inputs but layer 1 (linear 1×2) gives 1"),
    ("layers:\n  - kind: elementwise\n    activation: foo(z)\n", "unknown function 'foo'"),
    ("layers:\n  - kind: elementwise\n", "needs 'activation'"),
    ("layers:\n  - kind: linear\n    matrix: [[1]]\n    weights: 2\n", "unknown key 'weights'"),
])
def test_layer_spec_errors(tmp_path, yaml_text, needle):
    path = tmp_path / "net.yaml"
    path.write_text(yaml_text)
    with pytest.raises(JacError) as info:
        load_spec(str(path))
    assert needle in info.value.render()


def test_pickled_npy_is_refused(tmp_path):
    np.save(tmp_path / "W.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (tmp_path / "net.yaml").write_text("layers:\n  - kind: linear\n    matrix: W.npy\n")
    with pytest.raises(JacError, match="cannot read"):
        load_spec(str(tmp_path / "net.yaml"))


def test_point_and_vector_errors(run):
    assert run("compose", "samples/mlp3.yaml").exit_code == 2  # needs --at
    r = run("compose", "samples/mlp3.yaml", "--at", "1,2")
    assert r.exit_code == 2 and "--at has 2 values but mlp takes 5 inputs" in r.stderr
    r = run("compose", "samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy", "--vjp", "1,2")
    assert r.exit_code == 2 and "--vjp has 2 entries but must have 3" in r.stderr
    assert run("compose", "samples/mlp3.yaml", "--at", "@missing.npy").exit_code == 2
    r = run("compose", "samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy", "--grad")
    assert r.exit_code == 2 and "scalar output" in r.stderr
    np.testing.assert_allclose(numeric_vector("pi/2,1e-3"), [np.pi / 2, 1e-3])


def test_relu_kink_is_reported(tmp_path, run):
    (tmp_path / "r.yaml").write_text("layers:\n  - kind: linear\n    matrix: [[1, -1]]\n"
                                     "  - kind: elementwise\n    activation: relu\n")
    r = run("jacobian", str(tmp_path / "r.yaml"), "--at", "1,1")
    assert r.exit_code == 3 and "relu is not differentiable at 0" in r.stderr


def test_function_chains_take_the_numeric_path_for_vjp(run):
    d = json.loads(run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--vjp", "1,0,0",
                       "--format", "json").stdout)
    assert d["products"]["vjp"] == pytest.approx([6, 3])


def test_layer_chains_do_not_load_sympy():
    import subprocess
    import sys

    code = ("import sys\nfrom jaccli.cli import main\n"
            "try:\n    main(['compose', 'samples/mlp3.yaml', '--at', '@samples/mlp3_x.npy', '--format', 'json'])\n"
            "except SystemExit as e:\n    assert e.code in (0, None), e.code\n"
            "assert 'sympy' not in sys.modules, 'sympy was imported for a chain of linear and element-wise layers'")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_point_from_a_file_for_any_spec(run, tmp_path):
    np.save(tmp_path / "p.npy", np.array([1.0, 2.0]))
    (tmp_path / "p.txt").write_text("1\n2\n")
    for name in ("p.npy", "p.txt"):
        r = run("jacobian", "samples/f.yaml", "--at", f"@{tmp_path / name}", "--format", "csv")
        assert r.exit_code == 0 and r.stdout.splitlines() == ["2,1", "4,2"], r.stderr


def test_a_chain_of_one_elementwise_layer(run, tmp_path):
    """numdifftools' test of x ↦ x² on 500 inputs: J = diag(2x). One layer is still a chain (it crashed), and
    its JSON J is 500×500 rows, as for the same function written as expressions."""
    spec = tmp_path / "sq.yaml"
    spec.write_text("layers:\n  - kind: elementwise\n    activation: square\n")
    x = np.linspace(-2, 2, 500)
    (tmp_path / "x.csv").write_text(",".join(map(repr, x.tolist())))
    r = run("jacobian", spec, "--at", f"@{tmp_path / 'x.csv'}")
    assert r.exit_code == 0, r.output
    assert "diagonal" in r.stdout
    d = json.loads(run("jacobian", spec, "--at", f"@{tmp_path / 'x.csv'}", "--format", "json").stdout)
    J = np.array(d["jacobian"]["value"])
    assert J.shape == (500, 500)
    np.testing.assert_allclose(J, np.diag(2 * x), rtol=1e-15)
    assert d["factors"][0]["value"]["kind"] == "diagonal"
