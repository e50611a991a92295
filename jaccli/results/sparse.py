"""A Jacobian kept sparse (chain/sparse.py): its exact pattern, a column colouring and, at a point, the
values of the non-zeros — never an m×n array."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.display import Displayable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..chain.sparse import Pattern
    from ..model.function import VectorFunction


@dataclass(repr=False)
class SparseJacobianResult(Displayable):
    command: str  # "jacobian" (or "compose" of one function)
    function: VectorFunction
    pattern: Pattern
    colours: npt.NDArray[np.int64]  # one per column: J from one JVP per colour
    point: tuple[float, ...] | None = None  # with --at
    values: npt.NDArray[np.float64] | None = None  # the non-zeros at the point, in pattern order
    why: str = "asked"  # "asked" (--sparsity), "file" (-o .npz/.mtx), "large" (density and size)
    notes: list[str] = field(default_factory=list)
    chain: list[VectorFunction] = field(default_factory=list)  # compose: the functions, application order
    factors: list[tuple[str, tuple[int, int], int]] = field(default_factory=list)  # compose: name, shape, nnz
    multiplication: str = ""  # compose at a point: the order the sparse factors were multiplied in
    macs: int = 0  # its multiply-adds, counted from the patterns

    @property
    def name(self) -> str:
        return "∘".join(fn.name for fn in reversed(self.chain)) if self.chain else self.function.name

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple((self.chain[0] if self.chain else self.function).inputs)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple((self.chain[-1] if self.chain else self.function).output_names)

    @property
    def colour_count(self) -> int:
        return int(self.colours.max()) + 1 if self.colours.size else 0

    @property
    def colouring_optimal(self) -> bool:
        """No colouring can use fewer colours than a row has non-zeros."""
        return self.colour_count == self.pattern.most_in_a_row

    @property
    def functions(self) -> list[VectorFunction]:
        return list(self.chain) if self.chain else [self.function]

    def csr(self) -> Any:
        """(data, indices, indptr, shape) of J at the point (CSR, as SciPy's csr_matrix takes them)."""
        return self.values, self.pattern.cols, self.pattern.indptr, self.pattern.shape
