"""jac compose: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, examples, jacobian_options, output_options, run_command, vars_option


@click.command(cls=JacCommand)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC1 SPEC2 [SPEC3 ...]")
@jacobian_options
@output_options("compose")
@examples("""  jac compose samples/f.yaml samples/g.yaml --at 1,2
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
    run_command("compose", list(specs), fmt, precision, full, quiet, no_echo, output,
         stdin_args=(options["vjp"], options["jvp"]), **vars_option(options))
