"""Results that show themselves: a mixin for result types (results/) whose display is made by
render/notebook.py, named here by string so that no import goes upwards (as core/commands.py names
jobs). Jupyter asks ``_repr_html_`` (MathML) and, as a fallback, ``_repr_latex_``; a REPL gets
``__repr__``: one line, not a page-long dump of every field (the fields stay attributes)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_RENDERER = "jaccli.render.notebook"


def _call(kind: str, result: Any) -> Any:
    return getattr(import_module(_RENDERER), kind)(result)


class Displayable:
    """Mix into a result dataclass made with ``repr=False`` (the dataclass would write its own repr)."""

    def _repr_html_(self) -> str:
        return str(_call("html", self))

    def _repr_latex_(self) -> str | None:
        value = _call("latex", self)
        return None if value is None else str(value)

    def __repr__(self) -> str:
        return str(_call("summary", self))
