"""jac exercise: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, examples, run_command


@click.command(cls=JacCommand)
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
@examples("""  jac exercise --kind chain --seed 7 --count 3
  jac exercise --kind critical --seed 1 --difficulty 2 --format latex
  jac exercise --kind hessian --seed 3 --format json""")
def exercise(fmt: str | None, quiet: bool, output: str | None, hide_answers: bool, **options: Any) -> None:
    """Exercises with random but nice functions and points (integer or simple
    exact answers), reproducible from --seed. Every answer is checked by jac
    itself (jac check of the printed answer) before it is printed. A roster
    (--students) gives every student a sheet of their own and --key an answer
    key that jac check --key FILE --answers grades with."""
    run_command("exercise", [], fmt or "markdown", None, False, quiet, False, output, hide_answers=hide_answers, **options)
