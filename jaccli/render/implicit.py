"""The implicit function theorem: both blocks, their shapes, and J_y(x)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..calculus.numbers import json_number
from ..calculus.printing import matrix_text
from ..core.request import RenderOptions
from ..results.second_order import ImplicitResult
from .blocks import cell
from .latex import evaluated_matrix, symbolic_matrix
from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as

if TYPE_CHECKING:
    import sympy as sp


def _symbolic(title: str, M: sp.Matrix, rows: Sequence[str], cols: Sequence[str]) -> MatrixBlock:
    return MatrixBlock(title, list(rows), [f"∂/∂{c}" for c in cols],
                       matrix_text(M))


def _at(title: str, ev: Any, rows: Sequence[str], cols: Sequence[str], precision: int) -> MatrixBlock:
    return MatrixBlock(title, list(rows), [f"∂/∂{c}" for c in cols],
                       [[cell(ev.exact_entry(i, j), ev.value[i][j], precision) for j in range(ev.shape[1])]
                        for i in range(ev.exact.rows)])


def names(items: Iterable[str]) -> str:
    """``z`` or ``(u, v)``: one name bare, several in parentheses."""
    items = list(items)
    return items[0] if len(items) == 1 else f"({', '.join(items)})"


def blocks(r: ImplicitResult, options: RenderOptions) -> list[Block]:
    precision = options.precision
    fn = r.function
    k, n = r.shape
    y, x = names(r.unknowns), names(r.parameters)
    xs = ", ".join(r.parameters)
    dF_dy, dF_dx = f"∂{fn.name}/∂{y}", f"∂{fn.name}/∂{x}"
    blocks: list[Block] = [
        Heading(f"{fn.name}({', '.join(fn.inputs)}) = 0 defines {y} as a function of {x} where {dF_dy} is "
                "invertible"),
        Line(f"J_{y}({xs}) = −[{dF_dy}]⁻¹ · {dF_dx}   ({k}×{k})⁻¹·({k}×{n}) → {k}×{n}"),
        _symbolic(f"{dF_dy}   {k}×{k}", r.dF_dy, fn.output_names, r.unknowns),
        _symbolic(f"{dF_dx}   {k}×{n}", r.dF_dx, fn.output_names, r.parameters),
    ]
    if r.symbolic is not None:
        blocks.append(_symbolic(f"J_{y}({xs})   {k}×{n}", r.symbolic, r.unknowns, r.parameters))
    if r.point is not None and r.at is not None:
        args = r.point.args_text()
        blocks.append(Heading(f"at {r.point.text()}"))
        blocks.append(_at(f"{dF_dy}({args})   {k}×{k}", r.dF_dy_at, fn.output_names, r.unknowns, precision))
        blocks.append(_at(f"{dF_dx}({args})   {k}×{n}", r.dF_dx_at, fn.output_names, r.parameters, precision))
        blocks.append(_at(f"J_{y}   {k}×{n}", r.at, r.unknowns, r.parameters, precision))
    return blocks


def _rows(M: sp.Matrix | None) -> list[list[str]] | None:
    return None if M is None else matrix_text(M)


def _block(M: sp.Matrix, ev: Any) -> dict[str, Any]:
    return {"symbolic": _rows(M), "exact": _rows(ev.exact) if ev else None,
            "value": None if ev is None else [[json_number(v) for v in row] for row in ev.value]}


def body(r: ImplicitResult, options: RenderOptions) -> dict[str, Any]:
    k, n = r.shape
    return {
        "function": r.function.name, "shape": [k, n],
        "unknowns": list(r.unknowns), "inputs": list(r.parameters),
        "point": None if r.point is None else {a: json_number(v) for a, v in zip(r.point.names, r.point.values)},
        "residual": None if r.residual is None else [json_number(v) for v in r.residual],
        "jacobian": {"symbolic": _rows(r.symbolic), "exact": _rows(r.at.exact) if r.at else None,
                     "value": None if r.at is None else [[json_number(v) for v in row] for row in r.at.rows()]},
        "blocks": {"dF_dy": _block(r.dF_dy, r.dF_dy_at), "dF_dx": _block(r.dF_dx, r.dF_dx_at)},
        "read_as": read_as([r.function]),
    }


def latex(r: ImplicitResult, options: RenderOptions) -> str:
    """Both blocks and J_y, symbolically and at the point."""

    fn = r.function
    y, x = names(r.unknowns), names(r.parameters)
    lines = [f"\\frac{{\\partial {fn.name}}}{{\\partial {y}}} = {symbolic_matrix(r.dF_dy, options.full)}",
             f"\\frac{{\\partial {fn.name}}}{{\\partial {x}}} = {symbolic_matrix(r.dF_dx, options.full)}"]
    if r.symbolic is not None:
        lines.append(f"J_{{{y}}} = -\\left[\\frac{{\\partial {fn.name}}}{{\\partial {y}}}\\right]^{{-1}} "
                     f"\\frac{{\\partial {fn.name}}}{{\\partial {x}}} = {symbolic_matrix(r.symbolic, options.full)}")
    if r.at is not None:
        lines.append(f"J_{{{y}}}\\ \\text{{at the point}} = {evaluated_matrix(r.at, options.precision, options.full)}")
    return "\n".join(f"\\[ {line} \\]" for line in lines)
