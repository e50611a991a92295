"""Layer files: a spec with ``layers:`` read into a Network of the layer kinds model/layers.py defines —
weights loaded from files beside it (.npy, .npz, .safetensors: parse/arrays.py checks them first), function
layers and activations read with jac's grammar."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..calculus.symbols import symbol
from ..core.errors import ParseError, SpecError
from ..model.function import VectorFunction
from ..model.layers import (
    ACTIVATIONS,
    LAYER_KEYS,
    LOSSES,
    Affine,
    Conv,
    Elementwise,
    Layer,
    LayerNorm,
    Linear,
    LogSoftmax,
    Loss,
    Network,
    Residual,
    Softmax,
    conv_indices,
    function_layer,
)
from ..parse.arrays import load_array as load
from .arrays import load_array

# ---------------------------------------------------------------------------
# The layer file

FunctionReader = Callable[..., VectorFunction]  # spec.from_yaml_mapping: the loader reads a function layer


def network_from_yaml(data: dict[str, Any], origin: str, default_name: str, read_function: FunctionReader) -> Network:
    """A layer file (``name``, ``layers``); ``read_function`` reads a function layer's inputs and outputs
    (the loader above both readers passes its own, so this module does not import it)."""
    base = Path(origin).parent if origin not in ("<stdin>", "") else Path(".")
    unknown = set(data) - {"name", "layers"}
    if unknown:
        raise SpecError(f"unknown key {sorted(unknown)[0]!r} beside 'layers'", where=origin,
                        hint="a layer file has 'name' and 'layers'")
    raw = data["layers"]
    if not isinstance(raw, list) or not raw:
        raise SpecError("'layers' must be a non-empty list", where=origin)
    name = data.get("name", default_name)
    layers: list[Layer] = []
    for k, item in enumerate(raw, start=1):
        where = f"{origin}: layers[{k}]"
        if not isinstance(item, dict) or "kind" not in item:
            raise SpecError(f"each layer is a mapping with a 'kind' ({', '.join(LAYER_KEYS)})", where=where)
        kind = item["kind"]
        if kind not in LAYER_KEYS:
            raise SpecError(f"unknown layer kind {kind!r}", where=where, hint=f"the kinds are {', '.join(LAYER_KEYS)}")
        extra = set(item) - LAYER_KEYS[kind]
        if extra:
            raise SpecError(f"unknown key {sorted(extra)[0]!r} for a {kind} layer", where=where,
                            hint=f"a {kind} layer has {', '.join(sorted(LAYER_KEYS[kind]))}")
        label = str(item.get("name", f"{name}.{k}"))
        layers.append(_layer(kind, item, label, base, where, read_function))
    check_sizes(layers, origin)
    return Network(str(name), layers, origin)


def _layer(kind: str, item: dict[str, Any], label: str, base: Path, where: str, read_function: FunctionReader) -> Layer:
    if kind == "linear":
        if "matrix" not in item:
            raise SpecError("a linear layer needs 'matrix'", where=where)
        W = load_array(item["matrix"], base, f"{where}: matrix", 2)
        b = load_array(item["bias"], base, f"{where}: bias", 1) if item.get("bias") is not None else None
        if b is not None and b.shape[0] != W.shape[0]:
            raise SpecError(f"the bias has {b.shape[0]} entries but the matrix has {W.shape[0]} rows", where=where)
        return Linear(label, "linear", W.shape[1], W.shape[0], W=W, b=b)
    if kind in ("softmax", "log_softmax"):
        return (Softmax if kind == "softmax" else LogSoftmax)(label, kind)
    if kind in LOSSES:
        if "target" not in item:
            raise SpecError(f"a {kind} layer needs 'target'", where=where,
                            hint="a class index (from 0, as in PyTorch) or a vector" if kind != "mse" else
                            "a vector of the same size as the input")
        raw = item["target"]
        if isinstance(raw, int) and not isinstance(raw, bool) and kind != "mse":
            if raw < 0:
                raise SpecError(f"target {raw} is not a class index (they count from 0)", where=where)
            return Loss(label, kind, None, 1, target=np.array([]), label=f"class {raw}", index=raw)
        target = load_array(raw, base, f"{where}: target", 1)
        if kind != "mse" and (np.any(target < 0) or abs(target.sum() - 1) > 1e-9 * target.size):
            raise SpecError(f"the {kind} target must be a class index or probabilities summing to 1", where=where)
        return Loss(label, kind, target.size, 1, target=target, label="target vector")
    if kind == "dropout":
        p = item.get("p", 0.5)
        if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p < 1:
            raise SpecError("dropout's p is a probability in [0, 1)", where=where)
        return Affine(label, "dropout", None, None, scale=np.array(1.0), shift=np.array(0.0),
                      label=f"dropout p = {p:g} (inference: identity)")
    if kind == "batchnorm":
        missing = [k for k in ("gamma", "beta", "mean", "var") if k not in item]
        if missing:
            raise SpecError(f"a batchnorm layer needs {', '.join(missing)}", where=where,
                            hint="gamma, beta and the running mean and var (inference mode)")
        gamma, beta, mean, var = (load_array(item[k], base, f"{where}: {k}", 1) for k in ("gamma", "beta", "mean", "var"))
        eps = float(item.get("eps", 1e-5))
        if len({gamma.size, beta.size, mean.size, var.size}) != 1:
            raise SpecError("gamma, beta, mean and var must have the same size", where=where)
        if np.any(var + eps <= 0):
            raise SpecError("var + eps must be positive", where=where)
        scale = gamma / np.sqrt(var + eps)
        return Affine(label, "batchnorm", gamma.size, gamma.size, scale=scale, shift=beta - scale * mean,
                      label=f"batchnorm ({gamma.size}, inference)")
    if kind in ("conv1d", "conv2d"):
        return _conv(kind, item, label, base, where)
    if kind == "layernorm":
        missing = [k for k in ("gamma", "beta") if k not in item]
        if missing:
            raise SpecError(f"a layernorm layer needs {', '.join(missing)}", where=where)
        gamma, beta = (load_array(item[k], base, f"{where}: {k}", 1) for k in ("gamma", "beta"))
        if gamma.size != beta.size:
            raise SpecError("gamma and beta must have the same size", where=where)
        return LayerNorm(label, "layernorm", gamma.size, gamma.size, gamma=gamma, beta=beta,
                         eps=float(item.get("eps", 1e-5)))
    if kind == "residual":
        raw = item.get("layers")
        if not isinstance(raw, list) or not raw:
            raise SpecError("a residual block needs 'layers': the inner layers whose output is added to the input",
                            where=where)
        inner = []
        for k, sub in enumerate(raw, start=1):
            sub_where = f"{where}: layers[{k}]"
            if not isinstance(sub, dict) or sub.get("kind") not in LAYER_KEYS:
                raise SpecError(f"each inner layer is a mapping with a 'kind' ({', '.join(LAYER_KEYS)})",
                                where=sub_where)
            if sub["kind"] in LOSSES:
                raise SpecError("a loss cannot be inside a residual block", where=sub_where)
            extra = set(sub) - LAYER_KEYS[sub["kind"]]
            if extra:
                raise SpecError(f"unknown key {sorted(extra)[0]!r} for a {sub['kind']} layer", where=sub_where)
            inner.append(_layer(sub["kind"], sub, f"{label}.{k}", base, sub_where, read_function))
        check_sizes(inner, where)
        sizes = [s for layer in inner for s in (layer.n_in, layer.n_out) if s is not None]
        size = sizes[0] if sizes else None
        return Residual(label, "residual", size, size, inner=inner)
    if kind == "elementwise":
        activation = item.get("activation")
        if not isinstance(activation, str) or not activation.strip():
            raise SpecError("an elementwise layer needs 'activation' (a name or an expression in z)", where=where,
                            hint=f"names: {', '.join(sorted(ACTIVATIONS))}")
        fn, dfn = ACTIVATIONS.get(activation.strip()) or _activation_expression(activation, where)
        return Elementwise(label, "elementwise", activation=activation.strip(), fn=fn, dfn=dfn)
    function = read_function({k: v for k, v in item.items() if k in ("inputs", "outputs")}, origin=where,
                             default_name=label.replace(".", "_"))
    return function_layer(function)


def _conv(kind: str, item: dict[str, Any], label: str, base: Path, where: str) -> Conv:
    dims = 1 if kind == "conv1d" else 2
    for key in ("weights", "input_shape"):
        if key not in item:
            raise SpecError(f"a {kind} layer needs '{key}'", where=where,
                            hint="input_shape: [channels, length]" if dims == 1 else "input_shape: [channels, height, width]")
    weights = load_tensor(item["weights"], base, f"{where}: weights", dims + 2)
    shape = item["input_shape"]
    if not (isinstance(shape, list) and len(shape) == dims + 1 and all(isinstance(v, int) and v > 0 for v in shape)):
        raise SpecError(f"input_shape must be {dims + 1} positive integers", where=where)
    if shape[0] != weights.shape[1]:
        raise SpecError(f"the weights take {weights.shape[1]} input channels but input_shape has {shape[0]}",
                        where=where)
    stride, padding = int(item.get("stride", 1)), int(item.get("padding", 0))
    if stride < 1 or padding < 0:
        raise SpecError("stride ≥ 1 and padding ≥ 0", where=where)
    bias = load_array(item["bias"], base, f"{where}: bias", 1) if item.get("bias") is not None else None
    if bias is not None and bias.size != weights.shape[0]:
        raise SpecError(f"the bias has {bias.size} entries for {weights.shape[0]} output channels", where=where)
    try:
        index, out = conv_indices(tuple(shape), weights.shape[2:], stride, padding)
    except SpecError as err:
        raise SpecError(err.message, where=where) from None
    n_in, n_out = int(np.prod(shape)), int(weights.shape[0] * np.prod(out))
    return Conv(label, kind, n_in, n_out, weights=weights, bias=bias, index=index, out_spatial=out,
                in_shape=tuple(shape))


def load_tensor(value: Any, base: Path, where: str, ndim: int) -> np.ndarray:
    """A tensor of ``ndim`` dimensions (convolution weights): .npy or a named tensor of .npz/.safetensors."""

    if isinstance(value, list):
        array = np.asarray(value, dtype=float)
    else:
        array = load(value, base, where, ndim)
    if array.ndim != ndim:
        raise SpecError(f"expected {ndim} dimensions, got shape {array.shape}", where=where)
    return array


def _activation_expression(text: str, where: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """σ written in jac's language in z: compiled σ and σ′ (sympy is used here only)."""
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus.special import clean_derivative
    from ..chain.numeric import compile_exprs
    from . import grammar

    try:
        expr = grammar.parse(text, ("z",))
    except ParseError as err:
        raise err.located(f"{where}: activation") from None
    z = symbol("z")
    f = compile_exprs([expr], [z])
    df = compile_exprs([clean_derivative(sp.diff(expr, z))], [z])
    return (lambda v: np.asarray(f(v)[0], dtype=float) * np.ones_like(v),
            lambda v: np.asarray(df(v)[0], dtype=float) * np.ones_like(v))


def check_sizes(layers: Sequence[Layer], origin: str) -> None:
    """Each layer's output size must be the next one's input size."""
    size: int | None = None
    source = ""
    for k, layer in enumerate(layers, start=1):
        if k < len(layers) and layer.kind in LOSSES:
            raise SpecError(f"layer {k} ({layer.describe()}) is a loss: a scalar that ends a chain, and layers "
                            f"{k + 1}… follow it", where=origin, hint="put the loss last")
        if layer.n_in is not None and size is not None and layer.n_in != size:
            raise SpecError(f"layer {k} ({layer.describe()}) takes {layer.n_in} inputs but layer {k - 1} "
                            f"({source}) gives {size}", where=origin,
                            hint="each layer's output size must be the next layer's input size")
        if layer.n_out is not None:
            size = layer.n_out
        source = layer.describe()


