"""Expressions and numbers as text: jac's own syntax (readable back by jac),
LaTeX, and decimals at a chosen precision."""

from __future__ import annotations

import math
import re
from typing import Any, Iterator, cast

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..core.errors import MathError


class _JacPrinter(StrPrinter):  # type: ignore[misc, unused-ignore]
    """sympy's str printer, with the names jac's grammar uses."""

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr: Any) -> str:
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr: Any) -> str:
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Float(self, expr: Any) -> str:
        value = float(expr)
        if expr._prec <= 53 and math.isfinite(value):
            return repr(value)  # shortest text that reads back as the same double; 2.0 stays a float
        return cast(str, super()._print_Float(expr))

    def _print_ImaginaryUnit(self, expr: Any) -> str:
        return "i"

    def _print_Piecewise(self, expr: Any) -> str:
        parts = []
        for value, condition in expr.args:
            if condition is sp.true:
                parts.append(self._print(value))
                break
            parts += [self._print(condition), self._print(value)]
        return "piecewise(" + ", ".join(parts) + ")"

    def _print_Relational(self, expr: Any) -> str:
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[expr.rel_op]
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr: Any) -> str:
        return " and ".join(self._print(a) for a in expr.args)

    def _print_Or(self, expr: Any) -> str:
        return " or ".join(self._print(a) for a in expr.args)


_printer = _JacPrinter({"full_prec": False})


MAX_PRINTED_DIGITS = 4_300  # Python's own limit for int → str (quadratic work beyond it)
_MAX_BITS = int(MAX_PRINTED_DIGITS * 3.3219280948873626)


def printable(expr: sp.Expr) -> sp.Expr:
    """``expr`` if every exact number in it can be printed, else MathError (exit 3) saying so."""
    if expr.is_Atom and not expr.is_Rational:
        return expr
    for atom in expr.atoms(sp.Rational):
        if max(int(atom.p).bit_length(), int(atom.q).bit_length()) > _MAX_BITS:
            raise MathError(f"a number in the result has more than {MAX_PRINTED_DIGITS:,} digits, more than jac "
                            "prints", hint="choose a point with smaller values, or ask for the value in floating "
                                           "point (a decimal point in the point: 2.0)")
    return expr


def to_text(expr: sp.Expr) -> str:
    """``expr`` in jac's syntax: ``x^2 + 2*x*y``, ``4*cos(4)`` (symengine expressions too)."""
    if not isinstance(expr, sp.Basic):
        return symengine_text(expr)
    return cast(str, _printer.doprint(printable(expr))).replace("**", "^")


def matrix_rows(matrix: Any) -> Iterator[list[str]]:
    """Each row of a matrix's entries in jac's syntax, one list at a time (symengine matrices
    print each shared subexpression once: row_texts)."""
    if not isinstance(matrix, sp.MatrixBase):
        yield from row_texts(matrix)
        return
    for i in range(matrix.rows):
        yield [to_text(matrix[i, j]) for j in range(matrix.cols)]


def matrix_text(matrix: Any) -> list[list[str]]:
    """Every entry of a matrix in jac's syntax, rows of strings."""
    return list(matrix_rows(matrix))


class _JacLatexPrinter(LatexPrinter):  # type: ignore[misc, unused-ignore]
    """sympy's LaTeX, readable back by jac with the same meaning: x^(1/3) is not \\sqrt[3]{x}
    (which jac reads as the real cube root, cbrt)."""

    def _print_Pow(self, expr: Any) -> str:
        if expr.exp.is_Rational and expr.exp.q % 3 == 0 and not expr.base.is_number:
            return r"\left(%s\right)^{%s}" % (self._print(expr.base), self._print(expr.exp))
        return cast(str, super()._print_Pow(expr))


_latex_printer = _JacLatexPrinter()


def to_latex(expr: sp.Expr) -> str:
    if not isinstance(expr, sp.Basic):
        expr = expr._sympy_()  # a symengine expression: sympy prints LaTeX
    return cast(str, _latex_printer.doprint(printable(expr)))


def matrix_latex(matrix: sp.Matrix) -> str:
    rows = [" & ".join(to_latex(matrix[i, j]) for j in range(matrix.cols)) for i in range(matrix.rows)]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def is_plain_number(expr: sp.Expr) -> bool:
    """True when the exact form says nothing the decimal doesn't (an integer or a float)."""
    return bool(expr.is_Integer or expr.is_Float)


# ---------------------------------------------------------------------------
# symengine's expressions (the engine for large systems, chain/fast.py)

_E = re.compile(r"\bE\b")


def symengine_text(expr: Any) -> str:
    """A symengine expression in jac's syntax."""
    text = str(expr).replace("**", "^")
    if "Abs(" in text:
        text = text.replace("Abs(", "abs(")
    return _E.sub("e", text) if "E" in text else text  # the regex only when there is an E to replace


SHARED_MIN_TERMS = 8  # a sum this long, met in an entry, is printed once and reused
_SLOT = re.compile("\u00a7([0-9]+)\u00a7")  # §12§: a placeholder symbol, a name jac's inputs cannot have


def row_texts(matrix: Any) -> Iterator[list[str]]:
    """The rows of a symengine matrix as text, each long sum printed once. Every entry of row i of
    a dense ``tanh(Σ wᵢⱼ xⱼ)`` layer contains the same n-term sum; printing each entry whole prints
    it n times (15.8 s for n = 300). Here each entry is printed with its long sums replaced by
    placeholder symbols, and the sums' text (printed once, by symengine) is put in their place —
    in parentheses unless the placeholder is already a whole argument or parenthesised."""
    # deferred: symengine is heavy at start-up
    import symengine as se

    slots: dict[Any, Any] = {}  # long sum → placeholder symbol
    texts: list[str] = []  # placeholder number → its text
    inside: dict[Any, dict[Any, Any]] = {}  # node → the long sums in it (shared nodes are searched once)

    def long_sums(node: Any) -> dict[Any, Any]:
        hit = inside.get(node)
        if hit is not None:
            return hit
        if isinstance(node, se.Add) and len(node.args) >= SHARED_MIN_TERMS:
            if node not in slots:
                slots[node] = se.Symbol(f"\u00a7{len(texts)}\u00a7")
                texts.append(symengine_text(node))
            found = {node: slots[node]}
        elif isinstance(node, (se.Symbol, se.Number)):
            found = {}
        else:
            found = {}
            for arg in node.args:
                found.update(long_sums(arg))
        inside[node] = found
        return found

    def put_back(text: str) -> str:
        def fill(match: re.Match[str]) -> str:
            inner = texts[int(match.group(1))]
            start, end = match.start(), match.end()
            if start == 0 and end == len(text):
                return inner  # the entry is the sum
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            return inner if before and after and before in "(," and after in ",)" else f"({inner})"

        return _SLOT.sub(fill, text)

    for i in range(matrix.rows):
        row: list[str] = []
        for entry in matrix._rows[i]:
            found = long_sums(entry)
            row.append(put_back(symengine_text(entry.xreplace(found))) if found else symengine_text(entry))
        yield row
        inside.clear()  # rows rarely share inner nodes; keep memory flat (the sums' text stays)
