"""Numbers for people and for JSON (no sympy here, so numeric paths stay light)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import numpy.typing as npt


def fmt_number(value: float | complex, precision: int = 6) -> str:
    """A decimal for people: ``-2.61457``, ``0.5 + 0.866025i``."""
    if isinstance(value, complex):
        re_part = fmt_number(value.real, precision)
        im = value.imag
        sign = "-" if im < 0 else "+"
        return f"{re_part} {sign} {fmt_number(abs(im), precision)}i"
    if value == 0:
        return "0"
    text = f"{value:.{precision}g}"
    return text


def short_list(items: Iterable[str], most: int = 6) -> str:
    """All items, or for many the first two, an ellipsis and the last: ``x0, x1, …, x39``."""
    items = list(items)
    return ", ".join(items) if len(items) <= most else f"{items[0]}, {items[1]}, …, {items[-1]}"


def json_number(value: float | complex) -> float | dict[str, float]:
    """JSON has no complex numbers: they become {"re": ..., "im": ...}."""
    if isinstance(value, complex):
        return {"re": value.real, "im": value.imag}
    if float(value).is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def slogdet(values: npt.ArrayLike) -> tuple[float, float | None, float | None]:
    """sign, log|det| (LU in log space: no overflow or underflow) and det itself, None when it
    does not fit in a double (a 4096-wide chain's det is about 10^-3107, not 0)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    sign, log_abs = np.linalg.slogdet(np.asarray(values, dtype=float))
    if sign == 0:
        return 0.0, None, 0.0
    log_abs = float(log_abs)
    value = float(sign) * math.exp(log_abs) if -745 < log_abs < 709 else None
    return float(sign), log_abs, value


def power_of_ten(sign: float, log_abs: float, precision: int = 6) -> str:
    """A determinant too large or small for a double, from its log: ``≈ -1.23 × 10^-3107``."""
    log10 = log_abs / math.log(10)
    exponent = math.floor(log10)
    mantissa = 10 ** (log10 - exponent)
    return f"≈ {'-' if sign < 0 else ''}{mantissa:.{min(precision, 12)}g} × 10^{exponent}"


SINGULAR = 1e-12  # floats: σ_min/σ_max below this is numerically singular
SVD_MAX_N = 512  # beyond this the singular values cost more than the answer is worth: only det = 0 counts


def numerically_singular(values: npt.ArrayLike) -> bool:
    """A float matrix whose smallest singular value is below SINGULAR × its largest (up to SVD_MAX_N;
    larger ones are singular only when their LU has a zero pivot: det exactly 0)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.size == 0 or array.shape[0] > SVD_MAX_N:
        return False
    s = np.linalg.svd(array, compute_uv=False)
    return bool(s[0] == 0 or s[-1] <= SINGULAR * s[0])
