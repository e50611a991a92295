"""jac's Python API: the same Requests the CLI makes, run the same way, returning finished results.

    >>> from jaccli import jacobian, compose
    >>> r = compose("samples/f.yaml", "samples/g.yaml", at="1,2")
    >>> r.at.exact
    Matrix([[6, 3], [12, 6], [4*cos(4), 2*cos(4)]])

Options have the CLI's names (``at``, ``vars``, ``engine``, ``verify``, ``steps``, ``vjp`` …) and
meanings; messages name them as keywords (``at=``). Nothing here prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from .app.runner import run
from .core.errors import SpecError
from .core.request import DEFAULT_TIMEOUT, make
from .model.function import VectorFunction
from .parse.spec import load_all

if TYPE_CHECKING:
    from .core.request import Command
    from .jobs.points import Batch
    from .model.function import VectorFunction
    from .results import JacobianResult
    from .results.check import CheckResult, GradeSheet
    from .results.second_order import HessianResult, ImplicitResult
    from .results.tools import CostResult


def jacobian(spec: Any, *, at: Any = None, vars: Sequence[str] | None = None, latex: bool | None = None,
             engine: str = "auto", timeout: float | None = DEFAULT_TIMEOUT, verify: bool = False, step: Any = None,
             steps: bool = False, entry: tuple[int, int] | None = None, vjp: Any = None, jvp: Any = None,
             grad: bool = False, stdin_text: str | None = None,
             allow_external_data: bool = False) -> JacobianResult:
    """The Jacobian of one function (or layer file): symbolic, and at ``at`` when given."""
    result: JacobianResult
    result = run(make("jacobian", [spec], at=at, vars=vars, latex=latex, engine=_engine(engine), timeout=timeout,
                      verify=verify, step=step, steps=steps, entry=entry, vjp=vjp, jvp=jvp, grad=grad,
                      stdin_text=stdin_text, allow_external_data=allow_external_data))
    return result


def compose(*specs: Any, at: Any = None, vars: Sequence[str] | None = None, latex: bool | None = None,
            engine: str = "auto", timeout: float | None = DEFAULT_TIMEOUT, verify: bool = False, step: Any = None,
            steps: bool = False, entry: tuple[int, int] | None = None, vjp: Any = None, jvp: Any = None,
            grad: bool = False, stdin_text: str | None = None,
            allow_external_data: bool = False) -> JacobianResult:
    """The Jacobian of the composition of ``specs`` in application order (``compose(f, g)`` is g∘f)
    by the chain rule, each factor evaluated at the point its function sees."""
    result: JacobianResult
    result = run(make("compose", list(specs), at=at, vars=vars, latex=latex, engine=_engine(engine), timeout=timeout,
                      verify=verify, step=step, steps=steps, entry=entry, vjp=vjp, jvp=jvp, grad=grad,
                      stdin_text=stdin_text, allow_external_data=allow_external_data))
    return result


def check(specs: Any, expect: Any = None, *, at: Any = None, vars: Sequence[str] | None = None,
          rtol: float | None = None, atol: float | None = None, expect_det: str | None = None,
          expect_entry: Sequence[str] = (), answers: str | None = None, expect_grad: str | None = None,
          hessian: bool = False, expect_class: str | None = None, implicit: bool = False,
          unknowns: Sequence[str] = (), assume: Any = None,
          latex: bool | None = None, steps: bool = False, entry: tuple[int, int] | None = None,
          timeout: float | None = DEFAULT_TIMEOUT, stdin_text: str | None = None) -> CheckResult | GradeSheet:
    """Check ``expect`` (the whole Jacobian, or entries by label), ``expect_entry`` ("1,2=3e+2") and/or
    ``expect_det`` against the Jacobian of ``specs`` (their composition when several); with ``answers``
    (a file of a class's answers), a GradeSheet."""
    specs = [specs] if isinstance(specs, str) or not isinstance(specs, Sequence) else list(specs)
    result: CheckResult | GradeSheet
    result = run(make("check", specs, at=at, vars=vars, rtol=rtol, atol=atol, expect=expect, expect_det=expect_det,
                      expect_entry=tuple(expect_entry), answers=answers, expect_grad=expect_grad, hessian=hessian,
                      expect_class=expect_class, implicit=implicit, unknowns=tuple(unknowns), assume=assume,
                      latex=latex, steps=steps,
                      entry=entry, timeout=timeout, stdin_text=stdin_text))
    return result


def hessian(*specs: Any, at: Any = None, vars: Sequence[str] | None = None, latex: bool | None = None,
            engine: str = "auto", timeout: float | None = DEFAULT_TIMEOUT, stdin_text: str | None = None) -> HessianResult:
    """One spec: a Hessian per output. Several (application order, ending in a scalar): the Hessian of
    the composition by the second-order chain rule."""
    result: HessianResult
    result = run(make("hessian", list(specs), at=at, vars=vars, latex=latex, engine=_engine(engine), timeout=timeout,
                      stdin_text=stdin_text))
    return result


def implicit(spec: Any, unknowns: Sequence[str], *, at: Any = None, vars: Sequence[str] | None = None,
             latex: bool | None = None, timeout: float | None = DEFAULT_TIMEOUT,
             stdin_text: str | None = None) -> ImplicitResult:
    """The implicit function theorem for F(x, y) = 0 solved for ``unknowns``."""
    result: ImplicitResult
    result = run(make("implicit", [spec], unknowns=tuple(u.strip() for u in unknowns), at=at, vars=vars, latex=latex,
                      timeout=timeout, stdin_text=stdin_text))
    return result


def evaluate_points(specs: Any, points_text: str, *, vars: Sequence[str] | None = None, latex: bool | None = None,
                    engine: str = "auto", timeout: float | None = DEFAULT_TIMEOUT,
                    stdin_text: str | None = None) -> Batch:
    """The Jacobian of one spec, or of the composition of several, at every row of ``points_text``
    (CSV or whitespace, an optional header of input names), all in memory."""
    specs = [specs] if isinstance(specs, str) else list(specs)
    command: Command = "compose" if len(specs) > 1 else "jacobian"
    batch = run(make(command, specs, points_text=points_text, vars=vars, latex=latex, engine=_engine(engine),
                     timeout=timeout, stdin_text=stdin_text))
    result: Batch = batch.collect()
    return result


def cost(*specs: Any, dims: Sequence[int] | None = None, input_size: int | None = None,
         allow_external_data: bool = False) -> CostResult:
    """What forward, reverse and the best order cost for a chain: from widths or from SPECs."""
    result: CostResult
    result = run(make("cost", list(specs), dims=dims, input_size=input_size, allow_external_data=allow_external_data))
    return result


def load(specs: Any, *, vars: Sequence[str] | None = None, stdin_text: str | None = None, latex: bool | None = None,
         equations: bool = False) -> list[VectorFunction]:
    """Function SPECs as loaded (not bound into a chain); ``equations``: read ``lhs = rhs`` as lhs − rhs."""

    if isinstance(specs, (str, VectorFunction)):
        specs = [specs]  # one spec, not a sequence of characters
    functions = load_all(list(specs), vars=vars, stdin_text=stdin_text, latex=latex, equations=equations)
    for fn in functions:
        if not isinstance(fn, VectorFunction):
            raise SpecError(f"{fn.origin} is a layer file", hint="jacobian() and compose() evaluate it at a point")
    return functions


def _engine(engine: str) -> str | None:
    return None if engine == "auto" else engine  # the default is not a choice (request.make records choices)
