"""``--format latex``: display-math lines ready to paste into homework."""

from __future__ import annotations

import sympy as sp

from ..printing import matrix_latex, to_latex
from ..results import CompositionResult


def _name(name: str) -> str:
    parts = [p if len(p) == 1 else f"\\mathrm{{{p}}}" for p in name.split("∘")]
    return " \\circ ".join(parts)


def _args(values) -> str:
    """Input names (``theta`` → ``\\theta``) or exact coordinates."""
    return ", ".join(to_latex(v if isinstance(v, sp.Basic) else sp.Symbol(v)) for v in values)


def _J(name: str, args: str) -> str:
    return f"J_{{{_name(name)}}}({args})"


def render_latex(result) -> str:
    lines = []
    if isinstance(result, CompositionResult):
        for f in result.factors:
            lines.append(f"{_J(f.name, _args(f.function.inputs))} = {matrix_latex(f.symbolic)}")
        if result.point is None and result.symbolic is not None:
            lines.append(f"{_J(result.name, _args(result.inputs))} = {matrix_latex(result.symbolic)}")
        else:
            factors = list(reversed(result.factors))
            names = " \\, ".join(_J(f.name, _args(f.point.exact)) for f in factors)
            values = " ".join(matrix_latex(f.at.exact) for f in factors)
            lines.append(f"{_J(result.name, _args(result.point.exact))} = {names} = {values} = "
                         f"{matrix_latex(result.at.exact)}")
    else:
        lines.append(f"{_J(result.name, _args(result.inputs))} = {matrix_latex(result.symbolic)}")
        if result.point is not None:
            lines.append(f"{_J(result.name, _args(result.point.exact))} = {matrix_latex(result.at.exact)}")
    det = result.determinant
    if det is not None:
        if det.symbolic is not None:
            lines.append(f"\\det {_J(result.name, _args(result.inputs))} = {to_latex(det.symbolic)}")
        if det.exact is not None:
            lines.append(f"\\det {_J(result.name, _args(result.point.exact))} = {to_latex(det.exact)}")
    return "\n".join(f"\\[ {line} \\]" for line in lines)
