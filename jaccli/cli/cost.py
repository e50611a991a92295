"""jac cost: its options, its help, and the Request it makes."""

from __future__ import annotations

import click

from .common import JacCommand, examples, external_data_option, output_options, run_command


@click.command(cls=JacCommand)
@click.argument("specs", nargs=-1, metavar="[SPEC ...]")
@click.option("--dims", metavar="D0,D1,...", default=None,
              help="Widths from input to output; factor J_k is d_k × d_{k-1}.")
@click.option("--input-size", type=click.IntRange(min=1), default=None,
              help="The input width when the first layer is element-wise.")
@external_data_option
@output_options("cost")
@examples("""  jac cost --dims 1000000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1
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
    run_command("cost", list(specs), fmt, precision, full, quiet, no_echo, output, dims=widths, input_size=input_size,
         allow_external_data=allow_external_data)
