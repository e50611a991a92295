"""Checking an answer against the Jacobian jac computes, entry by entry, and
explaining the classic mistakes: the transpose, the wrong order of factors,
the outer factor evaluated at x instead of f(x), a wrong shape, a sign or a
constant factor."""

from __future__ import annotations

import cmath
import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

import sympy as sp

from . import api, calculus, grammar
from .answer import Answer, load_answer
from .budget import within_budget
from .errors import JacError, MathError, SpecError
from .evaluate import Point, exact_at, to_number
from .printing import fmt_number, to_text
from .results import CompositionResult, JacobianResult

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
RANDOM_POINTS = 8  # points tried when simplification cannot decide
_CLOSE_RTOL = 1e-2  # "close: rounding?" below this relative difference


@dataclass
class EntryVerdict:
    row: int
    col: int
    label: str
    answer: sp.Expr
    answer_text: str
    expected: sp.Expr
    ok: bool
    method: str  # "symbolic", "random points", "numeric"
    answer_value: object = None
    expected_value: object = None
    remark: str | None = None


@dataclass
class Diagnosis:
    kind: str  # transpose, order, point, shape, sign, factor, rounding
    message: str


@dataclass
class DetVerdict:
    answer: sp.Expr
    expected: sp.Expr | None
    ok: bool
    method: str


@dataclass
class CheckResult:
    kind = "check"  # what render() dispatches on

    target: JacobianResult | CompositionResult
    answer: Answer
    mode: str  # "point" or "symbolic"
    rtol: float
    atol: float
    entries: list[EntryVerdict] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    determinant: DetVerdict | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def expected(self) -> sp.Matrix:
        return _expected(self.target, self.mode)

    @property
    def shape_ok(self) -> bool:
        return self.answer.shape == self.target.shape

    @property
    def passed(self) -> bool:
        return (self.shape_ok and all(e.ok for e in self.entries)
                and (self.determinant is None or self.determinant.ok))

    @property
    def point(self) -> Point | None:
        return self.target.point


def _expected(target, mode: str) -> sp.Matrix:
    return target.at.exact if mode == "point" else target.symbolic


class _Comparer:
    """Decides whether two expressions are equal, at a point or symbolically."""

    def __init__(self, point: Point | None, symbols: Sequence[sp.Symbol], rtol: float, atol: float):
        self.point, self.symbols, self.rtol, self.atol = point, tuple(symbols), rtol, atol
        rng = random.Random(20261121)  # reproducible verdicts
        self.samples = [[rng.uniform(0.15, 1.9) for _ in self.symbols] for _ in range(RANDOM_POINTS)]
        self.samples += [[rng.uniform(-1.9, 1.9) for _ in self.symbols] for _ in range(RANDOM_POINTS // 2)]

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
        diff = answer - expected
        if diff == 0 or sp.expand(diff) == 0 or calculus.tidy(diff) == 0:
            return True, "symbolic"
        agreed = 0
        for sample in self.samples:
            subs = {s: sp.Float(v) for s, v in zip(self.symbols, sample)}
            try:
                a = complex(answer.xreplace(subs).evalf(30))
                e = complex(expected.xreplace(subs).evalf(30))
            except (TypeError, ValueError):
                continue
            if not (cmath.isfinite(a) and cmath.isfinite(e)):
                continue
            if abs(a - e) > 1e-9 * (1 + abs(e)):
                return False, "random points"
            agreed += 1
        return agreed >= 3, "random points"

    def matrices_equal(self, a: sp.Matrix, b: sp.Matrix) -> bool:
        return a.shape == b.shape and all(self.equal(x, y)[0] for x, y in zip(a, b))


@within_budget
def check(specs: Sequence[api.SpecLike], expect: str | Answer, *, at: api.PointLike = None,
          vars: Sequence[str] | None = None, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
          expect_det: str | None = None, stdin_text: str | None = None, latex: bool | None = None) -> CheckResult:
    """Check ``expect`` against the Jacobian of ``specs`` (their composition
    when several, in application order)."""
    if isinstance(expect, str) and expect == "-" and "-" in specs:
        raise SpecError("standard input (-) can be read only once: give either the spec or the answer as '-'")
    functions = api.load(specs, vars=vars, stdin_text=stdin_text, latex=latex)
    target = api.jacobian(functions[0], at=at) if len(functions) == 1 else api.compose(*functions, at=at)
    inputs = functions[0].inputs
    answer = expect if isinstance(expect, Answer) else load_answer(expect, inputs, stdin_text=stdin_text, latex=latex)
    mode = "point" if target.point is not None else "symbolic"
    result = CheckResult(target, answer, mode, rtol, atol, notes=list(target.notes))
    comparer = _Comparer(target.point, functions[0].symbols, rtol, atol)
    expected = result.expected
    labels = _labels(target)

    if result.shape_ok:
        for i in range(expected.rows):
            for j in range(expected.cols):
                result.entries.append(_entry(comparer, answer, expected, i, j, labels(i, j)))
    if expect_det is not None:
        result.determinant = _check_det(comparer, target, mode, expect_det, inputs)
    if not result.passed:
        result.diagnoses = _diagnose(result, comparer, functions)
    if any(e.method == "random points" and e.ok for e in result.entries):
        result.notes.append("simplification could not decide some entries; they were compared at "
                            f"{len(comparer.samples)} random points")
    return result


def _labels(target) -> Callable[[int, int], str]:
    return lambda i, j: f"∂{target.output_names[i]}/∂{target.inputs[j]}"


def _entry(comparer: _Comparer, answer: Answer, expected: sp.Matrix, i: int, j: int, label: str) -> EntryVerdict:
    a, e = answer.matrix[i, j], expected[i, j]
    ok, method = comparer.equal(a, e, label)
    verdict = EntryVerdict(i + 1, j + 1, label, a, answer.texts[i][j], e, ok, method)
    if comparer.point is not None:
        try:
            verdict.answer_value = comparer.value(a, label)
        except MathError:
            verdict.remark = "your entry is undefined at the point"
        verdict.expected_value = to_number(e, label)
    return verdict


def _check_det(comparer: _Comparer, target, mode: str, text: str, inputs: Sequence[str]) -> DetVerdict:
    det = target.determinant
    if det is None:
        m, n = target.shape
        raise SpecError(f"--expect-det: J is {m}×{n}, not square, so it has no determinant")
    from .errors import ParseError

    try:
        value = grammar.parse(text, inputs)
    except ParseError as err:
        raise err.located("--expect-det") from None
    expected = det.exact if mode == "point" else det.symbolic
    if expected is None:
        raise SpecError("--expect-det: the symbolic determinant is too large to expand",
                        hint="check it at a point with --at")
    ok, method = comparer.equal(value, expected, "the determinant")
    return DetVerdict(value, expected, ok, method)


# ---------------------------------------------------------------------------
# Diagnoses

def _diagnose(result: CheckResult, comparer: _Comparer, functions) -> list[Diagnosis]:
    """Every classic mistake that explains the whole answer (several can,
    e.g. when the factors are symmetric); else remarks on single entries."""
    out: list[Diagnosis] = []
    answer, expected = result.answer.matrix, result.expected
    m, n = expected.shape
    if answer.shape == (n, m) and (m != n or not comparer.matrices_equal(expected, expected.T)) \
            and comparer.matrices_equal(answer, expected.T):
        out.append(Diagnosis("transpose", "your answer is the transpose of J: the layout is rows = outputs, "
                                          f"columns = inputs, so J is {m}×{n} ({m} outputs, {n} inputs)"))
    if not result.shape_ok and not out:
        p, q = answer.shape
        out.append(Diagnosis("shape", f"your answer is {p}×{q} but J is {m}×{n}: one row per output "
                                      f"({', '.join(result.target.output_names)}), one column per input "
                                      f"({', '.join(result.target.inputs)})"))
    if not result.shape_ok:
        return out
    if len(functions) > 1:
        names = [fn.name for fn in functions]
        wrong_order = _reversed_product(result, functions)
        if wrong_order is not None and comparer.matrices_equal(answer, wrong_order):
            right = " · ".join(f"J_{nm}" for nm in reversed(names))
            wrong = " · ".join(f"J_{nm}" for nm in names)
            out.append(Diagnosis("order", f"the factors are multiplied in the wrong order: you computed {wrong}; "
                                          f"the chain rule for {result.target.name} is {right} (outer function first)"))
        at_x = _outer_at_x(result, functions)
        if at_x is not None and comparer.matrices_equal(answer, at_x):
            inner = names[0]
            out.append(Diagnosis("point", f"the outer factor was evaluated at x instead of at {inner}(x): "
                                          f"J_{names[1]} must be evaluated at the point its function sees, "
                                          f"{names[1]}'s input is {inner}(x)"))
    if out:
        return out
    wrong = [v for v in result.entries if not v.ok]
    remarks = [_entry_remark(v, comparer) for v in wrong]
    if len(wrong) <= 2:
        out.extend(r for r in remarks if r is not None)
    elif remarks and all(r is not None and (r.kind, r.message.split(" ", 1)[1]) ==
                         (remarks[0].kind, remarks[0].message.split(" ", 1)[1]) for r in remarks):
        first = remarks[0]
        assert first is not None
        out.append(Diagnosis(first.kind, f"{len(wrong)} entries ({', '.join(v.label for v in wrong)}) each "
                                         f"{first.message.split(' ', 1)[1]}"))
    if result.determinant is not None and not result.determinant.ok:
        out.append(Diagnosis("determinant", "the determinant is wrong"))
    return out


def _entry_remark(v: EntryVerdict, comparer: _Comparer) -> Diagnosis | None:
    if comparer.point is not None:
        a, e = v.answer_value, v.expected_value
        if a is None or e is None:
            return None
        if complex(e) != 0 and comparer.close(a, -complex(e)):
            return Diagnosis("sign", f"{v.label} has the wrong sign")
        if complex(e) != 0 and comparer.close(a, e, rtol=_CLOSE_RTOL):
            rel = abs(complex(a) - complex(e)) / abs(complex(e))
            return Diagnosis("rounding", f"{v.label} is close but not within tolerance (relative difference "
                                         f"{rel:.1e}); if you rounded, pass --rtol {10 ** _ceil_log10(rel):g}")
        if complex(e) != 0 and complex(a) != 0:
            ratio = complex(a) / complex(e)
            factor = _simple_factor(ratio)
            if factor is not None:
                return Diagnosis("factor", f"{v.label} is off by a constant factor ({factor} times the right value)")
        return None
    if v.expected == 0:
        return None
    if comparer.equal(v.answer, -v.expected)[0]:
        return Diagnosis("sign", f"{v.label} has the wrong sign")
    ratio = calculus.tidy(v.answer / v.expected)
    if ratio.is_number and ratio != 0 and ratio != 1 and ratio.is_Rational:
        return Diagnosis("factor", f"{v.label} is off by a constant factor ({to_text(ratio)} times the right value)")
    return None


def _ceil_log10(x: float) -> int:
    import math

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
    assert isinstance(target, CompositionResult)
    if result.mode == "point":
        return [f.at.exact for f in target.factors]  # type: ignore[union-attr]
    chain = calculus.substitute_chain(functions)
    mats = [target.factors[0].symbolic]
    for k in range(1, len(functions)):
        mats.append(target.factors[k].symbolic.xreplace(dict(zip(functions[k].symbols, chain[k - 1]))))
    return mats


def _reversed_product(result: CheckResult, functions) -> sp.Matrix | None:
    mats = _factor_matrices(result, functions)
    product = mats[0]
    for mat in mats[1:]:
        if product.cols != mat.rows:
            return None
        product = product * mat
    return product if product.shape == result.answer.shape else None


def _outer_at_x(result: CheckResult, functions) -> sp.Matrix | None:
    first = functions[0]
    if any(fn.n != first.n for fn in functions[1:]):
        return None
    target = result.target
    mats = [_expected_factor(result, 0)]
    for k in range(1, len(functions)):
        renamed = target.factors[k].symbolic.xreplace(dict(zip(functions[k].symbols, first.symbols)))
        if result.mode == "point":
            values = [_safe_at(entry, target.point) for entry in renamed]
            if any(v is None for v in values):
                return None  # undefined there: this mistake cannot explain the answer
            renamed = sp.Matrix(renamed.rows, renamed.cols, values)
        mats.append(renamed)
    product = mats[0]
    for mat in mats[1:]:
        product = mat * product
    return product


def _expected_factor(result: CheckResult, k: int) -> sp.Matrix:
    factor = result.target.factors[k]  # type: ignore[union-attr]
    return factor.at.exact if result.mode == "point" else factor.symbolic


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
        return fmt_number(v.expected_value, precision)  # type: ignore[arg-type]
    return f"{to_text(v.expected)} ≈ {fmt_number(v.expected_value, precision)}"  # type: ignore[arg-type]
