"""``jac cost`` output: multiply-adds and memory of each accumulation order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.request import RenderOptions
from ..results.tools import CostResult
from .model import Block, Heading, Line, MatrixBlock

if TYPE_CHECKING:
    from ..chain.order import Shape

LABELS = {"forward": "forward (from the input side)", "reverse": "reverse (from the output side)",
          "optimal": "optimal bracketing"}


def blocks(r: CostResult, options: RenderOptions) -> list[Block]:
    dims = r.dims
    shapes = ", ".join(_shape(s) for s in r.shapes)
    blocks: list[Block] = [Heading(f"chain of {len(r.shapes)} factors, widths {' → '.join(f'{d:,}' for d in dims)}"),
                           Line(f"factors J1…J{len(r.shapes)} (application order): {shapes}")]
    rows, cells = [], []
    for key in ("forward", "reverse", "optimal"):
        plan = r.plans[key]
        rows.append(LABELS[key])
        cells.append([f"{plan.macs:,}", f"{plan.memory:,}", plan.order])
    blocks.append(MatrixBlock("cost of the full product J = J_L ⋯ J_1", rows,
                              ["multiply-adds", "largest intermediate (entries)", "order"], cells))
    if r.compressed is not None:
        c = r.compressed
        blocks.append(Line(f"sparse factors: J has {c['nnz']:,} non-zeros; compressed forward mode recovers it from "
                           f"{c['colours']} colour{'s' if c['colours'] != 1 else ''} × one JVP through the chain "
                           f"({c['jvp_macs']:,} multiply-adds) = {c['macs']:,} multiply-adds"))
    fwd, rev = r.plans["forward"], r.plans["reverse"]
    if rev.macs and rev.memory:
        blocks.append(Line(f"forward / reverse: {fwd.macs / rev.macs:,.4g}× the arithmetic, "
                           f"{fwd.memory / rev.memory:,.4g}× the memory"))
    return blocks


def _shape(s: Shape) -> str:
    """``8 diag``, ``3×8``, or a structured factor with what one application costs: ``3×3 (9 per vector)``."""
    if s.diagonal:
        return f"{s.rows:,} diag"
    if s.apply is not None:
        return f"{s.rows:,}×{s.cols:,} ({s.per_vector:,} per vector)"
    return f"{s.rows:,}×{s.cols:,}"


def body(r: CostResult, options: RenderOptions) -> dict[str, Any]:
    out = {"dims": r.dims,
           "factors": [{"name": n, "shape": [s.rows, s.cols], "diagonal": s.diagonal, "per_vector": s.per_vector,
                        "stored": s.entries} for n, s in zip(r.names, r.shapes)]}
    for key, plan in r.plans.items():
        out[key] = {"macs": plan.macs, "memory": plan.memory, "order": plan.order}
    if r.compressed is not None:
        out["compressed_forward"] = dict(r.compressed)
    return out

