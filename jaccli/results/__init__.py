"""Result objects: typed dataclasses that ``run`` returns finished and the renderers draw.

A Jacobian is always the Jacobian of a chain — one function, a composition, a layer file, or any mix
— so ``jacobian`` and ``compose`` give the same JacobianResult whatever the engine and size: its
``factors`` are the functions and layers in application order, each evaluated at the point it sees.

This module holds the Jacobian's result types; the other jobs' are in ``check.py`` (check, a class's
answers), ``second_order.py`` (Hessian, Taylor, critical points, implicit functions) and ``tools.py``
(cost, codegen, plot, exercises), so a command imports only its own (start-up time).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence, Union

from ..chain.values import Evaluated, LinearMap  # noqa: F401  (Evaluated: one of the results' parts)
from ..core.commands import COMMANDS
from ..core.display import Displayable
from ..model.function import VectorFunction, space

if TYPE_CHECKING:
    import numpy as np
    import sympy as sp

    from ..calculus.evaluate import Point
    from ..calculus.steps import Derivations
    from ..chain.fast import FastMatrix
    from ..chain.numeric import Verification
    from ..chain.order import Plan
    from ..model.layers import Layer, Network
    from ..parse.arrays import NumericPoint

    Matrix = Union[sp.MatrixBase, FastMatrix]  # symbolic entries: sympy, or symengine's for large systems
    AnyPoint = Union[Point, NumericPoint]
    Item = Union[VectorFunction, Network]


@dataclass
class LinearStep:
    """One row of --step's table: f(x + h) − f(x) against J·h."""

    h: list[float]
    norm_h: float
    change: list[float]  # f(x + h) − f(x)
    linear: list[float]  # J·h
    ratio: float  # ‖f(x+h) − f(x) − J·h‖ / ‖h‖


class ChainProperties:
    """Names and sizes of a chain of functions held in ``self.functions`` (application order)."""

    functions: list[VectorFunction]

    @property
    def name(self) -> str:
        """``g∘f`` for f then g."""
        return "∘".join(fn.name for fn in reversed(self.functions))

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.functions[0].inputs

    @property
    def output_names(self) -> tuple[str, ...]:
        return self.functions[-1].output_names

    @property
    def shape(self) -> tuple[int, int]:
        return (self.functions[-1].m, self.functions[0].n)

    @property
    def signature(self) -> str:
        return f"{self.name}: {space(self.shape[1])} → {space(self.shape[0])}"


@dataclass
class Determinant:
    symbolic: sp.Expr | None = None  # None when skipped (too large) or with a point only
    exact: sp.Expr | None = None  # at the point, when exact
    value: float | None = None  # at the point; None when it does not fit in a double
    skipped: str | None = None  # why the symbolic determinant was not computed
    sign: float | None = None  # at the point: -1, 0 or +1
    log_abs: float | None = None  # at the point: log|det|, computed stably (None when det = 0)
    factor_log_abs: list[float] | None = None  # a chain of square factors: each one's log|det| (they add up)
    numerically_singular: bool = False  # a float matrix with σ_min/σ_max below numbers.SINGULAR
    withheld: str | None = None  # why it is not given (its sign would rest on an inferred input order)
    singular_exactly: bool = False  # det is exactly 0 (an exact zero, or an LU with a zero pivot)

    @property
    def singular(self) -> bool:
        return self.singular_exactly or (self.exact is not None and self.exact.is_zero is True) or \
            self.numerically_singular

    @property
    def at_point(self) -> bool:
        return self.value is not None or self.log_abs is not None or self.sign is not None


@dataclass
class Factor:
    """One function or layer of a chain: its Jacobian in its own inputs, and at the point it sees."""

    name: str
    inputs: tuple[str, ...]
    output_names: tuple[str, ...]
    function: VectorFunction | None = None  # a function spec (exact or symengine)
    layer: Layer | None = None  # a layer of a layer file (linear, element-wise, function)
    symbolic: Matrix | None = None  # J in its own inputs (function specs)
    point: AnyPoint | None = None  # the point this factor sees
    outputs: Evaluated | None = None  # its value there (a column): the next factor's point
    at: Evaluated | None = None  # J there

    def sympy_jacobian(self) -> sp.MatrixBase:
        """J as a sympy Matrix, where the path guarantees one (check and Hessians use sympy's engine)."""
        assert self.symbolic is not None and hasattr(self.symbolic, "xreplace"), "a sympy Jacobian was expected"
        return self.symbolic

    def exact_at(self) -> sp.MatrixBase:
        """J at the point, exactly, where the path guarantees it."""
        assert self.at is not None
        return self.at.exact_matrix()

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.output_names), len(self.inputs))

    @property
    def kind(self) -> str:
        """"function" for a function spec, else the layer's kind (linear, elementwise, function)."""
        return "function" if self.layer is None else self.layer.kind

    @property
    def structure(self) -> str:
        if self.layer is not None and self.layer.kind == "residual":
            return "identity + inner"
        if self.at is not None and self.at.diagonal:
            return "diagonal"
        if self.at is not None and type(self.at.value).__name__ == "DiagPlusRank1":
            return "diag + rank 1"
        if self.at is not None and type(self.at.value).__name__ == "LinearMap":
            return "convolution"
        return "dense"

    @property
    def signature(self) -> str:
        m, n = self.shape
        return f"{self.name}: {space(n)} → {space(m)}"

    @property
    def description(self) -> str:
        return self.signature if self.layer is None else self.layer.describe()


@dataclass
class VectorProducts:
    """Products through the chain without forming J: vᵀJ (reverse mode), J·v (forward mode), ∇ = Jᵀ·1."""

    vjp: np.ndarray | None = None
    jvp: np.ndarray | None = None
    grad: np.ndarray | None = None
    plan: Plan | None = None  # the order actually used


@dataclass(repr=False)
class JacobianResult(Displayable):
    """The Jacobian of a chain (application order), symbolic and/or at a point, with what was asked."""

    command: str  # "jacobian" or "compose": what was asked, which fixes the JSON schema
    items: list[Item]  # the SPECs as loaded: functions and layer files
    factors: list[Factor]
    symbolic: Matrix | None = None  # J in the first inputs (without a point; None when not formed)
    point: AnyPoint | None = None
    at: Evaluated | None = None
    determinant: Determinant | None = None  # None when J is not square
    multiplication: Plan | None = None  # how the factors were multiplied at the point
    costs: dict[str, Plan] = field(default_factory=dict)  # forward / reverse / optimal orders of the product
    products: VectorProducts | None = None  # with --vjp, --jvp, --grad
    steps: Derivations | None = None  # with --steps
    verification: Verification | None = None  # with --verify
    linearisation: list[LinearStep] | None = None  # with --step
    notes: list[str] = field(default_factory=list)

    @property
    def functions(self) -> list[VectorFunction]:
        """The function specs of the chain (layers excluded)."""
        return [item for item in self.items if isinstance(item, VectorFunction)]

    @property
    def function(self) -> VectorFunction:
        """The one function of a single-function result."""
        (fn,) = self.functions
        return fn

    @property
    def composed(self) -> bool:
        """Shown as a composition: several factors or layers, or asked as one (compose)."""
        return self.is_chain or COMMANDS[self.command].composes

    @property
    def is_chain(self) -> bool:
        """Several factors, or layers (a layer file is a chain even of one layer: it has no formula)."""
        return len(self.factors) > 1 or len(self.functions) != len(self.items)

    @property
    def name(self) -> str:
        return "∘".join(item.name for item in reversed(self.items))

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.factors[0].inputs

    @property
    def output_names(self) -> tuple[str, ...]:
        return self.factors[-1].output_names

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.output_names), len(self.inputs))

    @property
    def signature(self) -> str:
        return f"{self.name}: {space(self.shape[1])} → {space(self.shape[0])}"

    @property
    def shape_arithmetic(self) -> str:
        """``(3×2)·(2×2) → 3×2``, outer factor first."""
        parts = "·".join(f"({f.shape[0]}×{f.shape[1]})" for f in reversed(self.factors))
        return f"{parts} → {self.shape[0]}×{self.shape[1]}"


def factor_of(fn: VectorFunction, symbolic: Matrix | None = None) -> Factor:
    return Factor(fn.name, fn.inputs, fn.output_names, function=fn, symbolic=symbolic)


@functools.lru_cache(maxsize=1024)
def _indexed_names(name: str, size: int) -> tuple[str, ...]:
    """``dense[1]``, …, ``dense[n]``: a layer's output names (made once per layer and width)."""
    return tuple(f"{name}[{i + 1}]" for i in range(size))


@functools.lru_cache(maxsize=64)
def input_names(size: int) -> tuple[str, ...]:
    """``x1``, …, ``xn``: a layer chain's inputs (made once per width)."""
    return tuple(f"x{i + 1}" for i in range(size))


def factors_of(items: Sequence[Item], inputs: Sequence[str] | None = None) -> list[Factor]:
    """One Factor per function and per layer (a layer file contributes each of its layers)."""
    out: list[Factor] = []
    names = tuple(inputs) if inputs else None
    for item in items:
        if isinstance(item, VectorFunction):
            out.append(factor_of(item))
            names = item.output_names
            continue
        for k, layer in enumerate(item.layers):
            size_in = layer.n_in if layer.n_in is not None else (len(names) if names else None)
            if names is None:
                names = input_names(size_in or 0)
            size_out = layer.n_out if layer.n_out is not None else len(names)
            outputs = _indexed_names(layer.name, size_out)
            out.append(Factor(layer.name, names, outputs, layer=layer))
            names = outputs
    return out
