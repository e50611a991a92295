"""Deciding whether an answer's entry equals J's: numerically at a point (relative to the scale), or
symbolically — proved by simplification, else compared at sample points where a difference must be
certified before it fails anyone."""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from ..calculus import tolerance
from ..calculus.evaluate import Point, exact_at, to_number
from ..calculus.sampling import Sampled, Sampler
from ..calculus.simplify import SIMPLIFY_MAX_OPS, tidy
from ..core.budget import attempt
from ..core.errors import MathError


class Comparer:
    """Decides whether two expressions are equal, at a point or symbolically."""

    def __init__(self, point: Point | None, symbols: Sequence[sp.Symbol], rtol: float, atol: float,
                 assumptions: Sequence[sp.Basic] = (), seams: Sequence[sp.Expr] = ()):
        self.point, self.symbols, self.rtol, self.atol = point, tuple(symbols), rtol, atol
        self.assumptions = list(assumptions)
        self.seams = list(seams)
        self._sampler: Sampler | None = None
        self.sampled_points = 0
        self.last: Sampled | None = None  # the last sampled comparison (where it failed)

    @property
    def sampler(self) -> Sampler:
        if self._sampler is None:
            self._sampler = Sampler(self.symbols, self.assumptions, self.seams)
        return self._sampler

    def value(self, expr: sp.Expr, label: str) -> float:
        assert self.point is not None
        return to_number(exact_at(expr, self.point, label), label)

    def close(self, a: sp.Expr, e: sp.Expr, rtol: float | None = None) -> bool:
        rtol = self.rtol if rtol is None else rtol
        return abs(complex(a) - complex(e)) <= self.atol + rtol * abs(complex(e))

    def equal(self, answer: sp.Expr, expected: sp.Expr, label: str = "entry") -> tuple[bool, str]:
        if self.point is not None:
            try:
                return self.close(self.value(answer, label), self.value(expected, label)), "numeric"
            except MathError:
                return False, "numeric"
        proved = self.prove(answer, expected)
        if proved is not None:
            return proved, "symbolic"
        sampled = self.sampler.compare(answer, expected, self.rtol, self.atol)
        self.last = sampled
        self.sampled_points = max(self.sampled_points, sampled.points)  # compared there, right or wrong
        return sampled.ok, "sampled"

    def prove(self, answer: sp.Expr, expected: sp.Expr) -> bool | None:
        """True when the difference simplifies to 0 (under the assumptions), False when it is a
        non-zero constant or sympy proves it non-zero; None when neither could be shown (in budget)."""
        diff = answer - expected
        if diff == 0:
            return True

        def work() -> bool | None:
            tidied = tidy(diff, thorough=sp.count_ops(diff) <= SIMPLIFY_MAX_OPS)
            if tidied == 0:
                return True
            if not tidied.free_symbols:
                return tolerance.exact_sign(tidied) == 0 if tolerance.is_exact(tidied) else float(tidied) == 0
            if diff.is_zero is False:
                return False
            positive = self._assumed(tidied)
            if positive is not None and tidy(positive) == 0:
                return True
            return None

        return attempt(work, lambda: None, "symbolic comparison")

    def _assumed(self, expr: sp.Expr) -> sp.Expr | None:
        """``expr`` with each input that --assume says is positive (negative, …) replaced by a
        symbol carrying that assumption, so that sympy may use it (sqrt(x y) = sqrt(x) sqrt(y))."""
        replacements = {}
        for cond in self.assumptions:
            if isinstance(cond, sp.core.relational.Relational) and cond.rhs == 0 and cond.lhs in self.symbols:
                kind = {">": "positive", ">=": "nonnegative", "<": "negative", "<=": "nonpositive"}.get(cond.rel_op)
                if kind:
                    replacements[cond.lhs] = sp.Dummy(cond.lhs.name, **{kind: True})
        return expr.xreplace(replacements) if replacements else None

    def matrices_equal(self, a: sp.Matrix, b: sp.Matrix) -> bool:
        return a.shape == b.shape and all(self.equal(x, y)[0] for x, y in zip(a, b))

    def relation(self, a: sp.Expr, e: sp.Expr) -> str:
        """"eq", "neg" (the sign is wrong) or "other"."""
        if self.equal(a, e)[0]:
            return "eq"
        if not (e == 0) and self.equal(a, -e)[0]:
            return "neg"
        return "other"
