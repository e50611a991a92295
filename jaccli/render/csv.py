"""``--format csv``: the matrix only, one row per output. At a point the
decimal values; without one, the symbolic entries in jac's syntax."""

from __future__ import annotations

import csv
import io

from ..printing import to_text


def csv_number(value) -> str:
    """``6``, ``-2.6145744834544478``, ``0.5-1.0j`` (complex), full precision."""
    if isinstance(value, complex):
        return f"{value.real!r}{value.imag:+}j"
    return str(int(value)) if float(value).is_integer() and abs(value) < 2 ** 53 else repr(value)


def render_csv(result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if result.at is not None:
        for row in result.at.value:
            writer.writerow([csv_number(v) for v in row])
    else:
        matrix = result.symbolic
        if matrix is None:
            from ..errors import MathError

            raise MathError("the symbolic composed Jacobian was not formed within the time budget",
                            hint="give --at for its value at a point, or raise --timeout")
        for i in range(matrix.rows):
            writer.writerow([to_text(matrix[i, j]) for j in range(matrix.cols)])
    return buffer.getvalue().rstrip("\n")
