"""Layer chains: shapes, where each layer is evaluated, the factor structure
(dense/diagonal) and the order of multiplication. Big arrays are summarised
in human formats unless --full; JSON always has everything."""

from __future__ import annotations

import json

import numpy as np

from ..network import NetworkResult, summary
from ..numbers import fmt_number, json_number, power_of_ten
from .model import Block, Heading, Line, MatrixBlock

SMALL = 64  # arrays up to this many entries are printed in full


def _space(n: int) -> str:
    digits = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "R" if n == 1 else "R" + str(n).translate(digits)


def _matrix(title: str, M: np.ndarray, precision: int, rows=None, cols=None) -> MatrixBlock:
    M = np.atleast_2d(M)
    return MatrixBlock(title, rows or [str(i + 1) for i in range(M.shape[0])],
                       cols or [str(j + 1) for j in range(M.shape[1])],
                       [[fmt_number(float(v), precision) for v in row] for row in M])


def _array(title: str, values: np.ndarray, precision: int, full: bool) -> list[Block]:
    values = np.asarray(values)
    if full or values.size <= SMALL:
        if values.ndim == 1:
            return [Line(f"{title} = (" + ", ".join(fmt_number(float(v), precision) for v in values) + ")")]
        return [_matrix(title, values, precision)]
    return [Line(f"{title}: {summary(values)}  (--full prints all)")]


def network_blocks(r: NetworkResult, precision: int, full: bool) -> list[Block]:
    m, n = r.shape
    blocks: list[Block] = [Heading(f"{r.name}: {_space(n)} → {_space(m)}, {len(r.trace)} layers   "
                                   f"J is {m}×{n} (rows = outputs, columns = inputs)")]
    cells = []
    for step in r.trace:
        f = step.factor
        shape = f"{f.rows}" if f.diagonal else f"{f.rows}×{f.cols}"
        cells.append([step.layer.describe(), f"{f.structure} {shape}", summary(step.at)])
    blocks.append(MatrixBlock("layers (application order); each factor J_k is evaluated at the point its layer sees",
                              [f"J{k}" for k in range(1, len(r.trace) + 1)], ["layer", "factor", "sees"], cells))
    alt = r.alternatives
    if alt:
        blocks.append(Line(f"cost of the full product: forward {alt['forward'].macs:,} · reverse "
                           f"{alt['reverse'].macs:,} · optimal {alt['optimal'].macs:,} multiply-adds"))
    if r.plan is not None:
        blocks.append(Line(f"multiplied in the cheapest order found: {r.plan.order} ({r.plan.macs:,} multiply-adds)"))
    if r.jacobian is not None:
        blocks += _array(f"J ({m}×{n})", r.jacobian, precision, full)
    if r.determinant is not None:
        d = r.determinant
        if d["log_abs"] is None:
            value = "0 (J is singular)"
        elif d["value"] is None:
            value = power_of_ten(d["sign"], d["log_abs"], precision) + " (beyond a double's range)"
        else:
            value = fmt_number(d["value"], precision) + (" (numerically singular)" if d.get("singular") else "")
        text = f"det J {value}" if value.startswith("≈") else f"det J = {value}"
        if d["log_abs"] is not None:
            text += f", sign {d['sign']:+.0f}, log|det J| = {fmt_number(d['log_abs'], precision)}"
        if d["factors"] is not None:
            text += "  = Σ log|det J_k| = " + " + ".join(fmt_number(v, 4) for v in d["factors"])
        blocks.append(Line(text))
    if r.vjp is not None:
        blocks += _array("vᵀJ (reverse mode)", r.vjp, precision, full)
    if r.jvp is not None:
        blocks += _array("J·v (forward mode)", r.jvp, precision, full)
    if r.grad is not None:
        blocks += _array("∇ = Jᵀ (reverse mode, a column)", r.grad, precision, full)
    return blocks


def _list(a):
    return None if a is None else np.asarray(a).tolist()


def network_dict(r: NetworkResult) -> dict:
    m, n = r.shape
    plan = r.plan
    return {
        "schema": 1,
        "command": "network",
        "function": r.name,
        "shape": [m, n],
        "inputs": list(r.inputs),
        "point": _list(r.point),
        "layers": [
            {"index": k, "name": s.layer.name, "kind": s.layer.kind, "description": s.layer.describe(),
             "shape": [s.factor.rows, s.factor.cols], "structure": s.factor.structure,
             "at": _list(s.at), "output": _list(s.output),
             "factor": _list(s.factor.diag if s.factor.diagonal else s.factor.matrix)}
            for k, s in enumerate(r.trace, start=1)
        ],
        "multiplication": None if plan is None else {"order": plan.order, "macs": plan.macs, "memory": plan.memory},
        "cost": {k: {"macs": p.macs, "memory": p.memory, "order": p.order} for k, p in r.alternatives.items()},
        "jacobian": None if r.jacobian is None else {"value": _list(r.jacobian)},
        "determinant": r.determinant,
        "vjp": _list(r.vjp),
        "jvp": _list(r.jvp),
        "grad": _list(r.grad),
        "notes": r.notes,
    }


def render_network_json(r: NetworkResult) -> str:
    return json.dumps(network_dict(r), ensure_ascii=False, default=json_number)


def render_network_csv(r: NetworkResult):
    """The matrix (or vector) as CSV, in blocks of bytes (a 4096×4096 J is 370 MB of text: never all at once)."""
    from .batch import csv_blocks

    for values in (r.jacobian, r.vjp, r.jvp, r.grad):
        if values is not None:
            return csv_blocks(np.atleast_2d(np.asarray(values, dtype=float)))
    return iter(())
