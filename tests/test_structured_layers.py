"""Structured layers (issue 16 §1, first part): softmax and log-softmax kept as diagonal plus rank one,
losses ending a chain, dropout and batch normalisation in inference, weights by tensor name from .npz
and .safetensors. Each checked against finite differences or the textbook formula, computed here."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from jaccli import compose
from jaccli.chain.core import times
from jaccli.chain.values import DiagPlusRank1


def _net(tmp_path, layers, name="net"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "layers": layers}, sort_keys=False))
    return str(path)


def _fd(F, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    cols = [(F(x + h * e) - F(x - h * e)) / (2 * h) for e in np.eye(x.size)]
    return np.array(cols).T


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


Z = np.array([0.5, -1.0, 2.0, 0.25])


def test_diag_plus_rank1_products_equal_dense():
    rng = np.random.default_rng(0)
    d, u, v = rng.normal(size=(3, 5))
    S = DiagPlusRank1(d, u, v)
    A, B = rng.normal(size=(3, 5)), rng.normal(size=(5, 4))
    np.testing.assert_allclose(times(A, S), A @ S.dense(), rtol=1e-13)
    np.testing.assert_allclose(times(S, B), S.dense() @ B, rtol=1e-13)


@pytest.mark.parametrize("kind, F", [
    ("softmax", _softmax),
    ("log_softmax", lambda z: z - np.log(np.sum(np.exp(z)))),
])
def test_softmax_layers_match_finite_differences(tmp_path, kind, F):
    r = compose(_net(tmp_path, [{"kind": kind}]), at=",".join(map(str, Z)))
    assert r.factors[0].structure == "diag + rank 1"
    np.testing.assert_allclose(np.array(r.at.rows()), _fd(F, Z), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("target", [2, [0.1, 0.2, 0.6, 0.1]])
def test_cross_entropy_of_softmax_gives_softmax_minus_target(tmp_path, target):
    """The classic result, out of the chain: ∇_z CE(softmax(z), y) = softmax(z) − y."""
    net = _net(tmp_path, [{"kind": "softmax"}, {"kind": "cross_entropy", "target": target}])
    r = compose(net, at=",".join(map(str, Z)), grad=True)
    y = np.eye(4)[target] if isinstance(target, int) else np.array(target)
    np.testing.assert_allclose(r.products.grad, _softmax(Z) - y, rtol=1e-13, atol=1e-15)


def test_nll_of_log_softmax_is_the_same_gradient(tmp_path):
    net = _net(tmp_path, [{"kind": "log_softmax"}, {"kind": "nll", "target": 1}])
    r = compose(net, at=",".join(map(str, Z)), grad=True)
    np.testing.assert_allclose(r.products.grad, _softmax(Z) - np.eye(4)[1], rtol=1e-13, atol=1e-15)


def test_mse_dropout_batchnorm(tmp_path):
    t = [1.0, 0.0, -1.0, 2.0]
    net = _net(tmp_path, [
        {"kind": "batchnorm", "gamma": [1, 2, 3, 4], "beta": [0, 1, 0, 1], "mean": [0.5, 0, 0, 1],
         "var": [1, 4, 0.25, 1], "eps": 0.0},
        {"kind": "dropout", "p": 0.3},
        {"kind": "mse", "target": t},
    ])
    r = compose(net, at=",".join(map(str, Z)), grad=True)

    def F(x):
        y = np.array([1, 2, 3, 4]) * (x - [0.5, 0, 0, 1]) / np.sqrt([1, 4, 0.25, 1]) + [0, 1, 0, 1]
        return np.array([np.mean((y - t) ** 2)])

    np.testing.assert_allclose(r.products.grad, _fd(F, Z)[0], rtol=1e-7)


def test_a_network_with_softmax_and_cross_entropy_gradient_is_backprop(tmp_path):
    rng = np.random.default_rng(5)
    W1, b1, W2 = rng.normal(size=(6, 4)), rng.normal(size=6), rng.normal(size=(3, 6))
    np.savez(tmp_path / "w.npz", W1=W1, b1=b1, W2=W2)
    net = _net(tmp_path, [
        {"kind": "linear", "matrix": "w.npz#W1", "bias": "w.npz#b1"},
        {"kind": "elementwise", "activation": "tanh"},
        {"kind": "linear", "matrix": "w.npz#W2"},
        {"kind": "softmax"},
        {"kind": "cross_entropy", "target": 0},
    ])
    r = compose(net, at=",".join(map(str, Z)), grad=True)
    h = np.tanh(W1 @ Z + b1)  # backprop by hand
    dz = _softmax(W2 @ h) - np.eye(3)[0]
    expected = W1.T @ ((1 - h ** 2) * (W2.T @ dz))
    np.testing.assert_allclose(r.products.grad, expected, rtol=1e-12)


def test_safetensors_weights_by_name(tmp_path):
    from safetensors.numpy import save_file

    W = np.arange(6, dtype=np.float32).reshape(2, 3)
    save_file({"fc1.weight": W}, str(tmp_path / "model.safetensors"))
    net = _net(tmp_path, [{"kind": "linear", "matrix": "model.safetensors#fc1.weight"}])
    np.testing.assert_allclose(np.array(compose(net, at="1,2,3").at.rows()), W, rtol=1e-7)


@pytest.mark.parametrize("layers, message", [
    ([{"kind": "cross_entropy", "target": 0}, {"kind": "softmax"}], "put the loss last"),
    ([{"kind": "softmax"}, {"kind": "cross_entropy", "target": 7}], "class 7 does not exist"),
    ([{"kind": "linear", "matrix": "w.npz#nope"}], "its tensors: W"),
    ([{"kind": "softmax"}, {"kind": "cross_entropy", "target": [0.5, 0.6, 0, 0]}], "summing to 1"),
])
def test_refusals(tmp_path, run, layers, message):
    np.savez(tmp_path / "w.npz", W=np.eye(4))
    result = run("compose", _net(tmp_path, layers), "--at", "1,2,3,4")
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_layernorm_and_residual_match_finite_differences(tmp_path):
    gamma, beta = [1.0, 2.0, 0.5, 1.5], [0.0, 0.1, -0.2, 0.3]
    W = [[0.5, -0.2, 0.1, 0.0], [0.3, 0.4, -0.5, 0.2], [0.0, 0.1, 0.2, -0.3], [0.2, 0.0, 0.1, 0.4]]
    net = _net(tmp_path, [
        {"kind": "layernorm", "gamma": gamma, "beta": beta, "eps": 1e-5},
        {"kind": "residual", "layers": [{"kind": "linear", "matrix": W}, {"kind": "elementwise", "activation": "tanh"}]},
    ])
    r = compose(net, at=",".join(map(str, Z)))

    def F(x):
        y = np.array(gamma) * (x - x.mean()) / np.sqrt(x.var() + 1e-5) + beta
        return y + np.tanh(np.array(W) @ y)

    np.testing.assert_allclose(np.array(r.at.rows()), _fd(F, Z), rtol=1e-7, atol=1e-9)


def test_a_residual_block_must_keep_the_size(tmp_path, run):
    net = _net(tmp_path, [{"kind": "residual", "layers": [{"kind": "linear", "matrix": [[1, 2, 3, 4]]}]}])
    result = run("compose", net, "--at", "1,2,3,4")
    assert result.exit_code == 2 and "keep the size" in result.stderr


def _naive_conv2d(x, W, b, stride, padding):
    C, H, Wd = x.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    n_out, _, kh, kw = W.shape
    Ho, Wo = (H + 2 * padding - kh) // stride + 1, (Wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n_out, Ho, Wo))
    for o in range(n_out):
        for i in range(Ho):
            for j in range(Wo):
                out[o, i, j] = np.sum(W[o] * xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw]) + b[o]
    return out.ravel()


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1)])
def test_conv2d_forward_jacobian_and_vjp(tmp_path, stride, padding):
    rng = np.random.default_rng(stride + 3 * padding)
    W, b = rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    np.save(tmp_path / "w.npy", W)
    x = rng.normal(size=(2, 5, 5))
    conv = {"kind": "conv2d", "weights": "w.npy", "bias": b.tolist(), "stride": stride, "padding": padding,
            "input_shape": [2, 5, 5]}
    at = ",".join(map(str, x.ravel()))
    r = compose(_net(tmp_path, [conv]), at=at)
    assert r.factors[0].structure == "convolution"
    F = lambda v: _naive_conv2d(v.reshape(2, 5, 5), W, b, stride, padding)  # noqa: E731
    np.testing.assert_allclose(np.array(r.at.rows()), _fd(F, x.ravel()), rtol=1e-7, atol=1e-8)
    target = rng.normal(size=F(x.ravel()).size)
    loss = _net(tmp_path, [conv, {"kind": "mse", "target": target.tolist()}], "loss")
    g = compose(loss, at=at, grad=True).products.grad  # VJP through the convolution's adjoint
    np.testing.assert_allclose(g, _fd(lambda v: np.array([np.mean((F(v) - target) ** 2)]), x.ravel())[0],
                               rtol=1e-6, atol=1e-9)


def test_json_of_structured_factors(tmp_path, run):
    """--format json writes every factor: a convolution and a residual block densely (small here), softmax
    as {d, u, v}; each checked against finite differences of the layer alone. (A convolution followed by
    an element-wise layer once crashed the writer: the product was not C-ordered.)"""
    import json

    rng = np.random.default_rng(11)
    W = rng.normal(size=(3, 2, 3, 3))
    np.save(tmp_path / "w.npy", W)
    R = rng.normal(0, 0.2, (75, 75))
    np.save(tmp_path / "R.npy", R)
    x = rng.normal(size=50)
    np.save(tmp_path / "x.npy", x)
    net = _net(tmp_path, [
        {"kind": "conv2d", "weights": "w.npy", "input_shape": [2, 5, 5], "padding": 1},
        {"kind": "elementwise", "activation": "tanh"},
        {"kind": "residual", "layers": [{"kind": "linear", "matrix": "R.npy"}]},
        {"kind": "softmax"}])
    result = run("compose", net, "--at", f"@{tmp_path / 'x.npy'}", "--format", "json")
    assert result.exit_code == 0, result.stderr
    factors = json.loads(result.stdout)["factors"]
    assert [f["structure"] for f in factors] == ["convolution", "diagonal", "identity + inner", "diag + rank 1"]
    conv = lambda v: _naive_conv2d(v.reshape(2, 5, 5), W, np.zeros(3), 1, 1)  # noqa: E731
    np.testing.assert_allclose(np.array(factors[0]["value"]), _fd(conv, x), rtol=1e-7, atol=1e-8)
    z = np.tanh(conv(x))
    np.testing.assert_allclose(np.array(factors[2]["value"]), np.eye(75) + R, rtol=1e-12)
    s = _softmax(z + R @ z)
    sm = factors[3]["value"]
    np.testing.assert_allclose(np.diag(sm["d"]) + np.outer(sm["u"], sm["v"]), np.diag(s) - np.outer(s, s),
                               rtol=1e-12, atol=1e-15)


def test_conv1d(tmp_path):
    rng = np.random.default_rng(9)
    W = rng.normal(size=(2, 1, 3))
    np.save(tmp_path / "k.npy", W)
    x = rng.normal(size=8)
    net = _net(tmp_path, [{"kind": "conv1d", "weights": "k.npy", "input_shape": [1, 8], "padding": 1}])
    r = compose(net, at=",".join(map(str, x)))

    def F(v):
        vp = np.pad(v, 1)
        return np.array([[np.dot(W[o, 0], vp[i:i + 3]) for i in range(8)] for o in range(2)]).ravel()

    np.testing.assert_allclose(np.array(r.at.rows()), _fd(F, x), rtol=1e-7, atol=1e-9)


def test_cost_counts_structured_factors_by_what_they_do(tmp_path):
    """jac cost: softmax (diag + rank one) and a convolution cost their applications, not dense entries."""
    from jaccli.chain.order import Shape, multiply

    cost, _ = multiply(Shape(1000, 1000, apply=3000, stored=3000), Shape(1000, 1))
    assert cost == 3000  # not 10⁶
    cost, _ = multiply(Shape(1, 1000), Shape(1000, 1000, apply=3000, stored=3000))
    assert cost == 3000  # a row through the adjoint
    from jaccli import cost as jac_cost

    rng = np.random.default_rng(1)
    np.save(tmp_path / "k.npy", rng.normal(size=(4, 3, 3, 3)))
    net = _net(tmp_path, [{"kind": "conv2d", "weights": "k.npy", "input_shape": [3, 8, 8], "padding": 1},
                          {"kind": "softmax"}, {"kind": "cross_entropy", "target": 0}])
    result = jac_cost(net)
    conv_macs = 4 * 3 * 3 * 3 * 64  # weights × output positions
    # reverse: the loss row through softmax (3·256) then through the convolution's adjoint (conv_macs)
    assert result.plans["reverse"].macs == 3 * 256 + conv_macs


def test_a_residual_block_is_identity_plus_inner_never_dense(tmp_path):
    """J = I + J_inner is kept as what it does (issue 16: "identity plus"): its products equal the dense
    I + W·diag… computed here, the chain's J and gradient match, and jac cost counts n plus the inner
    layers' applications, not n² entries."""
    from jaccli import cost as jac_cost
    from jaccli.chain.values import LinearMap, as_array
    from jaccli.model.layers import Residual

    rng = np.random.default_rng(3)
    n = 64
    W = rng.normal(0, 0.2, (n, n))
    np.save(tmp_path / "W.npy", W)
    inner = [{"kind": "linear", "matrix": "W.npy"}, {"kind": "elementwise", "activation": "tanh"}]
    net = _net(tmp_path, [{"kind": "residual", "layers": inner}, {"kind": "softmax"},
                          {"kind": "cross_entropy", "target": 2}])
    x = rng.normal(size=n)
    np.save(tmp_path / "x.npy", x)
    dense_J = np.eye(n) + (1 - np.tanh(W @ x) ** 2)[:, None] * W  # by hand: I + diag(tanh′(Wx))·W

    r = compose(net, at="@" + str(tmp_path / "x.npy"), grad=True)
    block = r.factors[0]
    assert block.structure == "identity + inner"
    J = block.at.value
    assert isinstance(J, LinearMap) and isinstance(block.layer, Residual)
    np.testing.assert_allclose(as_array(J), dense_J, rtol=1e-12, atol=1e-12)
    V = rng.normal(size=(3, n))
    np.testing.assert_allclose(J.apply(V.T), dense_J @ V.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(J.apply_left(V), V @ dense_J, rtol=1e-12, atol=1e-12)
    y = x + np.tanh(W @ x)
    s = _softmax(y)
    np.testing.assert_allclose(r.products.grad, dense_J.T @ (s - np.eye(n)[2]), rtol=1e-10, atol=1e-12)

    plans = jac_cost(net).plans
    block_apply = n + n * n + n  # the identity, the matrix, the diagonal
    assert plans["reverse"].macs == 3 * n + block_apply  # the loss row through softmax, then the block
    assert jac_cost(net).shapes[0].entries == n * n + n  # it keeps W and the diagonal, not an n×n J
    assert {k: p.macs for k, p in r.costs.items()} == {k: p.macs for k, p in plans.items()}  # compose's cost line agrees


def test_cost_shows_what_a_structured_factor_costs_per_vector(tmp_path, run):
    """jac cost names each factor's cost per application (human and JSON): softmax 3n, a residual block
    n plus its inner layers, a diagonal n."""
    import json

    n = 16
    np.save(tmp_path / "W.npy", np.eye(n))
    net = _net(tmp_path, [{"kind": "residual", "layers": [{"kind": "linear", "matrix": "W.npy"},
                                                          {"kind": "elementwise", "activation": "tanh"}]},
                          {"kind": "softmax"}, {"kind": "cross_entropy", "target": 1}])
    human = run("cost", net)
    assert human.exit_code == 0 and f"{n}×{n} ({n + n * n + n} per vector), {n}×{n} ({3 * n} per vector)" in human.stdout
    factors = json.loads(run("cost", net, "--format", "json").stdout)["factors"]
    assert [(f["per_vector"], f["stored"]) for f in factors] == [(n + n * n + n, n * n + n), (3 * n, 3 * n), (n, n)]


def test_layers_agree_with_jax(tmp_path):
    """Each structured layer's Jacobian against JAX's jacfwd of the same layer written in jax.numpy
    (JAX is the benchmark extra; where it is installed this runs)."""
    jax = pytest.importorskip("jax", reason="JAX is a benchmark extra (pip install '.[bench]')")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    rng = np.random.default_rng(11)
    x = rng.normal(size=6)
    gamma, beta = rng.uniform(0.5, 2, 6), rng.normal(size=6)
    W = rng.normal(size=(6, 6)) / 3
    K = rng.normal(size=(2, 1, 3))
    np.save(tmp_path / "k.npy", K)
    cases = [
        ([{"kind": "softmax"}], lambda v: jax.nn.softmax(v)),
        ([{"kind": "log_softmax"}], lambda v: jax.nn.log_softmax(v)),
        ([{"kind": "softmax"}, {"kind": "cross_entropy", "target": 4}],
         lambda v: -jnp.log(jax.nn.softmax(v))[4:5]),
        ([{"kind": "layernorm", "gamma": gamma.tolist(), "beta": beta.tolist(), "eps": 1e-5}],
         lambda v: gamma * (v - v.mean()) / jnp.sqrt(v.var() + 1e-5) + beta),
        ([{"kind": "residual", "layers": [{"kind": "linear", "matrix": W.tolist()},
                                          {"kind": "elementwise", "activation": "tanh"}]}],
         lambda v: v + jnp.tanh(W @ v)),
        ([{"kind": "conv1d", "weights": "k.npy", "input_shape": [1, 6], "padding": 1}],
         lambda v: jax.lax.conv_general_dilated(v[None, None, :], K, (1,), [(1, 1)]).ravel()),
    ]
    for k, (layers, f) in enumerate(cases):
        r = compose(_net(tmp_path, layers, f"case{k}"), at=",".join(map(str, x)))
        expected = np.asarray(jax.jacfwd(f)(jnp.asarray(x)))
        np.testing.assert_allclose(np.array(r.at.rows()), expected.reshape(np.array(r.at.rows()).shape),
                                   rtol=1e-10, atol=1e-12, err_msg=str(layers))
