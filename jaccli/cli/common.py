"""What every command shares: the command class that lets arguments start with a minus, the option types
checked while click parses, the option bundles, the examples appended to each help, and the one path from
options to a Request, its run and its output (run_command)."""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING, Any, Callable, cast

import click

from ..app.runner import run
from ..core.commands import COMMANDS
from ..core.docs import EXIT_CODES
from ..core.errors import JacError, ParseError, SpecError, UsageError
from ..core.request import DEFAULT_PRECISION, DEFAULT_TIMEOUT, FORMATS, Command, Format, make
from ..parse.sources import input_limit, read_stdin
from ..parse.spec import check_input_names
from ..render.output import error_object, write


class JacCommand(click.Command):
    """A command whose arguments may start with a minus: ``jac jacobian "-x^2 + y, x y"`` (half of all ODE
    right-hand sides start with one). Before click parses, an argument that is none of the command's options
    and reads as an expression is moved behind ``--`` with the other arguments (their order kept); a SPEC
    after ``--`` that starts with ``--`` is an option put in the wrong place, and jac says so."""

    EXPRESSION_CHARS = set(" ^*+/(),.=0123456789")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._arrange(ctx, list(args)))

    def _arrange(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        optional_value: set[str] = set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for opt in (*param.opts, *param.secondary_opts):
                    takes_value[opt] = not param.is_flag and not param.count
                    if getattr(param, "_flag_needs_value", False):
                        optional_value.add(opt)
        options: list[str] = []
        arguments: list[str] = []
        k = 0
        while k < len(args):
            arg = args[k]
            k += 1
            if arg == "--":
                for rest in args[k:]:
                    if rest.startswith("--") and len(rest) > 2:
                        name = rest.split("=", 1)[0]
                        what = f"{name} is an option of jac {self.name}" if name in takes_value else \
                            f"{rest!r} starts with --, as options do"
                        raise click.UsageError(
                            f"{what}, but it comes after '--', where everything is a SPEC. Put options before "
                            f"'--': jac {self.name} [OPTIONS] -- SPEC ...", ctx)
                arguments += args[k:]
                break
            if not arg.startswith("-") or arg == "-":
                arguments.append(arg)
                continue
            name = arg.split("=", 1)[0]
            if name in takes_value:
                options.append(arg)
                needs = takes_value[name] and "=" not in arg
                if needs and k < len(args) and not (name in optional_value and args[k].startswith("-")):
                    options.append(args[k])
                    k += 1
                continue
            if arg.startswith("--"):
                options.append(arg)  # an unknown long option: click names it (and suggests a near one)
                continue
            if arg[:2] in takes_value and not takes_value[arg[:2]]:  # a flag: -qh is two flags, -q^2 + p is not
                if all(f"-{ch}" in takes_value and not takes_value[f"-{ch}"] for ch in arg[1:]):
                    options.append(arg)
                else:
                    arguments.append(arg)
                continue
            if arg[:2] in takes_value:  # a short option with its value attached (-ofile), or an expression?
                if set(arg[2:]) & self.EXPRESSION_CHARS - set(".0123456789"):
                    raise click.UsageError(
                        f"{arg!r} starts like the option {arg[:2]}; if it is an expression, put the options "
                        f"first and the expression after '--': jac {self.name} [OPTIONS] -- {_quote(arg)}", ctx)
                options.append(arg)
                continue
            arguments.append(arg)  # -x^2 + y, -0.04*a, -x: an expression
        return options + (["--", *arguments] if arguments else [])



def _quote(text: str) -> str:
    return shlex.quote(text)

# ---------------------------------------------------------------------------
# Option types: checked while click parses

if TYPE_CHECKING:
    _ParamType = click.ParamType[Any]  # generic for mypy; the plain class at run time (older clicks allowed)
else:
    _ParamType = click.ParamType


class PointParam(_ParamType):
    """``1,2``, ``x=1,y=2`` or ``@FILE``: checked while click parses; the text is
    kept and bound to a function's inputs later."""

    name = "POINT"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str) or value.startswith("@"):
            return value
        if all(_is_float(part) for part in value.split(",")):
            return value  # plain numbers: no need to load the grammar (and sympy) here
        # deferred: loads sympy, which the rest of this module does not need
        from ..parse.forms import parse_point

        try:
            parse_point(value)
        except ParseError as err:
            if os.path.isfile(value.strip()):  # a file of values is named with @
                self.fail(f"{value} is a file; a point read from a file is written @{value.strip()} "
                          f"(--at @{value.strip()})", param, ctx)
            self.fail("\n" + err.render(), param, ctx)
        return value


def _is_float(text: str) -> bool:
    try:
        return float(text) == float(text) and text.strip().lower() not in ("inf", "-inf", "+inf", "infinity")
    except ValueError:
        return False


class VarsParam(_ParamType):
    name = "NAMES"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        names = [v.strip() for v in value.split(",")]

        try:
            return check_input_names(names, "--vars")
        except SpecError as err:
            self.fail(err.render(), param, ctx)


class EntryParam(_ParamType):
    """``2,1``: row 2 (an output), column 1 (an input), 1-based."""

    name = "ROW,COL"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, tuple):
            return value
        parts = [p.strip() for p in str(value).split(",")]
        if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
            self.fail(f"{value!r} is not ROW,COL (two positive integers, e.g. 2,1)", param, ctx)
        return int(parts[0]), int(parts[1])


# ---------------------------------------------------------------------------
# Option bundles

Decorator = Callable[[Any], Any]


def _options(*decorators: Decorator) -> Decorator:
    def apply(command: Any) -> Any:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return apply


def format_option(command: str) -> Decorator:
    choices = FORMATS[command]
    helps = {"table": "rich tables", "plain": "aligned text", "json": "one object", "latex": "display math",
             "csv": "the matrix only", "markdown": "Markdown with $…$ math",
             "html": "a page with typeset math (MathML), offline"}
    return click.option("--format", "fmt", type=click.Choice(choices), default=None,
                        help="table (default) · " + " · ".join(f"{c}: {helps[c]}" for c in choices if c != "table")
                             + ".")


def output_options(command: str) -> Decorator:
    """--format, --precision, --full, --quiet, --no-echo, -o: every command that prints a result."""
    return _options(
        format_option(command),
        click.option("--precision", type=click.IntRange(1, 17), default=None,
                     help=f"Significant digits of decimals in table, plain and latex output [default: "
                          f"{DEFAULT_PRECISION}]."),
        click.option("--full", is_flag=True, help="Print big matrices and vectors in full in table, plain and latex "
                                                  "output (json and csv always have everything)."),
        click.option("--quiet", "-q", is_flag=True, help="No notes on stderr (errors are still shown)."),
        click.option("--no-echo", "no_echo", is_flag=True,
                     help="Do not start table/plain output with the functions as jac read them."),
        click.option("--output", "-o", "output", metavar="FILE", default=None,
                     help="Write the result to FILE instead of standard output (with --points also .npy: N×m×n, "
                          "or .parquet; with --dask a folder)."),
    )


timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
    help="Seconds for symbolic work that can blow up (simplification, symbolic determinants and "
         "compositions), counted in jac's processor time so that a busy machine gives the same answer; after it "
         "jac gives what it can exactly or at the point and says what it skipped. 0: no limit.")

engine_option = click.option(
    "--engine", type=click.Choice(("auto", "sympy", "symengine")), default=None,
    help="Who differentiates: sympy (exact values at exact points), symengine (C++, for large systems: decimals "
         "at points), or auto (default): symengine from 100 Jacobian entries on.")


external_data_option = click.option(
    "--allow-external-data", "allow_external_data", is_flag=True,
    help="Read ONNX initializers kept in separate files (external data), only from regular files inside the "
         "model's own folder; refused without it.")

point_options = _options(
    click.option("--at", "at", type=PointParam(), default=None, metavar="POINT",
                 help="Evaluate at a point: 1,2 or x=1,y=2; exact values like -1/3, pi/4, sqrt(2) stay exact; "
                      "@FILE for a long point (.npy, .csv)."),
    click.option("--vars", "vars_", type=VarsParam(), default=None,
                 help="Input order for inline text, e.g. --vars x,y (columns of J); with several SPECs, the first "
                      "one's inputs. Default: the free names, sorted (x1 < x2 < x10), which jac says."),
    click.option("--latex", "latex", is_flag=True, default=None,
                 help="Read inline text as LaTeX (detected automatically when it has a backslash)."),
)

steps_options = _options(
    click.option("--steps", is_flag=True,
                 help="Show how each partial derivative follows from the rules (sum, product, quotient, power, "
                      "chain rule, ...)."),
    click.option("--entry", type=EntryParam(), default=None,
                 help="With --steps: only this entry, ROW,COL (1-based; row = output, column = input)."),
)

jacobian_options = _options(
    point_options,
    click.option("--points", "points", metavar="FILE", default=None,
                 help="Evaluate at every row of FILE (CSV or whitespace-separated, optional header of input names; "
                      ".npy; .parquet; - for stdin), streamed in chunks. json gives JSON Lines, csv one row per "
                      "point."),
    click.option("--dask", "dask", metavar="[SCHEDULER]", is_flag=False, flag_value="local", default=None,
                 help="With --points 'GLOB' (CSV files with a header, or Parquet) and -o DIR: evaluate the files with "
                      "Dask (pip install 'jaccli[dask]'); SCHEDULER is an address (tcp://host:8786), or none for a "
                      "local cluster of 2 worker processes."),
    steps_options,
    click.option("--verify", is_flag=True,
                 help="At --at: compare with an independent finite-difference estimate (central differences, "
                      "Richardson extrapolation); exit 3 if they disagree."),
    click.option("--step", metavar="H", default=None,
                 help="At --at: f(x+h) − f(x) against J·h for h, h/10, h/100, … (H: one scale or one entry per "
                      "input); the remainder ratio shrinks where f is differentiable."),
    click.option("--vjp", metavar="V", default=None,
                 help="At --at: vᵀJ from the output side (reverse mode) without forming J; V is 1,0,… or @FILE."),
    click.option("--jvp", metavar="V", default=None,
                 help="At --at: J·v from the input side (forward mode) without forming J; V is 1,0,… or @FILE."),
    click.option("--grad", is_flag=True, help="At --at, for a scalar output: ∇ = Jᵀ by reverse mode, without "
                                              "forming J."),
    engine_option,
    timeout_option,
    external_data_option,
)


def _cleandoc(doc: str) -> str:
    """inspect.cleandoc without importing inspect (8 ms of every start-up): the first line as it is, the
    others dedented by their common indentation, blank lines at both ends dropped."""
    lines = doc.expandtabs().split("\n")
    rest = [line for line in lines[1:] if line.strip()]
    margin = min((len(line) - len(line.lstrip()) for line in rest), default=0)
    out = [lines[0].strip()] + [line[margin:].rstrip() for line in lines[1:]]
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def examples(text: str) -> Decorator:
    """Append runnable examples to a command's help."""
    def deco(fn: Any) -> Any:
        heading = "Examples (samples/: 'jac samples samples' copies jac's sample files here):" \
            if "samples/" in text else "Examples:"

        # the docstring dedented first: appended to as written, its indentation became runs of spaces in --help
        fn.__doc__ = _cleandoc(fn.__doc__ or "") + "\n\n\b\n" + heading + "\n" + text + "\n\n" + EXIT_CODES
        return fn
    return deco


# ---------------------------------------------------------------------------
# From options to a request, and on

def _stdin(*args: Any, points: str | None = None, answers: str | None = None) -> str | None:
    """Standard input, read once, when one argument (a SPEC, --expect, --answers, --vjp, --jvp) is '-',
    with the size limit of what it holds (sources.py; a class's answers: grading.sheet_limit); --points -
    streams it instead (rows.py)."""

    dashes = sum(1 for a in args if a == "-") + (points == "-") + (answers == "-")
    if dashes > 1:
        raise UsageError("standard input (-) can be used for only one argument")
    if points == "-" or not dashes:
        return None
    if answers == "-":
        from ..jobs.grading import sheet_limit  # a grading module: not loaded by any other command

        return read_stdin(sheet_limit(), "answers")
    return read_stdin(input_limit(), "specs and answers")


def run_command(command: Command, specs: Any, fmt: str | None, precision: int | None, full: bool, quiet: bool,
         no_echo: bool, output: str | None, hide_answers: bool = False, stdin_args: tuple[Any, ...] = (),
         **options: Any) -> None:
    """options → Request → run → write; the exit code the result calls for."""

    request = make(command, specs, format=cast("Format | None", fmt),  # click checked it is one of FORMATS
                   precision=precision, full=full, echo=not no_echo,
                   hide_answers=hide_answers, output=output, **options)
    capture = _capture()
    try:
        stdin_text = capture.get("stdin") if capture is not None else None
        if stdin_text is None:
            stdin_text = _stdin(*request.specs, *stdin_args, points=request.points, answers=request.answers)
        request = request.with_(stdin_text=stdin_text)
        result = run(request)
    except JacError as err:
        if COMMANDS[command].error_objects and fmt == "json":  # graders collect verdicts: an unreadable input too
            error_object(request, err)
        raise
    if capture is not None:  # the notebook's %jac: the result object, nothing printed
        capture["result"] = result
        return
    code = write(result, request, quiet)
    if code:
        click.get_current_context().exit(code)


def _capture() -> dict[str, Any] | None:
    """The notebook's %jac runs a command line for its result (jaccli/notebook.py): click's context object
    is then a dict that receives it (and may hold the cell's text, read as standard input)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, dict) and "result" in obj else None


def vars_option(options: dict[str, Any]) -> dict[str, Any]:
    options["vars"] = options.pop("vars_")
    return options
