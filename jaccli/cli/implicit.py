"""jac implicit: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, examples, output_options, point_options, run_command, timeout_option, vars_option


@click.command(cls=JacCommand)
@click.argument("spec")
@click.option("--unknowns", required=True, metavar="NAMES",
              help="The inputs that F = 0 solves for (y), e.g. --unknowns y or --unknowns y1,y2.")
@point_options
@timeout_option
@output_options("implicit")
@examples("""  jac implicit "x^2 + y^2 - 1" --vars x,y --unknowns y
  jac implicit "x^2 + y^2 - 1" --vars x,y --unknowns y --at 0.6,0.8
  jac implicit samples/implicit_system.yaml --unknowns u,v --at 1,1,1,1 --format json""")
def implicit(spec: str, unknowns: str, fmt: str | None, precision: int | None, full: bool, quiet: bool,
             no_echo: bool, output: str | None, **options: Any) -> None:
    """The implicit function theorem: F(x, y) = 0 defines y(x) near a point
    where ∂F/∂y is invertible, with J_y(x) = −[∂F/∂y]⁻¹ · ∂F/∂x. Shows both
    blocks, their shapes and the result; symbolic when small. At a point, jac
    checks that F is (numerically) zero there and refuses when ∂F/∂y is singular."""
    names = tuple(u.strip() for u in unknowns.split(",") if u.strip())
    run_command("implicit", [spec], fmt, precision, full, quiet, no_echo, output, unknowns=names, **vars_option(options))
