"""Judging numbers relative to their own scale: one place for every "is this zero?",
"is this singular?" and "do these agree?" jac decides.

* Exact values are judged exactly (``is_zero``; signs of exact constants at 60 digits,
  with a symbolic zero test when they are tiny).
* Floats are judged relative to a scale: a value that is the sum of terms is zero when it
  is below ``RELATIVE_ZERO`` times the sum of the terms' magnitudes (so the gradient of a
  potential whose terms are 1e-18 is judged against 1e-18, not against 1); an eigenvalue is
  zero when below ``RELATIVE_ZERO`` times the largest; a float matrix is singular when its
  smallest singular value is below ``SINGULAR`` times its largest.
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

RELATIVE_ZERO = 1e-9  # floats: zero relative to the scale of the terms that make them up
_DIGITS = 60


def exact_sign(value: sp.Expr) -> int:
    """The sign of an exact constant: -1, 0 or 1 (0 only when it is zero)."""
    if value.is_zero:
        return 0
    if value.is_extended_positive:
        return 1
    if value.is_extended_negative:
        return -1
    number = sp.N(value, _DIGITS)
    re_part = sp.re(number)
    if abs(re_part) < sp.Float(10) ** (-_DIGITS + 10):
        if sp.simplify(value) == 0:
            return 0
    return 1 if re_part > 0 else -1 if re_part < 0 else 0


def is_exact(value: sp.Expr) -> bool:
    return isinstance(value, sp.Basic) and value.is_number and not value.has(sp.Float)


def is_exact_matrix(matrix: sp.Matrix) -> bool:
    return all(is_exact(v) for v in matrix)


def term_scale(expr: sp.Expr, subs: dict[Any, Any]) -> float:
    """Σ |term| of ``expr`` (its top-level sum) at a point: the scale against which its value's
    zero-ness is judged (a difference of two 1e-18 terms that is 1e-33 is zero)."""
    terms = expr.args if isinstance(expr, sp.Add) else (expr,)
    total = 0.0
    for term in terms:
        try:
            total += abs(complex(term.xreplace(subs).evalf(17)))
        except (TypeError, ValueError):
            return float("inf")
    return total


def is_zero(value: float | sp.Expr, scale: float) -> bool:
    """Exact values exactly; floats when |value| ≤ RELATIVE_ZERO · scale."""
    if isinstance(value, sp.Basic) and is_exact(value):
        return exact_sign(value) == 0
    return abs(complex(value)) <= RELATIVE_ZERO * scale


def eigen_signs(values: Sequence[float]) -> list[int]:
    """-1, 0, +1 per eigenvalue, zero meaning |λ| ≤ RELATIVE_ZERO · max |λ|."""
    biggest = max((abs(v) for v in values), default=0.0)
    return [0 if abs(v) <= RELATIVE_ZERO * biggest else (1 if v > 0 else -1) for v in values]


def exact_inertia(matrix: sp.Matrix) -> tuple[int, int, int] | None:
    """(positive, negative, zero) eigenvalue counts of an exact symmetric matrix, exactly:
    its characteristic polynomial has only real roots, so Descartes' rule of signs counts
    them. None if a coefficient's sign cannot be decided."""
    n = matrix.rows
    lam = sp.Dummy("lam")
    try:
        coeffs = sp.Poly(matrix.charpoly(lam).as_expr(), lam).all_coeffs()  # highest degree first
        signs = [exact_sign(c) for c in coeffs]
    except (TypeError, ValueError, sp.PolynomialError):
        return None
    zero = 0
    while zero < n and signs[n - zero] == 0:
        zero += 1
    nonzero = [s for s in signs[: n + 1 - zero] if s != 0]

    def changes(seq: Sequence[int]) -> int:
        return sum(1 for a, b in zip(seq, seq[1:]) if a != b)

    positive = changes(nonzero)
    degrees = list(range(n, zero - 1, -1))
    flipped = [s * (-1) ** d for s, d in zip(signs[: n + 1 - zero], degrees) if s != 0]
    negative = changes(flipped)
    if positive + negative + zero != n:
        return None
    return positive, negative, zero


