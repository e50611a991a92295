"""Writers for a batch whose J is kept sparse (jobs/sparse_points.py): the pattern once, then each row's
non-zeros. CSV: the point's inputs and one column per non-zero, named ``d{output}/d{input}`` as in a dense
batch; JSON Lines: a header with the pattern (``sparse.rows``, ``sparse.cols``, from 0) and a row object per
point with ``values`` in that order; table and plain: the same columns, aligned."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson

from ..calculus.numbers import fmt_number
from ..core.sink import Sink
from ..jobs.sparse_points import SparseChunkResult, SparsePlan
from .batch import Writer, _csv_bytes, error_dict
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


class SparseCsvWriter(Writer):
    def __init__(self, plan: SparsePlan, sink: Sink, precision: int):
        self.plan, self.sink = plan, sink

    def start(self) -> None:
        self.sink.write(",".join(columns(self.plan)) + "\n")

    def write(self, result: SparseChunkResult) -> int:
        return self.emit(self.sink, _csv_bytes(_table(result)), len(result.values))

    def finish(self) -> None:
        self.sink.flush()


class SparseJsonLinesWriter(Writer):
    def __init__(self, plan: SparsePlan, sink: Sink, precision: int):
        self.plan, self.sink = plan, sink

    def start(self) -> None:
        self.sink.write(orjson.dumps(header(self.plan)) + b"\n")

    def write(self, result: SparseChunkResult) -> int:
        names = list(self.plan.inputs)
        out = bytearray()
        errors = sorted(result.errors, key=lambda e: e.line)
        next_error = 0
        for line, point, values in zip(result.lines.tolist(), result.values.tolist(), result.nonzeros.tolist()):
            while next_error < len(errors) and errors[next_error].line < line:
                out += orjson.dumps(error_dict(errors[next_error])) + b"\n"
                next_error += 1
            out += orjson.dumps({"type": "row", "line": line, "point": dict(zip(names, point)), "values": values})
            out += b"\n"
        for error in errors[next_error:]:
            out += orjson.dumps(error_dict(error)) + b"\n"
        return self.emit(self.sink, bytes(out), len(result.lines))

    def finish(self) -> None:
        self.sink.flush()


class SparseTextWriter(Writer):
    def __init__(self, plan: SparsePlan, sink: Sink, precision: int):
        self.plan, self.sink, self.precision = plan, sink, precision
        self.width = max(precision + 8, max(len(c) for c in columns(plan)) + 1)

    def start(self) -> None:
        m, n = self.plan.shape
        self.sink.write(f"J_{self.plan.name} at each point: its {self.plan.pattern.nnz:,} non-zeros ({m}×{n}, "
                        "kept sparse)\n")
        self.sink.write("line".ljust(10) + "".join(c.rjust(self.width) for c in columns(self.plan)) + "\n")

    def write(self, result: SparseChunkResult) -> int:
        lines = [f"line {int(line)}".ljust(10) + "".join(fmt_number(float(v), self.precision).rjust(self.width)
                                                         for v in row)
                 for line, row in zip(result.lines, _table(result))]
        return self.emit(self.sink, "\n".join(lines) + "\n" if lines else "", len(lines))

    def finish(self) -> None:
        self.sink.flush()


def sparse_writer_for(plan: SparsePlan, fmt: str, sink: Sink, precision: int) -> Writer:
    kinds: dict[str, type[Writer]] = {"csv": SparseCsvWriter, "json": SparseJsonLinesWriter}
    return kinds.get(fmt, SparseTextWriter)(plan, sink, precision)  # type: ignore[call-arg]
