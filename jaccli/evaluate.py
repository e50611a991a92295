"""Points and values at points: exact when the point is exact, floats when it is
not, and a clear MathError (exit 3) when something is undefined there."""

from __future__ import annotations

import cmath
from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from . import functions as jf
from . import grammar
from .errors import MathError, PointError
from .printing import to_text

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
        return {grammar.symbol(n): v for n, v in zip(self.names, self.exact)}

    @property
    def values(self) -> tuple[float | complex, ...]:
        return tuple(to_number(v, f"coordinate {n}") for n, v in zip(self.names, self.exact))

    def text(self) -> str:
        """``(x, y) = (1, 2)``; long points are shortened: ``(x0, x1, …, x39) = (0.1, 0.2, …, 4)``."""
        if len(self.names) == 1:
            return f"{self.names[0]} = {to_text(self.exact[0])}"
        return f"({short_list(self.names)}) = ({self.args_text()})"

    def args_text(self) -> str:
        """``1, 2`` for J_f(1, 2)."""
        return short_list([to_text(v) for v in self.exact])


def short_list(items, most: int = 6) -> str:
    """All items, or for many the first two, an ellipsis and the last."""
    items = list(items)
    return ", ".join(items) if len(items) <= most else f"{items[0]}, {items[1]}, …, {items[-1]}"


def parse_point_text(text: str) -> list[grammar.PointItem]:
    from .errors import ParseError

    try:
        return grammar.parse_point(text)
    except ParseError as err:
        raise err.located("--at") from None


def bind_point(items: Sequence[grammar.PointItem], inputs: Sequence[str], fname: str,
               order_hint: str | None = None) -> Point:
    """Match ``1,2`` (positional) or ``x=1,y=2`` (named) to a function's inputs.
    ``order_hint``: the inputs' order was inferred, not declared; positional values are
    refused (with this hint) since they would bind by a guess."""
    inputs = tuple(inputs)
    named = [it for it in items if it.name is not None]
    if named and len(named) != len(items):
        raise PointError("--at mixes named (x=1) and positional (1) values",
                         hint="give all values by position (1,2) or all by name (x=1,y=2)")
    if not named and order_hint is not None and len(inputs) > 1:
        raise PointError(f"--at gives {len(items)} values by position, but the order of {fname}'s inputs "
                         f"({', '.join(inputs)}) was only inferred from the text (sorted)",
                         hint=f"name the values (--at {','.join(f'{v}=…' for v in inputs)}), or {order_hint}")
    if len(items) != len(inputs):
        raise PointError(f"--at has {len(items)} value{'s' if len(items) != 1 else ''} but {fname} takes "
                         f"{len(inputs)} input{'s' if len(inputs) != 1 else ''} ({', '.join(inputs)})",
                         hint=f"give one value per input, in the order {', '.join(inputs)}")
    if not named:
        values = [it.value for it in items]
    else:
        by_name: dict[str, sp.Expr] = {}
        for it in items:
            if it.name not in inputs:
                raise PointError(f"--at names {it.name!r}, which is not an input of {fname}",
                                 hint=f"the inputs are {', '.join(inputs)}")
            if it.name in by_name:
                raise PointError(f"--at gives {it.name!r} twice", hint="give each input once")
            by_name[it.name] = it.value
        values = [by_name[name] for name in inputs]
    if any(v.has(sp.Float) for v in values):
        values = [sp.Float(v) if not v.is_Float else v for v in values]  # floats in, floats out
    return Point(inputs, tuple(values))


def to_number(expr: sp.Expr, label: str) -> float | complex:
    """The decimal value of a number expression; complex only if it is complex."""
    try:
        value = expr.evalf(17)
        number = complex(value)
    except (TypeError, ValueError):
        raise MathError(f"{label} has no numeric value ({to_text(expr)})") from None
    if not (cmath.isfinite(number)):
        raise MathError(f"{label} is too large to show as a decimal ({to_text(expr)})")
    if number.imag == 0 or value.is_real:
        return number.real
    return number


def substitute(expr: sp.Expr, subs: dict) -> sp.Expr:
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
    from .grammar import MAX_RESULT_DIGITS

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
    from .calculus import tidy

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
        return value.evalf(15) if value.free_symbols == set() else value
    return tidy(value, thorough=False)


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


def values_of(exprs: Sequence[sp.Expr]) -> list[float | complex]:
    return [to_number(e, to_text(e)) for e in exprs]


def _is_zero(value: sp.Expr) -> bool:
    return value.is_zero is True or (value.is_number and value.is_Float and float(value) == 0.0)


def check_domain(fn, point: Point) -> None:
    """Refuse a point where ``fn`` as written is undefined (a denominator or a
    log argument is 0, even if sympy simplified it away: x/x) or not
    differentiable (abs, sign, relu at 0; min, max at a tie)."""
    subs = point.subs
    for i, conditions in enumerate(getattr(fn, "conditions", ())):
        name = fn.output_names[i]
        for cond in conditions:
            values = [substitute(e, subs) for e in cond.exprs]
            if cond.kind in ("division", "log") and _is_zero(values[0]):
                what = "division by zero" if cond.kind == "division" else "log of 0"
                message = (f"{name} = {to_text(fn.outputs[i])} is undefined at {point.text()}: "
                           f"{what} in the expression as written ({to_text(cond.exprs[0])} = 0 there)")
                hint = "choose a point inside the domain"
                simplified = substitute(fn.outputs[i], subs)
                if cond.kind == "division" and not simplified.has(*_NON_FINITE):
                    hint = (f"the singularity is removable: sympy simplified {name} to {to_text(fn.outputs[i])}, "
                            "which is defined there; write that form to use its continuous extension")
                raise MathError(message, hint=hint)
            if cond.kind == "kink" and _is_zero(values[0]):
                shape = "jumps" if cond.function in ("sign", "step") else "has a kink"
                raise MathError(f"J_{fn.name} does not exist at {point.text()}: {cond.function}("
                                f"{to_text(cond.exprs[0])}) {shape} there ({to_text(cond.exprs[0])} = 0)",
                                hint=f"the one-sided partial derivatives differ, so {fn.name} is not "
                                     "differentiable at this point; choose a point off the kink")
            if cond.kind == "boundary" and _is_zero(values[0]):
                _piecewise_at_boundary(fn, i, point)
            if cond.kind == "tie" and _tie(cond.exprs, values, cond.function):
                raise MathError(f"J_{fn.name} does not exist at {point.text()}: {cond.function} of "
                                f"{', '.join(to_text(e) for e in cond.exprs)} has a tie for the "
                                f"{'largest' if cond.function == 'max' else 'smallest'} value there",
                                hint=f"where two arguments of {cond.function} tie, {fn.name} has a kink; "
                                     "choose a point off the tie")


def _tie(exprs, values: list[sp.Expr], function: str) -> bool:
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


# ---------------------------------------------------------------------------
# piecewise definitions on the boundary of their cases

_DIGITS = 40


def _numeric(expr: sp.Expr, names, values) -> float:
    return float(_precise(expr, names, values))


def _precise(expr: sp.Expr, names, values) -> sp.Float:
    """``expr`` at the point, as a 40-digit Float (differences of nearby values keep their digits)."""
    subs = {grammar.symbol(n): sp.Float(v, _DIGITS) for n, v in zip(names, values)}
    value = substitute(expr, subs).evalf(_DIGITS)
    return sp.re(value) if not value.is_real else value


def _piecewise_at_boundary(fn, i: int, point: Point) -> None:
    """At a point where the cases of a piecewise output meet, the derivative of the
    case that holds there need not be the derivative of the function. Decide from
    the function itself: partials from one-sided difference quotients, then
    continuity and differentiability along several directions (the remainder
    |f(x+h) − f(x) − J·h| / |h| must shrink). MathError unless all is well."""
    import math

    names, x0 = point.names, [float(complex(v.evalf(_DIGITS)).real) for v in point.exact]
    expr, out = fn.outputs[i], fn.output_names[i]
    f0 = _precise(expr, names, x0)

    def f_at(direction, t):
        """f(x0 + t·d) − f(x0) at 40 digits: in doubles, 1 + 1e-12 and the difference would lose the step."""
        step = sp.Float(repr(t), _DIGITS)
        shifted = [sp.Float(a, _DIGITS) + step * sp.Float(d, _DIGITS) for a, d in zip(x0, direction)]
        return float(_precise(expr, names, shifted) - f0)

    n = len(names)
    partials = []
    for j in range(n):
        axis = [1.0 if k == j else 0.0 for k in range(n)]
        ups = [f_at(axis, h) / h for h in (1e-8, 1e-12)]
        downs = [-f_at(axis, -h) / h for h in (1e-8, 1e-12)]
        if abs(ups[1] - downs[1]) > 1e-6 * (1 + abs(ups[1])) or abs(ups[0] - ups[1]) > 1e-4 * (1 + abs(ups[1])):
            raise MathError(f"∂{out}/∂{names[j]} does not exist at {point.text()}: {out} is defined piecewise and "
                            f"the one-sided difference quotients differ ({ups[1]:.6g} from the right, "
                            f"{downs[1]:.6g} from the left)", hint="choose a point off the boundary of the cases")
        partials.append(ups[1])
    directions = [[1.0 if k == j else 0.0 for k in range(n)] for j in range(n)]
    if n > 1:
        directions += [[1 / math.sqrt(n)] * n, [(-1) ** k / math.sqrt(n) for k in range(n)],
                       [math.cos(0.7 + k) / math.sqrt(n) for k in range(n)]]
    partial_text = ", ".join(f"∂{out}/∂{v} = {p:.6g}" for v, p in zip(names, partials))
    for d in directions:
        jumps = [f_at(d, t) for t in (1e-4, 1e-8, 1e-12)]
        ratios = [abs(jump - t * sum(p * c for p, c in zip(partials, d))) / t
                  for jump, t in zip(jumps, (1e-4, 1e-8, 1e-12))]
        direction = "(" + ", ".join(f"{c:.3g}" for c in d) + ")"
        if abs(jumps[-1]) > 1e-6:
            raise MathError(f"{out} is not differentiable at {point.text()}, not even continuous: the partial "
                            f"derivatives exist there ({partial_text}, from difference quotients), but along "
                            f"the direction {direction} f(x + t·d) − f(x) stays near {jumps[-1]:.6g} as t → 0",
                            hint="existing partials do not make a function differentiable; the Jacobian does not "
                                 "exist here")
        if ratios[-1] > 1e-3 * (1 + max(abs(p) for p in partials)):
            raise MathError(f"{out} is not differentiable at {point.text()}: the partial derivatives exist "
                            f"({partial_text}) but along the direction {direction} the remainder "
                            f"|f(x+h) − f(x) − J·h|/|h| does not shrink ({ratios[0]:.3g}, {ratios[1]:.3g}, "
                            f"{ratios[2]:.3g} for |h| = 1e-4, 1e-8, 1e-12)",
                            hint="the Jacobian does not exist here; choose another point")
    for j, p in enumerate(partials):  # differentiable: the branch's derivative must agree
        branch = _numeric(sp.diff(expr, grammar.symbol(names[j])), names, x0)
        if abs(branch - p) > 1e-6 * (1 + abs(p)):
            raise MathError(f"at {point.text()} the derivative of the case of {out} that holds there "
                            f"({branch:.6g}) is not the derivative of {out} ({p:.6g}, from difference quotients)",
                            hint="a special case on a set of measure zero does not carry the derivative; "
                                 "write the function without it")
