"""The renderer of JacobianResult — one function, a composition, layer files: blocks (blocks.py),
JSON body (json.py), LaTeX (latex.py) and CSV (csv.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from .blocks import blocks_for
from .csv import render_csv
from .json import jacobian_body
from .latex import render_latex

if TYPE_CHECKING:
    from ..core.request import RenderOptions
    from ..results import JacobianResult
    from .model import Block


def blocks(result: JacobianResult, options: RenderOptions) -> list[Block]:
    return blocks_for(result, options)


def body(result: JacobianResult, options: RenderOptions) -> dict[str, Any]:
    return jacobian_body(result)


def latex(result: JacobianResult, options: RenderOptions) -> str:
    return render_latex(result, options)


def html_latex(result: JacobianResult, options: RenderOptions) -> str:
    """The displays of the html page: as --format latex, with each factor's shape and the point it sees."""
    return render_latex(result, options, shapes=True)


def csv(result: JacobianResult, options: RenderOptions) -> Iterator[bytes]:
    return render_csv(result)
