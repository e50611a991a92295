"""The ``jac`` command: a thin click layer. Each command turns its options into a Request
(request.py), runs it (runner.py) and writes the result (output.py); errors become one message on
stderr and an exit code (JacGroup). Heavy imports (sympy, numpy, rich) happen inside the commands,
so ``jac --help`` is quick."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any, Callable, cast

import click

from .core.commands import COMMANDS
from .core.docs import EXIT_CODES, LANGUAGE
from .core.request import DEFAULT_PRECISION, DEFAULT_TIMEOUT, FORMATS, Command, Format

EXIT_INTERNAL = 4


class JacGroup(click.Group):
    """Turns every JacError into one message on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        from .core.errors import JacError
        from .core.request import cli_names
        from .core.sink import (
            EXIT_INTERRUPT,
            EXIT_OUTPUT,
            EXIT_PIPE,
            Interrupted,
            OutputClosed,
            OutputFailed,
            interruptible,
            quiet_exit_on_closed_pipe,
        )
        from .render.output import say

        try:
            with interruptible(), cli_names():
                return super().invoke(ctx)
        except OutputClosed:
            quiet_exit_on_closed_pipe()  # jac … | head -1: the reader has what it wanted
            ctx.exit(EXIT_PIPE)
        except OutputFailed as err:
            say("error", f"{err}; {err.consequence}", "red")
            ctx.exit(EXIT_OUTPUT)
        except Interrupted as it:
            say("error", f"{it.name}", "red")
            ctx.exit(it.exit_code)
        except (KeyboardInterrupt, click.Abort):
            say("error", "interrupted (SIGINT)", "red")
            ctx.exit(EXIT_INTERRUPT)
        except JacError as err:
            say("error", err.render(), "red")
            ctx.exit(err.exit_code)
        except BrokenPipeError:  # help, grammar, schema, samples: click.echo found the reader gone
            quiet_exit_on_closed_pipe()
            ctx.exit(EXIT_PIPE)
        except OSError as err:
            if err.errno not in WRITE_ERRORS:
                _internal_error(ctx, err)
            quiet_exit_on_closed_pipe()  # drop what could not be written, so the exit flush stays quiet
            say("error", f"cannot write standard output: {err.strerror}; the output is incomplete", "red")
            ctx.exit(EXIT_OUTPUT)
        except RecursionError:
            say("error", "the input is nested too deeply for jac to process", "red")
            ctx.exit(2)
        except MemoryError:
            say("error", "out of memory: the input is too large", "red")
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:
            _internal_error(ctx, exc)


# writing standard output failed: a full disk, the file-size limit, an I/O error (a closed pipe is quiet)
WRITE_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT)


def _internal_error(ctx: click.Context, exc: BaseException) -> None:
    """A bug: say so briefly, no traceback unless asked (JAC_DEBUG=1)."""
    from .render.output import say

    if os.environ.get("JAC_DEBUG"):
        raise exc
    say("internal error", f"{type(exc).__name__}: {exc}\n"
        "this is a bug in jac; please report it with the command you ran "
        "(set JAC_DEBUG=1 for a traceback)", "red")
    ctx.exit(EXIT_INTERNAL)


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


JacGroup.command_class = JacCommand  # every @main.command() is one


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


# ---------------------------------------------------------------------------
# Option types: checked while click parses

class PointParam(click.ParamType):
    """``1,2``, ``x=1,y=2`` or ``@FILE``: checked while click parses; the text is
    kept and bound to a function's inputs later."""

    name = "POINT"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str) or value.startswith("@"):
            return value
        if all(_is_float(part) for part in value.split(",")):
            return value  # plain numbers: no need to load the grammar (and sympy) here
        from .core.errors import ParseError
        from .parse.forms import parse_point

        try:
            parse_point(value)
        except ParseError as err:
            self.fail("\n" + err.render(), param, ctx)
        return value


def _is_float(text: str) -> bool:
    try:
        return float(text) == float(text) and text.strip().lower() not in ("inf", "-inf", "+inf", "infinity")
    except ValueError:
        return False


class VarsParam(click.ParamType):
    name = "NAMES"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        names = [v.strip() for v in value.split(",")]
        from .core.errors import SpecError
        from .parse.spec import check_input_names

        try:
            return check_input_names(names, "--vars")
        except SpecError as err:
            self.fail(err.render(), param, ctx)


class EntryParam(click.ParamType):
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
             "csv": "the matrix only", "markdown": "Markdown with $…$ math"}
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
         "compositions); after it jac gives what it can exactly or at the point and says what it skipped. "
         "0: no limit.")

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


def _examples(text: str) -> Decorator:
    """Append runnable examples to a command's help."""
    def deco(fn: Any) -> Any:
        heading = "Examples (samples/: 'jac samples samples' copies jac's sample files here):" \
            if "samples/" in text else "Examples:"
        import inspect

        # the docstring dedented first: appended to as written, its indentation became runs of spaces in --help
        fn.__doc__ = inspect.cleandoc(fn.__doc__ or "") + "\n\n\b\n" + heading + "\n" + text + "\n\n" + EXIT_CODES
        return fn
    return deco


# ---------------------------------------------------------------------------
# From options to a request, and on

def _stdin(*args: Any, points: str | None = None, answers: str | None = None) -> str | None:
    """Standard input, read once, when one argument (a SPEC, --expect, --answers, --vjp, --jvp) is '-',
    with the size limit of what it holds (sources.py; a class's answers: grading.sheet_limit); --points -
    streams it instead (rows.py)."""
    from .core.errors import UsageError
    from .parse.sources import input_limit, read_stdin

    dashes = sum(1 for a in args if a == "-") + (points == "-") + (answers == "-")
    if dashes > 1:
        raise UsageError("standard input (-) can be used for only one argument")
    if points == "-" or not dashes:
        return None
    if answers == "-":
        from .jobs.grading import sheet_limit

        return read_stdin(sheet_limit(), "answers")
    return read_stdin(input_limit(), "specs and answers")


def _run(command: Command, specs: Any, fmt: str | None, precision: int | None, full: bool, quiet: bool,
         no_echo: bool, output: str | None, hide_answers: bool = False, stdin_args: tuple = (),
         **options: Any) -> None:
    """options → Request → run → write; the exit code the result calls for."""
    from .app.runner import run
    from .core.errors import JacError
    from .core.request import make
    from .render.output import error_object, write

    request = make(command, specs, format=cast("Format | None", fmt),  # click checked it is one of FORMATS
                   precision=precision, full=full, echo=not no_echo,
                   hide_answers=hide_answers, output=output, **options)
    try:
        request = request.with_(stdin_text=_stdin(*request.specs, *stdin_args, points=request.points,
                                                  answers=request.answers))
        result = run(request)
    except JacError as err:
        if COMMANDS[command].error_objects and fmt == "json":  # graders collect verdicts: an unreadable input too
            error_object(request, err)
        raise
    code = write(result, request, quiet)
    if code:
        click.get_current_context().exit(code)


def _vars(options: dict) -> dict:
    options["vars"] = options.pop("vars_")
    return options


@click.group(cls=JacGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES)
@click.version_option(package_name="jaccli", prog_name="jac", message="%(prog)s %(version)s")
def main() -> None:
    """jac: Jacobians and the chain rule, step by step.

    A SPEC is a vector function: a YAML file (inputs and outputs), inline
    text such as "x^2 + y, 2*x*y", or - for standard input. Jacobians are
    laid out with rows = outputs and columns = inputs (m×n for f: Rⁿ → Rᵐ).
    Run 'jac grammar' for the expression language. The examples use jac's
    sample files: 'jac samples samples' copies them into ./samples.
    """


@main.command()
@click.argument("spec")
@jacobian_options
@output_options("jacobian")
@_examples("""  jac jacobian samples/polar.yaml
  jac jacobian "x^2 + y, 2*x*y" --at 1,2
  jac jacobian "x1^2 + x2, x1*x2" --at x1=1,x2=2 --format json
  jac jacobian '\\begin{bmatrix} x^2 + y \\\\ 2xy \\end{bmatrix}' --at 1,2
  jac jacobian samples/f.yaml --steps --entry 2,1
  jac jacobian samples/spherical.yaml --points samples/points.csv --format csv
  jac jacobian samples/mlp3.yaml --at @samples/mlp3_x.npy
  echo "sin(x) cos(y)" | jac jacobian - --vars x,y --at pi/2,0""")
def jacobian(spec: str, fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
             output: str | None, **options: Any) -> None:
    """The Jacobian of one function SPEC: symbolic, and at --at POINT.

    Shows the map's signature, every partial derivative simplified, the
    exact value at an exact point with its decimal, and the determinant
    when J is square (a gradient for scalar functions). A layer file
    (layers:) is the composition of its layers, evaluated numerically."""
    _run("jacobian", [spec], fmt, precision, full, quiet, no_echo, output,
         stdin_args=(options["vjp"], options["jvp"]), **_vars(options))


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC1 SPEC2 [SPEC3 ...]")
@jacobian_options
@output_options("compose")
@_examples("""  jac compose samples/f.yaml samples/g.yaml --at 1,2
  jac compose samples/f.yaml samples/g.yaml
  jac compose "u1 = x, u2 = x^2" "u1 + u2" --at 3 --format json
  jac compose samples/f.yaml samples/g.yaml --at 1,2 --steps --entry 3,1
  jac compose samples/f.yaml samples/g.yaml --points samples/points2d.csv --format csv
  jac compose samples/twolayer.yaml --at 0.5,-1,2
  jac compose samples/mlp3.yaml samples/loss_head.yaml --at @samples/mlp3_x.npy --grad""")
def compose(specs: tuple[str, ...], fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
            output: str | None, **options: Any) -> None:
    """The Jacobian of a composition by the chain rule, step by step.

    SPECs are in application order: 'jac compose f.yaml g.yaml' is g∘f,
    f first. At a point, each intermediate value, each factor evaluated at
    the point its function sees (J_g at f(x), not at x), their shapes and
    the product J_g(f(x)) · J_f(x), multiplied in the cheapest order.
    --vars orders the first function's inputs when it is inline text.
    Layer files (layers:) and function specs mix freely."""
    _run("compose", list(specs), fmt, precision, full, quiet, no_echo, output,
         stdin_args=(options["vjp"], options["jvp"]), **_vars(options))


@main.command()
@click.argument("specs", nargs=-1, metavar="SPEC [SPEC2 ...]")
@click.option("--expect", "expect", default=None, metavar="ANSWER",
              help="The answer: \"[[a, b], [c, d]]\", \"a, b; c, d\", a LaTeX bmatrix/pmatrix, "
                   "a .yaml/.json/.csv file, or - for stdin; or some entries by label: \"dw/du = 116; dw/dv = 65\" "
                   "(∂w/∂u, w_u).")
@click.option("--expect-entry", "expect_entry", multiple=True, metavar="ROW,COL=VALUE",
              help="One entry of J (rows = outputs, columns = inputs, from 1), e.g. --expect-entry 1,2=\"3e + 2\"; "
                   "repeatable. A label works too: --expect-entry \"dw/du=116\".")
@click.option("--key", default=None, metavar="FILE",
              help="With --answers: each student's own exercises, from jac exercise --students … --key FILE "
                   "(answers carry an exercise column when a sheet has several); no SPEC.")
@click.option("--answers", default=None, metavar="FILE",
              help="Grade a class: one answer per student (CSV id,answer[,det]; JSON Lines {\"id\", \"answer\", "
                   "\"det\"}; YAML; - for stdin). Prints a grade sheet (csv, json: JSON Lines); exit 0 when all pass.")
@point_options
@click.option("--rtol", type=click.FloatRange(min=0), default=None,
              help="Relative tolerance: |answer − J| ≤ atol + rtol·|J| per entry. Default 1e-6 at --at; "
                   "0 without it (formulas are compared exactly).")
@click.option("--atol", type=click.FloatRange(min=0), default=None,
              help="Absolute tolerance. Default at --at: 1e-9 × J's largest entry; 0 without --at.")
@click.option("--assume", metavar="CONDITIONS", default=None,
              help="Where the inputs live, e.g. \"x > 0, y > 0\": used to simplify and to choose sample points "
                   "(sqrt(x y) = sqrt(x) sqrt(y) only there).")
@click.option("--expect-det", "expect_det", metavar="VALUE", default=None,
              help="Check the determinant (J must be square; D = det H with --hessian), with --expect or alone.")
@click.option("--expect-grad", "expect_grad", metavar="GRADIENT", default=None,
              help="Check the gradient of a scalar function, written as a row or a column.")
@click.option("--hessian", is_flag=True,
              help="Check the Hessian of a scalar SPEC (of the composition with several): --expect the matrix, "
                   "--expect-det D = det H, --expect-class the second-derivative test at --at.")
@click.option("--expect-class", "expect_class", metavar="WORD", default=None,
              help="With --hessian and --at: local minimum, local maximum, saddle point or inconclusive.")
@click.option("--implicit", is_flag=True,
              help="Check ∂y/∂x where SPEC's F(x, y) = 0 (equations like x^2 + y^2 = 1) defines y = --unknowns.")
@click.option("--critical", is_flag=True,
              help="Check the critical points of a scalar SPEC and their kinds: --expect \"(1, 1) local minimum; "
                   "(0, 0) saddle point\" (any order; 'none' when there are none).")
@click.option("--in", "box", metavar="BOX", default=None,
              help="With --critical: the region the critical points are asked for, e.g. \"x=0..6, y=-3..3\".")
@click.option("--unknowns", metavar="NAMES", default=None,
              help="With --implicit: the inputs F = 0 solves for, e.g. --unknowns z.")
@click.option("--hide-answers", is_flag=True,
              help="Never show the expected values (for graders); --steps is refused with it.")
@steps_options
@timeout_option
@output_options("check")
@_examples("""  jac check samples/f.yaml samples/g.yaml --at 1,2 --expect "[[6, 3], [12, 6], [4cos(4), 2cos(4)]]"
  jac check samples/f.yaml samples/g.yaml --at 1,2 --expect "6, 12, 4cos(4); 3, 6, 2cos(4)"  # exit 1: transposed
  jac check samples/polar.yaml --expect "cos(theta), -r sin(theta); sin(theta), r cos(theta)" --expect-det r
  jac check samples/exercise_inner.yaml samples/exercise_outer.yaml --at 1,0 --expect samples/exercise_answer.yaml  # exit 1
  jac check samples/f.yaml --expect '\\begin{bmatrix} 2x & 1 \\\\ 2y & 2x \\end{bmatrix}' --format json""")
def check(specs: tuple[str, ...], fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
          output: str | None, hide_answers: bool, **options: Any) -> None:
    """Check an answer for the Jacobian of SPEC (or of the composition of several SPECs).

    With --at the entries are compared numerically (--rtol, --atol);
    without it symbolically (where simplification cannot decide, at random
    points, which jac reports). Wrong entries are explained where a classic
    mistake accounts for them: the transpose, the factors in the wrong
    order, the outer factor evaluated at x instead of f(x), a wrong shape,
    a sign or a constant factor. Exit 0: right; 1: wrong; 2: bad input."""
    unknowns = options.pop("unknowns")
    options["unknowns"] = tuple(u.strip() for u in unknowns.split(",") if u.strip()) if unknowns else ()
    _run("check", list(specs), fmt, precision, full, quiet, no_echo, output, hide_answers=hide_answers,
         stdin_args=(options["expect"],), **_vars(options))


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@point_options
@engine_option
@timeout_option
@output_options("hessian")
@_examples("""  jac hessian "x^3 - 3x + y^2" --vars x,y --at 1,0
  jac hessian samples/f.yaml --at 1,2
  jac hessian samples/f.yaml "(u, v) -> u*v" --at 1,2
  jac hessian samples/f.yaml "(u, v) -> u*v" --format json""")
def hessian(specs: tuple[str, ...], fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
            output: str | None, **options: Any) -> None:
    """Second derivatives. One SPEC: the n×n Hessian of each output
    (symmetric; checked), at --at with its eigenvalues and what they say
    (minimum, maximum, saddle candidates). Several SPECs (application order,
    the last one scalar): the Hessian of the composition by the second-order
    chain rule H = J_fᵀ·H_g(f(x))·J_f + Σᵢ ∂g/∂zᵢ(f(x))·H_fᵢ(x), both terms shown."""
    _run("hessian", list(specs), fmt, precision, full, quiet, no_echo, output, **_vars(options))


@main.command()
@click.argument("spec")
@click.option("--unknowns", required=True, metavar="NAMES",
              help="The inputs that F = 0 solves for (y), e.g. --unknowns y or --unknowns y1,y2.")
@point_options
@timeout_option
@output_options("implicit")
@_examples("""  jac implicit "x^2 + y^2 - 1" --vars x,y --unknowns y
  jac implicit "x^2 + y^2 - 1" --vars x,y --unknowns y --at 0.6,0.8
  jac implicit samples/implicit_system.yaml --unknowns u,v --at 1,1,1,1 --format json""")
def implicit(spec: str, unknowns: str, fmt: str | None, precision: int | None, full: bool, quiet: bool,
             no_echo: bool, output: str | None, **options: Any) -> None:
    """The implicit function theorem: F(x, y) = 0 defines y(x) near a point
    where ∂F/∂y is invertible, with J_y(x) = −[∂F/∂y]⁻¹ · ∂F/∂x. Shows both
    blocks, their shapes and the result; symbolic when small. At a point, jac
    checks that F is (numerically) zero there and refuses when ∂F/∂y is singular."""
    names = tuple(u.strip() for u in unknowns.split(",") if u.strip())
    _run("implicit", [spec], fmt, precision, full, quiet, no_echo, output, unknowns=names, **_vars(options))


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@click.option("--lang", type=click.Choice(("python", "c", "jax")), default="python", show_default=True,
              help="python (numpy), c (C99, no allocation) or jax (jitted).")
@click.option("--for", "target", type=click.Choice(("plain", "solve_ivp", "least_squares", "minimize")),
              default="plain", show_default=True,
              help="The signature: plain f(x), J(x); solve_ivp fun(t, y), jac(t, y) (an input named t is time); "
                   "least_squares fun(x), jac(x); minimize fun(x) -> scalar, jac(x) -> gradient.")
@click.option("--vectorize", is_flag=True,
              help="python: x of shape (N, n) (one point per row); f -> (N, m), J -> (N, m, n).")
@click.option("--name", default=None, metavar="NAME", help="The C functions' prefix (NAME_f, NAME_J).")
@click.option("--vars", "vars_", type=VarsParam(), default=None,
              help="Input order for inline text, e.g. --vars x,y (the order of x[0], x[1], …).")
@click.option("--latex", "latex", is_flag=True, default=None,
              help="Read inline text as LaTeX (detected automatically when it has a backslash).")
@timeout_option
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@click.option("--output", "-o", "output", metavar="FILE", default=None, help="Write the code to FILE.")
@_examples("""  jac codegen samples/polar.yaml --lang python
  jac codegen "(y1, y2, y3) -> (-0.04 y1 + 1e4 y2 y3, 0.04 y1 - 1e4 y2 y3 - 3e7 y2^2, 3e7 y2^2)" --for solve_ivp
  jac codegen samples/f.yaml samples/g.yaml --lang c --name fg""")
def codegen(specs: tuple[str, ...], quiet: bool, output: str | None, **options: Any) -> None:
    """A self-contained function computing f and its Jacobian J for a solver
    (solve_ivp, least_squares, minimize, Newton, a Kalman filter), with
    common subexpressions computed once (sympy's cse and code printers).
    Several SPECs: the composition, as the composed expression or as the
    chain of factors multiplied in the cheapest order, whichever needs fewer
    operations (jac says which)."""
    _run("codegen", list(specs), "plain", None, False, quiet, True, output, **_vars(options))


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@point_options
@click.option("--radius", type=click.FloatRange(min=0, min_open=True), default=0.5, show_default=True,
              help="The neighbourhood drawn around the point (half the grid's width).")
@timeout_option
@click.option("--format", "fmt", type=click.Choice(("table", "plain", "json")), default=None,
              help="What stdout says about the picture: table (default), plain or json.")
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@click.option("--output", "-o", "output", metavar="FILE", default=None, required=True,
              help="The picture: FILE.png, FILE.svg or FILE.pdf.")
@_examples("""  jac plot samples/polar.yaml --at 1,pi/4 -o polar.png
  jac plot "x^2 - y^2, 2x y" --vars x,y --at 1,1 --radius 0.3 -o square.svg
  jac plot samples/polar.yaml "(x, y) -> (x + y, x - y)" --at 1,pi/4 -o chain.pdf""")
def plot(specs: tuple[str, ...], fmt: str | None, quiet: bool, output: str, **options: Any) -> None:
    """Draw the local linear map J at --at into -o FILE (png, svg, pdf;
    matplotlib: pip install 'jaccli[plot]'). R²→R²: a grid of squares around
    the point, its curved image under f and its straight image under the
    linearisation, and the square's image parallelogram with det J (area
    factor; a flip shown when det < 0). R→R², R→R³: the curve and its tangent
    J. R²→R: contours and ∇f. R³→R³: the cube's image. Other shapes: a heat
    map of J. Several 2→2 SPECs: one panel per factor and one for the
    composition, showing that the determinants multiply."""
    _run("plot", list(specs), fmt, None, False, quiet, False, output, **_vars(options))


@main.command()
@click.option("--kind", required=True, type=click.Choice(("jacobian", "chain", "determinant", "change-of-variables",
                                                         "implicit", "hessian", "critical")),
              help="What the exercises ask.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same sheet.")
@click.option("--count", type=click.IntRange(1, 100), default=5, show_default=True, help="Exercises per sheet.")
@click.option("--difficulty", type=click.IntRange(1, 3), default=1, show_default=True,
              help="1: polynomials; 2: exp, log, trig, roots; 3: products, quotients, three variables.")
@click.option("--students", metavar="ROSTER", default=None,
              help="A roster (CSV with an id column, or one id per line): one sheet per student, each with its "
                   "own seed.")
@click.option("--key", metavar="FILE", default=None,
              help="Write the answer key (CSV: id, exercise, kind, specs, at, options, answer) for "
                   "jac check --key … --answers.")
@click.option("--hide-answers", is_flag=True, help="Print the questions only (the key still has the answers).")
@click.option("--format", "fmt", type=click.Choice(("markdown", "latex", "json")), default=None,
              help="markdown (default) · latex: a printable sheet, answers on a separate page · json.")
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@click.option("--output", "-o", "output", metavar="FILE", default=None, help="Write the sheet to FILE.")
@_examples("""  jac exercise --kind chain --seed 7 --count 3
  jac exercise --kind critical --seed 1 --difficulty 2 --format latex
  jac exercise --kind hessian --seed 3 --format json""")
def exercise(fmt: str | None, quiet: bool, output: str | None, hide_answers: bool, **options: Any) -> None:
    """Exercises with random but nice functions and points (integer or simple
    exact answers), reproducible from --seed. Every answer is checked by jac
    itself (jac check of the printed answer) before it is printed. A roster
    (--students) gives every student a sheet of their own and --key an answer
    key that jac check --key FILE --answers grades with."""
    _run("exercise", [], fmt or "markdown", None, False, quiet, False, output, hide_answers=hide_answers, **options)


@main.command()
@click.argument("spec")
@click.option("--vars", "vars_", type=VarsParam(), default=None,
              help="Input order for inline text, e.g. --vars x,y (the order of each point's coordinates).")
@click.option("--latex", "latex", is_flag=True, default=None,
              help="Read inline text as LaTeX (detected automatically when it has a backslash).")
@click.option("--in", "box", metavar="BOX", default=None,
              help="Where to look: \"x=-2..2, y=0..3\" or \"-2..2\" for every input. Exact solutions outside "
                   "are dropped; the numeric search (when sympy cannot solve) covers it (default -10..10).")
@click.option("--constraint", "constraints", multiple=True, metavar="\"g = c\"",
              help="A constraint g(x, …) = c (repeatable): Lagrange multipliers and the bordered Hessian test.")
@timeout_option
@output_options("critical")
@_examples("""  jac critical "x^3 + y^3 - 3x y" --vars x,y
  jac critical "x y" --vars x,y --constraint "x^2 + y^2 = 2"
  jac critical "sin(x) + cos(y)" --vars x,y --in "x=0..6, y=0..6" --format json""")
def critical(spec: str, fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
             output: str | None, **options: Any) -> None:
    """Critical points of a scalar function: ∇f = 0, solved exactly where
    sympy can (within --timeout), else numerically in a box (Newton from many
    starts; said so). Each point is classified by the second-derivative test
    (local minimum / maximum, saddle point; a zero eigenvalue: inconclusive).
    With --constraint: Lagrange multipliers and the bordered Hessian test."""
    _run("critical", [spec], fmt, precision, full, quiet, no_echo, output, **_vars(options))


@main.command()
@click.argument("spec")
@point_options
@click.option("--order", type=click.IntRange(1, 4), default=2, show_default=True,
              help="The order K of the Taylor polynomial (1: the linearisation, 2: with the Hessian, up to 4).")
@click.option("--step", "step", metavar="H", default=None,
              help="The remainder table's first step h (one scale, or one entry per input; default 0.1 each); "
                   "then h/10, h/100, …")
@timeout_option
@output_options("taylor")
@_examples("""  jac taylor "e^x sin(y)" --vars x,y --at 0,0 --order 3
  jac taylor samples/polar.yaml --at 1,pi/4 --order 2
  jac taylor "sqrt(1 + x)" --at 0 --order 4 --format json""")
def taylor(spec: str, fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
           output: str | None, **options: Any) -> None:
    """The multivariable Taylor polynomial of SPEC at --at, of order K ≤ 4:
    T_K(x) = Σ_{|α|≤K} D^α f(p)/α! (x − p)^α, from the gradient, the Hessian
    and the higher derivative tensors (symmetric: only their distinct entries
    are computed), exact at an exact point. A remainder table shows
    ‖f(p+h) − T_K(p+h)‖/‖h‖^K shrink to 0 for h, h/10, … (at 60 digits)."""
    _run("taylor", [spec], fmt, precision, full, quiet, no_echo, output, **_vars(options))


@main.command()
@click.argument("specs", nargs=-1, metavar="[SPEC ...]")
@click.option("--dims", metavar="D0,D1,...", default=None,
              help="Widths from input to output; factor J_k is d_k × d_{k-1}.")
@click.option("--input-size", type=click.IntRange(min=1), default=None,
              help="The input width when the first layer is element-wise.")
@external_data_option
@output_options("cost")
@_examples("""  jac cost --dims 1000000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1
  jac cost samples/mlp3.yaml samples/loss_head.yaml
  jac cost --dims 784,256,256,10 --format json""")
def cost(specs: tuple[str, ...], dims: str | None, input_size: int | None, fmt: str | None, precision: int | None,
         full: bool, quiet: bool, no_echo: bool, output: str | None, allow_external_data: bool) -> None:
    """What multiplying a chain of Jacobians costs: forward accumulation (from
    the input side), reverse accumulation (from the output side) and the best
    bracketing (matrix-chain dynamic programming), in multiply-adds and the
    largest intermediate product. Give widths (--dims) or SPECs; element-wise
    layers count as diagonal factors."""
    widths = None
    if dims:
        try:
            widths = tuple(int(d.replace("_", "")) for d in dims.split(","))
        except ValueError:
            raise click.UsageError(f"--dims {dims!r}: widths are positive integers, e.g. 784,256,10") from None
    _run("cost", list(specs), fmt, precision, full, quiet, no_echo, output, dims=widths, input_size=input_size,
         allow_external_data=allow_external_data)


@main.command()
@click.argument("directory", required=False, metavar="[DIR]")
@click.option("--force", is_flag=True, help="Overwrite sample files in DIR that differ from jac's.")
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@_examples("""  jac samples
  jac samples samples
  jac compose samples/f.yaml samples/g.yaml --at 1,2""")
def samples(directory: str | None, force: bool, quiet: bool) -> None:
    """The sample files the examples use. Without DIR: what they are.
    With DIR: copy them into DIR (made if missing), so that the examples
    in every command's help and in the README run as printed, e.g.
    'jac samples samples' and then 'jac compose samples/f.yaml …'.
    A file you changed is kept unless --force."""
    from pathlib import Path

    from .app.samples import copy_to, listing
    from .render.output import say

    if directory is None:
        width = max(len(s.name) for s in listing())
        for s in listing():
            click.echo(f"{s.name:<{width}}  {s.description}".rstrip())
        if not quiet:
            say("note", "copy them with: jac samples DIR (for example: jac samples samples)", "yellow")
        return
    try:
        done = copy_to(Path(directory), force=force)
    except OSError as err:
        from .core.errors import UsageError

        raise UsageError(f"cannot copy the samples into {directory}: {err.strerror or err}") from None
    for name in done.written:
        click.echo(str(Path(directory) / name))
    if not quiet:
        if done.unchanged:
            say("note", f"{len(done.unchanged)} files were there already, identical", "yellow")
        for name in done.kept:
            say("note", f"kept {Path(directory) / name}: it differs from jac's sample (--force replaces it)",
                "yellow")


SCHEMA_NAMES = ("jacobian", "compose", "points", "check", "hessian", "implicit", "critical", "taylor", "cost",
                "exercise", "plot")


@main.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES), metavar="COMMAND")
@_examples("""  jac schema compose
  jac schema points""")
def schema(name: str) -> None:
    """The JSON Schema (draft 2020-12) of a command's --format json output:
    jacobian and compose share one; points is the JSON Lines of --points
    (header, row and error objects); check also covers --answers (one
    object per line). A key is filled or absent, never null; the schema
    says when each is present, and "schema" in every object is its version."""
    from importlib import resources

    file = "jacobian" if name == "compose" else name
    click.echo((resources.files("jaccli") / "schemas" / f"{file}.json").read_text(encoding="utf-8").rstrip())


@main.command()
def grammar() -> None:
    """The expression language: numbers, operators, functions, points."""
    click.echo(LANGUAGE.rstrip())


def entry() -> None:
    """The ``jac`` command: click's main, then a last flush of standard output that cannot end in a
    traceback (``jac --help > /dev/full``: a message and exit 6; a closed pipe: quiet, exit 141)."""
    from .core.sink import EXIT_OUTPUT, EXIT_PIPE, quiet_exit_on_closed_pipe

    code = 0
    try:
        try:
            # not standalone: click would turn a closed pipe into a silent exit 1
            result = main.main(prog_name="jac", standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except click.exceptions.Exit as done:
            code = done.exit_code
        except click.ClickException as err:
            err.show()
            code = err.exit_code
        except click.Abort:
            click.echo("error: interrupted (SIGINT)", err=True)
            code = 130
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):  # click's answer to EPIPE: a silent exit 1
                code = EXIT_PIPE
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_exit_on_closed_pipe()
        code = EXIT_PIPE
    except OSError as err:  # help or version text on a full disk: click wrote it directly
        quiet_exit_on_closed_pipe()  # drop what Python could not write, so its exit flush stays quiet
        click.echo(f"error: cannot write standard output: {err.strerror}", err=True)
        code = EXIT_OUTPUT
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
