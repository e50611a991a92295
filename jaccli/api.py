"""jac's Python API: load specs, compute Jacobians and compositions.

    >>> from jaccli import jacobian, compose
    >>> r = compose("samples/f.yaml", "samples/g.yaml", at="1,2")
    >>> r.at.exact
    Matrix([[6, 3], [12, 6], [4*cos(4), 2*cos(4)]])

Every function returns a result object (see ``results.py``); nothing prints.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence, Union

import sympy as sp

from . import calculus, grammar, tolerance
from .budget import within_budget
from .errors import MathError
from .evaluate import (
    Point,
    bind_point,
    check_domain,
    exact_at,
    parse_point_text,
    to_number,
)
from .function import VectorFunction
from .numbers import slogdet
from .results import CompositionResult, Determinant, Evaluated, Factor, JacobianResult
from .simplify import tidy_matrix
from .spec import load_all

SpecLike = Union[VectorFunction, str]
PointLike = Union[str, Sequence[object], Mapping[str, object], Point, None]

EXACT_DET_MAX_N = 8  # beyond this, determinants at a point are computed numerically


def load(specs: Sequence[SpecLike], *, vars: Sequence[str] | None = None,
         stdin_text: str | None = None, latex: bool | None = None, equations: bool = False) -> list[VectorFunction]:
    """Load function SPECs (see spec.load_all); layer files belong to network.run_chain.
    ``equations``: read ``lhs = rhs`` as lhs − rhs (F(x, y) = 0 for the implicit function theorem)."""
    from .errors import SpecError
    from .spec import is_network

    if isinstance(specs, (str, VectorFunction)):
        specs = [specs]  # one spec, not a sequence of characters
    functions = load_all(specs, vars=vars, stdin_text=stdin_text, latex=latex, equations=equations)
    for fn in functions:
        if is_network(fn):
            raise SpecError(f"{fn.origin} is a layer chain; it is evaluated numerically",
                            hint="give --at (a point, or @FILE) to 'jac compose' or 'jac jacobian'")
    return functions


def make_point(at: PointLike, fn: VectorFunction) -> Point | None:
    """A point for ``fn`` from text (``"1,2"``, ``"x=1,y=2"``), numbers or a mapping."""
    if at is None or isinstance(at, Point):
        return at
    if isinstance(at, str) and at.startswith("@"):
        from .network import numeric_point

        items = [grammar.PointItem(None, sp.Float(float(v)), 0) for v in numeric_point(at)]
    elif isinstance(at, str):
        items = parse_point_text(at)
    elif isinstance(at, Mapping):
        items = [grammar.PointItem(str(k), _constant(v), 0) for k, v in at.items()]
    elif all(isinstance(v, grammar.PointItem) for v in at):
        items = list(at)  # already parsed (the CLI's --at)
    else:
        items = [grammar.PointItem(None, _constant(v), 0) for v in at]
    return bind_point(items, fn.inputs, fn.name, order_hint=_order_hint(fn))


def _order_hint(fn) -> str | None:
    """How to declare ``fn``'s input order when it was only inferred (else None)."""
    from .function import inferred_order_hint

    return inferred_order_hint(fn) if getattr(fn, "order", "declared") == "inferred" else None


def _constant(value: object) -> sp.Expr:
    import numbers

    if isinstance(value, bool):
        raise TypeError("a point's value cannot be a boolean")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Real) and not isinstance(value, sp.Basic):
        return sp.Float(repr(float(value)))  # numpy floats too
    if isinstance(value, sp.Expr) and value.is_number:
        return value
    if isinstance(value, str):
        items = parse_point_text(value)
        if len(items) == 1 and items[0].name is None:
            return items[0].value
    raise TypeError(f"cannot use {value!r} as a coordinate")


# ---------------------------------------------------------------------------
# Evaluation helpers

def _evaluate(matrix: sp.Matrix, point: Point, label, seams: frozenset[int] | set[int] = frozenset(),
              notes: list[str] | None = None) -> Evaluated:
    """``matrix`` at ``point``; rows in ``seams`` (outputs on a kink where the function is still
    differentiable) are read as the limit of their formula (notes about that go to ``notes``)."""
    from .evaluate import seam_value
    from .fast import FastMatrix, values_at

    if isinstance(matrix, FastMatrix):  # the symengine engine: decimals at the point
        values = values_at(matrix, point.names, point.values, label)
        return Evaluated(sp.Matrix(matrix.rows, matrix.cols, [_float(v) for row in values for v in row]), values)
    rows, cols = matrix.shape
    exact = sp.Matrix(rows, cols, lambda i, j: seam_value(matrix[i, j], point, label(i, j), notes) if i in seams
                      else exact_at(matrix[i, j], point, label(i, j)))
    return _with_values(exact, label)


def _float(value) -> sp.Expr:
    if isinstance(value, complex):
        return sp.Float(value.real) + sp.I * sp.Float(value.imag)
    return sp.Float(value)


def _with_values(exact: sp.Matrix, label) -> Evaluated:
    value = [[to_number(exact[i, j], label(i, j)) for j in range(exact.cols)] for i in range(exact.rows)]
    return Evaluated(exact, value)


def _partial_label(fn_outputs: Sequence[str], inputs: Sequence[str]):
    return lambda i, j: f"∂{fn_outputs[i]}/∂{inputs[j]}"


def _determinant(symbolic: sp.Matrix | None, at: Evaluated | None, *, with_symbolic: bool,
                 point: Point | None = None, seams: set[int] | frozenset[int] = frozenset(),
                 first: VectorFunction | None = None) -> Determinant | None:
    matrix = symbolic if symbolic is not None else (at.exact if at is not None else None)
    if matrix is None or matrix.rows != matrix.cols:
        return None
    det = Determinant()
    if first is not None and matrix.rows > 1 and first.order == "inferred":
        from .function import inferred_order_hint

        det.withheld = (f"det J is not shown: its sign depends on the order of the inputs ({', '.join(first.inputs)}), "
                        f"which jac only inferred by sorting; {inferred_order_hint(first)}")
        return det
    if with_symbolic and symbolic is not None and matrix.rows == 1:
        det.symbolic = symbolic[0, 0]  # a 1×1 determinant is the entry
    elif with_symbolic and symbolic is not None:
        det.symbolic = calculus.symbolic_determinant(symbolic)
        if not isinstance(symbolic, sp.MatrixBase):
            det.skipped = "no symbolic determinant from the symengine engine; give --at, or --engine sympy"
        elif det.symbolic is None and matrix.rows > calculus.SYMBOLIC_DET_MAX_N:
            det.skipped = (f"symbolic determinant skipped for a {matrix.rows}×{matrix.rows} matrix "
                           f"(jac expands it only up to {calculus.SYMBOLIC_DET_MAX_N}×"
                           f"{calculus.SYMBOLIC_DET_MAX_N}); give --at for its value at a point")
        elif det.symbolic is None:
            det.skipped = "symbolic determinant skipped: it did not fit in the time budget; give --at for its value"
    if at is not None:
        n = at.exact.rows
        if n <= EXACT_DET_MAX_N:
            if n == 1:
                det.exact = at.exact[0, 0]
            elif det.symbolic is not None and point is not None and not seams:  # r² sin θ at the point: 4 sin(1)
                det.exact = exact_at(det.symbolic, point, "the determinant")
            else:
                det.exact = calculus.determinant(at.exact)  # one expression: worth simplifying (cos²+sin²)
            det.value = to_number(det.exact, "the determinant")
            sign = tolerance.exact_sign(det.exact) if tolerance.is_exact(det.exact) else \
                (0 if det.value == 0 else (1 if det.value > 0 else -1))
            det.sign = float(sign)
            if sign:  # from the exact determinant: no rounding to lose
                det.log_abs = float(sp.log(sp.Abs(det.exact)).evalf(17))
            if not tolerance.is_exact(det.exact):
                det.numerically_singular = tolerance.numerically_singular(at.value)
        else:
            import numpy as np

            values = np.array(at.value, dtype=float)
            det.sign, det.log_abs, det.value = slogdet(values)  # type: ignore[assignment]
            det.exact = sp.Float(det.value) if det.value is not None else None
            det.numerically_singular = tolerance.numerically_singular(values)
    return det


# ---------------------------------------------------------------------------
# Public API

@within_budget
def jacobian(spec: SpecLike, *, at: PointLike = None, vars: Sequence[str] | None = None,
             stdin_text: str | None = None, latex: bool | None = None) -> JacobianResult:
    """The Jacobian of one function: symbolic, and at ``at`` when given."""
    (fn,) = load([spec], vars=vars, stdin_text=stdin_text, latex=latex)
    symbolic = calculus.jacobian_matrix(fn)
    return jacobian_at(fn, symbolic, make_point(at, fn), with_symbolic_det=True)


def jacobian_at(fn: VectorFunction, symbolic: sp.Matrix, point: Point | None, *,
                with_symbolic_det: bool = True) -> JacobianResult:
    """A JacobianResult from an already differentiated function (reused per point by batches)."""
    seams = check_domain(fn, point) if point is not None else set()
    notes = list(fn.notes)
    evaluated = _evaluate(symbolic, point, _partial_label(fn.output_names, fn.inputs), seams, notes) if point else None
    if fn.engine == "symengine":
        notes.append(f"J_{fn.name} was computed by the symengine engine ({fn.m}×{fn.n}); values at a point are "
                     "decimals (--engine sympy for exact ones)")
    return JacobianResult(
        function=fn, symbolic=symbolic, point=point, at=evaluated,
        determinant=_determinant(symbolic, evaluated, with_symbolic=with_symbolic_det, point=point, seams=seams,
                                 first=fn),
        notes=notes)


def chain(*specs: SpecLike, vars: Sequence[str] | None = None, stdin_text: str | None = None,
          latex: bool | None = None) -> tuple[list[VectorFunction], list[sp.Matrix]]:
    """Load the functions of a composition and differentiate each (its own inputs)."""
    from .errors import SpecError

    if len(specs) < 2:
        raise SpecError("compose needs at least two functions", hint="for one function use 'jac jacobian'")
    from .binding import bind

    functions = bind(load(specs, vars=vars, stdin_text=stdin_text, latex=latex))
    calculus.check_chain(functions)
    return functions, [calculus.jacobian_matrix(fn) for fn in functions]


@within_budget
def compose(*specs: SpecLike, at: PointLike = None, vars: Sequence[str] | None = None,
            stdin_text: str | None = None, latex: bool | None = None) -> CompositionResult:
    """The Jacobian of the composition of ``specs`` in application order
    (``compose(f, g)`` is g∘f) by the chain rule, each factor evaluated at
    the point its function sees."""
    functions, symbolic = chain(*specs, vars=vars, stdin_text=stdin_text, latex=latex)
    point = make_point(at, functions[0])
    if point is None:
        composed = calculus.composed_jacobian(functions, symbolic)
        notes = [n for fn in functions for n in fn.notes]
        if composed is None:
            notes.append("the symbolic composed Jacobian was not formed (time budget); the factors are shown, "
                         "and --at gives the product at a point")
        return CompositionResult(functions, [Factor(fn, J) for fn, J in zip(functions, symbolic)],
                                 symbolic=composed, notes=notes,
                                 determinant=_determinant(composed, None, with_symbolic=True, first=functions[0]))
    return composition_at(functions, symbolic, point)


def composition_at(functions: list[VectorFunction], symbolic: Sequence[sp.Matrix], point: Point) -> CompositionResult:
    """The chain rule at a point: evaluate each factor where its function is,
    then multiply numbers. No function is substituted into the next symbolically."""
    factors = [Factor(fn, J) for fn, J in zip(functions, symbolic)]
    notes = [note for fn in functions for note in fn.notes]
    here = point
    for k, factor in enumerate(factors):
        fn = factor.function
        factor.point = here
        try:
            seams = check_domain(fn, here)
        except MathError as err:
            if k and factors[k - 1].point is not None:
                prev = factors[k - 1]
                err.message += f" ({fn.name} sees {prev.name}'s value at {prev.point.text()})"
            raise
        factor.at = _evaluate(factor.symbolic, here, _partial_label(fn.output_names, fn.inputs), seams, notes)
        factor.outputs = _evaluate(sp.Matrix(fn.outputs), here, lambda i, j, fn=fn: f"{fn.output_names[i]}")
        if k + 1 < len(functions):
            here = Point(functions[k + 1].inputs, tuple(factor.outputs.exact))
    plan = calculus.cheapest_order(functions)
    product = _multiply(plan.tree, [f.at.exact for f in factors])
    if not point.is_float:
        product = tidy_matrix(product, thorough=False)
    last, first = functions[-1], functions[0]
    evaluated = _with_values(product, _partial_label(last.output_names, first.inputs))
    det = _determinant(None, evaluated, with_symbolic=False, first=functions[0])
    if det is not None and det.withheld is None and all(f.shape[0] == f.shape[1] for f in factors):
        det.factor_log_abs = [_log_abs_det(f.at) for f in factors]  # the change of variables adds them up
    return CompositionResult(functions, factors, point=point, at=evaluated, notes=notes, multiplication=plan,
                             determinant=det)


def _log_abs_det(at: Evaluated) -> float | None:
    return slogdet(at.value)[1]


def _multiply(tree, matrices: Sequence[sp.Matrix]) -> sp.Matrix:
    if isinstance(tree, int):
        return matrices[tree]
    left, right = tree
    return _multiply(left, matrices) * _multiply(right, matrices)


def verify(result: JacobianResult | CompositionResult) -> JacobianResult | CompositionResult:
    """Attach a finite-difference check of ``result`` at its point (``result.verification``);
    MathError when they disagree."""
    from .errors import MathError
    from .numeric import verify as fd_verify

    if result.point is None or result.at is None:
        from .errors import SpecError

        raise SpecError("--verify compares with finite differences at a point", hint="add --at POINT")
    functions = result.functions if isinstance(result, CompositionResult) else [result.function]
    result.verification = fd_verify(functions, result.point.values, result.at.value)
    if result.verification is None:
        result.notes.append("--verify skipped: the values at this point are complex")
    elif not result.verification.agrees:
        v = result.verification
        raise MathError(f"--verify: the symbolic Jacobian and finite differences disagree at {result.point.text()} "
                        f"(max |J − J_fd| = {v.max_abs_diff:.3g}, estimate error {v.error_estimate:.3g})",
                        hint="the function may not be smooth near this point; please report it if it is")
    return result
