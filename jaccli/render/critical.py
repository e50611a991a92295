"""Critical points: one row per point — where, f there, what the second-derivative test says."""

from __future__ import annotations

from typing import Any

from sympy import Float

from ..calculus.numbers import fmt_number, json_number
from ..calculus.printing import to_text
from ..core.request import RenderOptions
from ..results.second_order import CriticalCurve, CriticalPoint, CriticalResult
from .blocks import cell
from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as


def _coordinates(p: CriticalPoint, precision: int) -> str:
    return "(" + ", ".join(cell(v, float(v.evalf(17)), precision) for v in p.point) + ")"


def _test(p: CriticalPoint, precision: int) -> str:
    d = p.detail
    if "D" in d:
        return (f"D = {cell(d['D'], float(d['D'].evalf(17)), precision)}, "
                f"f_xx = {cell(d['f_xx'], float(d['f_xx'].evalf(17)), precision)}, eigenvalues "
                + ", ".join(fmt_number(v, precision) for v in d["eigenvalues"]))
    if "bordered_minors" in d:
        text = "bordered minors " + ", ".join(fmt_number(float(v.evalf(17)), precision) for v in d["bordered_minors"])
        if "tangent_eigenvalues" in d:
            text += ("; Hessian of L on the tangent space: eigenvalues "
                     + ", ".join(fmt_number(v, precision) for v in d["tangent_eigenvalues"]))
        return text
    return f"the constraints' gradients are dependent here (rank {d['constraint_rank']})"


def _curve_line(c: CriticalCurve, precision: int) -> str:
    where = f"the {c.shape} " + ", ".join(c.equations)
    if c.free:
        where += f" ({', '.join(c.free)} free)"
    value = f"; f = {cell(c.value, float(c.value.evalf(17)), precision)} along it" if c.value is not None else ""
    return f"{where}{value}: {c.classification}" + (f" ({c.argument})" if c.argument else "")


def blocks(r: CriticalResult, options: RenderOptions) -> list[Block]:
    fn = r.function
    p = options.precision
    what = f"∇{fn.name} = 0" if not r.constraints else \
        f"∇{fn.name} = Σ λ ∇g on {'; '.join(r.constraints)} (Lagrange multipliers)"
    out: list[Block] = [Heading(f"critical points of {fn.name}({', '.join(fn.inputs)}): {what}, solved "
                                + {"exact": "exactly", "numeric": "numerically",
                                   "exact and numeric": "exactly and numerically (decimals)"}[r.method])]
    if not r.points:
        out.append(Line("no isolated critical points" if r.curves else "none found"))
        out += _curve_blocks(r, p)
        return out
    cols = ["point", f"{fn.name} there"] + (["λ"] if r.constraints else []) + ["classification", "test"]
    rows = []
    for k, point in enumerate(r.points, start=1):
        row = [_coordinates(point, p), cell(point.value, float(point.value.evalf(17)), p)]
        if r.constraints:
            row.append(", ".join(cell(v, float(v.evalf(17)), p) for v in point.multipliers) or "—")
        rows.append(row + [point.classification, _test(point, p)])
    out.append(MatrixBlock(f"({', '.join(fn.inputs)})", [str(k) for k in range(1, len(rows) + 1)], cols, rows))
    out += [Line(f"point {k}: {point.detail['argument']}") for k, point in enumerate(r.points, start=1)
            if point.detail.get("argument")]
    return out + _curve_blocks(r, p)


def _curve_blocks(r: CriticalResult, precision: int) -> list[Block]:
    if not r.curves:
        return []
    out: list[Block] = [Line("critical points that are not isolated (curves or surfaces of them):")]
    return out + [Line(f"  {k}. {_curve_line(c, precision)}") for k, c in enumerate(r.curves, start=1)]


def body(r: CriticalResult, options: RenderOptions) -> dict[str, Any]:
    points = []
    for point in r.points:
        d = point.detail
        test = {"decided": d["decided"]}
        if "D" in d:
            test.update({"D": to_text(d["D"]), "f_xx": to_text(d["f_xx"]),
                         "eigenvalues": [json_number(v) for v in d["eigenvalues"]]})
        elif "bordered_minors" in d:
            test["bordered_minors"] = [to_text(v) for v in d["bordered_minors"]]
            if "tangent_eigenvalues" in d:
                test["tangent_eigenvalues"] = [json_number(v) for v in d["tangent_eigenvalues"]]
        else:
            test["constraint_rank"] = d["constraint_rank"]
        if d.get("argument"):
            test["argument"] = d["argument"]
        exact = all(not v.has(Float) for v in point.point)  # sympy's, or a numeric one snapped and checked exactly
        points.append({
            "exact": [to_text(v) for v in point.point] if exact else None,
            "value": [json_number(float(v.evalf(17))) for v in point.point],
            "f": {"exact": to_text(point.value) if exact and not point.value.has(Float) else None,
                  "value": json_number(float(point.value.evalf(17)))},
            "multipliers": [json_number(float(v.evalf(17))) for v in point.multipliers],
            "classification": point.classification,
            "test": test,
        })
    curves = []
    for c in r.curves:
        curve: dict[str, Any] = {"shape": c.shape, "equations": list(c.equations), "free": list(c.free),
                       "classification": c.classification}
        if c.value is not None:
            curve["f"] = {"exact": to_text(c.value), "value": json_number(float(c.value.evalf(17)))}
        if c.argument:
            curve["argument"] = c.argument
        curves.append(curve)
    return {"function": r.function.name, "inputs": list(r.function.inputs), "method": r.method,
            "constraints": r.constraints, "points": points, "curves": curves, "read_as": read_as([r.function])}
