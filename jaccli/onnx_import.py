"""Models from ONNX files: ``jac jacobian model.onnx --at @x.npy`` (and compose, cost, --vjp/--jvp/--grad).

The graph is read with the ``onnx`` package (the optional ``models`` extra; no network, no external
data) and mapped operator by operator to jac's layers: Gemm and MatMul (+ Add) → linear; Relu, Tanh,
Sigmoid → element-wise; Softmax, LogSoftmax; Conv → conv1d/conv2d; Add of two activations → a residual
block; Flatten, Reshape, Identity, Dropout → nothing (jac's vectors are already flat); LayerNormalization
(over the whole vector), BatchNormalization (inference). A model has one input and one output; the
batch dimension, when there is one, must be 1. An operator jac does not know is an error naming it and
its node.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .errors import SpecError
from .layers import (
    ACTIVATIONS,
    Affine,
    Elementwise,
    Layer,
    LayerNorm,
    Linear,
    LogSoftmax,
    Network,
    Residual,
    Softmax,
    _check_sizes,
    conv_indices,
)

KNOWN = ("Gemm", "MatMul", "Add", "Relu", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Conv", "Flatten", "Reshape",
         "Identity", "Dropout", "LayerNormalization", "BatchNormalization")
_ACTIVATION = {"Relu": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid"}


def network_from_onnx(path: Path, default_name: str) -> Network:
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise SpecError(f"reading {path.name} needs the onnx package, an optional extra",
                        hint="pip install 'jaccli[models]'") from None
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as err:  # onnx raises protobuf's DecodeError and others: all mean "not a model"
        raise SpecError(f"{path}: not an ONNX model ({type(err).__name__})") from None
    graph = model.graph
    weights = {t.name: numpy_helper.to_array(t).astype(float) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in weights]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise SpecError(f"{path}: jac reads models with one input and one output "
                        f"({len(inputs)} inputs, {len(graph.output)} outputs here)")
    shape = _input_shape(inputs[0], path)
    reader = _Reader(path, weights, shape)
    reader.at[inputs[0].name] = 0
    current = inputs[0].name
    for node in graph.node:
        current = reader.node(node, current)
    if current != graph.output[0].name:
        raise SpecError(f"{path}: the nodes do not lead from the input to the output in one chain",
                        hint="jac reads sequential models (with residual Adds)")
    _check_sizes(reader.layers, str(path))
    return Network(graph.name or default_name, reader.layers, str(path))


def _input_shape(value_info: Any, path: Path) -> tuple[int, ...]:
    dims = [d.dim_value if d.dim_value > 0 else None for d in value_info.type.tensor_type.shape.dim]
    if len(dims) > 1 and dims[0] in (1, None):
        dims = dims[1:]  # the batch dimension
    if not dims or any(d is None for d in dims):
        raise SpecError(f"{path}: the input's shape must be known (apart from a batch dimension of 1)")
    return tuple(int(d) for d in dims if d is not None)


class _Reader:
    def __init__(self, path: Path, weights: dict[str, np.ndarray], shape: tuple[int, ...]):
        self.path, self.weights, self.shape = path, weights, shape
        self.layers: list[Layer] = []
        self.at: dict[str, int] = {}  # tensor → the number of layers before it (for residual Adds)

    def error(self, node: Any, message: str, hint: str | None = None) -> SpecError:
        return SpecError(f"{self.path}: node {node.name or node.op_type!r} ({node.op_type}): {message}", hint=hint)

    def attr(self, node: Any, name: str, default: Any) -> Any:
        from onnx import helper

        for a in node.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default

    def weight(self, node: Any, k: int) -> np.ndarray | None:
        if len(node.input) <= k or not node.input[k]:
            return None
        name = node.input[k]
        if name not in self.weights:
            raise self.error(node, f"input {name!r} is not a constant (initializer)",
                             hint="jac reads weights stored in the model")
        return self.weights[name]

    def add(self, layer: Layer, node: Any) -> str:
        self.layers.append(layer)
        out = node.output[0]
        self.at[out] = len(self.layers)
        return out

    def node(self, node: Any, current: str) -> str:
        op = node.op_type
        name = f"{node.name or op.lower()}"
        n = int(np.prod(self.shape))
        data = [i for i in node.input if i and i not in self.weights]
        if op not in KNOWN:
            raise self.error(node, f"the operator {op} is not one jac knows", hint=f"jac knows {', '.join(KNOWN)}")
        if op == "Add" and len(data) == 2:
            return self.residual(node, data, current)
        if data != [current]:
            raise self.error(node, f"reads {', '.join(data) or 'no data'}, not the previous result {current!r}",
                             hint="jac reads sequential models (with residual Adds)")
        if op in ("Flatten", "Reshape", "Identity", "Dropout"):
            self.shape = (n,) if op in ("Flatten", "Reshape") else self.shape
            self.at[node.output[0]] = len(self.layers)
            return node.output[0]
        if op in _ACTIVATION:
            fn, dfn = ACTIVATIONS[_ACTIVATION[op]]
            return self.add(Elementwise(name, "elementwise", activation=_ACTIVATION[op], fn=fn, dfn=dfn), node)
        if op in ("Softmax", "LogSoftmax"):
            if len(self.shape) != 1:
                raise self.error(node, "softmax over a tensor: flatten it first")
            return self.add((Softmax if op == "Softmax" else LogSoftmax)(name, op.lower()), node)
        if op in ("Gemm", "MatMul"):
            return self.linear(node, name, op, n)
        if op == "Add":  # a constant: the bias of the layer before, or a shift
            constant = self.weight(node, 1 if node.input[0] == current else 0)
            assert constant is not None  # one data input, so the other is a constant (weight() checked it)
            c = np.broadcast_to(constant, self.shape).ravel()
            last = self.layers[-1] if self.layers else None
            if isinstance(last, Linear) and last.b is None and self.at.get(current) == len(self.layers):
                last.b = c.copy()
                self.at[node.output[0]] = len(self.layers)
                return node.output[0]
            return self.add(Affine(name, "shift", n, n, scale=np.ones(n), shift=c.copy(), label="add a constant"),
                            node)
        if op == "Conv":
            return self.conv(node, name)
        if op == "BatchNormalization":
            gamma, beta, mean, var = (self.weight(node, k) for k in (1, 2, 3, 4))
            eps = float(self.attr(node, "epsilon", 1e-5))
            assert gamma is not None and beta is not None and mean is not None and var is not None
            per = int(np.prod(self.shape[1:])) if len(self.shape) > 1 else 1
            scale = np.repeat(gamma / np.sqrt(var + eps), per)
            shift = np.repeat(beta, per) - scale * np.repeat(mean, per)
            return self.add(Affine(name, "batchnorm", n, n, scale=scale, shift=shift,
                                   label=f"batchnorm ({gamma.size} channels, inference)"), node)
        # LayerNormalization over the whole (flat) vector
        gamma, beta = self.weight(node, 1), self.weight(node, 2)
        assert gamma is not None
        if gamma.size != n:
            raise self.error(node, "jac normalises over the whole vector; this layer normalises over part of it")
        return self.add(LayerNorm(name, "layernorm", n, n, gamma=gamma.ravel(),
                                  beta=np.zeros(n) if beta is None else beta.ravel(),
                                  eps=float(self.attr(node, "epsilon", 1e-5))), node)

    def linear(self, node: Any, name: str, op: str, n: int) -> str:
        if len(self.shape) != 1:
            raise self.error(node, "a matrix product of a tensor: flatten it first")
        B = self.weight(node, 1)
        assert B is not None
        if op == "Gemm":
            if self.attr(node, "transA", 0):
                raise self.error(node, "transA = 1 is not a layer of one input vector")
            B = B.T if self.attr(node, "transB", 0) else B
            W = float(self.attr(node, "alpha", 1.0)) * B.T
            C = self.weight(node, 2)
            b = None if C is None else float(self.attr(node, "beta", 1.0)) * np.broadcast_to(C, (W.shape[0],)).ravel()
        else:
            W, b = B.T, None
        if W.shape[1] != n:
            raise self.error(node, f"takes {W.shape[1]} values but gets {n}")
        self.shape = (W.shape[0],)
        return self.add(Linear(name, "linear", W.shape[1], W.shape[0], W=np.ascontiguousarray(W),
                               b=None if b is None else b.copy()), node)

    def conv(self, node: Any, name: str) -> str:
        from .layers import Conv

        W, bias = self.weight(node, 1), self.weight(node, 2)
        assert W is not None
        dims = W.ndim - 2
        if len(self.shape) != dims + 1 or self.shape[0] != W.shape[1]:
            raise self.error(node, f"the weights {W.shape} do not fit the input {self.shape}")
        strides = set(self.attr(node, "strides", [1] * dims))
        pads = set(self.attr(node, "pads", [0] * 2 * dims))
        if len(strides) != 1 or len(pads) != 1 or self.attr(node, "group", 1) != 1 or \
                set(self.attr(node, "dilations", [1] * dims)) != {1}:
            raise self.error(node, "jac reads convolutions with one stride and one padding for every axis, no "
                             "groups, no dilation")
        stride, padding = strides.pop(), pads.pop()
        in_shape = self.shape
        index, out = conv_indices(in_shape, W.shape[2:], stride, padding)
        self.shape = (W.shape[0],) + tuple(out)
        return self.add(Conv(name, "conv1d" if dims == 1 else "conv2d", int(np.prod(in_shape)),
                             int(np.prod(self.shape)), weights=W, bias=bias, index=index, out_spatial=out,
                             in_shape=in_shape), node)

    def residual(self, node: Any, data: list[str], current: str) -> str:
        skip = data[0] if data[1] == current else data[1] if data[0] == current else None
        if skip is None or skip not in self.at:
            raise self.error(node, "adds two tensors that are not the result and an earlier one",
                             hint="jac reads residual blocks: x + f(x)")
        start = self.at[skip]
        inner = self.layers[start:]
        if not inner:
            raise self.error(node, "adds a tensor to itself")
        self.layers = self.layers[:start]
        size = inner[0].n_in
        return self.add(Residual(f"{node.name or 'residual'}", "residual", size, size, inner=inner), node)

