"""An exercise sheet: Markdown (default), LaTeX (a printable sheet, the answers on a page of their own),
JSON (question, specs, point, answer and the jac check that verified it)."""

from __future__ import annotations

from typing import Any

from ..core.request import RenderOptions
from ..results.tools import Exercise, ExerciseSheet
from .model import Block, Heading, Line

TITLES = {"jacobian": "Jacobian matrices", "chain": "The chain rule", "determinant": "Jacobian determinants",
          "change-of-variables": "Changes of variables", "implicit": "Implicit differentiation",
          "hessian": "Hessian matrices", "critical": "Critical points"}


def _sheets(sheet: ExerciseSheet) -> list[ExerciseSheet]:
    return sheet.sheets or [sheet]


def markdown(sheet: ExerciseSheet, options: RenderOptions) -> str:
    out = []
    for s in _sheets(sheet):
        who = f" — {s.student}" if s.student else ""
        out.append(f"# {TITLES[s.kind]}{who}\n\n*jac exercise --kind {s.kind} --seed {s.seed} "
                   f"--difficulty {s.difficulty}*\n")
        out += [f"{e.number}. {e.question}" for e in s.exercises]
        if not options.hide_answers:
            out.append("\n## Answers\n")
            out += [f"{e.number}. ${e.answer_latex}$" if e.kind != "critical" else f"{e.number}. {e.answer_latex}"
                    for e in s.exercises]
        out.append("")
    return "\n".join(out)


def latex(sheet: ExerciseSheet, options: RenderOptions) -> str:
    lines = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}"]
    for s in _sheets(sheet):
        who = f" --- {s.student}" if s.student else ""
        lines += [rf"\section*{{{TITLES[s.kind]}{who}}}",
                  rf"\noindent\emph{{jac exercise --kind {s.kind} --seed {s.seed} --difficulty {s.difficulty}}}",
                  r"\begin{enumerate}"]
        lines += [rf"  \item {e.question_latex}" for e in s.exercises]
        lines += [r"\end{enumerate}", r"\newpage"]
        if not options.hide_answers:
            lines += [rf"\section*{{Answers{who}}}", r"\begin{enumerate}"]
            lines += [rf"  \item ${e.answer_latex}$" if e.kind != "critical" else rf"  \item {e.answer_latex}"
                      for e in s.exercises]
            lines += [r"\end{enumerate}", r"\newpage"]
    lines.append(r"\end{document}")
    return "\n".join(lines)


def _exercise(e: Exercise, hide_answers: bool) -> dict[str, Any]:
    # the command that checks an answer, up to the option that takes it: append the answer and run it
    takes = "--expect-det" if e.options.get("det") else "--expect"
    out = {"number": e.number, "kind": e.kind, "question": e.question, "specs": e.specs, "at": e.at,
           "check": ["jac", "check", *e.check, takes]}
    if not hide_answers:
        out.update({"answer": e.answer, "answer_latex": e.answer_latex})
    return out


def body(sheet: ExerciseSheet, options: RenderOptions) -> dict[str, Any]:
    return {"sheets": [{"student": s.student, "kind": s.kind, "seed": s.seed, "difficulty": s.difficulty,
                        "exercises": [_exercise(e, options.hide_answers) for e in s.exercises]}
                       for s in _sheets(sheet)]}


def blocks(sheet: ExerciseSheet, options: RenderOptions) -> list[Block]:
    return [Heading("exercises"), Line(markdown(sheet, options))]
