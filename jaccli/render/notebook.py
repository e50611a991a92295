"""How results show themselves in Jupyter and in a REPL (issue 25 §3).

Results (results/) know nothing of rendering; their ``_repr_html_``, ``_repr_latex_`` and ``__repr__`` ask
core/display.py, which names this module by string (as the command registry names jobs), so no import
goes upwards. Jupyter gets the html page's content as a fragment (MathML, which JupyterLab and VS Code
lay out natively) and, as a fallback, the LaTeX displays; a REPL gets one line: what the result is, its
shape, its value at the point.
"""

from __future__ import annotations

from typing import Any

from ..core.request import RenderOptions
from . import renderer
from .html import fragment
from .model import Heading
from .reading import functions_of

_OPTIONS = RenderOptions(format="html")


def html(result: Any) -> str:
    return fragment(result, renderer(result), _OPTIONS, functions_of(result))


def latex(result: Any) -> str | None:
    """The LaTeX displays as one $$ … $$ block (Jupyter's fallback), or None when the result has none."""
    module = renderer(result)
    if not hasattr(module, "latex"):
        return None
    text = module.latex(result, RenderOptions(format="latex"))
    lines = [line.strip()[2:-2].strip() for line in text.splitlines() if line.strip().startswith("\\[")]
    return "$$\n" + " \\\\\n".join(lines) + "\n$$" if lines else None


def summary(result: Any) -> str:
    """One line: the result's type, its title (what it is, shapes) and, for a Jacobian at a point, the value."""
    kind = type(result).__name__
    try:
        blocks = renderer(result).blocks(result, RenderOptions(format="plain"))
    except Exception:  # a result made by hand, half empty: still a repr
        return f"<{kind} {getattr(result, 'command', '')}>"
    title = next((b.text for b in blocks if isinstance(b, Heading)), getattr(result, "command", ""))
    title = " ".join(title.split())
    value = ""
    at = getattr(result, "at", None)
    if at is not None and hasattr(at, "rows"):
        try:
            rows = at.rows()
            if len(rows) * len(rows[0]) <= 12:
                value = " = [" + ", ".join("[" + ", ".join(f"{v:.6g}" for v in row) + "]" for row in rows) + "]"
            else:
                value = f" (a {len(rows)}×{len(rows[0])} matrix: .at.rows())"
        except (TypeError, ValueError, IndexError):
            value = ""
    verdict = ""
    passed = getattr(result, "passed", None)
    if isinstance(passed, bool):  # a check, a grade sheet: its verdict
        verdict = " — PASS" if passed else " — FAIL"
    hessians = getattr(result, "hessians", None)
    if hessians and getattr(result, "point", None) is not None:  # a Hessian at a point: what the test says
        words = [h.classification for h in hessians if h.classification]
        verdict = f" — {words[0]}" if len(words) == 1 else ""
    return f"<{kind} {title}{value}{verdict}>"
