"""Second derivatives: Hessians of scalar and vector functions, their
classification at a point, and the second-order chain rule

    H_{g∘f}(x) = J_f(x)ᵀ · H_g(f(x)) · J_f(x)  +  Σᵢ ∂g/∂zᵢ(f(x)) · H_{fᵢ}(x)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import sympy as sp

from . import api, calculus
from .budget import within_budget
from .errors import SpecError
from .evaluate import Point, check_domain, exact_at, to_number
from .results import ChainProperties, Evaluated
from .spec import VectorFunction

EIGEN_TOL = 1e-10


@dataclass
class OutputHessian:
    """The Hessian of one scalar output: symbolic, and at a point."""

    output: str
    symbolic: sp.Matrix
    symmetric: bool
    at: Evaluated | None = None
    eigenvalues: list[float] | None = None
    gradient_zero: bool | None = None

    @property
    def classification(self) -> str | None:
        if self.eigenvalues is None:
            return None
        ev = self.eigenvalues
        scale = max(1.0, max(abs(v) for v in ev))
        pos = [v > EIGEN_TOL * scale for v in ev]
        neg = [v < -EIGEN_TOL * scale for v in ev]
        critical = "" if self.gradient_zero else " (the gradient is not zero here, so this is not a critical point)"
        if all(pos):
            return "positive definite: a local minimum candidate" + critical
        if all(neg):
            return "negative definite: a local maximum candidate" + critical
        if any(pos) and any(neg):
            return "indefinite: a saddle" + critical
        return "semidefinite (an eigenvalue is 0): the second-derivative test is inconclusive" + critical


@dataclass
class Term:
    name: str
    shape: tuple[int, int]
    symbolic: sp.Matrix | None = None
    at: Evaluated | None = None


@dataclass
class HessianResult(ChainProperties):
    kind = "hessian"  # what render() dispatches on

    functions: list[VectorFunction]
    hessians: list[OutputHessian]  # one per output (a composition ends in one scalar)
    point: Point | None = None
    terms: list[Term] = field(default_factory=list)  # the second-order chain rule, for compositions
    notes: list[str] = field(default_factory=list)


def hessian_matrix(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> sp.Matrix:
    from .functions import clean_derivative

    n = len(symbols)
    grad = [clean_derivative(sp.diff(expr, s)) for s in symbols]
    return sp.Matrix(n, n, lambda i, j: calculus.tidy(clean_derivative(sp.diff(grad[i], symbols[j]))))


def _symmetric(H: sp.Matrix) -> bool:
    return all(calculus.tidy(H[i, j] - H[j, i]) == 0 for i in range(H.rows) for j in range(i + 1, H.cols))


def _evaluate(H: sp.Matrix, point: Point, label: str) -> Evaluated:
    exact = sp.Matrix(H.rows, H.cols, lambda i, j: exact_at(H[i, j], point, f"{label}[{i + 1},{j + 1}]"))
    value = [[to_number(exact[i, j], label) for j in range(exact.cols)] for i in range(exact.rows)]
    return Evaluated(exact, value)


def _classify(h: OutputHessian, gradient: Sequence[sp.Expr] | None, point: Point) -> None:
    import numpy as np

    if h.at is None or any(isinstance(v, complex) for row in h.at.value for v in row):
        return
    values = np.array(h.at.value, dtype=float)
    h.eigenvalues = [float(v) for v in np.linalg.eigvalsh((values + values.T) / 2)]
    if gradient is not None:
        g = [to_number(exact_at(e, point, "the gradient"), "the gradient") for e in gradient]
        h.gradient_zero = all(abs(v) < 1e-12 for v in g)


@within_budget
def hessian(*specs: api.SpecLike, at: api.PointLike = None, vars: Sequence[str] | None = None,
            stdin_text: str | None = None) -> HessianResult:
    """One spec: a Hessian per output. Several (application order, ending in a
    scalar): the Hessian of the composition by the second-order chain rule."""
    functions = api.load(list(specs), vars=vars, stdin_text=stdin_text)
    point = api.make_point(at, functions[0])
    if len(functions) == 1:
        return _single(functions[0], point)
    calculus.check_chain(functions)
    if functions[-1].m != 1:
        raise SpecError(f"the second-order chain rule here needs a scalar last function; {functions[-1].name} "
                        f"has {functions[-1].m} outputs", hint="for a vector function, ask for its Hessians alone")
    return _composition(functions, point)


def _single(fn: VectorFunction, point: Point | None) -> HessianResult:
    if point is not None:
        check_domain(fn, point)
    hessians = []
    for name, expr in zip(fn.output_names, fn.outputs):
        H = hessian_matrix(expr, fn.symbols)
        h = OutputHessian(name, H, _symmetric(H))
        if point is not None:
            h.at = _evaluate(H, point, f"H_{name}")
            _classify(h, [sp.diff(expr, s) for s in fn.symbols], point)
        hessians.append(h)
    return HessianResult([fn], hessians, point, notes=list(fn.notes))


def _composition(functions: list[VectorFunction], point: Point | None) -> HessianResult:
    """Inner f = the first L−1 functions substituted into each other; outer g = the last."""
    *inner_fns, g = functions
    inner_outputs = calculus.substitute_chain(inner_fns)[-1]
    x = functions[0].symbols
    f = VectorFunction("∘".join(fn.name for fn in reversed(inner_fns)), functions[0].inputs, tuple(inner_outputs),
                       inner_fns[-1].output_names)
    z = dict(zip(g.symbols, inner_outputs))
    Jf = sp.Matrix(len(inner_outputs), len(x), lambda i, j: calculus.tidy(sp.diff(inner_outputs[i], x[j])))
    Hg = hessian_matrix(g.outputs[0], g.symbols)
    grad_g = [sp.diff(g.outputs[0], s) for s in g.symbols]
    Hf = [hessian_matrix(out, x) for out in inner_outputs]
    n, m = len(x), len(inner_outputs)
    terms = [Term(f"J_{f.name}ᵀ · H_{g.name}({f.name}(x)) · J_{f.name}", (n, n)),
             Term(f"Σᵢ ∂{g.name}/∂zᵢ({f.name}(x)) · H_{f.name}ᵢ(x)", (n, n))]
    notes = [note for fn in functions for note in fn.notes]
    if point is None:
        terms[0].symbolic = calculus.tidy_matrix(Jf.T * Hg.xreplace(z) * Jf)
        terms[1].symbolic = calculus.tidy_matrix(sum((grad_g[i].xreplace(z) * Hf[i] for i in range(m)),
                                                     sp.zeros(n, n)))
        total = calculus.tidy_matrix(terms[0].symbolic + terms[1].symbolic)
        h = OutputHessian(g.output_names[0], total, _symmetric(total))
        return HessianResult(functions, [h], None, terms, notes)
    check_domain(functions[0], point)
    Jf_at = _evaluate(Jf, point, f"J_{f.name}")
    z_point = Point(g.inputs, tuple(exact_at(e, point, f"{f.name}(x)") for e in inner_outputs))
    check_domain(g, z_point)
    Hg_at = _evaluate(Hg, z_point, f"H_{g.name}")
    grad_at = [exact_at(e, z_point, f"∂{g.name}") for e in grad_g]
    Hf_at = [_evaluate(H, point, f"H_{f.name}{i + 1}") for i, H in enumerate(Hf)]
    first = Jf_at.exact.T * Hg_at.exact * Jf_at.exact
    second = sum((grad_at[i] * Hf_at[i].exact for i in range(m)), sp.zeros(n, n))
    tidy = (lambda M: M) if point.is_float else (lambda M: calculus.tidy_matrix(M, thorough=False))
    terms[0].at = _values(tidy(first))
    terms[1].at = _values(tidy(second))
    total = _values(tidy(first + second))
    whole = g.outputs[0].xreplace(z)
    H_symbolic = None  # not formed at a point: no substitution of f into g's Hessian symbolically
    h = OutputHessian(g.output_names[0], H_symbolic, True, total)
    _classify(h, [sp.diff(whole, s) for s in x], point)
    h.symmetric = all(abs(complex(total.exact[i, j] - total.exact[j, i])) < 1e-12 * (1 + abs(complex(total.exact[i, j])))
                      for i in range(n) for j in range(i + 1, n))
    return HessianResult(functions, [h], point, terms, notes)


def _values(M: sp.Matrix) -> Evaluated:
    return Evaluated(M, [[to_number(M[i, j], "the Hessian") for j in range(M.cols)] for i in range(M.rows)])
