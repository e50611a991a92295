"""The renderer of SparseJacobianResult: what a sparse J looks like in every format, never as m×n.

Human output: the shape and the count of non-zeros, the bandwidth, the column colouring, a picture of the
pattern (each character a block of entries) and, at a point, the largest entries. JSON: the pattern as
coordinates (``rows``, ``cols``, from 0, CSR order) with the values at a point, the colour of each column.
CSV: one line per non-zero, ``row,column,value`` (from 0), after a ``# shape m n`` comment line. Files:
``-o J.npz`` is SciPy's sparse format (``scipy.sparse.load_npz`` reads it; written with numpy alone) and
``-o J.mtx`` Matrix Market coordinate format (``scipy.io.mmread``, Julia, MATLAB; from 1, as the format says).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from ..calculus.numbers import fmt_number
from .model import Block, Heading, Line, MatrixBlock
from .reading import read_as

if TYPE_CHECKING:
    from ..core.request import RenderOptions
    from ..results.sparse import SparseJacobianResult

LARGEST = 10  # the largest entries shown at a point


def _signature(r: SparseJacobianResult) -> str:
    m, n = r.pattern.shape
    return f"{r.name}: R^{n} → R^{m}" if max(m, n) > 9 else f"{r.name}: R{_sup(n)} → R{_sup(m)}"


def _sup(k: int) -> str:
    return str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def picture(r: SparseJacobianResult, width: int = 64, height: int = 32) -> list[str]:
    """█ where a block of entries holds a non-zero, · where none does: from the coordinates, O(non-zeros)."""
    m, n = r.pattern.shape
    step_r, step_c = max(1, -(-m // height)), max(1, -(-n // width))
    grid = np.zeros((-(-m // step_r), -(-n // step_c)), dtype=bool)
    grid[r.pattern.rows // step_r, r.pattern.cols // step_c] = True
    lines = ["".join("█" if cell else "·" for cell in row) for row in grid]
    if step_r > 1 or step_c > 1:
        lines.append(f"(each character stands for {step_r}×{step_c} entries)")
    return lines


def _counts(r: SparseJacobianResult) -> list[str]:
    p = r.pattern
    lower, upper = p.bandwidths
    optimal = f"optimal: a row has {p.most_in_a_row} non-zeros" if r.colouring_optimal else \
        f"at least {p.most_in_a_row} are needed: a row has that many non-zeros"
    return [f"J is {p.shape[0]}×{p.shape[1]}, sparse: {p.nnz:,} non-zeros ({p.density:.3%}), at most "
            f"{p.most_in_a_row} in a row; bandwidth {lower} below and {upper} above the diagonal",
            f"column colouring: {r.colour_count} colour{'s' if r.colour_count != 1 else ''}: J is recovered from "
            f"{r.colour_count} directional derivatives (JVPs), whatever its size ({optimal})"]


def blocks(r: SparseJacobianResult, options: RenderOptions) -> list[Block]:
    out: list[Block] = [Heading(f"{_signature(r)}   J is {r.pattern.shape[0]}×{r.pattern.shape[1]}, kept sparse "
                                "(rows = outputs, columns = inputs)")]
    out += [Line(text) for text in _counts(r)]
    if r.factors:
        shapes = " · ".join(f"J_{name} ({m}×{n}, {nnz:,} non-zeros)" for name, (m, n), nnz in reversed(r.factors))
        out.append(Line(f"chain rule on sparse factors: J_{r.name} = {shapes}"))
        if r.multiplication:
            out.append(Line(f"multiplied sparsely, the cheapest pair first: {r.multiplication}; {r.macs:,} multiply-adds "
                            "(counted from the patterns)"))
    out.append(Heading("the pattern"))
    out += [Line(text) for text in picture(r)]
    if r.values is not None:
        order = np.argsort(-np.abs(r.values), kind="stable")[:LARGEST]
        labels = [f"∂{r.outputs[int(r.pattern.rows[k])]}/∂{r.inputs[int(r.pattern.cols[k])]}" for k in order]
        cells = [[fmt_number(float(r.values[k]), options.precision)] for k in order]
        shown = "all" if r.pattern.nnz <= LARGEST else f"the {len(order)} largest of {r.pattern.nnz:,}"
        out.append(MatrixBlock(f"J at the point: {shown} non-zeros", labels, ["value"], cells, corner="entry"))
    return out


def body(r: SparseJacobianResult, options: RenderOptions) -> dict[str, Any]:
    p = r.pattern
    lower, upper = p.bandwidths
    sparse: dict[str, Any] = {
        "format": "coordinate", "nnz": p.nnz, "density": p.density,
        "bandwidth": {"lower": lower, "upper": upper}, "most_in_a_row": p.most_in_a_row,
        "colour_count": r.colour_count, "colouring_optimal": r.colouring_optimal,
        "colours": r.colours.tolist(), "rows": p.rows.tolist(), "cols": p.cols.tolist(),
        "kept_sparse_because": r.why,
    }
    if r.values is not None:
        sparse["values"] = r.values.tolist()
    if r.factors:
        sparse["factors"] = [{"name": name, "shape": list(shape), "nnz": nnz} for name, shape, nnz in r.factors]
    if r.multiplication:
        sparse["multiplication"] = {"order": r.multiplication, "macs": r.macs}
    out: dict[str, Any] = {"function": r.name, "signature": _signature(r), "shape": list(p.shape),
                           "inputs": list(r.inputs), "outputs": list(r.outputs)}
    if r.point is not None:
        out["point"] = dict(zip(r.inputs, r.point))
    out["sparse"] = sparse
    out["read_as"] = read_as(r.functions)
    return out


def csv(r: SparseJacobianResult, options: RenderOptions) -> Iterator[bytes]:
    p = r.pattern
    yield f"# shape {p.shape[0]} {p.shape[1]}\n".encode()
    if r.values is None:
        yield b"row,column\n"
        yield from _blocks((f"{i},{j}\n" for i, j in zip(p.rows.tolist(), p.cols.tolist())))
    else:
        yield b"row,column,value\n"
        yield from _blocks((f"{i},{j},{v!r}\n" for i, j, v in zip(p.rows.tolist(), p.cols.tolist(), r.values.tolist())))


def _blocks(lines: Iterator[str], size: int = 65536) -> Iterator[bytes]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def latex(r: SparseJacobianResult, options: RenderOptions) -> str:
    m, n = r.pattern.shape
    return (f"\\[ J_{{{r.name}}} \\text{{ is {m}×{n}, sparse: {r.pattern.nnz} non-zeros, "
            f"{r.colour_count} colours}} \\]")


def file_bytes(r: SparseJacobianResult, suffix: str) -> bytes:
    """-o J.npz (SciPy's save_npz layout: data, indices, indptr, format, shape) or -o J.mtx."""
    assert r.values is not None
    p = r.pattern
    if suffix == ".npz":
        buffer = io.BytesIO()
        np.savez_compressed(buffer, data=r.values, indices=p.cols.astype(np.int32), indptr=p.indptr.astype(np.int32),
                            format=np.array(b"csr"), shape=np.array(p.shape, dtype=np.int64))
        return buffer.getvalue()
    lines = ["%%MatrixMarket matrix coordinate real general", f"% J of {r.name}, written by jac",
             f"{p.shape[0]} {p.shape[1]} {p.nnz}"]
    lines += [f"{i + 1} {j + 1} {v!r}" for i, j, v in zip(p.rows.tolist(), p.cols.tolist(), r.values.tolist())]
    return ("\n".join(lines) + "\n").encode()
