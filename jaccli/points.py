"""Many points at once (``--points FILE``): read rows, evaluate the compiled
Jacobian over all of them with numpy, and report each bad row without
stopping the others.

A row whose numeric value is not finite (a pole, a kink, a point outside the
real domain) is recomputed alone on the exact path, which either gives its
value (complex, say) or the precise reason it is undefined.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy as sp

from . import api, calculus, grammar
from .budget import within_budget
from .errors import EXIT_MATH, EXIT_USAGE, JacError, ParseError, SpecError
from .evaluate import Point
from .numeric import CompiledMatrix, compile_exprs
from .results import ChainProperties, CompositionResult, JacobianResult
from .spec import VectorFunction, read_text_file

MAX_POINTS_BYTES = 1 << 30  # 1 GiB of points
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


@dataclass
class RowError:
    line: int
    text: str
    message: str
    exit_code: int


@dataclass
class PointRows:
    lines: list[int]  # file line of each good row
    values: np.ndarray  # (N, n) in input order
    errors: list[RowError] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # each good row as written


def read_points_arg(arg: str, stdin_text: str | None) -> tuple[str, str]:
    """The text of --points (a file or '-') and its name for messages."""
    from pathlib import Path

    if arg == "-":
        if stdin_text is None:
            raise SpecError("--points - means points on standard input, but none were given")
        return stdin_text, "<stdin>"
    return read_text_file(Path(arg), MAX_POINTS_BYTES, "points files"), arg


def parse_points(text: str, inputs: Sequence[str], origin: str = "--points", order_hint: str | None = None) -> PointRows:
    """CSV or whitespace-separated rows; an optional header of input names. ``order_hint``: the
    inputs' order was only inferred, so columns without a header would bind by a guess: refused."""
    n = len(inputs)
    data = [(no, line) for no, raw in enumerate(text.splitlines(), start=1)
            if (line := raw.strip()) and not line.startswith("#")]
    if not data:
        raise SpecError("no points found", where=origin, hint="give one point per line, e.g. 1,2")
    sep = "," if "," in data[0][1] else None
    order = None
    first = [c.strip() for c in data[0][1].split(sep)]
    if all(re.fullmatch(r"[^\W\d]\w*", c) for c in first):
        order = _header(first, inputs, origin, data[0][0])
        data = data[1:]
    elif order_hint is not None and n > 1:
        raise SpecError(f"the rows give {n} values by position, but the order of the inputs ({', '.join(inputs)}) "
                        "was only inferred from the text (sorted)", where=origin,
                        hint=f"start with a header line naming the columns ({','.join(inputs)}), or {order_hint}")
    fast = _parse_fast(data, sep, n)
    if fast is not None:
        values = fast[:, order] if order else fast
        return PointRows([no for no, _ in data], values, [], [line for _, line in data])
    return _parse_slow(data, sep, inputs, order)


def _parse_fast(data: list[tuple[int, str]], sep: str | None, n: int) -> np.ndarray | None:
    """All rows plain finite numbers of the right width: numpy's C parser. Else None."""
    if not data:
        return np.empty((0, n))
    try:
        values = np.loadtxt([line for _, line in data], delimiter=sep, ndmin=2, dtype=float)
    except ValueError:
        return None
    if values.shape != (len(data), n) or not np.isfinite(values).all():
        return None
    return values


def _parse_slow(data: list[tuple[int, str]], sep: str | None, inputs: Sequence[str],
                order: list[int] | None) -> PointRows:
    """Row by row, so that each bad row gets its own message."""
    n = len(inputs)
    rows: list[list[float]] = []
    lines: list[int] = []
    texts: list[str] = []
    errors: list[RowError] = []
    for lineno, line in data:
        cells = [c.strip() for c in line.split(sep)]
        if len(cells) != n:
            errors.append(RowError(lineno, line, f"expected {n} value{'s' if n != 1 else ''} "
                                                 f"({', '.join(inputs)}), found {len(cells)}", EXIT_USAGE))
            continue
        try:
            values = [_value(c) for c in cells]
        except JacError as err:
            errors.append(RowError(lineno, line, err.render().splitlines()[0], EXIT_USAGE))
            continue
        rows.append([values[k] for k in order] if order else values)
        lines.append(lineno)
        texts.append(line)
    array = np.array(rows, dtype=float).reshape(len(rows), n)
    return PointRows(lines, array, errors, texts)


def _header(cells: list[str], inputs: Sequence[str], origin: str, lineno: int) -> list[int]:
    unknown = [c for c in cells if c not in inputs]
    if unknown or len(set(cells)) != len(cells) or len(cells) != len(inputs):
        raise SpecError(f"the header names {', '.join(cells)}, but the inputs are {', '.join(inputs)}",
                        where=f"{origin}:{lineno}", hint="name each input once in the header, in any order")
    return [cells.index(name) for name in inputs]


def _value(cell: str) -> float:
    if _NUMBER.match(cell):
        value = float(cell)
    else:
        items = grammar.parse_point(cell)  # constants like pi/4 or sqrt(2)
        if len(items) != 1 or items[0].name is not None:
            raise ParseError("expected one number", cell, 0)
        value = float(items[0].value.evalf(17))
    if not math.isfinite(value):
        raise SpecError(f"{cell} is not a finite number")
    return value


# ---------------------------------------------------------------------------

@dataclass
class FactorArrays:
    function: VectorFunction
    symbolic: sp.Matrix
    at: np.ndarray  # (N, n_k): the point each factor sees
    outputs: np.ndarray  # (N, m_k)
    jacobian: np.ndarray  # (N, m_k, n_k)


@dataclass
class Batch(ChainProperties):
    """A Jacobian (or composition) over many points."""

    kind = "batch"  # what render() dispatches on

    functions: list[VectorFunction]
    symbolic: sp.Matrix | None  # jacobian: J symbolic; compose: None
    rows: PointRows
    jacobian: np.ndarray  # (N, m, n)
    determinant: np.ndarray | None  # (N,) when square
    factors: list[FactorArrays]  # compose only
    exact: dict[int, JacobianResult | CompositionResult] = field(default_factory=dict)  # rows redone exactly
    errors: list[RowError] = field(default_factory=list)
    symbolic_det: sp.Expr | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def is_compose(self) -> bool:
        return len(self.functions) > 1

    @property
    def exit_code(self) -> int:
        codes = {e.exit_code for e in self.errors}
        return EXIT_USAGE if EXIT_USAGE in codes else (EXIT_MATH if codes else 0)

    def items(self):
        """In file order: ("ok", k, None) | ("exact", k, result) | ("error", None, RowError);
        k indexes the good rows (``rows.values``, ``jacobian``)."""
        events = [(line, 0, ("exact", k, self.exact[k]) if k in self.exact else ("ok", k, None))
                  for k, line in enumerate(self.rows.lines)]
        events += [(e.line, 1, ("error", None, e)) for e in self.errors]
        for _, _, item in sorted(events, key=lambda t: (t[0], t[1])):
            yield item


def jacobian_batch(fn: VectorFunction, symbolic: sp.Matrix, rows: PointRows) -> Batch:
    X = [rows.values[:, j] for j in range(fn.n)]
    J = CompiledMatrix(symbolic, fn.symbols)(*X)
    det = _det(J, fn)
    batch = Batch([fn], symbolic, rows, J, det, [], errors=list(rows.errors),
                  symbolic_det=calculus.symbolic_determinant(symbolic) if symbolic.rows == symbolic.cols else None)
    _redo_bad_rows(batch, lambda point: api.jacobian_at(fn, symbolic, point, with_symbolic_det=False))
    return batch


def compose_batch(functions: list[VectorFunction], symbolic: list[sp.Matrix], rows: PointRows) -> Batch:
    here = rows.values
    factors: list[FactorArrays] = []
    for fn, J in zip(functions, symbolic):
        X = [here[:, j] for j in range(fn.n)]
        with np.errstate(all="ignore"):
            out_fn = compile_exprs(fn.outputs, fn.symbols)
            outs = np.empty((len(here), fn.m))
            for k, v in enumerate(out_fn(*X)):
                outs[:, k] = v
        factors.append(FactorArrays(fn, J, here, outs, CompiledMatrix(J, fn.symbols)(*X)))
        here = outs
    product = _multiply_batched(calculus.cheapest_order(functions).tree, [f.jacobian for f in factors])
    batch = Batch(functions, None, rows, product, _det(product, functions[0]), factors, errors=list(rows.errors))
    _redo_bad_rows(batch, lambda point: api.composition_at(functions, symbolic, point))
    return batch


def _multiply_batched(tree, arrays: Sequence[np.ndarray]) -> np.ndarray:
    """The product of (N, m_k, n_k) stacks in a chainorder bracketing."""
    if isinstance(tree, int):
        return arrays[tree]
    left, right = tree
    return np.matmul(_multiply_batched(left, arrays), _multiply_batched(right, arrays))


def _det(J: np.ndarray, first: VectorFunction | None = None) -> np.ndarray | None:
    """det per row; None when J is not square, or when its sign would rest on an inferred input order."""
    if J.shape[1] != J.shape[2] or (first is not None and J.shape[1] > 1 and first.order == "inferred"):
        return None
    with np.errstate(all="ignore"):
        return np.linalg.det(J) if len(J) else np.empty(0)


def _on_a_condition(fn: VectorFunction, at: np.ndarray) -> np.ndarray:
    """Rows where a denominator or log argument is 0, an argument is outside its function's
    real domain, abs/sign/relu sit on their kink, or min/max arguments tie: the exact path
    decides what they mean (and says why a row is undefined)."""
    from .evaluate import need_holds

    exprs, needs = [], []
    for conditions in fn.conditions:
        for cond in conditions:
            if cond.kind == "tie":
                pairs = [a - b for k, a in enumerate(cond.exprs) for b in cond.exprs[k + 1:] if a != b]
                exprs += pairs
                needs += [None] * len(pairs)
            else:
                exprs.append(cond.exprs[0])
                needs.append(cond.need if cond.kind == "domain" else None)
    hit = np.zeros(len(at), dtype=bool)
    if not exprs:
        return hit
    with np.errstate(all="ignore"):
        for value, need in zip(compile_exprs(exprs, fn.symbols)(*[at[:, j] for j in range(fn.n)]), needs):
            value = np.broadcast_to(np.asarray(value, dtype=float), hit.shape)
            hit |= ~np.isfinite(value)
            hit |= (value == 0) if need is None else ~need_holds(need, value)
    return hit


def _redo_bad_rows(batch: Batch, exact_at) -> None:
    """Rows with a non-finite number anywhere, or on a condition of the
    expression as written, go through the exact path."""
    bad = ~np.isfinite(batch.jacobian).all(axis=(1, 2))
    for factor in batch.factors:
        bad |= ~np.isfinite(factor.outputs).all(axis=1)
        bad |= _on_a_condition(factor.function, factor.at)
    if not batch.factors:
        bad |= _on_a_condition(batch.functions[0], batch.rows.values)
    from .progress import progress

    rows = np.flatnonzero(bad)
    with progress("rows off the fast path (exact evaluation)", len(rows)) as bar:
        for k in rows:
            point = Point(batch.inputs, tuple(sp.Float(float(v)) for v in batch.rows.values[k]))
            line = batch.rows.lines[k]
            try:
                batch.exact[int(k)] = exact_at(point)
            except JacError as err:
                batch.errors.append(RowError(line, batch.rows.texts[k], err.render().splitlines()[0], err.exit_code))
            bar.advance()
    failed = {e.line for e in batch.errors}
    keep = [k for k, line in enumerate(batch.rows.lines) if line not in failed]
    if len(keep) != len(batch.rows.lines):
        index = {old: new for new, old in enumerate(keep)}
        batch.exact = {index[k]: v for k, v in batch.exact.items() if k in index}
        batch.rows = PointRows([batch.rows.lines[k] for k in keep], batch.rows.values[keep], batch.rows.errors,
                               [batch.rows.texts[k] for k in keep])
        batch.jacobian = batch.jacobian[keep]
        if batch.determinant is not None:
            batch.determinant = batch.determinant[keep]
        for factor in batch.factors:
            factor.at, factor.outputs, factor.jacobian = factor.at[keep], factor.outputs[keep], factor.jacobian[keep]


@within_budget
def evaluate_points(specs: Sequence[api.SpecLike], points_text: str, *, vars: Sequence[str] | None = None,
                    stdin_text: str | None = None, latex: bool | None = None, origin: str = "--points") -> Batch:
    """The API for batches: the Jacobian of one spec, or of the composition of several, at every row."""
    if len(specs) == 1:
        (fn,) = api.load(specs, vars=vars, stdin_text=stdin_text, latex=latex)
        rows = parse_points(points_text, fn.inputs, origin, api._order_hint(fn))
        return jacobian_batch(fn, calculus.jacobian_matrix(fn), rows)
    functions, symbolic = api.chain(*specs, vars=vars, stdin_text=stdin_text, latex=latex)
    rows = parse_points(points_text, functions[0].inputs, origin, api._order_hint(functions[0]))
    return compose_batch(functions, symbolic, rows)
