"""jac's expression language: a tokenizer and a recursive-descent parser that
builds sympy expressions directly.

User text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_sum``: every
token is matched here, every name is looked up in the declared inputs or in the
whitelists below, and every sympy object is built by an explicit constructor.

Grammar (loosest binding first)::

    vector  := '[' exprs ']' | exprs          exprs := expr (',' expr)*
    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary | <implicit> power)*
    unary   := ('-' | '+') unary | power
    power   := atom (('^' | '**') unary | superscript)?     (right-associative)
    atom    := number | name | name '(' args ')' | '(' expr ')'

Implicit multiplication: a number, name or ')' followed by a name or '('
(``2x``, ``3(x+1)``, ``(x+1)(x-1)``, ``2 sin(x)``, ``x y``); it binds like ``*``.
Numbers: ``3e+2`` and ``1e-3`` are scientific (digits right after the e);
``2e`` and ``3e + 2`` are 2·e and 3·e + 2.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

from . import functions as jf
from .errors import ParseError

# ---------------------------------------------------------------------------
# Limits: input is bounded before sympy sees it.
MAX_LENGTH = 10_000  # characters in one expression text
MAX_TOKENS = 5_000  # numbers, names and operators in one expression
MAX_DEPTH = 100  # nesting of parentheses, function calls, unary signs and powers
MAX_LITERAL_DIGITS = 1_000  # digits in one number literal
MAX_RESULT_DIGITS = 4_000  # digits of an exact power jac agrees to compute (Python prints ints up to 4,300)


# ---------------------------------------------------------------------------
# Whitelists

def _log(x, base=None):
    return sp.log(x) if base is None else sp.log(x) / sp.log(base)


@dataclass(frozen=True)
class FunctionInfo:
    build: Callable[..., sp.Expr]
    min_args: int
    max_args: int | None  # None: any number (>= min_args)
    usage: str


FUNCTIONS: dict[str, FunctionInfo] = {
    **{name: FunctionInfo(getattr(sp, name), 1, 1, f"{name}(x)") for name in (
        "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan",
        "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "sqrt", "sign")},
    "atan2": FunctionInfo(sp.atan2, 2, 2, "atan2(y, x)"),
    "log": FunctionInfo(_log, 1, 2, "log(x) or log(x, base)"),
    "ln": FunctionInfo(sp.log, 1, 1, "ln(x)"),
    "log2": FunctionInfo(lambda x: sp.log(x) / sp.log(2), 1, 1, "log2(x)"),
    "log10": FunctionInfo(lambda x: sp.log(x) / sp.log(10), 1, 1, "log10(x)"),
    "cbrt": FunctionInfo(jf.cbrt, 1, 1, "cbrt(x)"),
    "abs": FunctionInfo(sp.Abs, 1, 1, "abs(x)"),
    "sigmoid": FunctionInfo(jf.sigmoid, 1, 1, "sigmoid(x)"),
    "softplus": FunctionInfo(jf.softplus, 1, 1, "softplus(x)"),
    "relu": FunctionInfo(jf.relu, 1, 1, "relu(x)"),
    "step": FunctionInfo(jf.step, 1, 1, "step(x)"),
    "min": FunctionInfo(sp.Min, 2, None, "min(a, b, ...)"),
    "max": FunctionInfo(sp.Max, 2, None, "max(a, b, ...)"),
}

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E, "E": sp.E}

RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS) | {"piecewise", "and", "or"}
PIECEWISE_USAGE = "piecewise(cond1, value1, cond2, value2, …, otherwise), e.g. piecewise(x < 0, -x, x)"

_NOT_NUMBERS = {"nan", "inf", "infinity", "oo", "NaN", "Inf", "Infinity"}

_OPERATORS = {
    "**": "^", "^": "^", "+": "+", "-": "-", "\u2212": "-", "*": "*", "\u00b7": "*",
    "\u22c5": "*", "\u00d7": "*", "/": "/", "\u00f7": "/", "(": "(", ")": ")",
    ",": ",", "[": "[", "]": "]", "=": "=", ";": ";",
}
_RELATIONS = {"<=": sp.Le, ">=": sp.Ge, "==": sp.Eq, "!=": sp.Ne, "<": sp.Lt, ">": sp.Gt}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_CHARS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Token:
    kind: str  # NUM NAME OP SUP END
    text: str  # for OP: the canonical operator; for SUP: the exponent in ASCII
    pos: int
    end: int


def _is_name_start(ch: str) -> bool:
    return (ch.isalpha() or ch == "_") and ch not in _SUPERSCRIPT_CHARS and ch != "π"


def _is_name_char(ch: str) -> bool:
    return (ch.isalpha() or ch == "_" or "0" <= ch <= "9") and ch not in _SUPERSCRIPT_CHARS and ch != "π"


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_LENGTH:
        raise ParseError(
            f"expression is {len(source):,} characters long; the limit is {MAX_LENGTH:,}",
            source, MAX_LENGTH, hint="split it into several outputs or simplify it first")
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        m = _NUMBER.match(source, i)
        if m:
            tokens.append(Token("NUM", m.group(), i, m.end()))
            i = m.end()
            continue
        if ch == "π":
            tokens.append(Token("NAME", "π", i, i + 1))
            i += 1
            continue
        if _is_name_start(ch):
            j = i + 1
            while j < n and _is_name_char(source[j]):
                j += 1
            tokens.append(Token("NAME", source[i:j], i, j))
            i = j
            continue
        if ch in _SUPERSCRIPT_CHARS:
            j = i
            while j < n and source[j] in _SUPERSCRIPT_CHARS:
                j += 1
            text = source[i:j].translate(_SUPERSCRIPTS)
            if not re.fullmatch(r"[+-]?[0-9]+", text):
                raise ParseError("a superscript exponent must be digits with an optional sign, like x² or x⁻¹",
                                 source, i, j - i)
            tokens.append(Token("SUP", text, i, j))
            i = j
            continue
        two = source[i:i + 2]
        if two == "**":
            tokens.append(Token("OP", "^", i, i + 2))
            i += 2
            continue
        if two in _RELATIONS:
            tokens.append(Token("OP", two, i, i + 2))
            i += 2
            continue
        if ch in "<>":
            tokens.append(Token("OP", ch, i, i + 1))
            i += 1
            continue
        if ch in _OPERATORS:
            tokens.append(Token("OP", _OPERATORS[ch], i, i + 1))
            i += 1
            continue
        raise ParseError(f"unexpected character {ch!r}", source, i, hint=_hint_for_char(ch))
    if len(tokens) > MAX_TOKENS:
        raise ParseError(f"expression has {len(tokens):,} terms and operators; the limit is {MAX_TOKENS:,}",
                         source, tokens[MAX_TOKENS].pos, hint="split it into several outputs or functions")
    tokens.append(Token("END", "", n, n))
    return tokens


def _hint_for_char(ch: str) -> str:
    if ch in "'\"":
        return "strings are not part of jac's language; write a math expression like x^2 + sin(y)"
    if ch == ".":
        return "attribute access is not part of jac's language; decimals need a digit after the point (0.5)"
    if ch in "{}":
        return "use parentheses ( ) for grouping; LaTeX braces are not part of the text language"
    if ch == "!":
        return "factorials are not supported"
    if ch in "<>&|=:;":
        return "comparisons, assignments and statements are not part of jac's language"
    return "jac expressions use numbers, names, + - * / ^ ( ) and function calls like sin(x)"


# ---------------------------------------------------------------------------
# Name resolution

@dataclass(frozen=True)
class Condition:
    """Where the expression as written is undefined or not differentiable.

    sympy simplifies as it builds (x/x is 1), so the parser writes these down
    first: ``division`` and ``log`` (undefined where the expression is 0),
    ``kink`` (abs, sign, relu: not differentiable where it is 0) and ``tie``
    (min, max: not differentiable where two arguments tie for the extreme)."""

    kind: str
    exprs: tuple
    function: str


class Scope:
    """What names mean: the declared inputs (``inputs``), or, with ``inputs=None``,
    any new name becomes an input (collected in ``found``), or, with
    ``constants_only=True``, only constants are allowed (points)."""

    def __init__(self, inputs: Sequence[str] | None = None, constants_only: bool = False,
                 symbols: dict[str, sp.Symbol] | None = None, evaluate: bool = True):
        self.inputs = tuple(inputs) if inputs is not None else None
        self.constants_only = constants_only
        self.evaluate = evaluate  # False: build nodes with symbols unevaluated (large specs, fast engine)
        self.symbols: dict[str, sp.Symbol] = dict(symbols or {})
        self.found: list[str] = []
        self.all_names: set[str] = set()  # every plain name in the text (for suggestions)
        self.conditions: list[Condition] = []  # recorded while parsing, in order

    def condition(self, kind: str, exprs: Sequence[sp.Expr], function: str) -> None:
        if any(e.free_symbols for e in exprs):
            self.conditions.append(Condition(kind, tuple(exprs), function))

    def symbol(self, name: str) -> sp.Symbol:
        if name not in self.symbols:
            self.symbols[name] = sp.Symbol(name, real=True)
        return self.symbols[name]

    def known(self, name: str) -> bool:
        if self.constants_only:
            return False
        if self.inputs is None:
            return True
        return name in self.inputs

    def note(self, name: str) -> None:
        if self.inputs is None and not self.constants_only and name not in self.found:
            self.found.append(name)


def symbol(name: str) -> sp.Symbol:
    """The sympy symbol jac uses for an input called ``name`` (real-valued)."""
    return sp.Symbol(name, real=True)


def _split_into(name: str, parts: Sequence[str]) -> list[str] | None:
    """Split ``name`` into a sequence of ``parts`` (longest first), or None."""
    parts = sorted({p for p in parts if p and p != name}, key=len, reverse=True)
    best: dict[int, list[str] | None] = {len(name): []}
    for i in range(len(name) - 1, -1, -1):
        best[i] = None
        for p in parts:
            if name.startswith(p, i) and best.get(i + len(p)) is not None:
                best[i] = [p] + best[i + len(p)]  # type: ignore[operator]
                break
    return best[0]


# ---------------------------------------------------------------------------
# Parser

class _Parser:
    def __init__(self, source: str, scope: Scope, tokens: list[Token] | None = None):
        self.source = source
        self.scope = scope
        self.tokens = tokens if tokens is not None else tokenize(source)
        self.i = 0
        self.depth = 0
        for k, tok in enumerate(self.tokens):
            nxt = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
            if tok.kind == "NAME" and tok.text not in RESERVED and not (nxt and nxt.text == "("):
                scope.all_names.add(tok.text)

    # -- token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_op(self, *ops: str) -> bool:
        return self.tok.kind == "OP" and self.tok.text in ops

    def error(self, message: str, tok: Token | None = None, hint: str | None = None) -> ParseError:
        tok = tok or self.tok
        return ParseError(message, self.source, tok.pos, max(1, tok.end - tok.pos), hint=hint)

    def expect(self, op: str, what: str) -> Token:
        if not self.at_op(op):
            raise self.error(f"expected {what}, found {self._describe(self.tok)}")
        return self.advance()

    @staticmethod
    def _describe(tok: Token) -> str:
        if tok.kind == "END":
            return "the end of the expression"
        return repr(tok.text) if tok.kind != "SUP" else "a superscript"

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression is nested more than {MAX_DEPTH} levels deep", tok,
                             hint="simplify the expression or split it into several functions and compose them")

    def leave(self) -> None:
        self.depth -= 1

    # -- grammar
    def parse_sum(self) -> sp.Expr:
        terms = [self.parse_term()]
        first_op = None
        while self.at_op("+", "-"):
            op = self.advance()
            first_op = first_op or op
            right = self.parse_term()
            terms.append(right if op.text == "+" else self.negate(right))
        if len(terms) == 1:
            return terms[0]
        return self.build(first_op, sp.Add, *terms)  # one Add: linear in the number of terms

    def parse_term(self) -> sp.Expr:
        left = self.parse_unary()
        while True:
            if self.at_op("*", "/"):
                op = self.advance()
                right = self.parse_unary()
                if op.text == "*":
                    left = self.build(op, sp.Mul, left, right)
                else:
                    left = self.divide(op, left, right)
            elif self.starts_implicit_factor():
                op = self.tok
                right = self.parse_power()
                left = self.build(op, sp.Mul, left, right)
            else:
                return left

    def starts_implicit_factor(self) -> bool:
        tok = self.tok
        if tok.kind == "NAME":
            return tok.text not in ("and", "or")  # they join conditions inside piecewise
        if tok.kind == "OP" and tok.text == "(":
            return True
        if tok.kind == "NUM":
            prev = self.tokens[self.i - 1]
            raise self.error(f"expected an operator between {prev.text!r} and {tok.text!r}",
                             hint=f"write {prev.text}*{tok.text} (or {prev.text}^{tok.text}) to say which")
        return False

    def parse_unary(self) -> sp.Expr:
        if self.at_op("-", "+"):
            op = self.advance()
            self.enter(op)
            operand = self.parse_unary()
            self.leave()
            return self.negate(operand) if op.text == "-" else operand
        return self.parse_power()

    def parse_power(self) -> sp.Expr:
        base = self.parse_atom()
        if self.tok.kind == "SUP":
            sup = self.advance()
            return self.power(sup, base, sp.Integer(int(sup.text)))
        if self.at_op("^"):
            op = self.advance()
            self.enter(op)
            exponent = self.parse_unary()  # right-associative: x^y^z = x^(y^z); x^-1 works
            self.leave()
            return self.power(op, base, exponent)
        return base

    def parse_atom(self) -> sp.Expr:
        tok = self.tok
        if tok.kind == "NUM":
            self.advance()
            return self.number(tok)
        if tok.kind == "NAME":
            self.advance()
            if tok.text in FUNCTIONS:
                return self.call(tok)
            declared = self.scope.inputs is not None and tok.text in self.scope.inputs
            if self.at_op("(") and tok.text not in CONSTANTS and not declared:
                return self.call(tok)  # an unknown function: a clear error
            return self.name(tok)
        if self.at_op("("):
            self.advance()
            self.enter(tok)
            inner = self.parse_sum()
            self.leave()
            self.expect(")", f"')' to close the '(' at column {tok.pos + 1}")
            return inner
        if tok.kind == "END":
            raise self.error("expected a number, a name or '(' but the expression ended",
                             hint="the expression is incomplete")
        if tok.kind == "SUP":
            raise self.error("a superscript needs something before it, like x²")
        if tok.text in (")", "]"):
            raise self.error(f"unexpected {tok.text!r}: no matching opening bracket")
        if tok.text == ",":
            raise self.error("unexpected ',': an expression is missing before it")
        raise self.error(f"expected a number, a name or '(', found {tok.text!r}")

    # -- leaves
    def number(self, tok: Token) -> sp.Expr:
        text = tok.text
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_LITERAL_DIGITS:
            raise self.error(f"number has {digits:,} digits; the limit is {MAX_LITERAL_DIGITS:,}", tok)
        if re.fullmatch(r"[0-9]+", text):
            return sp.Integer(int(text))
        exp_match = re.search(r"[eE]([+-]?[0-9]+)$", text)
        if exp_match and abs(int(exp_match.group(1))) > 100_000:
            raise self.error("exponent of this number is out of range", tok)
        return sp.Float(text, 15)  # a double, like every float jac prints

    def name(self, tok: Token) -> sp.Expr:
        text = tok.text
        if text in CONSTANTS:
            return CONSTANTS[text]
        if self.scope.known(text):
            if self.scope.inputs is None:
                parts = _split_into(text, self.scope.all_names) if len(text) > 1 else None
                if parts:
                    raise self.error(f"{text!r} reads as one name, but {', '.join(dict.fromkeys(parts))} "
                                     "appear on their own too", tok,
                                     hint=f"write {'*'.join(parts)} to multiply, or declare the inputs "
                                          f"with --vars (e.g. --vars {text},...) to keep {text!r} as one name")
                self.scope.note(text)
            return self.scope.symbol(text)
        raise self.unknown_name(tok)

    def unknown_name(self, tok: Token) -> ParseError:
        text = tok.text
        if text in _NOT_NUMBERS:
            return self.error(f"{text!r} is not a number jac accepts", tok,
                              hint="values must be finite: nan and infinities are not allowed")
        if self.scope.constants_only:
            return self.error(f"unknown name {text!r}: a point's values must be constants", tok,
                              hint="use numbers or constant expressions like -1/3, pi/4, sqrt(2), e, 1e-3")
        inputs = self.scope.inputs or ()
        parts = _split_into(text, inputs)
        if parts:
            return self.error(f"unknown name {text!r}", tok,
                              hint=f"did you mean {'*'.join(parts)}? Names are not split into letters: "
                                   f"write the product with * or a space ({' '.join(parts)})")
        close = difflib.get_close_matches(text, list(inputs) + sorted(RESERVED), n=3, cutoff=0.6)
        hint = f"the inputs are {', '.join(inputs)}" if inputs else "this function declares no inputs"
        if close:
            hint += f"; did you mean {' or '.join(close)}?"
        return self.error(f"unknown name {text!r}", tok, hint=hint)

    def call(self, tok: Token) -> sp.Expr:
        name = tok.text
        if name == "piecewise":
            return self.piecewise(tok)
        info = FUNCTIONS.get(name)
        if info is None:
            if not self.at_op("("):
                raise self.unknown_name(tok)
            close = difflib.get_close_matches(name, sorted(FUNCTIONS), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            hint += "jac's functions: " + " ".join(sorted(FUNCTIONS)) + f"; to multiply, write {name}*(...)"
            raise self.error(f"unknown function {name!r}", tok, hint=hint)
        if not self.at_op("("):
            raise self.error(f"expected '(' after the function name {name!r}", self.tok,
                             hint=f"write it with parentheses: {info.usage}")
        open_tok = self.advance()
        self.enter(open_tok)
        args: list[sp.Expr] = []
        if not self.at_op(")"):
            args.append(self.parse_sum())
            while self.at_op(","):
                self.advance()
                args.append(self.parse_sum())
        self.leave()
        self.expect(")", f"',' or ')' to close {name}( at column {open_tok.pos + 1}")
        count_ok = len(args) >= info.min_args and (info.max_args is None or len(args) <= info.max_args)
        if not count_ok:
            raise self.error(f"{name} takes {_arity_text(info)}, got {len(args)}", tok,
                             hint=f"usage: {info.usage}")
        self.record_conditions(name, args)
        return self.build(tok, info.build, *args)

    def piecewise(self, tok: Token) -> sp.Expr:
        """``piecewise(cond1, value1, cond2, value2, …, otherwise)``: the first true condition wins."""
        open_tok = self.expect("(", f"'(' after piecewise: {PIECEWISE_USAGE}")
        self.enter(open_tok)
        recorded = len(self.scope.conditions)
        items: list[tuple[sp.Expr, sp.Basic]] = []
        while True:
            first = self.parse_condition_or_expr()
            if self.at_op(")"):
                if _is_condition(first):
                    raise self.error("piecewise must end with the value that holds otherwise", self.tok,
                                     hint=PIECEWISE_USAGE)
                otherwise = first
                break
            self.expect(",", f"',' after a condition of piecewise ({PIECEWISE_USAGE})")
            if not _is_condition(first):
                raise self.error("expected a condition (a comparison like x < 0 or x^2 + y^2 == 0)", tok,
                                 hint=PIECEWISE_USAGE)
            value = self.parse_sum()
            items.append((value, first))
            if self.at_op(","):
                self.advance()
                continue
            raise self.error("expected ',' and then the value that holds otherwise", self.tok, hint=PIECEWISE_USAGE)
        self.leave()
        self.expect(")", f"')' to close piecewise( at column {open_tok.pos + 1}")
        if not items:
            raise self.error("piecewise needs at least one condition and value before the otherwise value", tok,
                             hint=PIECEWISE_USAGE)
        del self.scope.conditions[recorded:]
        return self.build(tok, lambda *pairs: piecewise_of(pairs, self.scope), *items, (otherwise, sp.true))

    def parse_condition_or_expr(self) -> sp.Basic:
        """An expression, or comparisons joined by 'and' / 'or' (inside piecewise only)."""
        left = self.parse_comparison()
        while self.tok.kind == "NAME" and self.tok.text in ("and", "or"):
            word = self.advance()
            right = self.parse_comparison()
            if not (_is_condition(left) and _is_condition(right)):
                raise self.error(f"'{word.text}' joins comparisons", word, hint=PIECEWISE_USAGE)
            left = sp.And(left, right) if word.text == "and" else sp.Or(left, right)
        return left

    def parse_comparison(self) -> sp.Basic:
        left = self.parse_sum()
        if self.tok.kind == "OP" and self.tok.text in _RELATIONS:
            op = self.advance()
            right = self.parse_sum()
            try:
                return _RELATIONS[op.text](left, right)
            except TypeError as exc:
                raise self.error(f"cannot compare these: {exc}", op) from None
        return left

    def record_conditions(self, name: str, args: list[sp.Expr]) -> None:
        if name in ("log", "ln", "log2", "log10"):
            for arg in args:
                self.scope.condition("log", (arg,), name)
        elif name in ("abs", "sign", "relu", "step"):
            self.scope.condition("kink", (args[0],), name)
        elif name in ("min", "max"):
            self.scope.condition("tie", tuple(args), name)

    # -- construction with guards
    def build(self, tok: Token, constructor: Callable[..., sp.Expr], *args: sp.Expr) -> sp.Expr:
        lazy = not self.scope.evaluate and isinstance(constructor, type) and any(a.free_symbols for a in args)
        try:
            # For large specs (scope.evaluate False) nodes with symbols are built
            # unevaluated: no assumption queries; constants are still folded (and guarded).
            result = constructor(*args, evaluate=False) if lazy else constructor(*args)
        except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            raise self.error(f"cannot build this expression: {exc}", tok) from None
        if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo) and not any(a.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for a in args):
            raise self.error("this is undefined (division by zero or a value outside the domain)", tok)
        return result

    def negate(self, operand: sp.Expr) -> sp.Expr:
        if not self.scope.evaluate and operand.free_symbols:
            return sp.Mul(sp.S.NegativeOne, operand, evaluate=False)
        return -operand

    def divide(self, tok: Token, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if right.is_zero:
            raise self.error("division by zero", tok)
        self.scope.condition("division", (right,), "/")
        if not self.scope.evaluate and (left.free_symbols or right.free_symbols):
            return sp.Mul(left, sp.Pow(right, sp.S.NegativeOne, evaluate=False), evaluate=False)
        return self.build(tok, lambda a, b: a / b, left, right)

    def power(self, tok: Token, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if base.is_number and exponent.is_number:
            digits = _power_digits(base, exponent)
            if digits > MAX_RESULT_DIGITS:
                raise self.error(f"this power would have about {digits:.3g} digits; jac computes at most "
                                 f"{MAX_RESULT_DIGITS:,}", tok, hint="use smaller numbers")
        if base.is_zero and exponent.is_number and exponent.is_extended_negative:
            raise self.error("division by zero (0 to a negative power)", tok)
        if exponent.is_number and exponent.is_extended_negative:
            self.scope.condition("division", (base,), "^")
        return self.build(tok, sp.Pow, base, exponent)


def piecewise_of(pairs, scope: Scope) -> sp.Expr:
    """``Piecewise`` from (value, condition) pairs, the last condition True. What the
    cases recorded applies only where their case holds, so the scope keeps just the
    boundaries, where the analysis at a point (evaluate._piecewise_at_boundary)
    decides from the function itself."""
    pairs = [(value, sp.true if condition is True else condition) for value, condition in pairs]
    for _, condition in pairs:
        if condition is sp.true:
            continue
        for rel in condition.atoms(sp.core.relational.Relational):
            scope.condition("boundary", (rel.lhs - rel.rhs,), "piecewise")
    return sp.Piecewise(*pairs)


def parse_condition(source: str, inputs: Sequence[str], scope: Scope) -> sp.Basic:
    """A condition as in piecewise: comparisons joined by and/or."""
    parser = _Parser(source, scope)
    condition = parser.parse_condition_or_expr()
    if parser.tok.kind != "END":
        raise _trailing(parser)
    if not _is_condition(condition):
        raise ParseError("expected a condition (a comparison like x < 0 or x^2 + y^2 == 0)", source, 0,
                         max(1, len(source)), hint=PIECEWISE_USAGE)
    return condition


def _is_condition(expr: sp.Basic) -> bool:
    """A comparison, or comparisons joined by and/or (a Symbol is a sympy Boolean too, so not that test)."""
    return isinstance(expr, (sp.core.relational.Relational, sp.And, sp.Or, sp.logic.boolalg.BooleanAtom))


def _arity_text(info: FunctionInfo) -> str:
    if info.max_args is None:
        return f"at least {info.min_args} arguments"
    if info.min_args == info.max_args:
        return f"{info.min_args} argument" + ("s" if info.min_args != 1 else "")
    return f"{info.min_args} to {info.max_args} arguments"


def _power_digits(base: sp.Expr, exponent: sp.Expr) -> float:
    """Roughly how many digits base^exponent has (0 when it is small or not exact)."""
    if not (base.is_Rational and exponent.is_Rational):
        return 0.0
    try:
        p, q = abs(int(base.p)), abs(int(base.q))
        size = max(_log10(p), _log10(q))
        return abs(float(exponent)) * size
    except (OverflowError, ValueError):
        return math.inf


def _log10(n: int) -> float:
    if n <= 0:
        return 0.0
    bits = n.bit_length()
    return bits * math.log10(2)


# ---------------------------------------------------------------------------
# Entry points

def parse(source: str, inputs: Sequence[str] | None = None, scope: Scope | None = None) -> sp.Expr:
    """Parse one expression. ``inputs``: the names it may use (None: any)."""
    scope = scope or Scope(inputs)
    parser = _Parser(source, scope)
    expr = parser.parse_sum()
    if parser.tok.kind != "END":
        raise _trailing(parser)
    return expr


def _trailing(parser: _Parser) -> ParseError:
    tok = parser.tok
    if tok.text == ")":
        return parser.error("unexpected ')': no matching '('")
    if tok.text == ",":
        return parser.error("unexpected ',' here: one expression was expected",
                            hint="separate outputs with commas only at the top level of a function")
    if tok.text == "=":
        return parser.error("unexpected '='", hint="assignments are not part of jac's language")
    if tok.text == ";":
        return parser.error("unexpected ';'", hint="';' separates the rows of a matrix answer only")
    if tok.text in _RELATIONS:
        return parser.error(f"unexpected {tok.text!r}", hint="comparisons belong inside piecewise(cond, value, …, "
                                                              "otherwise)")
    return parser.error(f"expected an operator or the end, found {parser._describe(tok)}")


@dataclass
class Component:
    expr: sp.Expr
    text: str  # the component's own source text
    start: int  # its column in the whole source
    conditions: tuple = ()  # Conditions recorded while parsing it


def parse_vector(source: str, inputs: Sequence[str] | None = None,
                 scope: Scope | None = None, tokens: list[Token] | None = None) -> tuple[list[Component], Scope]:
    """Parse comma-separated components, optionally in [brackets].

    Returns the components and the scope (with ``found`` filled in when the
    inputs were inferred). ``tokens``: a ready token stream (from LaTeX)."""
    scope = scope or Scope(inputs)
    parser = _Parser(source, scope, tokens)
    bracket = None
    if parser.at_op("["):
        bracket = parser.advance()
    components = _components(parser, "]" if bracket else None)
    if bracket is not None:
        parser.expect("]", f"']' to close the '[' at column {bracket.pos + 1}")
    elif parser.at_op("]"):
        raise parser.error("unexpected ']': no matching '['")
    if parser.tok.kind != "END":
        raise _trailing(parser)
    return components, scope


def _components(parser: _Parser, closer: str | None) -> list[Component]:
    """``expr (',' expr)*`` up to ``closer`` (or the end)."""
    components: list[Component] = []
    while True:
        start = parser.tok.pos
        if parser.tok.kind == "END" or parser.at_op("]", ";") or (closer and parser.at_op(closer)):
            raise parser.error("expected an expression here",
                               hint="write entries separated by commas, e.g. x^2 + y, 2*x*y")
        before = len(parser.scope.conditions)
        expr = parser.parse_sum()
        end = parser.tokens[parser.i - 1].end
        components.append(Component(expr, parser.source[start:end], start,
                                    tuple(parser.scope.conditions[before:])))
        if parser.at_op(","):
            parser.advance()
            continue
        return components


def parse_matrix(source: str, inputs: Sequence[str] | None = None,
                 tokens: list[Token] | None = None) -> list[list[Component]]:
    """A matrix: ``[[a, b], [c, d]]``, ``[a, b]`` (one row), ``a, b; c, d`` or ``a``.
    Rows must have equal lengths."""
    parser = _Parser(source, Scope(inputs), tokens)
    rows: list[list[Component]] = []
    row_starts: list[Token] = []
    if parser.at_op("[") and parser.tokens[parser.i + 1].text == "[":
        outer = parser.advance()
        while True:
            open_tok = parser.expect("[", "'[' to start a row")
            row_starts.append(open_tok)
            rows.append(_components(parser, "]"))
            parser.expect("]", f"']' to close the row opened at column {open_tok.pos + 1}")
            if parser.at_op(","):
                parser.advance()
                continue
            break
        parser.expect("]", f"']' to close the '[' at column {outer.pos + 1}")
    elif parser.at_op("["):
        open_tok = parser.advance()
        row_starts.append(open_tok)
        rows.append(_components(parser, "]"))
        parser.expect("]", f"']' to close the '[' at column {open_tok.pos + 1}")
    else:
        while True:
            row_starts.append(parser.tok)
            rows.append(_components(parser, None))
            if parser.at_op(";"):
                parser.advance()
                if parser.tok.kind == "END":
                    break  # a trailing ';' is harmless
                continue
            break
    if parser.tok.kind != "END":
        raise _trailing(parser)
    width = len(rows[0])
    for k, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise parser.error(f"row {k} has {len(row)} entries but row 1 has {width}", row_starts[k - 1],
                               hint="every row of a matrix needs the same number of entries")
    return rows


@dataclass
class PointItem:
    name: str | None
    value: sp.Expr
    column: int


def parse_point(source: str) -> list[PointItem]:
    """``1,2`` or ``x=1, y=2``: constants only, optionally named."""
    scope = Scope(constants_only=True)
    parser = _Parser(source, scope)
    items: list[PointItem] = []
    if parser.tok.kind == "END":
        raise parser.error("the point is empty", hint="give values like 1,2 or x=1,y=2")
    while True:
        tok = parser.tok
        name = None
        if tok.kind == "NAME" and parser.tokens[parser.i + 1].text == "=":
            name = tok.text
            parser.advance()
            parser.advance()
        value = parser.parse_sum()
        if not value.is_number:  # pragma: no cover - constants_only scope already refuses names
            raise parser.error("a point's values must be numbers", tok)
        if value.is_real is False:
            raise parser.error("a point's values must be real numbers", tok)
        items.append(PointItem(name, value, tok.pos))
        if parser.at_op(","):
            parser.advance()
            continue
        if parser.tok.kind != "END":
            raise _trailing(parser)
        return items


def natural_key(name: str) -> list:
    """Sort key so that x1 < x2 < x10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"([0-9]+)", name) if part]
