"""The implicit function theorem: F(x, y) = 0 defines y(x) near a point where
∂F/∂y is invertible, and J_y(x) = −[∂F/∂y]⁻¹ · ∂F/∂x."""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..calculus import tolerance
from ..calculus.derivatives import symbolic_determinant
from ..calculus.evaluate import check_domain, exact_at, to_number
from ..calculus.simplify import tidy_matrix
from ..chain import core as chain
from ..chain.values import Evaluated
from ..core.errors import MathError, SpecError
from ..core.request import Request, option
from ..model.function import VectorFunction, default_output_names
from ..model.jacobian import jacobian_matrix
from ..parse.loading import load
from ..parse.point import make_point
from ..results.second_order import ImplicitResult

SYMBOLIC_MAX_UNKNOWNS = 3


def _values(M: sp.Matrix, label: str) -> Evaluated:
    return chain.evaluated_exact(M, lambda i, j: label)


def implicit_of(request: Request, fn: VectorFunction) -> ImplicitResult:
    """The implicit function theorem for F(x, y) = 0 (``fn``, read as equations) solved for
    ``request.unknowns``."""
    if fn.origin in ("inline text", "<stdin>") and fn.name == "f" and not fn.outputs_named:
        fn = replace(fn, name="F", output_names=default_output_names("F", fn.m))  # F(x, y) = 0, as textbooks write
    unknowns = request.unknowns
    unknowns = tuple(u.strip() for u in unknowns)
    missing = [u for u in unknowns if u not in fn.inputs]
    if missing:
        raise SpecError(f"{option('unknowns')} names {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
                        f"an input of {fn.name}", hint=f"the inputs are {', '.join(fn.inputs)}")
    if len(set(unknowns)) != len(unknowns):
        raise SpecError(f"{option('unknowns')} names an input twice")
    parameters = tuple(v for v in fn.inputs if v not in unknowns)
    if fn.m != len(unknowns):
        raise SpecError(f"F has {fn.m} equation{'s' if fn.m != 1 else ''} but {len(unknowns)} unknown"
                        f"{'s' if len(unknowns) != 1 else ''}: the implicit function theorem needs as many "
                        "equations as unknowns (∂F/∂y square)")
    if not parameters:
        raise SpecError("every input is an unknown: there is no x for y(x) to depend on")
    J = jacobian_matrix(fn)
    col = {name: k for k, name in enumerate(fn.inputs)}
    dF_dy = J.extract(list(range(fn.m)), [col[u] for u in unknowns])
    dF_dx = J.extract(list(range(fn.m)), [col[p] for p in parameters])
    result = ImplicitResult(fn, unknowns, parameters, dF_dy, dF_dx, notes=list(fn.notes))
    if len(unknowns) <= SYMBOLIC_MAX_UNKNOWNS:
        det = symbolic_determinant(dF_dy)
        if det is not None and det != 0:
            result.symbolic = tidy_matrix(-dF_dy.inv(method="ADJ") * dF_dx)
    point = make_point(request.at, fn)
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
    value = chain.determinant(result.dF_dy_at.exact)
    det = value.exact if value.exact is not None else value.value
    if value.singular:
        y = unknowns[0] if len(unknowns) == 1 else f"({', '.join(unknowns)})"
        x = ", ".join(parameters)
        raise MathError(f"∂{fn.name}/∂{y} is singular at {point.text()} (det = {det}): the implicit function theorem "
                        f"needs ∂{fn.name}/∂{y} to be invertible there, so it says nothing about {y}({x}) here",
                        hint=f"at such points the solution set may branch, have a vertical tangent, or not be a function "
                             f"of {x} at all")
    Y, _ = chain.multiply([result.dF_dx_at.exact_matrix(), -result.dF_dy_at.exact_matrix().inv(method="ADJ")])  # −[∂F/∂y]⁻¹ · ∂F/∂x
    Y = Y if point.is_float else tidy_matrix(Y, thorough=False)
    result.at = _values(Y, "J_y")
    return result


def run(request: Request) -> ImplicitResult:
    (fn,) = load(request, equations=True)
    return implicit_of(request, fn)
