"""``--format table`` (default): rich tables; colour only on a terminal, and
never with NO_COLOR (rich honours it)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..untrusted import visible_lines
from .model import Heading, Line, MatrixBlock


def _text(text: str, style: str = "") -> Text:
    """A cell as plain text: never rich markup ([bold], [link=…] in a student's id stay as typed), and
    control characters shown as escapes (untrusted.py)."""
    return Text(visible_lines(text), style=style)


def _matrix(block: MatrixBlock) -> Table:
    table = Table(title=_text(block.title, "bold"), title_justify="left", box=box.SIMPLE_HEAD,
                  show_header=any(block.col_labels), show_edge=False, pad_edge=False,
                  min_width=len(block.title))
    table.add_column("", style="cyan", no_wrap=True)
    for label in block.col_labels:
        table.add_column(_text(label), justify="right", no_wrap=True)
    for label, cells in zip(block.row_labels, block.cells):
        table.add_row(_text(label), *(_text(c) for c in cells))
    return table


def draw(blocks) -> Group:
    parts: list[Text | Table] = []
    for block in blocks:
        if isinstance(block, Heading):
            if parts:
                parts.append(Text(""))
            parts.append(_text(block.text, "bold"))
        elif isinstance(block, Line):
            parts.append(_text(block.text))
        else:
            parts.append(_matrix(block))
    return Group(*parts)
