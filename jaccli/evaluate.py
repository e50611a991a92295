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
        """``(x, y) = (1, 2)``."""
        if len(self.names) == 1:
            return f"{self.names[0]} = {to_text(self.exact[0])}"
        return f"({', '.join(self.names)}) = ({', '.join(to_text(v) for v in self.exact)})"

    def args_text(self) -> str:
        """``1, 2`` for J_f(1, 2)."""
        return ", ".join(to_text(v) for v in self.exact)


def parse_point_text(text: str) -> list[grammar.PointItem]:
    from .errors import ParseError

    try:
        return grammar.parse_point(text)
    except ParseError as err:
        raise err.located("--at") from None


def bind_point(items: Sequence[grammar.PointItem], inputs: Sequence[str], fname: str) -> Point:
    """Match ``1,2`` (positional) or ``x=1,y=2`` (named) to a function's inputs."""
    inputs = tuple(inputs)
    named = [it for it in items if it.name is not None]
    if named and len(named) != len(items):
        raise PointError("--at mixes named (x=1) and positional (1) values",
                         hint="give all values by position (1,2) or all by name (x=1,y=2)")
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


def exact_at(expr: sp.Expr, point: Point, label: str) -> sp.Expr:
    """``expr`` at ``point``: exact for an exact point, a float otherwise.

    ``label`` names the quantity in messages (``∂f1/∂x``)."""
    from .calculus import tidy

    value = expr.xreplace(point.subs)
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
        if node.xreplace(subs).has(*_NON_FINITE) and not any(a.xreplace(subs).has(*_NON_FINITE) for a in node.args):
            text = to_text(node)
            if node.is_Pow and node.exp.is_negative:
                return f"division by zero ({to_text(node.base)} = 0 in {text})"
            if isinstance(node, sp.log):
                return f"log of 0 in {text}"
            return f"{text} is undefined there"
    return "it has no finite value there"


def values_of(exprs: Sequence[sp.Expr]) -> list[float | complex]:
    return [to_number(e, to_text(e)) for e in exprs]
