"""jac check: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import (
    JacCommand,
    examples,
    output_options,
    point_options,
    run_command,
    steps_options,
    timeout_option,
    vars_option,
)


@click.command(cls=JacCommand)
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
@click.option("--feedback", metavar="DIR", default=None,
              help="With --answers: write DIR/index.html (the class, linked) and one html page per student: the "
                   "question, the answer as jac read it, each entry's verdict, the mistake in words and, unless "
                   "--hide-answers, the right Jacobian.")
@click.option("--hide-answers", is_flag=True,
              help="Never show the expected values (for graders); --steps is refused with it.")
@steps_options
@timeout_option
@output_options("check")
@examples("""  jac check samples/f.yaml samples/g.yaml --at 1,2 --expect "[[6, 3], [12, 6], [4cos(4), 2cos(4)]]"
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
    run_command("check", list(specs), fmt, precision, full, quiet, no_echo, output, hide_answers=hide_answers,
         stdin_args=(options["expect"],), **vars_option(options))
