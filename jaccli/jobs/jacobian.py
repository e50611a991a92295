"""The Jacobian of a chain — one function, a composition, layer files, or any mix — symbolically, and
at a point by the chain rule: every factor evaluated where its function is (J_g at f(x), never at x),
by its own engine (sympy exact, symengine decimals, a layer's numpy), then multiplied by the chain
core in the cheapest order. What was asked with it (vector products, --verify, --step, --steps) is
computed here too, so the result comes back finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..chain import core as chain
from ..chain.core import evaluated_exact, evaluated_floats, evaluated_matrix, shapes
from ..chain.order import Shape, plans
from ..chain.values import Evaluated, is_exact, is_finite
from ..core.errors import MathError, SpecError, UsageError
from ..core.limits import SPARSE_MIN_ENTRIES
from ..core.progress import progress
from ..core.request import Request, make, option
from ..model.function import VectorFunction, inferred_order_hint
from ..parse.loading import check_items, load
from ..results import Determinant, Factor, JacobianResult, VectorProducts, factors_of, input_names
from .linearise import linearise

if TYPE_CHECKING:
    import numpy as np

    from ..calculus.evaluate import Point
    from ..chain.order import Plan
    from ..chain.values import Value

MAX_DENSE_ENTRIES = 50_000_000  # a full J larger than this is not formed (use vector products)


def jacobian_of(request: Request, items: list[Any]) -> JacobianResult:
    """``items``: loaded and bound, application order."""
    if request.at is None:
        layered = [item for item in items if not isinstance(item, VectorFunction)]
        if layered:
            raise UsageError(f"{layered[0].origin or layered[0].name} is a layer file: layer chains are evaluated "
                             f"at a point", hint=f"give {option('at')} (values, or @FILE for a long point)")
        result = _symbolic(request, items)
    else:
        result = _at_point(request, items)
    if request.steps:
        # deferred: loads sympy, which the rest of this module does not need
        from ..calculus.steps import steps_for

        result.steps = steps_for(result, request.entry)
    return result


# ---------------------------------------------------------------------------
# Without a point: the symbolic Jacobian

def _symbolic(request: Request, functions: list[VectorFunction]) -> JacobianResult:
    # deferred: loads sympy, which the rest of this module does not need
    from ..model import jacobian as model_jacobian

    factors = [Factor(fn.name, fn.inputs, fn.output_names, function=fn, symbolic=model_jacobian.jacobian_matrix(fn))
               for fn in functions]
    notes = [note for fn in functions for note in fn.notes] + _engine_notes(functions, at_point=False)
    if len(functions) == 1:
        symbolic = factors[0].symbolic
    else:
        symbolic = model_jacobian.composed_jacobian(functions, [f.symbolic for f in factors])
        if symbolic is None:
            notes.append("the symbolic composed Jacobian was not formed (time budget); the factors are shown, "
                         f"and {option('at')} gives the product at a point")
    result = JacobianResult(request.command, list(functions), factors, symbolic=symbolic, notes=notes,
                            costs=_costs(factors))
    result.determinant = _symbolic_determinant(symbolic, result.shape, functions[0])
    return result


def _symbolic_determinant(symbolic: Any, shape: tuple[int, int], first: VectorFunction) -> Determinant | None:
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus import derivatives as calculus

    m, n = shape
    if m != n:
        return None
    det = Determinant()
    if _withheld(first, det):
        return det
    if symbolic is None:
        return det
    if m == 1:
        det.symbolic = symbolic[0, 0]  # a 1×1 determinant is the entry
        return det
    det.symbolic = calculus.symbolic_determinant(symbolic)
    if not isinstance(symbolic, sp.MatrixBase):
        det.skipped = f"no symbolic determinant from the symengine engine; give {option('at')}, or " \
                      f"{option('engine', 'sympy')}"
    elif det.symbolic is None and m > calculus.SYMBOLIC_DET_MAX_N:
        det.skipped = (f"symbolic determinant skipped for a {m}×{m} matrix (jac expands it only up to "
                       f"{calculus.SYMBOLIC_DET_MAX_N}×{calculus.SYMBOLIC_DET_MAX_N}); give {option('at')} "
                       "for its value at a point")
    elif det.symbolic is None:
        det.skipped = f"symbolic determinant skipped: it did not fit in the time budget; give {option('at')} " \
                      "for its value"
    return det


def _withheld(first: Any, det: Determinant) -> bool:
    if isinstance(first, VectorFunction) and first.n > 1 and first.order == "inferred":
        det.withheld = (f"det J is not shown: its sign depends on the order of the inputs ({', '.join(first.inputs)}), "
                        f"which jac only inferred by sorting; {inferred_order_hint(first)}")
        return True
    return False


def _engine_notes(functions: Sequence[VectorFunction], at_point: bool) -> list[str]:
    return [f"J_{fn.name} was computed by the symengine engine ({fn.m}×{fn.n}); values at a point are decimals "
            f"({option('engine', 'sympy')} for exact ones)" for fn in functions if fn.engine == "symengine"]


def _costs(factors: Sequence[Factor], values: Sequence[Value] | None = None) -> dict[str, Plan]:
    """Forward, reverse and optimal plans: by the evaluated values' structures at a point (diagonal,
    diag + rank 1, convolution, identity + inner), else dense function factors."""

    sizes = shapes(values) if values is not None else [Shape(*f.shape) for f in factors]
    return plans(sizes, [f"J_{f.name}" for f in factors])


# ---------------------------------------------------------------------------
# At a point: the chain rule, factor by factor

def _at_point(request: Request, items: list[Any], symbolic: Sequence[Any] | None = None) -> JacobianResult:
    """``symbolic``: each function's Jacobian when already differentiated (a batch's rows off the
    fast path); else differentiated here."""

    first = items[0]
    point = _first_point(request.at, first)
    factors = factors_of(items, point.names)
    functions = [item for item in items if isinstance(item, VectorFunction)]
    notes = [note for item in items for note in item.notes] + _engine_notes(functions, at_point=True)
    given = iter(symbolic) if symbolic is not None else None
    values: list[Value] = []
    seams: dict[int, str] = {}
    here: Any = point
    with progress("evaluating the factors", len(factors)) as bar:
        for k, factor in enumerate(factors):
            factor.point = here
            try:
                if factor.function is not None:
                    # deferred: loads sympy, which the rest of this module does not need
                    from ..model.jacobian import jacobian_matrix

                    J = next(given) if given is not None else jacobian_matrix(factor.function)
                    seams = _evaluate_function(factor, factor.function, J, here, notes)
                else:
                    _evaluate_layer(factor, here)
            except MathError as err:
                if k:
                    prev = factors[k - 1]
                    err.message += f" ({factor.name} sees {prev.name}'s value at {prev.point.text()})"  # type: ignore[union-attr]
                raise
            values.append(_product_value(factor))
            if k + 1 < len(factors):
                here = _next_point(factor, factors[k + 1])
            bar.advance()
    single = len(factors) == 1 and factors[0].function is not None
    result = JacobianResult(request.command, items, factors, point=point, notes=notes, costs=_costs(factors, values),
                            symbolic=factors[0].symbolic if single else None)
    names = [f"J_{f.name}" for f in factors]
    m, n = result.shape
    if request.vjp is not None or request.jvp is not None or request.grad:
        result.products = _products(request, values, names, m, n)
        return result
    if m * n > MAX_DENSE_ENTRIES:
        notes.append(f"the full J would have {m * n:,} entries; it was not formed. Use {option('vjp')} V "
                     f"(reverse mode) or {option('jvp')} V (forward mode)")
        return result
    product, plan = chain.multiply(values, names)
    result.multiplication = plan if len(factors) > 1 else None
    result.at = _product_evaluated(product, result, point)
    if request.render.format != "csv":  # csv shows J only: no det (slogdet of 4096² takes seconds)
        result.determinant = _point_determinant(result, values, product, seams if single else {},
                                                symbolic_det=symbolic is None)
    if request.verify:
        result.verification = _verify(result, items)
    if request.step is not None:
        result.linearisation = _linearise(result, items, request.step)
    return result


def row_at(command: str, items: list[Any], symbolic: Sequence[Any], point: Point) -> JacobianResult:
    """One point on the exact path with Jacobians already differentiated (a batch row off the fast
    path): J there and its determinant."""

    return _at_point(make(command, at=point, format="json"), items, symbolic)  # type: ignore[arg-type]


def _first_point(at: Any, first: Any) -> Any:
    """An exact point for a function spec (evaluate.make_point); floats for a layer file."""
    if isinstance(first, VectorFunction):
        # deferred: loads sympy, which the rest of this module does not need
        from ..parse.point import make_point

        return make_point(at, first)
    # deferred: loads numpy, which the rest of this module does not need
    from ..parse.arrays import NumericPoint, numeric_vector

    x = numeric_vector(at, option("at"))
    n = first.n
    if n is not None and n != x.size:
        raise SpecError(f"{option('at')} has {x.size} values but {first.name} takes {n} inputs",
                        hint="give one value per input (or @FILE for a long point)")
    return NumericPoint(input_names(x.size), x)


def _evaluate_function(factor: Factor, fn: VectorFunction, J: Any, point: Any, notes: list[str]) -> dict[int, str]:
    """J and f at the point for a function spec; the outputs on a seam where it is still differentiable."""
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.evaluate import check_domain

    point = _as_exact_point(point, fn)
    factor.point = point
    seams = check_domain(fn, point)
    factor.symbolic = J
    factor.at = evaluated_matrix(J, point, _partial_label(fn.output_names, fn.inputs), seams, notes)
    factor.outputs = _outputs_at(fn, point)
    return seams


def _as_exact_point(point: Any, fn: VectorFunction) -> Point:
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.evaluate import Point

    if isinstance(point, Point):
        return point
    # deferred: sympy is heavy at start-up
    import sympy as sp

    return Point(fn.inputs, tuple(sp.Float(float(v)) for v in point.array))


def _outputs_at(fn: VectorFunction, point: Point) -> Evaluated:
    """f at the point: the next factor's point (exact for sympy, decimals for symengine)."""

    if fn.engine == "symengine":
        # deferred: loads sympy, which the rest of this module does not need
        from ..chain.fast import fast_exprs, to_symengine, vector_values

        exprs = fast_exprs(fn.outputs) or [to_symengine(e) for e in fn.outputs]
        try:
            values = vector_values(exprs, fn.inputs, point.values)
            return evaluated_floats([[v] for v in values], f"{fn.name}'s value")
        except (RuntimeError, TypeError, ValueError):
            pass  # a function symengine cannot evaluate in floats here (atan2): the exact path below
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus.evaluate import exact_at

    column = sp.Matrix([exact_at(e, point, name) for e, name in zip(fn.outputs, fn.output_names)])
    return evaluated_exact(column, lambda i, j: fn.output_names[i])


def _evaluate_layer(factor: Factor, point: Any) -> None:
    # deferred: numpy (also through the jac modules imported here) is heavy at start-up
    import numpy as np

    from ..parse.arrays import NumericPoint

    layer = factor.layer
    assert layer is not None
    x = point.array if isinstance(point, NumericPoint) else np.array(point.values, dtype=float)
    if layer.n_in is not None and layer.n_in != x.size:
        raise SpecError(f"layer {factor.name} ({layer.describe()}) takes {layer.n_in} inputs but sees {x.size}",
                        hint="check the sizes of the point and the layers")
    J = layer.jacobian(x)
    y = np.asarray(layer.forward(x), dtype=float)

    if not (is_finite(J) and np.isfinite(y).all()):
        raise MathError(f"layer {factor.name} ({layer.describe()}) is undefined or overflows at the point it sees",
                        hint="a value is infinite or not a number there; check the inputs and weights")
    factor.point = NumericPoint(factor.inputs, x) if not isinstance(point, NumericPoint) else point
    factor.at = Evaluated(None, J)
    factor.outputs = Evaluated(None, y[:, None])


def _product_value(factor: Factor) -> Value:
    """What the chain core multiplies: the exact matrix of a sympy factor, else its floats."""
    at = factor.at
    assert at is not None
    fn = factor.function
    if fn is not None and fn.engine == "sympy" and at.exact is not None:
        return at.exact
    if isinstance(at.value, list):
        return at.array()
    return at.value


def _next_point(factor: Factor, nxt: Factor) -> Any:
    """Where the next factor is evaluated: this one's value, named by the next one's inputs (exact after
    an exact function; floats otherwise)."""
    out = factor.outputs
    assert out is not None
    exact = factor.function is not None and factor.function.engine == "sympy" and out.exact is not None
    if nxt.function is not None and exact:
        from ..calculus.evaluate import Point  # sympy: only between function specs

        return Point(nxt.inputs, tuple(out.exact))  # type: ignore[arg-type]
    from ..parse.arrays import NumericPoint  # numpy: not for a chain of exact functions (it costs 0.1 s at start-up)

    return NumericPoint(nxt.inputs, out.array()[:, 0])


def _product_evaluated(product: Any, result: JacobianResult, point: Any) -> Evaluated:
    if is_exact(product):
        if not point.is_float and result.is_chain:
            from ..calculus.simplify import tidy_matrix  # sympy: only for exact products

            product = tidy_matrix(product, thorough=False)
        return evaluated_exact(product, _partial_label(result.output_names, result.inputs))
    return evaluated_floats(product, "J")


def _point_determinant(result: JacobianResult, values: list[Value], product: Any, seams: dict[int, str],
                       symbolic_det: bool = True) -> Determinant | None:
    """det J at the point; for one function also its formula (within the time budget), whose value at
    the point reads better than the determinant of the evaluated matrix (r² sin θ: 4 sin(1))."""

    m, n = result.shape
    if m != n:
        return None
    det = Determinant()
    if _withheld(result.items[0], det):
        return det
    exact = None
    if result.symbolic is not None and symbolic_det:
        det = _symbolic_determinant(result.symbolic, result.shape, result.function) or det
        if det.symbolic is not None and 1 < m and not seams and is_exact(product):
            # deferred: loads sympy, which the rest of this module does not need
            from ..calculus.evaluate import exact_at

            exact = exact_at(det.symbolic, result.point, "the determinant")  # type: ignore[arg-type]
    value = chain.determinant(product, values if result.is_chain else None, exact=exact)
    det.exact, det.value, det.sign, det.log_abs = value.exact, value.value, value.sign, value.log_abs
    det.factor_log_abs = value.factor_log_abs
    det.singular_exactly = value.sign == 0
    det.numerically_singular = value.singular and value.sign != 0
    return det


def _partial_label(outputs: Sequence[str], inputs: Sequence[str]) -> Any:
    return lambda i, j: f"∂{outputs[i]}/∂{inputs[j]}"


# ---------------------------------------------------------------------------
# What else was asked at the point

def _products(request: Request, values: list[Value], names: list[str], m: int, n: int) -> VectorProducts:
    # deferred: loads numpy, which the rest of this module does not need
    from ..parse.arrays import numeric_vector

    products = VectorProducts()
    vjp: Any = request.vjp  # text, numbers, or the ones vector of --grad
    if request.grad:
        if m != 1:
            raise UsageError(f"{option('grad')} needs a scalar output, but the chain has {m} outputs",
                             hint=f"use {option('vjp')} V with one entry per output")
        # deferred: numpy is heavy at start-up
        import numpy as np

        vjp = np.ones(1)
    if vjp is not None:
        v = _sized(numeric_vector(vjp, option("vjp")), m, "vjp", "output")
        row, products.plan = chain.vector_product(values, v, "left", names)
        if request.grad:
            products.grad = row
        else:
            products.vjp = row
    if request.jvp is not None:
        v = _sized(numeric_vector(request.jvp, option("jvp")), n, "jvp", "input")
        products.jvp, plan = chain.vector_product(values, v, "right", names)
        products.plan = products.plan or plan
    return products


def _sized(v: np.ndarray, size: int, name: str, per: str) -> np.ndarray:
    if v.size != size:
        raise UsageError(f"{option(name)} has {v.size} entries but must have {size}", hint=f"one entry per {per}")
    return v


def chain_function(items: Sequence[Any]) -> Any:
    """x ↦ the chain's value as floats, each function compiled once (for --verify and --step)."""
    # deferred: numpy (also through the jac modules imported here) is heavy at start-up
    import numpy as np

    from ..chain.numeric import compile_exprs

    steps: list[Callable[..., np.ndarray]] = []
    for item in items:
        if isinstance(item, VectorFunction):
            compiled = compile_exprs(list(item.outputs), item.symbols)
            steps.append(lambda v, f=compiled: np.array([float(x) for x in f(*v)], dtype=float))
        else:
            for layer in item.layers:
                steps.append(lambda v, layer=layer: np.asarray(layer.forward(v), dtype=float))

    def F(x: np.ndarray) -> np.ndarray:
        value = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            for step in steps:
                value = step(value)
        return value

    return F


def _verify(result: JacobianResult, items: Sequence[Any]) -> Any:
    # deferred: numpy (also through the jac modules imported here) is heavy at start-up
    import numpy as np

    from ..chain.numeric import Verification, finite_difference_jacobian

    assert result.point is not None and result.at is not None
    x0 = np.asarray(result.point.values, dtype=float)
    estimate, error = finite_difference_jacobian(chain_function(items), x0)
    verification = Verification(estimate, error, result.at.array())
    if not verification.agrees:
        raise MathError(f"{option('verify')}: the Jacobian and finite differences disagree at {result.point.text()} "
                        f"(max |J − J_fd| = {verification.max_abs_diff:.3g}, estimate error "
                        f"{verification.error_estimate:.3g})",
                        hint="the function may not be smooth near this point; please report it if it is")
    return verification


def _linearise(result: JacobianResult, items: Sequence[Any], step: Any) -> Any:
    # deferred: loads numpy, which the rest of this module does not need
    from ..parse.arrays import numeric_vector

    assert result.point is not None and result.at is not None
    return linearise(chain_function(items), result.point, result.at.rows(), numeric_vector(step, option("step")).tolist())


def _maybe_sparse(request: Request, items: list[Any]) -> bool:
    """Asked for (--sparsity, -o J.npz / J.mtx), or one function large enough to look at its pattern."""
    if request.sparsity or (request.output or "").lower().endswith((".npz", ".mtx")):
        return True
    return bool(items) and all(isinstance(item, VectorFunction) and
                               len(item.output_names) * item.n > SPARSE_MIN_ENTRIES for item in items)


def run(request: Request) -> Any:
    """jac jacobian and compose: J at a point or symbolically, or a batch of points (the rows still to
    stream, jobs/points.py)."""
    items = load(request, layers=True)
    check_items(request, items)
    if _maybe_sparse(request, items):
        # deferred: numpy, only for a sparse J
        from .sparse import run as run_sparse
        from .sparse import wanted

        sparse = wanted(request, items)
        if sparse is not None:
            return run_sparse(request, items, *sparse)
    if request.points is not None or request.points_text is not None:
        from .points import BatchRun  # numpy: only for a batch

        return BatchRun.start(request, items, row_at)
    return jacobian_of(request, items)
