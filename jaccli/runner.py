"""One entry point below the CLI and the Python API: ``run(request)`` checks the request, loads the
SPECs once, chooses the job, and returns its finished result within the time budget.

    argv ──click──▶ Request ──validate──▶ run ──▶ job (jacobians, points, checking, second_order,
                                                       implicit_function, cost) ──▶ result ──▶ render
"""

from __future__ import annotations

from typing import Any

from .budget import capped, skipped, time_budget
from .errors import SpecError, UsageError
from .function import VectorFunction
from .request import DEFAULT_TIMEOUT, Request, option, validate


def run(request: Request) -> Any:
    """The finished result of ``request``: a JacobianResult, points.BatchRun (rows still to stream),
    distributed.Summary, CheckResult, HessianResult, ImplicitResult or CostResult."""
    request = validate(request)
    with time_budget(request.timeout):
        result = _job(request)
        notes = _budget_notes(request.timeout)
    if notes and hasattr(result, "notes"):
        result.notes.extend(notes)
    return result


def _budget_notes(timeout: float | None) -> list[str]:
    fell_back, cut = skipped(), capped()
    if fell_back:
        return [f"the time budget ({timeout or DEFAULT_TIMEOUT:g} s) ran out: skipped {', '.join(fell_back)}; what "
                f"is shown is exact but may be less simplified (raise it with {option('timeout')})"]
    if cut:
        return [f"{', '.join(cut)} was stopped on some entries (at most 0.25 s each, 0.4 s in all); they are shown "
                "exact but less simplified"]
    return []


def _job(request: Request) -> Any:
    command = request.command
    if command == "cost":
        from . import accumulation

        if request.dims:
            return accumulation.from_dims(request.dims)
        return accumulation.from_specs(load(request, layers=True), request.input_size)
    if command in ("jacobian", "compose"):
        items = load(request, layers=True)
        _check_items(request, items)
        if request.points is not None and request.dask is not None:
            from .distributed import run as run_dask
            from .points import Plan

            return run_dask(Plan(items), request.points, request.output, request.dask, request.render.format)
        if request.points is not None or request.points_text is not None:
            from .points import BatchRun

            return BatchRun.start(request, items)
        from .jacobians import jacobian_of

        return jacobian_of(request, items)
    if command == "check":
        if request.answers is not None:
            from .grading import grade

            return grade(request, load(request, chain=True))
        from .checking import check_answer

        return check_answer(request, load(request, chain=True, equations=request.implicit))
    if command == "critical":
        from .critical import critical_of

        return critical_of(request, load(request))
    if command == "taylor":
        from .taylor import taylor_of

        return taylor_of(request, load(request))
    if command == "hessian":
        from .second_order import hessian_of

        return hessian_of(request, load(request))
    from .implicit_function import implicit_of

    (fn,) = load(request, equations=True)
    return implicit_of(request, fn)


def load(request: Request, *, layers: bool = False, chain: bool = True, equations: bool = False) -> list[Any]:
    """The SPECs as functions (and, where ``layers``, layer files), in application order; a chain is
    bound by name (binding.py) and its sizes checked."""
    from .binding import bind, check_chain
    from .spec import load_all

    if request.command in ("jacobian", "implicit") and len(request.specs) != 1:
        raise UsageError(f"{request.command} takes one SPEC", hint="for a chain of functions use 'jac compose'")
    engine = "sympy" if request.steps else request.engine  # --steps: derivations are written by sympy
    items = load_all(list(request.specs), vars=request.vars, stdin_text=request.stdin_text, latex=request.latex,
                     engine=engine, equations=equations)
    if request.command == "compose" and len(items) < 2 and isinstance(items[0], VectorFunction):
        raise UsageError("compose needs at least two SPECs (or a layer file)", hint="for one function use 'jac jacobian'")
    if not layers:
        for item in items:
            if not isinstance(item, VectorFunction):
                raise SpecError(f"{item.origin or item.name} is a layer file; {request.command} works on function "
                                "specs", hint="jacobian and compose evaluate layer files at a point")
    if len(items) > 1:
        items = bind(items)
        functions = [item for item in items if isinstance(item, VectorFunction)]
        if len(functions) == len(items):
            check_chain(functions)
    return items


def _check_items(request: Request, items: list[Any]) -> None:
    """The rules that depend on what the SPECs are (request.validate has the others)."""
    layered = [item for item in items if not isinstance(item, VectorFunction)]
    if not layered:
        return
    where = layered[0].origin or layered[0].name
    for name in ("steps", "points"):
        if request.given(name):
            raise UsageError(f"{option(name)} works on function specs, and {where} is a layer file",
                             hint="layer chains are evaluated numerically at one point")
    if request.render.format == "latex" and request.at is None:
        raise UsageError(f"{where} is a layer file: layer chains are evaluated at a point",
                         hint=f"give {option('at')}")
    if request.given("engine") and all(not _has_function(item) for item in items):
        raise UsageError(f"{option('engine')} chooses who differentiates function specs, and {where} has only "
                         "linear and element-wise layers")


def _has_function(item: Any) -> bool:
    if isinstance(item, VectorFunction):
        return True
    return any(layer.kind == "function" for layer in item.layers)
