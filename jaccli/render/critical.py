"""Critical points: one row per point — where, f there, what the second-derivative test says."""

from __future__ import annotations

from ..numbers import fmt_number, json_number
from ..printing import to_text
from ..request import RenderOptions
from ..results.second_order import CriticalPoint, CriticalResult
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
    return "bordered minors " + ", ".join(fmt_number(float(v.evalf(17)), precision) for v in d["bordered_minors"])


def blocks(r: CriticalResult, options: RenderOptions) -> list[Block]:
    fn = r.function
    p = options.precision
    what = f"∇{fn.name} = 0" if not r.constraints else \
        f"∇{fn.name} = Σ λ ∇g on {'; '.join(r.constraints)} (Lagrange multipliers)"
    out: list[Block] = [Heading(f"critical points of {fn.name}({', '.join(fn.inputs)}): {what}, solved "
                                + {"exact": "exactly", "numeric": "numerically",
                                   "exact and numeric": "exactly and numerically (decimals)"}[r.method])]
    if not r.points:
        out.append(Line("none found"))
        return out
    cols = ["point", f"{fn.name} there"] + (["λ"] if r.constraints else []) + ["classification", "test"]
    rows = []
    for k, point in enumerate(r.points, start=1):
        row = [_coordinates(point, p), cell(point.value, float(point.value.evalf(17)), p)]
        if r.constraints:
            row.append(", ".join(cell(v, float(v.evalf(17)), p) for v in point.multipliers))
        rows.append(row + [point.classification, _test(point, p)])
    out.append(MatrixBlock(f"({', '.join(fn.inputs)})", [str(k) for k in range(1, len(rows) + 1)], cols, rows))
    return out


def body(r: CriticalResult, options: RenderOptions) -> dict:
    points = []
    for point in r.points:
        d = point.detail
        test = {"decided": d["decided"]}
        if "D" in d:
            test.update({"D": to_text(d["D"]), "f_xx": to_text(d["f_xx"]),
                         "eigenvalues": [json_number(v) for v in d["eigenvalues"]]})
        else:
            test["bordered_minors"] = [to_text(v) for v in d["bordered_minors"]]
        points.append({
            "exact": [to_text(v) for v in point.point] if r.method == "exact" else None,
            "value": [json_number(float(v.evalf(17))) for v in point.point],
            "f": {"exact": to_text(point.value) if r.method == "exact" else None,
                  "value": json_number(float(point.value.evalf(17)))},
            "multipliers": [json_number(float(v.evalf(17))) for v in point.multipliers],
            "classification": point.classification,
            "test": test,
        })
    return {"function": r.function.name, "inputs": list(r.function.inputs), "method": r.method,
            "constraints": r.constraints, "points": points, "read_as": read_as([r.function])}
