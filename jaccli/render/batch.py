"""Output for ``--points``: JSON Lines (one object per point, the single-point
schema), CSV (one row per point), or a table. Bad rows are not rendered here:
the CLI reports them on stderr with their line numbers (JSON Lines also
carries an error object in their place)."""

from __future__ import annotations

import json as _json

import numpy as np

from ..calculus import cheapest_order
from ..points import Batch, RowError
from ..printing import fmt_number, json_number, to_text
from . import json as json_render
from .model import MatrixBlock
from .csv import csv_number
from .reading import read_as


def header(batch: Batch) -> list[str]:
    cols = list(batch.inputs)
    cols += [f"d{o}/d{i}" for o in batch.output_names for i in batch.inputs]
    if batch.determinant is not None:
        cols.append("det")
    return cols


def _numbers(batch: Batch, item) -> list:
    """The point, the Jacobian row-major and the determinant, as numbers."""
    kind, k, result = item
    if kind == "ok":
        row = batch.rows.values[k].tolist() + batch.jacobian[k].ravel().tolist()
        if batch.determinant is not None:
            row.append(float(batch.determinant[k]))
        return row
    row = list(result.point.values) + [v for r in result.at.value for v in r]
    if batch.determinant is not None:
        row.append(result.determinant.value)
    return row


def render_csv(batch: Batch) -> str:
    """Floats in, floats out: every value with repr's shortest round-trip digits."""
    lines = [",".join(header(batch))]
    if not batch.exact and not batch.errors:  # the common case, in bulk
        table = [batch.rows.values, batch.jacobian.reshape(len(batch.jacobian), -1)]
        if batch.determinant is not None:
            table.append(batch.determinant[:, None])
        lines.extend(",".join(map(repr, row)) for row in np.hstack(table).tolist())
        return "\n".join(lines)
    for item in batch.items():
        if item[0] != "error":
            lines.append(",".join(csv_number(v) if isinstance(v, complex) else repr(float(v))
                                  for v in _numbers(batch, item)))
    return "\n".join(lines)


def _rows(matrix) -> list[list[str]]:
    return [[to_text(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]


def _floats(values) -> list[list[str]]:
    return [[repr(float(v)) for v in row] for row in values]


def _values(values) -> list:
    return [[json_number(float(v)) for v in row] for row in values]


def _det_dict(symbolic, value: float) -> dict:
    import math

    return {"symbolic": to_text(symbolic) if symbolic is not None else None, "exact": repr(value),
            "value": json_number(value), "singular": value == 0,
            "sign": json_number(float(np.sign(value))), "log_abs": math.log(abs(value)) if value else None}


def row_dict(batch: Batch, k: int, static: dict) -> dict:
    """One point of the fast path, in the same schema as a single --at result."""
    values = batch.rows.values[k]
    out = dict(static)
    out["point"] = {name: json_number(float(v)) for name, v in zip(batch.inputs, values)}
    J = batch.jacobian[k]
    out["jacobian"] = {"symbolic": static["jacobian"]["symbolic"], "exact": _floats(J), "value": _values(J)}
    if batch.determinant is not None:
        out["determinant"] = _det_dict(batch.symbolic_det, float(batch.determinant[k]))
    if batch.is_compose:
        out["factors"] = [
            {"name": f.function.name, "shape": [f.function.m, f.function.n], "inputs": list(f.function.inputs),
             "at": {name: json_number(float(v)) for name, v in zip(f.function.inputs, f.at[k])},
             "symbolic": static_factor["symbolic"], "exact": _floats(f.jacobian[k]), "value": _values(f.jacobian[k]),
             "output": {"exact": [repr(float(v)) for v in f.outputs[k]],
                        "value": [json_number(float(v)) for v in f.outputs[k]]}}
            for f, static_factor in zip(batch.factors, static["factors"])
        ]
    return out


def _static(batch: Batch) -> dict:
    m, n = batch.shape
    static = {
        "schema": json_render.SCHEMA_VERSION,
        "command": "compose" if batch.is_compose else "jacobian",
        "function": batch.name,
        "signature": batch.signature,
        "shape": [m, n],
        "inputs": list(batch.inputs),
        "outputs": list(batch.output_names),
        "point": None,
        "jacobian": {"symbolic": None if batch.is_compose else _rows(batch.symbolic), "exact": None, "value": None},
        "determinant": None,
        "read_as": read_as(batch.functions),
    }
    if batch.is_compose:
        static["order"] = [fn.name for fn in batch.functions]
        parts = "·".join(f"({f.function.m}×{f.function.n})" for f in reversed(batch.factors))
        static["shape_arithmetic"] = f"{parts} → {m}×{n}"
        static["factors"] = [{"symbolic": _rows(f.symbolic)} for f in batch.factors]
        plan = cheapest_order(batch.functions)
        static["multiplication"] = {"order": plan.order, "macs": plan.macs}
    return static


def error_dict(err: RowError) -> dict:
    return {"line": err.line, "input": err.text, "error": err.message, "exit_code": err.exit_code}


def render_jsonl(batch: Batch) -> str:
    static = _static(batch)
    lines = []
    for kind, k, payload in batch.items():
        if kind == "ok":
            obj = row_dict(batch, k, static)
        elif kind == "exact":
            obj = json_render.to_dict(payload)
        else:
            obj = error_dict(payload)
        lines.append(_json.dumps(obj, ensure_ascii=False))
    return "\n".join(lines)


def table_block(batch: Batch, precision: int) -> MatrixBlock:
    labels, cells = [], []
    lines = batch.rows.lines
    for item in batch.items():
        if item[0] == "error":
            continue
        labels.append(f"line {lines[item[1]]}")
        cells.append([fmt_number(v, precision) for v in _numbers(batch, item)])
    title = f"J_{batch.name} at {len(cells)} point{'s' if len(cells) != 1 else ''} (row-major: d(output)/d(input))"
    return MatrixBlock(title, labels, header(batch), cells)
