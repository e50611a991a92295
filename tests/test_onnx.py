"""Models from ONNX files (issue 16 §2): small models built here with onnx.helper (no downloads); jac's
forward pass is compared with onnxruntime's, its Jacobian with finite differences of that forward pass
(in double precision), and an operator jac does not know is refused naming it."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")  # the models extra (in the test extra)
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from jaccli import compose  # noqa: E402
from jaccli.jobs.jacobian import chain_function  # noqa: E402
from jaccli.parse.spec import load_spec  # noqa: E402

RNG = np.random.default_rng(0)


def _model(tmp_path, nodes, weights, in_shape, out_shape, name="m", single=False):
    """A model in double precision, or single (onnxruntime has no double Conv)."""
    kind, dtype = (TensorProto.FLOAT, np.float32) if single else (TensorProto.DOUBLE, np.float64)
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", kind, [1, *in_shape])],
        [helper.make_tensor_value_info("y", kind, [1, *out_shape])],
        [numpy_helper.from_array(np.asarray(v, dtype=dtype), k) for k, v in weights.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(path))
    return str(path)


def _ort(path, x, in_shape):
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    dtype = np.float32 if session.get_inputs()[0].type == "tensor(float)" else np.float64
    return session.run(None, {"x": x.reshape(1, *in_shape).astype(dtype)})[0].ravel().astype(float)


def _fd(F, x, h=1e-6):
    return np.array([(F(x + h * e) - F(x - h * e)) / (2 * h) for e in np.eye(x.size)]).T


def _check(path, in_shape, single=False):
    """Forward pass against onnxruntime; J against finite differences of a double-precision forward pass
    (onnxruntime's own in a double model; jac's, once it has matched onnxruntime, in a single one)."""
    x = RNG.normal(size=int(np.prod(in_shape)))
    if single:
        x = x.astype(np.float32).astype(float)
    net = load_spec(path)
    forward = chain_function([net])
    np.testing.assert_allclose(forward(x), _ort(path, x, in_shape), rtol=1e-5 if single else 1e-10,
                               atol=1e-5 if single else 1e-12)
    J = np.array(compose(path, at=x).at.rows())
    reference = forward if single else (lambda v: _ort(path, v, in_shape))
    np.testing.assert_allclose(J, _fd(reference, x), rtol=1e-6, atol=1e-8)
    return net, x


def test_mlp_gemm_relu_softmax(tmp_path):
    W1, b1, W2, b2 = RNG.normal(size=(6, 4)), RNG.normal(size=6), RNG.normal(size=(3, 6)), RNG.normal(size=3)
    nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], transB=1),
             helper.make_node("Tanh", ["h"], ["a"]),
             helper.make_node("Gemm", ["a", "W2", "b2"], ["z"], transB=1),
             helper.make_node("Softmax", ["z"], ["y"], axis=1)]
    net, _ = _check(_model(tmp_path, nodes, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, [4], [3]), [4])
    assert [layer.kind for layer in net.layers] == ["linear", "elementwise", "linear", "softmax"]


def test_matmul_add_and_a_residual_block(tmp_path):
    W, c, V = RNG.normal(size=(4, 4)), RNG.normal(size=4), RNG.normal(size=(4, 4))
    nodes = [helper.make_node("MatMul", ["x", "W"], ["h"]),
             helper.make_node("Add", ["h", "c"], ["hb"]),
             helper.make_node("Relu", ["hb"], ["r"]),
             helper.make_node("MatMul", ["r", "V"], ["v"]),
             helper.make_node("Sigmoid", ["v"], ["s"]),
             helper.make_node("Add", ["r", "s"], ["y"])]  # r + sigmoid(r V): a residual block
    net, _ = _check(_model(tmp_path, nodes, {"W": W, "c": c, "V": V}, [4], [4]), [4])
    assert [layer.kind for layer in net.layers] == ["linear", "elementwise", "residual"]


def test_conv_batchnorm_flatten_gemm(tmp_path):
    K, bK = RNG.normal(size=(3, 2, 3, 3)), RNG.normal(size=3)
    gamma, beta, mean, var = RNG.uniform(0.5, 2, 3), RNG.normal(size=3), RNG.normal(size=3), RNG.uniform(0.5, 2, 3)
    W = RNG.normal(size=(2, 3 * 3 * 3))
    nodes = [helper.make_node("Conv", ["x", "K", "bK"], ["c"], strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "g", "be", "mu", "var"], ["n"], epsilon=1e-5),
             helper.make_node("Relu", ["n"], ["r"]),
             helper.make_node("Flatten", ["r"], ["f"]),
             helper.make_node("Gemm", ["f", "W"], ["y"], transB=1)]
    weights = {"K": K, "bK": bK, "g": gamma, "be": beta, "mu": mean, "var": var, "W": W}
    net, _ = _check(_model(tmp_path, nodes, weights, [2, 5, 5], [2], single=True), [2, 5, 5], single=True)
    assert net.layers[0].describe() == "conv2d (3·3·3) × (2·5·5)"


def test_unknown_operator_names_it_and_the_node(tmp_path, run):
    nodes = [helper.make_node("Erf", ["x"], ["y"], name="mystery")]
    path = _model(tmp_path, nodes, {}, [3], [3])
    result = run("jacobian", path, "--at", "1,2,3")
    assert result.exit_code == 2 and "Erf" in result.stderr and "mystery" in result.stderr
