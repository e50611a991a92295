"""jac's Python API: the same Requests the CLI makes, run the same way, returning finished results.

    >>> from jaccli import jacobian, compose
    >>> r = compose("samples/f.yaml", "samples/g.yaml", at="1,2")
    >>> r.at.exact
    Matrix([[6, 3], [12, 6], [4*cos(4), 2*cos(4)]])

Options have the CLI's names (``at``, ``vars``, ``engine``, ``verify``, ``steps``, ``vjp`` …) and
meanings; messages name them as keywords (``at=``). Nothing here prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence, TypedDict

from .app.runner import run
from .core.errors import SpecError
from .core.request import DEFAULT_TIMEOUT, make
from .model.function import VectorFunction
from .parse.spec import load_all

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .core.request import Command
    from .jobs.points import Batch
    from .model.function import VectorFunction
    from .results import JacobianResult
    from .results.check import CheckResult, GradeSheet
    from .results.second_order import HessianResult, ImplicitResult
    from .results.tools import CostResult


class Reading(TypedDict, total=False):
    """How SPECs are read and worked on (every function takes these)."""

    vars: Sequence[str] | None  # input order for inline text
    latex: bool | None  # read inline text as LaTeX (None: when it has a backslash)
    engine: str  # "auto", "sympy" or "symengine"
    timeout: float | None  # seconds of processor time for symbolic work that can blow up
    stdin_text: str | None  # what '-' stands for


class AtPoint(TypedDict, total=False):
    """What jacobian() and compose() add at a point (the CLI's --verify, --step, --steps, --vjp …)."""

    verify: bool
    step: Any
    steps: bool
    entry: tuple[int, int] | None
    vjp: Any
    jvp: Any
    grad: bool
    allow_external_data: bool  # ONNX initializers in files beside the model, read only from its folder


class JacobianOptions(Reading, AtPoint, total=False):
    sparsity: bool  # keep J sparse: pattern, colouring, non-zeros only


class CheckOptions(Reading, total=False):
    """What jac check takes besides the specs and the answer."""

    rtol: float | None
    atol: float | None
    expect_det: str | None
    expect_entry: Sequence[str]
    answers: str | None
    expect_grad: str | None
    hessian: bool
    expect_class: str | None
    implicit: bool
    unknowns: Sequence[str]
    assume: Any
    steps: bool
    entry: tuple[int, int] | None


def _options(function: str, given: Mapping[str, Any], allowed: Any) -> dict[str, Any]:
    """The keywords a function was given, checked against its groups, in the form make() takes."""
    known = set(allowed.__annotations__) | {k for base in allowed.__mro__ for k in getattr(base, "__annotations__", {})}
    for key in given:
        if key not in known:
            raise TypeError(f"{function}() got an unexpected keyword argument {key!r}")
    out = dict(given)
    if "engine" in out:
        out["engine"] = _engine(out["engine"])
    for key in ("expect_entry", "unknowns"):
        if key in out:
            out[key] = tuple(out[key])
    return out


def jacobian(spec: Any, *, at: Any = None, **options: Unpack[JacobianOptions]) -> JacobianResult:
    """The Jacobian of one function (or layer file): symbolic, and at ``at`` when given. Options: Reading,
    AtPoint (``vars=``, ``engine=``, ``verify=``, ``vjp=`` …) and ``sparsity=``."""
    result: JacobianResult
    result = run(make("jacobian", [spec], at=at, **_options("jacobian", options, JacobianOptions)))
    return result


def compose(*specs: Any, at: Any = None, **options: Unpack[JacobianOptions]) -> JacobianResult:
    """The Jacobian of the composition of ``specs`` in application order (``compose(f, g)`` is g∘f)
    by the chain rule, each factor evaluated at the point its function sees."""
    result: JacobianResult
    result = run(make("compose", list(specs), at=at, **_options("compose", options, JacobianOptions)))
    return result


def check(specs: Any, expect: Any = None, *, at: Any = None,
          **options: Unpack[CheckOptions]) -> CheckResult | GradeSheet:
    """Check ``expect`` (the whole Jacobian, or entries by label), ``expect_entry`` ("1,2=3e+2") and/or
    ``expect_det`` against the Jacobian of ``specs`` (their composition when several); with ``answers``
    (a file of a class's answers), a GradeSheet."""
    specs = [specs] if isinstance(specs, str) or not isinstance(specs, Sequence) else list(specs)
    result: CheckResult | GradeSheet
    result = run(make("check", specs, at=at, expect=expect, **_options("check", options, CheckOptions)))
    return result


def hessian(*specs: Any, at: Any = None, **options: Unpack[Reading]) -> HessianResult:
    """One spec: a Hessian per output. Several (application order, ending in a scalar): the Hessian of
    the composition by the second-order chain rule."""
    result: HessianResult
    result = run(make("hessian", list(specs), at=at, **_options("hessian", options, Reading)))
    return result


def implicit(spec: Any, unknowns: Sequence[str], *, at: Any = None, **options: Unpack[Reading]) -> ImplicitResult:
    """The implicit function theorem for F(x, y) = 0 solved for ``unknowns``."""
    result: ImplicitResult
    result = run(make("implicit", [spec], unknowns=tuple(u.strip() for u in unknowns), at=at,
                      **_options("implicit", options, Reading)))
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
