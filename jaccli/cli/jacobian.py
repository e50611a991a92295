"""jac jacobian: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, examples, jacobian_options, output_options, run_command, vars_option


@click.command(cls=JacCommand)
@click.argument("spec")
@jacobian_options
@click.option("--sparsity", is_flag=True,
              help="Keep J sparse: its exact pattern (which inputs each output uses), bandwidth and a column "
                   "colouring (how many JVPs recover J), and at --at the non-zeros only. Automatic for one function "
                   "when J has more than 10,000 entries and under 10 % are non-zero; -o J.npz (SciPy) or -o J.mtx "
                   "(Matrix Market) writes it.")
@output_options("jacobian")
@examples("""  jac jacobian samples/polar.yaml
  jac jacobian "x^2 + y, 2*x*y" --at 1,2
  jac jacobian "x1^2 + x2, x1*x2" --at x1=1,x2=2 --format json
  jac jacobian '\\begin{bmatrix} x^2 + y \\\\ 2xy \\end{bmatrix}' --at 1,2
  jac jacobian samples/f.yaml --steps --entry 2,1
  jac jacobian samples/spherical.yaml --points samples/points.csv --format csv
  jac jacobian samples/mlp3.yaml --at @samples/mlp3_x.npy
  echo "sin(x) cos(y)" | jac jacobian - --vars x,y --at pi/2,0
  jac jacobian samples/brusselator.yaml --sparsity
  jac jacobian samples/brusselator.yaml --at @samples/brusselator_x.npy -o J.npz""")
def jacobian(spec: str, fmt: str | None, precision: int | None, full: bool, quiet: bool, no_echo: bool,
             output: str | None, **options: Any) -> None:
    """The Jacobian of one function SPEC: symbolic, and at --at POINT.

    Shows the map's signature, every partial derivative simplified, the
    exact value at an exact point with its decimal, and the determinant
    when J is square (a gradient for scalar functions). A layer file
    (layers:) is the composition of its layers, evaluated numerically.
    A large, sparse J is kept sparse (--sparsity)."""
    run_command("jacobian", [spec], fmt, precision, full, quiet, no_echo, output,
         stdin_args=(options["vjp"], options["jvp"]), **vars_option(options))
