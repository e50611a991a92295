"""Differentiability decided by the mathematics, not by the spelling.

At a point on a seam of a function — where an abs, sign, relu or step has a zero
argument, two arguments of min or max tie, or the cases of a piecewise definition
meet — the derivative formula sympy gives need not be the derivative, and the
function need not be differentiable at all (|t| is not, |t|² and t·|t| are).
``analyse`` decides from the function itself, at high precision: the partial
derivatives from one-sided difference quotients, continuity, then the remainder
ratio |f(x+h) − f(x) − J·h| / |h| along several directions, which shrinks exactly
when f is differentiable. ``limit_value`` then gives each entry of J as the limit
of the derivative formula approaching the point (exact when it is a simple number).

Every test here is relative: a quantity is "not shrinking" when it does not fall
below 1% of its value at the largest step; "zero" means below 1e-30 times the
scale of f and its derivatives there.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import sympy as sp

from ..core.errors import MathError
from .symbols import symbol

DIGITS = 80  # working precision: differences of nearby values keep their digits
STEPS = (1e-6, 1e-12, 1e-18)  # difference-quotient and remainder steps
SHRINK = 0.01  # a quantity "shrinks" when it falls below 1% of its value at the largest step
ZERO = 1e-30  # relative to the scale of f: numerically zero at this precision
LIMIT_STEPS = (1e-30, 1e-45)  # distances from the point at which the derivative's limit is read


def _float(value: Any) -> sp.Float:
    return sp.Float(value, DIGITS)


def at(expr: sp.Expr, names: Sequence[str], values: Sequence[sp.Float]) -> sp.Float:
    """``expr`` at the point as a DIGITS-digit real Float (MathError if it is not a finite real there)."""
    value = expr.xreplace({symbol(n): v for n, v in zip(names, values)}).evalf(DIGITS)
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not value.is_number:
        raise ValueError("not finite")
    re_part, im_part = value.as_real_imag()
    if abs(im_part) > ZERO * (1 + abs(re_part)):
        raise ValueError("not real")
    return sp.Float(re_part, DIGITS)


def exact_point(values: Sequence[sp.Expr]) -> list[sp.Float]:
    return [_float(sp.N(v, DIGITS + 10)) for v in values]


def _fmt(value: Any) -> str:
    return f"{float(value):.6g}"


def analyse(expr: sp.Expr, label: str, names: Sequence[str], point_values: Sequence[sp.Expr],
            point_text: str, wrt: Sequence[str] | None = None, seam: str = "") -> list[sp.Float]:
    """The partial derivatives of ``expr`` at the point (one-sided difference quotients, which
    must converge and agree), after checking that ``expr`` is continuous and differentiable
    there; else MathError saying what was computed. ``label`` names ``expr`` in messages
    (f, ∂f/∂x); ``seam`` says what put the point on a seam (abs(x) has a kink here, x = 0)."""
    where = f" ({seam})" if seam else ""
    x0 = exact_point(point_values)
    try:
        f0 = at(expr, names, x0)
    except ValueError:
        raise MathError(f"{label} has no real value at {point_text}") from None
    n = len(names)

    def f_shift(direction: Sequence[float], t: float) -> sp.Float:
        step = _float(t)
        shifted = [a + step * _float(d) for a, d in zip(x0, direction)]
        try:
            return at(expr, names, shifted) - f0
        except ValueError:
            raise MathError(f"{label} is not defined (as a real number) on both sides of {point_text}",
                            hint="the point is on the edge of the function's domain; its Jacobian does not exist "
                                 "there") from None

    partials: list[sp.Float] = []
    for j in range(n):
        axis = [1.0 if k == j else 0.0 for k in range(n)]
        ups = [f_shift(axis, h) / _float(h) for h in STEPS]
        downs = [-f_shift(axis, -h) / _float(h) for h in STEPS]
        name = names[j] if wrt is None else wrt[j]
        for side, q in (("right", ups), ("left", downs)):
            moves = [abs(q[1] - q[0]), abs(q[2] - q[1])]
            if moves[1] > SHRINK * moves[0] and moves[1] > ZERO * max(abs(q[2]), abs(f0)):
                raise MathError(f"∂{label}/∂{name} does not exist at {point_text}{where}: the difference quotients "
                                f"from the {side} do not converge ({', '.join(_fmt(v) for v in q)} at steps "
                                f"{', '.join(f'{h:g}' for h in STEPS)}; computed at {DIGITS} digits)",
                                hint="the function jumps or has a vertical tangent here; choose a point off it")
        gaps = [abs(u - d) for u, d in zip(ups, downs)]
        scale = max(abs(ups[-1]), abs(downs[-1]), abs(f0))
        if gaps[-1] > SHRINK * gaps[0] and gaps[-1] > ZERO * scale:
            raise MathError(f"∂{label}/∂{name} does not exist at {point_text}{where}: the one-sided difference "
                            f"quotients differ ({_fmt(ups[-1])} from the right, {_fmt(downs[-1])} from the left, "
                            f"at step {STEPS[-1]:g}; computed at {DIGITS} digits)",
                            hint="the function has a kink here; choose a point off it")
        partials.append((ups[-1] + downs[-1]) / 2)
    directions = [[1.0 if k == j else 0.0 for k in range(n)] for j in range(n)]
    if n > 1:
        directions += [[1 / math.sqrt(n)] * n, [(-1) ** k / math.sqrt(n) for k in range(n)],
                       [math.cos(0.7 + k) / math.sqrt(n) for k in range(n)]]
    partial_text = ", ".join(f"∂{label}/∂{v} = {_fmt(p)}" for v, p in zip(wrt or names, partials))
    scale = abs(f0) + sum(abs(p) for p in partials)
    for d in directions:
        jumps = [f_shift(d, t) for t in STEPS]
        direction = "(" + ", ".join(f"{c:.3g}" for c in d) + ")"
        if abs(jumps[-1]) > SHRINK * abs(jumps[0]) and abs(jumps[-1]) > ZERO * max(scale, abs(jumps[0])):
            raise MathError(f"{label} is not differentiable at {point_text}{where}, not even continuous: the partial "
                            f"derivatives exist there ({partial_text}, from difference quotients), but along "
                            f"the direction {direction} f(x + t·d) − f(x) stays near {_fmt(jumps[-1])} as t → 0",
                            hint="existing partials do not make a function differentiable; the Jacobian does not "
                                 "exist here")
        linear = [_float(t) * sum(p * _float(c) for p, c in zip(partials, d)) for t in STEPS]
        ratios = [abs(jump - lin) / _float(t) for jump, lin, t in zip(jumps, linear, STEPS)]
        if ratios[-1] > SHRINK * ratios[0] and ratios[-1] > ZERO * max(scale, ratios[0]):
            raise MathError(f"{label} is not differentiable at {point_text}{where}: the partial derivatives exist "
                            f"({partial_text}) but along the direction {direction} the remainder "
                            f"|f(x+h) − f(x) − J·h|/|h| does not shrink ({', '.join(_fmt(r) for r in ratios)} for "
                            f"|h| = {', '.join(f'{t:g}' for t in STEPS)})",
                            hint="the Jacobian does not exist here; choose another point")
    return partials


def limit_value(entry: sp.Expr, names: Sequence[str], point_values: Sequence[sp.Expr],
                candidate: sp.Expr | None) -> tuple[sp.Expr, bool]:
    """The value at the point of a derivative formula that holds near it (on every side):
    its limit, read at two small distances along several directions. Returns the exact
    ``candidate`` (the formula at the point, if it evaluated to a finite number) when it
    agrees with the limit, a simple fraction when the limit agrees with one to the
    precision of the reading, or a Float; and whether the value is exact."""
    x0 = exact_point(point_values)
    n = len(names)
    # generic directions (no zero component): they leave every seam, which has no volume
    directions = [[math.cos(a + b * k) for k in range(n)] for a, b in ((0.3, 1.7), (1.1, 2.9), (2.2, 0.7))]
    directions += [[-c for c in d] for d in directions]
    readings = []
    for d in directions:
        pair = []
        for t in LIMIT_STEPS:
            shifted = [a + _float(t) * _float(c) for a, c in zip(x0, d)]
            try:
                pair.append(at(entry, names, shifted))
            except ValueError:
                pair = []
                break
        if pair:
            readings.append(pair)
    if not readings:
        raise ValueError("no reading")
    values = [r[1] for r in readings]
    value = values[0]
    error = max(abs(r[0] - r[1]) for r in readings) * 10 + sp.Float(10, DIGITS) ** (-DIGITS + 20)
    if any(abs(v - value) > error + ZERO * abs(value) for v in values):
        raise ValueError("the derivative has different limits from different sides")
    if candidate is not None and candidate.is_number and not candidate.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        try:
            if abs(sp.N(candidate, DIGITS) - value) <= error:
                return candidate, True
        except TypeError:
            pass
    fraction = Fraction(str(sp.Float(value, 40))).limit_denominator(1000)
    if abs(_float(fraction.numerator) / fraction.denominator - value) <= error:
        return sp.Rational(fraction.numerator, fraction.denominator), True
    return sp.Float(value, 15), False
