"""``jac cost``: what forward and reverse accumulation, and the best bracketing,
cost for a chain of Jacobians — from widths or from the specs themselves."""

from __future__ import annotations

from typing import Any, Sequence

from .chainorder import Shape, plans
from .errors import SpecError
from .request import option
from .results.tools import CostResult


def from_dims(dims: Sequence[int]) -> CostResult:
    """``[d0, d1, …, dL]``: widths from input to output; J_k is d_k × d_{k−1} (dense)."""
    if len(dims) < 2 or any(d < 1 for d in dims):
        raise SpecError(f"{option('dims')} needs at least two positive widths, input first (e.g. 1000000,1000,1)")
    shapes = [Shape(dims[k], dims[k - 1]) for k in range(1, len(dims))]
    names = [f"J{k}" for k in range(1, len(shapes) + 1)]
    return CostResult(shapes, names, plans(shapes, names))


DIAGONAL_KINDS = ("elementwise", "dropout", "batchnorm")  # J is diagonal


def _structures(item: Any) -> dict[str, tuple[int | None, int | None]]:
    """(MACs per application, numbers stored) of a network's structured layers: a convolution by its
    receptive fields, softmax as diagonal plus rank one (about 3n); sizes of softmax come from the chain,
    so its entry is filled in when the width is known (see from_specs)."""
    from .layers import Conv, Network

    out: dict[str, tuple[int | None, int | None]] = {}
    if isinstance(item, Network):
        for layer in item.layers:
            if isinstance(layer, Conv):
                out[layer.name] = (layer.macs, int(layer.weights.size))
            elif layer.kind in ("softmax", "log_softmax"):
                out[layer.name] = (-1, -1)  # 3n, once n is known
    return out


def from_specs(items: Sequence[Any], input_size: int | None = None) -> CostResult:
    """Shapes from function specs and layer files; element-wise layers count as diagonal."""
    from .layers import Network

    shapes: list[Shape] = []
    names: list[str] = []
    size = input_size
    for item in items:
        # (label, input width, output width, element-wise): a layer's widths may be unknown (None)
        structure = _structures(item)
        factors: list[tuple[str, int | None, int | None, bool]] = (
            [(layer.name, layer.n_in, layer.n_out, layer.kind in DIAGONAL_KINDS)
             for layer in item.layers] if isinstance(item, Network)
            else [(item.name, item.n, item.m, False)])
        for label, n_in, n_out, diagonal in factors:
            if n_in is None and not diagonal:  # softmax, a loss of a class: as wide as what it is given
                if size is None:
                    raise SpecError(f"the size of layer {label} is unknown here",
                                    hint=f"put a layer with a known input size first, or use {option('dims')}")
                n_in = size
                n_out = size if n_out is None else n_out
            if diagonal:
                if size is None:
                    raise SpecError(f"the size of element-wise layer {label} is unknown here",
                                    hint=f"put a layer with a known input size first, or use {option('dims')}")
                n_in = n_out = size
            if size is not None and n_in != size:
                raise SpecError(f"{label} takes {n_in} inputs but gets {size}")
            assert n_in is not None and n_out is not None  # only element-wise layers take their size from the chain
            apply, stored = structure.get(label, (None, None))
            if apply == -1:  # softmax: diag + rank one
                apply = stored = 3 * n_in
            shapes.append(Shape(n_out, n_in, diagonal, apply, stored))
            names.append(f"J_{label}")
            size = n_out
    return CostResult(shapes, names, plans(shapes, names))
