"""Generated code: printed as it is (the notes, e.g. which form a composition took, go to stderr)."""

from __future__ import annotations

from ..core.request import RenderOptions
from ..results.tools import CodegenResult
from .model import Block, Line


def blocks(r: CodegenResult, options: RenderOptions) -> list[Block]:
    return [Line(r.code.rstrip("\n"))]
