"""jac codegen: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, VarsParam, examples, run_command, timeout_option, vars_option


@click.command(cls=JacCommand)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@click.option("--lang", type=click.Choice(("python", "c", "jax")), default="python", show_default=True,
              help="python (numpy), c (C99, no allocation) or jax (jitted).")
@click.option("--for", "target", type=click.Choice(("plain", "solve_ivp", "least_squares", "minimize")),
              default="plain", show_default=True,
              help="The signature: plain f(x), J(x); solve_ivp fun(t, y), jac(t, y) (an input named t is time); "
                   "least_squares fun(x), jac(x); minimize fun(x) -> scalar, jac(x) -> gradient.")
@click.option("--vectorize", is_flag=True,
              help="python: x of shape (N, n) (one point per row); f -> (N, m), J -> (N, m, n).")
@click.option("--sparse", is_flag=True,
              help="Keep J sparse: python returns scipy.sparse.csr_matrix (structure computed once, values per call; "
                   "sparsity() for solve_ivp's jac_sparsity), c writes CSR values into your array. Automatic for one "
                   "function whose J has more than 10,000 entries and under 10 % non-zero.")
@click.option("--name", default=None, metavar="NAME", help="The C functions' prefix (NAME_f, NAME_J).")
@click.option("--vars", "vars_", type=VarsParam(), default=None,
              help="Input order for inline text, e.g. --vars x,y (the order of x[0], x[1], …).")
@click.option("--latex", "latex", is_flag=True, default=None,
              help="Read inline text as LaTeX (detected automatically when it has a backslash).")
@timeout_option
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@click.option("--output", "-o", "output", metavar="FILE", default=None, help="Write the code to FILE.")
@examples("""  jac codegen samples/polar.yaml --lang python
  jac codegen "(y1, y2, y3) -> (-0.04 y1 + 1e4 y2 y3, 0.04 y1 - 1e4 y2 y3 - 3e7 y2^2, 3e7 y2^2)" --for solve_ivp
  jac codegen samples/f.yaml samples/g.yaml --lang c --name fg
  jac codegen samples/brusselator.yaml --sparse --for solve_ivp -o brusselator_jac.py""")
def codegen(specs: tuple[str, ...], quiet: bool, output: str | None, **options: Any) -> None:
    """A self-contained function computing f and its Jacobian J for a solver
    (solve_ivp, least_squares, minimize, Newton, a Kalman filter), with
    common subexpressions computed once (sympy's cse and code printers).
    Several SPECs: the composition, as the composed expression or as the
    chain of factors multiplied in the cheapest order, whichever needs fewer
    operations (jac says which)."""
    run_command("codegen", list(specs), "plain", None, False, quiet, True, output, **vars_option(options))
