"""Critical points found numerically and verified: Newton's method from grids of starts over the box,
stopping when a finer grid finds nothing new; every point refined and checked at 60 digits before it is
reported (an underflowed gradient is not a zero); a time share for each part of the work."""

from __future__ import annotations

import itertools
import math
import signal
import sys
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import mpmath as mp
import numpy as np
import sympy as sp
from sympy.core.function import ArgumentIndexError

from ..calculus import tolerance
from ..chain.numeric import CompiledMatrix
from ..core.budget import SIGNAL, TIMER, attempt, clock, remaining
from ..core.request import option

if TYPE_CHECKING:
    from types import FrameType

    from numpy.typing import NDArray

STARTS = 400  # the first grid of starts; each finer level has 4× as many
LEVELS = 3  # grids of 400, 1600 and 6400 starts at most
NEWTON_STEPS = 80
DIGITS = 60  # the working precision of the verification (mpmath)
ZERO_TO = 1e-30  # verified: every equation is 0 to 30 digits relative to the size of its terms
SEARCH_SECONDS = 6.0  # the numeric search starts no finer grid after this long


def real_exact(value: sp.Expr) -> sp.Expr | None:
    """``value`` if it is a real number, written without i where sympy can (−i·log(16/(1 − √3 i)⁴) is −2π/3);
    None if it is not real. Decided exactly (the imaginary part's sign at 60 digits, zero tested
    symbolically), never by float() of a complex number."""
    try:
        number = complex(sp.N(value, 30))
    except (TypeError, ValueError):
        return None
    if abs(number.imag) > 1e-20 * max(1.0, abs(number.real)):
        return None
    if not value.has(sp.I):
        return value if value.is_real is not False else None
    imaginary = sp.im(value)
    if tolerance.exact_sign(imaginary) != 0:
        return None
    real = sp.re(value)
    if real.has(sp.I) or real.has(sp.re) or real.has(sp.im):
        real = sp.simplify(real)
    if real.has(sp.I):
        return sp.Float(sp.re(sp.N(value, 30)), 30)  # real, but sympy cannot write it without i
    return real


def inside_exact(point: Sequence[sp.Expr], bounds: list[tuple[sp.Expr, sp.Expr]] | None) -> bool:
    """Inside the box, decided exactly for exact coordinates (no float() of anything)."""
    if bounds is None:
        return True
    return all(tolerance.exact_sign(v - lo) >= 0 and tolerance.exact_sign(hi - v) >= 0
               for v, (lo, hi) in zip(point, bounds))


# ---------------------------------------------------------------------------
# Time

def time_share(fraction: float) -> float:
    """A share of the time budget left (no budget: no limit)."""
    left = remaining()
    return math.inf if left is None else max(fraction * left, 0.0)


class _Stop(Exception):
    pass


TIMED_OUT: Any = type("TimedOut", (), {"__repr__": lambda self: "TIMED_OUT"})()  # what capped returns then


def capped(seconds: float, work: Callable[[], Any]) -> Any:
    """``work()``, or TIMED_OUT when it takes longer than ``seconds``: sympy's solve of a system of sines can run for
    minutes, and the numeric search needs the time. Its own timer (the budget's processor-time clock, repeating
    until cleared, as the budget's does); the budget's timer is given back what is left of it."""

    if seconds <= 0:
        return TIMED_OUT
    if math.isinf(seconds):
        return work()
    if not (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()):
        return attempt(work, lambda: TIMED_OUT, "exact solution of ∇f = 0")

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    def quiet(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, _Stop):
            hook(unraisable)

    started = clock()
    saved, _ = signal.getitimer(TIMER)
    previous = signal.signal(SIGNAL, alarm)
    hook = sys.unraisablehook
    sys.unraisablehook = quiet
    signal.setitimer(TIMER, seconds, 0.05)
    try:
        return work()
    except _Stop:
        return TIMED_OUT
    finally:
        signal.setitimer(TIMER, 0)
        signal.signal(SIGNAL, previous)
        sys.unraisablehook = hook
        if saved > 0:
            signal.setitimer(TIMER, max(saved - (clock() - started), 0.001))


# ---------------------------------------------------------------------------
# Verification at high precision

class _Undefined(Exception):
    pass


_MPMATH = {sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.cot: "cot", sp.sec: "sec", sp.csc: "csc",
           sp.asin: "asin", sp.acos: "acos", sp.atan: "atan", sp.acot: "acot", sp.sinh: "sinh", sp.cosh: "cosh",
           sp.tanh: "tanh", sp.coth: "coth", sp.asinh: "asinh", sp.acosh: "acosh", sp.atanh: "atanh",
           sp.exp: "exp", sp.log: "log", sp.erf: "erf", sp.gamma: "gamma"}


class Checker:
    """The equations at a point in 60-digit arithmetic, each with the size of its terms: a sum's size is the
    sum of its terms' sizes, a product's the product, f(u)'s is |f(u)| + |f'(u)|·size(u), an input's its
    magnitude. A point is verified when every equation is 0 to 30 digits of that size: the gradient of
    x·e^(−x²−y²) at x ≈ 9 is 10^-50, but so are its terms, and it is no zero. (``length``, the box's
    half-width, is the scale of the coordinates for the double-precision stage.)"""

    def __init__(self, equations: list[sp.Expr], unknowns: list[sp.Symbol], length: float):
        self.equations = equations
        self.unknowns = unknowns
        self.length = length

    def value_and_scale(self, expr: sp.Expr, values: Sequence[Any]) -> tuple[Any, Any] | None:
        with mp.workdps(DIGITS):
            env = {u: _mp(v) for u, v in zip(self.unknowns, values)}
            cache: dict[sp.Basic, tuple[Any, Any]] = {}
            try:
                value, scale = self._walk(expr, env, cache)
            except (_Undefined, ZeroDivisionError, ValueError, TypeError, OverflowError):
                return None
            if not (mp.isfinite(value) and mp.isfinite(scale)):
                return None
            if abs(mp.im(value)) > mp.mpf(10) ** (-DIGITS // 2) * max(scale, abs(value)):
                return None  # not real there
            return mp.re(value), scale

    def residuals(self, values: Sequence[Any]) -> list[float] | None:
        """|equation| / size of its terms, for each equation (None where something is undefined)."""
        out = []
        for e in self.equations:
            result = self.value_and_scale(e, values)
            if result is None:
                return None
            value, scale = result
            out.append(0.0 if value == 0 else float(abs(value) / scale) if scale else math.inf)
        return out

    def verify_exact(self, values: Sequence[sp.Expr]) -> bool:
        r = self.residuals(values)
        return r is not None and max(r, default=0.0) <= ZERO_TO

    def _walk(self, node: sp.Basic, env: dict[sp.Basic, Any],
              cache: dict[sp.Basic, tuple[Any, Any]]) -> tuple[Any, Any]:
        if node in cache:
            return cache[node]
        if node in env:
            v = env[node]
            out = (v, abs(v))
        elif node.is_number and not node.free_symbols:
            v = _mp(node)
            out = (v, abs(v))
        elif node.is_Add:
            parts = [self._walk(a, env, cache) for a in node.args]
            out = (mp.fsum(p[0] for p in parts), mp.fsum(p[1] for p in parts))
        elif node.is_Mul:
            parts = [self._walk(a, env, cache) for a in node.args]
            out = (mp.fprod(p[0] for p in parts), mp.fprod(p[1] for p in parts))
        elif node.is_Pow:
            base, exponent = node.args
            vb, sb = self._walk(base, env, cache)
            if exponent.is_number:
                ve = _mp(exponent)
                if vb == 0 and mp.re(ve) < 0:
                    raise _Undefined
                v = vb ** ve
                if exponent.is_Integer and exponent > 0:
                    s = sb ** int(exponent)
                else:
                    s = abs(v) + (abs(ve * vb ** (ve - 1)) * sb if vb != 0 else mp.inf)
            else:
                ve, se = self._walk(exponent, env, cache)
                if vb == 0:
                    raise _Undefined
                v = vb ** ve
                s = abs(v) * (1 + abs(mp.log(vb)) * se + abs(ve / vb) * sb)
            out = (v, s)
        elif isinstance(node, sp.Piecewise):
            for expr, condition in node.args:
                truth = condition.xreplace({k: sp.Float(v.real if isinstance(v, mp.mpc) else v, DIGITS)
                                            for k, v in env.items()}) if condition is not sp.true else sp.true
                if truth is sp.true:
                    out = self._walk(expr, env, cache)
                    break
                if truth is not sp.false:
                    raise _Undefined
            else:
                raise _Undefined
        elif isinstance(node, sp.Function):
            parts = [self._walk(a, env, cache) for a in node.args]
            name = _MPMATH.get(node.func)
            if name is not None:
                v = getattr(mp, name)(*[p[0] for p in parts])
            else:
                v = _mp(node.func(*[_sympy_number(p[0]) for p in parts]))
            s = abs(v)
            cache[node] = (v, s)  # f' may hold f itself (exp' = exp, tanh' = 1 − tanh²)
            for i, (_, sa) in enumerate(parts):
                try:
                    derivative = node.fdiff(i + 1)
                    if derivative.has(sp.Derivative, sp.Subs):
                        raise _Undefined
                    dv, _ = self._walk(derivative, env, cache)
                except (_Undefined, ValueError, TypeError, ZeroDivisionError, ArgumentIndexError):
                    dv = v
                s += abs(dv) * sa
            out = (v, s)
        else:
            v = _mp(node.xreplace({k: _sympy_number(val) for k, val in env.items()}))
            out = (v, abs(v))
        cache[node] = out
        return out


def _mp(value: Any) -> Any:
    """A sympy number (or an mpmath one) as an mpmath number at the current precision."""

    if isinstance(value, (mp.mpf, mp.mpc)):
        return value
    number = sp.N(value, DIGITS + 5)
    if number.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise _Undefined
    re_part, im_part = number.as_real_imag()
    if not (re_part.is_Number and im_part.is_Number):
        raise _Undefined
    re_mp = mp.mpf(sp.Float(re_part, DIGITS + 5))
    return re_mp if im_part == 0 else mp.mpc(re_mp, mp.mpf(sp.Float(im_part, DIGITS + 5)))


def _sympy_number(value: Any) -> sp.Expr:
    if isinstance(value, mp.mpc):
        return sp.Float(value.real, DIGITS) + sp.I * sp.Float(value.imag, DIGITS)
    return sp.Float(value, DIGITS)


# ---------------------------------------------------------------------------
# The numeric search

@dataclass
class _Search:
    points: list[tuple[sp.Expr, ...]] = field(default_factory=list)  # verified isolated points (exact or 30-digit Floats)
    starts: int = 0
    levels: int = 0
    unsettled: bool = False  # the finest grid still found new points
    out_of_time: bool = False
    rejected: list[tuple[float, ...]] = field(default_factory=list)  # converged in double precision, not verified
    curve_points: list[tuple[float, ...]] = field(default_factory=list)  # where the solutions seem to form curves
    named_curves: bool = False  # sympy gave some curves (listed with their equations)
    failed: bool = False  # numpy could not evaluate the equations

    def describe(self, box_text: str) -> str:
        return (f"Newton's method from {self.starts} starts on {self.levels} grid(s) of increasing fineness over "
                f"the box {box_text}" + (", stopping when a finer grid found no new point" if not self.unsettled
                                         and not self.out_of_time else "")
                + f"; each point verified (exactly, or at {DIGITS} digits)")

    def notes(self) -> list[str]:
        out = []
        if self.failed:
            out.append("jac could not evaluate the equations numerically, so the numeric search did not run: there "
                       "may be critical points that are not listed")
        if self.unsettled:
            out.append("the finest grid still found new points: there may be more critical points in the box than "
                       "are listed (narrow the box with " + option("box") + ")")
        if self.out_of_time:
            out.append("the numeric search stopped for time before a finer grid could confirm the points found: "
                       "there may be more")
        if self.rejected:
            where = ", ".join("(" + ", ".join(f"{v:.6g}" for v in p) + ")" for p in self.rejected[:2])
            out.append(f"{len(self.rejected)} point(s) where Newton's method seemed to settle in double precision "
                       f"could not be verified at {DIGITS} digits (Newton's method did not converge there, or the "
                       f"gradient is not 0 relative to the size of its terms), e.g. near {where}: they are not listed")
        if self.curve_points:
            where = ", ".join("(" + ", ".join(f"{v:.6g}" for v in p) + ")" for p in self.curve_points[:3])
            out.append(f"Newton's method also settled at {len(self.curve_points)} points where the Jacobian of the "
                       f"equations is singular and the solutions seem to go on along "
                       f"{'further ' if self.named_curves else ''}curves or surfaces (e.g. near {where}): they are "
                       "not listed — critical points that are not isolated, or points close to a degenerate one, "
                       "which jac cannot tell apart numerically")
        return out


def numeric_search(equations: list[sp.Expr], refine: Refiner, unknowns: list[sp.Symbol], n: int,
            box: list[tuple[float, float]], bounds: list[tuple[sp.Expr, sp.Expr]], x: list[sp.Symbol], f: sp.Expr,
            constraints: list[sp.Expr], known: list[tuple[sp.Expr, ...]],
            families: list[dict[sp.Symbol, sp.Expr]]) -> _Search:
    """Newton's method (double precision, all starts at once) from grids of 400, 1600, 6400 starts, then each new
    point snapped to an exact value or refined and verified at 60 digits (see the module's docstring)."""


    result = _Search()
    system = sp.Matrix(equations)
    F = CompiledMatrix(system, unknowns)
    J = CompiledMatrix(_almost_everywhere(system.jacobian(unknowns)), unknowns)
    lows = np.array([lo for lo, _ in box])
    highs = np.array([hi for _, hi in box])
    size = float(np.max(highs - lows))
    same = 1e-7 * size
    rng = np.random.default_rng(0)
    multipliers = None
    if constraints:
        grad = CompiledMatrix(sp.Matrix([sp.diff(f, v) for v in x]), x)
        G = CompiledMatrix(sp.Matrix([[sp.diff(g, v) for v in x] for g in constraints]), x)

        def multipliers(X: NDArray[np.float64]) -> NDArray[np.float64]:  # λ that best fits ∇f = Gᵀλ at each start
            with np.errstate(all="ignore"):
                Gt = np.transpose(G(*X.T), (0, 2, 1))
                lam = (np.linalg.pinv(Gt) @ grad(*X.T))[..., 0]
            return np.where(np.isfinite(lam), lam, 0.0)

    known_values = _Near(n, same)
    for p in known:
        known_values.add(np.array([float(sp.re(sp.N(v))) for v in p[:n]]))
    found = _Near(n, same)  # double-precision locations of every point accepted (or rejected) so far
    seen_curve = _Near(n, same)
    on_families = _Families(families, x, size)
    result.named_curves = bool(families)
    started = clock()
    for level in range(LEVELS):
        level_started = clock()
        count = STARTS * 4 ** level
        per = max(2, round(count ** (1 / n)))
        cells = (highs - lows) / per
        if per ** n <= 4 * count:
            grid = np.array(list(itertools.product(range(per), repeat=n)), dtype=float)
            X = lows + (grid + 0.5 + 0.6 * (rng.random(grid.shape) - 0.5)) * cells
        else:
            X = lows + (highs - lows) * rng.random((count, n))
        Z = np.hstack([X, multipliers(X)]) if multipliers is not None else X
        result.starts += len(Z)
        result.levels = level + 1
        length = refine.checker.length
        try:
            candidates, singular = _newton(F, J, Z, lows, highs, n, size, length)
        except (NameError, TypeError, ValueError, AttributeError):  # a function numpy cannot evaluate
            result.failed = True
            break
        fresh = []
        for z, is_singular in zip(candidates, singular):
            point = z[:n]
            if found.has(point) or seen_curve.has(point):
                continue
            if known_values.has(point):
                found.add(point)
                continue
            if on_families.has(point):
                seen_curve.add(point)
                continue
            fresh.append((z, is_singular))
        fresh = [(z, is_singular and refine.snap(z) is None) for z, is_singular in fresh]  # exact: a point
        on_curves = _on_curves(F, J, [z for z, is_singular in fresh if is_singular], lows, highs, n, size, length)
        new_isolated = 0
        for z, is_singular in fresh:
            point = z[:n]
            if found.has(point) or seen_curve.has(point):
                continue
            if is_singular and on_curves.pop(0):
                seen_curve.add(point)
                result.curve_points.append(tuple(float(v) for v in point))
                continue
            verified = refine(z)
            if verified is None:
                result.rejected.append(tuple(float(v) for v in point))
                found.add(point)  # do not try it again
                continue
            values, location = verified
            if not inside_numeric(values[:n], bounds, size):
                found.add(point)
                continue
            if found.has(location[:n]) or known_values.has(location[:n]):
                found.add(point)
                continue
            found.add(location[:n])
            result.points.append(values)
            new_isolated += 1
        if level >= 1 and new_isolated == 0:
            break
        if level == LEVELS - 1:
            result.unsettled = new_isolated > 0
            break
        spent = clock() - level_started
        if clock() - started + 4 * spent > SEARCH_SECONDS or time_share(1.0) < 4 * spent + 1.0:
            result.out_of_time = True
            break
    return result


def _almost_everywhere(matrix: sp.Matrix) -> sp.Matrix:
    """δ(x) (the derivative of sign(x) or of a step) is 0 wherever Newton's method can use it."""
    return matrix.replace(sp.DiracDelta, lambda *args: sp.S.Zero)


def _linear(steps: list[Any]) -> bool:
    """The last steps shrink by a steady factor (Newton's method at a degenerate root)."""
    return len(steps) >= 6 and all(b <= 0.95 * a for a, b in zip(steps[-6:], steps[-5:]))


def _remaining(steps: list[Any]) -> Any:
    """How far Newton's method still has to go when its steps shrink by a factor r: step · r / (1 − r)."""
    r = min(steps[-1] / steps[-2], 0.95)
    return steps[-1] * r / (1 - r)


class _Near:
    """Points seen so far, and whether a point is within ``tol`` (max norm) of one of them."""

    def __init__(self, n: int, tol: float):
        self.rows = np.empty((0, n))
        self.tol = tol

    def has(self, point: NDArray[np.float64]) -> bool:
        return bool(len(self.rows)) and bool(np.any(np.max(np.abs(self.rows - point), axis=1) < self.tol))

    def add(self, point: NDArray[np.float64]) -> None:
        self.rows = np.vstack([self.rows, point])


def _iterate(F: CompiledMatrix, J: CompiledMatrix, Z: NDArray[np.float64], lows: NDArray[np.float64],
             highs: NDArray[np.float64], n: int, size: float,
             length: float) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Damped Newton's method from every row of Z at once (steps at most 1/8 of the box, least squares where
    the Jacobian is singular). Returns where each start ended and whether it settled there: the steps shrank to
    nothing inside the box and the equations are 0 relative to the Jacobian's scale (|F| ≤ 10⁻⁶ |J| · length,
    so neither a least-squares stall nor a place where F and J are both merely tiny)."""

    Z = Z.copy()
    count = len(Z)
    alive = np.ones(count, dtype=bool)
    last = np.full(count, np.inf)
    limit = size / 8
    with np.errstate(all="ignore"):
        for _ in range(NEWTON_STEPS):
            idx = np.flatnonzero(alive & (last > 1e-13 * size))
            if not idx.size:
                break
            z = Z[idx]
            Fv = F(*z.T)[:, :, 0]
            Jv = J(*z.T)
            ok = np.isfinite(Fv).all(axis=1) & np.isfinite(Jv).all(axis=(1, 2)) & (np.abs(Jv).max(axis=(1, 2)) > 0)
            alive[idx[~ok]] = False
            idx, z, Fv, Jv = idx[ok], z[ok], Fv[ok], Jv[ok]
            if not idx.size:
                continue
            step = -(np.linalg.pinv(Jv) @ Fv[..., None])[..., 0]
            norm = np.abs(step).max(axis=1)
            step *= np.minimum(1.0, limit / np.maximum(norm, 1e-300))[:, None]
            Z[idx] = z + step
            last[idx] = norm
            away = ((Z[idx, :n] < lows - 0.25 * size) | (Z[idx, :n] > highs + 0.25 * size)).any(axis=1)
            alive[idx[away]] = False
        settled = alive & (last <= 1e-6 * size) & np.all(Z[:, :n] >= lows - 1e-6 * size, axis=1) & \
            np.all(Z[:, :n] <= highs + 1e-6 * size, axis=1)
        if settled.any():
            Fv = F(*Z[settled].T)[:, :, 0]
            Jv = J(*Z[settled].T)
            small = np.abs(Fv).max(axis=1) <= 1e-6 * np.abs(Jv).max(axis=(1, 2)) * length
            settled[np.flatnonzero(settled)[~small]] = False
    return Z, settled


def _newton(F: CompiledMatrix, J: CompiledMatrix, Z: NDArray[np.float64], lows: NDArray[np.float64],
            highs: NDArray[np.float64], n: int, size: float,
            length: float) -> tuple[list[NDArray[np.float64]], list[bool]]:
    """The distinct points where Newton's method settled (``_iterate``), and whether the Jacobian is singular
    there."""

    Z, settled = _iterate(F, J, Z, lows, highs, n, size, length)
    Z = Z[settled]
    if not len(Z):
        return [], []
    _, first = np.unique(np.round(Z / (1e-8 * size)), axis=0, return_index=True)
    Z = Z[np.sort(first)]
    with np.errstate(all="ignore"):
        s = np.linalg.svd(J(*Z.T), compute_uv=False)
    singular = s[:, -1] <= 1e-7 * np.maximum(s[:, 0], 1e-300)
    return list(Z), list(singular)


def _on_curves(F: CompiledMatrix, J: CompiledMatrix, points: list[NDArray[np.float64]], lows: NDArray[np.float64],
               highs: NDArray[np.float64], n: int, size: float, length: float) -> list[bool]:
    """At points where the Jacobian is singular: does Newton's method from a little way along its null
    direction (both ways) settle at a new point that far away — a curve of solutions — or come back to the
    point, which is then an isolated (degenerate) one?"""

    if not points:
        return []
    Z = np.array(points)
    with np.errstate(all="ignore"):
        _, _, vt = np.linalg.svd(J(*Z.T))
    directions = vt[:, -1, :]
    t = 1e-3 * size
    starts = np.vstack([Z + t * directions, Z - t * directions])
    ends, settled = _iterate(F, J, starts, lows - size, highs + size, n, size, length)
    reach = 0.5 * t * np.max(np.abs(directions), axis=1)
    moved = np.max(np.abs(ends - np.vstack([Z, Z])), axis=1) > np.concatenate([reach, reach])
    away = settled & moved
    return list(away[:len(Z)] | away[len(Z):])


class _Families:
    """The curves sympy gave (x = 0, x = π/(2y) …), compiled: is a point found numerically on one of them?"""

    def __init__(self, families: list[dict[sp.Symbol, sp.Expr]], x: list[sp.Symbol], size: float):
        self.tests = []
        for family in families:
            residuals = [v - value for v, value in family.items() if v in x and not (value.free_symbols - set(x))]
            if residuals:
                self.tests.append(CompiledMatrix(sp.Matrix(residuals), x))
        self.tol = 1e-6 * size

    def has(self, point: NDArray[np.float64]) -> bool:
        with np.errstate(all="ignore"):
            for test in self.tests:
                values = test(*[np.array([v]) for v in point])[0, :, 0]
                if np.all(np.abs(values) <= self.tol):
                    return True
        return False


def inside_numeric(point: Sequence[sp.Expr], bounds: list[tuple[sp.Expr, sp.Expr]], size: float) -> bool:
    """A decimal point is inside when within its precision of the box (π found at 30 digits is on [-π, π])."""
    slack = 1e-25 * size
    for v, (lo, hi) in zip(point, bounds):
        value = sp.N(v, 40)
        if value < sp.N(lo, 40) - slack or value > sp.N(hi, 40) + slack:
            return False
    return True


class Refiner:
    """One point found in double precision, verified: snapped to exact coordinates where sympy's exact
    evaluation of every equation there is 0, else Newton's method at 60 digits until every equation is 0 to 30
    digits relative to the size of its terms (``Checker``). Returns (values, location as floats) or None."""

    def __init__(self, equations: list[sp.Expr], unknowns: list[sp.Symbol], checker: Checker, size: float):
        self.equations = equations
        self.unknowns = unknowns
        self.checker = checker
        self.size = size
        self.snaps: dict[tuple[float, float], list[sp.Expr]] = {}
        system = sp.Matrix(equations)
        try:
            self.F = sp.lambdify(unknowns, system, modules="mpmath")
            self.J = sp.lambdify(unknowns, _almost_everywhere(system.jacobian(unknowns)), modules="mpmath")
        except (TypeError, NameError, SyntaxError, KeyError):  # a function mpmath lacks: evaluate with sympy
            self.F = self.J = None
        self.jacobian = _almost_everywhere(system.jacobian(unknowns))

    def __call__(self, z: Iterable[float]) -> tuple[tuple[sp.Expr, ...], NDArray[np.float64]] | None:
        """(values, location as floats), or None when the point is not verified."""

        exact = self.snap(z)
        if exact is None:
            refined = self._newton(z)
            if refined is None:
                return None
            if not isinstance(refined, tuple):
                return tuple(refined), np.array([float(v) for v in refined])
            exact = refined
        return exact, np.array([float(sp.N(v)) for v in exact])

    def snap(self, z: Iterable[Any], within: float = 0.0) -> tuple[sp.Expr, ...] | None:
        """Exact coordinates near z (0, p/q, pπ/q with q ≤ 24, within 10⁻⁹ or ``within``) at which sympy's exact
        evaluation of every equation is 0 — a proof that the point is a critical point."""
        choices = [self._candidates(float(v), within) for v in z]
        for values in itertools.islice(itertools.product(*choices), 8):
            subs = dict(zip(self.unknowns, values))
            try:
                if all(e.xreplace(subs) == 0 for e in self.equations):  # sympy expressions, never text
                    return tuple(values)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
        return None

    def _candidates(self, v: float, within: float = 0.0) -> list[sp.Expr]:
        key = (round(v, 11), within)
        if key in self.snaps:
            return self.snaps[key]
        out: list[sp.Expr] = []
        tol = max(1e-9 * max(1.0, abs(v)), within)
        if abs(v) <= max(1e-9 * self.size, within):
            out.append(sp.Integer(0))
        for base, scale in ((sp.pi, math.pi), (sp.Integer(1), 1.0)):
            q = Fraction(v / scale).limit_denominator(24)
            if q != 0 and abs(float(q) * scale - v) <= tol:
                out.append(sp.Rational(q.numerator, q.denominator) * base)
        self.snaps[key] = out
        return out

    def _newton(self, z: Iterable[Any]) -> list[sp.Expr] | tuple[sp.Expr, ...] | None:
        """Newton's method at 60 digits (Levenberg–Marquardt-damped, so a singular Jacobian does not throw it
        far). A point is accepted when the steps converged to nothing (quadratically), the Jacobian there is
        not singular (a damped step can be tiny without a root), and every equation is 0 to 30 digits
        relative to the size of its terms — 30-digit Floats, with coordinates that are 0 to 40 digits written
        as 0. Where the steps shrink only linearly (a degenerate root, x⁵ at 0) or the Jacobian is singular,
        only exact coordinates within the distance still to go are accepted (as a tuple); else None."""

        with mp.workdps(DIGITS):
            point = [mp.mpf(float(v)) for v in z]
            tiny = mp.mpf(10) ** (-(DIGITS - 8)) * self.size
            steps: list[Any] = []
            for k in range(30):
                try:
                    Fv, Jv = self._evaluate(point)
                except (_Undefined, ZeroDivisionError, ValueError, TypeError, OverflowError):
                    return None
                scale = max((abs(v) for v in Jv), default=mp.mpf(0))
                if scale == 0 or not all(mp.isfinite(v) for v in list(Fv) + list(Jv)):
                    return None
                JT = Jv.T
                mu = (scale * mp.mpf(10) ** (-25)) ** 2
                try:
                    step = mp.lu_solve(JT * Jv + mu * mp.eye(Jv.rows), -(JT * Fv))
                except ZeroDivisionError:
                    return None
                point = [p + s for p, s in zip(point, step)]
                steps.append(max(abs(s) for s in step))
                if steps[-1] <= tiny:
                    break
                if k in (9, 19) and _linear(steps):
                    exact = self.snap(point, float(10 * _remaining(steps)))
                    if exact is not None:
                        return exact
            if steps[-1] > tiny:
                return self.snap(point, float(10 * _remaining(steps))) if _linear(steps) else None
            try:
                _, Jv = self._evaluate(point)
                sigma = mp.svd_r(Jv, compute_uv=False)
            except (_Undefined, ZeroDivisionError, ValueError, TypeError, OverflowError):
                return None
            if min(sigma) <= mp.mpf(10) ** -20 * max(sigma):
                return self.snap(point, float(10 ** 10 * tiny))
        for candidate in self._tidy(point):
            residuals = self.checker.residuals(candidate)
            if residuals is not None and max(residuals, default=0.0) <= ZERO_TO:
                return candidate
        return None

    def _evaluate(self, point: list[Any]) -> tuple[Any, Any]:
        if self.F is not None:
            return mp.matrix(self.F(*point)), mp.matrix(self.J(*point))
        subs = {u: _sympy_number(v) for u, v in zip(self.unknowns, point)}
        Fv = mp.matrix([_mp(e.xreplace(subs)) for e in self.equations])
        Jv = mp.matrix([[_mp(e.xreplace(subs)) for e in row] for row in self.jacobian.tolist()])
        return Fv, Jv

    def _tidy(self, point: list[Any]) -> list[list[sp.Expr]]:
        """30-digit Floats, first with the coordinates that are 0 to 40 digits of the box written as 0 (an
        x·cos(y) term is then exactly 0, not 10⁻⁶⁰ of its own size), then as they came."""
        out = [sp.Float(v, 30) for v in point]
        zeroed = [sp.Float(0) if abs(float(v)) <= 1e-40 * self.size else v for v in out]
        return [zeroed, out] if zeroed != out else [out]
