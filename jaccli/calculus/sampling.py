"""Comparing two formulas where simplification cannot decide: at points spread over
the real domain, at several scales, and on both sides of every seam (abs, relu,
min/max, piecewise boundaries), evaluated at 50 digits.

Points are drawn reproducibly (a fixed seed) in boxes |xᵢ| ≤ s for s = 0.25 … 1000
(half of them in the positive orthant, where roots and logs live), kept where the
expected formula is a finite real number and every ``--assume`` condition holds.
Seam points come in pairs, just on either side of where a seam's expression changes
sign between two drawn points (found by bisection).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence, cast

import mpmath
import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from ..core.budget import attempt

DIGITS = 50
SCALES = (0.25, 1.0, 4.0, 16.0, 100.0, 1000.0)
PER_SCALE = 8  # half general, half in the positive orthant
MIN_POINTS = 6  # fewer valid points than this: undecided
MAX_SEAM_POINTS = 48
SEED = 20261121


def _mp() -> Any:
    return mpmath


def _namespace() -> dict[str, Callable[..., Any]]:
    """mpmath versions of jac's own functions (real semantics)."""
    mp = _mp()

    def step(x: Any) -> Any:
        if x > 0:
            return mp.mpf(1)
        if x < 0:
            return mp.mpf(0)
        return mp.nan

    def cbrt(x: Any) -> Any:
        return mp.sign(x) * mp.cbrt(abs(x))

    return {"sigmoid": lambda x: 1 / (1 + mp.exp(-x)), "softplus": lambda x: mp.log(1 + mp.exp(x)),
            "relu": lambda x: x if x > 0 else mp.mpf(0), "step": step, "cbrt": cbrt,
            "Heaviside": step}


def compile_mp(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> Callable[..., Any]:
    return cast("Callable[..., Any]", sp.lambdify(list(symbols), list(exprs), modules=[_namespace(), "mpmath"]))


def real_value(value: Any) -> Any:
    """A finite real mpf, or None (complex, infinite, nan, or not a number)."""
    mp = _mp()
    try:
        if isinstance(value, mp.mpc) or isinstance(value, complex):
            if abs(mp.im(value)) > mp.mpf(10) ** (-DIGITS + 10) * (1 + abs(mp.re(value))):
                return None
            value = mp.re(value)
        value = mp.mpf(value)
    except (TypeError, ValueError):
        return None
    if not mp.isfinite(value):
        return None
    return value


@dataclass
class Sampler:
    """Points in the real domain of ``expected`` (each entry's own), shared by every comparison."""

    symbols: Sequence[sp.Symbol]
    assumptions: Sequence[sp.Basic] = ()
    seams: Sequence[sp.Expr] = ()
    points: list[list[Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        mp = _mp()
        rng = random.Random(SEED)
        n = len(self.symbols)
        with mp.workdps(DIGITS):
            raw = []
            for s in SCALES:
                for k in range(PER_SCALE):
                    point = [rng.uniform(-s, s) for _ in range(n)]
                    if k % 2:
                        point = [abs(v) for v in point]
                    raw.append([mp.mpf(v) for v in point])
            keep = compile_mp(list(self.assumptions), self.symbols) if self.assumptions else None
            points = [p for p in raw if keep is None or all(bool(c) for c in keep(*p))]
            points += self._seam_points(points, keep)
        self.points = points

    def _seam_points(self, points: list[list[Any]], keep: Callable[..., Any] | None) -> list[list[Any]]:
        """Pairs of points just on either side of each seam crossed between consecutive points."""
        if not self.seams or len(points) < 2:
            return []
        mp = _mp()
        u = compile_mp(list(self.seams), self.symbols)
        out: list[list[Any]] = []
        for p, q in zip(points, points[1:] + points[:1]):
            try:
                up, uq = u(*p), u(*q)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            for k in range(len(self.seams)):
                a, b = real_value(up[k]), real_value(uq[k])
                if a is None or b is None or a == 0 or b == 0 or (a > 0) == (b > 0):
                    continue
                lo, hi = mp.mpf(0), mp.mpf(1)
                for _ in range(60):
                    mid = (lo + hi) / 2
                    value = real_value(u(*[pi + mid * (qi - pi) for pi, qi in zip(p, q)])[k])
                    if value is None:
                        break
                    if (value > 0) == (a > 0):
                        lo = mid
                    else:
                        hi = mid
                for t in (lo - mp.mpf("1e-6"), hi + mp.mpf("1e-6")):
                    point = [pi + t * (qi - pi) for pi, qi in zip(p, q)]
                    if keep is None or all(bool(c) for c in keep(*point)):
                        out.append(point)
                if len(out) >= MAX_SEAM_POINTS:
                    return out
        return out

    def compare(self, answer: sp.Expr, expected: sp.Expr, rtol: float, atol: float) -> "Sampled":
        """Compare at every point where ``expected`` is a finite real number. Each value is computed
        at DIGITS and at 2·DIGITS digits; their difference bounds the evaluation error (sin of a
        huge argument loses digits), which is allowed on top of ``atol + rtol·|expected|``."""
        mp = _mp()
        fa, fe = compile_mp([answer], self.symbols), compile_mp([expected], self.symbols)
        used = 0
        for p in self.points:
            e, e_err = _twice(fe, p)
            if e is None:
                continue
            a, a_err = _twice(fa, p)
            if a is None:
                confirmed = confirm(answer, expected, self.symbols, p, rtol, atol)
                if confirmed is None:
                    continue  # the point cannot tell: another one will
                used += 1
                if confirmed.answer is None:
                    return Sampled(False, used, p, None, e, "your entry is not a real number there")
                if confirmed.differs:
                    return Sampled(False, used, p, confirmed.answer, confirmed.expected)
                continue
            with mp.workdps(2 * DIGITS):
                slack = 10 * (a_err + e_err) + mp.mpf(10) ** (-DIGITS + 10) * max(abs(a), abs(e))
                differs = abs(a - e) > atol + rtol * abs(e) + slack
            if differs:
                # doubles and even 100 digits can cancel to nothing (cosh² y − sinh² y at y = 196):
                # a difference fails nobody until sympy's adaptive precision confirms it
                confirmed = confirm(answer, expected, self.symbols, p, rtol, atol)
                if confirmed is None:
                    continue
                used += 1
                if confirmed.differs or confirmed.answer is None:
                    return Sampled(False, used, p, confirmed.answer if confirmed.answer is not None else a,
                                   confirmed.expected,
                                   None if confirmed.answer is not None else "your entry is not a real number there")
                continue
            used += 1
        return Sampled(used >= MIN_POINTS, used, None, None, None,
                       None if used >= MIN_POINTS else f"only {used} points where J is real were found")

    def differences(self, answer: sp.Expr, expected: sp.Expr) -> tuple[int, int, float]:
        """(points compared, points where they differ beyond evaluation error, largest relative difference)."""
        mp = _mp()
        with mp.workdps(DIGITS):
            fa, fe = compile_mp([answer], self.symbols), compile_mp([expected], self.symbols)
            used = differ = 0
            worst = 0.0
            for p in self.points:
                try:
                    e, a = real_value(fe(*p)[0]), real_value(fa(*p)[0])
                except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                    continue
                if e is None or a is None:
                    continue
                used += 1
                gap = abs(a - e)
                if gap > mp.mpf(10) ** (-DIGITS + 25) * max(abs(a), abs(e)):
                    differ += 1
                    worst = max(worst, float(gap / abs(e)) if e != 0 else float("inf"))
            return used, differ, worst


CONFIRM_DIGITS = 30  # the digits sympy must certify of a difference before it fails an answer
CONFIRM_MAX_PRECISION = 4000  # bits sympy may use to get them (cancellation of e^400-sized terms)


@dataclass
class Confirmed:
    differs: bool
    answer: Any  # mpmath numbers, None when the answer is not real there
    expected: Any


def confirm(answer: sp.Expr, expected: sp.Expr, symbols: Sequence[sp.Symbol], point: list[Any], rtol: float,
            atol: float) -> Confirmed | None:
    """Decide a sampled difference at ``point`` with certified digits: sympy's evalf raises the working
    precision until CONFIRM_DIGITS digits of each value (and of their difference) are right, however much
    cancels. None when it cannot be certified (a difference that is 0, or too costly): the point is then no
    evidence either way."""

    mp = _mp()
    with mp.workdps(DIGITS):
        subs = {s: sp.Rational(mp.nstr(c, DIGITS, min_fixed=-mp.inf, max_fixed=mp.inf)) for s, c in zip(symbols, point)}

    def certified(expr: sp.Expr) -> Any:
        value = sp.N(expr.xreplace(subs), CONFIRM_DIGITS, maxn=CONFIRM_MAX_PRECISION, strict=True)
        if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        re, im = value.as_real_imag()
        if im != 0 and abs(im) > sp.Float(10) ** (-CONFIRM_DIGITS + 5) * (1 + abs(re)):
            return "complex"
        return re

    def work() -> Confirmed | None:
        try:
            e = certified(expected)
            if e is None or e == "complex":
                return None
            try:
                a = certified(answer)
            except PrecisionExhausted:
                return None
            if a is None:
                return None
            if a == "complex":
                return Confirmed(True, None, mp.mpf(str(e)))
            try:
                gap = abs(certified(answer - expected))
            except (PrecisionExhausted, TypeError):
                return None  # the difference is 0 to every digit sympy could afford: no evidence
            limit = atol + rtol * abs(e)
            return Confirmed(bool(gap > limit), mp.mpf(str(a)), mp.mpf(str(e)))
        except (PrecisionExhausted, TypeError, ValueError, ZeroDivisionError, OverflowError):
            return None

    return attempt(work, lambda: None, "confirming a sampled difference")


def _twice(f: Callable[..., Any], point: Sequence[Any]) -> tuple[Any, Any]:
    """f at the point at DIGITS and 2·DIGITS digits: (the precise value, |difference|), or (None, None)."""
    mp = _mp()
    values = []
    for dps in (DIGITS, 2 * DIGITS):
        with mp.workdps(dps):
            try:
                value = real_value(f(*[mp.mpf(c) for c in point])[0])
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                value = None
        if value is None:
            return None, None
        values.append(value)
    with mp.workdps(2 * DIGITS):
        return values[1], abs(values[1] - values[0])


@dataclass
class Sampled:
    ok: bool
    points: int  # how many points were compared
    where: list[Any] | None = None  # the first point where they differ
    answer: Any = None  # mpmath numbers there (mpmath is untyped)
    expected: Any = None
    reason: str | None = None
