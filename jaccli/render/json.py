"""``--format json``: one object; the schema is documented in README.md."""

from __future__ import annotations

import json

import sympy as sp

from ..evaluate import Point
from ..printing import json_number, matrix_text, to_text
from ..results import CompositionResult, Determinant, Evaluated
from .reading import read_as

SCHEMA_VERSION = 1


def _rows(matrix: sp.Matrix | None):
    if matrix is None:
        return None
    return matrix_text(matrix)


def _values(at: Evaluated | None):
    if at is None:
        return None
    return [[json_number(v) for v in row] for row in at.value]


def _point(point: Point | None):
    if point is None:
        return None
    return {name: json_number(v) for name, v in zip(point.names, point.values)}


def _determinant(det: Determinant | None):
    if det is None:
        return None
    return {
        "symbolic": to_text(det.symbolic) if det.symbolic is not None else None,
        "exact": to_text(det.exact) if det.exact is not None else None,
        "value": json_number(det.value) if det.value is not None else None,
        "singular": det.singular if det.exact is not None else None,
        "sign": json_number(det.sign) if det.sign is not None else None,
        "log_abs": det.log_abs,
        "factor_log_abs": det.factor_log_abs,
        "withheld": det.withheld,
    }


def to_dict(result) -> dict:
    m, n = result.shape
    out = {
        "schema": SCHEMA_VERSION,
        "command": "compose" if isinstance(result, CompositionResult) else "jacobian",
        "function": result.name,
        "signature": result.signature,
        "shape": [m, n],
        "inputs": list(result.inputs),
        "outputs": list(result.output_names),
        "point": _point(result.point),
        "jacobian": {
            "symbolic": _rows(result.symbolic),
            "exact": _rows(result.at.exact) if result.at is not None else None,
            "value": _values(result.at),
        },
        "determinant": _determinant(result.determinant),
        "read_as": read_as(result.functions),
    }
    if isinstance(result, CompositionResult):
        out["order"] = [fn.name for fn in result.functions]
        out["shape_arithmetic"] = result.shape_arithmetic
        plan = result.multiplication
        out["multiplication"] = None if plan is None else {"order": plan.order, "macs": plan.macs}
        out["factors"] = [
            {
                "name": f.name,
                "shape": list(f.shape),
                "inputs": list(f.function.inputs),
                "at": _point(f.point),
                "symbolic": _rows(f.symbolic),
                "exact": _rows(f.at.exact) if f.at is not None else None,
                "value": _values(f.at),
                "output": None if f.outputs is None else {
                    "exact": [row[0] for row in _rows(f.outputs.exact)],
                    "value": [row[0] for row in _values(f.outputs)],
                },
            }
            for f in result.factors
        ]
    if m == 1:  # the gradient convention: a column, ∇ = Jᵀ
        out["gradient"] = {"symbolic": None if result.symbolic is None else [r[0] for r in _rows(result.symbolic.T)],
                           "exact": None if result.at is None else [r[0] for r in _rows(result.at.exact.T)],
                           "value": None if result.at is None else [json_number(v) for v in result.at.value[0]]}
    if result.verification is not None:
        out["verify"] = result.verification.to_dict()
    if result.linearisation:
        out["linearisation"] = [{"h": s.h, "norm_h": s.norm_h, "change": s.change, "linear": s.linear,
                                 "remainder_ratio": s.ratio} for s in result.linearisation]
    if result.steps:
        out["steps"] = result.steps.to_dict()
    return out


def render_json(result) -> str:
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False)
