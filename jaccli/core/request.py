"""What was asked: one frozen Request for every command, the defaults (defined here once), and the
rules for which options go together.

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
from typing import Any, Iterator, Literal, Mapping, Sequence, Union

from .errors import UsageError

Command = Literal["jacobian", "compose", "check", "hessian", "implicit", "cost", "taylor", "critical", "exercise", "plot", "codegen"]
Format = Literal["table", "plain", "json", "latex", "csv", "markdown"]
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
FORMATS: dict[str, tuple[Format, ...]] = {  # what each command can print
    "jacobian": ("table", "plain", "json", "latex", "csv"),
    "compose": ("table", "plain", "json", "latex", "csv"),
    "check": ("table", "plain", "json", "latex", "csv"),  # csv: the grade sheet of --answers
    "hessian": ("table", "plain", "json", "latex"),
    "implicit": ("table", "plain", "json", "latex"),
    "cost": ("table", "plain", "json"),
    "taylor": ("table", "plain", "json", "latex"),
    "critical": ("table", "plain", "json"),
    "exercise": ("markdown", "latex", "json"),
    "plot": ("table", "plain", "json"),  # what was drawn; the picture is the -o file
    "codegen": ("plain",),  # the code itself
}
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
    # check
    expect: Any = None
    expect_det: str | None = None
    expect_entry: tuple[str, ...] = ()  # ROW,COL=VALUE or LABEL=VALUE, some entries only
    answers: str | None = None  # a class's answers: a file (CSV, JSON Lines, YAML) or '-'
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
    name: str | None = None
    # plot
    radius: float = 0.5
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


RENDER_OPTIONS = ("format", "precision", "full", "no_echo", "hide_answers")


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
    default = DEFAULT_FORMAT if DEFAULT_FORMAT in FORMATS.get(command, (DEFAULT_FORMAT,)) else FORMATS[command][0]
    render = RenderOptions(format or default, DEFAULT_PRECISION if precision is None else precision, full,
                           echo, hide_answers)
    return Request(command, (specs,) if isinstance(specs, str) else tuple(specs), render=render,
                   explicit=frozenset(given), **values)


# ---------------------------------------------------------------------------
# Which options go together

_AT_ONLY = ("verify", "step", "vjp", "jvp", "grad")  # need a point
_ONE_POINT = ("at", "steps", "entry", "verify", "step", "vjp", "jvp", "grad")  # cannot be combined with --points
_VECTOR = ("vjp", "jvp", "grad")  # products without forming J


def _both(a: str, b: str, why: str) -> UsageError:
    return UsageError(f"{option(a)} cannot be combined with {option(b)}: {why}")


def validate(request: Request) -> Request:
    """Check every rule about option combinations; return the request (with defaults resolved)."""
    r, g = request, request.given
    fmt = r.render.format
    if r.output is not None and not r.output.strip():
        raise UsageError(f"{option('output')} needs a file name", hint=f"e.g. {option('output', 'out.txt')}")
    allowed = FORMATS[r.command]
    if fmt not in allowed:
        raise UsageError(f"{r.command} prints {', '.join(allowed)}; not {option('format', fmt)}")
    if r.command in ("jacobian", "compose"):
        _validate_jacobian(r, g, fmt)
    if r.command == "plot":
        if not r.output:
            raise UsageError(f"jac plot draws into a file: give {option('output')} FILE.png (or .svg, .pdf)")
        if r.at is None:
            raise UsageError(f"jac plot draws J at a point: add {option('at')}")
    if r.command == "check":
        _validate_check(r, g)
        if r.steps and r.render.hide_answers:
            raise _both("steps", "hide_answers", "the derivations would show the answers that are hidden")
        if r.entry is not None and not r.steps:
            raise UsageError(f"{option('entry')} selects the entry for {option('steps')}; add {option('steps')}")
        if r.steps and fmt == "latex":
            raise _both("steps", "format", "derivations print as table, plain or json")
    if r.command == "cost":
        if bool(r.dims) == bool(r.specs):
            raise UsageError(f"give either {option('dims')} or SPECs", hint="e.g. jac cost --dims 784,256,10")
        if r.dims and g("input_size"):
            raise _both("input_size", "dims", "the input width is the first of the widths")
    if r.allow_external_data and not any(isinstance(s, str) and s.lower().endswith(".onnx") for s in r.specs):
        raise UsageError(f"{option('allow_external_data')} lets an ONNX model read data kept beside it, and no SPEC "
                         "is an .onnx model")
    _validate_render(r, g)
    return r


def _validate_jacobian(r: Request, g: Any, fmt: str) -> None:
    if r.entry is not None and not r.steps:
        raise UsageError(f"{option('entry')} selects the entry for {option('steps')}; add {option('steps')}")
    if r.steps and r.engine == "symengine":
        raise _both("steps", "engine", "derivations are written by sympy (use the default engine)")
    if r.steps and fmt in ("latex", "csv"):
        raise _both("steps", "format", "derivations print as table, plain or json")
    if r.points is not None or r.points_text is not None:
        for name in _ONE_POINT:
            if g(name):
                raise _both(name, "points", f"{option(name)} works at one point")
        if fmt == "latex":
            raise UsageError(f"{option('format', 'latex')} cannot be combined with {option('points')}: LaTeX shows "
                             "one point; use csv or json for many")
        if r.output and r.output.lower().endswith((".npy", ".parquet")) and g("format"):
            raise _both("format", "output", f"{r.output} is an array file, not text")
    else:
        if r.output and r.output.lower().endswith((".npy", ".parquet")):
            raise UsageError(f"{option('output')} {r.output}: .npy and .parquet files hold many points",
                             hint=f"use it with {option('points')}; for one point write text (csv, json)")
    if r.dask is not None:
        if r.points is None or r.points == "-":
            raise UsageError(f"{option('dask')} evaluates files of points: give {option('points')} 'data/*.parquet' "
                             f"(a file or a quoted pattern) and {option('output')} DIR")
        if not r.output:
            raise UsageError(f"{option('dask')} writes one part file per input file: give a folder with "
                             f"{option('output')}", hint="e.g. -o out/")
        if g("format") and fmt != "csv":
            raise _both("format", "dask", "the part files are Parquet (from Parquet input) or CSV (--format csv)")
    for name in _AT_ONLY:
        if g(name) and r.at is None:
            raise UsageError(f"{option(name)} works at a point: add {option('at')}")
    if r.grad and g("vjp"):
        raise _both("grad", "vjp", "∇ is vᵀJ with v = 1; give one of them")
    for name in _VECTOR:
        if g(name):
            for other in ("steps", "verify", "step"):
                if g(other):
                    raise _both(other, name, f"{option(name)} gives a vector product without forming J")


def _validate_check(r: Request, g: Any) -> None:
    if r.key is not None:
        if r.answers is None:
            raise UsageError(f"{option('key')} grades a class: add {option('answers')} FILE")
        if r.specs:
            raise UsageError(f"with {option('key')} each student's SPECs come from the key: give no SPEC")
        for other in ("at", "vars", "hessian", "implicit", "unknowns", "expect_class", "expect_grad", "assume"):
            if g(other):
                raise _both(other, "key", "each exercise's options come from the key")
    elif not r.specs:
        raise UsageError("give the SPEC whose Jacobian the answer is (or a key with --key and --answers)")
    if r.hessian and r.implicit:
        raise _both("hessian", "implicit", "one check is of second derivatives, the other of ∂y/∂x; give one")
    if r.implicit and not r.unknowns:
        raise UsageError(f"{option('implicit')} needs {option('unknowns')}: the inputs F = 0 solves for",
                         hint=f"e.g. {option('unknowns', 'z')}")
    if r.unknowns and not r.implicit:
        raise UsageError(f"{option('unknowns')} names what F = 0 solves for: add {option('implicit')}")
    if r.critical:
        for other in ("at", "hessian", "implicit", "expect_det", "expect_entry", "expect_grad", "expect_class",
                      "steps", "assume"):
            if g(other):
                raise _both(other, "critical", "--critical checks the list of critical points and their kinds")
    elif g("box"):
        raise UsageError(f"{option('box')} is the region of {option('critical')}: add it")
    if g("expect_class") and not r.hessian:
        raise UsageError(f"{option('expect_class')} is the second-derivative test's verdict: add {option('hessian')}")
    if g("expect_class") and r.at is None:
        raise UsageError(f"{option('expect_class')} classifies a point: add {option('at')}",
                         hint="the classification of a critical point, e.g. --at 1,1 --expect-class 'local minimum'")
    if g("expect_grad") and (r.hessian or r.implicit):
        raise _both("expect_grad", "hessian" if r.hessian else "implicit", "a gradient is the Jacobian's row")
    if g("expect_grad") and g("expect"):
        raise _both("expect_grad", "expect", "the gradient is the whole answer; give one of them")
    if r.answers is not None:
        for other in ("expect", "expect_det", "expect_entry", "steps"):
            if g(other):
                why = ("each student's answer (and det) comes from the file" if other != "steps" else
                       "a grade sheet has no derivations; check one answer with --steps")
                raise _both(other, "answers", why)
        if r.render.format in ("latex",):
            raise _both("format", "answers", "a grade sheet prints as table, plain, csv or json (JSON Lines)")
        return
    if r.render.format == "csv":
        raise UsageError(f"{option('format', 'csv')} prints a grade sheet: add {option('answers')} FILE",
                         hint="one answer prints as table, plain, json or latex")
    if not (g("expect") or g("expect_det") or g("expect_entry") or g("expect_grad") or g("expect_class")):
        raise UsageError(f"give the answer to check: {option('expect')} (the whole Jacobian), "
                         f"{option('expect_entry')} (some entries), {option('expect_det')} (the determinant), "
                         f"or {option('answers')} FILE (a class's answers)",
                         hint=f"e.g. {option('expect', '[[2x, 1], [y, x]]')} or {option('expect', 'dw/du = 116')}")


def _validate_render(r: Request, g: Any) -> None:
    fmt = r.render.format
    if g("full") and fmt in ("json", "csv"):
        raise _both("full", "format", f"{fmt} always has every entry")
    if g("precision") and fmt in ("json", "csv"):
        raise _both("precision", "format", f"{fmt} prints every number to full precision")
    if g("no_echo") and fmt not in HUMAN_FORMATS:
        raise _both("no_echo", "format", "only table and plain output start with the functions as read "
                    "(json has them in read_as)")
