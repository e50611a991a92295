"""jac critical: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, VarsParam, examples, output_options, run_command, timeout_option, vars_option


@click.command(cls=JacCommand)
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
@examples("""  jac critical "x^3 + y^3 - 3x y" --vars x,y
  jac critical "x y" --vars x,y --constraint "x^2 + y^2 = 2"
  jac critical "sin(x) + cos(y)" --vars x,y --in "x=0..6, y=0..6" --format json""")
def critical(spec: str, fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
             output: str | None, **options: Any) -> None:
    """Critical points of a scalar function: ∇f = 0, solved exactly where
    sympy can (within --timeout), else numerically in a box (Newton from many
    starts; said so). Each point is classified by the second-derivative test
    (local minimum / maximum, saddle point; a zero eigenvalue: inconclusive).
    With --constraint: Lagrange multipliers and the bordered Hessian test."""
    run_command("critical", [spec], fmt, precision, full, quiet, no_echo, output, **vars_option(options))
