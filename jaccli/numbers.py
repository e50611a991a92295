"""Numbers for people and for JSON (no sympy here, so numeric paths stay light)."""

from __future__ import annotations


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


def json_number(value: float | complex):
    """JSON has no complex numbers: they become {"re": ..., "im": ...}."""
    if isinstance(value, complex):
        return {"re": value.real, "im": value.imag}
    if float(value).is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value
