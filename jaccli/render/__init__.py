"""Renderers, chosen by the type of the result: each result type has one module with ``blocks``
(what table and plain draw), ``body`` (its JSON, inside the one envelope of ``json.py``) and, where a
matrix is shown, ``latex`` (and ``csv`` for Jacobians). None of them prints.

Human formats draw the blocks with ``table.py`` (rich) or ``plain.py``; modules are imported only
when their format is asked for, so the exact path never loads numpy and layer chains never load sympy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .html import render_html
from .json import dumps, envelope
from .plain import draw as draw_plain
from .reading import functions_of, reading_blocks

if TYPE_CHECKING:
    from ..core.request import RenderOptions
    from .model import Block


# The renderer module of each result type, by the type's qualified name (results/: the core in
# __init__, the rest in check, second_order and tools), so that choosing one imports no other.
MODULES = {
    "jaccli.results.JacobianResult": "jacobian",
    "jaccli.results.check.CheckResult": "check",
    "jaccli.results.check.GradeSheet": "grades",
    "jaccli.results.check.CriticalCheck": "critical_check",
    "jaccli.results.second_order.HessianResult": "hessian",
    "jaccli.results.second_order.ImplicitResult": "implicit",
    "jaccli.results.second_order.TaylorResult": "taylor",
    "jaccli.results.second_order.CriticalResult": "critical",
    "jaccli.results.tools.CostResult": "cost",
    "jaccli.results.tools.ExerciseSheet": "exercise",
    "jaccli.results.tools.PlotResult": "plot",
    "jaccli.results.tools.CodegenResult": "codegen",
    "jaccli.results.sparse.SparseJacobianResult": "sparse",
}


class Table:
    """``--format table``'s blocks, to be drawn where they go (rich for a terminal; text_table elsewhere)."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks


def renderer(result: Any) -> Any:
    """The renderer module for this result's type."""
    kind = type(result)
    return import_module(f".{MODULES[f'{kind.__module__}.{kind.__qualname__}']}", __name__)


def render(result: Any, options: RenderOptions) -> Any:
    """Text (json, latex), blocks of bytes (csv: written as they are made), or a rich renderable (table)."""
    module = renderer(result)
    fmt = options.format
    if fmt == "json" and hasattr(module, "json_text"):
        return module.json_text(result, options)  # a grade sheet: JSON Lines
    if fmt == "json":
        return dumps(envelope(result.command, module.body(result, options), result.notes))
    if fmt == "html":
        return render_html(result, module, options, functions_of(result))
    if fmt == "latex":
        return module.latex(result, options)
    if fmt == "markdown":
        return module.markdown(result, options)
    if fmt == "csv":
        return module.csv(result, options)
    blocks = module.blocks(result, options)
    if options.echo:
        blocks = reading_blocks(functions_of(result), options.full) + list(blocks)
    if fmt == "table":
        return Table(blocks)  # drawn by output.py: with rich on a terminal, as text elsewhere

    return draw_plain(blocks)
