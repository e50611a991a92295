"""What people read, as data: headings, lines and labelled matrices. The
human renderers (table, plain) draw these; nothing here imports sympy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Heading:
    text: str


@dataclass
class Line:
    text: str


@dataclass
class MatrixBlock:
    title: str
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[str]]
    corner: str = ""  # the header over the row labels (a grade sheet's "id")


Block = Heading | Line | MatrixBlock
