"""Renderers: one module per output format. Each takes a result object and
returns text (or, for ``table``, a rich renderable); none of them prints."""

from __future__ import annotations

FORMATS = ("table", "plain", "json", "latex", "csv")


def render(result, fmt: str, *, precision: int = 6):
    if fmt == "table":
        from .table import render_table

        return render_table(result, precision)
    if fmt == "plain":
        from .plain import render_plain

        return render_plain(result, precision)
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
