"""Taylor expansions: ``jac taylor SPEC --at P --order K`` (K ≤ 4).

For each output f, the multivariable Taylor polynomial of order K at p,

    T_K(x) = Σ_{|α| ≤ K} D^α f(p) / α! · (x − p)^α,

from the derivative tensors of every order up to K: the gradient, the Hessian and, for K ≥ 3, the
higher tensors. They are symmetric, so only their distinct entries — one per multi-index α, i.e. per
sorted tuple of input indices — are differentiated and evaluated (exactly at an exact point).

The remainder table shows the polynomial is the right one: for steps h, h/10, …, the remainder
‖f(p+h) − T_K(p+h)‖ divided by ‖h‖^K shrinks to 0 (like ‖h‖). f and T are evaluated at 60 digits there,
so the table is not round-off (a 4th-order remainder at h = 10⁻⁴ is about 10⁻²⁰).
"""

from __future__ import annotations

import math
from itertools import combinations_with_replacement
from typing import Any, Sequence

import sympy as sp

from ..calculus.evaluate import check_domain, exact_at
from ..core.errors import MathError, SpecError, UsageError
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..parse.loading import load
from ..parse.point import make_point
from ..results.second_order import DerivativeEntry, OutputTaylor, TaylorResult, TaylorStep

MAX_ORDER = 4
STEPS = 5
DIGITS = 60


def taylor_of(request: Request, functions: list[VectorFunction]) -> TaylorResult:
    if len(functions) != 1:
        raise UsageError("jac taylor expands one function: give one SPEC",
                         hint="for a composition, write the composed function as one SPEC")
    fn = functions[0]
    order = request.order
    if not 1 <= order <= MAX_ORDER:
        raise UsageError(f"{option('order')} is {order}: jac expands up to order {MAX_ORDER}",
                         hint="orders 1 (the linearisation) to 4")
    point = make_point(request.at, fn)
    if point is None:
        raise UsageError(f"a Taylor expansion is made at a point: add {option('at')}")
    seams = check_domain(fn, point)
    if seams:
        raise MathError(f"{fn.name} is at a seam at {point.text()} ({', '.join(seams.values())}): its "
                        "higher derivatives may not exist there", hint="expand at a point off the seam")
    symbols = fn.symbols
    shifts = [s - v for s, v in zip(symbols, point.exact)]
    outputs = []
    for name, expr in zip(fn.output_names, fn.outputs):
        derivatives: dict[tuple[int, ...], sp.Expr] = {(): expr}
        entries: list[DerivativeEntry] = []
        polynomial = sp.S.Zero
        terms: list[tuple[sp.Expr, tuple[int, ...]]] = []
        for k in range(order + 1):
            for index in combinations_with_replacement(range(fn.n), k):
                if k:
                    derivatives[index] = sp.diff(derivatives[index[:-1]], symbols[index[-1]])
                label = derivative_label(name, [fn.inputs[i] for i in index])
                value = exact_at(derivatives[index], point, label)
                if k:
                    entries.append(DerivativeEntry(index, tuple(fn.inputs[i] for i in index), value,
                                                   _float(value)))
                counts = [index.count(i) for i in range(fn.n)]
                weight = sp.Integer(math.prod(math.factorial(c) for c in counts))
                coefficient = value / weight
                polynomial += coefficient * sp.Mul(*[shifts[i] ** c for i, c in enumerate(counts) if c])
                if coefficient != 0:
                    terms.append((coefficient, tuple(counts)))
        outputs.append(OutputTaylor(name, polynomial, entries, terms))
    step = _step(request.step, fn.n)
    return TaylorResult(fn, point, order, outputs, _remainders(fn, point, outputs, order, step),
                        notes=list(fn.notes))


def derivative_label(output: str, wrt: Sequence[str]) -> str:
    """``f``, ``∂f/∂x``, ``∂²f/∂x∂y``."""
    if not wrt:
        return output
    k = len(wrt)
    groups: list[list[Any]] = []
    for v in wrt:
        if groups and groups[-1][0] == v:
            groups[-1][1] += 1
        else:
            groups.append([v, 1])
    below = "".join(f"∂{v}{_superscript(c) if c > 1 else ''}" for v, c in groups)
    return f"∂{'' if k == 1 else _superscript(k)}{output}/{below}"


def _superscript(k: int) -> str:
    return str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _float(value: sp.Expr) -> float:
    return float(sp.N(value, 17))


def _step(given: Any, n: int) -> list[float]:
    # deferred: loads numpy, which the rest of this module does not need
    from ..parse.arrays import numeric_vector

    if given is None:
        return [0.1] * n
    step = [float(v) for v in numeric_vector(given, option("step"))]
    if len(step) == 1:
        step *= n
    if len(step) != n:
        raise SpecError(f"{option('step')} has {len(step)} entries but the point has {n}",
                        hint="give one scale (h = s·(1, …, 1)) or one entry per input")
    return step


def _remainders(fn: VectorFunction, point: Any, outputs: list[OutputTaylor], order: int,
                step: list[float]) -> list[TaylorStep]:
    """‖f(p+h) − T(p+h)‖ / ‖h‖^order for h = step, step/10, …, at DIGITS digits."""
    rows = []
    for k in range(STEPS):
        h = [sp.Rational(str(s)) / 10 ** k for s in step]
        subs = {s: v + dv for s, v, dv in zip(fn.symbols, point.exact, h)}
        errors = []
        for expr, out in zip(fn.outputs, outputs):
            exact = sp.N(expr.subs(subs), DIGITS)
            approx = sp.N(out.polynomial.subs(subs), DIGITS)
            if not (exact.is_real and approx.is_real):
                raise MathError(f"{out.output} is not real at p + h = ({', '.join(str(float(v)) for v in subs.values())})",
                                hint=f"choose a smaller {option('step')}, or another point")
            errors.append(abs(exact - approx))
        norm_h = math.sqrt(sum(float(v) ** 2 for v in h))
        remainder = float(sp.sqrt(sum(e ** 2 for e in errors)))
        rows.append(TaylorStep([float(v) for v in h], norm_h, remainder, remainder / norm_h ** order))
    return rows


def run(request: Request) -> TaylorResult:
    return taylor_of(request, load(request))
