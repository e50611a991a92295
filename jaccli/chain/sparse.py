"""Sparse Jacobians: the exact structure, a column colouring, and values per non-zero.

The pattern is symbolic, never probed: entry (i, j) is a structural non-zero when output i uses input j
and ∂f_i/∂x_j is not identically zero as symengine differentiates it. Nothing of size m·n is ever made:
memory and time are O(non-zeros).

Values at a point: the derivatives are grouped by *template* — the entry with its inputs replaced by
placeholders in column order (``2·u₇·v₇ − 4`` and ``2·u₉·v₉ − 4`` share ``2·a·b − 4``) — and each template
is compiled once (symengine's Lambdify) and evaluated with numpy over all its entries at once. A
discretised PDE or a reaction network has a handful of templates whatever n, so a 10⁴-unknown system is
evaluated in milliseconds after it is read.

The column colouring (greedy, columns in order) groups columns that share no row: J is recovered from one
directional derivative (JVP) per colour — 3 for a tridiagonal system whatever n. The number of colours is
at least the most non-zeros in one row; when it equals that bound it is optimal, and jac says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..core.errors import MathError
from ..core.limits import SPARSE_DENSITY as DENSITY
from ..core.limits import SPARSE_MIN_ENTRIES as MIN_ENTRIES

if TYPE_CHECKING:
    import numpy.typing as npt



@dataclass
class Pattern:
    """The structural non-zeros of an m×n Jacobian, row by row (CSR order: by row, then column)."""

    shape: tuple[int, int]
    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]

    @property
    def nnz(self) -> int:
        return int(self.rows.size)

    @property
    def density(self) -> float:
        m, n = self.shape
        return self.nnz / (m * n) if m * n else 0.0

    @property
    def indptr(self) -> npt.NDArray[np.int64]:
        return np.concatenate([[0], np.cumsum(np.bincount(self.rows, minlength=self.shape[0]))]).astype(np.int64)

    @property
    def bandwidths(self) -> tuple[int, int]:
        """(lower, upper): the most rows below and above the diagonal a non-zero lies."""
        if not self.nnz:
            return 0, 0
        offset = self.cols - self.rows
        return int(max(0, -offset.min())), int(max(0, offset.max()))

    @property
    def most_in_a_row(self) -> int:
        return int(np.bincount(self.rows, minlength=self.shape[0]).max()) if self.nnz else 0

    def dense_mask(self) -> npt.NDArray[np.bool_]:
        """For small systems (pictures, tests): the pattern as an m×n boolean array."""
        mask = np.zeros(self.shape, dtype=bool)
        mask[self.rows, self.cols] = True
        return mask


def colour_columns(pattern: Pattern) -> npt.NDArray[np.int64]:
    """A colour per column such that no two columns of one colour have a non-zero in the same row (greedy,
    columns in order: optimal on banded systems). Columns with no non-zero get colour 0."""
    m, n = pattern.shape
    indptr = pattern.indptr
    by_column: list[list[int]] = [[] for _ in range(n)]
    for i, j in zip(pattern.rows.tolist(), pattern.cols.tolist()):
        by_column[j].append(i)
    colours = np.full(n, -1, dtype=np.int64)
    cols = pattern.cols
    for j in range(n):
        taken: set[int] = set()
        for i in by_column[j]:
            for k in cols[indptr[i]:indptr[i + 1]].tolist():
                if colours[k] >= 0:
                    taken.add(int(colours[k]))
        colour = 0
        while colour in taken:
            colour += 1
        colours[j] = colour
    return colours


def valid_colouring(pattern: Pattern, colours: Sequence[int]) -> bool:
    """No row has two non-zeros in columns of the same colour."""
    seen: set[tuple[int, int]] = set()
    for i, j in zip(pattern.rows.tolist(), pattern.cols.tolist()):
        key = (i, int(colours[j]))
        if key in seen:
            return False
        seen.add(key)
    return True


@dataclass
class _Group:
    template: Any  # a symengine expression in the placeholders
    arity: int
    positions: list[int] = field(default_factory=list)  # where its entries sit among the non-zeros
    columns: list[list[int]] = field(default_factory=list)  # per entry, the inputs its placeholders stand for
    compiled: Any = None


@dataclass
class SparseDerivative:
    """J of one function kept sparse: its pattern, the derivative of each non-zero, and their templates."""

    pattern: Pattern
    entries: list[Any]  # symengine expressions, one per non-zero, in pattern order
    inputs: tuple[str, ...]
    output_names: tuple[str, ...]
    groups: list[_Group]
    output_groups: list[_Group] = field(default_factory=list)  # f itself, grouped the same way

    def outputs_at(self, point: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """f at ``point`` (the next factor's point in a chain); MathError names an output that is not finite."""
        out = evaluate_groups(self.output_groups, np.asarray(point, dtype=float), len(self.output_names))
        bad = np.flatnonzero(~np.isfinite(out))
        if bad.size:
            raise MathError(f"{self.output_names[int(bad[0])]} is not a finite real number at the point",
                            hint="choose a point inside the domain")
        return out

    def values(self, point: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """J's non-zeros at ``point`` (pattern order); MathError names an entry that is not a finite real."""

        out = evaluate_groups(self.groups, np.asarray(point, dtype=float), self.pattern.nnz)
        bad = np.flatnonzero(~np.isfinite(out))
        if bad.size:
            k = int(bad[0])
            i, j = int(self.pattern.rows[k]), int(self.pattern.cols[k])
            raise MathError(f"∂{self.output_names[i]}/∂{self.inputs[j]} is not a finite real number at the point"
                            + (f" ({bad.size} entries of J are not)" if bad.size > 1 else ""),
                            hint="choose a point inside the domain")
        return out


def evaluate_groups(groups: Sequence[_Group], x: npt.NDArray[np.float64], size: int) -> npt.NDArray[np.float64]:
    """Each group's template compiled once (symengine) and evaluated over all its entries at once (numpy): at
    one point (x of shape (n,): out (size,)) or at many (x of shape (rows, n): out (rows, size))."""
    import symengine as se  # the fast engine: loaded already by whoever read the function

    out = np.empty(x.shape[:-1] + (size,))
    for group in groups:
        positions = np.asarray(group.positions, dtype=np.int64)
        if not group.arity:  # a constant entry: a linear term
            out[..., positions] = float(group.template)
            continue
        if group.compiled is None:
            args = [se.Symbol(f"_jac_a{k}") for k in range(group.arity)]
            group.compiled = se.Lambdify(args, [group.template], real=True)
        arguments = x[..., np.asarray(group.columns, dtype=np.int64)]  # (…, count, arity)
        values = group.compiled(arguments.reshape(-1, group.arity))
        out[..., positions] = np.asarray(values, dtype=float).reshape(x.shape[:-1] + (len(positions),))
    return out


def _grouped(exprs: Sequence[Any], index: dict[str, int], placeholders: list[Any],
             groups: dict[Any, _Group], position: int) -> None:
    """Put one expression (at ``position``) in the group of its template."""
    import symengine as se  # the fast engine: loaded already by whoever read the function

    expr = exprs[position]
    symbols = sorted(((index[s.name], s) for s in expr.free_symbols if s.name in index), key=lambda t: t[0])
    while len(placeholders) < len(symbols):
        placeholders.append(se.Symbol(f"_jac_a{len(placeholders)}"))
    template = expr.xreplace({s: placeholders[a] for a, (_, s) in enumerate(symbols)}) if symbols else expr
    group = groups.get(template)
    if group is None:
        group = groups[template] = _Group(template, len(symbols))
    group.positions.append(position)
    group.columns.append([c for c, _ in symbols])


def symengine_outputs(fn: Any) -> list[Any]:
    """The function's outputs as symengine expressions (read so, or converted)."""
    # deferred: loads sympy, which the rest of this module does not need
    from .fast import to_symengine

    fast = getattr(fn.outputs, "fast", None)
    if fast is not None:
        return list(fast)
    cache: dict[Any, Any] = {}
    return [to_symengine(e, cache) for e in fn.outputs]


def pattern_only(fn: Any) -> Pattern:
    """Which inputs each output uses (free symbols): the structure, without differentiating."""
    index = {name: j for j, name in enumerate(fn.inputs)}
    rows: list[int] = []
    cols: list[int] = []
    for i, expr in enumerate(fn.outputs if getattr(fn.outputs, "fast", None) is None else fn.outputs.fast):
        used = sorted(index[s.name] for s in expr.free_symbols if s.name in index)
        rows += [i] * len(used)
        cols += used
    return Pattern((len(fn.output_names), len(fn.inputs)), np.asarray(rows, dtype=np.int64),
                   np.asarray(cols, dtype=np.int64))


def differentiate(fn: Any) -> SparseDerivative:
    """∂f_i/∂x_j for the structural non-zeros only, grouped by template for evaluation."""
    exprs = symengine_outputs(fn)
    index = {name: j for j, name in enumerate(fn.inputs)}
    rows: list[int] = []
    cols: list[int] = []
    entries: list[Any] = []
    groups: dict[Any, _Group] = {}
    placeholders: list[Any] = []
    for i, expr in enumerate(exprs):
        used = sorted((index[s.name], s) for s in expr.free_symbols if s.name in index)
        for j, sym in used:
            d = expr.diff(sym)
            if d == 0:
                continue
            rows.append(i)
            cols.append(j)
            entries.append(d)
            _grouped(entries, index, placeholders, groups, len(entries) - 1)
    pattern = Pattern((len(exprs), len(fn.inputs)), np.asarray(rows, dtype=np.int64),
                      np.asarray(cols, dtype=np.int64))
    outputs: dict[Any, _Group] = {}
    for i in range(len(exprs)):
        _grouped(exprs, index, placeholders, outputs, i)
    return SparseDerivative(pattern, entries, tuple(fn.inputs), tuple(fn.output_names), list(groups.values()),
                            list(outputs.values()))


def keep_sparse(fn: Any) -> Pattern | None:
    """The pattern when J is large and sparse enough to keep sparse (DENSITY, MIN_ENTRIES), else None."""
    m, n = len(fn.output_names), len(fn.inputs)
    if m * n <= MIN_ENTRIES:
        return None
    pattern = pattern_only(fn)
    return pattern if pattern.density < DENSITY else None


@dataclass
class SparseMatrix:
    """A sparse matrix in CSR order: the pattern and one value per non-zero."""

    pattern: Pattern
    values: npt.NDArray[np.float64]

    def to_dense(self) -> npt.NDArray[np.float64]:
        out = np.zeros(self.pattern.shape)
        out[self.pattern.rows, self.pattern.cols] = self.values
        return out


def product_macs(a: Pattern, b: Pattern) -> int:
    """Multiply-adds of A·B counted from the patterns: Σ_k nnz(A's column k) · nnz(B's row k)."""
    per_column = np.bincount(a.cols, minlength=a.shape[1])
    per_row = np.bincount(b.rows, minlength=b.shape[0])
    return int(np.dot(per_column.astype(np.int64), per_row.astype(np.int64)))


def multiply(a: SparseMatrix, b: SparseMatrix) -> SparseMatrix:
    """A·B with numpy alone (no SciPy needed): every non-zero a_ik meets B's row k; products that land on
    the same (i, j) are summed. Time and memory O(multiply-adds). Structural non-zeros stay in the
    pattern even when their values cancel to 0 (a pattern is what can be non-zero)."""
    m, k = a.pattern.shape
    k2, n = b.pattern.shape
    if k != k2:
        raise MathError(f"cannot multiply a {m}×{k} by a {k2}×{n} matrix")
    indptr = b.pattern.indptr
    starts, counts = indptr[a.pattern.cols], np.diff(indptr)[a.pattern.cols]
    total = int(counts.sum())
    rows = np.repeat(a.pattern.rows, counts)
    left = np.repeat(a.values, counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    picked = np.repeat(starts, counts) + offsets
    cols = b.pattern.cols[picked]
    products = left * b.values[picked]
    order = np.lexsort((cols, rows))
    rows, cols, products = rows[order], cols[order], products[order]
    if total:
        first = np.concatenate([[True], (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])])
        starts_of = np.flatnonzero(first)
        values = np.add.reduceat(products, starts_of)
        rows, cols = rows[starts_of], cols[starts_of]
    else:
        values = products
    return SparseMatrix(Pattern((m, n), rows.astype(np.int64), cols.astype(np.int64)), values)


def chain_product(factors: Sequence[SparseMatrix]) -> tuple[SparseMatrix, list[tuple[int, int]], int]:
    """The product J_L ⋯ J_1 of factors given in application order (J_1 first), multiplying the adjacent
    pair with the fewest multiply-adds (counted from the patterns) first; the pairs in the order they were
    multiplied (indices into the factors as given) and the multiply-adds spent."""
    items: list[tuple[SparseMatrix, tuple[int, int]]] = [(f, (k, k)) for k, f in enumerate(factors)]
    steps: list[tuple[int, int]] = []
    spent = 0
    while len(items) > 1:
        # in application order, items[k+1] is applied after items[k]: their product is items[k+1]·items[k]
        costs = [product_macs(items[k + 1][0].pattern, items[k][0].pattern) for k in range(len(items) - 1)]
        k = int(np.argmin(costs))
        outer, inner = items[k + 1], items[k]
        product = multiply(outer[0], inner[0])
        spent += costs[k]
        steps.append((inner[1][0], outer[1][1]))
        items[k:k + 2] = [(product, (inner[1][0], outer[1][1]))]
    return items[0][0], steps, spent


def pattern_product(patterns: Sequence[Pattern]) -> Pattern:
    """The structure of J_L ⋯ J_1 (application order) from the factors' structures."""
    ones = [SparseMatrix(p, np.ones(p.nnz)) for p in patterns]
    return chain_product(ones)[0].pattern
