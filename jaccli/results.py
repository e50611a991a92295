"""Result objects: typed dataclasses that ``run`` returns finished and the renderers draw.

A Jacobian is always the Jacobian of a chain — one function, a composition, a layer file, or any mix
— so ``jacobian`` and ``compose`` give the same JacobianResult whatever the engine and size: its
``factors`` are the functions and layers in application order, each evaluated at the point it sees.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence, Union

from .function import VectorFunction, space
from .values import Diagonal, DiagPlusRank1, LinearMap, as_array

if TYPE_CHECKING:
    import numpy as np
    import sympy as sp

    from .answer import Answer
    from .arrays import NumericPoint
    from .chainorder import Plan, Shape
    from .evaluate import Point
    from .fast import FastMatrix
    from .layers import Layer, Network
    from .linearise import LinearStep
    from .numeric import Verification
    from .steps import Derivations

    Matrix = Union[sp.MatrixBase, FastMatrix]  # symbolic entries: sympy, or symengine's for large systems
    AnyPoint = Union[Point, NumericPoint]
    Values = Union[list[list[float]], np.ndarray, Diagonal, DiagPlusRank1, LinearMap]
    Item = Union[VectorFunction, Network]


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
    """A matrix (or a column) at a point: exact entries when the point and engine are exact, and
    decimal values — rows of floats, a numpy array, or a diagonal (chain.Diagonal) kept as a vector."""

    exact: sp.MatrixBase | None
    value: Values

    @property
    def diagonal(self) -> bool:
        return isinstance(self.value, Diagonal)

    @property
    def shape(self) -> tuple[int, int]:
        if self.exact is not None:
            return tuple(self.exact.shape)
        if self.diagonal or isinstance(self.value, DiagPlusRank1):
            n = self.value.size  # type: ignore[union-attr]
            return (n, n)
        if isinstance(self.value, LinearMap):
            return self.value.shape
        if isinstance(self.value, list):
            return (len(self.value), len(self.value[0]) if self.value else 0)
        return (int(self.value.shape[0]), int(self.value.shape[1]))  # type: ignore[union-attr]

    def exact_matrix(self) -> sp.MatrixBase:
        """The exact matrix, where the path guarantees one (sympy's engine at an exact point)."""
        assert self.exact is not None, "an exact matrix was expected here"
        return self.exact

    def exact_entry(self, i: int, j: int) -> sp.Expr | None:
        """Entry (i, j) exactly, or None when the values are decimals only (symengine, layers)."""
        return None if self.exact is None else self.exact[i, j]

    def rows(self) -> list[list[float]]:
        """The values as rows of floats (dense; for printing)."""
        if isinstance(self.value, list):
            return self.value
        return as_array(self.value).tolist()

    def array(self) -> np.ndarray:
        return as_array(self.value if not isinstance(self.value, list) else _list_array(self.value))

    def column(self) -> list[float]:
        """A column's values (an evaluated output vector)."""
        return [row[0] for row in self.rows()]


def _list_array(rows: list[list[float]]) -> Any:
    import numpy as np

    return np.array(rows, dtype=float)


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


@dataclass
class JacobianResult:
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
    def is_chain(self) -> bool:
        return len(self.factors) > 1

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
                names = tuple(f"x{i + 1}" for i in range(size_in or 0))
            size_out = layer.n_out if layer.n_out is not None else len(names)
            outputs = _indexed_names(layer.name, size_out)
            out.append(Factor(layer.name, names, outputs, layer=layer))
            names = outputs
    return out


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
            shape = {"positive definite": "f curves upward in every direction here",
                     "negative definite": "f curves downward in every direction here",
                     "indefinite": "f curves upward in some directions and downward in others"}.get(kind, "")
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


@dataclass
class HessianResult(ChainProperties):
    command = "hessian"  # the JSON's "command"

    functions: list[VectorFunction]
    hessians: list[OutputHessian]  # one per output (a composition ends in one scalar)
    point: Point | None = None
    terms: list[Term] = field(default_factory=list)  # the second-order chain rule, for compositions
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# A class's answers (grading.py)

@dataclass
class Grade:
    id: str
    where: str
    result: CheckResult | None = None
    error: str | None = None  # the answer could not be read (or judged): why
    exit_code: int = 0  # the error's exit code

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.passed


@dataclass
class GradeSheet:
    command = "check"

    grades: list[Grade]
    origin: str
    functions: list = field(default_factory=list)  # what was differentiated (shown as read)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.grades) and all(g.passed for g in self.grades)

    def counts(self) -> tuple[int, int, int]:
        """(passed, failed, unreadable)."""
        unreadable = sum(g.result is None for g in self.grades)
        passed = sum(g.passed for g in self.grades)
        return passed, len(self.grades) - passed - unreadable, unreadable

    def common_diagnoses(self, k: int = 3) -> list[tuple[str, int]]:
        from collections import Counter

        kinds = Counter(d.kind for g in self.grades if g.result is not None for d in g.result.diagnoses)
        return kinds.most_common(k)


# ---------------------------------------------------------------------------
# Generated code (codegen.py)

@dataclass
class CodegenResult:
    command = "codegen"

    code: str
    language: str
    target: str
    method: str  # "single", "composed" or "chain"
    operations: dict[str, int]
    functions: list[VectorFunction]
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Pictures (plotting.py: the data; plot_draw.py: matplotlib)

@dataclass
class PlotResult:
    command = "plot"

    data: Any  # plotting.PlotData (numpy arrays)
    path: str  # the picture
    notes: list[str] = field(default_factory=list)
    functions: list[VectorFunction] = field(default_factory=list)  # shown as read


# ---------------------------------------------------------------------------
# Exercises (exercise.py)

@dataclass
class Exercise:
    kind: str
    seed: int
    number: int
    question: str  # Markdown, math in $…$
    question_latex: str
    specs: list[str]  # in jac's syntax: `jac check SPEC… --at … --expect ANSWER` re-checks it
    at: str | None
    answer: str  # jac syntax (what --expect reads)
    answer_latex: str
    check: list[str]  # the jac check arguments that verified it
    options: dict = field(default_factory=dict)  # e.g. {"hessian": True}


@dataclass
class ExerciseSheet:
    command = "exercise"

    exercises: list[Exercise]
    kind: str
    seed: int
    difficulty: int
    student: str | None = None
    sheets: list["ExerciseSheet"] = field(default_factory=list)  # a roster: one per student
    notes: list[str] = field(default_factory=list)



# ---------------------------------------------------------------------------
# Critical points (critical.py)

@dataclass
class CriticalPoint:
    point: tuple  # coordinates (exact, or Floats when found numerically)
    multipliers: tuple  # λ for each constraint
    value: sp.Expr  # f there
    classification: str  # local minimum, local maximum, saddle point, inconclusive (… on the constraint)
    detail: dict  # D, f_xx, eigenvalues (or bordered minors), and whether decided exactly
    hessian: sp.MatrixBase  # of f (of the Lagrangian with constraints) there


@dataclass
class CriticalResult:
    command = "critical"

    function: VectorFunction
    points: list[CriticalPoint]
    method: str  # "exact" (sympy solved ∇f = 0) or "numeric" (Newton from many starts in a box)
    constraints: list[str]
    box: list[tuple[float, float]] | None
    notes: list[str] = field(default_factory=list)

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

    def of_order(self, k: int) -> list[DerivativeEntry]:
        return [d for d in self.derivatives if len(d.index) == k]


@dataclass
class TaylorStep:
    h: list[float]
    norm_h: float
    remainder: float  # ‖f(p+h) − T_K(p+h)‖
    ratio: float  # remainder / ‖h‖^K: shrinks to 0 like ‖h‖


@dataclass
class TaylorResult:
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

@dataclass
class ImplicitResult:
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
    def shape(self) -> tuple[int, int]:
        return (len(self.unknowns), len(self.parameters))


# ---------------------------------------------------------------------------
# Checking an answer (checking.py)

@dataclass
class ClassVerdict:
    """--expect-class: the second-derivative test's verdict at the point, against the one given."""

    answer: str
    expected: str  # local minimum, local maximum, saddle point, inconclusive
    ok: bool
    note: str | None = None


@dataclass
class EntryVerdict:
    row: int
    col: int
    label: str
    answer: sp.Expr
    answer_text: str
    expected: sp.Expr
    ok: bool
    method: str  # "numeric" (at a point), "symbolic" (proved), "sampled" (compared at points)
    answer_value: float | None = None
    expected_value: float | None = None
    remark: str | None = None


@dataclass
class Diagnosis:
    kind: str  # transpose, columns, rows, order, point, shape, sign, factor, rounding, domain, determinant
    message: str


@dataclass
class DetVerdict:
    answer: sp.Expr
    expected: sp.Expr | None
    ok: bool
    method: str


@dataclass
class CheckResult:
    command = "check"

    target: JacobianResult
    answer: Answer
    mode: str  # "point" or "symbolic"
    rtol: float
    atol: float
    entries: list[EntryVerdict] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    determinant: DetVerdict | None = None
    notes: list[str] = field(default_factory=list)
    region: str | None = None  # where sampled comparisons were made
    assumptions: list[str] = field(default_factory=list)
    layout: str = "as J"  # "as J", or "gradient as a column" when a column was accepted
    what: str = "J"  # what was checked: J, H (--hessian), ∂y/∂x (--implicit)
    classification: ClassVerdict | None = None  # --expect-class
    read: list = field(default_factory=list)  # the functions as given (shown as read), when J is of others

    @property
    def expected(self) -> sp.Matrix:
        return self.target.at.exact if self.mode == "point" else self.target.symbolic  # type: ignore[union-attr]

    @property
    def shape_ok(self) -> bool:
        return self.answer.cells is not None or self.answer.shape == self.target.shape or self.layout != "as J"

    @property
    def passed(self) -> bool:
        return (self.shape_ok and (bool(self.entries) or self.determinant is not None or self.classification is not None)
                and all(e.ok for e in self.entries) and (self.determinant is None or self.determinant.ok)
                and (self.classification is None or self.classification.ok))

    @property
    def point(self) -> Point | NumericPoint | None:
        return self.target.point


# ---------------------------------------------------------------------------
# The cost of an order (cost.py)

@dataclass
class CostResult:
    command = "cost"

    shapes: list[Shape]
    names: list[str]
    plans: dict[str, Plan]
    notes: list[str] = field(default_factory=list)

    @property
    def dims(self) -> list[int]:
        return [self.shapes[0].cols] + [s.rows for s in self.shapes]
