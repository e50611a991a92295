"""Results of the tools around the chain rule: the cost of an order, generated code, plots and
exercise sheets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.display import Displayable
from ..model.function import VectorFunction

if TYPE_CHECKING:
    from ..chain.order import Plan, Shape


# ---------------------------------------------------------------------------
# The cost of an order (cost.py)

@dataclass(repr=False)
class CostResult(Displayable):
    command = "cost"

    shapes: list[Shape]
    names: list[str]
    plans: dict[str, Plan]
    notes: list[str] = field(default_factory=list)
    compressed: dict[str, int] | None = None  # sparse factors: colours, one JVP's and all JVPs' multiply-adds

    @property
    def dims(self) -> list[int]:
        return [self.shapes[0].cols] + [s.rows for s in self.shapes]

    @property
    def shown_functions(self) -> list[VectorFunction]:
        return []  # widths, not functions


# ---------------------------------------------------------------------------
# Generated code (codegen.py)

@dataclass(repr=False)
class CodegenResult(Displayable):
    command = "codegen"

    code: str
    language: str
    target: str
    method: str  # "single", "composed" or "chain"
    operations: dict[str, int]
    functions: list[VectorFunction]
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Pictures (plotting.py: the data; plot_draw.py: matplotlib)

@dataclass(repr=False)
class PlotResult(Displayable):
    command = "plot"

    data: Any  # plotting.PlotData (numpy arrays)
    path: str  # the picture
    notes: list[str] = field(default_factory=list)
    functions: list[VectorFunction] = field(default_factory=list)  # shown as read


# ---------------------------------------------------------------------------
# Exercises (exercise.py)

@dataclass
class Exercise:
    kind: str
    seed: int
    number: int
    question: str  # Markdown, math in $…$
    question_latex: str
    specs: list[str]  # in jac's syntax: `jac check SPEC… --at … --expect ANSWER` re-checks it
    at: str | None
    answer: str  # jac syntax (what --expect reads)
    answer_latex: str
    check: list[str]  # the jac check arguments that verified it
    options: dict[str, Any] = field(default_factory=dict)  # e.g. {"hessian": True}


@dataclass(repr=False)
class ExerciseSheet(Displayable):
    command = "exercise"

    exercises: list[Exercise]
    kind: str
    seed: int
    difficulty: int
    student: str | None = None
    sheets: list["ExerciseSheet"] = field(default_factory=list)  # a roster: one per student
    notes: list[str] = field(default_factory=list)
