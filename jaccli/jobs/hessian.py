"""Second derivatives: Hessians of scalar and vector functions, their
classification at a point, and the second-order chain rule

    H_{g∘f}(x) = J_f(x)ᵀ · H_g(f(x)) · J_f(x)  +  Σᵢ ∂g/∂zᵢ(f(x)) · H_{fᵢ}(x)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import sympy as sp

from ..calculus import tolerance
from ..calculus.evaluate import Point, check_domain, exact_at, seam_value
from ..calculus.simplify import tidy, tidy_matrix
from ..calculus.smoothness import analyse
from ..calculus.special import clean_derivative
from ..chain import core as chain
from ..chain.fast import AUTO_MIN_ENTRIES, Unsupported, symmetric, term_scales, vector_values
from ..chain.fast import hessian as fast_hessian
from ..chain.values import Evaluated
from ..core.budget import phase
from ..core.errors import SpecError
from ..core.request import Request
from ..model.function import VectorFunction
from ..model.jacobian import substitute_chain
from ..parse.grammar import Condition
from ..parse.loading import load
from ..parse.point import make_point
from ..results.second_order import HessianResult, OutputHessian, Term

if TYPE_CHECKING:
    from ..chain.fast import FastMatrix


def gradient_exprs(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> list[sp.Expr]:
    return [clean_derivative(sp.diff(expr, s)) for s in symbols]


def hessian_matrix(expr: sp.Expr, symbols: Sequence[sp.Symbol], grad: Sequence[sp.Expr] | None = None) -> sp.Matrix:
    n = len(symbols)
    grad = gradient_exprs(expr, symbols) if grad is None else grad
    return sp.Matrix(n, n, lambda i, j: tidy(clean_derivative(sp.diff(grad[i], symbols[j]))))


def _symmetric(H: sp.Matrix) -> bool:
    return all(tidy(H[i, j] - H[j, i]) == 0 for i in range(H.rows) for j in range(i + 1, H.cols))


def _evaluate(H: sp.Matrix, point: Point, label: str, on_seam: str | None = None,
              grad: Sequence[sp.Expr] | None = None, names: Sequence[str] = (), notes: list[str] | None = None) -> Evaluated:
    """H at the point. On a seam of f (``on_seam``), each gradient component must itself be
    differentiable there (decided from it, as for f), and H's entries are read as limits."""

    if on_seam is not None and grad is not None:
        for j, g in enumerate(grad):
            analyse(g, f"(∂{label[2:]}/∂{names[j]})", point.names, point.exact, point.text(), seam=on_seam)
        exact = sp.Matrix(H.rows, H.cols, lambda i, j: seam_value(H[i, j], point, f"{label}[{i + 1},{j + 1}]", notes))
    else:
        exact = sp.Matrix(H.rows, H.cols, lambda i, j: exact_at(H[i, j], point, f"{label}[{i + 1},{j + 1}]"))
    return chain.evaluated_exact(exact, lambda i, j: label)


def _classify(h: OutputHessian, gradient: Sequence[sp.Expr] | None, point: Point) -> None:
    """Eigenvalues, D = det H, definiteness (exactly for exact entries: Descartes' rule on the
    characteristic polynomial; else relative to max |λ|) and whether ∇f = 0 (exactly, or relative
    to the size of the terms that make up each partial derivative)."""
    # deferred: numpy is heavy at start-up
    import numpy as np

    if h.at is None:
        return
    values = np.array(h.at.value, dtype=float)
    h.eigenvalues = [float(v) for v in np.linalg.eigvalsh((values + values.T) / 2)]
    exact = h.at.exact
    h.D = chain.determinant(exact).exact if exact is not None and exact.rows <= chain.EXACT_DET_MAX_N else None
    inertia = tolerance.exact_inertia(exact) if exact is not None and not point.is_float and \
        tolerance.is_exact_matrix(exact) else None
    if inertia is None:
        signs = tolerance.eigen_signs(h.eigenvalues)
        inertia = (signs.count(1), signs.count(-1), signs.count(0))
        h.decided = "numerically"
    positive, negative, zero = inertia
    n = len(h.eigenvalues)
    if positive == n:
        h.definiteness = "positive definite"
    elif negative == n:
        h.definiteness = "negative definite"
    elif positive and negative:
        h.definiteness = "indefinite"
    elif zero == n:
        h.definiteness = "zero"
    else:
        h.definiteness = "positive semidefinite" if positive else "negative semidefinite"
    if gradient is not None and gradient and not isinstance(gradient[0], sp.Basic):  # symengine

        floats = vector_values(gradient, point.names, point.values)
        scales = term_scales(gradient, point.names, point.values)
        h.gradient_zero = all(tolerance.is_zero(v, s) for v, s in zip(floats, scales))
    elif gradient is not None:
        subs = point.subs
        zeros = []
        for e in gradient:
            value = exact_at(e, point, "the gradient")
            zeros.append(tolerance.is_zero(value, tolerance.term_scale(e, subs)))
        h.gradient_zero = all(zeros)


def hessian_of(request: Request, functions: list[VectorFunction]) -> HessianResult:
    """One function: a Hessian per output. Several (application order, ending in a scalar): the
    Hessian of the composition by the second-order chain rule."""
    point = make_point(request.at, functions[0])
    if len(functions) == 1:
        return _single(functions[0], point)
    if functions[-1].m != 1:
        raise SpecError(f"the second-order chain rule here needs a scalar last function; {functions[-1].name} "
                        f"has {functions[-1].m} outputs", hint="for a vector function, ask for its Hessians alone")
    return _composition(functions, point)


def _single(fn: VectorFunction, point: Point | None) -> HessianResult:
    seams = check_domain(fn, point) if point is not None else {}
    hessians = []
    notes = list(fn.notes)
    for i, (name, expr) in enumerate(zip(fn.output_names, fn.outputs)):
        fast = _fast_hessian(fn, expr, seams.get(i))
        if fast is not None:
            H, grad = fast
            h = OutputHessian(name, H, _fast_symmetric(H))
            if point is not None:
                h.at = _fast_values(H, point, name)
                _classify(h, grad, point)
            hessians.append(h)
            continue
        with phase(f"differentiating the Hessian of {name} ({fn.n}×{fn.n} entries)"):
            grad = gradient_exprs(expr, fn.symbols)
            H = hessian_matrix(expr, fn.symbols, grad)
        h = OutputHessian(name, H, _symmetric(H))
        if point is not None:
            with phase(f"evaluating H_{name} at the point"):
                h.at = _evaluate(H, point, f"H_{name}", seams.get(i), grad, fn.inputs, notes)
                _classify(h, grad, point)
        hessians.append(h)
    if any(not isinstance(h.symbolic, sp.MatrixBase) for h in hessians):
        notes.append(f"the Hessians were computed by the symengine engine ({fn.n}×{fn.n}); values at a point are "
                     "decimals and entries are not simplified")
    return HessianResult([fn], hessians, point, notes=notes)


def _fast_hessian(fn: VectorFunction, expr: sp.Expr, on_seam: str | None) -> tuple[FastMatrix, list[Any]] | None:
    """symengine's Hessian for large ones (n² from fast.AUTO_MIN_ENTRIES entries on), when it can take
    the function and the point is on no seam; else None (sympy)."""

    if on_seam is not None or (fn.engine != "symengine" and fn.n * fn.n < AUTO_MIN_ENTRIES):
        return None
    try:
        with phase(f"differentiating the Hessian ({fn.n}×{fn.n} entries, symengine)"):
            return fast_hessian(expr, fn.inputs)
    except Unsupported:
        return None


def _fast_symmetric(H: FastMatrix) -> bool:
    return symmetric(H)


def _fast_values(H: FastMatrix, point: Point, name: str) -> Evaluated:
    return chain.evaluated_matrix(H, point, lambda i, j: f"H_{name}[{i + 1},{j + 1}]")


def _composition(functions: list[VectorFunction], point: Point | None) -> HessianResult:
    """Inner f = the first L−1 functions substituted into each other; outer g = the last."""
    *inner_fns, g = functions
    inner_outputs = substitute_chain(inner_fns)[-1]
    x = functions[0].symbols
    f = VectorFunction("∘".join(fn.name for fn in reversed(inner_fns)), functions[0].inputs, tuple(inner_outputs),
                       inner_fns[-1].output_names)
    z = dict(zip(g.symbols, inner_outputs))
    Jf = sp.Matrix(len(inner_outputs), len(x), lambda i, j: tidy(sp.diff(inner_outputs[i], x[j])))
    Hg = hessian_matrix(g.outputs[0], g.symbols)
    grad_g = [sp.diff(g.outputs[0], s) for s in g.symbols]
    Hf = [hessian_matrix(out, x) for out in inner_outputs]
    n, m = len(x), len(inner_outputs)
    terms = [Term(f"J_{f.name}ᵀ · H_{g.name}({f.name}(x)) · J_{f.name}", (n, n)),
             Term(f"Σᵢ ∂{g.name}/∂zᵢ({f.name}(x)) · H_{f.name}ᵢ(x)", (n, n))]
    notes = [note for fn in functions for note in fn.notes]
    if point is None:
        terms[0].symbolic = tidy_matrix(Jf.T * Hg.xreplace(z) * Jf)
        terms[1].symbolic = tidy_matrix(sum((grad_g[i].xreplace(z) * Hf[i] for i in range(m)),
                                                     sp.zeros(n, n)))
        total = tidy_matrix(terms[0].symbolic + terms[1].symbolic)
        h = OutputHessian(g.output_names[0], total, _symmetric(total))
        return HessianResult(functions, [h], None, terms, notes)
    seams = _chain_domain(functions, point)
    whole = g.outputs[0].xreplace(z)
    if seams:  # a kink somewhere along the chain: decide from the composed function itself
        composed = VectorFunction(f"{g.name}∘{f.name}", functions[0].inputs, (whole,), g.output_names,
                                  conditions=(_chain_conditions(functions),))
        single = _single(composed, point)
        h = single.hessians[0]
        h.symbolic = None
        notes += single.notes[len(composed.notes):] + [
            f"the point is on a seam of {', '.join(seams)}: the Hessian is computed from the composed function "
            "directly (its chain-rule terms are not shown at this point)"]
        return HessianResult(functions, [h], point, [], notes)
    Jf_at = _evaluate(Jf, point, f"J_{f.name}")
    z_point = Point(g.inputs, tuple(exact_at(e, point, f"{f.name}(x)") for e in inner_outputs))
    Hg_at = _evaluate(Hg, z_point, f"H_{g.name}")
    grad_at = [exact_at(e, z_point, f"∂{g.name}") for e in grad_g]
    Hf_at = [_evaluate(H, point, f"H_{f.name}{i + 1}") for i, H in enumerate(Hf)]
    first, _ = chain.multiply([Jf_at.exact_matrix(), Hg_at.exact_matrix(), Jf_at.exact_matrix().T])  # J_fᵀ · H_g · J_f
    second = sum((grad_at[i] * Hf_at[i].exact_matrix() for i in range(m)), sp.zeros(n, n))
    clean: Callable[[sp.Matrix], sp.Matrix] = (lambda M: M) if point.is_float else (lambda M: tidy_matrix(M, thorough=False))
    terms[0].at = _values(clean(first))
    terms[1].at = _values(clean(second))
    total = _values(clean(first + second))
    H_symbolic = None  # not formed at a point: no substitution of f into g's Hessian symbolically
    h = OutputHessian(g.output_names[0], H_symbolic, True, total)
    _classify(h, [sp.diff(whole, s) for s in x], point)
    scale = max((abs(v) for row in total.rows() for v in row), default=0.0)
    exact = total.exact_matrix()
    h.symmetric = all(tolerance.is_zero(exact[i, j] - exact[j, i], scale)
                      for i in range(n) for j in range(i + 1, n))
    return HessianResult(functions, [h], point, terms, notes)


def _chain_domain(functions: Sequence[VectorFunction], point: Point) -> list[str]:
    """Check each function's domain at the point it sees; the names of those on a seam."""
    here, on_seam = point, []
    for k, fn in enumerate(functions):
        if check_domain(fn, here):
            on_seam.append(fn.name)
        if k + 1 < len(functions):
            here = Point(functions[k + 1].inputs, tuple(exact_at(e, here, f"{fn.name}(x)") for e in fn.outputs))
    return on_seam


def _chain_conditions(functions: Sequence[VectorFunction]) -> tuple[Condition, ...]:
    """Every function's conditions written in the first function's inputs."""

    substituted = substitute_chain(functions)
    out = []
    for k, fn in enumerate(functions):
        subs = dict(zip(fn.symbols, substituted[k - 1])) if k else {}
        for group in fn.conditions:
            for c in group:
                out.append(Condition(c.kind, tuple(e.xreplace(subs) for e in c.exprs), c.function, c.need))
    return tuple(out)


def _values(M: sp.Matrix) -> Evaluated:
    return chain.evaluated_exact(M, lambda i, j: "the Hessian")


def run(request: Request) -> HessianResult:
    return hessian_of(request, load(request))
