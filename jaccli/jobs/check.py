"""Checking an answer against the Jacobian jac computes, entry by entry, and
explaining the classic mistakes: the transpose, columns in another order, the
wrong order of factors, the outer factor evaluated at x instead of f(x), a wrong
shape, a sign or a constant factor.

Fair to right answers: a gradient written as a column is accepted for a scalar
function; an answer in the intermediate variables (w_u = w_x·x_u + w_y·y_u left
in x and y) is compared after substituting the inner functions; equality is
decided on the real domain of the expected Jacobian (and under ``--assume``).

Strict with wrong ones: a difference that simplifies to a non-zero constant, or
that sympy proves non-zero, fails; where simplification cannot decide, the two
are compared at points over the whole real domain at several scales and on both
sides of every seam, with exactly the tolerances given (0 by default in symbolic
mode), and the verdict says it was sampled, not proved.
"""

from __future__ import annotations

import math
import re
from itertools import permutations
from typing import Any, Callable, Sequence

import sympy as sp

from ..calculus import tolerance
from ..calculus.evaluate import Point, exact_at, to_number
from ..calculus.numbers import fmt_number
from ..calculus.printing import to_text
from ..calculus.sampling import Sampled, Sampler
from ..calculus.simplify import SIMPLIFY_MAX_OPS, tidy
from ..calculus.symbols import symbol
from ..core.budget import attempt
from ..core.errors import JacError, MathError, ParseError, SpecError, UsageError
from ..core.request import POINT_ATOL_FLOOR, POINT_ATOL_SCALE, POINT_RTOL, SYMBOLIC_TOL, Request, option
from ..model.function import VectorFunction
from ..model.jacobian import substitute_chain
from ..parse import grammar
from ..parse.answer import Answer, load_answer
from ..parse.point import make_point
from ..results import JacobianResult
from ..results.check import CheckResult, ClassVerdict, DetVerdict, Diagnosis, EntryVerdict

_CLOSE_RTOL = 1e-2  # "close: rounding?" below this relative difference
MAX_PERMUTED = 4  # columns/rows in another order are looked for up to this size


# ---------------------------------------------------------------------------
# Deciding equality

class _Comparer:
    """Decides whether two expressions are equal, at a point or symbolically."""

    def __init__(self, point: Point | None, symbols: Sequence[sp.Symbol], rtol: float, atol: float,
                 assumptions: Sequence[sp.Basic] = (), seams: Sequence[sp.Expr] = ()):
        self.point, self.symbols, self.rtol, self.atol = point, tuple(symbols), rtol, atol
        self.assumptions = list(assumptions)
        self.seams = list(seams)
        self._sampler: Sampler | None = None
        self.sampled_points = 0
        self.last: Sampled | None = None  # the last sampled comparison (where it failed)

    @property
    def sampler(self) -> Sampler:
        if self._sampler is None:
            self._sampler = Sampler(self.symbols, self.assumptions, self.seams)
        return self._sampler

    def value(self, expr: sp.Expr, label: str):
        assert self.point is not None
        return to_number(exact_at(expr, self.point, label), label)

    def close(self, a, e, rtol: float | None = None) -> bool:
        rtol = self.rtol if rtol is None else rtol
        return abs(complex(a) - complex(e)) <= self.atol + rtol * abs(complex(e))

    def equal(self, answer: sp.Expr, expected: sp.Expr, label: str = "entry") -> tuple[bool, str]:
        if self.point is not None:
            try:
                return self.close(self.value(answer, label), self.value(expected, label)), "numeric"
            except MathError:
                return False, "numeric"
        proved = self.prove(answer, expected)
        if proved is not None:
            return proved, "symbolic"
        sampled = self.sampler.compare(answer, expected, self.rtol, self.atol)
        self.last = sampled
        self.sampled_points = max(self.sampled_points, sampled.points)  # compared there, right or wrong
        return sampled.ok, "sampled"

    def prove(self, answer: sp.Expr, expected: sp.Expr) -> bool | None:
        """True when the difference simplifies to 0 (under the assumptions), False when it is a
        non-zero constant or sympy proves it non-zero; None when neither could be shown (in budget)."""
        diff = answer - expected
        if diff == 0:
            return True

        def work() -> bool | None:
            tidied = tidy(diff, thorough=sp.count_ops(diff) <= SIMPLIFY_MAX_OPS)
            if tidied == 0:
                return True
            if not tidied.free_symbols:
                return tolerance.exact_sign(tidied) == 0 if tolerance.is_exact(tidied) else float(tidied) == 0
            if diff.is_zero is False:
                return False
            positive = self._assumed(tidied)
            if positive is not None and tidy(positive) == 0:
                return True
            return None

        return attempt(work, lambda: None, "symbolic comparison")

    def _assumed(self, expr: sp.Expr) -> sp.Expr | None:
        """``expr`` with each input that --assume says is positive (negative, …) replaced by a
        symbol carrying that assumption, so that sympy may use it (sqrt(x y) = sqrt(x) sqrt(y))."""
        replacements = {}
        for cond in self.assumptions:
            if isinstance(cond, sp.core.relational.Relational) and cond.rhs == 0 and cond.lhs in self.symbols:
                kind = {">": "positive", ">=": "nonnegative", "<": "negative", "<=": "nonpositive"}.get(cond.rel_op)
                if kind:
                    replacements[cond.lhs] = sp.Dummy(cond.lhs.name, **{kind: True})
        return expr.xreplace(replacements) if replacements else None

    def matrices_equal(self, a: sp.Matrix, b: sp.Matrix) -> bool:
        return a.shape == b.shape and all(self.equal(x, y)[0] for x, y in zip(a, b))

    def relation(self, a: sp.Expr, e: sp.Expr) -> str:
        """"eq", "neg" (the sign is wrong) or "other"."""
        if self.equal(a, e)[0]:
            return "eq"
        if not (e == 0) and self.equal(a, -e)[0]:
            return "neg"
        return "other"


# ---------------------------------------------------------------------------
# The check

def _intermediate_names(functions) -> list[str]:
    """Names of the intermediate variables of a composition (later functions' inputs)
    an answer may use, besides the first function's inputs."""
    first = set(functions[0].inputs)
    names: list[str] = []
    for fn in functions[1:]:
        for name in getattr(fn, "inputs", ()):
            if name not in first and name not in names:
                names.append(name)
    return names


def parse_assumptions(text: str | Sequence[str] | None, names: Sequence[str]) -> list[sp.Basic]:
    """``"x > 0, y > 0"`` (commas or 'and') → sympy relations in the inputs."""
    if not text:
        return []
    items = [text] if isinstance(text, str) else list(text)
    out: list[sp.Basic] = []
    for item in items:
        for part in _split_top_level(item):
            scope = grammar.Scope(names)
            try:
                cond = grammar.parse_condition(part, names, scope)
            except ParseError as err:
                raise err.located(option("assume")) from None
            out.extend(cond.args if isinstance(cond, sp.And) else [cond])
    return out


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "([" and 1 or (-1 if ch in ")]" else 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def check_answer(request: Request, functions: list) -> CheckResult:
    """Check ``request.expect`` (and ``expect_det``, ``expect_entry``) against the Jacobian of ``functions``
    (their composition when several, application order). Every input is parsed before any symbolic work.
    ``rtol``/``atol`` default to request.POINT_RTOL and POINT_ATOL_SCALE × J's largest entry at a point,
    and to 0 (exact) symbolically."""
    expect = request.expect
    if isinstance(expect, str) and expect == "-" and "-" in request.specs:
        raise SpecError("standard input (-) can be read only once: give either the spec or the answer as '-'")
    if request.expect_grad is not None:
        if functions[-1].m != 1:
            raise SpecError(f"{option('expect_grad')}: {functions[-1].name} has {functions[-1].m} outputs, so it has "
                            "no gradient (a gradient is the Jacobian of a scalar function)",
                            hint=f"check its Jacobian with {option('expect')}")
        expect = request.expect_grad
    given = functions
    grader = make_grader(request, functions)  # the symbolic work, once
    functions = grader.functions
    names = answer_names(functions)
    answer = read_answer(request, functions, expect) if expect is not None else None
    partial = _partial_answer(request, functions, answer)
    det_answer = _parse_det(request.expect_det, names, request.latex)
    result = grader.judge(partial if partial is not None else answer, det_answer)
    result.read = list(given)
    if request.expect_class is not None:
        result.classification = grader.classify(request.expect_class)
    return result


_CLASS_WORDS = {
    **{w: "local minimum" for w in ("min", "minimum", "local min", "local minimum", "relative minimum",
                                    "relative min")},
    **{w: "local maximum" for w in ("max", "maximum", "local max", "local maximum", "relative maximum",
                                    "relative max")},
    **{w: "saddle point" for w in ("saddle", "saddle point")},
    **{w: "inconclusive" for w in ("inconclusive", "degenerate", "test fails", "the test fails")},
}


def is_classification(answer: object) -> bool:
    """Is this answer a classification word (local minimum, saddle, …) rather than a matrix?"""
    return isinstance(answer, str) and " ".join(answer.lower().replace("-", " ").split()) in _CLASS_WORDS


def make_grader(request: Request, functions: list) -> Grader:
    """The Grader for what is checked: J (of a chain), the Hessian (--hessian: the Jacobian of ∇f), or
    ∂y/∂x of F(x, y) = 0 (--implicit)."""
    if request.hessian:
        gradient, name, inputs = _gradient_function(functions)
        return Grader(request, [gradient], what="H",
                      labels=lambda i, j: derivative_label(name, (inputs[i], inputs[j])))
    if request.implicit:
        return _implicit_grader(request, functions)
    return Grader(request, functions)


def derivative_label(output: str, wrt: Sequence[str]) -> str:
    from .taylor import derivative_label as label

    return label(output, wrt)


def _gradient_function(functions) -> tuple[VectorFunction, str, tuple[str, ...]]:
    """∇f as a vector function: its Jacobian is f's Hessian (for a chain, of the composed f, written in the
    first function's inputs)."""
    last, first = functions[-1], functions[0]
    if last.m != 1:
        raise SpecError(f"{option('hessian')} checks the Hessian of a scalar function, and {last.name} has {last.m} "
                        "outputs", hint="jac hessian shows one Hessian per output")
    expr = substitute_chain(functions)[-1][0] if len(functions) > 1 else last.outputs[0]
    name = "∘".join(fn.name for fn in reversed(functions))
    gradient = tuple(sp.diff(expr, s) for s in first.symbols)
    conditions = first.conditions[0] if len(functions) == 1 and first.conditions else ()
    fn = VectorFunction(name, first.inputs, gradient, tuple(f"∂{name}/∂{v}" for v in first.inputs), first.origin,
                        first.notes, tuple(conditions for _ in gradient))
    return fn, name, first.inputs


def _implicit_grader(request: Request, functions) -> Grader:
    """∂y/∂x = −[∂F/∂y]⁻¹ ∂F/∂x as the matrix to check: answers may use the unknowns too (∂z/∂x = −x/z)."""
    from dataclasses import replace

    from ..results import Factor, JacobianResult
    from .implicit import implicit_of

    if len(functions) != 1:
        raise UsageError(f"{option('implicit')} checks one F(x, y) = 0: give one SPEC")
    r = implicit_of(request.with_(command="implicit"), functions[0])
    if r.symbolic is None and r.at is None:
        raise SpecError("∂y/∂x could not be formed symbolically", hint=f"check it at a point with {option('at')}")
    F = r.function
    name = r.unknowns[0] if len(r.unknowns) == 1 else "(" + ", ".join(r.unknowns) + ")"
    shown = replace(F, name=name)
    factor = Factor(name, r.parameters, r.unknowns, function=shown, symbolic=r.symbolic, point=r.point, at=r.at)
    target = JacobianResult("jacobian", [shown], [factor], symbolic=r.symbolic, point=r.point, at=r.at,
                            notes=list(r.notes))
    return Grader(request, [shown], target=target, what="∂y/∂x",
                  labels=lambda i, j: f"∂{r.unknowns[i]}/∂{r.parameters[j]}", surface=F)


def answer_names(functions) -> tuple[str, ...]:
    """The names an answer may use: the first function's inputs, and the intermediate names of a chain."""
    return tuple(functions[0].inputs) + tuple(_intermediate_names(functions))


def read_answer(request: Request, functions, expect: Any) -> Answer:
    if isinstance(expect, Answer):
        return expect
    labelled = _labelled_entries(expect, functions) if isinstance(expect, str) else None
    if labelled is not None:  # "dw/du = 116; dw/dv = 65"
        return _entries_answer(labelled, functions, request, option("expect"))
    return load_answer(expect, answer_names(functions), stdin_text=request.stdin_text, latex=request.latex)


class Grader:
    """The Jacobian of a chain, computed once, and answers judged against it one by one (jac check,
    and a class's answers with --answers)."""

    def __init__(self, request: Request, functions: list, *, target: JacobianResult | None = None,
                 labels: Callable[[int, int], str] | None = None, what: str = "J", surface: Any = None):
        """``target``: the matrix to check when it is not J (implicit); ``labels`` name its entries;
        ``surface``: F, when answers may be written on F = 0 (implicit)."""
        from .jacobian import jacobian_of

        self.request, self.functions, self.what, self.surface = request, functions, what, surface
        inputs = functions[0].inputs
        self.intermediates = _intermediate_names(functions)
        self.assumptions = parse_assumptions(request.assume, inputs)
        point = make_point(request.at, functions[0])
        if request.expect_det is not None and functions[-1].m != functions[0].n:
            raise SpecError(f"{option('expect_det')}: J is {functions[-1].m}×{functions[0].n}, not square, so it "
                            "has no determinant")
        self.point = point
        if target is None:
            from ..calculus.simplify import quick

            with quick():  # compared, not shown whole: the entries shown are tidied when they are (_entry)
                target = jacobian_of(request.with_(command="jacobian" if len(functions) == 1 else "compose",
                                                   at=point), functions)
        self.target = target
        self.labels = labels or _labels(self.target)
        self.mode = "point" if point is not None else "symbolic"
        expected = self.target.at.exact if self.mode == "point" else self.target.symbolic  # type: ignore[union-attr]
        if expected is None:
            raise SpecError("the composed Jacobian could not be formed symbolically within the time budget",
                            hint=f"check the answer at a point with {option('at')}, or raise {option('timeout')}")
        self.expected: sp.MatrixBase = expected
        self.rtol, self.atol = _tolerances(self.mode, request.rtol, request.atol, self.target)
        self.expected_seams = [s.xreplace(_chain_subs(functions, self.intermediates))
                               for s in _expected_seams(functions)]
        self._judged: dict[Any, CheckResult] = {}
        self._entries: dict[Any, EntryVerdict] = {}

    def judge(self, answer: Answer | None, det_answer: sp.Expr | None = None) -> CheckResult:
        """The verdict on one answer. Answers that read as the same matrix (however written: "sin θ" and
        "sin(theta)") get the same verdict, computed once: a class's answers repeat."""
        key = None if answer is None else (sp.ImmutableMatrix(answer.matrix), tuple(answer.cells or ()),
                                           answer.cells is None, tuple(answer.seams), det_answer)
        if answer is not None and key in self._judged:
            return _as_written(self._judged[key], answer)
        result = self._judge(answer, det_answer)
        if not result.passed and answer is not None and self.surface is not None and self.mode == "symbolic":
            result = self._on_the_surface(answer, det_answer) or result
        if key is not None:
            self._judged[key] = result
        return result

    def _on_the_surface(self, answer: Answer, det_answer: sp.Expr | None) -> CheckResult | None:
        """An implicit derivative written without the unknowns (−x/sqrt(1 − x² − y²) for −x/z) is right
        on F = 0, not everywhere: compare on each branch of F = 0 solved for them."""
        from copy import copy
        from dataclasses import replace

        unknowns = [symbol(name) for name in self.target.output_names]
        if answer.matrix.free_symbols & set(unknowns):
            return None
        branches = attempt(lambda: sp.solve(list(self.surface.outputs), unknowns, dict=True), lambda: [],
                           "solving F = 0 for the unknowns")
        for branch in branches or []:
            if not all(u in branch for u in unknowns):
                continue
            other = copy(self)
            other.surface = None
            other._judged, other._entries = {}, {}
            other.expected = self.expected.xreplace(branch)
            other.target = replace(self.target, symbolic=other.expected)
            result = other._judge(answer, det_answer)
            if result.passed:
                where = ", ".join(f"{u} = {to_text(branch[u])}" for u in unknowns)
                result.notes.append(f"your answer is written without {', '.join(map(str, unknowns))}: it agrees on "
                                    f"the branch {where} of F = 0 (where the implicit function lives)")
                return result
        return None

    def classify(self, word: str) -> ClassVerdict:
        """--expect-class: the second-derivative test at the point, against the word given."""
        from .critical import _second_derivative_test

        expected_word, _ = _second_derivative_test(self.target.at.exact_matrix()  # type: ignore[union-attr]
                                                   if self.mode == "point" else self.expected, "exact")
        given = _CLASS_WORDS.get(" ".join(word.lower().replace("-", " ").split()))
        if given is None:
            raise SpecError(f"{option('expect_class')} {word!r}: not a classification jac knows",
                            hint="local minimum, local maximum, saddle point or inconclusive (min, max, saddle)")
        gradient_zero = self._gradient_zero()
        note = None if gradient_zero else "∇f is not 0 at this point: it is not a critical point, and the " \
                                          "second-derivative test classifies critical points only"
        return ClassVerdict(word, expected_word, given == expected_word and gradient_zero, note)

    def _gradient_zero(self) -> bool:
        from ..calculus import tolerance
        from ..calculus.evaluate import exact_at

        point = self.point
        if point is None:
            return True
        for expr in self.functions[0].outputs:  # the gradient function's outputs: ∂f/∂xᵢ
            value = exact_at(expr, point, "the gradient")
            if not tolerance.is_zero(value, tolerance.term_scale(expr, point.subs)):
                return False
        return True

    def _entry(self, comparer: _Comparer, a: sp.Expr, text: str, i: int, j: int, label: str,
               seams: list) -> EntryVerdict:
        """One entry's verdict; the same entry, read the same, in another answer is not compared again."""
        from dataclasses import replace

        key = (a, i, j, tuple(seams))
        if key not in self._entries:
            self._entries[key] = _entry(comparer, a, text, self.expected, i, j, label)
        return replace(self._entries[key], answer_text=text)

    def _judge(self, answer: Answer | None, det_answer: sp.Expr | None = None) -> CheckResult:
        functions, target, expected = self.functions, self.target, self.expected
        assert expected is not None
        shown = answer if answer is not None else Answer(sp.zeros(0, 0), [], "none", cells=[])
        result = CheckResult(target, shown, self.mode, self.rtol, self.atol, notes=list(target.notes), what=self.what,
                             assumptions=[to_text(a) for a in self.assumptions])
        seams = list(self.expected_seams)
        if answer is not None:
            result.notes += [n for n in (answer.scope.notes if answer.scope else [])]
            seams += [s.xreplace(_chain_subs(functions, self.intermediates)) for s in answer.seams]
        comparer = _Comparer(self.point, functions[0].symbols, self.rtol, self.atol, self.assumptions, seams)
        labels = self.labels
        substituted = None
        if answer is not None and answer.cells is not None:  # some entries only
            substituted = _in_inputs(answer.matrix, functions, self.intermediates, target, self.mode)
            for k, (i, j) in enumerate(answer.cells):
                result.entries.append(self._entry(comparer, substituted[0, k], answer.texts[0][k], i, j,
                                                  labels(i, j), seams))
        elif answer is not None:
            substituted = _in_inputs(answer.matrix, functions, self.intermediates, target, self.mode)
            matrix, layout = _layout(substituted, expected)
            result.layout = layout
            if layout != "as J":
                result.notes.append("your answer is the gradient written as a column (∇f = Jᵀ), the usual way to "
                                    "write it; jac compared it with J's row, entry by entry (J itself is 1×n: one "
                                    "row per output)")
            if matrix.shape == expected.shape:
                for i in range(expected.rows):
                    for j in range(expected.cols):
                        text = answer.texts[j][i] if layout != "as J" else answer.texts[i][j]
                        result.entries.append(self._entry(comparer, matrix[i, j], text, i, j, labels(i, j), seams))
        if det_answer is not None:
            result.determinant = _check_det(comparer, target, self.mode, det_answer, functions, self.intermediates)
        if not result.passed:
            if answer is not None and answer.cells is not None:
                result.diagnoses = _partial_diagnoses(result, comparer, expected, labels)
            elif substituted is not None:
                result.diagnoses = _diagnose(result, comparer, functions, substituted)
            elif result.determinant is not None:
                result.diagnoses = [_det_diagnosis(result, comparer)]
        if any(e.method == "sampled" for e in result.entries):  # where they were compared, right or wrong
            result.region = _region(comparer, self.assumptions)
        if any(e.method == "sampled" and e.ok for e in result.entries):
            result.notes.append(f"simplification could not decide some entries: they were compared {result.region} "
                                "(sampled, not proved)")
        return result


def _as_written(result: CheckResult, answer: Answer) -> CheckResult:
    """A verdict computed for an answer that reads the same, shown with this answer's own texts."""
    from dataclasses import replace

    texts = [answer.texts[0][k] for k in range(len(result.entries))] if answer.cells is not None else None
    entries = []
    for k, v in enumerate(result.entries):
        if texts is not None:
            text = texts[k]
        elif result.layout != "as J":
            text = answer.texts[v.col - 1][v.row - 1]
        else:
            text = answer.texts[v.row - 1][v.col - 1]
        entries.append(replace(v, answer_text=text))
    return replace(result, answer=answer, entries=entries, notes=list(result.notes), diagnoses=list(result.diagnoses))


# ---------------------------------------------------------------------------
# Parts of an answer: one entry or a few, by position (--expect-entry 1,2=…) or by label (dw/du = …)

_LABEL = re.compile(r"^\s*(?:(?:∂|d)\s*(?P<out1>[^\W\d]\w*)\s*/\s*(?:∂|d)\s*(?P<in1>[^\W\d]\w*)"
                    r"|(?P<out2>[^\W\d][^\W_]*)_(?P<in2>[^\W\d]\w*))\s*=(?P<value>.+)$", re.S)
_POSITION = re.compile(r"^\s*\(?\s*(?P<i>\d+)\s*,\s*(?P<j>\d+)\s*\)?\s*=(?P<value>.+)$", re.S)


def _cell_of(label_out: str, label_in: str, functions) -> tuple[int, int] | None:
    outputs = list(functions[-1].output_names)
    inputs = list(functions[0].inputs)
    label_out, label_in = _name(label_out), _name(label_in)  # ∂w/∂θ names the input theta
    if label_in not in inputs:
        return None
    if label_out in outputs:
        return outputs.index(label_out), inputs.index(label_in)
    if len(outputs) == 1 and (label_out == functions[-1].name or
                              (label_out in ("f", "w", "z", "F") and label_out not in inputs)):
        return 0, inputs.index(label_in)  # a scalar function's derivative, named as the textbook names it
    return None


def _name(label: str) -> str:
    """A label's name as jac reads names: Greek letters spelled out (θ → theta, θ1 → theta1)."""
    from ..parse.tokens import GREEK

    return "".join(GREEK.get(ch, ch) for ch in label)


def _labelled_entries(text: str, functions) -> list[tuple[int, int, str]] | None:
    """``dw/du = 116; ∂w/∂v = 65`` (or ``w_u = 116``): the entries it names, or None when the text is not
    in this form (then it is a whole answer)."""
    parts = [p for p in text.split(";") if p.strip()]
    if not parts:
        return None
    out = []
    for part in parts:
        m = _LABEL.match(part)
        if m is None:
            return None
        label_out, label_in = m.group("out1") or m.group("out2"), m.group("in1") or m.group("in2")
        cell = _cell_of(label_out, label_in, functions)
        if cell is None:
            outputs, inputs = functions[-1].output_names, functions[0].inputs
            raise SpecError(f"{option('expect')}: {part.split('=')[0].strip()} names no entry of J "
                            f"(outputs {', '.join(outputs)}; inputs {', '.join(inputs)})",
                            hint=f"write ∂{outputs[0]}/∂{inputs[0]} = …, or give the entry's position with "
                                 f"{option('expect_entry')} 1,1=…")
        out.append((cell[0], cell[1], m.group("value").strip()))
    return out


def _position_entries(items: Sequence[str], functions) -> list[tuple[int, int, str]]:
    """``--expect-entry 1,2=3e+2`` (row, column from 1), or a label ``dw/du=116``."""
    m_rows, n_cols = functions[-1].m, functions[0].n
    out = []
    for item in items:
        m = _POSITION.match(item)
        if m is not None:
            i, j = int(m.group("i")), int(m.group("j"))
            if not (1 <= i <= m_rows and 1 <= j <= n_cols):
                raise SpecError(f"{option('expect_entry')} {item}: J is {m_rows}×{n_cols}, so entry ({i},{j}) "
                                "does not exist", hint="rows are outputs and columns are inputs, both from 1")
            out.append((i - 1, j - 1, m.group("value").strip()))
            continue
        labelled = _labelled_entries(item, functions)
        if labelled is None:
            raise SpecError(f"{option('expect_entry')} {item!r}: expected ROW,COL=VALUE or a label such as "
                            f"∂{functions[-1].output_names[0]}/∂{functions[0].inputs[0]}=VALUE",
                            hint=f"e.g. {option('expect_entry')} '1,2=3e + 2'")
        out += labelled
    return out


def _entries_answer(entries: list[tuple[int, int, str]], functions, request: Request, what: str) -> Answer:
    scope = grammar.Scope(answer_names(functions))
    values, texts, cells = [], [], []
    for i, j, text in entries:
        if (i, j) in cells:
            raise SpecError(f"{what}: entry ({i + 1},{j + 1}) is given twice", hint="give each entry once")
        try:
            values.append(_parse_one(text, scope, request.latex))
        except ParseError as err:
            raise err.located(what) from None
        texts.append(text)
        cells.append((i, j))
    return Answer(sp.Matrix([values]), [texts], what, scope, cells=cells)


def _partial_answer(request: Request, functions, answer: Answer | None) -> Answer | None:
    """--expect-entry (repeatable), merged with a labelled --expect."""
    if not request.expect_entry:
        return None
    entries = _position_entries(request.expect_entry, functions)
    if answer is not None:
        if answer.cells is None:
            raise SpecError(f"{option('expect')} gives the whole Jacobian and {option('expect_entry')} some of its "
                            "entries", hint="give one or the other")
        entries = [(i, j, answer.texts[0][k]) for k, (i, j) in enumerate(answer.cells)] + entries
    return _entries_answer(entries, functions, request, option("expect_entry"))


def _partial_diagnoses(result: CheckResult, comparer: _Comparer, expected: sp.Matrix, labels) -> list[Diagnosis]:
    """A wrong entry that is another entry of J (the variables swapped, a row for a column), or off by a
    sign or a constant factor."""
    out: list[Diagnosis] = []
    for v in result.entries:
        if v.ok:
            continue
        i, j = v.row - 1, v.col - 1
        found = None
        for (a, b) in [(i, b) for b in range(expected.cols) if b != j] + [(a, j) for a in range(expected.rows) if a != i] \
                + ([(j, i)] if j < expected.rows and i < expected.cols and (j, i) != (i, j) else []):
            if expected[a, b] != expected[i, j] and comparer.equal(v.answer, expected[a, b])[0]:
                found = (a, b)
                break
        if found is not None:
            kind = "swapped" if found[0] == i else "transpose" if found == (j, i) else "row"
            out.append(Diagnosis(kind, f"{v.label}: your value is {labels(*found)}, another entry of J"))
            continue
        remark = _entry_remark(v, comparer)
        if remark is not None:
            out.append(remark)
    return out


def _tolerances(mode: str, rtol: float | None, atol: float | None, target) -> tuple[float, float]:
    if mode == "symbolic":
        return (SYMBOLIC_TOL if rtol is None else rtol), (SYMBOLIC_TOL if atol is None else atol)
    if atol is None:
        largest = max((abs(v) for row in target.at.rows() for v in row), default=0.0)
        atol = POINT_ATOL_SCALE * largest if largest else POINT_ATOL_FLOOR
    return (POINT_RTOL if rtol is None else rtol), atol


def _parse_det(text: str | None, names: Sequence[str], latex: bool | None) -> sp.Expr | None:
    if text is None:
        return None
    try:
        return _parse_one(text, grammar.Scope(names), latex)
    except ParseError as err:
        raise err.located(option("expect_det")) from None


def _parse_one(text: str, scope: grammar.Scope, latex: bool | None) -> sp.Expr:
    """One expression, in jac's syntax or LaTeX (the last side of a pasted equality chain)."""
    from ..parse.latex import answer_span, expression_tokens, looks_like_latex

    if latex if latex is not None else looks_like_latex(text):
        start, end = answer_span(text, "det")
        return grammar.parse(text, scope=scope, tokens=expression_tokens(text, start, end))
    sides = text.split("=")
    if len(sides) > 1 and all(_DET_LABEL.fullmatch(side.strip()) for side in sides[:-1]):
        return grammar.parse(sides[-1], scope=scope)  # det J = 4(u^2 + v^2), ∂(x, y)/∂(u, v) = …
    return grammar.parse(text, scope=scope)


# what a determinant is called on the left of its value: det J, det(J), |J|, J, ∂(x, y)/∂(u, v), d(x,y)/d(u,v)
_DET_LABEL = re.compile(r"det\s*\(?\s*\w*\s*\)?|\|\s*\w+\s*\||J|[∂d]\s*\([^()]*\)\s*/\s*[∂d]\s*\([^()]*\)")


def _chain_subs(functions, intermediates: Sequence[str]) -> dict:
    """Each intermediate variable as the expression in the first function's inputs it stands for."""
    if not intermediates:
        return {}
    chain = substitute_chain(functions)
    subs = {}
    for k, fn in enumerate(functions[1:], start=1):
        for name, expr in zip(fn.inputs, chain[k - 1]):
            if name in intermediates and symbol(name) not in subs:
                subs[symbol(name)] = expr
    return subs


def _in_inputs(matrix: sp.Matrix, functions, intermediates: Sequence[str], target, mode: str) -> sp.Matrix:
    """The answer with intermediate variables replaced: by the inner functions symbolically, by
    their values at the point (the point each function sees) at a point."""
    if not intermediates or not any(matrix.has(symbol(n)) for n in intermediates):
        return matrix
    if mode == "point":
        subs = {}
        for factor in target.factors:
            for name, value in zip(factor.point.names, factor.point.exact):
                if name in intermediates and symbol(name) not in subs:
                    subs[symbol(name)] = value
        return matrix.xreplace(subs)
    return matrix.xreplace(_chain_subs(functions, intermediates))


def _expected_seams(functions) -> list[sp.Expr]:
    out = []
    for fn in functions:
        for group in fn.conditions:
            for c in group:
                if c.kind in ("kink", "boundary", "cut"):
                    out.append(c.exprs[0])
                elif c.kind == "tie":
                    out += [a - b for k, a in enumerate(c.exprs) for b in c.exprs[k + 1:]]
    return out


def _layout(answer: sp.Matrix, expected: sp.Matrix) -> tuple[sp.Matrix, str]:
    """A gradient written as a column (n×1 for J's 1×n row) is read as the row it stands for."""
    if expected.rows == 1 and expected.cols > 1 and answer.shape == (expected.cols, 1):
        return answer.T, "gradient as a column"
    return answer, "as J"


def _labels(target) -> Callable[[int, int], str]:
    return lambda i, j: f"∂{target.output_names[i]}/∂{target.inputs[j]}"


def _entry(comparer: _Comparer, a: sp.Expr, text: str, expected: sp.Matrix, i: int, j: int,
           label: str) -> EntryVerdict:
    e = expected[i, j]
    ok, method = comparer.equal(a, e, label)
    if not ok and comparer.point is None:
        from ..calculus.simplify import tidy

        e = tidy(e)  # shown as J's entry: the readable form (J was formed quickly, for comparing)
    verdict = EntryVerdict(i + 1, j + 1, label, a, text, e, ok, method)
    sampled = comparer.last
    if not ok and method == "sampled" and sampled is not None and sampled.where is not None:
        at = ", ".join(f"{float(v):.6g}" for v in sampled.where)
        names = ", ".join(s.name for s in comparer.symbols)
        verdict.remark = (f"differs from J at ({names}) = ({at}): " +
                          (sampled.reason if sampled.reason else
                           f"yours {float(sampled.answer):.10g}, J's {float(sampled.expected):.10g}"))
    if comparer.point is not None:
        try:
            verdict.answer_value = comparer.value(a, label)
        except MathError:
            verdict.remark = "your entry is undefined at the point"
        verdict.expected_value = to_number(e, label)
    return verdict


def _check_det(comparer: _Comparer, target, mode: str, value: sp.Expr, functions,
               intermediates: Sequence[str]) -> DetVerdict:
    det = target.determinant
    if det is None:
        m, n = target.shape
        raise SpecError(f"{option('expect_det')}: J is {m}×{n}, not square, so it has no determinant")
    expected = det.exact if mode == "point" else det.symbolic
    if expected is None:
        raise SpecError(f"{option('expect_det')}: the symbolic determinant is too large to expand",
                        hint=f"check it at a point with {option('at')}")
    value = _in_inputs(sp.Matrix([[value]]), functions, intermediates, target, mode)[0, 0]
    ok, method = comparer.equal(value, expected, "the determinant")
    return DetVerdict(value, expected, ok, method)


def _det_diagnosis(result: CheckResult, comparer: _Comparer) -> Diagnosis:
    """The determinant is wrong: by its sign only (the answer is −det), or otherwise."""
    det = result.determinant
    if det is not None and det.expected is not None and det.answer is not None and det.expected != 0:
        try:
            if comparer.equal(det.answer, -det.expected, "det")[0]:
                return Diagnosis("sign", "the determinant has the wrong sign (a swapped row or column, or the "
                                         "inputs in another order, changes its sign)")
        except JacError:
            pass
    return Diagnosis("determinant", "the determinant is wrong")


def _region(comparer: _Comparer, assumptions: Sequence[sp.Basic]) -> str:
    from ..calculus.sampling import SCALES

    where = f"at {comparer.sampled_points} points where J is real, with inputs up to ±{SCALES[-1]:g}"
    if comparer.seams:
        where += " and on both sides of each kink and case boundary"
    if assumptions:
        where += " (where " + ", ".join(to_text(a) for a in assumptions) + ")"
    return where


# ---------------------------------------------------------------------------
# Diagnoses

def _diagnose(result: CheckResult, comparer: _Comparer, functions, answer: sp.Matrix) -> list[Diagnosis]:
    """Every classic mistake that explains the whole answer (several can, e.g. when the factors are
    symmetric), also combined with sign slips; else remarks on single entries."""
    expected = result.expected
    m, n = expected.shape
    target = result.target
    out: list[Diagnosis] = []

    def work() -> list[Diagnosis]:
        for kind, candidate, message in _layouts(result, comparer, functions, answer):
            if candidate is None or candidate.shape != answer.shape:
                continue
            relations = [comparer.relation(a, c) for a, c in zip(answer, candidate)]
            if all(r == "eq" for r in relations):
                out.append(Diagnosis(kind, message))
            elif all(r in ("eq", "neg") for r in relations) and relations.count("eq") >= relations.count("neg"):
                flipped = [k for k, r in enumerate(relations) if r == "neg"]
                where = ", ".join(f"entry ({k // answer.cols + 1},{k % answer.cols + 1})" for k in flipped)
                out.append(Diagnosis(kind, message + f"; besides, {where} of your answer "
                                                     f"{'has' if len(flipped) == 1 else 'have'} the wrong sign"))
        return out

    attempt(work, lambda: out, "diagnosis")
    if out:
        return out
    if not result.shape_ok:
        p, q = answer.shape
        return [Diagnosis("shape", f"your answer is {p}×{q} but J is {m}×{n}: one row per output "
                                   f"({', '.join(target.output_names)}), one column per input "
                                   f"({', '.join(target.inputs)})")]
    if result.mode == "symbolic" and result.entries and not result.assumptions:
        out.extend(_domain_remark(result, comparer))
    wrong = [v for v in result.entries if not v.ok and not (out and v.method == "sampled")]
    remarks = [_entry_remark(v, comparer) for v in wrong]
    if len(wrong) <= 2:
        out.extend(r for r in remarks if r is not None)
    elif (kept := [r for r in remarks if r is not None]) and len(kept) == len(remarks) and \
            all((r.kind, r.message.split(" ", 1)[1]) == (kept[0].kind, kept[0].message.split(" ", 1)[1]) for r in kept):
        first = kept[0]
        out.append(Diagnosis(first.kind, f"{len(wrong)} entries ({', '.join(v.label for v in wrong)}) each "
                                         f"{first.message.split(' ', 1)[1]}"))
    if result.determinant is not None and not result.determinant.ok:
        out.append(_det_diagnosis(result, comparer))
    return out


def _layouts(result: CheckResult, comparer: _Comparer, functions, answer: sp.Matrix):
    """(kind, the matrix that mistake would give, what to say) for each classic mistake."""
    expected = result.expected
    m, n = expected.shape
    target = result.target
    if answer.shape == (n, m) and (m != n or not comparer.matrices_equal(expected, expected.T)):
        yield "transpose", expected.T, ("your answer is the transpose of J: the layout is rows = outputs, "
                                        f"columns = inputs, so J is {m}×{n} ({m} outputs, {n} inputs)")
    if answer.shape == (m, n):
        for kind, size, names in (("columns", n, target.inputs), ("rows", m, target.output_names)):
            if size < 2 or size > MAX_PERMUTED:
                continue
            for order in permutations(range(size)):
                if list(order) == list(range(size)):
                    continue
                permuted = expected[:, list(order)] if kind == "columns" else expected[list(order), :]
                if permuted == expected:
                    continue
                shown = ", ".join(names[k] for k in order)
                if kind == "columns":
                    text = (f"your columns are for the inputs in the order ({shown}); J's columns follow the inputs' "
                            f"order ({', '.join(names)}): column j is ∂/∂(input j)")
                else:
                    text = (f"your rows are for the outputs in the order ({shown}); J's rows follow the outputs' "
                            f"order ({', '.join(names)})")
                yield kind, permuted, text
    if len(functions) > 1:
        function_names = [fn.name for fn in functions]
        reversed_product = _reversed_product(result, functions)
        right = " · ".join(f"J_{nm}" for nm in reversed(function_names))
        wrong = " · ".join(f"J_{nm}" for nm in function_names)
        if reversed_product is not None:
            shapes = ""
            if reversed_product.shape != expected.shape:
                shapes = (f" ({' · '.join(f'({fn.m}×{fn.n})' for fn in functions)} → "
                          f"{reversed_product.rows}×{reversed_product.cols}, while J is {m}×{n})")
            yield "order", reversed_product, (f"the factors are multiplied in the wrong order: you computed {wrong}"
                                              f"{shapes}; the chain rule for {target.name} is {right} (outer "
                                              "function first)")
        yield "point", _outer_at_x(result, functions), (
            f"the outer factor was evaluated at x instead of at {function_names[0]}(x): J_{function_names[1]} must be "
            f"evaluated at the point its function sees, {function_names[1]}'s input is {function_names[0]}(x)")
        # one factor of the chain alone: the product was never formed
        mats = _factor_matrices(result, functions)
        inner_arg = "x"
        for k, (mat, name) in enumerate(zip(mats, function_names)):
            where = inner_arg if k == 0 else f"{function_names[k - 1]}(…)"
            yield "factor_missing", mat, (
                f"this is J_{name}({where}) alone, one factor of the chain: the chain rule multiplies every factor, "
                f"J = {right}")


def _domain_remark(result: CheckResult, comparer: _Comparer) -> list[Diagnosis]:
    """Entries that fail only where some input is negative: say so, and how to say where the inputs live."""
    wrong = [v for v in result.entries if not v.ok and v.method == "sampled"]
    if not wrong:
        return []
    positive = [sp.StrictGreaterThan(s, 0) for s in comparer.symbols]
    trial = _Comparer(None, comparer.symbols, comparer.rtol, comparer.atol, positive, comparer.seams)
    if all(trial.equal(v.answer, v.expected)[0] for v in wrong):
        names = ", ".join(f"{s} > 0" for s in comparer.symbols)
        return [Diagnosis("domain", f"{', '.join(v.label for v in wrong)} agree{'s' if len(wrong) == 1 else ''} with J "
                                    f"where every input is positive, but not everywhere J is real; if the inputs "
                                    f"live there, say so: {option('assume', names)}")]
    return []


def _entry_remark(v: EntryVerdict, comparer: _Comparer) -> Diagnosis | None:
    if comparer.point is not None:
        a, e = v.answer_value, v.expected_value
        if a is None or e is None:
            return None
        if complex(e) != 0 and comparer.close(a, -complex(e)):
            return Diagnosis("sign", f"{v.label} has the wrong sign")
        if complex(e) != 0 and comparer.close(a, e, rtol=_CLOSE_RTOL):
            unit = _last_place(v.answer_text)
            ea, aa = complex(e), complex(a)
            if unit is not None and ea.imag == 0 and abs(aa.real - ea.real) <= unit / 2 * (1 + 1e-9):
                # the answer is J's value rounded to the digits written: rounding, and the tolerance that
                # allows exactly that (half a unit in the last place written), never more
                return Diagnosis("rounding", f"{v.label} is J's value {ea.real:.10g} rounded to the digits you wrote; "
                                             f"to accept rounding there, pass {option('atol', float(f'{unit / 2:g}'))}")
            return Diagnosis("value", f"{v.label} is {_plain(aa)}, J's is {_plain(ea)}: close, but not J's value "
                                      "rounded to the digits written")
        if complex(e) != 0 and complex(a) != 0:
            factor = _simple_factor(complex(a) / complex(e))
            if factor is not None:
                return Diagnosis("factor", f"{v.label} is off by a constant factor ({factor} times the right value)")
        return None
    if v.expected == 0:
        return None
    if comparer.equal(v.answer, -v.expected)[0]:
        return Diagnosis("sign", f"{v.label} has the wrong sign")
    ratio = attempt(lambda: tidy(v.answer / v.expected), lambda: None, "diagnosis")
    if ratio is not None and ratio.is_number and ratio != 0 and ratio != 1 and ratio.is_Rational:
        return Diagnosis("factor", f"{v.label} is off by a constant factor ({to_text(ratio)} times the right value)")
    if v.answer.has(sp.Float) and v.method == "sampled":
        used, differ, worst = comparer.sampler.differences(v.answer, v.expected)
        if used and differ >= 0.8 * used and worst < _CLOSE_RTOL:
            return Diagnosis("rounding", f"{v.label} has rounded numbers: it differs from J by up to {worst:.1e} "
                                         f"(relative) everywhere; symbolic answers are compared exactly (pass "
                                         f"{option('rtol', float(f'{10 ** _ceil_log10(worst):g}'))} to allow rounding)")
    if v.remark:
        return Diagnosis("value", f"{v.label}: {v.remark}")
    return None


def _last_place(text: str) -> float | None:
    """The size of one unit in the last digit written of a plain decimal (``-107`` → 1, ``2.61`` → 0.01,
    ``1.5e-3`` → 1e-4); None when the text is not a plain number (an expression is not a rounding)."""
    match = re.fullmatch(r"\s*[+\-−]?(\d*)(?:\.(\d*))?(?:[eE]([+\-]?\d+))?\s*", text or "")
    if match is None or not (match.group(1) or match.group(2)):
        return None
    decimals = len(match.group(2) or "")
    exponent = int(match.group(3) or 0)
    return 10.0 ** (exponent - decimals)


def _plain(value: complex) -> str:
    return f"{value.real:.10g}" if value.imag == 0 else f"{value:.6g}"


def _ceil_log10(x: float) -> int:
    return math.ceil(math.log10(x)) if x > 0 else -12


def _simple_factor(ratio: complex) -> str | None:
    from fractions import Fraction

    if abs(ratio.imag) > 1e-12 or abs(ratio.real - 1) < 1e-9:
        return None
    frac = Fraction(ratio.real).limit_denominator(12)
    if frac != 0 and abs(float(frac) - ratio.real) <= 1e-9 * abs(ratio.real) and frac != 1:
        return str(frac)
    return None


def _factor_matrices(result: CheckResult, functions) -> list[sp.Matrix]:
    """Each factor as the answer would hold it: at its point, or symbolic in x."""
    target = result.target
    if result.mode == "point":
        return [f.exact_at() for f in target.factors]
    chain = substitute_chain(functions)
    mats = [target.factors[0].sympy_jacobian()]
    for k in range(1, len(functions)):
        mats.append(target.factors[k].sympy_jacobian().xreplace(dict(zip(functions[k].symbols, chain[k - 1]))))
    return mats


def _reversed_product(result: CheckResult, functions) -> sp.Matrix | None:
    """J_1 · J_2 ⋯ J_L (the factors in application order): defined when the inner sizes match."""
    mats = _factor_matrices(result, functions)
    product = mats[0]
    for mat in mats[1:]:
        if product.cols != mat.rows:
            return None
        product = product * mat
    return product


def _outer_at_x(result: CheckResult, functions) -> sp.Matrix | None:
    first = functions[0]
    if any(fn.n != first.n for fn in functions[1:]):
        return None
    target = result.target
    mats = [_expected_factor(result, 0)]
    for k in range(1, len(functions)):
        renamed = target.factors[k].sympy_jacobian().xreplace(dict(zip(functions[k].symbols, first.symbols)))
        if result.mode == "point":
            point = target.point
            assert isinstance(point, Point)  # check evaluates function specs at exact points
            values = [_safe_at(entry, point) for entry in renamed]
            if any(v is None for v in values):
                return None  # undefined there: this mistake cannot explain the answer
            renamed = sp.Matrix(renamed.rows, renamed.cols, values)
        mats.append(renamed)
    product = mats[0]
    for mat in mats[1:]:
        product = mat * product
    return product


def _expected_factor(result: CheckResult, k: int) -> sp.Matrix:
    factor = result.target.factors[k]
    return factor.exact_at() if result.mode == "point" else factor.sympy_jacobian()


def _safe_at(expr: sp.Expr, point: Point):
    try:
        return exact_at(expr, point, "entry")
    except JacError:
        return None


def describe_value(v: EntryVerdict, precision: int) -> str:
    """The expected value for people: exact, with its decimal at a point."""
    if v.expected_value is None or v.expected.is_Integer:
        return to_text(v.expected)
    if v.expected.is_Float:
        return fmt_number(v.expected_value, precision)
    return f"{to_text(v.expected)} ≈ {fmt_number(v.expected_value, precision)}"
