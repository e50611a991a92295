"""``--format json``: one object per command, every one in the same envelope (``schema``,
``command``, ``notes``) and written by one dumps; the schema is documented in README.md.

The Jacobian's body is the same for every engine and size: a layer chain is a composition whose
factors happen to be layers (their extra keys are additions)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import orjson

from ..calculus.numbers import json_number
from ..chain.values import Diagonal, DiagPlusRank1, LinearMap
from .reading import read_as

if TYPE_CHECKING:
    from ..chain.values import Evaluated
    from ..results import Determinant, Factor, JacobianResult

SCHEMA_VERSION = 2  # bumped when a key moves or changes type (CHANGELOG.md); the schemas: jaccli/schemas/


def envelope(command: str, body: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """What every JSON object jac writes starts with. A key is filled or absent, never null: what was not
    computed is left out (each schema says when a key is present)."""
    return {"schema": SCHEMA_VERSION, "command": command, "notes": list(dict.fromkeys(notes)), **prune(body)}


def prune(obj: Any) -> Any:
    """``obj`` without the None values of its dictionaries, nor the dictionaries left empty (``"jacobian"``
    when --grad forms no J), at every depth; lists keep their length."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if v is None:
                continue
            v = prune(v)
            if not (isinstance(v, dict) and not v):
                out[k] = v
        return out
    if isinstance(obj, list):
        return [prune(v) for v in obj]
    return obj


def dumps(obj: Any, indent: bool = True) -> str:
    """The one serializer: orjson (C; numpy arrays natively, shortest round-trip floats)."""

    option = orjson.OPT_SERIALIZE_NUMPY | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(obj, option=option).decode()


def error_object(command: str, message: str, exit_code: int) -> str:
    """A failure as one JSON object (graders collect verdicts: an unreadable answer is an object too)."""
    return dumps(envelope(command, {"pass": False, "error": {"message": message, "exit_code": exit_code}}, []),
                 indent=False)


def rows(matrix: Any) -> list[list[str]] | None:
    if matrix is None:
        return None
    from ..calculus.printing import matrix_text  # sympy: only where there are symbolic entries

    return matrix_text(matrix)


def text(expr: Any) -> str | None:
    if expr is None:
        return None
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import to_text

    return to_text(expr)


JSON_DENSE_MAX = 1_000_000  # a linear map kept as what it does is written densely up to this many entries


def values(at: Evaluated | None, structured: bool = False) -> Any:
    """The m×n rows of numbers. A structured factor (``structured``) is written as what it keeps, an
    object that names its kind: ``{"kind": "diagonal", "diagonal"}``, ``{"kind": "diagonal_plus_rank1",
    "d", "u", "v"}`` (J = diag(d) + u vᵀ); J itself is always rows. Only a matrix past JSON_DENSE_MAX
    entries that jac keeps as a linear map is ``{"kind": "linear_map", "shape", "description"}``. Arrays
    stay arrays for the serializer (C-ordered: orjson writes nothing else)."""
    if at is None:
        return None
    value = at.value
    if isinstance(value, list):
        return [[json_number(v) for v in row] for row in value]
    # deferred: numpy is heavy at start-up
    import numpy as np

    if structured and isinstance(value, Diagonal):
        return {"kind": "diagonal", "diagonal": np.ascontiguousarray(value.values)}
    if structured and isinstance(value, DiagPlusRank1):
        return {"kind": "diagonal_plus_rank1", "d": np.ascontiguousarray(value.d),
                "u": np.ascontiguousarray(value.u), "v": np.ascontiguousarray(value.v)}
    if isinstance(value, (Diagonal, DiagPlusRank1, LinearMap)):
        rows, cols = value.shape if isinstance(value, LinearMap) else (value.size, value.size)
        if rows * cols > JSON_DENSE_MAX:
            return {"kind": "linear_map", "shape": [rows, cols],
                    "description": f"{rows}×{cols}: more than {JSON_DENSE_MAX:,} entries, not written out"}
        return np.ascontiguousarray(value.dense())
    return np.ascontiguousarray(value)


def point(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {name: json_number(v) for name, v in zip(p.names, p.values)}


def determinant(det: Determinant | None) -> dict[str, Any] | None:
    if det is None:
        return None
    return {
        "symbolic": text(det.symbolic),
        "exact": text(det.exact),
        "value": json_number(det.value) if det.value is not None else None,
        "singular": det.singular if det.at_point else None,
        "sign": json_number(det.sign) if det.sign is not None else None,
        "log_abs": det.log_abs,
        "factor_log_abs": None if det.factor_log_abs is None else
        [v if math.isfinite(v) else "-inf" for v in det.factor_log_abs],  # JSON has no -inf: a singular factor
        "withheld": det.withheld,
    }


def _factor(f: Factor) -> dict[str, Any]:
    out = f.outputs
    return {
        "name": f.name,
        "kind": f.kind,
        "description": f.description,
        "structure": f.structure,
        "shape": list(f.shape),
        "inputs": list(f.inputs),
        "at": point(f.point),
        "symbolic": rows(f.symbolic),
        "exact": rows(f.at.exact) if f.at is not None and f.at.exact is not None else None,
        "value": values(f.at, structured=True),
        "output": None if out is None else {
            "exact": [r[0] for r in rows(out.exact)] if out.exact is not None else None,  # type: ignore[union-attr]
            "value": [json_number(v) for v in out.column()],
        },
    }


def _plan(plan: Any) -> dict[str, Any] | None:
    return None if plan is None else {"order": plan.order, "macs": plan.macs, "memory": plan.memory}


def jacobian_body(r: JacobianResult) -> dict[str, Any]:
    m, n = r.shape
    at = r.at
    out: dict[str, Any] = {
        "function": r.name,
        "signature": r.signature,
        "shape": [m, n],
        "inputs": list(r.inputs),
        "outputs": list(r.output_names),
        "point": point(r.point),
        "jacobian": {
            "symbolic": rows(r.symbolic),
            "exact": rows(at.exact) if at is not None and at.exact is not None else None,
            "value": values(at),
        },
        "determinant": determinant(r.determinant),
        "read_as": read_as(r.functions),
    }
    if r.composed:
        out["order"] = [item.name for item in r.items]
        out["shape_arithmetic"] = r.shape_arithmetic
        out["multiplication"] = _plan(r.multiplication)
        out["cost"] = {k: _plan(p) for k, p in r.costs.items()}
        out["factors"] = [_factor(f) for f in r.factors]
    if m == 1:  # the gradient convention: a column, ∇ = Jᵀ (by reverse mode with --grad)
        grad = r.products.grad if r.products is not None else None
        out["gradient"] = {
            "symbolic": None if r.symbolic is None else rows(r.symbolic)[0],  # type: ignore[index]
            "exact": None if at is None or at.exact is None else rows(at.exact)[0],  # type: ignore[index]
            "value": [json_number(v) for v in at.rows()[0]] if at is not None else grad}
    if r.products is not None:
        p = r.products
        out["products"] = {"vjp": p.vjp, "jvp": p.jvp, "grad": p.grad, "multiplication": _plan(p.plan)}
        out["vjp"], out["jvp"] = p.vjp, p.jvp  # their place in schema 1, kept through schema 2 (CHANGELOG)
    if r.verification is not None:
        out["verify"] = r.verification.to_dict()
    if r.linearisation:
        out["linearisation"] = [{"h": s.h, "norm_h": s.norm_h, "change": s.change, "linear": s.linear,
                                 "remainder_ratio": s.ratio} for s in r.linearisation]
    if r.steps:
        out["steps"] = r.steps.to_dict()
    return out
