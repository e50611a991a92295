"""One entry point below the CLI and the Python API: ``run(request)`` checks the request, runs the job the
command's spec names (core/commands.py) within the time budget, and returns its finished result.

    argv ──click──▶ Request ──validate──▶ run ──▶ the command's job (jobs/) ──▶ result (results/) ──▶ render/
"""

from __future__ import annotations

from typing import Any

from ..core.budget import notes as budget_notes
from ..core.budget import time_budget
from ..core.commands import COMMANDS
from ..core.request import Request
from ..core.validate import validate
from ..jobs.jacobian import row_at
from ..parse.loading import (
    check_items,
    load,  # noqa: F401  (load: also the API's and benchmarks' way in)
)


def run(request: Request) -> Any:
    """The finished result of ``request``: the result type of its command (a batch's rows still to stream;
    a --dask run's summary)."""
    request = validate(request)
    spec = COMMANDS[request.command]
    if request.allow_external_data:  # an ONNX model's data from files beside it, while this request runs
        from ..parse.onnx import external_data_allowed  # onnx: only for a model

        with external_data_allowed():
            return _run(request, spec)
    return _run(request, spec)


def _run(request: Request, spec: Any) -> Any:
    if request.dask is not None:  # files of points on a cluster: planned within the budget, run after it
        from .distributed import run_request  # dask, numpy, pyarrow: only for --dask

        with time_budget(request.timeout):
            plan = _plan(request)
        return run_request(plan, request)
    job = spec.load_job()
    if spec.own_budgets(request):  # a sheet or a class: every exercise, every answer has a budget of its own
        return job(request, run) if spec.calls_back else job(request)
    with time_budget(request.timeout):
        result = job(request, run) if spec.calls_back else job(request)
        notes = budget_notes(request.timeout)
    if notes and hasattr(result, "notes"):
        result.notes.extend(notes)
    return result


def _plan(request: Request) -> Any:
    from ..jobs.points import Plan  # numpy: only for --dask

    items = load(request, layers=True)
    check_items(request, items)
    return Plan(items, row_at)
