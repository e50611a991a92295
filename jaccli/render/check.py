"""How a checked answer is shown: a per-entry table with ✓/✗, the diagnoses
in words, the determinant, and a verdict line; or one JSON object."""

from __future__ import annotations

from typing import Any

from ..calculus.numbers import json_number
from ..calculus.printing import matrix_latex, to_latex, to_text
from ..core.request import RenderOptions
from ..jobs.diagnoses import describe_value
from ..results.check import CheckResult
from .blocks import J, steps_blocks
from .latex import symbolic_matrix
from .model import Block, Heading, Line, MatrixBlock
from .reading import functions_of, read_as


def _how(result: CheckResult) -> str:
    if result.mode == "point":
        return (f"at {result.point.text()}, compared numerically "  # type: ignore[union-attr]
                f"(rtol {result.rtol:g}, atol {result.atol:.3g})")
    how = "symbolically: the difference must simplify to 0"
    if result.rtol or result.atol:
        how += f", or agree within rtol {result.rtol:g}, atol {result.atol:.3g} where it cannot be simplified"
    if result.assumptions:
        how += f", assuming {', '.join(result.assumptions)}"
    return how


def blocks(result: CheckResult, options: RenderOptions) -> list[Block]:
    precision, hide_answers = options.precision, options.hide_answers
    target = result.target
    m, n = target.shape
    what = {"J": f"{J(target.name)} ({m}×{n}, rows = outputs, columns = inputs)",
            "H": f"the Hessian H_{target.name} ({m}×{n})",
            "∂y/∂x": f"∂{target.name}/∂({', '.join(target.inputs)}) on F = 0 ({m}×{n})"}[result.what]
    blocks: list[Block] = [Heading(f"check {what} {_how(result)}")]
    if result.entries:
        cols = ["your answer"] + ([] if hide_answers else ["expected"]) + [""]
        cells = []
        for v in result.entries:
            row = [v.answer_text]
            if not hide_answers:
                row.append("" if v.ok else describe_value(v, precision))
            row.append("✓" if v.ok else "✗")
            cells.append(row)
        blocks.append(MatrixBlock("entries", [v.label for v in result.entries], cols, cells))
    for d in result.diagnoses:
        blocks.append(Line(f"✗ {d.kind}: {d.message}"))
    det = result.determinant
    if det is not None:
        text = f"det: your {to_text(det.answer)} {'✓' if det.ok else '✗'}"
        if not det.ok and not hide_answers and det.expected is not None:
            text += f" (expected {to_text(det.expected)})"
        blocks.append(Line(text))
    cls = result.classification
    if cls is not None:
        text = f"classification: your {cls.answer!r} {'✓' if cls.ok else '✗'}"
        if not cls.ok and not hide_answers:
            text += f" (the second-derivative test says: {cls.expected})"
        blocks.append(Line(text + (f"; {cls.note}" if cls.note else "")))
    total = len(result.entries)
    wrong = sum(not v.ok for v in result.entries)
    if result.passed and total == 0:
        parts = [w for w, v in (("the determinant", det), ("the classification", cls)) if v is not None]
        verdict = f"PASS: {' and '.join(parts)} {'is' if len(parts) == 1 else 'are'} right"
    elif result.passed:
        verdict = (f"PASS: all {total} entries are right" if total != 1 else "PASS: the entry is right") + \
            (" and so is the determinant" if det else "")
        if any(v.method == "sampled" for v in result.entries):
            verdict += f" (some compared {result.region}: sampled, not proved)"
    elif not result.shape_ok:
        verdict = f"FAIL: the answer is {result.answer.shape[0]}×{result.answer.shape[1]}, J is {m}×{n}"
    elif total == 0:
        parts = [w for w, v in (("the determinant", det), ("the classification", cls)) if v is not None and not v.ok]
        verdict = f"FAIL: {' and '.join(parts)} {'is' if len(parts) == 1 else 'are'} wrong"
    else:
        verdict = f"FAIL: {wrong} of {total} entries {'is' if wrong == 1 else 'are'} wrong" + \
                  (", and the determinant" if det is not None and not det.ok else "")
    blocks.append(Heading(verdict))
    if result.target.steps:
        blocks += steps_blocks(result.target.steps)
    return blocks


def body(result: CheckResult, options: RenderOptions) -> dict[str, Any]:
    hide_answers = options.hide_answers
    entries = []
    for v in result.entries:
        entry = {"row": v.row, "col": v.col, "label": v.label, "answer": v.answer_text,
                 "answer_read_as": to_text(v.answer), "ok": v.ok, "method": v.method}
        if not hide_answers:
            entry["expected"] = to_text(v.expected)
            if v.expected_value is not None:
                entry["expected_value"] = json_number(v.expected_value)
        if v.answer_value is not None:
            entry["answer_value"] = json_number(v.answer_value)
        entries.append(entry)
    det, cls = result.determinant, result.classification
    out = {
        "pass": result.passed,
        "function": result.target.name,
        "mode": result.mode,
        "point": None if result.point is None else
        {k: json_number(v) for k, v in zip(result.point.names, result.point.values)},
        "rtol": result.rtol,
        "atol": result.atol,
        "assume": result.assumptions,
        "layout": result.layout,
        "region": result.region,
        "answered": "whole" if result.answer.cells is None else "entries" if result.answer.cells else "determinant",
        "shape": {"expected": list(result.target.shape),
                  "answer": list(result.answer.shape) if result.answer.cells is None else None},
        "entries": entries,
        "wrong": result.wrong_count,
        "diagnoses": [{"kind": d.kind, "message": d.message} for d in result.diagnoses],
        "determinant": None if det is None else {
            "answer": to_text(det.answer), "ok": det.ok,
            **({} if hide_answers or det.expected is None else {"expected": to_text(det.expected)})},
        "read_as": read_as(functions_of(result)),
        "checked": {"J": "jacobian", "H": "hessian", "∂y/∂x": "implicit"}[result.what],
        "classification": None if cls is None else {
            "answer": cls.answer, "ok": cls.ok, "note": cls.note,
            **({} if hide_answers else {"expected": cls.expected})},
    }
    if result.target.steps and not hide_answers:
        out["steps"] = result.target.steps.to_dict()
    return out


def html_latex(result: CheckResult, options: RenderOptions) -> str:
    """The html page's displays: as --format latex, with the wrong entries of the answer in red."""
    return latex(result, options, mark_wrong=True)


def _marked(result: CheckResult) -> str:
    """The answer's matrix with each wrong entry coloured (where the shapes agree, entry by entry)."""
    matrix = result.answer.matrix
    wrong = {(v.row - 1, v.col - 1) for v in result.entries if not v.ok} if result.shape_ok else set()
    rows = [" & ".join(f"\\color{{#c5221f}}{{{to_latex(matrix[i, j])}}}" if (i, j) in wrong else to_latex(matrix[i, j])
                       for j in range(matrix.cols)) for i in range(matrix.rows)]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def latex(result: CheckResult, options: RenderOptions, mark_wrong: bool = False) -> str:
    """The answer as read and, unless hidden, J; then the verdict with the wrong entries."""

    answer = _marked(result) if mark_wrong else matrix_latex(result.answer.matrix)
    lines = [f"\\text{{your answer}} = {answer}"]
    if not options.hide_answers and result.expected is not None:
        lines.append(f"J = {symbolic_matrix(result.expected, options.full)}")
    wrong = [v.label for v in result.entries if not v.ok]
    if result.passed:
        lines.append("\\text{right}")
    elif not result.shape_ok:
        lines.append(f"\\text{{wrong: the answer is {result.answer.shape[0]}×{result.answer.shape[1]}, "
                     f"J is {result.target.shape[0]}×{result.target.shape[1]}}}")
    else:
        lines.append("\\text{wrong: " + ", ".join(wrong) + "}")
    return "\n".join(f"\\[ {line} \\]" for line in lines)
