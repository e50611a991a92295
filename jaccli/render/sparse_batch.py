"""Writers for a batch whose J is kept sparse (jobs/sparse_points.py): the pattern once, then each row's
non-zeros. CSV: the point's inputs and one column per non-zero, named ``d{output}/d{input}`` as in a dense
batch; JSON Lines: a header with the pattern (``sparse.rows``, ``sparse.cols``, from 0) and a row object per
point with ``values`` in that order; table and plain: the same columns, aligned."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ..core.sink import Sink
from ..jobs.sparse_points import SparseChunkResult, SparsePlan
from .batch import CsvWriter, JsonLinesWriter, TextWriter, Writer
from .json import envelope
from .reading import read_as


def columns(plan: SparsePlan) -> list[str]:
    p = plan.pattern
    outputs, inputs = plan.output_names, plan.inputs
    return list(inputs) + [f"d{outputs[i]}/d{inputs[j]}" for i, j in zip(p.rows.tolist(), p.cols.tolist())]


def _table(result: SparseChunkResult) -> np.ndarray:
    return np.hstack([result.values, result.nonzeros]) if len(result.values) else np.empty((0, 0))


def header(plan: SparsePlan) -> dict[str, Any]:
    p = plan.pattern
    lower, upper = p.bandwidths
    colours = int(plan.colours.max()) + 1 if plan.colours.size else 0
    m, n = p.shape
    return {"type": "header", **envelope("jacobian", {}, list(plan.function.notes)),
            "function": plan.name, "signature": f"{plan.name}: R^{n} → R^{m}", "shape": [m, n],
            "inputs": list(plan.inputs), "outputs": list(plan.output_names),
            "sparse": {"format": "coordinate", "nnz": p.nnz, "density": p.density,
                       "bandwidth": {"lower": lower, "upper": upper}, "most_in_a_row": p.most_in_a_row,
                       "colour_count": colours, "colouring_optimal": colours == p.most_in_a_row,
                       "colours": plan.colours.tolist(), "rows": p.rows.tolist(), "cols": p.cols.tolist(),
                       "kept_sparse_because": "large"},
            "read_as": read_as(plan.functions),
            "rows": "one object per point: type, line, point, values (J's non-zeros in the order of sparse.rows and "
                    "sparse.cols); a bad row is an object of type error"}


class SparseCsvWriter(CsvWriter):
    plan: Any  # a SparsePlan: the dense writers' frame, this module's columns and rows

    def columns(self) -> list[str]:
        return columns(self.plan)

    def table(self, result: Any) -> np.ndarray:
        return _table(result)


class SparseJsonLinesWriter(JsonLinesWriter):
    plan: Any

    def header(self) -> dict[str, Any]:
        return header(self.plan)

    def objects(self, result: Any) -> Iterator[tuple[int, dict[str, Any]]]:
        names = list(self.plan.inputs)
        for line, point, values in zip(result.lines.tolist(), result.values.tolist(), result.nonzeros.tolist()):
            yield line, {"type": "row", "line": line, "point": dict(zip(names, point)), "values": values}


class SparseTextWriter(TextWriter):
    plan: Any

    def columns(self) -> list[str]:
        return columns(self.plan)

    def table(self, result: Any) -> np.ndarray:
        return _table(result)

    def title(self) -> str:
        m, n = self.plan.shape
        return f"J_{self.plan.name} at each point: its {self.plan.pattern.nnz:,} non-zeros ({m}×{n}, kept sparse)"


def sparse_writer_for(plan: SparsePlan, fmt: str, sink: Sink, precision: int) -> Writer:
    kinds: dict[str, type[CsvWriter | JsonLinesWriter | TextWriter]] = {"csv": SparseCsvWriter,
                                                                         "json": SparseJsonLinesWriter}
    return kinds.get(fmt, SparseTextWriter)(plan, sink, precision)  # type: ignore[arg-type]
