"""Linearisation: the derivative is the best linear approximation. For steps
h, h/10, h/100, … compare f(x + h) − f(x) with J·h; where f is differentiable
the remainder ratio ‖f(x+h) − f(x) − J·h‖ / ‖h‖ shrinks to 0."""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

from ..core.errors import SpecError
from ..core.request import option
from ..results import LinearStep

STEPS = 6


def linearise(F: Callable[[Any], Any], point: Any, jacobian_values: Sequence[Sequence[float]],
              step: Sequence[float]) -> list[LinearStep]:
    """The remainder table for h = step, step/10, …; ``F`` is the chain as floats, ``step`` has one entry
    or one per input."""
    n = len(point.names)
    step = [float(v) for v in step]
    if len(step) == 1:
        step = step * n
    if len(step) != n:
        raise SpecError(f"{option('step')} has {len(step)} entries but the point has {n}",
                        hint="give one scale (h = s·(1, …, 1)) or one entry per input")
    x0 = [float(v) for v in point.values]
    f0 = [float(v) for v in F(x0)]
    rows = []
    for k in range(STEPS):
        h = [s / 10 ** k for s in step]
        change = [float(a) - b for a, b in zip(F([a + b for a, b in zip(x0, h)]), f0)]
        linear = [sum(J_ij * h_j for J_ij, h_j in zip(row, h)) for row in jacobian_values]
        norm_h = math.sqrt(sum(v * v for v in h))
        remainder = math.sqrt(sum((c - lin) ** 2 for c, lin in zip(change, linear)))
        rows.append(LinearStep(h, norm_h, change, linear, remainder / norm_h))
    return rows
