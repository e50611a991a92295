"""Layers (neural networks): linear layers, element-wise activations and general function layers,
and the YAML layer file that lists them. Each layer gives its value and its Jacobian factor at a
point — a weight matrix, diag(σ′(z)) kept as a vector (chain.Diagonal), or a function layer's J —
and the chain core (chain.py) multiplies them.

A linear layer's Jacobian is its weight matrix; an element-wise layer's is
diag(σ′(z)), kept as a vector; a function layer is differentiated
symbolically once and compiled. Nothing here imports sympy unless a function
layer or an activation written as an expression needs it.

    name: mlp
    layers:
      - kind: linear
        matrix: W1.npy        # or inline rows, or .csv/.txt; paths relative to this file
        bias: b1.npy          # optional
      - kind: elementwise
        activation: tanh      # or an expression in z: "1/(1+exp(-z))"
      - kind: function
        inputs: [a, b]
        outputs: [a*b, a + b]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..chain.values import Diagonal
from ..core.errors import MathError, SpecError
from ..parse.arrays import load_array
from .function import VectorFunction

LAYER_KEYS = {
    "linear": {"kind", "name", "matrix", "bias"},
    "elementwise": {"kind", "name", "activation"},
    "function": {"kind", "name", "inputs", "outputs"},
    "softmax": {"kind", "name"},
    "log_softmax": {"kind", "name"},
    "cross_entropy": {"kind", "name", "target"},
    "nll": {"kind", "name", "target"},
    "mse": {"kind", "name", "target"},
    "dropout": {"kind", "name", "p"},
    "batchnorm": {"kind", "name", "gamma", "beta", "mean", "var", "eps"},
    "layernorm": {"kind", "name", "gamma", "beta", "eps"},
    "conv1d": {"kind", "name", "weights", "bias", "stride", "padding", "input_shape"},
    "conv2d": {"kind", "name", "weights", "bias", "stride", "padding", "input_shape"},
    "residual": {"kind", "name", "layers"},
}
LOSSES = ("cross_entropy", "nll", "mse")  # scalar: they end a chain

# ---------------------------------------------------------------------------
# Activations

def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _relu_prime(z):
    if np.any(z == 0):
        raise MathError("relu is not differentiable at 0, and an input of this relu layer is exactly 0",
                        hint="the one-sided derivatives are 0 and 1; choose a point off the kink")
    return (z > 0).astype(float)


ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "relu": (lambda z: np.maximum(z, 0.0), _relu_prime),
    "softplus": (lambda z: np.logaddexp(0.0, z), _sigmoid),
    "identity": (lambda z: z, np.ones_like),
    "exp": (np.exp, np.exp),
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda z: -np.sin(z)),
    "square": (np.square, lambda z: 2 * z),
}


# ---------------------------------------------------------------------------
# Layers

@dataclass(eq=False)  # identity, not field-wise: fields hold arrays (and eq=False is 1/3 cheaper to import)
class Layer:
    name: str
    kind: str  # linear, elementwise, function

    n_in: int | None = None  # None: takes the size it is given (element-wise)
    n_out: int | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def jacobian(self, x: np.ndarray) -> np.ndarray | Diagonal:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(eq=False)
class Linear(Layer):
    W: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    b: np.ndarray | None = None

    def forward(self, x):
        y = self.W @ x
        return y + self.b if self.b is not None else y

    def jacobian(self, x):
        return self.W

    def describe(self):
        return f"linear {self.W.shape[0]}×{self.W.shape[1]}" + (" + bias" if self.b is not None else "")


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - np.max(x))
    return e / e.sum()


@dataclass(eq=False)
class Softmax(Layer):
    """s = softmax(x); J = diag(s) − s·sᵀ, kept as diagonal plus rank one (O(n) per vector product)."""

    def forward(self, x):
        return _softmax(x)

    def jacobian(self, x):
        from ..chain.values import DiagPlusRank1

        s = _softmax(x)
        return DiagPlusRank1(s, -s, s)

    def describe(self):
        return "softmax"


@dataclass(eq=False)
class LogSoftmax(Layer):
    """x − logsumexp(x); J = I − 1·softmax(x)ᵀ (diagonal plus rank one)."""

    def forward(self, x):
        m = np.max(x)
        return x - (m + np.log(np.sum(np.exp(x - m))))

    def jacobian(self, x):
        from ..chain.values import DiagPlusRank1

        ones = np.ones_like(x, dtype=float)
        return DiagPlusRank1(ones, -ones, _softmax(x))

    def describe(self):
        return "log-softmax"


@dataclass(eq=False)
class Loss(Layer):
    """A scalar loss ending a chain: cross_entropy of probabilities q (−Σ pᵢ log qᵢ), nll of
    log-probabilities ℓ (−Σ pᵢ ℓᵢ), mse (mean of (xᵢ − tᵢ)²); p is a one-hot class or a probability
    vector. J is one row: −p/q, −p, 2(x − t)/n. After softmax, cross_entropy's gradient with respect to
    the logits comes out of the chain as softmax(z) − p."""

    target: np.ndarray = field(default_factory=lambda: np.zeros(0))
    label: str = ""
    index: int | None = None  # a class index (from 0): the target is one-hot

    def _p(self, x: np.ndarray) -> np.ndarray:
        if self.index is None:
            if self.target.size != x.size:
                raise SpecError(f"{self.name}: the target has {self.target.size} entries but the loss sees {x.size}")
            return self.target
        if self.index >= x.size:
            raise SpecError(f"{self.name}: class {self.index} does not exist among {x.size} (they count from 0)")
        p = np.zeros(x.size)
        p[self.index] = 1.0
        return p

    def forward(self, x):
        p = self._p(x)
        if self.kind == "cross_entropy":
            if np.any(x[p != 0] <= 0):
                raise MathError("cross_entropy needs probabilities > 0 where the target is", hint="put softmax first")
            with np.errstate(divide="ignore"):
                return np.array([-float(np.sum(p * np.where(p != 0, np.log(np.where(p != 0, x, 1.0)), 0.0)))])
        if self.kind == "nll":
            return np.array([-float(np.dot(p, x))])
        return np.array([float(np.mean((x - p) ** 2))])

    def jacobian(self, x):
        p = self._p(x)
        if self.kind == "cross_entropy":
            return (-p / np.where(p != 0, x, 1.0))[None, :]
        if self.kind == "nll":
            return -p[None, :]
        return (2 * (x - p) / x.size)[None, :]

    def describe(self):
        return f"{self.kind.replace('_', '-')} loss ({self.label})"


@dataclass(eq=False)
class Affine(Layer):
    """Element-wise x ↦ a ⊙ x + c: dropout in inference (a = 1) and batch normalisation in inference
    (a = γ/√(var + ε), c = β − a·mean). J = diag(a)."""

    scale: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shift: np.ndarray = field(default_factory=lambda: np.zeros(0))
    label: str = ""

    def forward(self, x):
        return self.scale * x + self.shift

    def jacobian(self, x):
        return Diagonal(self.scale * np.ones_like(x, dtype=float))

    def describe(self):
        return self.label


@dataclass(eq=False)
class LayerNorm(Layer):
    """y = γ ⊙ (x − mean)/σ + β, σ = √(var + ε) over the vector's own entries; J = diag(γ)/σ ·
    (I − 11ᵀ/n − x̂x̂ᵀ/n) (dense: it mixes every entry)."""

    gamma: np.ndarray = field(default_factory=lambda: np.zeros(0))
    beta: np.ndarray = field(default_factory=lambda: np.zeros(0))
    eps: float = 1e-5

    def _normalised(self, x):
        sigma = np.sqrt(np.var(x) + self.eps)
        return (x - np.mean(x)) / sigma, sigma

    def forward(self, x):
        xhat, _ = self._normalised(x)
        return self.gamma * xhat + self.beta

    def jacobian(self, x):
        n = x.size
        xhat, sigma = self._normalised(x)
        inner = np.eye(n) - np.ones((n, n)) / n - np.outer(xhat, xhat) / n
        return (self.gamma / sigma)[:, None] * inner

    def describe(self):
        return f"layernorm ({self.gamma.size})"


def conv_indices(in_shape: tuple[int, ...], kernel: tuple[int, ...], stride: int, padding: int) -> tuple:
    """For a 1-D or 2-D convolution over channel-major flat inputs: each output position's receptive field
    as indices into the flat input (−1 where padding is), and the output's spatial shape."""
    channels, spatial = in_shape[0], in_shape[1:]
    out = tuple((s + 2 * padding - k) // stride + 1 for s, k in zip(spatial, kernel))
    if any(o < 1 for o in out):
        raise SpecError(f"the kernel {kernel} does not fit the input {spatial} with padding {padding}")
    grids = np.meshgrid(*[np.arange(o) * stride - padding for o in out], indexing="ij")
    offsets = np.meshgrid(*[np.arange(k) for k in kernel], indexing="ij")
    starts = np.stack([g.ravel() for g in grids], axis=1)  # (P, d)
    steps = np.stack([o.ravel() for o in offsets], axis=1)  # (K, d)
    coords = starts[:, None, :] + steps[None, :, :]  # (P, K, d)
    inside = np.all((coords >= 0) & (coords < np.array(spatial)), axis=2)
    flat_spatial = np.ravel_multi_index(tuple(np.clip(coords, 0, np.array(spatial) - 1).transpose(2, 0, 1)), spatial)
    size = int(np.prod(spatial))
    index = np.arange(channels)[None, :, None] * size + flat_spatial[:, None, :]  # (P, C, K)
    index = np.where(inside[:, None, :], index, -1)
    return index.reshape(index.shape[0], -1), out


@dataclass(eq=False)
class Conv(Layer):
    """A 1-D or 2-D convolution (weights (C_out, C_in, k…), stride, zero padding) on channel-major flat
    vectors: a linear map kept as what it does — J·X and Y·J by convolving — formed densely only when
    shown (values.LinearMap)."""

    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bias: np.ndarray | None = None
    index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # (P, C_in·K), −1: padding
    out_spatial: tuple = ()
    in_shape: tuple = ()

    def _linear(self, X: np.ndarray) -> np.ndarray:
        """J·X for X (n, k): the convolution without bias, column by column."""
        padded = np.vstack([X, np.zeros((1, X.shape[1]))])  # index −1 reads the zero row
        patches = padded[self.index]  # (P, C_in·K, k)
        W = self.weights.reshape(self.weights.shape[0], -1)  # (C_out, C_in·K)
        out = np.einsum("ok,pkj->opj", W, patches)  # (C_out, P, k)
        return out.reshape(-1, X.shape[1])

    def _adjoint(self, Y: np.ndarray) -> np.ndarray:
        """Y·J for Y (k, m): scatter each output's gradient back over its receptive field."""
        k = Y.shape[0]
        W = self.weights.reshape(self.weights.shape[0], -1)
        grads = np.einsum("jop,ok->jpk", Y.reshape(k, W.shape[0], -1), W)  # (k, P, C_in·K)
        n = int(np.prod(self.in_shape))
        flat = np.where(self.index < 0, n, self.index).ravel()  # padding gathers into a discarded slot
        out = np.array([np.bincount(flat, weights=grads[j].ravel(), minlength=n + 1) for j in range(k)])
        return out[:, :n]

    def forward(self, x):
        y = self._linear(np.asarray(x, dtype=float)[:, None])[:, 0]
        if self.bias is not None:
            y = y + np.repeat(self.bias, int(np.prod(self.out_spatial)))
        return y

    def jacobian(self, x):
        from ..chain.values import LinearMap

        assert self.n_in is not None and self.n_out is not None
        return LinearMap((self.n_out, self.n_in), self._linear, self._adjoint, macs=self.macs,
                         stored=int(self.weights.size), parts=(self.weights,))

    @property
    def macs(self) -> int:
        """Multiply-adds of one application: every output position's receptive field times C_out."""
        return int(self.weights.size * self.index.shape[0])

    def describe(self):
        c_out = self.weights.shape[0]
        shape_in = "·".join(map(str, self.in_shape))
        shape_out = "·".join(map(str, (c_out,) + tuple(self.out_spatial)))
        return f"{self.kind} ({shape_out}) × ({shape_in})"


@dataclass(eq=False)
class Residual(Layer):
    """x + inner(x): J = I + J_inner, the inner layers' product (the identity plus their chain)."""

    inner: list = field(default_factory=list)

    def forward(self, x):
        y = x
        for layer in self.inner:
            y = np.asarray(layer.forward(y), dtype=float)
        return x + self._kept(x, y)

    def _kept(self, x, y):
        """The inner layers' value, which must have the input's size (it is added to it)."""
        if y.shape != x.shape:
            raise SpecError(f"{self.name}: the inner layers map {x.size} values to {y.size}; a residual block "
                            "adds its input, so they must keep the size")
        return y

    def jacobian(self, x):
        """I + J_inner as a linear map: J·X = X + J_L(⋯(J_1·X)) and Y·J = Y + ((Y·J_L)⋯)·J_1, factor by
        factor, so a block of structured layers stays structured (one application costs n plus the inner
        factors' applications; nothing n×n is formed unless shown)."""
        from ..chain.core import shapes, times
        from ..chain.order import identity_plus
        from ..chain.values import LinearMap, as_array

        factors, here = [], x
        for layer in self.inner:
            factors.append(layer.jacobian(here))
            here = np.asarray(layer.forward(here), dtype=float)
        self._kept(x, here)

        def apply(X: np.ndarray) -> np.ndarray:
            Y = X
            for factor in factors:
                Y = as_array(times(factor, Y))
            return X + Y

        def apply_left(Y: np.ndarray) -> np.ndarray:
            Z = Y
            for factor in reversed(factors):
                Z = as_array(times(Z, factor))
            return Y + Z

        cost = identity_plus(x.size, shapes(factors))
        assert cost.apply is not None and cost.stored is not None
        return LinearMap((x.size, x.size), apply, apply_left, macs=cost.apply, stored=cost.stored,
                         parts=tuple(factors))

    def describe(self):
        return "residual: identity + (" + " → ".join(layer.describe() for layer in self.inner) + ")"


@dataclass(eq=False)
class Elementwise(Layer):
    activation: str = "tanh"
    fn: Callable = np.tanh
    dfn: Callable = np.tanh

    def forward(self, x):
        with np.errstate(all="ignore"):
            return self.fn(x)

    def jacobian(self, x):
        with np.errstate(all="ignore"):
            d = np.asarray(self.dfn(x), dtype=float) * np.ones_like(x)
        return Diagonal(d)

    def describe(self):
        return f"element-wise {self.activation}"


@dataclass(eq=False)
class FunctionLayer(Layer):
    function: VectorFunction | None = None  # always given (function_layer); a default because Layer's fields have them
    _compiled: tuple | None = None

    @property
    def spec(self) -> VectorFunction:
        assert self.function is not None
        return self.function

    def _compile(self):
        if self._compiled is None:
            from ..calculus.derivatives import jacobian_matrix
            from ..chain.numeric import CompiledMatrix

            fn = self.spec
            outputs = CompiledMatrix(_column(fn), fn.symbols)
            self._compiled = (lambda *x: outputs(*[np.array([v]) for v in x])[0, :, 0],
                              CompiledMatrix(jacobian_matrix(fn), fn.symbols))
        return self._compiled

    def forward(self, x):
        if self.spec.engine == "symengine":  # one point: substituting beats compiling
            return self._values(_column(self.spec), x)[:, 0]
        outputs, _ = self._compile()
        with np.errstate(all="ignore"):
            return np.asarray(outputs(*x), dtype=float)

    def jacobian(self, x):
        if self.spec.engine == "symengine":
            from ..calculus.derivatives import jacobian_matrix

            matrix = self._values(jacobian_matrix(self.spec), x)
        else:
            _, J = self._compile()
            matrix = J(*[np.array([v]) for v in x])[0]
        return matrix

    def _values(self, matrix, x) -> np.ndarray:
        from ..chain.fast import values_at

        fn = self.spec
        values = values_at(matrix, fn.inputs, x, lambda i, j: f"{fn.name}: entry ({i + 1}, {j + 1})")
        if any(isinstance(v, complex) for row in values for v in row):
            raise MathError(f"{fn.name} has a complex value at the point it sees", hint="the point is outside its real domain")
        return np.array(values, dtype=float)

    def describe(self):
        return f"function {self.spec.signature}"


@dataclass(eq=False)
class Network:
    """A chain of layers in application order (a spec file with ``layers:``)."""

    name: str
    layers: list[Layer]
    origin: str = ""
    notes: tuple[str, ...] = ()

    @property
    def n(self) -> int | None:
        for layer in self.layers:
            if layer.n_in is not None:
                return layer.n_in
            if layer.kind != "elementwise":
                return None
        return None


def _column(fn):
    """The outputs of ``fn`` as an m×1 matrix for the engine ``fn`` uses."""
    if fn.engine == "symengine":
        from ..chain.fast import FastMatrix, fast_exprs, to_symengine

        cache: dict = {}
        exprs = fast_exprs(fn.outputs) or [to_symengine(e, cache) for e in fn.outputs]
        return FastMatrix([[e] for e in exprs])
    import sympy as sp

    return sp.Matrix(fn.outputs)


def function_layer(fn) -> FunctionLayer:
    return FunctionLayer(fn.name, "function", fn.n, fn.m, function=fn)


# ---------------------------------------------------------------------------
# The layer file

FunctionReader = Callable[..., VectorFunction]  # spec.from_yaml_mapping: the loader reads a function layer


def network_from_yaml(data: dict, origin: str, default_name: str, read_function: FunctionReader) -> Network:
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
    _check_sizes(layers, origin)
    return Network(str(name), layers, origin)


def _layer(kind: str, item: dict, label: str, base: Path, where: str, read_function: FunctionReader) -> Layer:
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
        _check_sizes(inner, where)
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


def _conv(kind: str, item: dict, label: str, base: Path, where: str) -> Conv:
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


def load_tensor(value, base: Path, where: str, ndim: int) -> np.ndarray:
    """A tensor of ``ndim`` dimensions (convolution weights): .npy or a named tensor of .npz/.safetensors."""
    from ..parse.arrays import load_array as load

    if isinstance(value, list):
        array = np.asarray(value, dtype=float)
    else:
        array = load(value, base, where, ndim)
    if array.ndim != ndim:
        raise SpecError(f"expected {ndim} dimensions, got shape {array.shape}", where=where)
    return array


def _activation_expression(text: str, where: str) -> tuple[Callable, Callable]:
    """σ written in jac's language in z: compiled σ and σ′ (sympy is used here only)."""
    import sympy as sp

    from ..calculus.special import clean_derivative
    from ..chain.numeric import compile_exprs
    from ..core.errors import ParseError
    from ..parse import grammar

    try:
        expr = grammar.parse(text, ("z",))
    except ParseError as err:
        raise err.located(f"{where}: activation") from None
    z = grammar.symbol("z")
    f = compile_exprs([expr], [z])
    df = compile_exprs([clean_derivative(sp.diff(expr, z))], [z])
    return (lambda v: np.asarray(f(v)[0], dtype=float) * np.ones_like(v),
            lambda v: np.asarray(df(v)[0], dtype=float) * np.ones_like(v))


def _check_sizes(layers: Sequence[Layer], origin: str) -> None:
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


