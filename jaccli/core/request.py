"""What was asked: one frozen Request for every command, and the defaults (defined here once); which
options go together is validate.py's.

The CLI turns its options into a Request and the Python API turns its keyword arguments into the same
Request, so both run exactly the same thing (``run.run``). ``validate`` owns every rule about option
combinations: a combination either works or is a UsageError naming both options — none is ignored.
Messages name options the way the caller wrote them: ``--at`` on the command line, ``at=`` in Python
(``option``).
"""

from __future__ import annotations

import contextlib
import contextvars
import shlex
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterator, Literal, Mapping, Sequence, Union, cast

from .commands import COMMANDS

Command = Literal["jacobian", "compose", "check", "hessian", "implicit", "cost", "taylor", "critical", "exercise", "plot", "codegen"]
Format = Literal["table", "plain", "json", "latex", "csv", "markdown", "html"]
Engine = Literal["auto", "sympy", "symengine"]

# ---------------------------------------------------------------------------
# Defaults, once

DEFAULT_TIMEOUT = 10.0  # seconds for symbolic work that can blow up (budget.py)
DEFAULT_PRECISION = 6  # significant digits in table/plain/latex output
DEFAULT_FORMAT: Format = "table"
POINT_RTOL = 1e-6  # check at a point: |answer − J| ≤ atol + rtol·|J| per entry
POINT_ATOL_SCALE = 1e-9  # ... atol is this times J's largest entry
POINT_ATOL_FLOOR = 1e-12  # ... or this when J is all zeros
SYMBOLIC_TOL = 0.0  # check without a point: formulas are compared exactly
FORMATS: dict[str, tuple[str, ...]] = {name: spec.formats for name, spec in COMMANDS.items()}  # what each prints
HUMAN_FORMATS = ("table", "plain")

# ---------------------------------------------------------------------------
# Naming options the caller's way

_STYLE: contextvars.ContextVar[str] = contextvars.ContextVar("jac_option_style", default="python")


@contextlib.contextmanager
def cli_names() -> Iterator[None]:
    """Within it, messages name options as flags (the CLI runs each command inside it)."""
    token = _STYLE.set("cli")
    try:
        yield
    finally:
        _STYLE.reset(token)


_FLAGS = {"target": "for", "box": "in"}  # where the command line's flag is not the keyword's name


def option(name: str, value: Any = None) -> str:
    """``--at`` / ``--engine sympy`` on the command line; ``at=`` / ``engine='sympy'`` in Python."""
    if _STYLE.get() == "cli":
        flag = "--" + _FLAGS.get(name, name.replace("_", "-"))
        if value is None:
            return flag
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        return f"{flag} {shlex.quote(text)}"  # as it would be typed: --assume 'x > 0'"
    key = {"format": "format", "output": "output"}.get(name, name)
    return f"{key}=" if value is None else f"{key}={value!r}"


# ---------------------------------------------------------------------------
# The request

PointLike = Union[str, Sequence[Any], Mapping[str, Any], None]
VectorLike = Union[str, Sequence[float], None]


@dataclass(frozen=True)
class RenderOptions:
    """How a result is printed: one value that travels from the caller to the renderer."""

    format: Format = DEFAULT_FORMAT
    precision: int = DEFAULT_PRECISION
    full: bool = False  # big arrays in full (table, plain, latex)
    echo: bool = True  # table/plain start with the functions as read
    hide_answers: bool = False  # check: never show the expected values


@dataclass(frozen=True)
class Request:
    """Everything a command was asked, after parsing and before any work."""

    command: Command
    specs: tuple[Any, ...] = ()  # SPEC arguments (text, paths, '-') or loaded functions/layer files
    at: PointLike = None
    vars: tuple[str, ...] | None = None
    latex: bool | None = None
    engine: Engine = "auto"
    timeout: float | None = DEFAULT_TIMEOUT
    stdin_text: str | None = None  # standard input, read once, when a SPEC or --expect is '-'
    # jacobian / compose
    points: str | None = None  # a file, '-' or (with dask) a glob
    points_text: str | None = None  # the rows themselves (the Python API)
    output: str | None = None
    dask: str | None = None
    vjp: VectorLike = None
    jvp: VectorLike = None
    grad: bool = False
    verify: bool = False
    step: VectorLike = None
    steps: bool = False
    entry: tuple[int, int] | None = None
    sparsity: bool = False  # jacobian: the pattern, a column colouring and the non-zeros only (chain/sparse.py)
    # check
    expect: Any = None
    expect_det: str | None = None
    expect_entry: tuple[str, ...] = ()  # ROW,COL=VALUE or LABEL=VALUE, some entries only
    answers: str | None = None  # a class's answers: a file (CSV, JSON Lines, YAML) or '-'
    feedback: str | None = None  # with answers: a folder for one html page per student and an index
    expect_grad: str | None = None  # a gradient (row or column) of a scalar function
    expect_class: str | None = None  # with hessian: the second-derivative test's word at --at
    hessian: bool = False  # check the Hessian (of a scalar function, or of the composition)
    implicit: bool = False  # check ∂y/∂x of F(x, y) = 0 solved for unknowns
    rtol: float | None = None
    atol: float | None = None
    assume: str | Sequence[str] | None = None
    # implicit
    unknowns: tuple[str, ...] = ()
    # taylor
    order: int = 2
    # codegen
    lang: str = "python"
    target: str = "plain"
    vectorize: bool = False
    sparse: bool = False  # codegen: J as CSR, the structure once and the values per call
    name: str | None = None
    # plot
    radius: float = 0.5
    dpi: int | None = None  # PNG resolution (drawing.DPI when not given)
    # exercise
    kind: str | None = None
    seed: int = 0
    count: int = 5
    difficulty: int = 1
    students: str | None = None  # a roster: one sheet (and seed) per id
    key: str | None = None  # exercise: write the answer key here; check: grade against it
    # critical (and check --critical)
    critical: bool = False  # check: the answer is the critical points and their classification
    constraints: tuple[str, ...] = ()
    box: str | None = None
    # cost
    dims: tuple[int, ...] | None = None
    input_size: int | None = None
    # jacobian / compose / cost: ONNX external data from the model's folder. The CLI's flag allows it for the
    # command (onnx_import.external_data_allowed); carried here so that validate refuses it without a model.
    allow_external_data: bool = False
    render: RenderOptions = field(default_factory=RenderOptions)
    explicit: frozenset[str] = frozenset()  # options the caller gave (validate tells given from default)

    def given(self, name: str) -> bool:
        return name in self.explicit

    def with_(self, **changes: Any) -> Request:
        return replace(self, **changes)


def _absent(value: Any) -> bool:
    """None, False or (): an option not given (a numpy vector is given, whatever its entries)."""
    return value is None or value is False or (isinstance(value, tuple) and not value)


def make(command: Command, specs: Sequence[Any] | str = (), *, format: Format | None = None,
         precision: int | None = None, full: bool = False, echo: bool = True, hide_answers: bool = False,
         **options: Any) -> Request:
    """A Request from keyword options — the Python API and the CLI both build it here. ``explicit``
    records which options were given, so that a default is never mistaken for a choice."""
    known = {f.name for f in fields(Request)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unknown option {unknown[0]!r} for {command}")
    given = {k for k, v in options.items() if not _absent(v)}
    if "points_text" in given:
        given.add("points")
    given |= {name for name, on in (("format", format is not None), ("precision", precision is not None),
                                    ("full", full), ("no_echo", not echo), ("hide_answers", hide_answers)) if on}
    values = dict(options)
    for key in ("vars", "unknowns", "dims", "expect_entry", "constraints"):
        if values.get(key) is not None:
            values[key] = tuple(values[key])
    if values.get("timeout", DEFAULT_TIMEOUT) is None:
        values.pop("timeout")
    if values.get("engine") is None:
        values.pop("engine", None)
    default = cast(Format, COMMANDS[command].default_format) if command in COMMANDS else DEFAULT_FORMAT
    render = RenderOptions(format or default, DEFAULT_PRECISION if precision is None else precision, full,
                           echo, hide_answers)
    return Request(command, (specs,) if isinstance(specs, str) else tuple(specs), render=render,
                   explicit=frozenset(given), **values)


# ---------------------------------------------------------------------------
# Which options go together
