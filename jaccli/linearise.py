"""Linearisation: the derivative is the best linear approximation. For steps
h, h/10, h/100, … compare f(x + h) − f(x) with J·h; where f is differentiable
the remainder ratio ‖f(x+h) − f(x) − J·h‖ / ‖h‖ shrinks to 0."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .errors import SpecError
from .evaluate import Point, _numeric

STEPS = 6


@dataclass
class LinearStep:
    h: list[float]
    norm_h: float
    change: list[float]  # f(x + h) − f(x)
    linear: list[float]  # J·h
    ratio: float  # ‖f(x+h) − f(x) − J·h‖ / ‖h‖


def _chain_value(functions, values: Sequence[float]) -> list[float]:
    for fn in functions:
        values = [_numeric(expr, fn.inputs, values) for expr in fn.outputs]
    return list(values)


def linearise(functions, point: Point, jacobian_values, step: Sequence[float]) -> list[LinearStep]:
    """The remainder table for h = step, step/10, …; ``step`` has one entry or one per input."""
    n = len(point.names)
    step = list(step)
    if len(step) == 1:
        step = step * n
    if len(step) != n:
        raise SpecError(f"--step has {len(step)} entries but the point has {n}",
                        hint="give one scale (h = s·(1, …, 1)) or one entry per input")
    if any(isinstance(v, complex) for row in jacobian_values for v in row):
        raise SpecError("--step needs a real Jacobian at the point")
    x0 = [float(complex(v.evalf(17)).real) for v in point.exact]
    f0 = _chain_value(functions, x0)
    rows = []
    for k in range(STEPS):
        h = [s / 10 ** k for s in step]
        change = [a - b for a, b in zip(_chain_value(functions, [a + b for a, b in zip(x0, h)]), f0)]
        linear = [sum(J_ij * h_j for J_ij, h_j in zip(row, h)) for row in jacobian_values]
        norm_h = math.sqrt(sum(v * v for v in h))
        remainder = math.sqrt(sum((c - lin) ** 2 for c, lin in zip(change, linear)))
        rows.append(LinearStep(h, norm_h, change, linear, remainder / norm_h))
    return rows
