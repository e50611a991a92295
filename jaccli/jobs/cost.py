"""``jac cost``: what forward and reverse accumulation, and the best bracketing,
cost for a chain of Jacobians — from widths or from the specs themselves."""

from __future__ import annotations

from typing import Any, Sequence

from ..chain.order import Shape, diag_plus_rank1, identity_plus, plans
from ..core.errors import SpecError
from ..core.request import Request, option
from ..parse.loading import load
from ..results.tools import CostResult


def from_dims(dims: Sequence[int]) -> CostResult:
    """``[d0, d1, …, dL]``: widths from input to output; J_k is d_k × d_{k−1} (dense)."""
    if len(dims) < 2 or any(d < 1 for d in dims):
        raise SpecError(f"{option('dims')} needs at least two positive widths, input first (e.g. 1000000,1000,1)")
    shapes = [Shape(dims[k], dims[k - 1]) for k in range(1, len(dims))]
    names = [f"J{k}" for k in range(1, len(shapes) + 1)]
    return CostResult(shapes, names, plans(shapes, names))


DIAGONAL_KINDS = ("elementwise", "dropout", "batchnorm")  # J is diagonal


def from_specs(items: Sequence[Any], input_size: int | None = None) -> CostResult:
    """Shapes from function specs and layer files: element-wise layers count as diagonal, softmax as
    diagonal plus rank one (about 3n per application), a convolution by its receptive fields, a residual
    block as the identity plus its inner layers (n plus theirs)."""
    # deferred: numpy, for specs only (--dims is arithmetic on widths)
    from ..chain.sparse import colour_columns, keep_sparse, pattern_product
    from ..model.layers import Network
    shapes: list[Shape] = []
    names: list[str] = []
    patterns: list[Any] = []  # each function factor's sparsity pattern (None: dense), to colour the product
    size = input_size
    for item in items:
        if isinstance(item, Network):
            for label, shape in _layer_shapes(item.layers, size):
                shapes.append(shape)
                names.append(f"J_{label}")
                size = shape.rows
        else:
            if size is not None and item.n != size:
                raise SpecError(f"{item.name} takes {item.n} inputs but gets {size}")
            pattern = keep_sparse(item) if item.engine == "symengine" else None
            patterns.append(pattern)
            # a sparse factor costs its non-zeros per vector (and keeps only them)
            shapes.append(Shape(item.m, item.n) if pattern is None else
                          Shape(item.m, item.n, apply=pattern.nnz, stored=pattern.nnz))
            names.append(f"J_{item.name}")
            size = item.m
    result = CostResult(shapes, names, plans(shapes, names))
    if patterns and all(p is not None for p in patterns):
        whole = pattern_product([p for p in patterns if p is not None])
        colours = int(colour_columns(whole).max()) + 1 if whole.nnz else 0
        jvp = sum(p.nnz for p in patterns if p is not None)
        result.compressed = {"colours": colours, "jvp_macs": jvp, "macs": colours * jvp, "nnz": whole.nnz}
    return result


def _layer_shapes(layers: Sequence[Any], size: int | None) -> list[tuple[str, Shape]]:
    """(label, Shape) of each layer, given the width coming in (None: not known yet)."""
    # deferred: numpy, for layer files only
    from ..model.layers import Conv
    out: list[tuple[str, Shape]] = []
    for layer in layers:
        label, n_in, n_out = layer.name, layer.n_in, layer.n_out
        if n_in is None or layer.kind in DIAGONAL_KINDS:  # as wide as what it is given
            if size is None:
                raise SpecError(f"the size of layer {label} is unknown here",
                                hint=f"put a layer with a known input size first, or use {option('dims')}")
            n_in = size
            n_out = size if n_out is None or layer.kind in DIAGONAL_KINDS else n_out
        if size is not None and n_in != size:
            raise SpecError(f"{label} takes {n_in} inputs but gets {size}")
        assert n_out is not None
        if layer.kind in DIAGONAL_KINDS:
            shape = Shape(n_out, n_in, diagonal=True)
        elif isinstance(layer, Conv):
            shape = Shape(n_out, n_in, apply=layer.macs, stored=int(layer.weights.size))
        elif layer.kind in ("softmax", "log_softmax"):
            shape = diag_plus_rank1(n_in)
        elif layer.kind == "residual":
            shape = identity_plus(n_in, [s for _, s in _layer_shapes(layer.inner, n_in)])
        else:
            shape = Shape(n_out, n_in)
        out.append((label, shape))
        size = n_out
    return out


def run(request: Request) -> CostResult:
    """jac cost: from widths (--dims) or from SPECs."""
    if request.dims:
        return from_dims(request.dims)
    return from_specs(load(request, layers=True), request.input_size)
