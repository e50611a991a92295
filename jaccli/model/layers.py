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
from typing import TYPE_CHECKING, Any, Callable, cast

import numpy as np

from ..chain.core import shapes, times
from ..chain.order import identity_plus
from ..chain.values import Diagonal, DiagPlusRank1, LinearMap, as_array
from ..core.errors import MathError, SpecError
from .function import VectorFunction

if TYPE_CHECKING:
    import numpy.typing as npt

    from ..chain.numeric import CompiledMatrix

    FloatArray = npt.NDArray[np.float64]

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

def _sigmoid(z: FloatArray) -> FloatArray:
    e = np.exp(-np.abs(z))
    return cast("FloatArray", np.where(z >= 0, 1 / (1 + e), e / (1 + e)))


def _relu_prime(z: FloatArray) -> FloatArray:
    if np.any(z == 0):
        raise MathError("relu is not differentiable at 0, and an input of this relu layer is exactly 0",
                        hint="the one-sided derivatives are 0 and 1; choose a point off the kink")
    return (z > 0).astype(float)


ACTIVATIONS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
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

    def forward(self, x: FloatArray) -> FloatArray:  # pragma: no cover - abstract
        raise NotImplementedError

    def jacobian(self, x: FloatArray) -> FloatArray | Diagonal | DiagPlusRank1 | LinearMap:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(eq=False)
class Linear(Layer):
    W: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    b: FloatArray | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        y = self.W @ x
        return y + self.b if self.b is not None else y

    def jacobian(self, x: FloatArray) -> FloatArray:
        return self.W

    def describe(self) -> str:
        return f"linear {self.W.shape[0]}×{self.W.shape[1]}" + (" + bias" if self.b is not None else "")


def _softmax(x: FloatArray) -> FloatArray:
    e = np.exp(x - np.max(x))
    return cast("FloatArray", e / e.sum())


@dataclass(eq=False)
class Softmax(Layer):
    """s = softmax(x); J = diag(s) − s·sᵀ, kept as diagonal plus rank one (O(n) per vector product)."""

    def forward(self, x: FloatArray) -> FloatArray:
        return _softmax(x)

    def jacobian(self, x: FloatArray) -> DiagPlusRank1:
        s = _softmax(x)
        return DiagPlusRank1(s, -s, s)

    def describe(self) -> str:
        return "softmax"


@dataclass(eq=False)
class LogSoftmax(Layer):
    """x − logsumexp(x); J = I − 1·softmax(x)ᵀ (diagonal plus rank one)."""

    def forward(self, x: FloatArray) -> FloatArray:
        m = np.max(x)
        return cast("FloatArray", x - (m + np.log(np.sum(np.exp(x - m)))))

    def jacobian(self, x: FloatArray) -> DiagPlusRank1:
        ones = np.ones_like(x, dtype=float)
        return DiagPlusRank1(ones, -ones, _softmax(x))

    def describe(self) -> str:
        return "log-softmax"


@dataclass(eq=False)
class Loss(Layer):
    """A scalar loss ending a chain: cross_entropy of probabilities q (−Σ pᵢ log qᵢ), nll of
    log-probabilities ℓ (−Σ pᵢ ℓᵢ), mse (mean of (xᵢ − tᵢ)²); p is a one-hot class or a probability
    vector. J is one row: −p/q, −p, 2(x − t)/n. After softmax, cross_entropy's gradient with respect to
    the logits comes out of the chain as softmax(z) − p."""

    target: FloatArray = field(default_factory=lambda: np.zeros(0))
    label: str = ""
    index: int | None = None  # a class index (from 0): the target is one-hot

    def _p(self, x: FloatArray) -> FloatArray:
        if self.index is None:
            if self.target.size != x.size:
                raise SpecError(f"{self.name}: the target has {self.target.size} entries but the loss sees {x.size}")
            return self.target
        if self.index >= x.size:
            raise SpecError(f"{self.name}: class {self.index} does not exist among {x.size} (they count from 0)")
        p = np.zeros(x.size)
        p[self.index] = 1.0
        return p

    def forward(self, x: FloatArray) -> FloatArray:
        p = self._p(x)
        if self.kind == "cross_entropy":
            if np.any(x[p != 0] <= 0):
                raise MathError("cross_entropy needs probabilities > 0 where the target is", hint="put softmax first")
            with np.errstate(divide="ignore"):
                return np.array([-float(np.sum(p * np.where(p != 0, np.log(np.where(p != 0, x, 1.0)), 0.0)))])
        if self.kind == "nll":
            return np.array([-float(np.dot(p, x))])
        return np.array([float(np.mean((x - p) ** 2))])

    def jacobian(self, x: FloatArray) -> FloatArray:
        p = self._p(x)
        if self.kind == "cross_entropy":
            return (-p / np.where(p != 0, x, 1.0))[None, :]
        if self.kind == "nll":
            return -p[None, :]
        return (2 * (x - p) / x.size)[None, :]

    def describe(self) -> str:
        return f"{self.kind.replace('_', '-')} loss ({self.label})"


@dataclass(eq=False)
class Affine(Layer):
    """Element-wise x ↦ a ⊙ x + c: dropout in inference (a = 1) and batch normalisation in inference
    (a = γ/√(var + ε), c = β − a·mean). J = diag(a)."""

    scale: FloatArray = field(default_factory=lambda: np.zeros(0))
    shift: FloatArray = field(default_factory=lambda: np.zeros(0))
    label: str = ""

    def forward(self, x: FloatArray) -> FloatArray:
        return self.scale * x + self.shift

    def jacobian(self, x: FloatArray) -> Diagonal:
        return Diagonal(self.scale * np.ones_like(x, dtype=float))

    def describe(self) -> str:
        return self.label


@dataclass(eq=False)
class LayerNorm(Layer):
    """y = γ ⊙ (x − mean)/σ + β, σ = √(var + ε) over the vector's own entries; J = diag(γ)/σ ·
    (I − 11ᵀ/n − x̂x̂ᵀ/n) (dense: it mixes every entry)."""

    gamma: FloatArray = field(default_factory=lambda: np.zeros(0))
    beta: FloatArray = field(default_factory=lambda: np.zeros(0))
    eps: float = 1e-5

    def _normalised(self, x: FloatArray) -> tuple[FloatArray, Any]:
        sigma = np.sqrt(np.var(x) + self.eps)
        return (x - np.mean(x)) / sigma, sigma

    def forward(self, x: FloatArray) -> FloatArray:
        xhat, _ = self._normalised(x)
        return self.gamma * xhat + self.beta

    def jacobian(self, x: FloatArray) -> FloatArray:
        n = x.size
        xhat, sigma = self._normalised(x)
        inner = np.eye(n) - np.ones((n, n)) / n - np.outer(xhat, xhat) / n
        return cast("FloatArray", (self.gamma / sigma)[:, None] * inner)

    def describe(self) -> str:
        return f"layernorm ({self.gamma.size})"


def conv_indices(in_shape: tuple[int, ...], kernel: tuple[int, ...], stride: int,
                 padding: int) -> tuple[npt.NDArray[np.integer[Any]], tuple[int, ...]]:
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

    weights: FloatArray = field(default_factory=lambda: np.zeros(0))
    bias: FloatArray | None = None
    index: npt.NDArray[np.integer[Any]] = field(default_factory=lambda: np.zeros(0, dtype=int))  # (P, C_in·K), −1: padding
    out_spatial: tuple[int, ...] = ()
    in_shape: tuple[int, ...] = ()

    def _linear(self, X: FloatArray) -> FloatArray:
        """J·X for X (n, k): the convolution without bias, column by column."""
        padded = np.vstack([X, np.zeros((1, X.shape[1]))])  # index −1 reads the zero row
        patches = padded[self.index]  # (P, C_in·K, k)
        W = self.weights.reshape(self.weights.shape[0], -1)  # (C_out, C_in·K)
        out = np.einsum("ok,pkj->opj", W, patches)  # (C_out, P, k)
        return cast("FloatArray", out.reshape(-1, X.shape[1]))

    def _adjoint(self, Y: FloatArray) -> FloatArray:
        """Y·J for Y (k, m): scatter each output's gradient back over its receptive field."""
        k = Y.shape[0]
        W = self.weights.reshape(self.weights.shape[0], -1)
        grads = np.einsum("jop,ok->jpk", Y.reshape(k, W.shape[0], -1), W)  # (k, P, C_in·K)
        n = int(np.prod(self.in_shape))
        flat = np.where(self.index < 0, n, self.index).ravel()  # padding gathers into a discarded slot
        out = np.array([np.bincount(flat, weights=grads[j].ravel(), minlength=n + 1) for j in range(k)])
        return out[:, :n]

    def forward(self, x: FloatArray) -> FloatArray:
        y = self._linear(np.asarray(x, dtype=float)[:, None])[:, 0]
        if self.bias is not None:
            y = y + np.repeat(self.bias, int(np.prod(self.out_spatial)))
        return y

    def jacobian(self, x: FloatArray) -> LinearMap:
        assert self.n_in is not None and self.n_out is not None
        return LinearMap((self.n_out, self.n_in), self._linear, self._adjoint, macs=self.macs,
                         stored=int(self.weights.size), parts=(self.weights,))

    @property
    def macs(self) -> int:
        """Multiply-adds of one application: every output position's receptive field times C_out."""
        return int(self.weights.size * self.index.shape[0])

    def describe(self) -> str:
        c_out = self.weights.shape[0]
        shape_in = "·".join(map(str, self.in_shape))
        shape_out = "·".join(map(str, (c_out,) + tuple(self.out_spatial)))
        return f"{self.kind} ({shape_out}) × ({shape_in})"


@dataclass(eq=False)
class Residual(Layer):
    """x + inner(x): J = I + J_inner, the inner layers' product (the identity plus their chain)."""

    inner: list[Layer] = field(default_factory=list)

    def forward(self, x: FloatArray) -> FloatArray:
        y = x
        for layer in self.inner:
            y = np.asarray(layer.forward(y), dtype=float)
        return x + self._kept(x, y)

    def _kept(self, x: FloatArray, y: FloatArray) -> FloatArray:
        """The inner layers' value, which must have the input's size (it is added to it)."""
        if y.shape != x.shape:
            raise SpecError(f"{self.name}: the inner layers map {x.size} values to {y.size}; a residual block "
                            "adds its input, so they must keep the size")
        return y

    def jacobian(self, x: FloatArray) -> LinearMap:
        """I + J_inner as a linear map: J·X = X + J_L(⋯(J_1·X)) and Y·J = Y + ((Y·J_L)⋯)·J_1, factor by
        factor, so a block of structured layers stays structured (one application costs n plus the inner
        factors' applications; nothing n×n is formed unless shown)."""

        factors, here = [], x
        for layer in self.inner:
            factors.append(layer.jacobian(here))
            here = np.asarray(layer.forward(here), dtype=float)
        self._kept(x, here)

        def apply(X: FloatArray) -> FloatArray:
            Y = X
            for factor in factors:
                Y = as_array(times(factor, Y))
            return X + Y

        def apply_left(Y: FloatArray) -> FloatArray:
            Z = Y
            for factor in reversed(factors):
                Z = as_array(times(Z, factor))
            return Y + Z

        cost = identity_plus(x.size, shapes(factors))
        assert cost.apply is not None and cost.stored is not None
        return LinearMap((x.size, x.size), apply, apply_left, macs=cost.apply, stored=cost.stored,
                         parts=tuple(factors))

    def describe(self) -> str:
        return "residual: identity + (" + " → ".join(layer.describe() for layer in self.inner) + ")"


@dataclass(eq=False)
class Elementwise(Layer):
    activation: str = "tanh"
    fn: Callable[..., Any] = np.tanh
    dfn: Callable[..., Any] = np.tanh

    def forward(self, x: FloatArray) -> FloatArray:
        with np.errstate(all="ignore"):
            return cast("FloatArray", self.fn(x))

    def jacobian(self, x: FloatArray) -> Diagonal:
        with np.errstate(all="ignore"):
            d = np.asarray(self.dfn(x), dtype=float) * np.ones_like(x)
        return Diagonal(d)

    def describe(self) -> str:
        return f"element-wise {self.activation}"


@dataclass(eq=False)
class FunctionLayer(Layer):
    function: VectorFunction | None = None  # always given (function_layer); a default because Layer's fields have them
    _compiled: tuple[Callable[..., FloatArray], CompiledMatrix] | None = None

    @property
    def spec(self) -> VectorFunction:
        assert self.function is not None
        return self.function

    def _compile(self) -> tuple[Callable[..., FloatArray], CompiledMatrix]:
        if self._compiled is None:
            # deferred: loads sympy, which the rest of this module does not need
            from ..chain.numeric import CompiledMatrix
            from .jacobian import jacobian_matrix

            fn = self.spec
            outputs = CompiledMatrix(_column(fn), fn.symbols)
            self._compiled = (lambda *x: outputs(*[np.array([v]) for v in x])[0, :, 0],
                              CompiledMatrix(jacobian_matrix(fn), fn.symbols))
        return self._compiled

    def forward(self, x: FloatArray) -> FloatArray:
        if self.spec.engine == "symengine":  # one point: substituting beats compiling
            return self._values(_column(self.spec), x)[:, 0]
        outputs, _ = self._compile()
        with np.errstate(all="ignore"):
            return np.asarray(outputs(*x), dtype=float)

    def jacobian(self, x: FloatArray) -> FloatArray:
        if self.spec.engine == "symengine":
            # deferred: loads sympy, which the rest of this module does not need
            from .jacobian import jacobian_matrix

            matrix = self._values(jacobian_matrix(self.spec), x)
        else:
            _, J = self._compile()
            matrix = J(*[np.array([v]) for v in x])[0]
        return matrix

    def _values(self, matrix: Any, x: FloatArray) -> FloatArray:
        # deferred: loads sympy, which the rest of this module does not need
        from ..chain.fast import values_at

        fn = self.spec
        values = values_at(matrix, fn.inputs, x, lambda i, j: f"{fn.name}: entry ({i + 1}, {j + 1})")
        if any(isinstance(v, complex) for row in values for v in row):
            raise MathError(f"{fn.name} has a complex value at the point it sees", hint="the point is outside its real domain")
        return np.array(values, dtype=float)

    def describe(self) -> str:
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


def _column(fn: VectorFunction) -> Any:
    """The outputs of ``fn`` as an m×1 matrix for the engine ``fn`` uses."""
    if fn.engine == "symengine":
        # deferred: loads sympy, which the rest of this module does not need
        from ..chain.fast import FastMatrix, fast_exprs, to_symengine

        cache: dict[Any, Any] = {}
        exprs = fast_exprs(fn.outputs) or [to_symengine(e, cache) for e in fn.outputs]
        return FastMatrix([[e] for e in exprs])
    # deferred: sympy is heavy at start-up
    import sympy as sp

    return sp.Matrix(fn.outputs)


def function_layer(fn: VectorFunction) -> FunctionLayer:
    return FunctionLayer(fn.name, "function", fn.n, fn.m, function=fn)
