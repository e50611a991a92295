"""``--format table`` (default): rich tables; colour only on a terminal, and
never with NO_COLOR (rich honours it)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from .model import Heading, Line, MatrixBlock


def _matrix(block: MatrixBlock) -> Table:
    table = Table(title=block.title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_header=any(block.col_labels), show_edge=False, pad_edge=False,
                  min_width=len(block.title))
    table.add_column("", style="cyan", no_wrap=True)
    for label in block.col_labels:
        table.add_column(label, justify="right", no_wrap=True)
    for label, cells in zip(block.row_labels, block.cells):
        table.add_row(label, *cells)
    return table


def draw(blocks) -> Group:
    parts: list[Text | Table] = []
    for block in blocks:
        if isinstance(block, Heading):
            if parts:
                parts.append(Text(""))
            parts.append(Text(block.text, style="bold"))
        elif isinstance(block, Line):
            parts.append(Text(block.text))
        else:
            parts.append(_matrix(block))
    return Group(*parts)
