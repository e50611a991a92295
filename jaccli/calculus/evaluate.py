"""Points and values at points: exact when the point is exact, floats when it is
not, and a clear MathError (exit 3) when something is undefined there."""

from __future__ import annotations

import cmath
from dataclasses import dataclass
from typing import Any, Sequence

import sympy as sp

from ..core.errors import MathError
from ..core.limits import MAX_RESULT_DIGITS
from . import special as jf
from .numbers import short_list
from .printing import to_text
from .simplify import tidy
from .smoothness import DIGITS, analyse, limit_value
from .symbols import symbol

_NON_FINITE = (sp.zoo, sp.nan, sp.oo, -sp.oo)


@dataclass(frozen=True)
class Point:
    """A point in a function's input space: names in input order, exact values."""

    names: tuple[str, ...]
    exact: tuple[sp.Expr, ...]

    @property
    def is_float(self) -> bool:
        return any(v.has(sp.Float) for v in self.exact)

    @property
    def subs(self) -> dict[sp.Symbol, sp.Expr]:
        return {symbol(n): v for n, v in zip(self.names, self.exact)}

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(to_number(v, f"coordinate {n}") for n, v in zip(self.names, self.exact))

    def text(self) -> str:
        """``(x, y) = (1, 2)``; long points are shortened: ``(x0, x1, …, x39) = (0.1, 0.2, …, 4)``."""
        if len(self.names) == 1:
            return f"{self.names[0]} = {to_text(self.exact[0])}"
        return f"({short_list(self.names)}) = ({self.args_text()})"

    def args_text(self) -> str:
        """``1, 2`` for J_f(1, 2)."""
        return short_list([to_text(v) for v in self.exact])


def to_number(expr: sp.Expr, label: str) -> float:
    """The decimal value of a real number expression (MathError for anything else: jac's
    functions are real, and a value outside the real domain is undefined, never shown)."""
    try:
        value = expr.evalf(17)
        number = complex(value)
    except (TypeError, ValueError):
        raise MathError(f"{label} has no numeric value ({to_text(expr)})") from None
    if not (cmath.isfinite(number)):
        raise MathError(f"{label} is too large to show as a decimal ({to_text(expr)})")
    if number.imag != 0 and not value.is_real and abs(number.imag) > 1e-15 * max(1.0, abs(number.real)):
        raise MathError(f"{label} is not real ({to_text(expr)}): the point is outside the real domain",
                        hint="choose a point inside the domain")
    return number.real


def substitute(expr: sp.Expr, subs: dict[Any, Any]) -> sp.Expr:
    """``expr.xreplace(subs)``, rebuilt bottom-up so that a power which would
    become an astronomically large exact number (x^(10^100) at x = 2) is
    refused before sympy tries to compute it."""
    done: dict[sp.Basic, sp.Basic] = {}

    def walk(node: sp.Basic) -> sp.Basic:
        if node in subs:
            return subs[node]
        if not node.args or not node.free_symbols:
            return node
        if node in done:
            return done[node]
        args = [walk(a) for a in node.args]
        if node.is_Pow:
            _guard_power(node, *args)
        done[node] = rebuilt = node.func(*args)
        return rebuilt

    return walk(expr)


def _guard_power(node: sp.Pow, base: sp.Expr, exp: sp.Expr) -> None:
    if not (base.is_number and exp.is_Rational and not base.has(sp.Float)) or abs(exp) < 64:
        return
    try:
        size = abs(float(sp.log(abs(base.evalf(15)), 10))) if base != 0 else 0.0
    except (TypeError, ValueError):
        return
    digits = size * abs(float(exp))
    if digits > MAX_RESULT_DIGITS:
        raise MathError(f"at this point {to_text(node)} is a number with about {digits:.3g} digits; "
                        f"jac computes at most {MAX_RESULT_DIGITS:,}",
                        hint="choose another point, or rewrite the expression with smaller powers")


def exact_at(expr: sp.Expr, point: Point, label: str) -> sp.Expr:
    """``expr`` at ``point``: exact for an exact point, a float otherwise.

    ``label`` names the quantity in messages (``∂f1/∂x``)."""

    value = substitute(expr, point.subs)
    if value.has(*_NON_FINITE):
        raise MathError(f"{label} = {to_text(expr)} is undefined at {point.text()}: {_reason(expr, point)}",
                        hint="choose a point inside the domain")
    kink = next(iter(value.atoms(jf.step)), None)
    if kink is not None:
        raise MathError(f"{label} does not exist at {point.text()}: the function has a kink there "
                        f"({to_text(kink)}: relu, min or max at a tie)",
                        hint="the one-sided derivatives differ; choose a point off the kink")
    if point.is_float:
        value = value.evalf(15) if value.free_symbols == set() else value
    else:
        value = tidy(value, thorough=False)
    if value.is_number and not _real_value(value)[1]:
        raise MathError(f"{label} = {to_text(expr)} is not real at {point.text()} (it would be {to_text(value)}): "
                        "the point is outside the real domain", hint="choose a point inside the domain")
    return value


def _reason(expr: sp.Expr, point: Point) -> str:
    """Name the innermost sub-expression that becomes undefined at the point."""
    subs = point.subs
    for node in sp.postorder_traversal(expr):
        if not isinstance(node, sp.Basic) or not node.args:
            continue
        if substitute(node, subs).has(*_NON_FINITE) and \
                not any(substitute(a, subs).has(*_NON_FINITE) for a in node.args):
            text = to_text(node)
            if node.is_Pow and node.exp.is_negative:
                return f"division by zero ({to_text(node.base)} = 0 in {text})"
            if isinstance(node, sp.log):
                return f"log of 0 in {text}"
            return f"{text} is undefined there"
    return "it has no finite value there"


def _is_zero(value: sp.Expr) -> bool:
    return value.is_zero is True or (value.is_number and value.is_Float and float(value) == 0.0)


# ---------------------------------------------------------------------------
# The real domain: what each function needs of its argument

NEED_TEXT = {
    ">=0": "a non-negative argument", ">0": "a positive argument", ">-1": "an argument greater than -1",
    "[-1,1]": "an argument between -1 and 1", ">=1": "an argument of at least 1",
    "(-1,1)": "an argument strictly between -1 and 1", "|u|>=1": "an argument of absolute value at least 1",
    "|u|>1": "an argument of absolute value greater than 1", "(0,1]": "an argument in (0, 1]",
    "!=0": "a non-zero argument",
}


def need_holds(need: str, v: Any) -> Any:
    """Does a real value (float, mpmath or numpy array) satisfy the domain need?"""
    if need == ">=0":
        return v >= 0
    if need == ">0":
        return v > 0
    if need == ">-1":
        return v > -1
    if need == "[-1,1]":
        return (v >= -1) & (v <= 1)
    if need == ">=1":
        return v >= 1
    if need == "(-1,1)":
        return (v > -1) & (v < 1)
    if need == "|u|>=1":
        return abs(v) >= 1
    if need == "|u|>1":
        return abs(v) > 1
    if need == "(0,1]":
        return (v > 0) & (v <= 1)
    if need == "!=0":
        return v != 0
    raise ValueError(need)


_DIGITS = 50


def _real_value(value: sp.Expr) -> tuple[sp.Expr, bool]:
    """A number's real part at 50 digits, and whether the number is real. (Compare sympy
    numbers with ``is_zero``: in sympy, Float(0) == 0 is False.)"""
    if _is_zero(value):
        return sp.S.Zero, True
    number = value.evalf(_DIGITS)
    re_part, im_part = number.as_real_imag()
    real = im_part.is_zero is True or abs(im_part) <= sp.Float(10) ** (-_DIGITS + 10) * (abs(re_part) + 1)
    return re_part, bool(real)


def _domain_message(fn: Any, i: int, cond: Any, value: sp.Expr, point: Point) -> MathError:
    name, arg = fn.output_names[i], cond.exprs[0]
    shown = to_text(value) if not value.has(sp.Float) else f"{float(complex(value).real):.6g}"
    head = f"{name} = {to_text(fn.outputs[i])} is not real at {point.text()}"
    if cond.function == "0^y":
        return MathError(f"{name} is undefined at {point.text()}: 0^y is defined (as 0) only for y > 0, and "
                         f"{to_text(arg)} = {shown} there", hint="choose a point inside the domain")
    if cond.function == "^" and cond.need == ">0":
        return MathError(f"{head}: a power b^y with a variable exponent needs a positive base b, and "
                         f"{to_text(arg)} = {shown} there", hint="choose a point inside the domain")
    if cond.function == "^":
        return MathError(f"{head}: a fractional power needs a non-negative base, and {to_text(arg)} = {shown} there",
                         hint="for the real cube root of a negative number write cbrt(x); otherwise choose a "
                              "point inside the domain")
    return MathError(f"{head}: {cond.function} needs {NEED_TEXT.get(cond.need, cond.need)}, and "
                     f"{to_text(arg)} = {shown} there", hint="choose a point inside the domain")


def check_domain(fn: Any, point: Point) -> dict[int, str]:
    """Refuse a point where ``fn`` as written is undefined (a denominator or a log argument
    is 0, even if sympy simplified it away: x/x) or not real (sqrt, log, asin, fractional
    powers outside their domain). Where an output is on a seam (abs, sign, relu, step at
    0; min, max at a tie; a piecewise boundary), decide from the function itself whether
    it is differentiable there (smoothness.analyse): MathError if not, else the output is
    returned (with what put it on a seam) among those whose Jacobian row is read as a limit."""
    subs = point.subs
    seams: dict[int, str] = {}
    for i, conditions in enumerate(getattr(fn, "conditions", ())):
        name = fn.output_names[i]
        for cond in conditions:
            values = [substitute(e, subs) for e in cond.exprs]
            if cond.kind in ("division", "log") and _is_zero(values[0]):
                what = "division by zero" if cond.kind == "division" else "log of 0"
                simplified = substitute(fn.outputs[i], subs)
                removable = cond.kind == "division" and not simplified.has(*_NON_FINITE)
                # "f = x is undefined" would be nonsense when sympy's simplified form hid it (x^2/x at 0)
                shown = name if removable else f"{name} = {to_text(fn.outputs[i])}"
                message = (f"{shown} is undefined at {point.text()}: {what} in the expression as written "
                           f"({to_text(cond.exprs[0])} = 0 there)")
                hint = "choose a point inside the domain"
                if removable:
                    hint = (f"the singularity is removable: sympy simplified {name} to {to_text(fn.outputs[i])}, "
                            "which is defined there; write that form to use its continuous extension")
                raise MathError(message, hint=hint)
            if cond.kind == "domain":
                re_part, real = _real_value(values[0])
                if not real or not bool(need_holds(cond.need, re_part)):
                    raise _domain_message(fn, i, cond, values[0], point)
            elif cond.kind in ("kink", "boundary") and _is_zero(values[0]):
                arg = to_text(cond.exprs[0])
                seams.setdefault(i, f"{cond.function}({arg}) {'jumps' if cond.function in ('sign', 'step') else 'has a kink'} "
                                    f"where {arg} = 0" if cond.kind == "kink" else
                                 f"the cases of the piecewise definition meet here ({arg} = 0)")
            elif cond.kind == "cut" and _is_zero(values[0]) and _negative(values[1]):
                y, x = (to_text(e) for e in cond.exprs)
                seams.setdefault(i, f"atan2({y}, {x}) jumps from π to −π across {y} = 0 where {x} < 0 (its branch "
                                    "cut)")
            elif cond.kind == "tie" and _tie(cond.exprs, values, cond.function):
                seams.setdefault(i, f"{cond.function}({', '.join(to_text(e) for e in cond.exprs)}) has a tie for the "
                                    f"{'largest' if cond.function == 'max' else 'smallest'} value here")
    for i, seam in sorted(seams.items()):
        analyse(fn.outputs[i], fn.output_names[i], point.names, point.exact, point.text(), seam=seam)
    return seams


def _negative(value: sp.Expr) -> bool:
    try:
        return bool(complex(value.evalf(30)).real < 0)
    except (TypeError, ValueError):
        return False


def _tie(exprs: Sequence[sp.Expr], values: list[sp.Expr], function: str) -> bool:
    """Do two different arguments tie for the extreme value?"""
    try:
        numbers = [complex(v.evalf(30)) for v in values]
    except (TypeError, ValueError):
        return False
    if any(abs(n.imag) > 0 for n in numbers):
        return False
    reals = [n.real for n in numbers]
    extreme = max(reals) if function == "max" else min(reals)
    return len({exprs[k] for k, r in enumerate(reals) if r == extreme}) >= 2


def seam_value(entry: sp.Expr, point: Point, label: str, notes: list[str] | None = None) -> sp.Expr:
    """An entry of J on a seam where the function is differentiable: the limit of its formula
    (exact when the formula's value at the point or a simple fraction agrees with it). A note
    goes to ``notes`` when the formula evaluated at the point says something else (a case
    of a piecewise definition that holds only there)."""

    try:
        candidate = substitute(entry, point.subs)
        if candidate.has(*_NON_FINITE) or candidate.atoms(jf.step):
            candidate = None
    except MathError:
        candidate = None
    try:
        value, exact = limit_value(entry, point.names, point.exact, candidate)
    except ValueError:
        raise MathError(f"{label} has no limit at {point.text()} although the function is differentiable there",
                        hint="please report this function: jac could not read its derivative here") from None
    if notes is not None:
        if candidate is not None and candidate.is_number and not (value - candidate).is_zero:
            notes.append(f"{label} at {point.text()}: the formula that holds exactly there gives "
                         f"{to_text(candidate)}, but the derivative of the function (the limit of its formula from "
                         f"every side) is {to_text(value)}; jac shows the derivative")
        elif not exact:
            notes.append(f"{label} at {point.text()} is the limit of its formula from every side, read at "
                         f"{smoothness_digits()} digits: {to_text(value)}")
    if point.is_float:
        return value.evalf(15) if value.is_number else value
    return value


def smoothness_digits() -> int:
    return DIGITS


def _numeric(expr: sp.Expr, names: Sequence[str], values: Sequence[Any]) -> float:
    """``expr`` at the point as a float, computed at 40 digits."""
    subs = {symbol(n): sp.Float(v, 40) for n, v in zip(names, values)}
    value = substitute(expr, subs).evalf(40)
    return float(sp.re(value) if not value.is_real else value)
