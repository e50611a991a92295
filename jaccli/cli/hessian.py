"""jac hessian: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import (
    JacCommand,
    engine_option,
    examples,
    output_options,
    point_options,
    run_command,
    timeout_option,
    vars_option,
)


@click.command(cls=JacCommand)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@point_options
@engine_option
@timeout_option
@output_options("hessian")
@examples("""  jac hessian "x^3 - 3x + y^2" --vars x,y --at 1,0
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
    run_command("hessian", list(specs), fmt, precision, full, quiet, no_echo, output, **vars_option(options))
