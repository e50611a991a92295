"""Loading what a request names: SPECs (inline text, files, stdin) as functions and layer files, in
application order, a chain bound by name and its sizes checked — and the rules that depend on what the
SPECs turn out to be. The jobs (runner.py), grading with a key and exercise generation load here."""

from __future__ import annotations

from typing import Any

from ..core.commands import COMMANDS
from ..core.errors import SpecError, UsageError
from ..core.request import Request, option
from ..model.binding import bind, check_chain
from ..model.function import VectorFunction
from .spec import load_all


def load(request: Request, *, layers: bool = False, chain: bool = True, equations: bool = False) -> list[Any]:
    """The SPECs as functions (and, where ``layers``, layer files), in application order; a chain is
    bound by name (binding.py) and its sizes checked."""

    spec = COMMANDS[request.command]
    if spec.specs == "one" and len(request.specs) != 1:
        raise UsageError(f"{request.command} takes one SPEC", hint="for a chain of functions use 'jac compose'")
    engine = "sympy" if request.steps else request.engine  # --steps: derivations are written by sympy
    items = load_all(list(request.specs), vars=request.vars, stdin_text=request.stdin_text, latex=request.latex,
                     engine=engine, equations=equations)
    if spec.composes and len(items) < 2 and isinstance(items[0], VectorFunction):
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


def check_items(request: Request, items: list[Any]) -> None:
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
