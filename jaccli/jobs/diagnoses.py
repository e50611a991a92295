"""What explains a wrong answer: the classic mistakes (the transpose, columns or rows in another order, the
factors in the wrong order, the outer factor at x instead of f(x), a factor of the chain alone, a wrong
shape) and slips in single entries (a sign, a constant factor, a rounding, a domain)."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from itertools import permutations
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import sympy as sp

from ..calculus.evaluate import Point, exact_at
from ..calculus.numbers import fmt_number
from ..calculus.printing import to_text
from ..calculus.simplify import tidy
from ..core.budget import attempt
from ..core.errors import JacError
from ..core.request import option
from ..model.jacobian import substitute_chain
from ..results.check import CheckResult, Diagnosis, EntryVerdict
from .comparison import Comparer

if TYPE_CHECKING:
    from ..model.function import VectorFunction

_CLOSE_RTOL = 1e-2  # "close: rounding?" below this relative difference
MAX_PERMUTED = 4  # columns/rows in another order are looked for up to this size


def diagnose(result: CheckResult, comparer: Comparer, functions: Sequence[VectorFunction],
             answer: sp.Matrix) -> list[Diagnosis]:
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
        out.append(det_diagnosis(result, comparer))
    return out


def _layouts(result: CheckResult, comparer: Comparer, functions: Sequence[VectorFunction],
             answer: sp.Matrix) -> Iterator[tuple[str, sp.Matrix | None, str]]:
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


def _domain_remark(result: CheckResult, comparer: Comparer) -> list[Diagnosis]:
    """Entries that fail only where some input is negative: say so, and how to say where the inputs live."""
    wrong = [v for v in result.entries if not v.ok and v.method == "sampled"]
    if not wrong:
        return []
    positive = [sp.StrictGreaterThan(s, 0) for s in comparer.symbols]
    trial = Comparer(None, comparer.symbols, comparer.rtol, comparer.atol, positive, comparer.seams)
    if all(trial.equal(v.answer, v.expected)[0] for v in wrong):
        names = ", ".join(f"{s} > 0" for s in comparer.symbols)
        return [Diagnosis("domain", f"{', '.join(v.label for v in wrong)} agree{'s' if len(wrong) == 1 else ''} with J "
                                    f"where every input is positive, but not everywhere J is real; if the inputs "
                                    f"live there, say so: {option('assume', names)}")]
    return []


def _entry_remark(v: EntryVerdict, comparer: Comparer) -> Diagnosis | None:
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
    if v.answer.has(sp.Float) and v.method == "sampled" and _rounds(v.answer, v.expected):
        used, differ, worst = comparer.sampler.differences(v.answer, v.expected)
        if used and differ >= 0.8 * used and worst < _CLOSE_RTOL:
            return Diagnosis("rounding", f"{v.label} has rounded numbers: it differs from J by up to {worst:.1e} "
                                         f"(relative) at the points sampled; symbolic answers are compared exactly (pass "
                                         f"{option('rtol', float(f'{10 ** _ceil_log10(worst):g}'))} to allow rounding)")
    if v.remark:
        return Diagnosis("value", f"{v.label}: {v.remark}")
    return None


def _rounds(answer: sp.Expr, expected: sp.Expr) -> bool:
    """Is ``answer`` J with some of its numbers rounded? J must have the answer's form with a number in place
    of each decimal, and each decimal must be within 1 % of that number, which is not 0: ``2.0001 cos(2x) + y``
    rounds ``2 cos(2x) + y``; ``-sin(2y) + 1e-12`` adds a term to ``-sin(2y)`` and rounds nothing."""
    floats = sorted(answer.atoms(sp.Float), key=str)
    wilds = {f: sp.Wild(f"w{k}", properties=[lambda w: w.is_number]) for k, f in enumerate(floats)}
    found = attempt(lambda: expected.match(answer.xreplace(wilds)), lambda: None, "diagnosis")
    if not found:
        return False
    for f, w in wilds.items():
        value = found.get(w)
        if value is None or not value.is_number or value == 0:
            return False
        exact = complex(value)
        if exact == 0 or abs(complex(f) - exact) > _CLOSE_RTOL * abs(exact):
            return False
    return True


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
    if abs(ratio.imag) > 1e-12 or abs(ratio.real - 1) < 1e-9:
        return None
    frac = Fraction(ratio.real).limit_denominator(12)
    if frac != 0 and abs(float(frac) - ratio.real) <= 1e-9 * abs(ratio.real) and frac != 1:
        return str(frac)
    return None


def _factor_matrices(result: CheckResult, functions: Sequence[VectorFunction]) -> list[sp.Matrix]:
    """Each factor as the answer would hold it: at its point, or symbolic in x."""
    target = result.target
    if result.mode == "point":
        return [f.exact_at() for f in target.factors]
    chain = substitute_chain(functions)
    mats = [target.factors[0].sympy_jacobian()]
    for k in range(1, len(functions)):
        mats.append(target.factors[k].sympy_jacobian().xreplace(dict(zip(functions[k].symbols, chain[k - 1]))))
    return mats


def _reversed_product(result: CheckResult, functions: Sequence[VectorFunction]) -> sp.Matrix | None:
    """J_1 · J_2 ⋯ J_L (the factors in application order): defined when the inner sizes match."""
    mats = _factor_matrices(result, functions)
    product = mats[0]
    for mat in mats[1:]:
        if product.cols != mat.rows:
            return None
        product = product * mat
    return product


def _outer_at_x(result: CheckResult, functions: Sequence[VectorFunction]) -> sp.Matrix | None:
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


def _safe_at(expr: sp.Expr, point: Point) -> sp.Expr | None:
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


def partial_diagnoses(result: CheckResult, comparer: Comparer, expected: sp.Matrix,
                      labels: Callable[[int, int], str]) -> list[Diagnosis]:
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


def det_diagnosis(result: CheckResult, comparer: Comparer) -> Diagnosis:
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
