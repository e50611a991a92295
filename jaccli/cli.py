"""The ``jac`` command: a thin click layer. Each command parses options, calls
the API (``jaccli.api``) and hands the result to a renderer. Heavy imports
(sympy, numpy, rich) happen inside the commands, so ``jac --help`` is quick."""

from __future__ import annotations

import os
import sys
from functools import wraps

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

        try:
            return super().invoke(ctx)
        except JacError as err:
            _say("error", err.render(), "red")
            ctx.exit(err.exit_code)
        except RecursionError:
            _say("error", "the input is nested too deeply for jac to process", "red")
            ctx.exit(2)
        except MemoryError:
            _say("error", "out of memory: the input is too large", "red")
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: say so briefly, no traceback unless asked
            if os.environ.get("JAC_DEBUG"):
                raise
            _say("internal error", f"{type(exc).__name__}: {exc}\n"
                 "this is a bug in jac; please report it with the command you ran "
                 "(set JAC_DEBUG=1 for a traceback)", "red")
            ctx.exit(EXIT_INTERNAL)


class PointParam(click.ParamType):
    """``1,2`` or ``x=1,y=2``: checked while click parses, bound to inputs later."""

    name = "POINT"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        from .errors import ParseError
        from .grammar import parse_point

        try:
            return parse_point(value)
        except ParseError as err:
            self.fail("\n" + err.render(), param, ctx)


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


def output_options(command):
    """--format, --precision, --quiet: shared by every command that prints a result."""
    command = click.option("--quiet", "-q", is_flag=True, help="No notes on stderr (errors are still shown).")(command)
    command = click.option("--precision", type=click.IntRange(1, 17), default=6, show_default=True,
                           help="Significant digits of decimals in table/plain output.")(command)
    command = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                           help="table: rich tables · plain: aligned text · json: one object · "
                                "latex: bmatrix lines · csv: the matrix only.")(command)
    return command


def point_options(command):
    command = click.option("--vars", "vars_", type=VarsParam(), default=None,
                           help="Input order for inline text, e.g. --vars x,y (columns of J). "
                                "Default: the free names, sorted (x1 < x2 < x10).")(command)
    command = click.option("--at", "at", type=PointParam(), default=None, metavar="POINT",
                           help="Evaluate at a point: 1,2 or x=1,y=2; exact values like -1/3, pi/4, "
                                "sqrt(2) stay exact.")(command)
    return command


def _stdin_if_needed(specs) -> str | None:
    if "-" in specs:
        return click.get_text_stream("stdin").read()
    return None


def _show(result, fmt: str, precision: int, quiet: bool) -> None:
    from .render import render

    if not quiet:
        for note in result.notes:
            _say("note", note, "yellow")
    out = render(result, fmt, precision=precision)
    if isinstance(out, str):
        click.echo(out)
    else:
        from rich.console import Console

        console = Console(highlight=False, no_color=bool(os.environ.get("NO_COLOR")) or None,
                          width=None if sys.stdout.isatty() else 200)
        console.print(out)


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


@main.command()
@click.argument("spec")
@point_options
@output_options
@_examples("""  jac jacobian samples/polar.yaml
  jac jacobian "x^2 + y, 2*x*y" --at 1,2
  jac jacobian "x1^2 + x2, x1*x2" --at x1=1,x2=2 --format json
  echo "sin(x) cos(y)" | jac jacobian - --at pi/2,0""")
def jacobian(spec, at, vars_, fmt, precision, quiet):
    """The Jacobian of one function SPEC: symbolic, and at --at POINT.

    Shows the map's signature, every partial derivative simplified, the
    exact value at an exact point with its decimal, and the determinant
    when J is square (a gradient for scalar functions)."""
    from . import api

    result = api.jacobian(spec, at=at, vars=vars_, stdin_text=_stdin_if_needed([spec]))
    _show(result, fmt, precision, quiet)


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC1 SPEC2 [SPEC3 ...]")
@point_options
@output_options
@_examples("""  jac compose samples/f.yaml samples/g.yaml --at 1,2
  jac compose samples/f.yaml samples/g.yaml
  jac compose "x, x^2" "u1 + u2" --vars x --at 3 --format json""")
def compose(specs, at, vars_, fmt, precision, quiet):
    """The Jacobian of a composition by the chain rule, step by step.

    SPECs are in application order: 'jac compose f.yaml g.yaml' is g∘f,
    f first. At a point, each intermediate value, each factor evaluated at
    the point its function sees (J_g at f(x), not at x), their shapes and
    the product J_g(f(x)) · J_f(x). --vars orders the first function's
    inputs when it is inline text."""
    from . import api

    if len(specs) < 2:
        raise click.UsageError("compose needs at least two SPECs (for one, use 'jac jacobian')")
    result = api.compose(*specs, at=at, vars=vars_, stdin_text=_stdin_if_needed(specs))
    _show(result, fmt, precision, quiet)


@main.command()
def grammar():
    """The expression language: numbers, operators, functions, points."""
    click.echo(LANGUAGE.rstrip())


if __name__ == "__main__":  # pragma: no cover
    main()
