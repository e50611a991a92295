"""``--format csv``: the matrix only, one row per output. At a point the
decimal values; without one, the symbolic entries in jac's syntax.

The text is produced row by row, in blocks of bytes, so a 300×300 symbolic Jacobian (hundreds of MB
of text) is written as it is printed, never held whole."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterator

import orjson

from ..core.errors import MathError
from ..core.request import option

BLOCK_BYTES = 1 << 20


def csv_number(value: float | complex) -> str:
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


def csv_blocks(table: Any, numbers: int = 1 << 16) -> Iterator[bytes]:
    """Rows of finite floats as CSV, in blocks of about ``numbers`` values: orjson writes the shortest
    round-trip digits in C; blocks keep memory small (a 4096×4096 J is 370 MB of text)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    table = np.ascontiguousarray(table, dtype=np.float64)
    step = max(1, numbers // max(1, table.shape[1]))
    for k in range(0, len(table), step):
        yield orjson.dumps(table[k:k + step], option=orjson.OPT_SERIALIZE_NUMPY)[2:-2].replace(b"],[", b"\n") + b"\n"


def _rows(result: Any) -> Iterator[str]:
    if result.at is not None:
        for row in result.at.rows():
            yield _line([csv_number(v) for v in row])
        return
    matrix = result.symbolic
    if matrix is None:
        raise MathError("the symbolic composed Jacobian was not formed within the time budget",
                        hint=f"give {option('at')} for its value at a point, or raise {option('timeout')}")
    from ..calculus.printing import matrix_rows  # sympy: only for symbolic entries

    for row in matrix_rows(matrix):
        yield _line(row)


def render_csv(result: Any) -> Iterator[bytes]:
    """The CSV text in blocks of about a megabyte, ending with a newline: J at the point (or the vector
    product asked for), or the symbolic entries."""
    products = result.products
    if products is not None:
        vector = next(v for v in (products.vjp, products.jvp, products.grad) if v is not None)
        return csv_blocks(vector[None, :])
    at = result.at
    if at is not None and not isinstance(at.value, list):
        return csv_blocks(at.array() + 0.0)  # numeric (layers, symengine chains): numbers in C; no -0.0
    return _blocks(_rows(result))


def _blocks(rows: Iterator[str]) -> Iterator[bytes]:
    first = next(rows)  # errors (no symbolic matrix) surface before anything is written
    pending, size = [first], len(first)
    for line in rows:
        pending.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    yield "".join(pending).encode("utf-8")
