"""Layer chains (neural networks): linear layers, element-wise activations and
general function layers, evaluated numerically.

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

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .errors import MathError, SpecError

LAYER_KEYS = {
    "linear": {"kind", "name", "matrix", "bias"},
    "elementwise": {"kind", "name", "activation"},
    "function": {"kind", "name", "inputs", "outputs"},
}
MAX_ARRAY_BYTES = 1 << 30


# ---------------------------------------------------------------------------
# Factors: a Jacobian that is dense or diagonal

@dataclass
class Factor:
    """J of one layer at its point: ``matrix`` (dense) or ``diag`` (a vector)."""

    rows: int
    cols: int
    matrix: np.ndarray | None = None
    diag: np.ndarray | None = None

    @property
    def diagonal(self) -> bool:
        return self.diag is not None

    @property
    def structure(self) -> str:
        return "diagonal" if self.diagonal else "dense"

    def dense(self) -> np.ndarray:
        return np.diag(self.diag) if self.diagonal else self.matrix  # type: ignore[return-value,arg-type]

    def shape(self):
        from .chainorder import Shape

        return Shape(self.rows, self.cols, self.diagonal)


def times(a: Factor, b: Factor) -> Factor:
    """a·b, keeping diagonals diagonal and never forming diag(d) densely."""
    if a.diagonal and b.diagonal:
        return Factor(a.rows, b.cols, diag=a.diag * b.diag)
    if a.diagonal:
        return Factor(a.rows, b.cols, matrix=a.diag[:, None] * b.matrix)
    if b.diagonal:
        return Factor(a.rows, b.cols, matrix=a.matrix * b.diag[None, :])
    return Factor(a.rows, b.cols, matrix=a.matrix @ b.matrix)


def multiply_tree(tree, factors: Sequence[Factor]) -> Factor:
    """The product in the bracketing of a chainorder plan (leaves: application-order indices)."""
    if isinstance(tree, int):
        return factors[tree]
    left, right = tree
    return times(multiply_tree(left, factors), multiply_tree(right, factors))


def vjp(factors: Sequence[Factor], v: np.ndarray) -> np.ndarray:
    """vᵀ J from the output side (reverse mode): only a row vector is held."""
    for f in reversed(factors):
        v = v * f.diag if f.diagonal else v @ f.matrix
    return v


def jvp(factors: Sequence[Factor], v: np.ndarray) -> np.ndarray:
    """J v from the input side (forward mode): only a column vector is held."""
    for f in factors:
        v = f.diag * v if f.diagonal else f.matrix @ v
    return v


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

    def jacobian(self, x: np.ndarray) -> Factor:  # pragma: no cover - abstract
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
        return Factor(self.W.shape[0], self.W.shape[1], matrix=self.W)

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
        return Factor(x.size, x.size, diag=d)

    def describe(self):
        return f"element-wise {self.activation}"


@dataclass
class FunctionLayer(Layer):
    function: Any = None  # spec.VectorFunction
    _compiled: tuple | None = None

    def _compile(self):
        if self._compiled is None:
            from .calculus import jacobian_matrix
            from .numeric import CompiledMatrix

            fn = self.function
            outputs = CompiledMatrix(_column(fn), fn.symbols)
            self._compiled = (lambda *x: outputs(*[np.array([v]) for v in x])[0, :, 0],
                              CompiledMatrix(jacobian_matrix(fn), fn.symbols))
        return self._compiled

    def forward(self, x):
        if self.function.engine == "symengine":  # one point: substituting beats compiling
            return self._values(_column(self.function), x)[:, 0]
        outputs, _ = self._compile()
        with np.errstate(all="ignore"):
            return np.asarray(outputs(*x), dtype=float)

    def jacobian(self, x):
        if self.function.engine == "symengine":
            from .calculus import jacobian_matrix

            matrix = self._values(jacobian_matrix(self.function), x)
        else:
            _, J = self._compile()
            matrix = J(*[np.array([v]) for v in x])[0]
        return Factor(matrix.shape[0], matrix.shape[1], matrix=matrix)

    def _values(self, matrix, x) -> np.ndarray:
        from .fast import values_at

        fn = self.function
        values = values_at(matrix, fn.inputs, x, lambda i, j: f"{fn.name}: entry ({i + 1}, {j + 1})")
        if any(isinstance(v, complex) for row in values for v in row):
            raise MathError(f"{fn.name} has a complex value at the point it sees", hint="the point is outside its real domain")
        return np.array(values, dtype=float)

    def describe(self):
        return f"function {self.function.signature}"


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
        from .fast import FastMatrix, to_symengine

        cache: dict = {}
        return FastMatrix([[to_symengine(e, cache)] for e in fn.outputs])
    import sympy as sp

    return sp.Matrix(fn.outputs)


def function_layer(fn) -> FunctionLayer:
    return FunctionLayer(fn.name, "function", fn.n, fn.m, function=fn)


# ---------------------------------------------------------------------------
# Loading

def load_array(value: Any, base: Path, where: str, ndim: int) -> np.ndarray:
    """A matrix (ndim 2) or vector (ndim 1): inline YAML rows, .npy, .csv or .txt."""
    if isinstance(value, str):
        path = (base / value) if not Path(value).is_absolute() else Path(value)
        if not path.is_file():
            raise SpecError(f"no such file: {path}", where=where, hint="paths are relative to the YAML file")
        if path.stat().st_size > MAX_ARRAY_BYTES:
            raise SpecError(f"{path} is larger than {MAX_ARRAY_BYTES:,} bytes", where=where)
        try:
            if path.suffix.lower() == ".npy":
                array = np.load(path, allow_pickle=False)  # never unpickle: .npy only
            else:
                delimiter = "," if path.suffix.lower() == ".csv" else None
                array = np.loadtxt(path, delimiter=delimiter, ndmin=ndim, dtype=float)
        except (ValueError, OSError) as exc:
            raise SpecError(f"cannot read {path}: {exc}", where=where,
                            hint="use a .npy file, or .csv/.txt with numbers only") from None
    else:
        if not isinstance(value, list) or any(isinstance(v, bool) for v in _flat(value)):
            raise SpecError(f"expected {'rows of numbers' if ndim == 2 else 'a list of numbers'} or a file name",
                            where=where)
        try:
            array = np.array(value, dtype=float)
        except (ValueError, TypeError):
            raise SpecError("inline values must be numbers (rows of equal length)", where=where) from None
    if array.dtype.kind not in "fiu":
        raise SpecError(f"the array has dtype {array.dtype}, not numbers", where=where)
    array = np.asarray(array, dtype=float)
    if ndim == 1 and array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != ndim:
        raise SpecError(f"expected a {'matrix' if ndim == 2 else 'vector'}, got an array of shape {array.shape}",
                        where=where)
    if not np.isfinite(array).all():
        raise SpecError("the array contains nan or inf", where=where)
    return array


def _flat(value):
    if isinstance(value, list):
        for v in value:
            yield from _flat(v)
    else:
        yield value


def network_from_yaml(data: dict, origin: str, default_name: str) -> Network:
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
        layers.append(_layer(kind, item, label, base, where))
    _check_sizes(layers, origin)
    return Network(str(name), layers, origin)


def _layer(kind: str, item: dict, label: str, base: Path, where: str) -> Layer:
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
    from .spec import from_yaml_mapping

    fn = from_yaml_mapping({k: v for k, v in item.items() if k in ("inputs", "outputs")}, origin=where,
                           default_name=label.replace(".", "_"))
    return function_layer(fn)


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


# ---------------------------------------------------------------------------
# Evaluation

@dataclass
class Step:
    layer: Layer
    at: np.ndarray  # the point this layer sees
    output: np.ndarray
    factor: Factor


def evaluate(layers: Sequence[Layer], x0: np.ndarray) -> list[Step]:
    """Run the chain forward once, recording each layer's point and Jacobian factor."""
    from .progress import progress

    steps: list[Step] = []
    x = np.asarray(x0, dtype=float)
    with progress("evaluating the layers", len(layers)) as bar:
        for k, layer in enumerate(layers, start=1):
            steps.append(_step(k, layer, x))
            x = steps[-1].output
            bar.advance()
    return steps


def _step(k: int, layer: Layer, x: np.ndarray) -> Step:
    """One layer at the point it sees: its output and its Jacobian factor."""
    if layer.n_in is not None and layer.n_in != x.size:
        prev = f"layer {k - 1} gives" if k > 1 else "the point has"
        raise SpecError(f"layer {k} ({layer.describe()}) takes {layer.n_in} inputs but {prev} {x.size}",
                        hint="check the sizes of the point and the layers")
    factor = layer.jacobian(x)
    y = np.asarray(layer.forward(x), dtype=float)
    if not (np.isfinite(factor.dense() if not factor.diagonal else factor.diag).all() and np.isfinite(y).all()):
        raise MathError(f"layer {k} ({layer.describe()}) is undefined or overflows at the point it sees",
                        hint="a value is infinite or not a number there; check the inputs and weights")
    return Step(layer, x, y, factor)


def summary(values: np.ndarray) -> str:
    """``256 values in [-0.93, 0.97], mean 0.012, ‖·‖ = 3.1``."""
    v = np.asarray(values, dtype=float).ravel()
    if v.size == 0:
        return "empty"
    return (f"{v.size} value{'s' if v.size != 1 else ''} in [{v.min():.3g}, {v.max():.3g}], mean {v.mean():.3g}, "
            f"‖·‖ = {math.sqrt(float(v @ v)):.3g}")


# ---------------------------------------------------------------------------
# The chain rule over a layer chain, numerically

MAX_DENSE_ENTRIES = 50_000_000  # a full J larger than this is not formed (use --vjp/--jvp)


@dataclass
class NetworkResult:
    """A layer chain (with any function specs) at a point: every layer's point
    and factor, and what was asked for: the full J, vᵀJ, J·v or ∇."""

    kind = "network"  # what render() dispatches on

    name: str
    trace: list[Step]
    point: np.ndarray
    inputs: tuple[str, ...]
    plan: Any = None  # chainorder.Plan actually used
    alternatives: dict = field(default_factory=dict)  # forward/reverse/optimal plans of the full product
    jacobian: np.ndarray | None = None
    vjp: np.ndarray | None = None
    jvp: np.ndarray | None = None
    grad: np.ndarray | None = None
    determinant: dict | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.trace[-1].output.size, self.point.size)

    @property
    def factors(self) -> list[Factor]:
        return [s.factor for s in self.trace]


def flatten(items: Sequence[Any]) -> tuple[list[Layer], str]:
    """Networks and function specs (application order) → layers, and a name like mlp∘encoder."""
    layers: list[Layer] = []
    names: list[str] = []
    for item in items:
        if isinstance(item, Network):
            layers.extend(item.layers)
        else:
            layers.append(function_layer(item))
        names.append(item.name)
    return layers, "∘".join(reversed(names))


def _vector(v: np.ndarray | Sequence[float], size: int, what: str) -> np.ndarray:
    v = np.asarray(v, dtype=float).ravel()
    if v.size != size:
        raise SpecError(f"{what} has {v.size} entries but must have {size}",
                        hint=f"{what} has one entry per {'output' if what == '--vjp' else 'input'}")
    if not np.isfinite(v).all():
        raise SpecError(f"{what} contains nan or inf")
    return v


def run_chain(items: Sequence[Any], x0: Sequence[float], *, vjp_vector=None, jvp_vector=None,
              grad: bool = False, inputs: Sequence[str] | None = None, determinant: bool = True) -> NetworkResult:
    """Evaluate the chain at ``x0`` and compute, multiplying in the cheapest order
    found: vᵀJ (``vjp_vector``), J·v (``jvp_vector``), ∇ = Jᵀ (``grad``, scalar
    output), or else the full Jacobian (and, when square and ``determinant``,
    its determinant with log|det| per factor)."""
    from . import chainorder

    layers, name = flatten(items)
    x0 = np.asarray(x0, dtype=float).ravel()
    trace = evaluate(layers, x0)
    result = NetworkResult(name, trace, x0, tuple(inputs) if inputs else tuple(f"x{k + 1}" for k in range(x0.size)))
    factors = result.factors
    names = [f"J{k + 1}" for k in range(len(factors))]
    shapes = [f.shape() for f in factors]
    m, n = result.shape
    result.alternatives = chainorder.plans(shapes, names)

    def cheapest(extra_first: Factor | None, extra_last: Factor | None, label_first: str = "", label_last: str = ""):
        chain = ([extra_first] if extra_first else []) + factors + ([extra_last] if extra_last else [])
        labels = ([label_first] if extra_first else []) + names + ([label_last] if extra_last else [])
        plan = chainorder.optimal([f.shape() for f in chain], labels)
        return plan, multiply_tree(plan.tree, chain)

    if grad:
        if m != 1:
            raise SpecError(f"--grad needs a scalar output, but the chain has {m} outputs",
                            hint="use --vjp V with one entry per output")
        vjp_vector = np.ones(1)
    if vjp_vector is not None:
        v = _vector(vjp_vector, m, "--vjp")
        result.plan, product = cheapest(None, Factor(1, m, matrix=v[None, :]), "", "vᵀ")
        row = product.dense().ravel()
        if grad:
            result.grad = row
        else:
            result.vjp = row
    if jvp_vector is not None:
        v = _vector(jvp_vector, n, "--jvp")
        plan, product = cheapest(Factor(n, 1, matrix=v[:, None]), None, "v", "")
        result.jvp = product.dense().ravel()
        result.plan = result.plan or plan
    if vjp_vector is None and jvp_vector is None:
        if m * n > MAX_DENSE_ENTRIES:
            result.notes.append(f"the full J would have {m * n:,} entries; it was not formed. "
                                "Use --vjp V (reverse mode) or --jvp V (forward mode)")
        else:
            result.plan = result.alternatives["optimal"]
            J = multiply_tree(result.plan.tree, factors)
            result.jacobian = J.dense()
            if m == n and determinant:
                result.determinant = _determinant(result.jacobian, factors)
    return result


def _determinant(J: np.ndarray, factors: Sequence[Factor]) -> dict:
    """det, sign and log|det| (from slogdet, not the log of a rounded det: a value that does not
    fit in a double is None, never a false 0); for a chain of square factors also each factor's
    log|det|, which add up to the total."""
    from .numbers import slogdet

    sign, log_abs, value = slogdet(J)
    out = {"value": value, "sign": sign, "log_abs": log_abs, "factors": None,
           "singular": sign == 0 or bool(_numerically_singular(J))}
    if all(f.rows == f.cols for f in factors):
        parts = []
        for f in factors:
            if f.diagonal:
                d = f.diag
                parts.append(float(np.sum(np.log(np.abs(d)))) if np.all(d != 0) else float("-inf"))
            else:
                parts.append(slogdet(f.matrix)[1] if slogdet(f.matrix)[0] != 0 else float("-inf"))
        out["factors"] = parts
    return out


def _numerically_singular(J: np.ndarray) -> bool:
    from .numbers import numerically_singular

    return numerically_singular(J)


def numeric_point(text: str, what: str = "--at") -> np.ndarray:
    """``@FILE`` (.npy, .csv, text) or ``1,2,3`` (or constants like pi/4) as a float vector."""
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise SpecError(f"{what} {text}: no such file", hint=f"write {what} @x.npy for values stored in a file")
        return load_array(str(path.resolve()), Path("."), f"{what} {text}", 1)
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        from .evaluate import parse_point_text

        items = parse_point_text(text)
        if any(item.name is not None for item in items):
            raise SpecError(f"{what}: give the values in order (names are for single points of function specs)",
                            hint=f"e.g. {what} 0.5,-1,2 or {what} @x.npy") from None
        values = [float(item.value.evalf(17)) for item in items]
    array = np.array(values, dtype=float)
    if not np.isfinite(array).all():
        raise SpecError(f"{what}: values must be finite numbers")
    return array
