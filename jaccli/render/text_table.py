"""``--format table`` written without rich, for output that is not a terminal (a pipe, a file): the same
characters rich draws there — a title line, right-justified columns three spaces apart, a rule under the
header (box.SIMPLE_HEAD, no outer edge), no colour — but without importing rich, which costs more start-up
time than a typical command's whole computation. Anything rich would lay out differently (a line or table
wider than the page, a cell of several lines) is left to rich: ``draw`` returns None.
"""

from __future__ import annotations

import unicodedata

from ..core.untrusted import visible_lines
from .model import Block, Heading, Line, MatrixBlock

GAP = "   "  # rich's cell padding (1) + the invisible vertical line + padding (1)


def cell_len(text: str) -> int:
    """Terminal columns: wide (East Asian) characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _combining(text: str) -> bool:
    return not text.isascii() and any(unicodedata.combining(ch) for ch in text)


def draw(blocks: list[Block], width: int) -> str | None:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            if out:
                out.append("")
            lines = [visible_lines(block.text)]
        elif isinstance(block, Line):
            lines = [visible_lines(block.text)]
        elif isinstance(block, MatrixBlock):
            table = _matrix(block)
            if table is None:
                return None
            lines = table
        else:  # pragma: no cover - every block is one of the three
            return None
        for line in lines:
            if "\n" in line or cell_len(line) > width:
                return None  # rich would wrap it
        out.extend(lines)
    return "\n".join(line.rstrip() for line in out)


def _matrix(block: MatrixBlock) -> list[str] | None:
    rows = [[visible_lines(label), *(visible_lines(c) for c in cells)]
            for label, cells in zip(block.row_labels, block.cells)]
    header = [visible_lines(block.corner), *(visible_lines(c) for c in block.col_labels)]
    show_header = any(block.col_labels)
    columns = len(header)
    if any(len(row) != columns for row in rows):
        return None
    if any("\n" in c or c != c.strip() or _combining(c) for row in rows + [header] for c in row):
        return None  # several lines, blanks at an end, combining marks: rich lays those out its own way
    widths = [max(cell_len(row[k]) for row in rows + ([header] if show_header else [header[:1] + [""] * (columns - 1)]))
              for k in range(columns)]

    def line(cells: list[str]) -> str:
        parts = [cells[0] + " " * (widths[0] - cell_len(cells[0]))]
        parts += [" " * (w - cell_len(c)) + c for c, w in zip(cells[1:], widths[1:])]
        return GAP.join(parts)

    out = [visible_lines(block.title)]
    if show_header:
        out.append(line(header))
        out.append("─" * (sum(widths) + len(GAP) * (columns - 1)))
    out.extend(line(row) for row in rows)
    return out
