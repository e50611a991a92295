"""Output for ``--points``, written chunk by chunk as the rows are evaluated.

* ``csv``: a header line (the coordinates, the entries row-major ``df1/dx``, …, ``det`` when square),
  then one line per good row. Numbers are the shortest text that reads back as the same double
  (written by orjson, ~10× faster than Python's repr).
* ``json``: JSON Lines: a first ``{"type": "header", …}`` object with what all rows share (names,
  shapes, the symbolic Jacobian), then ``{"type": "row", "line", "point", "jacobian", "determinant"
  (, "factors")}`` per row and ``{"type": "error", "line", "input", "error", "exit_code"}`` in place of a
  bad row.
* ``table``/``plain``: aligned text, one line per row.
* ``.npy`` (``-o out.npy``): shape (N, m, n), row i for input row i; a bad row is NaN (its error is on
  stderr). ``.parquet`` (``-o out.parquet``, pyarrow): the CSV's columns.

Bad rows are not written here (except as JSON error objects): the CLI reports them on stderr.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, cast

import numpy as np
import orjson

from ..calculus.numbers import fmt_number
from ..calculus.printing import matrix_text
from ..core.errors import SpecError
from ..core.sink import Interrupted, OutputFailed, Sink
from ..jobs.points import ChunkResult, Plan
from ..model.jacobian import cheapest_order
from ..parse.rows import RowError
from .csv import csv_blocks
from .json import envelope, prune
from .reading import read_as


def columns(plan: Plan) -> list[str]:
    cols = list(plan.inputs)
    cols += [f"d{o}/d{i}" for o in plan.output_names for i in plan.inputs]
    if plan.det:
        cols.append("det")
    return cols


def _table(plan: Plan, result: ChunkResult) -> np.ndarray:
    """The point, the Jacobian row-major and the determinant: one row per good row."""
    m, n = plan.shape
    parts = [result.values, result.jacobian.reshape(len(result.jacobian), m * n)]
    if result.determinant is not None:
        parts.append(result.determinant[:, None])
    return np.hstack(parts) if len(result.values) else np.empty((0, len(columns(plan))))


def _csv_bytes(table: np.ndarray) -> bytes:
    return b"".join(csv_blocks(table)) if len(table) else b""


class Writer:
    """Counts the rows it has written completely (a signal may arrive while a write finishes)."""

    rows = 0

    def emit(self, sink: Sink, data: bytes | str, rows: int) -> int:
        try:
            sink.write(data)
        except Interrupted:
            self.rows += rows  # the write was complete; the signal waited for it
            raise
        self.rows += rows
        return rows


class CsvWriter(Writer):
    def __init__(self, plan: Plan, sink: Sink, precision: int):
        self.plan, self.sink = plan, sink

    def columns(self) -> list[str]:
        return columns(self.plan)

    def table(self, result: Any) -> np.ndarray:
        return _table(self.plan, result)

    def start(self) -> None:
        self.sink.write(",".join(self.columns()) + "\n")

    def write(self, result: Any) -> int:
        return self.emit(self.sink, _csv_bytes(self.table(result)), len(result.values))

    def finish(self) -> None:
        self.sink.flush()


def _rows(matrix: Any) -> list[list[str]]:
    return matrix_text(matrix)


def header(plan: Plan) -> dict[str, Any]:
    """What every row of a batch shares (JSON Lines' first object)."""

    m, n = plan.shape
    notes = [note for fn in plan.functions for note in fn.notes]
    out: dict[str, Any] = {"type": "header", **envelope("compose" if plan.is_compose else "jacobian", {}, notes)}
    out |= prune({
        "function": plan.name,
        "signature": plan.signature,
        "shape": [m, n],
        "inputs": list(plan.inputs),
        "outputs": list(plan.output_names),
        "jacobian": None if plan.is_compose else {"symbolic": _rows(plan.symbolic[0])},
        "determinant": "per row" if plan.det else ("withheld: the input order was only inferred" if plan.withheld
                                                   else None),
        "read_as": read_as(plan.functions),
        "rows": "one object per point: type, line, point, jacobian {value: rows of numbers}, determinant (value, "
                "sign, log_abs)" + (", factors (at, output, jacobian {value} per function)" if plan.is_compose else "")
                + "; a bad row is an object of type error",
    })
    if plan.is_compose:
        out["order"] = [fn.name for fn in plan.functions]
        parts = "·".join(f"({fn.m}×{fn.n})" for fn in reversed(plan.functions))
        out["shape_arithmetic"] = f"{parts} → {m}×{n}"
        multiplication = cheapest_order(plan.functions)
        out["multiplication"] = {"order": multiplication.order, "macs": multiplication.macs}
        out["factors"] = [{"name": fn.name, "shape": [fn.m, fn.n], "inputs": list(fn.inputs), "symbolic": _rows(J)}
                          for fn, J in zip(plan.functions, plan.symbolic)]
    return out


def error_dict(err: RowError) -> dict[str, Any]:
    return {"type": "error", "line": err.line, "input": err.text, "error": err.message, "exit_code": err.exit_code}


class JsonLinesWriter(Writer):
    def __init__(self, plan: Plan, sink: Sink, precision: int):
        self.plan, self.sink = plan, sink

    def header(self) -> dict[str, Any]:
        return header(self.plan)

    def objects(self, result: Any) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line, row object) for each good row of the chunk, in input order."""
        plan = self.plan
        names = list(plan.inputs)
        points = result.values.tolist()
        jacobians = result.jacobian.tolist()
        dets = result.determinant.tolist() if result.determinant is not None else None
        factors = [(a.tolist(), o.tolist(), J.tolist()) for a, o, J in result.factors]
        for k, line in enumerate(result.lines.tolist()):
            obj: dict[str, Any] = {"type": "row", "line": line, "point": dict(zip(names, points[k])),
                                   "jacobian": {"value": jacobians[k]}}
            if dets is not None:
                d = dets[k]
                obj["determinant"] = {"value": d, "sign": (d > 0) - (d < 0)}
                if d:
                    obj["determinant"]["log_abs"] = math.log(abs(d))
            if factors:
                obj["factors"] = [{"at": dict(zip(fn.inputs, a[k])), "output": o[k], "jacobian": {"value": J[k]}}
                                  for fn, (a, o, J) in zip(plan.functions, factors)]
            yield line, obj

    def start(self) -> None:
        self.sink.write(orjson.dumps(self.header()) + b"\n")

    def write(self, result: Any) -> int:
        # one buffer for the chunk, each row appended as it is made: a list of the rows' bytes objects held
        # 4 KB a row (orjson's buffers), 515 MB at 200,000 rows; bad rows go in their places by line number
        out = bytearray()
        errors = sorted(result.errors, key=lambda e: e.line)
        next_error = 0
        rows = 0
        for line, obj in self.objects(result):
            while next_error < len(errors) and errors[next_error].line < line:
                out += orjson.dumps(error_dict(errors[next_error])) + b"\n"
                next_error += 1
            out += orjson.dumps(obj)
            out += b"\n"
            rows += 1
        for error in errors[next_error:]:
            out += orjson.dumps(error_dict(error)) + b"\n"
        return self.emit(self.sink, cast(bytes, out), rows)  # the sink writes a bytearray as bytes

    def finish(self) -> None:
        self.sink.flush()


class TextWriter(Writer):
    """table and plain: aligned columns, one line per row (streamed, so plain text for both)."""

    def __init__(self, plan: Plan, sink: Sink, precision: int):
        self.plan, self.sink, self.precision = plan, sink, precision
        self.width = max(precision + 8, max(len(c) for c in self.columns()) + 1)

    def columns(self) -> list[str]:
        return columns(self.plan)

    def table(self, result: Any) -> np.ndarray:
        return _table(self.plan, result)

    def title(self) -> str:
        m, n = self.plan.shape
        return f"J_{self.plan.name} at each point, row-major (d(output)/d(input)), {m}×{n}"

    def start(self) -> None:
        self.sink.write(self.title() + "\n")
        self.sink.write("line".ljust(10) + "".join(c.rjust(self.width) for c in self.columns()) + "\n")

    def write(self, result: Any) -> int:
        table = self.table(result)
        lines = [f"line {int(line)}".ljust(10) + "".join(fmt_number(float(v), self.precision).rjust(self.width)
                                                         for v in row)
                 for line, row in zip(result.lines, table)]
        return self.emit(self.sink, "\n".join(lines) + "\n" if lines else "", len(lines))

    def finish(self) -> None:
        self.sink.flush()


class NpyWriter(Writer):
    """(N, m, n) float64, streamed: the header is written with room for any N and fixed at the end."""

    HEADER_BYTES = 128

    def __init__(self, plan: Plan, path: str):
        self.plan, self.path = plan, path
        self.count = 0
        self.file: Any = None

    def _header(self) -> bytes:
        m, n = self.plan.shape
        text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({self.count}, {m}, {n}), }}"
        body = text.ljust(self.HEADER_BYTES - 10 - 1) + "\n"
        return b"\x93NUMPY\x01\x00" + len(body).to_bytes(2, "little") + body.encode("latin1")

    def start(self) -> None:
        try:
            self.file = open(self.path, "wb")
        except OSError as err:
            raise OutputFailed(self.path, err) from None
        self.sink = Sink(self.file, self.path)
        self.sink.write(self._header())

    def write(self, result: ChunkResult) -> int:
        m, n = self.plan.shape
        good = dict(zip(result.lines.tolist(), range(len(result.lines))))
        order = sorted(list(good) + [e.line for e in result.errors])
        block = np.full((len(order), m, n), np.nan)
        for k, line in enumerate(order):
            if line in good:
                block[k] = result.jacobian[good[line]]
        self.count += len(order)
        return self.emit(self.sink, block.astype("<f8").tobytes(), len(good))

    def finish(self) -> None:
        self.file.seek(0)
        self.sink.write(self._header())
        self.file.close()


class ParquetWriter(Writer):
    def __init__(self, plan: Plan, path: str):
        self.plan, self.path = plan, path
        self.writer: Any = None

    def start(self) -> None:
        try:
            # deferred: pyarrow is heavy at start-up
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise SpecError("writing .parquet needs pyarrow", hint="pip install 'jaccli[parquet]'") from None
        self.pa = pa
        self.schema = pa.schema([(c, pa.float64()) for c in columns(self.plan)])
        self.writer = pq.ParquetWriter(self.path, self.schema)

    def write(self, result: ChunkResult) -> int:
        table = _table(self.plan, result)
        if len(table):
            arrays = [self.pa.array(table[:, k]) for k in range(table.shape[1])]
            self.writer.write_table(self.pa.Table.from_arrays(arrays, schema=self.schema))
        self.rows += len(table)
        return len(table)

    def finish(self) -> None:
        self.writer.close()


def writer_for(plan: Plan, fmt: str, sink: Sink | None, precision: int, path: str | None = None
               ) -> CsvWriter | JsonLinesWriter | TextWriter | NpyWriter | ParquetWriter:
    """The writer for a format (or an output file's suffix: .npy, .parquet)."""
    if path is not None and path.lower().endswith(".npy"):
        return NpyWriter(plan, path)
    if path is not None and path.lower().endswith(".parquet"):
        return ParquetWriter(plan, path)
    assert sink is not None
    streamed: dict[str, type[CsvWriter | JsonLinesWriter | TextWriter]] = {"csv": CsvWriter, "json": JsonLinesWriter}
    return streamed.get(fmt, TextWriter)(plan, sink, precision)
