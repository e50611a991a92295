"""Result objects: plain dataclasses the API returns and the renderers draw."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .evaluate import Point
from .function import VectorFunction, space

Number = float | complex


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
class Evaluated:
    """A matrix (or vector) at a point: exact entries and their decimal values."""

    exact: sp.Matrix
    value: list[list[Number]]

    @property
    def shape(self) -> tuple[int, int]:
        return self.exact.shape


@dataclass
class Determinant:
    symbolic: sp.Expr | None = None  # None when skipped (too large) or with a point only
    exact: sp.Expr | None = None  # at the point
    value: Number | None = None  # at the point
    skipped: str | None = None  # why the symbolic determinant was not computed
    sign: Number | None = None  # at the point: -1, 0 or +1 (a unit complex number for complex det)
    log_abs: float | None = None  # at the point: log|det|, computed stably (None when det = 0)
    factor_log_abs: list[float] | None = None  # a chain of square factors: each one's log|det| (they add up)
    numerically_singular: bool = False  # a float matrix with σ_min/σ_max below tolerance.SINGULAR
    withheld: str | None = None  # why it is not given (its sign would rest on an inferred input order)

    @property
    def singular(self) -> bool:
        return (self.exact is not None and self.exact.is_zero is True) or self.numerically_singular


@dataclass
class JacobianResult(ChainProperties):
    """The Jacobian of one function, symbolic and (with a point) evaluated."""

    kind = "jacobian"  # what render() dispatches on

    function: VectorFunction
    symbolic: sp.Matrix
    point: Point | None = None
    at: Evaluated | None = None
    determinant: Determinant | None = None  # None when J is not square
    notes: list[str] = field(default_factory=list)
    steps: object = None  # steps.Derivations, with --steps
    verification: object = None  # numeric.Verification, with --verify
    linearisation: list | None = None  # linearise.LinearStep rows, with --step

    @property
    def functions(self) -> list[VectorFunction]:
        return [self.function]


@dataclass
class Factor:
    """One function of a chain: its Jacobian in its own inputs, and at the point it sees."""

    function: VectorFunction
    symbolic: sp.Matrix
    point: Point | None = None  # the point this function sees
    outputs: Evaluated | None = None  # its value there (a column), the next function's point
    at: Evaluated | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.symbolic.shape

    @property
    def name(self) -> str:
        return self.function.name


@dataclass
class CompositionResult(ChainProperties):
    """The Jacobian of g∘f (functions in application order) by the chain rule."""

    kind = "compose"  # what render() dispatches on

    functions: list[VectorFunction]
    factors: list[Factor]
    symbolic: sp.Matrix | None = None  # the composed Jacobian in x; only without a point
    point: Point | None = None
    at: Evaluated | None = None
    determinant: Determinant | None = None
    notes: list[str] = field(default_factory=list)
    steps: object = None  # steps.Derivations, with --steps
    verification: object = None  # numeric.Verification, with --verify
    linearisation: list | None = None  # linearise.LinearStep rows, with --step
    multiplication: object = None  # chainorder.Plan: how the factors were multiplied at the point

    @property
    def shape_arithmetic(self) -> str:
        """``(3×2)·(2×2) → 3×2``, outer factor first."""
        parts = "·".join(f"({f.shape[0]}×{f.shape[1]})" for f in reversed(self.factors))
        return f"{parts} → {self.shape[0]}×{self.shape[1]}"
