"""The implicit function theorem: F(x, y) = 0 defines y(x) near a point where
∂F/∂y is invertible, and J_y(x) = −[∂F/∂y]⁻¹ · ∂F/∂x."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import sympy as sp

from . import api, calculus, tolerance
from .budget import within_budget
from .errors import MathError, SpecError
from .evaluate import Point, check_domain, exact_at, to_number
from .function import VectorFunction
from .results import Evaluated
from .simplify import tidy_matrix

SYMBOLIC_MAX_UNKNOWNS = 3


@dataclass
class ImplicitResult:
    kind = "implicit"  # what render() dispatches on

    function: VectorFunction
    unknowns: tuple[str, ...]
    parameters: tuple[str, ...]
    dF_dy: sp.Matrix
    dF_dx: sp.Matrix
    symbolic: sp.Matrix | None = None  # J_y(x) = −(∂F/∂y)⁻¹ ∂F/∂x, when small
    point: Point | None = None
    dF_dy_at: Evaluated | None = None
    dF_dx_at: Evaluated | None = None
    at: Evaluated | None = None
    residual: list | None = None  # F at the point
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.unknowns), len(self.parameters))


def _values(M: sp.Matrix, label: str) -> Evaluated:
    return Evaluated(M, [[to_number(M[i, j], label) for j in range(M.cols)] for i in range(M.rows)])


@within_budget
def implicit(spec: api.SpecLike, unknowns: Sequence[str], *, at: api.PointLike = None,
             vars: Sequence[str] | None = None, stdin_text: str | None = None,
             latex: bool | None = None) -> ImplicitResult:
    (fn,) = api.load([spec], vars=vars, stdin_text=stdin_text, equations=True, latex=latex)
    if fn.origin in ("inline text", "<stdin>") and fn.name == "f" and not fn.outputs_named:
        from dataclasses import replace

        from .function import default_output_names

        fn = replace(fn, name="F", output_names=default_output_names("F", fn.m))  # F(x, y) = 0, as textbooks write
    unknowns = tuple(u.strip() for u in unknowns)
    missing = [u for u in unknowns if u not in fn.inputs]
    if missing:
        raise SpecError(f"--unknowns names {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
                        f"an input of {fn.name}", hint=f"the inputs are {', '.join(fn.inputs)}")
    if len(set(unknowns)) != len(unknowns):
        raise SpecError("--unknowns names an input twice")
    parameters = tuple(v for v in fn.inputs if v not in unknowns)
    if fn.m != len(unknowns):
        raise SpecError(f"F has {fn.m} equation{'s' if fn.m != 1 else ''} but {len(unknowns)} unknown"
                        f"{'s' if len(unknowns) != 1 else ''}: the implicit function theorem needs as many "
                        "equations as unknowns (∂F/∂y square)")
    if not parameters:
        raise SpecError("every input is an unknown: there is no x for y(x) to depend on")
    J = calculus.jacobian_matrix(fn)
    col = {name: k for k, name in enumerate(fn.inputs)}
    dF_dy = J.extract(list(range(fn.m)), [col[u] for u in unknowns])
    dF_dx = J.extract(list(range(fn.m)), [col[p] for p in parameters])
    result = ImplicitResult(fn, unknowns, parameters, dF_dy, dF_dx, notes=list(fn.notes))
    if len(unknowns) <= SYMBOLIC_MAX_UNKNOWNS:
        det = calculus.symbolic_determinant(dF_dy)
        if det is not None and det != 0:
            result.symbolic = tidy_matrix(-dF_dy.inv(method="ADJ") * dF_dx)
    point = api.make_point(at, fn)
    if point is None:
        return result
    check_domain(fn, point)
    result.point = point
    residual_exact = [exact_at(e, point, f"F{k + 1}") for k, e in enumerate(fn.outputs)]
    residual = [to_number(v, f"F{k + 1}") for k, v in enumerate(residual_exact)]
    result.residual = residual
    subs = point.subs
    if not all(tolerance.is_zero(v, tolerance.term_scale(e, subs)) for v, e in zip(residual_exact, fn.outputs)):
        result.notes.append("F is not zero at this point (F = (" + ", ".join(f"{complex(v).real:.6g}" for v in residual)
                            + ")): the theorem describes the solutions of F = 0, so this point is not on them")
    result.dF_dy_at = _values(sp.Matrix(dF_dy.rows, dF_dy.cols, lambda i, j: exact_at(dF_dy[i, j], point, "∂F/∂y")),
                              "∂F/∂y")
    result.dF_dx_at = _values(sp.Matrix(dF_dx.rows, dF_dx.cols, lambda i, j: exact_at(dF_dx[i, j], point, "∂F/∂x")),
                              "∂F/∂x")
    det = calculus.determinant(result.dF_dy_at.exact, thorough=False)
    singular = tolerance.exact_sign(det) == 0 if tolerance.is_exact(det) else \
        tolerance.numerically_singular(result.dF_dy_at.value)
    if singular:
        y = unknowns[0] if len(unknowns) == 1 else f"({', '.join(unknowns)})"
        x = parameters[0] if len(parameters) == 1 else f"({', '.join(parameters)})"
        raise MathError(f"∂{fn.name}/∂{y} is singular at {point.text()} (det = {det}): the implicit function theorem "
                        f"needs ∂{fn.name}/∂{y} to be invertible there, so it says nothing about {y}({x}) here",
                        hint="at such points the solution set may branch, have a vertical tangent, or not be a function "
                             "of x")
    Y = -result.dF_dy_at.exact.inv(method="ADJ") * result.dF_dx_at.exact
    Y = Y if point.is_float else tidy_matrix(Y, thorough=False)
    result.at = _values(Y, "J_y")
    return result
