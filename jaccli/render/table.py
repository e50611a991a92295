"""``--format table`` (default): rich tables; colour only on a terminal, and
never with NO_COLOR (rich honours it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..core.untrusted import visible_lines
from .model import Heading, Line, MatrixBlock

if TYPE_CHECKING:
    from .model import Block


def _text(text: str, style: str = "") -> Text:
    """A cell as plain text: never rich markup ([bold], [link=…] in a student's id stay as typed), and
    control characters shown as escapes (untrusted.py)."""
    return Text(visible_lines(text), style=style)


def _matrix(block: MatrixBlock) -> Group:
    """The title on a line of its own (a long title does not widen the table), then the table. A cell too
    wide for the terminal folds onto the next line: nothing is ever cut off with an ellipsis (a number
    missing its last digits would be silently wrong)."""
    table = Table(box=box.SIMPLE_HEAD, show_header=any(block.col_labels), show_edge=False, pad_edge=False)
    table.add_column(_text(block.corner), style="cyan", overflow="fold")
    for label in block.col_labels:
        table.add_column(_text(label), justify="right", overflow="fold")
    for label, cells in zip(block.row_labels, block.cells):
        table.add_row(_text(label), *(_text(c) for c in cells))
    return Group(_text(block.title, "bold"), table)


def draw(blocks: list[Block]) -> Group:
    parts: list[Text | Table | Group] = []
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
