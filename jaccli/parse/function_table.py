"""The functions and constants jac's language knows (a whitelist: nothing else is callable), each with how
it is built in sympy, how many arguments it takes, and where its argument must lie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sympy as sp
from sympy.codegen import cfunctions

from ..calculus import special as jf

# ---------------------------------------------------------------------------
# Whitelists

def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(x) if base is None else sp.log(x) / sp.log(base)


@dataclass(frozen=True)
class FunctionInfo:
    build: Callable[..., sp.Expr]
    min_args: int
    max_args: int | None  # None: any number (>= min_args)
    usage: str


def _cfunctions() -> Any:
    """sympy.codegen.cfunctions (log1p, expm1): imported when a spec uses them (5 ms at start-up otherwise)."""

    return cfunctions


def _one(build: Callable[..., sp.Expr], name: str) -> FunctionInfo:
    return FunctionInfo(build, 1, 1, f"{name}(x)")


FUNCTIONS: dict[str, FunctionInfo] = {
    **{name: _one(getattr(sp, name), name) for name in (
        "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "asec", "acsc", "acot",
        "sinh", "cosh", "tanh", "sech", "csch", "coth", "asinh", "acosh", "atanh", "asech", "acsch", "acoth",
        "exp", "sqrt", "sign", "erf")},
    # the names textbooks use for the same functions
    **{alias: _one(getattr(sp, target), alias) for alias, target in (
        ("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"), ("arcsec", "asec"), ("arccsc", "acsc"),
        ("arccot", "acot"), ("arsinh", "asinh"), ("arcosh", "acosh"), ("artanh", "atanh"), ("arsech", "asech"),
        ("arcsch", "acsch"), ("arcoth", "acoth"), ("arcsinh", "asinh"), ("arccosh", "acosh"),
        ("arctanh", "atanh"), ("sgn", "sign"))},
    "atan2": FunctionInfo(sp.atan2, 2, 2, "atan2(y, x)"),
    "arctan2": FunctionInfo(sp.atan2, 2, 2, "arctan2(y, x)"),
    "log": FunctionInfo(_log, 1, 2, "log(x) or log(x, base)"),
    "ln": _one(sp.log, "ln"),
    "log2": _one(lambda x: sp.log(x) / sp.log(2), "log2"),
    "log10": _one(lambda x: sp.log(x) / sp.log(10), "log10"),
    "log1p": _one(lambda x: _cfunctions().log1p(x), "log1p"),  # log(1 + x), accurate for tiny x
    "expm1": _one(lambda x: _cfunctions().expm1(x), "expm1"),  # exp(x) - 1, accurate for tiny x
    "exp2": _one(lambda x: sp.Integer(2) ** x, "exp2"),
    "square": _one(lambda x: x ** 2, "square"),
    "hypot": FunctionInfo(lambda x, y: sp.sqrt(x ** 2 + y ** 2), 2, 2, "hypot(x, y)"),
    "sinc": _one(sp.sinc, "sinc"),  # sin(x)/x, 1 at 0
    "cbrt": _one(jf.cbrt, "cbrt"),
    "abs": _one(sp.Abs, "abs"),
    "sigmoid": _one(jf.sigmoid, "sigmoid"),
    "softplus": _one(jf.softplus, "softplus"),
    "relu": _one(jf.relu, "relu"),
    "step": _one(jf.step, "step"),
    "min": FunctionInfo(sp.Min, 2, None, "min(a, b, ...)"),
    "max": FunctionInfo(sp.Max, 2, None, "max(a, b, ...)"),
}

# sin^-1 x is the inverse function (the textbook convention), not 1/sin(x)
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sec": "asec", "csc": "acsc", "cot": "acot",
            "sinh": "asinh", "cosh": "acosh", "tanh": "atanh", "sech": "asech", "csch": "acsch", "coth": "acoth"}

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E, "E": sp.E}

RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS) | {"piecewise", "and", "or"}
PIECEWISE_USAGE = "piecewise(cond1, value1, cond2, value2, …, otherwise), e.g. piecewise(x < 0, -x, x)"


# ---------------------------------------------------------------------------
# Domains of the functions (the real ones): what the argument must satisfy

DOMAIN_NEEDS = {
    "sqrt": ">=0", "log": ">0", "ln": ">0", "log2": ">0", "log10": ">0", "log1p": ">-1",
    "asin": "[-1,1]", "acos": "[-1,1]", "arcsin": "[-1,1]", "arccos": "[-1,1]",
    "acosh": ">=1", "arcosh": ">=1", "arccosh": ">=1", "atanh": "(-1,1)", "artanh": "(-1,1)",
    "arctanh": "(-1,1)", "asec": "|u|>=1", "acsc": "|u|>=1", "arcsec": "|u|>=1", "arccsc": "|u|>=1",
    "acoth": "|u|>1", "arcoth": "|u|>1", "asech": "(0,1]", "arsech": "(0,1]", "acsch": "!=0", "arcsch": "!=0",
}
