"""The ``jac`` command: a thin click layer. Each command parses options, calls
the API (``jaccli.api``) and hands the result to a renderer. Heavy imports
(sympy, numpy, rich) happen inside the commands, so ``jac --help`` is quick."""

from __future__ import annotations

import os
import sys

import click

from .docs import EXIT_CODES, LANGUAGE

FORMATS = ("table", "plain", "json", "latex", "csv")
EXIT_INTERNAL = 4


def _color() -> bool | None:
    return False if os.environ.get("NO_COLOR") else None


def _say(kind: str, text: str, colour: str) -> None:
    click.echo(click.style(f"{kind}:", fg=colour, bold=True) + " " + text, err=True, color=_color())


class JacGroup(click.Group):
    """Turns every JacError into one message on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        from .errors import JacError
        from .sink import (
            EXIT_INTERRUPT,
            EXIT_OUTPUT,
            EXIT_PIPE,
            Interrupted,
            OutputClosed,
            OutputFailed,
            interruptible,
            quiet_exit_on_closed_pipe,
        )

        try:
            with interruptible():
                return super().invoke(ctx)
        except OutputClosed:
            quiet_exit_on_closed_pipe()  # jac … | head -1: the reader has what it wanted
            ctx.exit(EXIT_PIPE)
        except OutputFailed as err:
            _say("error", f"{err}; the output is incomplete", "red")
            ctx.exit(EXIT_OUTPUT)
        except Interrupted as it:
            _say("error", f"{it.name}", "red")
            ctx.exit(it.exit_code)
        except (KeyboardInterrupt, click.Abort):
            _say("error", "interrupted (SIGINT)", "red")
            ctx.exit(EXIT_INTERRUPT)
        except JacError as err:
            _say("error", err.render(), "red")
            ctx.exit(err.exit_code)
        except RecursionError:
            _say("error", "the input is nested too deeply for jac to process", "red")
            ctx.exit(2)
        except MemoryError:
            _say("error", "out of memory: the input is too large", "red")
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # a bug: say so briefly, no traceback unless asked
            if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
                _say("error", "a number in the result has more than 4,300 digits, more than jac prints", "red")
                ctx.exit(3)
            if os.environ.get("JAC_DEBUG"):
                raise
            _say("internal error", f"{type(exc).__name__}: {exc}\n"
                 "this is a bug in jac; please report it with the command you ran "
                 "(set JAC_DEBUG=1 for a traceback)", "red")
            ctx.exit(EXIT_INTERNAL)


class PointParam(click.ParamType):
    """``1,2``, ``x=1,y=2`` or ``@FILE``: checked while click parses; the text is
    kept and bound to a function's inputs later."""

    name = "POINT"

    def convert(self, value, param, ctx):
        if not isinstance(value, str) or value.startswith("@"):
            return value
        if all(_is_float(part) for part in value.split(",")):
            return value  # plain numbers: no need to load the grammar (and sympy) here
        from .errors import ParseError
        from .grammar import parse_point

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

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        names = [v.strip() for v in value.split(",")]
        from .errors import SpecError
        from .spec import check_input_names

        try:
            return check_input_names(names, "--vars")
        except SpecError as err:
            self.fail(err.render(), param, ctx)


def timeout_option(command):
    return click.option("--timeout", type=click.FloatRange(min=0), default=10.0, show_default=True,
                        help="Seconds for symbolic work that can blow up (simplification, symbolic "
                             "determinants and compositions); after it jac gives what it can exactly or at "
                             "the point and says what it skipped. 0: no limit.")(command)


def echo_option(command):
    return click.option("--no-echo", "no_echo", is_flag=True,
                        help="Do not start table/plain output with the functions as jac read them.")(command)


def output_options(command):
    """--format, --precision, --quiet, --no-echo: shared by every command that prints a result."""
    command = echo_option(command)
    command = click.option("--quiet", "-q", is_flag=True, help="No notes on stderr (errors are still shown).")(command)
    command = click.option("--precision", type=click.IntRange(1, 17), default=6, show_default=True,
                           help="Significant digits of decimals in table/plain output.")(command)
    command = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                           help="table: rich tables · plain: aligned text · json: one object · "
                                "latex: bmatrix lines · csv: the matrix only.")(command)
    return command


class EntryParam(click.ParamType):
    """``2,1``: row 2 (an output), column 1 (an input), 1-based."""

    name = "ROW,COL"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        parts = [p.strip() for p in str(value).split(",")]
        if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
            self.fail(f"{value!r} is not ROW,COL (two positive integers, e.g. 2,1)", param, ctx)
        return int(parts[0]), int(parts[1])


def step_option(command):
    return click.option("--step", metavar="H", default=None,
                        help="At --at: f(x+h) − f(x) against J·h for h, h/10, h/100, … (H: one scale or one "
                             "entry per input); the remainder ratio shrinks where f is differentiable.")(command)


def verify_option(command):
    return click.option("--verify", is_flag=True,
                        help="At --at: compare with an independent finite-difference estimate (central "
                             "differences, Richardson extrapolation); exit 3 if they disagree.")(command)


def steps_options(command):
    command = click.option("--entry", type=EntryParam(), default=None,
                           help="With --steps: only this entry, ROW,COL (1-based; row = output, column = input).")(command)
    command = click.option("--steps", is_flag=True,
                           help="Show how each partial derivative follows from the rules (sum, product, "
                                "quotient, power, chain rule, ...).")(command)
    return command


def point_options(command):
    command = click.option("--vars", "vars_", type=VarsParam(), default=None,
                           help="Input order for inline text, e.g. --vars x,y (columns of J). "
                                "Default: the free names, sorted (x1 < x2 < x10).")(command)
    command = click.option("--at", "at", type=PointParam(), default=None, metavar="POINT",
                           help="Evaluate at a point: 1,2 or x=1,y=2; exact values like -1/3, pi/4, "
                                "sqrt(2) stay exact.")(command)
    command = click.option("--latex", "latex", is_flag=True, default=None,
                           help="Read inline text as LaTeX (detected automatically when it has a backslash).")(command)
    return command


def points_option(command):
    command = click.option("--dask", "dask", metavar="[SCHEDULER]", is_flag=False, flag_value="local", default=None,
                           help="With --points 'GLOB' (CSV files with a header, or Parquet) and -o DIR: evaluate "
                                "the partitions with Dask (pip install 'jaccli[dask]'); SCHEDULER is an address "
                                "(tcp://host:8786), or none for a local cluster of 2 worker processes.")(command)
    command = click.option("--output", "-o", "output", metavar="FILE", default=None,
                           help="Write the result to FILE instead of standard output; with --points also "
                                ".npy (N×m×n) or .parquet.")(command)
    return click.option("--points", "points", metavar="FILE", default=None,
                        help="Evaluate at every row of FILE (CSV or whitespace-separated, optional header of "
                             "input names; .npy; .parquet; - for stdin), streamed in chunks. json gives JSON "
                             "Lines, csv one row per point.")(command)


def jacobian_options(command):
    """Everything 'jacobian' and 'compose' share, in the order --help lists it."""
    for option in (output_options, timeout_option, engine_option, chain_options, step_option, verify_option,
                   steps_options, points_option, point_options):
        command = option(command)
    return command


def report_options(command):
    """--format (table, plain, json), --precision, --quiet, --no-echo: for check, hessian and implicit."""
    command = echo_option(command)
    command = click.option("--quiet", "-q", is_flag=True, help="No notes on stderr (errors are still shown).")(command)
    command = click.option("--precision", type=click.IntRange(1, 17), default=6, show_default=True,
                           help="Significant digits of decimals in table/plain output.")(command)
    return click.option("--format", "fmt", type=click.Choice(("table", "plain", "json")), default="table",
                        show_default=True, help="table or plain for people, json for programs (one object).")(command)


def _stdin_if_needed(*args, points: str | None = None) -> str | None:
    """Standard input, read once, when one argument (a SPEC, --points, --expect) is '-', with the
    size limit of what it holds (sources.py)."""
    from .sources import input_limit, read_stdin

    dashes = sum(1 for a in args if a == "-") + (points == "-")
    if dashes > 1:
        raise click.UsageError("standard input (-) can be used for only one argument")
    if points == "-":
        return None  # points stream from standard input (rows.py)
    if dashes:
        return read_stdin(input_limit(), "specs and answers")
    return None


def _run_batch(items, points, fmt, precision, quiet, timeout, output=None, echo=True) -> None:
    """--points: plan once (within the time budget), then read, evaluate and write chunk by chunk."""
    from .binding import bind
    from .budget import time_budget
    from .calculus import check_chain
    from .points import Plan, exit_code
    from .render.batch import writer_for
    from .rows import RowReader
    from .sink import Interrupted, Sink, stdout_sink

    if fmt == "latex":
        raise click.UsageError("--points writes csv, json (JSON Lines), table or plain; --format latex shows one point")
    from .api import load

    with time_budget(timeout):
        functions = load(items) if all(isinstance(i, str) for i in items) else list(items)
        if len(functions) > 1:
            functions = bind(functions)
            check_chain(functions)
        plan = Plan(functions)
    if not quiet:
        for note in dict.fromkeys(n for fn in plan.functions for n in fn.notes):
            _say("note", note, "yellow")
    reader = RowReader(points, plan.inputs, order_hint=plan.order_hint())
    binary = output is not None and output.lower().endswith((".npy", ".parquet"))
    handle = None
    if output is not None and not binary:
        try:
            handle = open(output, "wb")
        except OSError as err:
            raise click.UsageError(f"cannot write {output}: {err.strerror}") from None
    sink = None if binary else (Sink(handle, output) if handle is not None else stdout_sink())
    writer = writer_for(plan, fmt, sink, precision, output if binary else None)
    errors = []
    try:
        writer.start()
        for result in plan.run(reader):
            writer.write(result)
            for err in result.errors:
                _say("error", f"{reader.origin}:{err.line}: {err.message}", "red")
            errors += result.errors
        writer.finish()
    except Interrupted as it:
        _say("note", f"{it.name} after {writer.rows:,} rows; the output holds whole rows only", "yellow")
        raise
    finally:
        if handle is not None:
            handle.close()
    code = exit_code(errors)
    if code:
        click.get_current_context().exit(code)


def _run_dask(items, pattern, scheduler, fmt, quiet, timeout, output) -> None:
    """--dask: the plan built here once, shipped to the workers; a summary on stderr, part files in DIR."""
    from .binding import bind
    from .budget import time_budget
    from .calculus import check_chain
    from .distributed import run
    from .points import Plan

    if fmt not in ("csv", "table", "parquet"):
        raise click.UsageError("--dask writes part files: --format csv (CSV parts) or the default "
                               "(Parquet parts for Parquet input, CSV parts for CSV input)")
    from .api import load

    with time_budget(timeout):
        functions = load(items) if all(isinstance(i, str) for i in items) else list(items)
        if len(functions) > 1:
            functions = bind(functions)
            check_chain(functions)
        plan = Plan(functions)
    if not quiet:
        for note in dict.fromkeys(n for fn in plan.functions for n in fn.notes):
            _say("note", note, "yellow")
    summary = run(plan, pattern, output, scheduler, fmt)
    for message in summary.errors:
        _say("error", message, "red")
    if summary.bad_rows > len(summary.errors):
        _say("error", f"… {summary.bad_rows - len(summary.errors):,} more bad rows", "red")
    if not quiet:
        files = "1 file" if summary.parts == 1 else f"{summary.parts:,} files"
        _say("note", f"{summary.rows:,} rows from {files} written to {summary.folder}/ "
                     f"({summary.bad_rows:,} bad rows)", "yellow")
    if summary.exit_code:
        click.get_current_context().exit(summary.exit_code)


def _echo_json_error(command: str, err) -> None:
    """A failure as one JSON object on stdout (the message also goes to stderr)."""
    import json

    from .render.json import SCHEMA_VERSION
    from .sink import stdout_sink

    stdout_sink().write(json.dumps({"schema": SCHEMA_VERSION, "command": command, "pass": False,
                                    "error": {"message": err.render(), "exit_code": err.exit_code}},
                                   ensure_ascii=False) + "\n")


def _with_steps(result, steps: bool, entry, fmt: str):
    if entry is not None and not steps:
        raise click.UsageError("--entry selects the entry for --steps; add --steps")
    if steps:
        if fmt in ("latex", "csv"):
            raise click.UsageError("--steps works with --format table, plain and json")
        from .steps import steps_for

        result.steps = steps_for(result, entry)
    return result


def _show(result, fmt: str, precision: int, quiet: bool, notes=None, hide_answers: bool = False,
          full: bool = False, echo: bool = True, output: str | None = None) -> None:
    """Notes on stderr, the rendered result on stdout (or into ``output``), written completely or not at all."""
    import io

    from .render import render
    from .sink import Sink, stdout_sink

    if not quiet:
        for note in dict.fromkeys(result.notes if notes is None else notes):  # each note once
            _say("note", note, "yellow")
    out = render(result, fmt, precision=precision, hide_answers=hide_answers, full=full, echo=echo)
    if not isinstance(out, (str, bytes)) and hasattr(out, "__next__"):
        blocks = out  # large CSV: blocks of bytes, written as they are made
    elif isinstance(out, bytes):
        blocks = iter([out])
    elif not isinstance(out, str):
        import shutil

        from rich.console import Console

        tty = output is None and (sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR")))
        buffer = io.StringIO()
        console = Console(file=buffer, highlight=False, force_terminal=tty,
                          no_color=bool(os.environ.get("NO_COLOR")) or not tty,
                          width=shutil.get_terminal_size().columns if tty else 200)
        console.print(out)
        blocks = iter([(buffer.getvalue().rstrip("\n") + "\n").encode("utf-8")])
    else:
        blocks = iter([(out + "\n").encode("utf-8")])
    first = next(blocks, b"")  # a renderer's error comes before anything is written or created
    if output is None:
        sink = stdout_sink()
        sink.write(first)
        for block in blocks:
            sink.write(block)
        return
    try:
        with open(output, "wb") as handle:
            sink = Sink(handle, output)
            sink.write(first)
            for block in blocks:
                sink.write(block)
    except OSError as err:
        raise click.UsageError(f"cannot write {output}: {err.strerror}") from None


def _examples(text: str):
    """Append runnable examples to a command's help."""
    def deco(fn):
        fn.__doc__ = (fn.__doc__ or "") + "\n\n\b\nExamples:\n" + text + "\n\n" + EXIT_CODES
        return fn
    return deco


@click.group(cls=JacGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES)
@click.version_option(package_name="jaccli", prog_name="jac", message="%(prog)s %(version)s")
def main():
    """jac: Jacobians and the chain rule, step by step.

    A SPEC is a vector function: a YAML file (inputs and outputs), inline
    text such as "x^2 + y, 2*x*y", or - for standard input. Jacobians are
    laid out with rows = outputs and columns = inputs (m×n for f: Rⁿ → Rᵐ).
    Run 'jac grammar' for the expression language.
    """


def engine_option(command):
    return click.option("--engine", type=click.Choice(("auto", "sympy", "symengine")), default="auto",
                        show_default=True,
                        help="Who differentiates: sympy (exact values at exact points), symengine (C++, for large "
                             "systems: decimals at points), or auto: symengine from 100 Jacobian entries on.")(command)


def chain_options(command):
    """--vjp, --jvp, --grad, --full: for layer chains (and any chain, numerically)."""
    command = click.option("--full", is_flag=True,
                           help="Print big arrays in full in table/plain output (JSON always has them).")(command)
    command = click.option("--grad", is_flag=True,
                           help="For a scalar output: ∇ = Jᵀ by reverse mode, without forming J.")(command)
    command = click.option("--jvp", metavar="V", default=None,
                           help="J·v from the input side (forward mode) without forming J; V is 1,0,… or @FILE.")(command)
    command = click.option("--vjp", metavar="V", default=None,
                           help="vᵀJ from the output side (reverse mode) without forming J; V is 1,0,… or @FILE.")(command)
    return command


def _jacobian_command(specs, *, single, at, vars_, latex, points, steps, entry, verify, timeout, fmt, precision,
                      quiet, vjp, jvp, grad, full, engine, step, no_echo, output, dask):
    """Shared by 'jacobian' and 'compose': load, pick the exact or the numeric path, render."""
    from .spec import is_network, load_all

    stdin_text = _stdin_if_needed(*specs, vjp, jvp, points=points)
    if steps and engine == "symengine":
        raise click.UsageError("--steps derives with sympy; drop --engine symengine")
    items = load_all(list(specs), vars=vars_, stdin_text=stdin_text, latex=latex,
                     engine="sympy" if steps else engine)
    fast_chain = not single and any(getattr(item, "engine", "") == "symengine" for item in items)
    if any(is_network(item) for item in items) or vjp or jvp or grad or (fast_chain and at and not points):
        return _numeric_chain(items, at, points, steps, verify, step, vjp, jvp, grad, fmt, precision, quiet, full)
    if not single and len(items) < 2:
        raise click.UsageError("compose needs at least two SPECs (for one, use 'jac jacobian')")
    if dask is not None and (points is None or points == "-"):
        raise click.UsageError("--dask evaluates files of points: give --points 'data/*.parquet' (a file or a "
                               "quoted pattern) and -o DIR")
    if points is not None:
        for flag, name in ((at, "--at"), (steps, "--steps"), (entry, "--entry"), (verify, "--verify"),
                           (step, "--step")):
            if flag:
                raise click.UsageError(f"{name} works at one point; it cannot be combined with --points")
        if dask is not None:
            return _run_dask(items, points, dask, fmt, quiet, timeout, output)
        return _run_batch(items, points, fmt, precision, quiet, timeout, output, echo=not no_echo)
    from . import api

    if single:
        result = api.jacobian(items[0], at=at, timeout=timeout)
    else:
        result = api.compose(*items, at=at, timeout=timeout)
    if verify:
        api.verify(result)
    if step is not None:
        if result.at is None:
            raise click.UsageError("--step compares f(x+h) − f(x) with J·h at a point: add --at")
        from .linearise import linearise
        from .network import numeric_point

        result.linearisation = linearise(result.functions, result.point, result.at.value,
                                         numeric_point(step, "--step"))
    _show(_with_steps(result, steps, entry, fmt), fmt, precision, quiet, full=full, echo=not no_echo, output=output)


def _numeric_chain(items, at, points, steps, verify, step, vjp, jvp, grad, fmt, precision, quiet, full):
    from .network import numeric_point, run_chain

    for flag, name in ((points, "--points"), (steps, "--steps"), (verify, "--verify"), (step, "--step")):
        if flag:
            raise click.UsageError(f"{name} is for function specs; layer chains and --vjp/--jvp/--grad are "
                                   "evaluated numerically at one point")
    if fmt == "latex":
        raise click.UsageError("layer chains support --format table, plain, json and csv")
    if at is None:
        raise click.UsageError("a layer chain (or --vjp/--jvp/--grad) is evaluated at a point: give --at "
                               "(values, or @FILE for a long point)")
    first = items[0]
    inputs = getattr(first, "inputs", None)
    result = run_chain(items, numeric_point(at), inputs=inputs, determinant=fmt != "csv",  # csv shows J only
                       vjp_vector=numeric_point(vjp, "--vjp") if vjp else None,
                       jvp_vector=numeric_point(jvp, "--jvp") if jvp else None, grad=grad)
    _show(result, fmt, precision, quiet, full=full)


@main.command()
@click.argument("spec")
@jacobian_options
@_examples("""  jac jacobian samples/polar.yaml
  jac jacobian "x^2 + y, 2*x*y" --at 1,2
  jac jacobian "x1^2 + x2, x1*x2" --at x1=1,x2=2 --format json
  jac jacobian '\\begin{bmatrix} x^2 + y \\\\ 2xy \\end{bmatrix}' --at 1,2
  jac jacobian samples/f.yaml --steps --entry 2,1
  jac jacobian samples/spherical.yaml --points samples/points.csv --format csv
  jac jacobian samples/mlp3.yaml --at @samples/mlp3_x.npy
  echo "sin(x) cos(y)" | jac jacobian - --vars x,y --at pi/2,0""")
def jacobian(spec, **options):
    """The Jacobian of one function SPEC: symbolic, and at --at POINT.

    Shows the map's signature, every partial derivative simplified, the
    exact value at an exact point with its decimal, and the determinant
    when J is square (a gradient for scalar functions). A layer file
    (layers:) is the composition of its layers, evaluated numerically."""
    _jacobian_command([spec], single=True, **options)


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC1 SPEC2 [SPEC3 ...]")
@jacobian_options
@_examples("""  jac compose samples/f.yaml samples/g.yaml --at 1,2
  jac compose samples/f.yaml samples/g.yaml
  jac compose "u1 = x, u2 = x^2" "u1 + u2" --at 3 --format json
  jac compose samples/f.yaml samples/g.yaml --at 1,2 --steps --entry 3,1
  jac compose samples/f.yaml samples/g.yaml --points samples/points2d.csv --format csv
  jac compose samples/twolayer.yaml --at 0.5,-1,2
  jac compose samples/mlp3.yaml samples/loss_head.yaml --at @samples/mlp3_x.npy --grad""")
def compose(specs, **options):
    """The Jacobian of a composition by the chain rule, step by step.

    SPECs are in application order: 'jac compose f.yaml g.yaml' is g∘f,
    f first. At a point, each intermediate value, each factor evaluated at
    the point its function sees (J_g at f(x), not at x), their shapes and
    the product J_g(f(x)) · J_f(x), multiplied in the cheapest order.
    --vars orders the first function's inputs when it is inline text.
    Layer files (layers:) and function specs mix freely."""
    _jacobian_command(specs, single=False, **options)


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@click.option("--expect", "expect", required=True, metavar="ANSWER",
              help="The answer: \"[[a, b], [c, d]]\", \"a, b; c, d\", a LaTeX bmatrix/pmatrix, "
                   "a .yaml/.json/.csv file, or - for stdin.")
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
              help="Also check the determinant (J must be square).")
@click.option("--hide-answers", is_flag=True,
              help="Never show the expected values (for graders); --steps is refused with it.")
@steps_options
@timeout_option
@report_options
@_examples("""  jac check samples/f.yaml samples/g.yaml --at 1,2 --expect "[[6, 3], [12, 6], [4cos(4), 2cos(4)]]"
  jac check samples/f.yaml samples/g.yaml --at 1,2 --expect "6, 12, 4cos(4); 3, 6, 2cos(4)"  # exit 1: transposed
  jac check samples/polar.yaml --expect "cos(theta), -r sin(theta); sin(theta), r cos(theta)" --expect-det r
  jac check samples/exercise_inner.yaml samples/exercise_outer.yaml --at 1,0 --expect samples/exercise_answer.yaml  # exit 1
  jac check samples/f.yaml --expect '\\begin{bmatrix} 2x & 1 \\\\ 2y & 2x \\end{bmatrix}' --format json""")
def check(specs, expect, at, vars_, latex, rtol, atol, assume, expect_det, hide_answers, steps, entry, timeout, fmt,
          precision, quiet, no_echo):
    """Check an answer for the Jacobian of SPEC (or of the composition of several SPECs).

    With --at the entries are compared numerically (--rtol, --atol);
    without it symbolically (where simplification cannot decide, at random
    points, which jac reports). Wrong entries are explained where a classic
    mistake accounts for them: the transpose, the factors in the wrong
    order, the outer factor evaluated at x instead of f(x), a wrong shape,
    a sign or a constant factor. Exit 0: right; 1: wrong; 2: bad input."""
    from .checking import check as run_check
    from .errors import EXIT_WRONG, JacError

    if steps and hide_answers:
        raise click.UsageError("--steps would show the answers that --hide-answers hides")
    stdin_text = _stdin_if_needed(*specs, expect)
    try:
        result = run_check(list(specs), expect, at=at, vars=vars_, rtol=rtol, atol=atol, expect_det=expect_det,
                           stdin_text=stdin_text, latex=latex, timeout=timeout, assume=assume)
    except JacError as err:
        if fmt == "json":  # graders collect verdicts: an unreadable answer is an object too
            _echo_json_error("check", err)
        raise
    _with_steps(result.target, steps, entry, fmt)
    _show(result, fmt, precision, quiet, hide_answers=hide_answers, echo=not no_echo)
    if not result.passed:
        click.get_current_context().exit(EXIT_WRONG)


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@point_options
@timeout_option
@report_options
@_examples("""  jac hessian "x^3 - 3x + y^2" --vars x,y --at 1,0
  jac hessian samples/f.yaml --at 1,2
  jac hessian samples/f.yaml "(u, v) -> u*v" --at 1,2
  jac hessian samples/f.yaml "(u, v) -> u*v" --format json""")
def hessian(specs, at, vars_, latex, timeout, fmt, precision, quiet, no_echo):
    """Second derivatives. One SPEC: the n×n Hessian of each output
    (symmetric; checked), at --at with its eigenvalues and what they say
    (minimum, maximum, saddle candidates). Several SPECs (application order,
    the last one scalar): the Hessian of the composition by the second-order
    chain rule H = J_fᵀ·H_g(f(x))·J_f + Σᵢ ∂g/∂zᵢ(f(x))·H_fᵢ(x), both terms shown."""
    from .second_order import hessian as run_hessian

    result = run_hessian(*specs, at=at, vars=vars_, stdin_text=_stdin_if_needed(*specs), timeout=timeout, latex=latex)
    _show(result, fmt, precision, quiet, echo=not no_echo)


@main.command()
@click.argument("spec")
@click.option("--unknowns", required=True, metavar="NAMES",
              help="The inputs that F = 0 solves for (y), e.g. --unknowns y or --unknowns y1,y2.")
@point_options
@timeout_option
@report_options
@_examples("""  jac implicit "x^2 + y^2 - 1" --vars x,y --unknowns y
  jac implicit "x^2 + y^2 - 1" --vars x,y --unknowns y --at 0.6,0.8
  jac implicit samples/implicit_system.yaml --unknowns u,v --at 1,1,1,1 --format json""")
def implicit(spec, unknowns, at, vars_, latex, timeout, fmt, precision, quiet, no_echo):
    """The implicit function theorem: F(x, y) = 0 defines y(x) near a point
    where ∂F/∂y is invertible, with J_y(x) = −[∂F/∂y]⁻¹ · ∂F/∂x. Shows both
    blocks, their shapes and the result; symbolic when small. At a point, jac
    checks that F is (numerically) zero there and refuses when ∂F/∂y is singular."""
    from .implicit_function import implicit as run_implicit

    names = [u for u in unknowns.split(",") if u.strip()]
    result = run_implicit(spec, names, at=at, vars=vars_, stdin_text=_stdin_if_needed(spec), timeout=timeout,
                          latex=latex)
    _show(result, fmt, precision, quiet, echo=not no_echo)


@main.command()
@click.argument("specs", nargs=-1, metavar="[SPEC ...]")
@click.option("--dims", metavar="D0,D1,...", default=None,
              help="Widths from input to output; factor J_k is d_k × d_{k-1}.")
@click.option("--input-size", type=click.IntRange(min=1), default=None,
              help="The input width when the first layer is element-wise.")
@click.option("--format", "fmt", type=click.Choice(("table", "plain", "json")), default="table", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@_examples("""  jac cost --dims 1000000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1
  jac cost samples/mlp3.yaml samples/loss_head.yaml
  jac cost --dims 784,256,256,10 --format json""")
def cost(specs, dims, input_size, fmt, quiet):
    """What multiplying a chain of Jacobians costs: forward accumulation (from
    the input side), reverse accumulation (from the output side) and the best
    bracketing (matrix-chain dynamic programming), in multiply-adds and the
    largest intermediate product. Give widths (--dims) or SPECs; element-wise
    layers count as diagonal factors."""
    from . import cost as cost_module

    if bool(dims) == bool(specs):
        raise click.UsageError("give either --dims or SPECs")
    if dims:
        try:
            widths = [int(d.replace("_", "")) for d in dims.split(",")]
        except ValueError:
            raise click.UsageError(f"--dims {dims!r}: widths are positive integers, e.g. 784,256,10") from None
        result = cost_module.from_dims(widths)
    else:
        from .spec import load_all

        result = cost_module.from_specs(load_all(list(specs), stdin_text=_stdin_if_needed(*specs)), input_size)
    _show(result, fmt, 6, quiet)


@main.command()
def grammar():
    """The expression language: numbers, operators, functions, points."""
    click.echo(LANGUAGE.rstrip())


def entry() -> None:
    """The ``jac`` command: click's main, then a last flush of standard output that cannot end in a
    traceback (``jac --help > /dev/full``: a message and exit 6; a closed pipe: quiet, exit 141)."""
    from .sink import EXIT_OUTPUT, EXIT_PIPE, quiet_exit_on_closed_pipe

    code = 0
    try:
        try:
            main(prog_name="jac")
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
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
