"""Hessians: the matrix per output, symmetry, eigenvalues and the
classification at a point, and the two terms of the second-order chain rule."""

from __future__ import annotations

from typing import Any, Sequence

from ..calculus.evaluate import to_number
from ..calculus.numbers import fmt_number, json_number
from ..calculus.printing import matrix_text, to_text
from ..core.request import RenderOptions
from ..results.second_order import HessianResult
from .blocks import LARGE, J, _args, _symbolic_blocks, _value_blocks, cell
from .latex import _args as latex_args
from .latex import _name as latex_name
from .latex import evaluated_matrix, symbolic_matrix
from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as


def _labels(inputs: Sequence[str]) -> list[str]:
    return [f"∂/∂{v}" for v in inputs]


def blocks(r: HessianResult, options: RenderOptions) -> list[Block]:
    precision, full = options.precision, options.full
    n = len(r.inputs)
    blocks: list[Block] = [Heading(f"{r.signature}   each Hessian is {n}×{n} (∂²/∂row ∂column)")]
    rows = [f"∂/∂{v}" for v in r.inputs]
    for h in r.hessians:
        if h.symbolic is not None:
            blocks += _symbolic_blocks(f"H_{h.output}({_args(r.inputs)})", h.symbolic, rows, r.inputs, full)
            blocks.append(Line("symmetric (∂²/∂xᵢ∂xⱼ = ∂²/∂xⱼ∂xᵢ), as it must be" if h.symmetric else
                               "NOT symmetric: the mixed partials differ (the function is not C² here)"))
    if r.terms:
        blocks.append(Heading(f"second-order chain rule: {J(r.name).replace('J_', 'H_')}(x) = "
                              + " + ".join(t.name for t in r.terms)))
        for t in r.terms:
            shape = f"({t.shape[0]}×{t.shape[1]})"
            if t.at is not None:
                blocks.append(MatrixBlock(f"{t.name}   {shape}", rows, _labels(r.inputs),
                                          [[cell(t.at.exact_entry(i, j), t.at.rows()[i][j], precision) for j in range(n)]
                                           for i in range(n)]))
            elif t.symbolic is not None:
                blocks.append(MatrixBlock(f"{t.name}   {shape}", rows, _labels(r.inputs),
                                          matrix_text(t.symbolic)))
    if r.point is not None:
        blocks.append(Heading(f"at {r.point.text()}"))
        for h in r.hessians:
            if h.at is None:
                continue
            name = J(r.name).replace("J_", "H_") if r.terms else f"H_{h.output}"
            title = f"{name}({r.point.args_text()})" + ("   = the sum of the two terms" if r.terms else "")
            blocks += _value_blocks(title, h.at, rows, r.inputs, precision, full)
            if h.D is not None:
                blocks.append(Line(f"D = det {name}({r.point.args_text()}) = "
                                   f"{cell(h.D, to_number(h.D, 'D'), precision)}"))
            if h.eigenvalues is not None:
                ev = h.eigenvalues
                shown = ", ".join(fmt_number(v, precision) for v in ev) if len(ev) <= LARGE or full else \
                    f"{len(ev)} values in [{fmt_number(min(ev), precision)}, {fmt_number(max(ev), precision)}]"
                blocks.append(Line(f"eigenvalues: {shown} → {h.classification}"))
    return blocks


def _rows(M: Any) -> list[list[str]] | None:
    return None if M is None else matrix_text(M)


def _values(at: Any) -> list[list[float | dict[str, float]]] | None:
    return None if at is None else [[json_number(v) for v in row] for row in at.value]


def body(r: HessianResult, options: RenderOptions) -> dict[str, Any]:
    items = [{"output": h.output, "symbolic": _rows(h.symbolic), "exact": _rows(h.at.exact) if h.at else None,
              "value": _values(h.at), "symmetric": h.symmetric, "eigenvalues": h.eigenvalues,
              "definiteness": h.definiteness, "critical": h.gradient_zero,
              "decided": h.decided if h.definiteness else None,
              "D": None if h.D is None else {"exact": to_text(h.D), "value": json_number(to_number(h.D, "D"))},
              "classification": h.classification} for h in r.hessians]
    out = {
        "function": r.name, "signature": r.signature,
        "inputs": list(r.inputs), "outputs": list(r.output_names),
        "point": None if r.point is None else {k: json_number(v) for k, v in zip(r.point.names, r.point.values)},
        "hessians": items,
        "hessian": items[0] if len(items) == 1 else None,
        "read_as": read_as(r.functions),
        "terms": [{"name": t.name, "shape": list(t.shape), "symbolic": _rows(t.symbolic),
                   "exact": _rows(t.at.exact) if t.at else None, "value": _values(t.at)} for t in r.terms],
    }
    return out


def latex(r: HessianResult, options: RenderOptions) -> str:
    """Each Hessian (symbolic, and at the point), and what the second-derivative test says."""

    lines = []
    for h in r.hessians:
        name = f"H_{{{latex_name(r.name)}}}" if r.terms else f"H_{{{h.output}}}"  # a composition: H_{g∘f}
        if h.symbolic is not None:
            lines.append(f"{name}({latex_args(r.inputs)}) = {symbolic_matrix(h.symbolic, options.full)}")
        if r.point is not None and h.at is not None:
            lines.append(f"{name}({latex_args(r.point.exact)}) = "
                         f"{evaluated_matrix(h.at, options.precision, options.full)}")
            if h.classification:
                lines.append(f"\\text{{{h.classification}}}")
    return "\n".join(f"\\[ {line} \\]" for line in lines)
