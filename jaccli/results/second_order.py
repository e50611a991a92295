"""Results of the second-order jobs: Hessians, Taylor expansions, critical points and the implicit
function theorem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..chain.values import Evaluated
from ..core.display import Displayable
from ..model.function import VectorFunction
from . import ChainProperties

if TYPE_CHECKING:
    import sympy as sp

    from ..calculus.evaluate import Point


# ---------------------------------------------------------------------------
# Second derivatives (second_order.py)

DEFINITENESS = ("positive definite", "negative definite", "indefinite", "positive semidefinite",
                "negative semidefinite", "zero")


@dataclass
class OutputHessian:
    """The Hessian of one scalar output: symbolic, and at a point with its classification."""

    output: str
    symbolic: sp.Matrix | None
    symmetric: bool
    at: Evaluated | None = None
    eigenvalues: list[float] | None = None
    gradient_zero: bool | None = None  # None: not asked (a term of a chain rule) or not decidable
    definiteness: str | None = None  # one of DEFINITENESS
    decided: str = "exactly"  # "exactly" (exact entries, Descartes' rule) or "numerically" (relative to max |λ|)
    D: sp.Expr | None = None  # det H at the point

    @property
    def classification(self) -> str | None:
        """What the second-derivative test says, in words."""
        if self.definiteness is None:
            return None
        kind = self.definiteness
        if self.gradient_zero is False:
            shape = {"positive definite": "the function curves upward in every direction here",
                     "negative definite": "the function curves downward in every direction here",
                     "indefinite": "the function curves upward in some directions and downward in others"}.get(kind, "")
            return (f"{kind}; not a critical point (∇f ≠ 0 here), so neither a minimum, a maximum nor a saddle"
                    + (f": {shape}" if shape else ""))
        verdict = {"positive definite": "a strict local minimum", "negative definite": "a strict local maximum",
                   "indefinite": "a saddle point"}.get(kind, "the second-derivative test is inconclusive")
        if kind in ("positive semidefinite", "negative semidefinite"):
            kind += " (an eigenvalue is 0)"
        if self.gradient_zero is None:
            return f"{kind}: at a critical point, {verdict}"
        return f"{kind} at a critical point (∇f = 0): {verdict}"


@dataclass
class Term:
    name: str
    shape: tuple[int, int]
    symbolic: sp.Matrix | None = None
    at: Evaluated | None = None


@dataclass(repr=False)
class HessianResult(ChainProperties, Displayable):
    command = "hessian"  # the JSON's "command"

    functions: list[VectorFunction]
    hessians: list[OutputHessian]  # one per output (a composition ends in one scalar)
    point: Point | None = None
    terms: list[Term] = field(default_factory=list)  # the second-order chain rule, for compositions
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Critical points (critical.py)

@dataclass
class CriticalPoint:
    point: tuple[sp.Expr, ...]  # coordinates (exact, or Floats when found numerically)
    multipliers: tuple[sp.Expr, ...]  # λ for each constraint
    value: sp.Expr  # f there
    classification: str  # local minimum, local maximum, saddle point, inconclusive (… on the constraint)
    detail: dict[str, Any]  # D, f_xx, eigenvalues (or bordered minors), and whether decided exactly
    hessian: sp.MatrixBase  # of f (of the Lagrangian with constraints) there


@dataclass
class CriticalCurve:
    """Critical points that are not isolated: a solution of ∇f = 0 with a free parameter (the line x = 0)."""

    shape: str  # line, curve, plane, surface, …
    equations: tuple[str, ...]  # "x = 0", in jac's syntax
    free: tuple[str, ...]  # the inputs left free along it
    value: sp.Expr | None  # f along it, when constant
    classification: str  # "inconclusive (…)", or a minimum/maximum (not strict) when jac can show f − c ≥ 0
    argument: str | None = None  # why, when classified


@dataclass(repr=False)
class CriticalResult(Displayable):
    command = "critical"

    function: VectorFunction
    points: list[CriticalPoint]
    method: str  # "exact" (sympy solved ∇f = 0), "numeric" (Newton from grids of starts in a box), or both
    constraints: list[str]
    box: list[tuple[float, float]] | None
    notes: list[str] = field(default_factory=list)
    curves: list[CriticalCurve] = field(default_factory=list)  # solution sets with a free parameter

    @property
    def functions(self) -> list[VectorFunction]:
        return [self.function]


# ---------------------------------------------------------------------------
# Taylor expansions (taylor.py)

@dataclass
class DerivativeEntry:
    """One distinct entry of a symmetric derivative tensor: D^α f(p) for the sorted input indices."""

    index: tuple[int, ...]  # input indices, from 0, sorted
    wrt: tuple[str, ...]  # their names
    exact: sp.Expr
    value: float


@dataclass
class OutputTaylor:
    output: str
    polynomial: sp.Expr  # T_K(x) in the inputs
    derivatives: list[DerivativeEntry]  # orders 1..K, each tensor's distinct entries
    # the polynomial as a textbook writes it: (coefficient, power of each (xᵢ − pᵢ)), constant first, then by
    # degree, lowest first; zero coefficients left out
    terms: list[tuple[sp.Expr, tuple[int, ...]]] = field(default_factory=list)

    def of_order(self, k: int) -> list[DerivativeEntry]:
        return [d for d in self.derivatives if len(d.index) == k]


@dataclass
class TaylorStep:
    h: list[float]
    norm_h: float
    remainder: float  # ‖f(p+h) − T_K(p+h)‖
    ratio: float  # remainder / ‖h‖^K: shrinks to 0 like ‖h‖


@dataclass(repr=False)
class TaylorResult(Displayable):
    command = "taylor"

    function: VectorFunction
    point: Point
    order: int
    outputs: list[OutputTaylor]
    remainders: list[TaylorStep]
    notes: list[str] = field(default_factory=list)

    @property
    def functions(self) -> list[VectorFunction]:
        return [self.function]


# ---------------------------------------------------------------------------
# The implicit function theorem (implicit_function.py)

@dataclass(repr=False)
class ImplicitResult(Displayable):
    command = "implicit"

    function: VectorFunction
    unknowns: tuple[str, ...]
    parameters: tuple[str, ...]
    dF_dy: sp.Matrix
    dF_dx: sp.Matrix
    symbolic: sp.Matrix | None = None  # J_y(x) = −(∂F/∂y)⁻¹ ∂F/∂x, when small
    point: Point | None = None
    dF_dy_at: Evaluated | None = None
    dF_dx_at: Evaluated | None = None
    at: Evaluated | None = None
    residual: list[float] | None = None  # F at the point
    notes: list[str] = field(default_factory=list)

    @property
    def shown_functions(self) -> list[VectorFunction]:
        return [self.function]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.unknowns), len(self.parameters))
