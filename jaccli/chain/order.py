"""The cost of multiplying a chain of Jacobians, and the cheapest order.

Factors are given in application order J_1, …, J_L (J_k is d_k × d_{k−1});
the product is J_L ⋯ J_1. A p×q by q×r product costs p·q·r multiply-adds;
a diagonal factor (an element-wise layer) costs only one multiply per entry
of the other operand, and is stored as a vector.

    forward accumulation  ((J_3 J_2) J_1) … from the input side: (J_2 J_1) first
    reverse accumulation  … from the output side: (J_L J_{L−1}) first
    optimal               matrix-chain dynamic programming
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence, Union

Tree = Union[int, tuple["Tree", "Tree"]]  # a factor's index (application order), or a product of two
_Cell = tuple[int, int, "Shape", Tree]  # macs, memory, the product's shape, tree


@dataclass(frozen=True)
class Shape:
    """A factor's size and structure: dense; diagonal (stored as its diagonal); or a structured operator
    known by what one application costs (``apply``: multiply-adds per vector — softmax's diag + rank one
    about 3n, a convolution C_out·positions·C_in·kernel), multiplied column by column."""

    rows: int
    cols: int
    diagonal: bool = False
    apply: int | None = None  # MACs of one matrix-vector product, for a structured (non-diagonal) operator
    stored: int | None = None  # numbers it keeps (structured): its memory

    @property
    def entries(self) -> int:
        if self.diagonal:
            return self.rows
        return self.stored if self.stored is not None else self.rows * self.cols

    @property
    def per_vector(self) -> int:
        """Multiply-adds of one matrix-vector product."""
        if self.diagonal:
            return self.rows
        return self.apply if self.apply is not None else self.rows * self.cols


def diag_plus_rank1(n: int) -> Shape:
    """diag(d) + u·vᵀ (softmax, log-softmax): three vectors, about 3n multiply-adds per vector."""
    return Shape(n, n, apply=3 * n, stored=3 * n)


def identity_plus(n: int, inner: Sequence[Shape]) -> Shape:
    """I + J_L⋯J_1 (a residual block): one application is n plus each inner factor's; it keeps theirs."""
    return Shape(n, n, apply=n + sum(s.per_vector for s in inner), stored=sum(s.entries for s in inner))


def multiply(a: Shape, b: Shape) -> tuple[int, Shape]:
    """Multiply-adds of a·b and the shape of the result (dense, unless both are diagonal)."""
    if a.cols != b.rows:
        raise ValueError(f"cannot multiply {a.rows}×{a.cols} by {b.rows}×{b.cols}")
    if a.diagonal and b.diagonal:
        return a.rows, Shape(a.rows, a.cols, True)
    out = Shape(a.rows, b.cols)
    if a.diagonal:
        return (b.rows * b.cols if b.apply is None else b.per_vector * b.cols), out
    if b.diagonal:
        return (a.rows * a.cols if a.apply is None else a.per_vector * a.rows), out
    if b.apply is not None and a.apply is None:
        return b.per_vector * a.rows, out  # each row of a through b's adjoint
    return a.per_vector * b.cols + (b.per_vector * b.cols if b.apply is not None else 0), out


@dataclass(frozen=True)
class Plan:
    """How to multiply: total multiply-adds, the largest intermediate product
    (entries), and the bracketing written outer factor first."""

    macs: int
    memory: int
    order: str
    tree: Tree


def _names(names: Sequence[str] | None, count: int) -> list[str]:
    return list(names) if names else [f"J{k + 1}" for k in range(count)]


def _text(tree: Tree, names: list[str], top: bool = True) -> str:
    if isinstance(tree, int):
        return names[tree]
    left, right = tree
    inner = f"{_text(left, names, False)}·{_text(right, names, False)}"
    return inner if top else f"({inner})"


def forward(shapes: Sequence[Shape], names: Sequence[str] | None = None) -> Plan:
    """From the input side: acc = J_1; acc = J_k · acc."""
    names = _names(names, len(shapes))
    acc, macs, memory = shapes[0], 0, 0
    tree: Tree = 0
    for k in range(1, len(shapes)):
        cost, acc = multiply(shapes[k], acc)
        macs, memory, tree = macs + cost, max(memory, acc.entries), (k, tree)
    return Plan(macs, memory, _text(tree, names), tree)


def reverse(shapes: Sequence[Shape], names: Sequence[str] | None = None) -> Plan:
    """From the output side: acc = J_L; acc = acc · J_k."""
    names = _names(names, len(shapes))
    last = len(shapes) - 1
    acc, macs, memory = shapes[last], 0, 0
    tree: Tree = last
    for k in range(last - 1, -1, -1):
        cost, acc = multiply(acc, shapes[k])
        macs, memory, tree = macs + cost, max(memory, acc.entries), (tree, k)
    return Plan(macs, memory, _text(tree, names), tree)


def optimal(shapes: Sequence[Shape], names: Sequence[str] | None = None) -> Plan:
    """Matrix-chain dynamic programming, O(L³) (ties broken by memory). Plans are immutable and a
    chain's shapes repeat (its cost table, then its product; a batch's every chunk): computed once."""
    return _optimal(tuple(shapes), tuple(names) if names else None)


@functools.lru_cache(maxsize=256)
def _optimal(shapes: tuple[Shape, ...], given: tuple[str, ...] | None) -> Plan:
    names = _names(given, len(shapes))
    # In multiplication order (left to right) the factors are J_L … J_1.
    mats = list(reversed(range(len(shapes))))
    n = len(mats)
    # best[i][j] = (macs, memory, rows, cols, diagonal, tree) for the product of mats[i..j]
    best: list[list[_Cell | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        best[i][i] = (0, 0, shapes[mats[i]], mats[i])
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            row = best[i]
            choice: _Cell | None = None
            for s in range(i, j):
                left, right = row[s], best[s + 1][j]
                assert left is not None and right is not None
                lc, lm, lshape, lt = left
                rc, rm, rshape, rt = right
                cost, out = multiply(lshape, rshape)
                total = lc + rc + cost
                memory = max(lm, rm, out.entries)
                if choice is None or (total, memory) < (choice[0], choice[1]):
                    choice = (total, memory, out, (lt, rt))
            row[j] = choice
    whole = best[0][n - 1]
    assert whole is not None
    macs, memory, *_, tree = whole
    return Plan(macs, memory, _text(tree, names), tree)


def plans(shapes: Sequence[Shape], names: Sequence[str] | None = None) -> dict[str, Plan]:
    return {"forward": forward(shapes, names), "reverse": reverse(shapes, names), "optimal": optimal(shapes, names)}
