"""The fast engine for large systems: symengine (a C++ core) differentiates and
evaluates; sympy keeps parsing (jac's grammar, unevaluated for large specs),
exact small results, simplification and LaTeX.

Measured on this machine for a dense 40×40 ``tanh(Σ w_ij x_j)`` layer: sympy's
differentiation takes seconds to minutes, symengine's about 0.02 s. The engine
is chosen per function (``--engine auto``: symengine when J has at least
``AUTO_MIN_ENTRIES`` entries and every function in it is one symengine has
with the same meaning); results mean the same on both (tests compare them).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from ..calculus.printing import symengine_text as to_text
from ..calculus.symbols import symbol
from ..core.errors import MathError
from ..core.progress import progress

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

AUTO_MIN_ENTRIES = 100

# sympy class name → symengine constructor name, for functions with the same meaning in both
_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
    "asin": "asin", "acos": "acos", "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "exp": "exp", "log": "log", "atan2": "atan2",
}  # not abs or sign: symengine's symbols are complex, so d|x|/dx stays unevaluated there


class Unsupported(Exception):
    """The expression uses something symengine does not have with jac's meaning (sigmoid, relu, min, …)."""


def to_symengine(expr: sp.Basic, cache: dict[Any, Any] | None = None) -> Any:
    """A sympy expression (from jac's grammar) as a symengine one, node by node."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    cache = {} if cache is None else cache

    def walk(node: sp.Basic) -> Any:
        if node in cache:
            return cache[node]
        if node.is_Symbol:
            out = se.Symbol(node.name)
        elif node.is_Integer:
            out = se.Integer(int(node))
        elif node.is_Rational:
            out = se.Rational(int(node.p), int(node.q))
        elif node.is_Float:
            out = se.RealDouble(float(node))
        elif node is sp.E:
            out = se.E
        elif node is sp.pi:
            out = se.pi
        elif node.is_Add:
            out = se.Add(*[walk(a) for a in node.args])
        elif node.is_Mul:
            out = se.Mul(*[walk(a) for a in node.args])
        elif node.is_Pow:
            out = se.Pow(walk(node.base), walk(node.exp))
        elif type(node).__name__ in _FUNCTIONS:
            try:
                out = getattr(se, _FUNCTIONS[type(node).__name__])(*[walk(a) for a in node.args])
            except RuntimeError as err:  # acos(cot(x - x)): symengine evaluates cot(0) and refuses acos(zoo)
                raise Unsupported(str(err)) from None
        else:
            raise Unsupported(type(node).__name__)
        cache[node] = out
        return out

    return walk(expr)


_SYMPY_NAMES = {v: k for k, v in _FUNCTIONS.items()}  # symengine class name (lower case) → sympy name


def to_sympy(expr: Any, cache: dict[Any, Any] | None = None) -> sp.Basic:
    """A symengine expression as sympy, node by node, with jac's real input symbols (grammar.symbol)."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    cache = {} if cache is None else cache

    def walk(node: Any) -> sp.Basic:
        hit = cache.get(node)
        if hit is not None:
            return hit
        if isinstance(node, se.Symbol):
            out = symbol(node.name)
        elif isinstance(node, se.Integer):
            out = sp.Integer(int(node))
        elif isinstance(node, se.Rational):
            out = sp.Rational(int(node.p), int(node.q))
        elif isinstance(node, se.RealDouble):
            out = sp.Float(float(node), 15)
        elif node == se.E:
            out = sp.E
        elif node == se.pi:
            out = sp.pi
        # unevaluated, like grammar.py's large specs: symengine's form is already canonical, and
        # sympy's evaluation would ask assumptions of every node (seconds for one 100-term sum)
        elif isinstance(node, se.Add):
            out = sp.Add(*[walk(a) for a in node.args], evaluate=False)
        elif isinstance(node, se.Mul):
            out = sp.Mul(*[walk(a) for a in node.args], evaluate=False)
        elif isinstance(node, se.Pow):
            base, exponent = node.args
            out = sp.exp(walk(exponent), evaluate=False) if base == se.E else \
                sp.Pow(walk(base), walk(exponent), evaluate=False)
        elif type(node).__name__.lower() in _SYMPY_NAMES:
            function = getattr(sp, _SYMPY_NAMES[type(node).__name__.lower()])
            out = function(*[walk(a) for a in node.args], evaluate=False)
        else:  # pragma: no cover - fastread builds only the nodes above
            raise Unsupported(type(node).__name__)
        cache[node] = out
        return out

    return walk(expr)


class SymengineExprs(Sequence[sp.Expr]):
    """Expressions read straight into symengine (fastread.py). The symengine path uses ``fast``
    directly; anything that asks for items gets sympy expressions, converted on first use, so every
    other part of jac works on them unchanged."""

    def __init__(self, exprs: Sequence[Any]) -> None:
        self.fast = tuple(exprs)
        self._sympy: list[sp.Basic] | None = None

    def __len__(self) -> int:
        return len(self.fast)

    def __getitem__(self, k: int | slice) -> Any:
        if self._sympy is None:
            cache: dict[Any, Any] = {}
            self._sympy = [to_sympy(e, cache) for e in self.fast]
        return tuple(self._sympy)[k] if isinstance(k, slice) else self._sympy[k]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SymengineExprs):
            return self.fast == other.fast
        return isinstance(other, (tuple, list)) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self.fast)

    def __repr__(self) -> str:
        return f"SymengineExprs({list(self.fast)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"fast": self.fast}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.fast, self._sympy = state["fast"], None


def fast_exprs(exprs: Sequence[Any]) -> tuple[Any, ...] | None:
    """The symengine expressions behind ``exprs`` when they were read straight into symengine."""
    return exprs.fast if isinstance(exprs, SymengineExprs) else None


def supported(exprs: Sequence[sp.Basic]) -> bool:
    try:
        cache: dict[Any, Any] = {}
        for e in exprs:
            to_symengine(e, cache)
    except Unsupported:
        return False
    return True


class FastMatrix:
    """An m×n matrix of symengine expressions with the bits of sympy's Matrix
    interface the renderers use (``shape``, ``rows``, ``cols``, ``[i, j]``)."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self._rows = rows
        self.rows = len(rows)
        self.cols = len(rows[0]) if rows else 0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)

    def __getitem__(self, ij: tuple[int, int]) -> Any:
        i, j = ij
        return self._rows[i][j]

    def __iter__(self) -> Iterator[Any]:
        for row in self._rows:
            yield from row

    def nonzero(self) -> list[list[bool]]:
        return [[not (e == 0) for e in row] for row in self._rows]


def jacobian(fn: Any) -> FastMatrix:
    """J of a VectorFunction by symengine (raises Unsupported)."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    fast = fast_exprs(fn.outputs)
    cache: dict[Any, Any] = {}
    outputs = fast if fast is not None else [to_symengine(e, cache) for e in fn.outputs]
    symbols = [se.Symbol(name) for name in fn.inputs]
    return FastMatrix([[out.diff(s) for s in symbols] for out in outputs])


# symengine's calls cannot be interrupted by the time budget's alarm: a product past this many
# multiply-adds of symbolic entries is not formed (the factors are shown; --at gives it at a point)
MAX_SYMBOLIC_PRODUCT = 20_000


def composed_jacobian(functions: Sequence[Any], factors: Sequence[FastMatrix]) -> FastMatrix | None:
    """J_L(f_{L-1}(…)) ⋯ J_1(x) in symengine: each factor written in the first function's inputs, then
    multiplied; None when the product is too large to form symbolically."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    work = sum(factors[k].rows * factors[k].cols * factors[0].cols for k in range(1, len(factors)))
    if work > MAX_SYMBOLIC_PRODUCT:
        return None
    cache: dict[Any, Any] = {}

    def as_se(fn: Any) -> list[Any]:
        exprs = fast_exprs(fn.outputs)
        return list(exprs) if exprs is not None else [to_symengine(e, cache) for e in fn.outputs]

    inner = as_se(functions[0])  # f_1, …, f_{k-1} written in x
    product = [list(row) for row in factors[0]._rows]  # already symengine expressions (fast.jacobian)
    for k in range(1, len(functions)):
        subs = {se.Symbol(name): value for name, value in zip(functions[k].inputs, inner)}
        outer = [[e.subs(subs) for e in row] for row in factors[k]._rows]
        product = [[sum((outer[i][j] * product[j][c] for j in range(len(product))), se.Integer(0))
                    for c in range(factors[0].cols)] for i in range(len(outer))]
        inner = [e.subs(subs) for e in as_se(functions[k])]
    return FastMatrix(product)


def values_at(matrix: FastMatrix, names: Sequence[str], point: Sequence[float] | npt.NDArray[np.float64],
              label: Callable[[int, int], str]) -> list[list[Any]]:
    """Decimal values of every entry at a point (float or complex); MathError names an undefined entry."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    values = _evaluate_shared(matrix, names, point)
    if values is not None:
        return values
    subs = {se.Symbol(n): se.RealDouble(float(v)) for n, v in zip(names, point)}
    out = []
    with progress("evaluating J at the point", matrix.rows) as bar:
        for i in range(matrix.rows):
            out.append(_row_values(matrix, i, subs, label))
            bar.advance()
    return out


_MATH: dict[str, Callable[..., float]] = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "sec": lambda v: 1 / math.cos(v),
         "csc": lambda v: 1 / math.sin(v), "cot": lambda v: 1 / math.tan(v), "asin": math.asin, "acos": math.acos,
         "atan": math.atan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh, "asinh": math.asinh,
         "acosh": math.acosh, "atanh": math.atanh, "log": math.log, "atan2": math.atan2}


def _evaluate_shared(matrix: FastMatrix, names: Sequence[str],
                     point: Sequence[float] | npt.NDArray[np.float64]) -> list[list[float]] | None:
    """Every entry at a point in double arithmetic, each shared subexpression once: the entries of a
    row of ``tanh(Σ wᵢⱼ xⱼ)`` all contain the same 300-term sum, which symengine's substitution
    evaluates again for each (8.6 s at n = 300; this: under 1 s). None when any value is not a
    finite real (a pole, a complex value, a node it does not know): the exact per-entry path then
    decides, with its messages."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    memo: dict[Any, float] = {se.Symbol(n): float(v) for n, v in zip(names, point)}
    memo[se.E], memo[se.pi] = math.e, math.pi
    add, mul, pow_, number = se.Add, se.Mul, se.Pow, se.Number
    get = memo.get

    def value(node: Any) -> float:
        v = get(node)
        if v is not None:
            return v
        if isinstance(node, add):
            v = math.fsum(value(a) for a in node.args)
        elif isinstance(node, mul):
            v = 1.0
            for a in node.args:
                v *= value(a)
        elif isinstance(node, pow_):
            base, exponent = node.args
            b, e = value(base), value(exponent)
            v = b ** e
            if isinstance(v, complex):
                raise ValueError
        elif isinstance(node, number):
            v = float(node)
        else:
            v = _MATH[type(node).__name__.lower()](*[value(a) for a in node.args])
        memo[node] = v
        return v

    out = []
    try:
        for i in range(matrix.rows):
            row = [value(e) for e in matrix._rows[i]]
            if not all(math.isfinite(v) for v in row):
                return None
            out.append(row)
    except (ValueError, ZeroDivisionError, OverflowError, KeyError, TypeError, RecursionError, RuntimeError):
        return None
    return out


def _row_values(matrix: FastMatrix, i: int, subs: dict[Any, Any],
                label: Callable[[int, int], str]) -> list[float | complex]:
    row: list[float | complex] = []
    for j in range(matrix.cols):
        try:
            value = complex(matrix[i, j].xreplace(subs).n(53))
        except (TypeError, ValueError, RuntimeError):
            value = complex("nan")
        if not cmath.isfinite(value):
            raise MathError(f"{label(i, j)} = {to_text(matrix[i, j])} is undefined at this point "
                            "(not a finite number there)", hint="choose a point inside the domain")
        row.append(value.real if value.imag == 0 else value)
    return row


def hessian(expr: sp.Expr, names: Sequence[str]) -> tuple[FastMatrix, list[Any]]:
    """The Hessian of one sympy expression by symengine, and its gradient (raises Unsupported)."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    f = to_symengine(expr)
    symbols = [se.Symbol(name) for name in names]
    grad = [f.diff(s) for s in symbols]
    return FastMatrix([[g.diff(s) for s in symbols] for g in grad]), grad


def symmetric(matrix: FastMatrix) -> bool:
    return all((matrix[i, j] - matrix[j, i]).expand() == 0 for i in range(matrix.rows) for j in range(i))


def vector_values(exprs: Sequence[Any], names: Sequence[str], point: Sequence[float]) -> list[float]:
    """Decimal values of symengine expressions at a point, with the size of their terms (for relative zero tests)."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    subs = {se.Symbol(n): se.RealDouble(float(v)) for n, v in zip(names, point)}
    return [float(complex(e.xreplace(subs).n(53)).real) for e in exprs]


def term_scales(exprs: Sequence[Any], names: Sequence[str], point: Sequence[float]) -> list[float]:
    """Σ|term| of each expression's top-level sum at the point."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    subs = {se.Symbol(n): se.RealDouble(float(v)) for n, v in zip(names, point)}
    out = []
    for e in exprs:
        terms = e.args if isinstance(e, se.Add) else (e,)
        out.append(sum(abs(complex(t.xreplace(subs).n(53))) for t in terms))
    return out
