"""``jac check SPEC --critical --expect "(1, 1) local minimum; (0, 0) saddle point"``: a student's critical
points and their classifications against ``jac critical``'s exact solution (within ``--in``).

The answer lists points separated by ``;`` or new lines, each a point — ``(1, 2)``, ``1, 2`` or
``x = 1, y = 2`` — followed by its classification in words (local minimum, local maximum, saddle point,
inconclusive; min, max, saddle); ``none`` says there are no critical points. Points are matched exactly
(or within --rtol/--atol when the coordinates are decimals), whatever their order.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy as sp

from ..calculus.printing import to_text
from ..core.errors import ParseError, SpecError
from ..core.request import Request, option
from ..parse import forms
from ..results.check import CriticalCheck, Diagnosis, PointVerdict
from .check import _CLASS_WORDS
from .critical import critical_of

if TYPE_CHECKING:
    from ..model.function import VectorFunction

_NONE = ("none", "no critical points", "no points", "∅", "{}")


def parse_answer(text: str, n: int) -> list[tuple[list[sp.Expr], str | None, str]]:
    """(coordinates, classification or None, the item as written) for every point of the answer."""

    items = [item.strip() for item in re.split(r"[;\n]", text) if item.strip()]
    if len(items) == 1 and items[0].lower().rstrip(".") in _NONE:
        return []
    out = []
    for item in items:
        point_text, word = _split_item(item)
        try:
            values = forms.parse_point(point_text)
        except ParseError as err:
            raise SpecError(f"the answer's point {point_text!r} cannot be read: {str(err).splitlines()[0]}",
                            hint="write each point and its kind, e.g. \"(1, 2) local minimum; (0, 0) saddle "
                                 "point\"") from None
        if len(values) != n:
            raise SpecError(f"the answer's point {point_text!r} has {len(values)} coordinates; f has {n} inputs")
        classification = None
        if word:
            classification = _CLASS_WORDS.get(" ".join(word.lower().replace("-", " ").split()))
            if classification is None:
                raise SpecError(f"{word!r} after the point {point_text} is not a classification jac knows",
                                hint="local minimum, local maximum, saddle point or inconclusive (min, max, saddle)")
        out.append(([v.value for v in values], classification, item))
    return out


def _split_item(item: str) -> tuple[str, str]:
    """``(1, 2) local min`` → (``(1, 2)``, ``local min``); ``x = 1, y = 2: saddle`` → (``x = 1, y = 2``,
    ``saddle``)."""
    if item.startswith(("(", "[")):
        depth = 0
        for k, ch in enumerate(item):
            depth += ch in "(["
            depth -= ch in ")]"
            if depth == 0:
                return item[:k + 1], item[k + 1:].strip(" :,-–—=\t")
    match = re.match(r"(.*?[\d)\w])\s*[:–—]\s*([A-Za-z][A-Za-z \-]*)$", item) or \
        re.match(r"(.*?[\d)])\s+([A-Za-z][A-Za-z \-]*)$", item)
    if match:
        return match.group(1), match.group(2)
    return item, ""


class CriticalGrader:
    """The expected critical points of one function, computed once; ``judge`` compares one answer."""

    def __init__(self, request: Request, functions: list[VectorFunction]):
        if request.constraints:
            raise SpecError(f"{option('critical')} checks unconstrained critical points",
                            hint="check a constrained point with jac critical … --constraint")
        self.result = critical_of(request.with_(command="critical"), functions)
        self.function = self.result.function
        self.functions = [self.function]
        self.rtol = request.rtol if request.rtol is not None else 1e-9
        self.atol = request.atol if request.atol is not None else 1e-12
        self.region = request.box
        self.notes = list(self.result.notes)
        if self.result.method != "exact":
            self.notes.append("the critical points were found numerically (not proved to be all of them): a missing "
                              "point is judged against that search")

    def judge(self, text: str) -> CriticalCheck:
        n = self.function.n
        answered = parse_answer(text, n)
        expected = [(list(p.point), p.classification) for p in self.result.points]
        used: set[int] = set()
        verdicts: list[PointVerdict] = []
        diagnoses: list[Diagnosis] = []
        for coords, word in expected:
            label = "(" + ", ".join(to_text(c) for c in coords) + ")"
            match = next((k for k, (a, _, _) in enumerate(answered) if k not in used and self._same(a, coords)), None)
            if match is None:
                verdicts.append(PointVerdict(label, "", word, None, False, False))
                diagnoses.append(Diagnosis("missing", f"{label} is a critical point ({word}) that the answer lacks"))
                continue
            used.add(match)
            given = answered[match][1]
            ok = given == word
            verdicts.append(PointVerdict(label, answered[match][2], word, given, True, ok))
            if given is None:
                diagnoses.append(Diagnosis("classification", f"{label} is not classified: it is a {word}"))
            elif not ok:
                diagnoses.append(Diagnosis("classification", f"{label} is a {word}, not a {given}"))
        for k, (coords, said, written) in enumerate(answered):
            if k in used:
                continue
            label = "(" + ", ".join(to_text(c) for c in coords) + ")"
            verdicts.append(PointVerdict(label, written, None, said, True, False))
            diagnoses.append(Diagnosis("extra", f"{label} is not a critical point of {self.function.name}"
                                       + (f" in {self.region}" if self.region else "")))
        return CriticalCheck(self.function, verdicts, diagnoses, list(self.notes), self.region)

    def _same(self, answer: list[sp.Expr], expected: list[sp.Expr]) -> bool:
        for a, e in zip(answer, expected):
            difference = sp.nsimplify(a - e) if (a.has(sp.Float) or e.has(sp.Float)) else sp.simplify(a - e)
            if difference == 0:
                continue
            value, scale = abs(complex(sp.N(a - e, 30))), abs(complex(sp.N(e, 30)))
            if not value <= self.atol + self.rtol * scale:
                return False
        return True


def check_critical(request: Request, functions: list[VectorFunction]) -> CriticalCheck:
    if request.expect is None:
        raise SpecError(f"{option('critical')} checks an answer: give {option('expect')} \"(1, 1) local minimum; …\"")
    text = request.stdin_text if request.expect == "-" else request.expect
    if text is None:
        raise SpecError(f"{option('expect')} - means the answer on standard input, but none was given")
    return CriticalGrader(request, functions).judge(text)
