"""jac jacobian kept sparse (issue 26): the pattern and a column colouring, and at --at the values of the
non-zeros, for ``--sparsity``, for ``-o J.npz`` / ``-o J.mtx``, and on its own when J is large and sparse
(chain/sparse.py: below DENSITY non-zero from MIN_ENTRIES entries on). Memory and time O(non-zeros)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..calculus.evaluate import Point, check_domain
from ..chain.fast import Unsupported
from ..chain.sparse import (
    Pattern,
    SparseMatrix,
    chain_product,
    colour_columns,
    differentiate,
    keep_sparse,
    pattern_only,
    pattern_product,
)
from ..core.errors import SpecError, UsageError
from ..core.limits import SPARSE_DENSITY as DENSITY
from ..core.limits import SPARSE_MIN_ENTRIES as MIN_ENTRIES
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..parse.arrays import numeric_vector
from ..parse.point import make_point
from ..results.sparse import SparseJacobianResult
from .sparse_points import SparseBatchRun

SPARSE_FILES = (".npz", ".mtx")
_ONE_POINT_EXTRAS = ("steps", "verify", "step", "vjp", "jvp", "grad")


def sparse_file(output: str | None) -> bool:
    return bool(output) and str(output).lower().endswith(SPARSE_FILES)


def _sparse_functions(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, VectorFunction) and i.engine == "symengine" for i in items)


def wanted(request: Request, items: list[Any]) -> tuple[str, Pattern | None] | None:
    """Why J should be kept sparse ("asked", "file", "large") and, when found already, its pattern; None
    for the dense path. Large-and-sparse applies to one function without one-point extras."""
    if request.sparsity:
        return "asked", None
    if sparse_file(request.output):
        return "file", None
    if not _sparse_functions(items) or any(getattr(request, name) for name in _ONE_POINT_EXTRAS) \
            or (request.points is not None and len(items) != 1):
        return None  # layers, or functions read by the grammar (abs, relu, piecewise, …): the dense path
    patterns = [keep_sparse(item) for item in items]
    if any(p is None for p in patterns):
        return None
    return ("large", patterns[0] if len(items) == 1 else None)


def run(request: Request, items: list[Any], why: str, pattern: Pattern | None = None) -> Any:
    if request.points is not None or request.points_text is not None:
        return SparseBatchRun.start(request, items, why)
    if len(items) > 1 and _sparse_functions(items):
        return _chain(request, items, why)
    if len(items) != 1 or not isinstance(items[0], VectorFunction):
        what = option("sparsity") if why == "asked" else f"{option('output')} {request.output}"
        raise UsageError(f"{what}: a sparse Jacobian is of one function spec",
                         hint="compose the functions into one spec, or leave the sparse output out")
    fn = items[0]
    notes = list(fn.notes)
    if request.at is None:
        pattern = pattern or pattern_only(fn)
        if why == "file":
            raise UsageError(f"{option('output')} {request.output} holds J's values: give {option('at')}",
                             hint="the pattern alone prints with --sparsity (--format json or csv)")
        result = SparseJacobianResult(request.command, fn, pattern, colour_columns(pattern), why=why, notes=notes)
    else:
        try:
            derivative = differentiate(fn)
        except Unsupported as err:
            raise UsageError(f"a sparse J is differentiated by symengine, which has no {err} with jac's meaning",
                             hint="leave out --sparsity (and -o .npz/.mtx): the dense path handles it") from None
        point = _point(request, fn)
        if any(fn.conditions):  # undefined or not real as written (log, division, sqrt …): refused, as densely
            _check_domain(fn, point)
        values = derivative.values(point)
        result = SparseJacobianResult(request.command, fn, derivative.pattern, colour_columns(derivative.pattern),
                                      point, values, why, notes)
    if why == "large":
        result.notes.append(f"J is {result.pattern.shape[0]}×{result.pattern.shape[1]} with "
                            f"{result.pattern.density:.2%} non-zero: kept sparse (from {MIN_ENTRIES:,} entries on, "
                            f"below {DENSITY:.0%} non-zero); -o J.npz or -o J.mtx writes it, --format json or csv "
                            "gives coordinates")
    return result


def _chain(request: Request, functions: list[VectorFunction], why: str) -> SparseJacobianResult:
    """A composition kept sparse: each factor's non-zeros at the point its function sees, multiplied
    sparsely, the cheapest adjacent pair first (multiply-adds counted from the patterns)."""
    first = functions[0]
    notes = [note for fn in functions for note in fn.notes]
    try:
        derivatives = [differentiate(fn) for fn in functions]
    except Unsupported as err:
        raise UsageError(f"a sparse J is differentiated by symengine, which has no {err} with jac's meaning",
                         hint="leave out the sparse output: the dense path handles it") from None
    factors = [(fn.name, d.pattern.shape, d.pattern.nnz) for fn, d in zip(functions, derivatives)]
    if request.at is None:
        if why == "file":
            raise UsageError(f"{option('output')} {request.output} holds J's values: give {option('at')}")
        pattern = pattern_product([d.pattern for d in derivatives])
        result = SparseJacobianResult(request.command, first, pattern, colour_columns(pattern), why=why, notes=notes,
                                      chain=functions, factors=factors)
    else:
        point = _point(request, first)
        here = point
        matrices = []
        for fn, derivative in zip(functions, derivatives):
            if any(fn.conditions):
                _check_domain(fn, tuple(float(v) for v in here))
            matrices.append(SparseMatrix(derivative.pattern, derivative.values(here)))
            here = tuple(float(v) for v in derivative.outputs_at(here))
        product, steps, macs = chain_product(matrices)
        names = [fn.name for fn in functions]
        order = " then ".join(f"J_{names[b]}·J_{names[a]}" if a + 1 == b else f"({' · '.join(f'J_{n}' for n in reversed(names[a:b + 1]))})"
                              for a, b in steps)
        result = SparseJacobianResult(request.command, first, product.pattern, colour_columns(product.pattern), point,
                                      product.values, why, notes, chain=functions, factors=factors,
                                      multiplication=order, macs=macs)
    if why == "large":
        result.notes.append(f"every factor is large and sparse: J_{result.name} is kept sparse and the factors are "
                            "multiplied sparsely")
    return result


def _check_domain(fn: VectorFunction, point: tuple[float, ...]) -> None:
    seams = check_domain(fn, Point(fn.inputs, tuple(sp.Float(v) for v in point)))
    if seams:
        raise UsageError(f"{', '.join(fn.output_names[i] for i in seams)} is on a seam at the point (a kink or a "
                         "case boundary): a sparse J has no limit rows", hint="leave out --sparsity there")


def _point(request: Request, fn: VectorFunction) -> tuple[float, ...]:
    at = request.at
    if isinstance(at, str) and at.startswith("@"):
        x = numeric_vector(at, option("at"))
        if x.size != fn.n:
            raise SpecError(f"{option('at')} has {x.size} values but {fn.name} takes {fn.n} inputs",
                            hint="give one value per input")
        return tuple(float(v) for v in x)
    point = make_point(at, fn)
    assert point is not None  # --at was given
    return tuple(point.values)
