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
from typing import Sequence

import sympy as sp

AUTO_MIN_ENTRIES = 100

# sympy class name → symengine constructor name, for functions with the same meaning in both
_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
    "asin": "asin", "acos": "acos", "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "exp": "exp", "log": "log", "atan2": "atan2",
}  # not abs or sign: symengine's symbols are complex, so d|x|/dx stays unevaluated there


class Unsupported(Exception):
    """The expression uses something symengine does not have with jac's meaning (sigmoid, relu, min, …)."""


def available() -> bool:
    try:
        import symengine  # noqa: F401
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    return True


def to_symengine(expr: sp.Basic, cache: dict | None = None):
    """A sympy expression (from jac's grammar) as a symengine one, node by node."""
    import symengine as se

    cache = {} if cache is None else cache

    def walk(node):
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
            out = getattr(se, _FUNCTIONS[type(node).__name__])(*[walk(a) for a in node.args])
        else:
            raise Unsupported(type(node).__name__)
        cache[node] = out
        return out

    return walk(expr)


def supported(exprs: Sequence[sp.Basic]) -> bool:
    try:
        cache: dict = {}
        for e in exprs:
            to_symengine(e, cache)
    except Unsupported:
        return False
    return True


class FastMatrix:
    """An m×n matrix of symengine expressions with the bits of sympy's Matrix
    interface the renderers use (``shape``, ``rows``, ``cols``, ``[i, j]``)."""

    def __init__(self, rows: list[list]):
        self._rows = rows
        self.rows = len(rows)
        self.cols = len(rows[0]) if rows else 0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)

    def __getitem__(self, ij):
        i, j = ij
        return self._rows[i][j]

    def __iter__(self):
        for row in self._rows:
            yield from row

    def nonzero(self) -> list[list[bool]]:
        return [[not (e == 0) for e in row] for row in self._rows]


def jacobian(fn) -> FastMatrix:
    """J of a VectorFunction by symengine (raises Unsupported)."""
    import symengine as se

    cache: dict = {}
    outputs = [to_symengine(e, cache) for e in fn.outputs]
    symbols = [se.Symbol(name) for name in fn.inputs]
    return FastMatrix([[out.diff(s) for s in symbols] for out in outputs])


def values_at(matrix: FastMatrix, names: Sequence[str], point: Sequence[float], label) -> list[list]:
    """Decimal values of every entry at a point (float or complex); MathError names an undefined entry."""
    import symengine as se


    from .progress import progress

    subs = {se.Symbol(n): se.RealDouble(float(v)) for n, v in zip(names, point)}
    out = []
    with progress("evaluating J at the point", matrix.rows) as bar:
        for i in range(matrix.rows):
            out.append(_row_values(matrix, i, subs, label))
            bar.advance()
    return out


def _row_values(matrix: FastMatrix, i: int, subs: dict, label) -> list:
    from .errors import MathError

    row = []
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



def to_text(expr) -> str:
    """A symengine expression in jac's syntax."""
    import re

    text = str(expr).replace("**", "^")
    text = text.replace("Abs(", "abs(")
    return re.sub(r"\bE\b", "e", text)


def hessian(expr: sp.Expr, names: Sequence[str]) -> tuple[FastMatrix, list]:
    """The Hessian of one sympy expression by symengine, and its gradient (raises Unsupported)."""
    import symengine as se

    f = to_symengine(expr)
    symbols = [se.Symbol(name) for name in names]
    grad = [f.diff(s) for s in symbols]
    return FastMatrix([[g.diff(s) for s in symbols] for g in grad]), grad


def symmetric(matrix: FastMatrix) -> bool:
    return all((matrix[i, j] - matrix[j, i]).expand() == 0 for i in range(matrix.rows) for j in range(i))


def vector_values(exprs: Sequence, names: Sequence[str], point: Sequence[float]) -> list[float]:
    """Decimal values of symengine expressions at a point, with the size of their terms (for relative zero tests)."""
    import symengine as se

    subs = {se.Symbol(n): se.RealDouble(float(v)) for n, v in zip(names, point)}
    return [float(complex(e.xreplace(subs).n(53)).real) for e in exprs]


def term_scales(exprs: Sequence, names: Sequence[str], point: Sequence[float]) -> list[float]:
    """Σ|term| of each expression's top-level sum at the point."""
    import symengine as se

    subs = {se.Symbol(n): se.RealDouble(float(v)) for n, v in zip(names, point)}
    out = []
    for e in exprs:
        terms = e.args if isinstance(e, se.Add) else (e,)
        out.append(sum(abs(complex(t.xreplace(subs).n(53))) for t in terms))
    return out
