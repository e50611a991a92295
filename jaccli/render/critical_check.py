"""The renderer of CriticalCheck (``jac check --critical``): each expected or answered point with the
classification given and the right one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as

if TYPE_CHECKING:
    from ..core.request import RenderOptions
    from ..results.check import CriticalCheck


def _expected(text: str | None, hide: bool) -> str:
    if hide:
        return ""
    return text if text is not None else "not a critical point"


def blocks(r: CriticalCheck, options: RenderOptions) -> list[Block]:
    fn = r.function
    where = f" in {r.region}" if r.region else ""
    out: list[Block] = [Heading(f"check the critical points of {fn.name}({', '.join(fn.inputs)}){where} and "
                                "their classification")]
    rows = [[p.answer_text or "(missing)", p.answer or "", _expected(p.expected, options.hide_answers),
             "✓" if p.ok else "✗"] for p in r.points]
    out.append(MatrixBlock("points", [p.label if not options.hide_answers or p.found else "(a point)"
                                      for p in r.points],
                           ["your answer", "your classification", "expected", ""], rows))
    for d in r.diagnoses:
        if not options.hide_answers or d.kind == "extra":
            out.append(Line(f"✗ {d.kind}: {d.message}"))
    verdict = "PASS: every critical point found and classified" if r.passed else \
        f"FAIL: {r.wrong_count} of {len(r.points)} points wrong, missing or extra"
    out.append(Heading(verdict))
    return out


def body(r: CriticalCheck, options: RenderOptions) -> dict[str, Any]:
    hide = options.hide_answers
    return {
        "pass": r.passed,
        "function": r.function.name,
        "mode": "critical",
        "checked": "critical",
        "region": r.region,
        "points": [{"point": p.label if not hide or p.found else None, "answer": p.answer_text or None,
                    "classification": p.answer, "found": p.found, "ok": p.ok,
                    **({} if hide else {"expected": p.expected or "not a critical point"})} for p in r.points],
        "wrong": r.wrong_count,
        "diagnoses": [{"kind": d.kind, "message": d.message} for d in r.diagnoses
                      if not hide or d.kind == "extra"],
        "read_as": read_as(r.functions),
    }


def latex(r: CriticalCheck, options: RenderOptions) -> str:
    lines = [f"% jac check --critical: {'PASS' if r.passed else 'FAIL'}"]
    for p in r.points:
        mark = r"\checkmark" if p.ok else r"\times"
        lines.append(f"\\[ {p.label}: \\text{{{p.answer or '—'}}} \\quad {mark} \\]")
    return "\n".join(lines)
