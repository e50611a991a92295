"""A Taylor expansion: the polynomial of each output, the distinct entries of each derivative tensor,
and the remainder table."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..calculus.numbers import fmt_number, json_number
from ..calculus.printing import to_latex, to_text
from ..core.request import RenderOptions
from ..jobs.taylor import derivative_label
from ..results.second_order import OutputTaylor, TaylorResult
from .blocks import cell
from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as

_ORDER_NAMES = {1: "gradient", 2: "Hessian", 3: "third derivatives", 4: "fourth derivatives"}


def blocks(r: TaylorResult, options: RenderOptions) -> list[Block]:
    fn = r.function
    out: list[Block] = [Heading(f"Taylor polynomial of order {r.order} of {fn.name} at {r.point.text()}")]
    for o in r.outputs:
        out.append(Line(f"T{r.order}[{o.output}] = {polynomial_text(r, o, options.precision)}"))
        for k in range(1, r.order + 1):
            entries = o.of_order(k)
            out.append(MatrixBlock(f"{_ORDER_NAMES[k]} of {o.output} at the point: {len(entries)} distinct "
                                   f"entr{'y' if len(entries) == 1 else 'ies'}",
                                   [derivative_label(o.output, d.wrt) for d in entries], [""],
                                   [[cell(d.exact, d.value, options.precision)] for d in entries]))
    out.append(MatrixBlock(f"remainder: ‖f(p+h) − T{r.order}(p+h)‖ / ‖h‖^{r.order} shrinks to 0 when T is the "
                           f"Taylor polynomial (computed at 60 digits)",
                           [fmt_number(s.norm_h, 3) for s in r.remainders], ["‖f − T‖", "ratio"],
                           [[fmt_number(s.remainder, 3), fmt_number(s.ratio, 3)] for s in r.remainders], corner="‖h‖"))
    return out


def body(r: TaylorResult, options: RenderOptions) -> dict[str, Any]:
    return {
        "function": r.function.name,
        "inputs": list(r.function.inputs),
        "point": {a: json_number(v) for a, v in zip(r.point.names, r.point.values)},
        "order": r.order,
        "outputs": [{
            "output": o.output,
            "polynomial": polynomial_text(r, o, None),
            "derivatives": [{"order": len(d.index), "wrt": list(d.wrt), "exact": to_text(d.exact),
                             "value": json_number(d.value)} for d in o.derivatives],
        } for o in r.outputs],
        "remainder": [{"h": s.h, "norm_h": s.norm_h, "remainder": s.remainder, "ratio": s.ratio}
                      for s in r.remainders],
        "read_as": read_as([r.function]),
    }


def latex(r: TaylorResult, options: RenderOptions) -> str:
    return "\n".join(f"\\[ T_{{{r.order}}}[{o.output}](x) = {polynomial_text(r, o, options.precision, latex=True)} \\]"
                     for o in r.outputs)


def polynomial_text(r: TaylorResult, o: OutputTaylor, precision: int | None, latex: bool = False) -> str:
    """T as a textbook writes it: in powers of (x − a), (y − b), constant first, lowest degree first, each
    coefficient exact where the point is exact, else a decimal of ``precision`` digits (None: every digit,
    for JSON)."""

    def number(value: sp.Expr) -> str:
        if value.has(sp.Float) or (value.is_number and not value.is_Rational and value.free_symbols == set()
                                   and r.point.exact is not None and any(isinstance(v, sp.Float)
                                                                         for v in r.point.exact)):
            v = float(sp.N(value, 17))
            return repr(v) if precision is None else fmt_number(v, precision)
        return to_latex(value) if latex else to_text(value)

    def shift(name: str, at: sp.Expr, power: int) -> str:
        base = name if at == 0 else f"({name} {'-' if not (at.is_number and at < 0) else '+'} " \
                                    f"{number(abs(at) if at.is_number else at)})"
        if power == 1:
            return base
        return f"{base}^{{{power}}}" if latex else f"{base}^{power}"

    pieces: list[str] = []
    for coefficient, counts in o.terms:
        factors = [shift(name, at, c) for name, at, c in zip(r.function.inputs, r.point.exact, counts) if c]
        # a sum (1 + pi/2) keeps its own signs, in parentheses where it meets others; a single term's sign
        # becomes the + or - between terms
        negative = not coefficient.is_Add and coefficient.is_number and bool(coefficient < 0)
        size = -coefficient if negative else coefficient
        text = number(size)
        if size.is_Add and (factors or pieces):
            text = f"({text})"
        if factors:
            text = (" " if latex else "*").join(factors if size == 1 else [text, *factors])
        if not pieces:
            pieces.append(("-" if negative else "") + text)
        else:
            pieces.append(("- " if negative else "+ ") + text)
    return " ".join(pieces) if pieces else "0"
