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

from .arrays import load_array
from .errors import MathError, SpecError
from .function import VectorFunction
from .values import Diagonal

LAYER_KEYS = {
    "linear": {"kind", "name", "matrix", "bias"},
    "elementwise": {"kind", "name", "activation"},
    "function": {"kind", "name", "inputs", "outputs"},
}

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

@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
class FunctionLayer(Layer):
    function: VectorFunction | None = None  # always given (function_layer); a default because Layer's fields have them
    _compiled: tuple | None = None

    @property
    def spec(self) -> VectorFunction:
        assert self.function is not None
        return self.function

    def _compile(self):
        if self._compiled is None:
            from .calculus import jacobian_matrix
            from .numeric import CompiledMatrix

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
            from .calculus import jacobian_matrix

            matrix = self._values(jacobian_matrix(self.spec), x)
        else:
            _, J = self._compile()
            matrix = J(*[np.array([v]) for v in x])[0]
        return matrix

    def _values(self, matrix, x) -> np.ndarray:
        from .fast import values_at

        fn = self.spec
        values = values_at(matrix, fn.inputs, x, lambda i, j: f"{fn.name}: entry ({i + 1}, {j + 1})")
        if any(isinstance(v, complex) for row in values for v in row):
            raise MathError(f"{fn.name} has a complex value at the point it sees", hint="the point is outside its real domain")
        return np.array(values, dtype=float)

    def describe(self):
        return f"function {self.spec.signature}"


@dataclass
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
        from .fast import FastMatrix, fast_exprs, to_symengine

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
            raise SpecError("each layer is a mapping with a 'kind' (linear, elementwise, function)", where=where)
        kind = item["kind"]
        if kind not in LAYER_KEYS:
            raise SpecError(f"unknown layer kind {kind!r}", where=where, hint="use linear, elementwise or function")
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


def _activation_expression(text: str, where: str) -> tuple[Callable, Callable]:
    """σ written in jac's language in z: compiled σ and σ′ (sympy is used here only)."""
    import sympy as sp

    from . import grammar
    from .errors import ParseError
    from .functions import clean_derivative
    from .numeric import compile_exprs

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
        if layer.n_in is not None and size is not None and layer.n_in != size:
            raise SpecError(f"layer {k} ({layer.describe()}) takes {layer.n_in} inputs but layer {k - 1} "
                            f"({source}) gives {size}", where=origin,
                            hint="each layer's output size must be the next layer's input size")
        if layer.n_out is not None:
            size = layer.n_out
        source = layer.describe()


