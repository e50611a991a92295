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

from copy import copy
from dataclasses import replace
from typing import Any, Callable, Sequence

import sympy as sp

from ..calculus import tolerance
from ..calculus.evaluate import exact_at, to_number
from ..calculus.printing import to_text
from ..calculus.sampling import SCALES
from ..calculus.simplify import quick, tidy
from ..calculus.symbols import symbol
from ..core.budget import attempt
from ..core.errors import MathError, ParseError, SpecError, UsageError
from ..core.request import POINT_ATOL_FLOOR, POINT_ATOL_SCALE, POINT_RTOL, SYMBOLIC_TOL, Request, option
from ..model.function import VectorFunction
from ..model.jacobian import substitute_chain
from ..parse import grammar
from ..parse.answer import Answer, load_answer
from ..parse.entries import (
    answer_names,
    entries_answer,
    intermediate_names,
    labelled_entries,
    parse_det,
    partial_answer,
)
from ..parse.point import make_point
from ..results import Factor, JacobianResult
from ..results.check import CheckResult, ClassVerdict, DetVerdict, EntryVerdict
from .comparison import Comparer
from .critical_classify import second_derivative_test
from .diagnoses import det_diagnosis, diagnose, partial_diagnoses
from .implicit import implicit_of
from .jacobian import jacobian_of
from .taylor import derivative_label as label

# ---------------------------------------------------------------------------
# The check

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


def check_answer(request: Request, functions: list[VectorFunction]) -> CheckResult:
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
    partial = partial_answer(request, functions, answer)
    det_answer = parse_det(request.expect_det, names, request.latex)
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


def make_grader(request: Request, functions: list[VectorFunction]) -> Grader:
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
    return label(output, wrt)


def _gradient_function(functions: list[VectorFunction]) -> tuple[VectorFunction, str, tuple[str, ...]]:
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


def _implicit_grader(request: Request, functions: list[VectorFunction]) -> Grader:
    """∂y/∂x = −[∂F/∂y]⁻¹ ∂F/∂x as the matrix to check: answers may use the unknowns too (∂z/∂x = −x/z)."""

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


def read_answer(request: Request, functions: list[VectorFunction], expect: Any) -> Answer:
    if isinstance(expect, Answer):
        return expect
    labelled = labelled_entries(expect, functions) if isinstance(expect, str) else None
    if labelled is not None:  # "dw/du = 116; dw/dv = 65"
        return entries_answer(labelled, functions, request, option("expect"))
    return load_answer(expect, answer_names(functions), stdin_text=request.stdin_text, latex=request.latex)


class Grader:
    """The Jacobian of a chain, computed once, and answers judged against it one by one (jac check,
    and a class's answers with --answers)."""

    def __init__(self, request: Request, functions: list[VectorFunction], *, target: JacobianResult | None = None,
                 labels: Callable[[int, int], str] | None = None, what: str = "J", surface: Any = None):
        """``target``: the matrix to check when it is not J (implicit); ``labels`` name its entries;
        ``surface``: F, when answers may be written on F = 0 (implicit)."""

        self.request, self.functions, self.what, self.surface = request, functions, what, surface
        inputs = functions[0].inputs
        self.intermediates = intermediate_names(functions)
        self.assumptions = parse_assumptions(request.assume, inputs)
        point = make_point(request.at, functions[0])
        if request.expect_det is not None and functions[-1].m != functions[0].n:
            raise SpecError(f"{option('expect_det')}: J is {functions[-1].m}×{functions[0].n}, not square, so it "
                            "has no determinant")
        self.point = point
        if target is None:
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

        expected_word, _ = second_derivative_test(self.target.at.exact_matrix()  # type: ignore[union-attr]
                                                   if self.mode == "point" else self.expected, "exact")
        given = _CLASS_WORDS.get(" ".join(word.lower().replace("-", " ").split()))
        if given is None:
            raise SpecError(f"{option('expect_class')} {word!r}: not a classification jac knows",
                            hint="local minimum, local maximum, saddle point or inconclusive (min, max, saddle)")
        gradient_zero = self._gradient_zero()
        if gradient_zero:
            return ClassVerdict(word, expected_word, given == expected_word, None)
        return ClassVerdict(word, "not a critical point", False,
                            "∇f is not 0 at this point, and the second-derivative test classifies critical points "
                            f"only (the Hessian here alone would say {expected_word})")

    def _gradient_zero(self) -> bool:
        point = self.point
        if point is None:
            return True
        for expr in self.functions[0].outputs:  # the gradient function's outputs: ∂f/∂xᵢ
            value = exact_at(expr, point, "the gradient")
            if not tolerance.is_zero(value, tolerance.term_scale(expr, point.subs)):
                return False
        return True

    def _entry(self, comparer: Comparer, a: sp.Expr, text: str, i: int, j: int, label: str,
               seams: list[sp.Expr]) -> EntryVerdict:
        """One entry's verdict; the same entry, read the same, in another answer is not compared again."""

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
        comparer = Comparer(self.point, functions[0].symbols, self.rtol, self.atol, self.assumptions, seams)
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
                result.diagnoses = partial_diagnoses(result, comparer, expected, labels)
            elif substituted is not None:
                result.diagnoses = diagnose(result, comparer, functions, substituted)
            elif result.determinant is not None:
                result.diagnoses = [det_diagnosis(result, comparer)]
        if any(e.method == "sampled" for e in result.entries):  # where they were compared, right or wrong
            result.region = _region(comparer, self.assumptions)
        if any(e.method == "sampled" and e.ok for e in result.entries):
            result.notes.append(f"simplification could not decide some entries: they were compared {result.region} "
                                "(sampled, not proved)")
        return result


def _as_written(result: CheckResult, answer: Answer) -> CheckResult:
    """A verdict computed for an answer that reads the same, shown with this answer's own texts."""

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


def _tolerances(mode: str, rtol: float | None, atol: float | None, target: JacobianResult) -> tuple[float, float]:
    if mode == "symbolic":
        return (SYMBOLIC_TOL if rtol is None else rtol), (SYMBOLIC_TOL if atol is None else atol)
    if atol is None:
        assert target.at is not None  # a point: J was evaluated there
        largest = max((abs(v) for row in target.at.rows() for v in row), default=0.0)
        atol = POINT_ATOL_SCALE * largest if largest else POINT_ATOL_FLOOR
    return (POINT_RTOL if rtol is None else rtol), atol


def _chain_subs(functions: list[VectorFunction], intermediates: Sequence[str]) -> dict[sp.Symbol, sp.Expr]:
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


def _in_inputs(matrix: sp.Matrix, functions: list[VectorFunction], intermediates: Sequence[str],
               target: JacobianResult, mode: str) -> sp.Matrix:
    """The answer with intermediate variables replaced: by the inner functions symbolically, by
    their values at the point (the point each function sees) at a point."""
    if not intermediates or not any(matrix.has(symbol(n)) for n in intermediates):
        return matrix
    if mode == "point":
        subs = {}
        for factor in target.factors:
            assert factor.point is not None  # each factor's point, at a point
            for name, value in zip(factor.point.names, factor.point.exact):
                if name in intermediates and symbol(name) not in subs:
                    subs[symbol(name)] = value
        return matrix.xreplace(subs)
    return matrix.xreplace(_chain_subs(functions, intermediates))


def _expected_seams(functions: list[VectorFunction]) -> list[sp.Expr]:
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


def _labels(target: JacobianResult) -> Callable[[int, int], str]:
    return lambda i, j: f"∂{target.output_names[i]}/∂{target.inputs[j]}"


def _differ(yours: float, js: float) -> str:
    """The two values with enough digits to tell them apart, and the difference."""
    for digits in (10, 14, 17):
        a, b = f"{yours:.{digits}g}", f"{js:.{digits}g}"
        if a != b:
            break
    return f"yours {a}, J's {b} (a difference of {yours - js:.3g})"


def _entry(comparer: Comparer, a: sp.Expr, text: str, expected: sp.Matrix, i: int, j: int,
           label: str) -> EntryVerdict:
    e = expected[i, j]
    ok, method = comparer.equal(a, e, label)
    if not ok and comparer.point is None:
        e = tidy(e)  # shown as J's entry: the readable form (J was formed quickly, for comparing)
    verdict = EntryVerdict(i + 1, j + 1, label, a, text, e, ok, method)
    sampled = comparer.last
    if not ok and method == "sampled" and sampled is not None and sampled.where is not None:
        at = ", ".join(f"{float(v):.6g}" for v in sampled.where)
        names = ", ".join(s.name for s in comparer.symbols)
        verdict.remark = (f"differs from J at ({names}) = ({at}): " +
                          (sampled.reason if sampled.reason else _differ(float(sampled.answer),
                                                                         float(sampled.expected))))
    if comparer.point is not None:
        try:
            verdict.answer_value = comparer.value(a, label)
        except MathError:
            verdict.remark = "your entry is undefined at the point"
        verdict.expected_value = to_number(e, label)
    return verdict


def _check_det(comparer: Comparer, target: JacobianResult, mode: str, value: sp.Expr, functions: list[VectorFunction],
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
    if mode != "point":
        expected = tidy(expected)  # shown as the key: the readable form (it was formed quickly, for comparing)
    return DetVerdict(value, expected, ok, method)


def _region(comparer: Comparer, assumptions: Sequence[sp.Basic]) -> str:
    where = f"at {comparer.sampled_points} points where J is real, with inputs up to ±{SCALES[-1]:g}"
    if comparer.seams:
        where += " and on both sides of each kink and case boundary"
    if assumptions:
        where += " (where " + ", ".join(to_text(a) for a in assumptions) + ")"
    return where


