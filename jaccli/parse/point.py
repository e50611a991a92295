"""A point as a user gives it — ``1,2``, ``x=1,y=2``, ``@FILE``, numbers, a mapping — read and bound to a
function's inputs: an exact calculus Point (floats in, floats out)."""

from __future__ import annotations

import numbers
import os
from fractions import Fraction
from typing import Any, Mapping, Sequence

import sympy as sp

from ..calculus.evaluate import Point
from ..core.errors import ParseError, PointError
from ..core.request import option
from ..model.function import inferred_order_hint
from . import forms


def parse_point_text(text: str) -> list[forms.PointItem]:
    try:
        return forms.parse_point(text)
    except ParseError as err:
        if os.path.isfile(text.strip()):  # --at x.npy: a file of values is named with @
            raise PointError(f"{option('at')} {text}: that is a file; a point read from a file is written "
                             f"@{text.strip()}", hint=f"--at @{text.strip()} (.npy, .csv or text)") from None
        raise err.located(option("at")) from None


def bind_point(items: Sequence[forms.PointItem], inputs: Sequence[str], fname: str,
               order_hint: str | None = None) -> Point:
    """Match ``1,2`` (positional) or ``x=1,y=2`` (named) to a function's inputs.
    ``order_hint``: the inputs' order was inferred, not declared; positional values are
    refused (with this hint) since they would bind by a guess."""
    inputs = tuple(inputs)
    named = [it for it in items if it.name is not None]
    if named and len(named) != len(items):
        raise PointError(f"{option('at')} mixes named (x=1) and positional (1) values",
                         hint="give all values by position (1,2) or all by name (x=1,y=2)")
    if not named and order_hint is not None and len(inputs) > 1:
        raise PointError(f"{option('at')} gives {len(items)} values by position, but the order of {fname}'s inputs "
                         f"({', '.join(inputs)}) was only inferred from the text (sorted)",
                         hint=f"name the values ({option('at')} {','.join(f'{v}=…' for v in inputs)}), or {order_hint}")
    if len(items) != len(inputs):
        raise PointError(f"{option('at')} has {len(items)} value{'s' if len(items) != 1 else ''} but {fname} takes "
                         f"{len(inputs)} input{'s' if len(inputs) != 1 else ''} ({', '.join(inputs)})",
                         hint=f"give one value per input, in the order {', '.join(inputs)}")
    if not named:
        values = [it.value for it in items]
    else:
        by_name: dict[str, sp.Expr] = {}
        for it in items:
            if it.name not in inputs:
                raise PointError(f"{option('at')} names {it.name!r}, which is not an input of {fname}",
                                 hint=f"the inputs are {', '.join(inputs)}")
            if it.name in by_name:
                raise PointError(f"{option('at')} gives {it.name!r} twice", hint="give each input once")
            by_name[it.name] = it.value
        values = [by_name[name] for name in inputs]
    if any(v.has(sp.Float) for v in values):
        values = [sp.Float(v) if not v.is_Float else v for v in values]  # floats in, floats out
    return Point(inputs, tuple(values))


def make_point(at: Any, fn: Any) -> Point | None:
    """A point for ``fn`` from text (``"1,2"``, ``"x=1,y=2"``), numbers or a mapping."""
    if at is None or isinstance(at, Point):
        return at
    if isinstance(at, str) and at.startswith("@"):
        from .arrays import numeric_vector  # numpy: only for a point from a file

        items = [forms.PointItem(None, sp.Float(float(v)), 0) for v in numeric_vector(at)]
    elif isinstance(at, str):
        items = parse_point_text(at)
    elif isinstance(at, Mapping):
        items = [forms.PointItem(str(k), _constant(v), 0) for k, v in at.items()]
    elif all(isinstance(v, forms.PointItem) for v in at):
        items = list(at)  # already parsed (the CLI's --at)
    else:
        items = [forms.PointItem(None, _constant(v), 0) for v in at]
    return bind_point(items, fn.inputs, fn.name, order_hint=_order_hint(fn))


def _order_hint(fn: Any) -> str | None:
    """How to declare ``fn``'s input order when it was only inferred (else None)."""
    return inferred_order_hint(fn) if getattr(fn, "order", "declared") == "inferred" else None


def _constant(value: object) -> sp.Expr:
    if isinstance(value, bool):
        raise TypeError("a point's value cannot be a boolean")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Real) and not isinstance(value, sp.Basic):
        return sp.Float(repr(float(value)))  # numpy floats too
    if isinstance(value, sp.Expr) and value.is_number:
        return value
    if isinstance(value, str):
        items = parse_point_text(value)
        if len(items) == 1 and items[0].name is None:
            return items[0].value
    raise TypeError(f"cannot use {value!r} as a coordinate")
