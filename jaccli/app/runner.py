"""One entry point below the CLI and the Python API: ``run(request)`` checks the request, loads the
SPECs once, chooses the job, and returns its finished result within the time budget.

    argv ──click──▶ Request ──validate──▶ run ──▶ job (jacobians, points, checking, second_order,
                                                       implicit_function, cost) ──▶ result ──▶ render
"""

from __future__ import annotations

from typing import Any

from ..core.budget import notes as budget_notes
from ..core.budget import time_budget
from ..core.request import Request, validate
from ..parse.loading import check_items, load  # noqa: F401  (load: also the API's and benchmarks' way in)


def run(request: Request) -> Any:
    """The finished result of ``request``: a JacobianResult, points.BatchRun (rows still to stream),
    distributed.Summary, CheckResult, HessianResult, ImplicitResult or CostResult."""
    request = validate(request)
    if request.command == "exercise" or request.answers is not None or request.key is not None:
        return _job(request)  # a sheet or a class: every exercise, every answer has a time budget of its own
    if request.allow_external_data:  # an ONNX model's data from files beside it, while this request runs
        from ..parse.onnx import external_data_allowed

        with external_data_allowed():
            return _run_in_budget(request)
    return _run_in_budget(request)


def _run_in_budget(request: Request) -> Any:
    with time_budget(request.timeout):
        result = _job(request)
        notes = budget_notes(request.timeout)
    if isinstance(result, Deferred):  # numeric work over many rows: not the symbolic budget's to bound
        result = result.finish()
    if notes and hasattr(result, "notes"):
        result.notes.extend(notes)
    return result


class Deferred:
    """Work whose plan is made within the time budget and whose (numeric, per-row) rest runs after it: a
    --dask run over files of any size must not end in "time budget ran out" because the cluster is busy."""

    def __init__(self, finish: Any):
        self.finish = finish


def _job(request: Request) -> Any:
    command = request.command
    if command == "cost":
        from ..jobs import cost as accumulation

        if request.dims:
            return accumulation.from_dims(request.dims)
        return accumulation.from_specs(load(request, layers=True), request.input_size)
    if command in ("jacobian", "compose"):
        items = load(request, layers=True)
        check_items(request, items)
        if request.points is not None and request.dask is not None:
            from ..jobs.points import Plan
            from .distributed import run as run_dask

            plan = Plan(items)
            return Deferred(lambda: run_dask(plan, request.points, request.output, request.dask,
                                             request.render.format))
        if request.points is not None or request.points_text is not None:
            from ..jobs.points import BatchRun

            return BatchRun.start(request, items)
        from ..jobs.jacobian import jacobian_of

        return jacobian_of(request, items)
    if command == "check":
        if request.key is not None:
            from ..jobs.grading import grade_with_key

            return grade_with_key(request)
        if request.answers is not None:
            from ..jobs.grading import grade

            return grade(request)
        if request.critical:
            from ..jobs.critical_check import check_critical

            return check_critical(request, load(request))
        from ..jobs.check import check_answer

        return check_answer(request, load(request, chain=True, equations=request.implicit))
    if command == "exercise":
        from ..jobs.exercise import from_request

        return from_request(request, run)  # the generator computes and checks with run itself
    if command == "codegen":
        from ..jobs.codegen import codegen_of

        exact = request.with_(engine="sympy")  # sympy's printers and cse write the code: sympy expressions
        return codegen_of(exact, load(exact))
    if command == "plot":
        from ..jobs.jacobian import jacobian_of
        from ..jobs.plot import plot_data
        from ..results.tools import PlotResult

        items = load(request)
        result = jacobian_of(request.with_(command="compose" if len(items) > 1 else "jacobian"), items)
        return PlotResult(plot_data(result, request.radius), request.output or "", list(result.notes),
                          result.functions)
    if command == "critical":
        from ..jobs.critical import critical_of

        return critical_of(request, load(request))
    if command == "taylor":
        from ..jobs.taylor import taylor_of

        return taylor_of(request, load(request))
    if command == "hessian":
        from ..jobs.hessian import hessian_of

        return hessian_of(request, load(request))
    from ..jobs.implicit import implicit_of

    (fn,) = load(request, equations=True)
    return implicit_of(request, fn)
