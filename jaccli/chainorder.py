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
_Cell = tuple[int, int, int, int, bool, Tree]  # macs, memory, rows, cols, diagonal, tree


@dataclass(frozen=True)
class Shape:
    rows: int
    cols: int
    diagonal: bool = False

    @property
    def entries(self) -> int:
        return self.rows if self.diagonal else self.rows * self.cols


def multiply(a: Shape, b: Shape) -> tuple[int, Shape]:
    """Multiply-adds of a·b and the shape of the result."""
    if a.cols != b.rows:
        raise ValueError(f"cannot multiply {a.rows}×{a.cols} by {b.rows}×{b.cols}")
    if a.diagonal and b.diagonal:
        return a.rows, Shape(a.rows, a.cols, True)
    if a.diagonal:
        return b.rows * b.cols, Shape(b.rows, b.cols)
    if b.diagonal:
        return a.rows * a.cols, Shape(a.rows, a.cols)
    return a.rows * a.cols * b.cols, Shape(a.rows, b.cols)


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


def _text(tree, names: list[str], top: bool = True) -> str:
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
        shape = shapes[mats[i]]
        best[i][i] = (0, 0, shape.rows, shape.cols, shape.diagonal, mats[i])
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            row = best[i]
            choice: _Cell | None = None
            for s in range(i, j):
                left, right = row[s], best[s + 1][j]
                assert left is not None and right is not None
                lc, lm, lr, lcol, ld, lt = left
                rc, rm, rr, rcol, rd, rt = right
                if ld and rd:
                    cost, out_r, out_c, out_d, entries = lr, lr, rcol, True, lr
                elif ld:
                    cost, out_r, out_c, out_d = rr * rcol, rr, rcol, False
                    entries = cost
                elif rd:
                    cost, out_r, out_c, out_d = lr * lcol, lr, lcol, False
                    entries = cost
                else:
                    cost, out_r, out_c, out_d = lr * lcol * rcol, lr, rcol, False
                    entries = lr * rcol
                total = lc + rc + cost
                memory = max(lm, rm, entries)
                if choice is None or (total, memory) < (choice[0], choice[1]):
                    choice = (total, memory, out_r, out_c, out_d, (lt, rt))
            row[j] = choice
    whole = best[0][n - 1]
    assert whole is not None
    macs, memory, *_, tree = whole
    return Plan(macs, memory, _text(tree, names), tree)


def plans(shapes: Sequence[Shape], names: Sequence[str] | None = None) -> dict[str, Plan]:
    return {"forward": forward(shapes, names), "reverse": reverse(shapes, names), "optimal": optimal(shapes, names)}
