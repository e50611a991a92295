"""``--points`` with a sparse J (issue 26 §2): the pattern is fixed, so each row is the values of its
non-zeros — computed for a whole chunk at once, template by template (chain/sparse.py) — and the pattern
is written once, in the header. Memory O(chunk × non-zeros), never O(m·n) per row.

A row whose point is outside the function's domain, on a kink, or where an entry is not a finite real
number is an error row (exit 3), as on the dense path; the dense path would re-evaluate such rows exactly,
which a sparse J does not do: the message says to evaluate that row alone with --at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from ..chain.sparse import Pattern, SparseDerivative, colour_columns, differentiate, evaluate_groups
from ..core.errors import ExitCode, UsageError
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..parse.rows import Chunk, RowError, RowReader, echo
from .points import _condition_checks

if TYPE_CHECKING:
    pass


@dataclass
class SparseChunkResult:
    lines: np.ndarray  # (k,)
    values: np.ndarray  # (k, n): the points
    nonzeros: np.ndarray  # (k, nnz): J's non-zeros at each point, in pattern order
    errors: list[RowError] = field(default_factory=list)


class SparsePlan:
    """One function's sparse J for a batch: the pattern, its colouring and the templates, made once."""

    sparse = True

    def __init__(self, function: VectorFunction) -> None:
        self.function = function
        self.functions = [function]
        self.derivative: SparseDerivative = differentiate(function)
        self.colours = colour_columns(self.derivative.pattern)
        self.checks = _condition_checks(function)

    @property
    def pattern(self) -> Pattern:
        return self.derivative.pattern

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.function.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(self.function.output_names)

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def shape(self) -> tuple[int, int]:
        return self.pattern.shape

    def evaluate(self, chunk: Chunk) -> SparseChunkResult:
        X = chunk.values
        errors = list(chunk.errors)
        with np.errstate(all="ignore"):
            nonzeros = evaluate_groups(self.derivative.groups, X, self.pattern.nnz)
        off = ~np.isfinite(nonzeros).all(axis=1) if len(X) else np.zeros(0, dtype=bool)
        off |= self.checks([X[:, j] for j in range(X.shape[1])], len(X))
        if off.any():
            for k in np.flatnonzero(off):
                errors.append(RowError(int(chunk.lines[k]), echo(chunk.text(int(k))),
                                       "J is not defined here (outside the domain, on a kink, or an entry is not a "
                                       f"finite real number): evaluate this point alone with {option('at')} to see "
                                       "why", ExitCode.MATH))
            keep = ~off
            errors.sort(key=lambda e: e.line)
            return SparseChunkResult(chunk.lines[keep], X[keep], nonzeros[keep] + 0.0, errors)
        return SparseChunkResult(chunk.lines, X, nonzeros + 0.0, errors)


class SparseBatchRun:
    """As points.BatchRun: the plan, the rows still to read, the notes; iterating yields chunk results."""

    def __init__(self, plan: SparsePlan, reader: RowReader, notes: list[str]):
        self.plan, self.reader, self.notes = plan, reader, notes

    @classmethod
    def start(cls, request: Request, items: Sequence[Any], why: str) -> SparseBatchRun:
        if len(items) != 1 or not isinstance(items[0], VectorFunction):
            raise UsageError(f"{option('points')} with a sparse J: one function spec (compositions of sparse "
                             "functions are kept sparse at one point, --at)")
        if request.dask is not None:
            raise UsageError(f"{option('dask')} evaluates dense Jacobians; a sparse J's batch runs in one process",
                             hint=f"leave out {option('dask')}")
        output = (request.output or "").lower()
        if output.endswith((".npy", ".parquet", ".npz", ".mtx")):
            raise UsageError(f"{option('output')} {request.output}: a sparse J's batch is text (csv or json: the "
                             "pattern once, then each row's non-zeros)", hint="write -o rows.csv or rows.jsonl")
        plan = SparsePlan(items[0])
        text = request.points_text
        reader = RowReader(request.points or "", plan.inputs, text=text, origin="points" if text is not None else None)
        p = plan.pattern
        notes = list(items[0].notes) + [
            f"J is {p.shape[0]}×{p.shape[1]} with {p.density:.2%} non-zero: kept sparse; each row holds its "
            f"{p.nnz:,} non-zeros, the pattern is written once (csv: the column names; json: the header)"]
        return cls(plan, reader, notes)

    def __iter__(self) -> Iterator[SparseChunkResult]:
        for chunk in self.reader:
            yield self.plan.evaluate(chunk)
