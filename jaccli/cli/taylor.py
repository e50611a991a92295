"""jac taylor: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, examples, output_options, point_options, run_command, timeout_option, vars_option


@click.command(cls=JacCommand)
@click.argument("spec")
@point_options
@click.option("--order", type=click.IntRange(1, 4), default=2, show_default=True,
              help="The order K of the Taylor polynomial (1: the linearisation, 2: with the Hessian, up to 4).")
@click.option("--step", "step", metavar="H", default=None,
              help="The remainder table's first step h (one scale, or one entry per input; default 0.1 each); "
                   "then h/10, h/100, …")
@timeout_option
@output_options("taylor")
@examples("""  jac taylor "e^x sin(y)" --vars x,y --at 0,0 --order 3
  jac taylor samples/polar.yaml --at 1,pi/4 --order 2
  jac taylor "sqrt(1 + x)" --at 0 --order 4 --format json""")
def taylor(spec: str, fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
           output: str | None, **options: Any) -> None:
    """The multivariable Taylor polynomial of SPEC at --at, of order K ≤ 4:
    T_K(x) = Σ_{|α|≤K} D^α f(p)/α! (x − p)^α, from the gradient, the Hessian
    and the higher derivative tensors (symmetric: only their distinct entries
    are computed), exact at an exact point. A remainder table shows
    ‖f(p+h) − T_K(p+h)‖/‖h‖^K shrink to 0 for h, h/10, … (at 60 digits)."""
    run_command("taylor", [spec], fmt, precision, full, quiet, no_echo, output, **vars_option(options))
