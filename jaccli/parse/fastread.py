"""Large specs straight to symengine: the plain part of jac's language, read without sympy.

A dense 300×300 layer is 90,000 terms; building them as sympy objects first (grammar.py) and converting
them to symengine took longer than symengine's own differentiation. This reader takes the subset such
specs are written in — numbers, declared inputs, ``pi``, ``e``, ``+ - * / ^ **``, parentheses, and the
functions symengine has with the same meaning (``fast._FUNCTIONS``, with their textbook aliases, ``ln``,
one-argument ``log``, ``sqrt``) — and builds symengine expressions directly, recording the same
conditions grammar.py records (denominators, log arguments, domain needs of sqrt, fractional and
variable powers, asin, acosh, …). Anything else — implicit multiplication, an unknown name, Unicode,
``|x|``, a function of constants (``log(-1)`` must be refused by grammar.py), a constant power that is
not a plain integer power — returns None, and grammar.py reads the text with its full rules, notes and
error messages. Tests check that both readers give the same function on the same text.

User text is tokenised by one regular expression and parsed by recursive descent; it never reaches
``sympify`` or ``eval``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Sequence

from ..core.limits import MAX_DEPTH, MAX_LENGTH, MAX_LITERAL_DIGITS, MAX_TOKENS

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),])|(?P<bad>\S))")

# name as written → (symengine function name, domain need of its argument or "")
_CALLS = {
    "sin": ("sin", ""), "cos": ("cos", ""), "tan": ("tan", ""), "sec": ("sec", ""), "csc": ("csc", ""),
    "cot": ("cot", ""), "asin": ("asin", "[-1,1]"), "acos": ("acos", "[-1,1]"), "atan": ("atan", ""),
    "arcsin": ("asin", "[-1,1]"), "arccos": ("acos", "[-1,1]"), "arctan": ("atan", ""),
    "sinh": ("sinh", ""), "cosh": ("cosh", ""), "tanh": ("tanh", ""), "asinh": ("asinh", ""),
    "acosh": ("acosh", ">=1"), "atanh": ("atanh", "(-1,1)"), "arsinh": ("asinh", ""), "arcsinh": ("asinh", ""),
    "arcosh": ("acosh", ">=1"), "arccosh": ("acosh", ">=1"), "artanh": ("atanh", "(-1,1)"),
    "arctanh": ("atanh", "(-1,1)"), "exp": ("exp", ""), "log": ("log", ">0"), "ln": ("log", ">0"),
    "sqrt": ("sqrt", ">=0"),
}


class _Fallback(Exception):
    """Not in the subset: grammar.py reads it."""


class Reader:
    """Reads the outputs of one function over ``inputs``; ``conditions`` as grammar.Scope records them
    (kind, symengine expressions, function, need)."""

    def __init__(self, inputs: Sequence[str]) -> None:
        # deferred: symengine is heavy at start-up
        import symengine as se

        self.se = se
        self.symbols = {name: se.Symbol(name) for name in inputs}
        self.constants = {"pi": se.pi, "e": se.E, "E": se.E}
        self.conditions: list[tuple[str, Any, str, str]] = []

    def read(self, text: str) -> Any | None:
        """The expression, or None when ``text`` is outside the subset (or past a limit, which
        grammar.py then explains)."""
        if len(text) > MAX_LENGTH:
            return None
        tokens = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "bad":
                return None
            tokens.append((kind, match.group(kind or 0)))
        if len(tokens) > MAX_TOKENS:
            return None
        tokens.append(("end", ""))
        self.tokens, self.i, self.depth = tokens, 0, 0
        start = len(self.conditions)
        try:
            expr = self.sum()
            if self.tokens[self.i][0] != "end":
                raise _Fallback
        except (_Fallback, RecursionError, OverflowError, ValueError, ZeroDivisionError, RuntimeError):
            del self.conditions[start:]
            return None
        return expr

    # -- grammar (grammar.py's precedence: sum, term, unary, power with right-associative ^)
    def sum(self) -> Any:
        terms = [self.term()]
        while self.tokens[self.i][1] in ("+", "-") and self.tokens[self.i][0] == "op":
            op = self.tokens[self.i][1]
            self.i += 1
            term = self.term()
            terms.append(term if op == "+" else -term)
        return terms[0] if len(terms) == 1 else self.se.Add(*terms)

    def term(self) -> Any:
        left = self.unary()
        while True:
            kind, text = self.tokens[self.i]
            if kind == "op" and text == "*":
                self.i += 1
                left = left * self.unary()
            elif kind == "op" and text == "/":
                t = self.tokens
                if t[self.i - 1][0] == "num" and t[self.i - 2] in (("op", "^"), ("op", "**")) and \
                        t[self.i + 1][0] == "num":
                    raise _Fallback  # x^1/2: grammar.py reads it as (x^1)/2 and says so
                self.i += 1
                left = self.divide(left, self.unary())
            elif kind in ("num", "name") or (kind == "op" and text == "("):
                raise _Fallback  # implicit multiplication: grammar.py reads it and may say how
            else:
                return left

    def deeper(self, parse: Callable[[], Any]) -> Any:
        """``parse()`` one level of nesting down, within MAX_DEPTH (deeper: left to the grammar)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Fallback
        value = parse()
        self.depth -= 1
        return value

    def unary(self) -> Any:
        kind, text = self.tokens[self.i]
        if kind == "op" and text in ("-", "+"):
            self.i += 1
            operand = self.deeper(self.unary)
            return -operand if text == "-" else operand
        return self.power()

    def power(self) -> Any:
        base = self.atom()
        kind, text = self.tokens[self.i]
        if kind == "op" and text in ("^", "**"):
            self.i += 1
            return self.raise_to(base, self.deeper(self.unary))
        return base

    def atom(self) -> Any:
        kind, text = self.tokens[self.i]
        self.i += 1
        if kind == "num":
            return self.number(text)
        if kind == "name":
            if text in self.constants:
                return self.constants[text]
            if text in _CALLS:
                return self.call(text)
            if text in self.symbols:
                if self.tokens[self.i] == ("op", "("):
                    raise _Fallback  # x(…): grammar.py says what it means
                return self.symbols[text]
            raise _Fallback  # an unknown name: grammar.py explains it
        if kind == "op" and text == "(":
            inner = self.deeper(self.sum)  # too deep: grammar.py refuses it with a message
            if self.tokens[self.i] != ("op", ")"):
                raise _Fallback
            self.i += 1
            return inner
        raise _Fallback

    def number(self, text: str) -> Any:
        if len(text) > MAX_LITERAL_DIGITS and sum(c.isdigit() for c in text) > MAX_LITERAL_DIGITS:
            raise _Fallback
        if text.isdigit():
            return self.se.Integer(int(text))
        value = float(text)
        mantissa = re.split("[eE]", text)[0]
        if value == float("inf") or (value == 0 and mantissa.strip("0.")):
            raise _Fallback  # beyond a double: grammar.py keeps it exactly or refuses it with a message
        return self.se.RealDouble(value)

    def call(self, name: str) -> Any:
        if self.tokens[self.i] != ("op", "("):
            raise _Fallback  # sin x, sin^2 x: grammar.py's notation rules
        self.i += 1
        arg = self.deeper(self.sum)
        if self.tokens[self.i] != ("op", ")"):
            raise _Fallback  # log(x, b), atan2 or an error: grammar.py
        self.i += 1
        if not arg.free_symbols:
            raise _Fallback  # a constant: grammar.py checks it is real and defined
        target, need = _CALLS[name]
        if target == "log":
            self.condition("log", arg, name)
        if need:
            self.condition("domain", arg, name, need)
        return getattr(self.se, target)(arg)

    # -- construction with grammar.py's conditions
    def condition(self, kind: str, expr: Any, function: str, need: str = "") -> None:
        if expr.free_symbols:
            self.conditions.append((kind, expr, function, need))

    def divide(self, left: Any, right: Any) -> Any:
        if not right.free_symbols:
            if not right.is_Number or float(right) == 0:  # 0.0 too (symengine: RealDouble(0) != 0)
                raise _Fallback  # grammar.py checks constants (and refuses x/0)
        self.condition("division", right, "/")
        return left / right

    def raise_to(self, base: Any, exponent: Any) -> Any:
        se = self.se
        if not exponent.free_symbols:
            if not exponent.is_Number:
                raise _Fallback
            integer = exponent.is_Integer or (isinstance(exponent, se.RealDouble) and float(exponent).is_integer())
            if not base.free_symbols:
                if not (exponent.is_Integer and base.is_Number and float(base) != 0 and abs(int(exponent)) <= 64):
                    raise _Fallback  # 2^0.5, 0^-1, 9^9^9: grammar.py folds and guards constants
                return base ** exponent
            if exponent < 0:
                self.condition("division", base, "^")
            if not integer:
                self.condition("domain", base, "^", ">=0")
            return base ** exponent
        if not base.free_symbols:
            if not (base == se.E or (base.is_Number and base > 0 and base != 1)):
                raise _Fallback  # 0^y, (-2)^x, pi^x, 1^x (symengine folds it, the grammar keeps x): grammar.py
            return base ** exponent
        self.condition("domain", base, "^", ">0")  # b^y = exp(y·log b)
        return base ** exponent


def read_outputs(texts: Sequence[str], inputs: Sequence[str]) -> tuple[list[Any], list[list[tuple[str, Any, str, str]]]] | None:
    """Every output of a spec in the subset: (symengine expressions, conditions per output as
    (kind, expression, function, need)); None when any one is not (grammar.py reads them all)."""
    try:
        reader = Reader(inputs)
    except ImportError:  # pragma: no cover - symengine is a declared dependency
        return None
    outputs, conditions = [], []
    for text in texts:
        start = len(reader.conditions)
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            return None  # YAML's yes/no, a mapping (cases:), …: grammar.py's messages and rules
        if isinstance(text, int):
            expr = reader.se.Integer(text) if text.bit_length() <= 3300 else None
        elif isinstance(text, float):
            expr = reader.se.RealDouble(text) if math.isfinite(text) else None
        else:
            expr = reader.read(text)
        if expr is None:
            return None
        outputs.append(expr)
        conditions.append(reader.conditions[start:])
    return outputs, conditions
