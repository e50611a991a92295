"""Results of checking an answer (checking.py) and a class's answers (grading.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.display import Displayable

if TYPE_CHECKING:
    import sympy as sp

    from ..calculus.evaluate import Point
    from ..model.function import VectorFunction
    from ..parse.answer import Answer
    from ..parse.arrays import NumericPoint
    from . import JacobianResult


# ---------------------------------------------------------------------------
# Checking an answer (checking.py)

@dataclass
class ClassVerdict:
    """--expect-class: the second-derivative test's verdict at the point, against the one given."""

    answer: str
    expected: str  # local minimum, local maximum, saddle point, inconclusive
    ok: bool
    note: str | None = None


@dataclass
class EntryVerdict:
    row: int
    col: int
    label: str
    answer: sp.Expr
    answer_text: str
    expected: sp.Expr
    ok: bool
    method: str  # "numeric" (at a point), "symbolic" (proved), "sampled" (compared at points)
    answer_value: float | None = None
    expected_value: float | None = None
    remark: str | None = None


@dataclass
class Diagnosis:
    kind: str  # transpose, columns, rows, order, point, shape, sign, factor, rounding, domain, determinant
    message: str


@dataclass
class DetVerdict:
    answer: sp.Expr
    expected: sp.Expr | None
    ok: bool
    method: str


@dataclass(repr=False)
class CheckResult(Displayable):
    command = "check"

    target: JacobianResult
    answer: Answer
    mode: str  # "point" or "symbolic"
    rtol: float
    atol: float
    entries: list[EntryVerdict] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    determinant: DetVerdict | None = None
    notes: list[str] = field(default_factory=list)
    region: str | None = None  # where sampled comparisons were made
    assumptions: list[str] = field(default_factory=list)
    layout: str = "as J"  # "as J", or "gradient as a column" when a column was accepted
    what: str = "J"  # what was checked: J, H (--hessian), ∂y/∂x (--implicit)
    classification: ClassVerdict | None = None  # --expect-class
    read: list[VectorFunction] = field(default_factory=list)  # the functions as given (shown as read), when J is of others

    @property
    def expected(self) -> sp.Matrix:
        return self.target.at.exact if self.mode == "point" else self.target.symbolic  # type: ignore[union-attr]

    @property
    def shown_functions(self) -> list[VectorFunction]:
        """The functions as given (the Jacobian may be of others: the gradient of f for --hessian)."""
        return list(self.read) if self.read else list(self.target.functions)

    @property
    def wrong_entries(self) -> list[str]:
        """The labels of the wrong entries; every entry of J when the answer has the wrong shape (no entry of
        it can be compared), and det when the determinant is wrong."""
        if not self.shape_ok:
            m, n = self.expected.shape
            wrong = [f"all {m * n} (wrong shape)"]
        else:
            wrong = [v.label for v in self.entries if not v.ok]
        if self.determinant is not None and not self.determinant.ok:
            wrong.append("det")
        if self.classification is not None and not self.classification.ok:
            wrong.append("classification")
        return wrong

    @property
    def wrong_count(self) -> int:
        """How many entries of J are wrong (all of them when the shape is wrong); the determinant aside."""
        if not self.shape_ok:
            m: int
            n: int
            m, n = self.expected.shape
            return m * n
        return sum(not v.ok for v in self.entries)

    @property
    def shape_ok(self) -> bool:
        return self.answer.cells is not None or self.answer.shape == self.target.shape or self.layout != "as J"

    @property
    def passed(self) -> bool:
        return (self.shape_ok and (bool(self.entries) or self.determinant is not None or self.classification is not None)
                and all(e.ok for e in self.entries) and (self.determinant is None or self.determinant.ok)
                and (self.classification is None or self.classification.ok))

    @property
    def point(self) -> Point | NumericPoint | None:
        return self.target.point


# ---------------------------------------------------------------------------
# A class's answers (grading.py)

@dataclass
class Grade:
    id: str
    where: str
    result: CheckResult | None = None
    error: str | None = None  # the answer could not be read (or judged): why
    exit_code: int = 0  # the error's exit code
    flags: list[str] = field(default_factory=list)  # graded, but worth a look (a duplicate id)

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.passed


@dataclass(repr=False)
class GradeSheet(Displayable):
    command = "check"

    grades: list[Grade]
    origin: str
    functions: list[VectorFunction] = field(default_factory=list)  # what was differentiated (shown as read)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.grades) and all(g.passed for g in self.grades)

    def counts(self) -> tuple[int, int, int]:
        """(passed, failed, unreadable)."""
        unreadable = sum(g.result is None for g in self.grades)
        passed = sum(g.passed for g in self.grades)
        return passed, len(self.grades) - passed - unreadable, unreadable

    def common_diagnoses(self, k: int = 3) -> list[tuple[str, int]]:
        """The most common mistakes, each counted once per student who made it."""

        kinds = Counter(kind for g in self.grades if g.result is not None
                        for kind in dict.fromkeys(d.kind for d in g.result.diagnoses))
        return kinds.most_common(k)

    def summary(self) -> str:
        """``21 answers: 10 passed, 6 failed, 5 unreadable, 2 flagged; most common mistakes: sign (3)``."""
        passed, failed, unreadable = self.counts()
        flagged = sum(bool(g.flags) for g in self.grades)
        common = ", ".join(f"{kind} ({count})" for kind, count in self.common_diagnoses())
        n = len(self.grades)
        return (f"{n} answer{'s' if n != 1 else ''}: {passed} passed, {failed} failed, {unreadable} unreadable"
                + (f", {flagged} flagged (see the flags column)" if flagged else "")
                + (f"; most common mistakes: {common}" if common else ""))


@dataclass
class PointVerdict:
    """One critical point of the answer against the expected ones (jac check --critical)."""

    label: str  # the point as jac writes it: (1, -2)
    answer_text: str  # as the student wrote it
    expected: str | None  # its classification; None: not a critical point
    answer: str | None  # the classification the student gave; None: the point is missing, or unclassified
    found: bool  # the student gave this point
    ok: bool


@dataclass(repr=False)
class CriticalCheck(Displayable):
    """``jac check SPEC --critical --expect "(1, 1) local minimum; (0, 0) saddle point"``: the set of critical
    points (within --in) and each one's classification, against jac critical's exact solution."""

    command = "check"

    function: Any  # the VectorFunction
    points: list[PointVerdict]
    diagnoses: list[Diagnosis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    region: str | None = None
    determinant: None = None
    classification: None = None

    @property
    def functions(self) -> list[VectorFunction]:
        return [self.function]

    @property
    def passed(self) -> bool:
        return all(p.ok for p in self.points)  # a missing or an extra point is a verdict that is not ok

    @property
    def wrong_entries(self) -> list[str]:
        return [p.label for p in self.points if not p.ok]

    @property
    def wrong_count(self) -> int:
        return len(self.wrong_entries)
