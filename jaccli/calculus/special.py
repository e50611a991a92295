"""Functions jac's language has that sympy lacks (or defines differently).

Each is a sympy ``Function`` with its derivative (``fdiff``), exact values where
they are simple, a numeric value (``_eval_evalf``) and a LaTeX form, so that
Jacobians print back in jac's own syntax (``sigmoid(x)*(1 - sigmoid(x))``) and
read back in unchanged.
"""

from __future__ import annotations

from typing import Any

import sympy as sp


def _numeric(expr: sp.Expr, prec: int) -> sp.Expr:
    return expr.evalf(prec_to_dps(prec))


def prec_to_dps(prec: int) -> int:
    return max(1, int(round(prec * 0.30103)))


class sigmoid(sp.Function):  # type: ignore[misc, unused-ignore]
    """The logistic function 1/(1 + e^(-x))."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.S.Half
        if x.is_Float:
            return 1 / (1 + sp.exp(-x))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _numeric(self._eval_rewrite_as_exp(self.args[0]), prec)  # not rewrite(): it would rewrite the argument too (sin 1 in exponentials: complex round-off)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(r"\operatorname{sigmoid}\left(%s\right)" % printer._print(self.args[0]), exp)  # reads back


class softplus(sp.Function):  # type: ignore[misc, unused-ignore]
    """log(1 + e^x), the smooth relu."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_Float:
            return sp.log(1 + sp.exp(x))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _numeric(self._eval_rewrite_as_log(self.args[0]), prec)  # the argument as it is

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0]), exp)


class step(sp.Function):  # type: ignore[misc, unused-ignore]
    """The unit step: 0 for x < 0, 1 for x > 0, left undefined at 0.

    It is the derivative of relu (and appears in derivatives of min and max).
    At 0 it stays unevaluated: the function it came from is not differentiable
    there, and jac reports that rather than inventing a value.
    """

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_extended_positive:
            return sp.S.One
        if x.is_extended_negative:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero  # almost everywhere; undefined at 0, where step is unevaluated

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return None

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(r"\operatorname{step}\left(%s\right)" % printer._print(self.args[0]), exp)


class relu(sp.Function):  # type: ignore[misc, unused-ignore]
    """max(0, x)."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_negative:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return step(self.args[0])

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(r"\operatorname{relu}\left(%s\right)" % printer._print(self.args[0]), exp)


class cbrt(sp.Function):  # type: ignore[misc, unused-ignore]
    """The real cube root: cbrt(-8) = -2 (sympy's own cbrt is the principal, complex root)."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_Number and x.is_real:
            if x.is_negative:
                return -cbrt(-x)
            root = sp.root(x, 3)
            if root.is_Rational or x.is_Float:
                return root
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        value = self.args[0].evalf(prec_to_dps(prec))
        if not value.is_real:
            return None
        sign = -1 if value.is_negative else 1
        return sign * sp.root(abs(value), 3).evalf(prec_to_dps(prec))

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(r"\sqrt[3]{%s}" % printer._print(self.args[0]), exp)


def _with_power(text: str, exp: Any) -> str:
    """sympy passes ``exp`` when it prints a power of the function: sigmoid(x)^2."""
    return text if exp is None else r"\left(%s\right)^{%s}" % (text, exp)


def clean_derivative(expr: sp.Expr) -> sp.Expr:
    """Replace sympy's distributions by jac's language.

    ``Heaviside`` (from min/max) becomes ``step``, undefined at ties, and
    ``DiracDelta`` (from sign) becomes 0: the derivative where it exists.
    """
    if expr.has(sp.Heaviside):
        expr = expr.replace(lambda e: isinstance(e, sp.Heaviside), lambda e: step(e.args[0]))
    if expr.has(sp.DiracDelta):
        expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    return expr
