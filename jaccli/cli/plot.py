"""jac plot: its options, its help, and the Request it makes."""

from __future__ import annotations

from typing import Any

import click

from .common import JacCommand, examples, point_options, run_command, timeout_option, vars_option


@click.command(cls=JacCommand)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC [SPEC2 ...]")
@point_options
@click.option("--dpi", type=click.IntRange(50, 1200), default=None, metavar="N",
              help="PNG resolution in dots per inch [default: 320: about 1,700 pixels across one panel, sharp on a slide]; "
                   "SVG and PDF are vector pictures with selectable text.")
@click.option("--radius", type=click.FloatRange(min=0, min_open=True), default=0.5, show_default=True,
              help="The neighbourhood drawn around the point (half the grid's width).")
@timeout_option
@click.option("--format", "fmt", type=click.Choice(("table", "plain", "json")), default=None,
              help="What stdout says about the picture: table (default), plain or json.")
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@click.option("--output", "-o", "output", metavar="FILE", default=None, required=True,
              help="The picture: FILE.png, FILE.svg or FILE.pdf.")
@examples("""  jac plot samples/polar.yaml --at 1,pi/4 -o polar.png
  jac plot "x^2 - y^2, 2x y" --vars x,y --at 1,1 --radius 0.3 -o square.svg
  jac plot samples/polar.yaml "(x, y) -> (x + y, x - y)" --at 1,pi/4 -o chain.pdf""")
def plot(specs: tuple[str, ...], fmt: str | None, quiet: bool, output: str, **options: Any) -> None:
    """Draw the local linear map J at --at into -o FILE (png, svg, pdf;
    matplotlib: pip install 'jaccli[plot]'). R²→R²: a grid of squares around
    the point, its curved image under f and its straight image under the
    linearisation, and the square's image parallelogram with det J (area
    factor; a flip shown when det < 0). R→R², R→R³: the curve and its tangent
    J. R²→R: contours and ∇f. R³→R³: the cube's image. Other shapes: a heat
    map of J. Several 2→2 SPECs: one panel per factor and one for the
    composition, showing that the determinants multiply."""
    run_command("plot", list(specs), fmt, None, False, quiet, False, output, **vars_option(options))
