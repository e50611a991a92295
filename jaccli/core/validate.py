"""Which options go together: every rule about option combinations, for the CLI and the Python API alike.
A combination either works or is a UsageError naming both options — none is ignored. The rules of one
command are the ``rules`` its spec names (core/commands.py); ``validate`` applies them and the common ones.
"""

from __future__ import annotations

from typing import Any

from .commands import COMMANDS
from .errors import UsageError
from .request import HUMAN_FORMATS, Request, option

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
    spec = COMMANDS[r.command]
    if fmt not in spec.formats:
        raise UsageError(f"{r.command} prints {', '.join(spec.formats)}; not {option('format', fmt)}")
    rules = spec.load_rules()
    if rules is not None:
        rules(r, g, fmt)
    if r.allow_external_data and not any(isinstance(s, str) and s.lower().endswith(".onnx") for s in r.specs):
        raise UsageError(f"{option('allow_external_data')} lets an ONNX model read data kept beside it, and no SPEC "
                         "is an .onnx model")
    _validate_render(r, g)
    return r


def plot_rules(r: Request, g: Any, fmt: str) -> None:
    if not r.output:
        raise UsageError(f"jac plot draws into a file: give {option('output')} FILE.png (or .svg, .pdf)")
    if r.at is None:
        raise UsageError(f"jac plot draws J at a point: add {option('at')}")


def cost_rules(r: Request, g: Any, fmt: str) -> None:
    if bool(r.dims) == bool(r.specs):
        raise UsageError(f"give either {option('dims')} or SPECs", hint="e.g. jac cost --dims 784,256,10")
    if r.dims and g("input_size"):
        raise _both("input_size", "dims", "the input width is the first of the widths")


def check_rules(r: Request, g: Any, fmt: str) -> None:
    _validate_check(r, g)
    if r.feedback is not None and r.answers is None:
        raise UsageError(f"{option('feedback')} writes one page per student of a class: add {option('answers')} FILE")
    if r.steps and r.render.hide_answers:
        raise _both("steps", "hide_answers", "the derivations would show the answers that are hidden")
    if r.entry is not None and not r.steps:
        raise UsageError(f"{option('entry')} selects the entry for {option('steps')}; add {option('steps')}")
    if r.steps and fmt == "latex":
        raise _both("steps", "format", "derivations print as table, plain or json")


def jacobian_rules(r: Request, g: Any, fmt: str) -> None:
    if r.entry is not None and not r.steps:
        raise UsageError(f"{option('entry')} selects the entry for {option('steps')}; add {option('steps')}")
    if r.steps and r.engine == "symengine":
        raise _both("steps", "engine", "derivations are written by sympy (use the default engine)")
    if r.steps and fmt in ("latex", "csv"):
        raise _both("steps", "format", "derivations print as table, plain or json")
    sparse_file = bool(r.output) and str(r.output).lower().endswith((".npz", ".mtx"))
    if r.sparsity or sparse_file:
        what = "sparsity" if r.sparsity else "output"
        for name in ("steps", "verify", "step", "vjp", "jvp", "grad", "engine", "dask") + (("points",) if sparse_file else ()):
            if g(name):
                raise _both(name, what, "a sparse J is its pattern and, at one point, its non-zeros")
        if g("format") and sparse_file:
            raise _both("format", "output", f"{r.output} is a sparse matrix file, not text")
    if r.points is not None or r.points_text is not None:
        for name in _ONE_POINT:
            if g(name):
                raise _both(name, "points", f"{option(name)} works at one point")
        if fmt in ("latex", "html"):
            raise UsageError(f"{option('format', fmt)} cannot be combined with {option('points')}: "
                             f"{'LaTeX' if fmt == 'latex' else 'a page'} shows one point; use csv or json for many")
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
