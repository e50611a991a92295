"""Many points at once (``--points``): the Jacobian (or a composition's) compiled once and
evaluated over chunks of rows with numpy, chunk after chunk, so memory is bounded by a
chunk and output follows input.

Only the symbolic work the numbers need is done: derivatives as differentiated (no
simplification, no symbolic determinant; the determinant comes from the evaluated
matrices). A row whose value is not finite, or that lies on a recorded condition of
the functions (a pole, a point outside the real domain, a kink), is recomputed alone
on the exact path, which gives its value or the precise reason it is undefined.

The compiled kernel pickles (it is rebuilt from its expressions where it is unpickled),
so a Dask worker can evaluate partitions with it (distributed.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np
import sympy as sp

from ..calculus.evaluate import Point, need_holds
from ..chain import core as chain
from ..chain.numeric import CompiledMatrix, compile_exprs
from ..core.budget import phase
from ..core.errors import ExitCode, JacError
from ..core.progress import progress
from ..core.request import option
from ..model import jacobian as calculus
from ..model.function import VectorFunction, inferred_order_hint
from ..parse.rows import Chunk, RowError, RowReader, echo
from ..results import ChainProperties

if TYPE_CHECKING:
    _Checks = Callable[[Sequence[np.ndarray], int], np.ndarray]  # which rows need the exact path


class Kernel:
    """One function's Jacobian (and values) compiled for arrays of points. Pickles as its
    expressions (for Dask workers) and recompiles on first use after unpickling: the same
    expressions, the same compiled code, the same doubles."""

    def __init__(self, function: VectorFunction, symbolic: Any, want_outputs: bool):
        self.function = function
        self.symbolic = symbolic
        self.want_outputs = want_outputs
        self._compiled: tuple[CompiledMatrix, Callable[..., list[Any]] | None, _Checks] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # sympy or symengine (fast.FastMatrix) expressions both pickle; the compiled code does not
        return {"function": self.function, "symbolic": self.symbolic, "want_outputs": self.want_outputs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.function, self.symbolic, self.want_outputs = state["function"], state["symbolic"], state["want_outputs"]
        self._compiled = None

    def compiled(self) -> tuple[CompiledMatrix, Callable[..., list[Any]] | None, _Checks]:
        if self._compiled is None:
            fn = self.function
            outputs = compile_exprs(fn.outputs, fn.symbols) if self.want_outputs else None
            self._compiled = (CompiledMatrix(self.symbolic, fn.symbols), outputs, _condition_checks(fn))
        return self._compiled

    def __call__(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """J at every row (k, m, n), the outputs (k, m) when asked, and which rows need the exact path."""
        J_of, out_of, conditions = self.compiled()
        columns = [X[:, j] for j in range(X.shape[1])]
        J = J_of(*columns)
        outputs = None
        if out_of is not None:
            outputs = np.empty((len(X), self.function.m))
            with np.errstate(all="ignore"):
                for k, v in enumerate(out_of(*columns)):
                    outputs[:, k] = v
        bad = ~np.isfinite(J).all(axis=(1, 2))
        if outputs is not None:
            bad |= ~np.isfinite(outputs).all(axis=1)
        bad |= conditions(columns, len(X))
        return J, outputs, bad


def _condition_checks(fn: VectorFunction) -> _Checks:
    """Rows where a denominator or log argument is 0, an argument is outside its function's real domain,
    abs/sign/relu sit on their kink, or min/max arguments tie: the exact path decides what they mean."""

    exprs, needs = [], []
    for conditions in fn.conditions:
        for cond in conditions:
            if cond.kind == "tie":
                pairs = [a - b for k, a in enumerate(cond.exprs) for b in cond.exprs[k + 1:] if a != b]
                exprs += pairs
                needs += [None] * len(pairs)
            else:
                exprs.append(cond.exprs[0])
                needs.append(cond.need if cond.kind == "domain" else None)
    compiled = compile_exprs(exprs, fn.symbols) if exprs else None

    def check(columns: Sequence[np.ndarray], count: int) -> np.ndarray:
        hit = np.zeros(count, dtype=bool)
        if compiled is None:
            return hit
        with np.errstate(all="ignore"):
            for value, need in zip(compiled(*columns), needs):
                value = np.broadcast_to(np.asarray(value, dtype=float), hit.shape)
                hit |= ~np.isfinite(value)
                hit |= (value == 0) if need is None else ~need_holds(need, value)
        return hit

    return check


@dataclass
class ChunkResult:
    """A chunk evaluated: good rows in input order (fast or exact), and bad ones."""

    lines: np.ndarray  # (k,)
    values: np.ndarray  # (k, n)
    jacobian: np.ndarray  # (k, m, n)
    determinant: np.ndarray | None  # (k,) when square and not withheld
    factors: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # compose: per function (at, outputs, jacobian)
    exact: dict[int, Any] = field(default_factory=dict)  # row index → exact result (redone rows)
    errors: list[RowError] = field(default_factory=list)


ExactRow = Callable[[str, list[Any], Sequence[Any], Point], Any]  # jacobian.row_at


class Plan(ChainProperties):
    """Everything a batch computes once: the functions, their compiled kernels, names and shapes."""

    def __init__(self, functions: Sequence[VectorFunction], exact_row: ExactRow):
        """``exact_row``: J at one point on the exact path (jacobian.row_at), for the rows off the fast path."""

        self.functions = list(functions)
        self.exact_row = exact_row
        with phase("differentiating for the batch"):
            self.symbolic = [calculus.jacobian_matrix(fn, simplify=False) for fn in self.functions]
        compose = len(self.functions) > 1
        self.kernels = [Kernel(fn, J, want_outputs=compose) for fn, J in zip(self.functions, self.symbolic)]
        self.tree = calculus.cheapest_order(self.functions).tree if compose else 0
        first, last = self.functions[0], self.functions[-1]
        square = last.m == first.n
        self.det = square and not (first.n > 1 and first.order == "inferred")
        self.withheld = square and not self.det

    # names and shapes (the rest: results.ChainProperties)
    @property
    def is_compose(self) -> bool:
        return len(self.functions) > 1

    def order_hint(self) -> str | None:
        first = self.functions[0]
        return inferred_order_hint(first) if first.order == "inferred" else None

    # evaluation
    def evaluate(self, chunk: Chunk) -> ChunkResult:
        here = chunk.values
        factors: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        bad = np.zeros(len(here), dtype=bool)
        jacobians = []
        for kernel in self.kernels:
            J, outputs, off = kernel(here)
            bad |= off
            jacobians.append(J)
            if self.is_compose:
                factors.append((here, outputs, J))  # type: ignore[arg-type]
                here = outputs  # type: ignore[assignment]
        product = np.asarray(chain.product(self.tree, jacobians) if self.is_compose else jacobians[0])
        product += 0.0  # -0.0 → 0.0: a zero entry prints as 0, as at a single point
        det = chain.batch_determinants(product) if self.det else None
        result = ChunkResult(chunk.lines, chunk.values, product, det, factors, errors=list(chunk.errors))
        if bad.any():
            self._redo(result, chunk, np.flatnonzero(bad))
        return result

    def _redo(self, result: ChunkResult, chunk: Chunk, rows: np.ndarray) -> None:
        """Rows off the fast path, one by one on the exact path: their value, or why they have none."""

        failed = []
        command = "compose" if self.is_compose else "jacobian"
        with progress("rows off the fast path (exact evaluation)", len(rows)) as bar:
            for k in rows:
                point = Point(self.inputs, tuple(sp.Float(float(v)) for v in result.values[k]))
                try:
                    exact = self.exact_row(command, self.functions, self.symbolic, point)
                except JacError as err:
                    result.errors.append(RowError(int(result.lines[k]), echo(chunk.text(int(k))),
                                                  err.render().splitlines()[0], err.exit_code))
                    failed.append(int(k))
                    bar.advance()
                    continue
                result.exact[int(k)] = exact
                result.jacobian[k] = exact.at.array()
                if result.determinant is not None:
                    result.determinant[k] = chain.batch_determinants(result.jacobian[k:k + 1])[0]
                bar.advance()
        result.errors.sort(key=lambda e: e.line)
        if failed:
            keep = np.setdiff1d(np.arange(len(result.lines)), failed)
            index = {int(old): new for new, old in enumerate(keep)}
            result.exact = {index[k]: v for k, v in result.exact.items() if k in index}
            result.lines, result.values, result.jacobian = result.lines[keep], result.values[keep], result.jacobian[keep]
            if result.determinant is not None:
                result.determinant = result.determinant[keep]
            result.factors = [(a[keep], o[keep], J[keep]) for a, o, J in result.factors]

    def run(self, reader: RowReader) -> Iterator[ChunkResult]:
        for chunk in reader:
            yield self.evaluate(chunk)


def exit_code(errors: Sequence[RowError]) -> int:
    codes = {e.exit_code for e in errors}
    return ExitCode.USAGE if ExitCode.USAGE in codes else (ExitCode.MATH if codes else 0)


# ---------------------------------------------------------------------------
# The Python API: a whole batch in memory

@dataclass
class PointRows:
    lines: list[int]
    values: np.ndarray
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Batch:
    """A Jacobian (or composition) at many points, all in memory (the Python API)."""

    plan: Plan
    rows: PointRows
    jacobian: np.ndarray  # (N, m, n)
    determinant: np.ndarray | None
    errors: list[RowError]
    notes: list[str] = field(default_factory=list)

    @property
    def functions(self) -> list[VectorFunction]:
        return self.plan.functions

    @property
    def exit_code(self) -> int:
        return exit_code(self.errors)


def parse_points(text: str, inputs: Sequence[str], origin: str | None = None, order_hint: str | None = None) -> PointRows:
    """Rows of text (CSV or whitespace, an optional header): their line numbers, values and errors."""
    reader = RowReader("", inputs, origin=origin or option("points"), order_hint=order_hint, text=text)
    lines: list[int] = []
    values, errors = [], []
    for chunk in reader:
        lines += chunk.lines.tolist()
        values.append(chunk.values)
        errors += chunk.errors
    array = np.vstack(values) if values else np.empty((0, len(inputs)))
    return PointRows(lines, array, errors)


class BatchRun:
    """A batch being run: the plan (made within the time budget), the rows still to read, and what
    to say first. Iterating yields one ChunkResult per chunk; the CLI writes each as it comes."""

    def __init__(self, plan: Plan, reader: RowReader, notes: list[str]):
        self.plan, self.reader, self.notes = plan, reader, notes

    @classmethod
    def start(cls, request: Any, items: Sequence[VectorFunction], exact_row: ExactRow) -> BatchRun:
        """``request.points``: a path, '-' or a glob; ``request.points_text``: the rows themselves (Python)."""
        plan = Plan(items, exact_row)
        text = request.points_text
        reader = RowReader(request.points or "", plan.inputs, order_hint=plan.order_hint(), text=text,
                           origin="points" if text is not None else None)
        notes = list(dict.fromkeys(n for fn in plan.functions for n in fn.notes))
        return cls(plan, reader, notes)

    def __iter__(self) -> Iterator[ChunkResult]:
        return self.plan.run(self.reader)

    def collect(self) -> Batch:
        """Every row in memory (the Python API)."""
        results = list(self)
        m, n = self.plan.shape
        lines = [int(v) for r in results for v in r.lines]
        values = np.vstack([r.values for r in results]) if results else np.empty((0, n))
        jacobian = np.concatenate([r.jacobian for r in results]) if results else np.empty((0, m, n))
        det = np.concatenate([r.determinant for r in results]) if self.plan.det and results else None
        errors = [e for r in results for e in r.errors]
        return Batch(self.plan, PointRows(lines, values, errors), jacobian, det, errors, list(self.notes))
