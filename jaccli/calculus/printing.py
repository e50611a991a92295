"""Expressions and numbers as text: jac's own syntax (readable back by jac),
LaTeX, and decimals at a chosen precision."""

from __future__ import annotations

import math

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter


class _JacPrinter(StrPrinter):
    """sympy's str printer, with the names jac's grammar uses."""

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Float(self, expr):
        value = float(expr)
        if expr._prec <= 53 and math.isfinite(value):
            return repr(value)  # shortest text that reads back as the same double; 2.0 stays a float
        return super()._print_Float(expr)

    def _print_ImaginaryUnit(self, expr):
        return "i"

    def _print_Piecewise(self, expr):
        parts = []
        for value, condition in expr.args:
            if condition is sp.true:
                parts.append(self._print(value))
                break
            parts += [self._print(condition), self._print(value)]
        return "piecewise(" + ", ".join(parts) + ")"

    def _print_Relational(self, expr):
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[expr.rel_op]
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr):
        return " and ".join(self._print(a) for a in expr.args)

    def _print_Or(self, expr):
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
            from ..core.errors import MathError

            raise MathError(f"a number in the result has more than {MAX_PRINTED_DIGITS:,} digits, more than jac "
                            "prints", hint="choose a point with smaller values, or ask for the value in floating "
                                           "point (a decimal point in the point: 2.0)")
    return expr


def to_text(expr: sp.Expr) -> str:
    """``expr`` in jac's syntax: ``x^2 + 2*x*y``, ``4*cos(4)`` (symengine expressions too)."""
    if not isinstance(expr, sp.Basic):
        from ..chain.fast import to_text as fast_text

        return fast_text(expr)
    return _printer.doprint(printable(expr)).replace("**", "^")


def matrix_rows(matrix):
    """Each row of a matrix's entries in jac's syntax, one list at a time (symengine matrices
    print each shared subexpression once: fast.row_texts)."""
    if not isinstance(matrix, sp.MatrixBase):
        from ..chain.fast import row_texts

        yield from row_texts(matrix)
        return
    for i in range(matrix.rows):
        yield [to_text(matrix[i, j]) for j in range(matrix.cols)]


def matrix_text(matrix) -> list[list[str]]:
    """Every entry of a matrix in jac's syntax, rows of strings."""
    return list(matrix_rows(matrix))


class _JacLatexPrinter(LatexPrinter):
    """sympy's LaTeX, readable back by jac with the same meaning: x^(1/3) is not \\sqrt[3]{x}
    (which jac reads as the real cube root, cbrt)."""

    def _print_Pow(self, expr):
        if expr.exp.is_Rational and expr.exp.q % 3 == 0 and not expr.base.is_number:
            return r"\left(%s\right)^{%s}" % (self._print(expr.base), self._print(expr.exp))
        return super()._print_Pow(expr)


_latex_printer = _JacLatexPrinter()


def to_latex(expr: sp.Expr) -> str:
    if not isinstance(expr, sp.Basic):
        expr = expr._sympy_()  # a symengine expression: sympy prints LaTeX
    return _latex_printer.doprint(printable(expr))


def matrix_latex(matrix: sp.Matrix) -> str:
    rows = [" & ".join(to_latex(matrix[i, j]) for j in range(matrix.cols)) for i in range(matrix.rows)]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def is_plain_number(expr: sp.Expr) -> bool:
    """True when the exact form says nothing the decimal doesn't (an integer or a float)."""
    return bool(expr.is_Integer or expr.is_Float)
