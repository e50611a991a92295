"""A Taylor expansion: the polynomial of each output, the distinct entries of each derivative tensor,
and the remainder table."""

from __future__ import annotations

from ..numbers import fmt_number, json_number
from ..printing import to_latex, to_text
from ..request import RenderOptions
from ..results.second_order import TaylorResult
from ..taylor import derivative_label
from .blocks import cell
from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as

_ORDER_NAMES = {1: "gradient", 2: "Hessian", 3: "third derivatives", 4: "fourth derivatives"}


def blocks(r: TaylorResult, options: RenderOptions) -> list[Block]:
    fn = r.function
    out: list[Block] = [Heading(f"Taylor polynomial of order {r.order} of {fn.name} at {r.point.text()}")]
    for o in r.outputs:
        out.append(Line(f"T{r.order}[{o.output}] = {to_text(o.polynomial)}"))
        for k in range(1, r.order + 1):
            entries = o.of_order(k)
            out.append(MatrixBlock(f"{_ORDER_NAMES[k]} of {o.output} at the point: {len(entries)} distinct "
                                   f"entr{'y' if len(entries) == 1 else 'ies'}",
                                   [derivative_label(o.output, d.wrt) for d in entries], [""],
                                   [[cell(d.exact, d.value, options.precision)] for d in entries]))
    out.append(MatrixBlock(f"remainder: ‖f(p+h) − T{r.order}(p+h)‖ / ‖h‖^{r.order} shrinks to 0 when T is the "
                           f"Taylor polynomial (computed at 60 digits)",
                           [fmt_number(s.norm_h, 3) for s in r.remainders], ["‖f − T‖", "ratio"],
                           [[fmt_number(s.remainder, 3), fmt_number(s.ratio, 3)] for s in r.remainders]))
    return out


def body(r: TaylorResult, options: RenderOptions) -> dict:
    return {
        "function": r.function.name,
        "inputs": list(r.function.inputs),
        "point": {a: json_number(v) for a, v in zip(r.point.names, r.point.values)},
        "order": r.order,
        "outputs": [{
            "output": o.output,
            "polynomial": to_text(o.polynomial),
            "derivatives": [{"order": len(d.index), "wrt": list(d.wrt), "exact": to_text(d.exact),
                             "value": json_number(d.value)} for d in o.derivatives],
        } for o in r.outputs],
        "remainder": [{"h": s.h, "norm_h": s.norm_h, "remainder": s.remainder, "ratio": s.ratio}
                      for s in r.remainders],
        "read_as": read_as([r.function]),
    }


def latex(r: TaylorResult, options: RenderOptions) -> str:
    return "\n".join(f"\\[ T_{{{r.order}}}[{o.output}](x) = {to_latex(o.polynomial)} \\]" for o in r.outputs)
