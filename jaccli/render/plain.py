"""``--format plain``: aligned text, no colour, no box drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.untrusted import visible_lines
from .model import Heading, Line, MatrixBlock

if TYPE_CHECKING:
    from .model import Block


def matrix_lines(block: MatrixBlock) -> list[str]:
    header = [block.corner] + block.col_labels
    rows = [[label] + cells for label, cells in zip(block.row_labels, block.cells)]
    widths = [max(len(r[k]) for r in [header] + rows) for k in range(len(header))]
    out = []
    if any(block.col_labels):
        out.append("  ".join(h.rjust(w) if k else h.ljust(w) for k, (h, w) in enumerate(zip(header, widths))).rstrip())
    for row in rows:
        out.append("  ".join(c.rjust(w) if k else c.ljust(w) for k, (c, w) in enumerate(zip(row, widths))).rstrip())
    return out


def draw(blocks: list[Block]) -> str:
    return visible_lines(_draw(blocks))  # control characters of untrusted text shown as escapes


def _draw(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            if lines:
                lines.append("")
            lines.append(block.text)
        elif isinstance(block, Line):
            lines.append(block.text)
        elif isinstance(block, MatrixBlock):
            lines.append(block.title)
            lines.extend("  " + line for line in matrix_lines(block))
    return "\n".join(lines)
