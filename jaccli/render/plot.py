"""What a picture shows, in words (table/plain) or numbers (json): each panel's J, det and what it means."""

from __future__ import annotations

from typing import Any

from ..calculus.numbers import fmt_number, json_number
from ..core.request import RenderOptions
from ..results.tools import PlotResult
from .model import Block, Heading, Line


def _det_words(det: float | None, size: int = 2) -> str:
    if det is None:
        return ""
    measure = "area" if size == 2 else "volume"
    what = "keeps orientation" if det > 0 else "flips orientation" if det < 0 else f"is singular (collapses {measure})"
    return f"det J = {fmt_number(det, 6)}: scales {measure} by |det J| and {what}"


def blocks(r: PlotResult, options: RenderOptions) -> list[Block]:
    out: list[Block] = [Heading(f"drew {r.path}")]
    for panel in r.data.panels:
        rows = "; ".join(", ".join(fmt_number(v, options.precision) for v in row) for row in panel.jacobian)
        out.append(Line(f"{panel.title} [{panel.kind}]: J = [{rows}]" +
                        (f"; {_det_words(panel.det, len(panel.jacobian))}" if panel.det is not None else "")))
    if r.data.det_product is not None:
        out.append(Line(r.data.notes[0] + " (the areas multiply)"))
    return out


def body(r: PlotResult, options: RenderOptions) -> dict[str, Any]:
    return {"file": r.path, "radius": r.data.radius,
            "panels": [{"kind": p.kind, "title": p.title, "point": [json_number(v) for v in p.point],
                        "value": [json_number(v) for v in p.value],
                        "jacobian": [[json_number(v) for v in row] for row in p.jacobian],
                        "det": None if p.det is None else json_number(p.det),
                        "parallelogram": None if p.parallelogram is None else
                        [[json_number(v) for v in row] for row in p.parallelogram]}
                       for p in r.data.panels],
            "det_product": None if r.data.det_product is None else json_number(r.data.det_product)}
