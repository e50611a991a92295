"""``--format csv``: the matrix only, one row per output. At a point the
decimal values; without one, the symbolic entries in jac's syntax.

The text is produced row by row, in blocks of bytes, so a 300×300 symbolic Jacobian (hundreds of MB
of text) is written as it is printed, never held whole."""

from __future__ import annotations

import csv
import io
from typing import Iterator

from ..printing import matrix_rows

BLOCK_BYTES = 1 << 20


def csv_number(value) -> str:
    """``6``, ``-2.6145744834544478``, ``0.5-1.0j`` (complex), full precision."""
    if isinstance(value, complex):
        return f"{value.real!r}{value.imag:+}j"
    return str(int(value)) if float(value).is_integer() and abs(value) < 2 ** 53 else repr(value)


def _line(fields: list[str]) -> str:
    """One CSV line; fields are quoted only when they must be (a comma, quote or newline inside)."""
    if any(c in field for field in fields for c in ',"\n\r'):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(fields)
        return buffer.getvalue()
    return ",".join(fields) + "\n"


def _rows(result) -> Iterator[str]:
    if result.at is not None:
        for row in result.at.value:
            yield _line([csv_number(v) for v in row])
        return
    matrix = result.symbolic
    if matrix is None:
        from ..errors import MathError

        raise MathError("the symbolic composed Jacobian was not formed within the time budget",
                        hint="give --at for its value at a point, or raise --timeout")
    for row in matrix_rows(matrix):
        yield _line(row)


def render_csv(result) -> Iterator[bytes]:
    """The CSV text in blocks of about a megabyte, ending with a newline."""
    rows = _rows(result)
    first = next(rows)  # errors (no symbolic matrix) surface before anything is written
    pending, size = [first], len(first)
    for line in rows:
        pending.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    yield "".join(pending).encode("utf-8")
