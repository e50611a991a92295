"""jac jacobian kept sparse (issue 26): the pattern and a column colouring, and at --at the values of the
non-zeros, for ``--sparsity``, for ``-o J.npz`` / ``-o J.mtx``, and on its own when J is large and sparse
(chain/sparse.py: below DENSITY non-zero from MIN_ENTRIES entries on). Memory and time O(non-zeros)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..calculus.evaluate import Point, check_domain
from ..chain.fast import Unsupported
from ..chain.sparse import Pattern, colour_columns, differentiate, keep_sparse, pattern_only
from ..core.errors import SpecError, UsageError
from ..core.limits import SPARSE_DENSITY as DENSITY
from ..core.limits import SPARSE_MIN_ENTRIES as MIN_ENTRIES
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..parse.arrays import numeric_vector
from ..parse.point import make_point
from ..results.sparse import SparseJacobianResult

SPARSE_FILES = (".npz", ".mtx")
_ONE_POINT_EXTRAS = ("steps", "verify", "step", "vjp", "jvp", "grad")


def sparse_file(output: str | None) -> bool:
    return bool(output) and str(output).lower().endswith(SPARSE_FILES)


def wanted(request: Request, items: list[Any]) -> tuple[str, Pattern | None] | None:
    """Why J should be kept sparse ("asked", "file", "large") and, when found already, its pattern; None
    for the dense path. Large-and-sparse applies to one function without one-point extras."""
    if request.sparsity:
        return "asked", None
    if sparse_file(request.output):
        return "file", None
    if len(items) != 1 or not isinstance(items[0], VectorFunction) or request.points is not None \
            or any(getattr(request, name) for name in _ONE_POINT_EXTRAS):
        return None
    if items[0].engine != "symengine":  # read by the grammar (abs, relu, piecewise, …): the dense path
        return None
    pattern = keep_sparse(items[0])
    return ("large", pattern) if pattern is not None else None


def run(request: Request, items: list[Any], why: str, pattern: Pattern | None = None) -> SparseJacobianResult:
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
