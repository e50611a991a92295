"""Renderers: one module per output format. Each takes a result object and
returns text (or, for ``table``, a rich renderable); none of them prints.

Human formats (table, plain) draw a list of blocks built once in ``blocks.py``
(or ``check.py`` for answers); json, latex and csv have modules of their own;
``batch.py`` covers many points."""

from __future__ import annotations

FORMATS = ("table", "plain", "json", "latex", "csv")


def _human(blocks, fmt: str, result=None, echo: bool = True, full: bool = False):
    if echo and result is not None:
        from .reading import functions_of, reading_blocks

        blocks = reading_blocks(functions_of(result), full) + list(blocks)
    if fmt == "table":
        from .table import draw

        return draw(blocks)
    from .plain import draw

    return draw(blocks)


def render(result, fmt: str, *, precision: int = 6, hide_answers: bool = False, full: bool = False,
           echo: bool = True):
    """Dispatch on ``result.kind``, importing only the renderer needed (so the
    exact path never loads numpy, and layer chains never load sympy)."""
    kind = result.kind
    if kind == "network":
        from . import network

        if fmt == "json":
            return network.render_network_json(result)
        if fmt == "csv":
            return network.render_network_csv(result)
        return _human(network.network_blocks(result, precision, full), fmt)
    if kind == "cost":
        from . import cost

        if fmt == "json":
            return cost.render_cost_json(result)
        return _human(cost.cost_blocks(result), fmt)
    if kind == "hessian":
        from . import hessian

        if fmt == "json":
            return hessian.render_hessian_json(result)
        return _human(hessian.hessian_blocks(result, precision, full), fmt, result, echo, full)
    if kind == "implicit":
        from . import implicit

        if fmt == "json":
            return implicit.render_implicit_json(result)
        return _human(implicit.implicit_blocks(result, precision), fmt, result, echo, full)
    if kind == "check":
        from . import check

        if fmt == "json":
            import json

            return json.dumps(check.check_dict(result, hide_answers), indent=2, ensure_ascii=False)
        return _human(check.check_blocks(result, precision, hide_answers), fmt, result, echo, full)
    if kind == "batch":
        from . import batch

        if fmt == "json":
            return batch.render_jsonl(result)
        if fmt == "csv":
            return batch.render_csv(result)
        return _human([batch.table_block(result, precision)], fmt, result, echo, full)
    if fmt in ("table", "plain"):
        from .blocks import blocks_for

        return _human(blocks_for(result, precision, full), fmt, result, echo, full)
    if fmt == "json":
        from .json import render_json

        return render_json(result)
    if fmt == "latex":
        from .latex import render_latex

        return render_latex(result)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(result)
    raise ValueError(f"unknown format {fmt!r}")
