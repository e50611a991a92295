"""jac's expression language: a tokenizer and a recursive-descent parser that
builds sympy expressions directly.

User text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``: every
token is matched here, every name is looked up in the declared inputs or in the
whitelists below, and every sympy object is built by an explicit constructor.

Grammar (loosest binding first)::

    spec    := [header] body                            (parse_spec: a whole function)
    header  := inputs ARROW | NAME '(' names ')' '='     (r, theta) ->   t ->   f(x, y) =
    body    := '[' components ']' | '(' components ')' | components
    component := [NAME '='] expr                         x = u^2 v   (a named output)
    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary | <implicit> power)*
    unary   := ('-' | '+') unary | power
    power   := atom ['!'] (('^' | '**') unary | superscript)?     (right-associative)
    atom    := number | name | call | '(' expr ')' | '|' expr '|' | '√' power | '∛' power
    call    := function [power-of-function] ( '(' args ')' | bare-argument )

Implicit multiplication: a number, name, ')' or '|' followed by a name, '(',
'|' or a root sign (``2x``, ``3(x+1)``, ``2 sin(x)``, ``x y``); it binds like ``*``.
A function without parentheses takes a *bare argument*: the factors written
next to it without an operator, up to the next ``+ - * / ,``, closing bracket
or function name (``sin 2x`` is sin(2x), ``sin x cos y`` is sin(x)·cos(y)).
``sin^2 x`` is (sin x)², ``sin^-1 x`` is asin x. Numbers: ``3e+2`` and ``1e-3``
are scientific (digits right after the e); ``2e`` and ``3e + 2`` are 2·e and 3·e + 2.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import sympy as sp

from ..calculus import special as jf
from ..core.errors import ParseError
from ..core.limits import MAX_DEPTH as MAX_DEPTH  # re-exported: latex.py reads grammar.MAX_DEPTH
from ..core.limits import MAX_LITERAL_DIGITS, MAX_RESULT_DIGITS
from ..core.request import option
from .function_table import CONSTANTS as CONSTANTS  # re-exported (spec.py)
from .function_table import DOMAIN_NEEDS, FUNCTIONS, INVERSES, PIECEWISE_USAGE, FunctionInfo
from .function_table import RESERVED as RESERVED  # re-exported (spec.py)
from .tokens import _NOT_NUMBERS, _RELATIONS, GREEK_NAMES, Token, tokenize

# ---------------------------------------------------------------------------
# Limits: input is bounded before sympy sees it.
MAX_FACTORIAL = 1_000  # n! for whole numbers up to this (2,568 digits)


# ---------------------------------------------------------------------------
# Name resolution

@dataclass(frozen=True)
class Condition:
    """Where the expression as written is undefined, not real or not differentiable.

    sympy simplifies as it builds (x/x is 1), so the parser writes these down
    first: ``division`` and ``log`` (undefined where the expression is 0),
    ``domain`` (outside the real domain: ``need`` says what the argument must
    satisfy, e.g. ``>=0`` for sqrt), ``kink`` (abs, sign, relu: perhaps not
    differentiable where it is 0), ``tie`` (min, max: perhaps not differentiable
    where two arguments tie for the extreme) and ``boundary`` (a piecewise case
    boundary)."""

    kind: str
    exprs: Sequence[Any]  # a tuple, or fast.SymengineExprs
    function: str
    need: str = ""


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
        self.notes: list[str] = []  # readings that were a choice (x/2y, uv as u·v)

    def condition(self, kind: str, exprs: Sequence[sp.Expr], function: str, need: str = "") -> None:
        if any(e.free_symbols for e in exprs):
            self.conditions.append(Condition(kind, tuple(exprs), function, need))

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

    def say(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


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


MAX_SPLIT_LETTERS = 4  # uv, xyz, abcd: longer runs of letters are words, not products


def letter_product(name: str, letters: Sequence[str]) -> list[str] | None:
    """``uv`` → [u, v] when every letter of ``name`` is one of ``letters`` (single-letter
    names; e counts too unless it is one of them), else None. Greek names are never split."""
    if (len(name) < 2 or len(name) > MAX_SPLIT_LETTERS or not name.isalpha() or name in GREEK_NAMES
            or name in RESERVED):
        return None
    allowed = set(letters) | ({"e"} if "e" not in letters else set())
    return list(name) if all(ch in allowed for ch in name) else None


# ---------------------------------------------------------------------------
# Parser

class _Parser:
    def __init__(self, source: str, scope: Scope, tokens: list[Token] | None = None):
        self.source = source
        self.scope = scope
        self.tokens = tokens if tokens is not None else tokenize(source)
        self.i = 0
        self.depth = 0
        self.bars = 0  # open |…| bars: inside them a '|' in operator position closes
        for k, tok in enumerate(self.tokens):
            nxt = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
            if tok.kind == "NAME" and tok.text not in RESERVED and not (nxt and nxt.text == "("):
                scope.all_names.add(tok.text)

    # -- token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

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
        assert first_op is not None  # more than one term: an operator joined them
        return self.build(first_op, sp.Add, *terms)  # one Add: linear in the number of terms

    def parse_term(self) -> sp.Expr:
        start = self.i
        left = self.parse_unary()
        division: tuple[int, int] | None = None  # (index of the last '/', index after its divisor)
        while True:
            if self.at_op("*", "/"):
                op_index = self.i
                op = self.advance()
                right = self.parse_unary()
                if op.text == "*":
                    left = self.build(op, sp.Mul, left, right)
                    division = None
                else:
                    self.note_power_over_number(start, op_index)
                    left = self.divide(op, left, right)
                    division = (op_index, self.i)
            elif self.starts_implicit_factor():
                op = self.tok
                right = self.parse_power()
                if division is not None:
                    self.note_division_then_product(start, *division)
                    division = None
                left = self.build(op, sp.Mul, left, right)
            else:
                return left

    def note_division_then_product(self, start: int, slash: int, factor: int) -> None:
        """``x/2y`` is (x/2)·y by the usual precedence; say so, and what to write for x/(2y)."""
        src, toks = self.source, self.tokens
        written = src[toks[start].pos:toks[self.i - 1].end].strip()
        numerator = src[toks[start].pos:toks[slash].pos].strip()
        divisor = src[toks[slash + 1].pos:toks[factor - 1].end].strip()
        rest = src[toks[factor].pos:toks[self.i - 1].end].strip()
        self.scope.say(f"{written} is read as ({numerator}/{divisor})·{rest}: / and implicit multiplication bind "
                       f"alike, left to right; if you meant {numerator}/({src[toks[slash + 1].pos:toks[self.i - 1].end].strip()}), "
                       "write the parentheses")

    def note_power_over_number(self, start: int, slash: int) -> None:
        """``x^1/2`` is x¹/2; the reader probably meant x^(1/2)."""
        toks = self.tokens
        if slash - start < 3 or self.i != slash + 2 or toks[slash + 1].kind != "NUM":
            return
        exp_tok, caret = toks[slash - 1], toks[slash - 2]
        if exp_tok.kind == "NUM" and caret.kind == "OP" and caret.text == "^":
            base = self.source[toks[start].pos:caret.pos].strip()
            n, d = exp_tok.text, toks[slash + 1].text
            self.scope.say(f"{base}^{n}/{d} is read as ({base}^{n})/{d}; for the power {n}/{d} write {base}^({n}/{d})")

    def starts_implicit_factor(self) -> bool:
        tok = self.tok
        if tok.kind == "NAME":
            return tok.text not in ("and", "or")  # they join conditions inside piecewise
        if tok.kind == "OP" and tok.text in ("(", "√", "∛"):
            return True
        if tok.kind == "OP" and tok.text == "|":
            return self.bars == 0  # inside |…| a bar in operator position closes
        if tok.kind == "NUM":
            prev = self.tokens[self.i - 1]
            if prev.kind == "OP" and prev.text in (")", "]"):
                return True  # (3x^2 y^2 + cos(x)) 4cos(4t): a number after a closing bracket multiplies
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
        start = self.tok
        base = self.parse_atom()
        if self.at_op("!"):
            base = self.factorial(start, self.advance(), base)
        if self.tok.kind == "SUP":
            sup = self.advance()
            return self.power(sup, base, sp.Integer(int(sup.text)))
        if self.at_op("^"):
            op = self.advance()
            self.enter(op)
            exponent_start = self.tok
            exponent = self.parse_unary()  # right-associative: x^y^z = x^(y^z); x^-1 works
            self.leave()
            if base is sp.E and exponent_start.kind == "NUM" and self.tok.kind == "NAME" and \
                    self.tokens[self.i - 1] is exponent_start:
                self.scope.say(f"e^{exponent_start.text}{self.tok.text} is read as e^{exponent_start.text}·"
                               f"{self.tok.text}; for e to the power {exponent_start.text}{self.tok.text} write "
                               f"e^({exponent_start.text}{self.tok.text})")
            return self.power(op, base, exponent)
        return base

    def parse_atom(self) -> sp.Expr:
        tok = self.tok
        if tok.kind == "NUM":
            self.advance()
            return self.number(tok)
        if tok.kind == "NAME":
            self.advance()
            if tok.text in FUNCTIONS or tok.text == "piecewise":
                return self.call(tok)
            declared = self.scope.inputs is not None and tok.text in self.scope.inputs
            if self.at_op("(") and tok.text not in CONSTANTS and not declared:
                if len(tok.text) == 1 and not self.scope.constants_only and self.scope.inputs is None:
                    self.scope.say(f"{tok.text}(…) is read as {tok.text}·(…), a product: jac has no function "
                                   f"named {tok.text}")
                    return self.name(tok)  # x(y + 1): a one-letter name times a bracket
                return self.call(tok)  # an unknown function: a clear error
            return self.name(tok)
        if self.at_op("("):
            self.advance()
            self.enter(tok)
            saved_bars, self.bars = self.bars, 0
            inner = self.parse_sum()
            self.bars = saved_bars
            self.leave()
            if self.at_op(","):
                raise self.error("a list in parentheses is not a value here",
                                 hint="components of a function are separated by commas at the top level: "
                                      "x^2 + y, 2*x*y (or (x^2 + y, 2*x*y) for the whole function)")
            self.expect(")", f"')' to close the '(' at column {tok.pos + 1}")
            return inner
        if self.at_op("|"):
            return self.absolute(tok)
        if self.at_op("√", "∛"):
            self.advance()
            self.enter(tok)
            operand = self.parse_unary_root_operand()
            self.leave()
            if tok.text == "√":
                self.record_conditions("sqrt", [operand])
                return self.build(tok, sp.sqrt, operand)
            return self.build(tok, jf.cbrt, operand)
        if tok.kind == "END":
            raise self.error("expected a number, a name or '(' but the expression ended",
                             hint="the expression is incomplete")
        if tok.kind == "SUP":
            raise self.error("a superscript needs something before it, like x²")
        if tok.text in (")", "]"):
            raise self.error(f"unexpected {tok.text!r}: no matching opening bracket")
        if tok.text == ",":
            raise self.error("unexpected ',': an expression is missing before it")
        if tok.text == "!":
            raise self.error("'!' is a factorial and needs a whole number before it, like 5!")
        if tok.text == "->":
            raise self.error("unexpected '->'", hint="declare the inputs at the start: (r, theta) -> (r cos(theta), "
                                                     "r sin(theta))")
        raise self.error(f"expected a number, a name or '(', found {tok.text!r}")

    def parse_unary_root_operand(self) -> sp.Expr:
        """What √ applies to: one factor (√2, √x, √(u+1), √x² = √(x²))."""
        if self.at_op("-", "+"):
            return self.parse_unary()
        return self.parse_power()

    def absolute(self, tok: Token) -> sp.Expr:
        """``|x - y|`` → abs(x - y)."""
        self.advance()
        self.enter(tok)
        self.bars += 1
        inner = self.parse_sum()
        self.bars -= 1
        self.leave()
        if not self.at_op("|"):
            raise self.error(f"expected '|' to close the '|' at column {tok.pos + 1}, found "
                             f"{self._describe(self.tok)}", hint="write |x| or abs(x)")
        self.advance()
        self.record_conditions("abs", [inner])
        return self.build(tok, sp.Abs, inner)

    def factorial(self, start: Token, bang: Token, value: sp.Expr) -> sp.Expr:
        if not (value.is_Integer and value >= 0) or start.kind != "NUM":
            raise self.error("'!' applies to a whole number written as digits, like 5!", bang,
                             hint="factorials of expressions (the gamma function) are not part of jac's language")
        if value > MAX_FACTORIAL:
            raise self.error(f"{value}! has more than 2,500 digits; jac computes n! up to n = {MAX_FACTORIAL}", bang)
        return sp.factorial(value)

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
                singles = [n for n in self.scope.all_names if len(n) == 1]
                parts = letter_product(text, singles) if all(
                    len(n) == 1 or letter_product(n, singles) for n in self.scope.all_names) else None
                if parts and all(p in self.scope.all_names or p == "e" for p in parts):
                    return self.product_of_letters(tok, parts)
                parts = _split_into(text, sorted(self.scope.all_names)) if len(text) > 1 and \
                    text not in GREEK_NAMES else None
                if parts:
                    raise self.error(f"{text!r} reads as one name, but {', '.join(dict.fromkeys(parts))} "
                                     "appear on their own too", tok,
                                     hint=f"write {'*'.join(parts)} to multiply, or declare the inputs "
                                          f"with {option('vars')} (e.g. {option('vars')} {text},...) to keep {text!r} as one name")
                self.scope.note(text)
            return self.scope.symbol(text)
        inputs = self.scope.inputs or ()
        if inputs and all(len(v) == 1 for v in inputs) and not self.scope.constants_only:
            parts = letter_product(text, inputs)
            if parts:
                return self.product_of_letters(tok, parts)
        raise self.unknown_name(tok)

    def product_of_letters(self, tok: Token, parts: list[str]) -> sp.Expr:
        """``uv`` with one-letter inputs u, v: their product (what textbooks mean), said in a note.
        A power binds to the last letter only: ``xe^x`` is x·e^x."""
        self.scope.say(f"{tok.text} is read as {'·'.join(parts)} (every input is a single letter); "
                       f"names are split only then")
        factors = []
        for p in parts:
            if p == "e" and (self.scope.inputs is None or "e" not in self.scope.inputs) and \
                    not (self.scope.inputs is None and "e" in self.scope.found):
                factors.append(sp.E)
            else:
                self.scope.note(p)
                factors.append(self.scope.symbol(p))
        if self.tok.kind == "SUP":
            sup = self.advance()
            factors[-1] = self.power(sup, factors[-1], sp.Integer(int(sup.text)))
        elif self.at_op("^"):
            op = self.advance()
            self.enter(op)
            factors[-1] = self.power(op, factors[-1], self.parse_unary())
            self.leave()
        return self.build(tok, sp.Mul, *factors)

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
                              hint=f"did you mean {'*'.join(parts)}? Names are split into letters only when every "
                                   f"input is a single letter; write the product with * or a space "
                                   f"({' '.join(parts)})")
        import difflib  # only to suggest a name

        close = difflib.get_close_matches(text, list(inputs) + sorted(RESERVED - {"and", "or"}), n=3, cutoff=0.6)
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
            import difflib  # only to suggest a name

            close = difflib.get_close_matches(name, sorted(FUNCTIONS), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            hint += "jac's functions: " + " ".join(sorted(FUNCTIONS)) + f"; to multiply, write {name}*(...)"
            raise self.error(f"unknown function {name!r}", tok, hint=hint)
        power, name = self.function_power(tok, name)
        info = FUNCTIONS[name]
        if self.at_op("("):
            args = self.arguments(tok, name)
        else:
            args = [self.bare_argument(tok, name)]
        count_ok = len(args) >= info.min_args and (info.max_args is None or len(args) <= info.max_args)
        if not count_ok:
            raise self.error(f"{name} takes {_arity_text(info)}, got {len(args)}", tok,
                             hint=f"usage: {info.usage}")
        self.record_conditions(name, args)
        value = self.build(tok, info.build, *args)
        return self.power(tok, value, sp.Integer(power)) if power != 1 else value

    def function_power(self, tok: Token, name: str) -> tuple[int, str]:
        """``sin^2``, ``sin²`` (a power of the value) and ``sin^-1``, ``sin⁻¹`` (the inverse function)."""
        if self.tok.kind == "SUP":
            sup = self.advance()
            text, where = sup.text, sup
        elif self.at_op("^"):
            caret = self.advance()
            where = caret
            if self.at_op("("):  # sin^(2)(x), sin^(-1)(x)
                self.advance()
                text = self.signed_integer_text(name, caret)
                self.expect(")", "')' to close the function's exponent")
            else:
                text = self.signed_integer_text(name, caret)
        else:
            return 1, name
        value = int(text)
        if value == -1:
            if name not in INVERSES:
                raise self.error(f"{name}^-1 is ambiguous: the inverse function or 1/{name}?", where,
                                 hint=f"write 1/{name}(x) for the reciprocal" +
                                      (", exp(x) for the inverse of ln" if name in ("ln", "log") else ""))
            return 1, INVERSES[name]
        if value < 1:
            raise self.error(f"{name}^{value} is ambiguous", where,
                             hint=f"write ({name}(x))^{value} for a power of the value, or 1/{name}(x)^{-value}")
        return value, name

    def signed_integer_text(self, name: str, caret: Token) -> str:
        sign = ""
        if self.at_op("-", "+"):
            sign = "-" if self.advance().text == "-" else ""
        if self.tok.kind != "NUM" or not self.tok.text.isdigit():
            raise self.error(f"a power of a function is a whole number: {name}^2(x) is (sin x)², "
                             f"{name}^-1(x) the inverse", caret,
                             hint=f"for other powers write the value in parentheses: ({name}(x))^(1/2)")
        return sign + self.advance().text

    def arguments(self, tok: Token, name: str) -> list[sp.Expr]:
        open_tok = self.advance()
        self.enter(open_tok)
        saved_bars, self.bars = self.bars, 0
        args: list[sp.Expr] = []
        if not self.at_op(")"):
            args.append(self.parse_sum())
            while self.at_op(","):
                self.advance()
                args.append(self.parse_sum())
        self.bars = saved_bars
        self.leave()
        self.expect(")", f"',' or ')' to close {name}( at column {open_tok.pos + 1}")
        return args

    def bare_argument(self, tok: Token, name: str) -> sp.Expr:
        """``sin 2x``: the factors written next to the function without an operator, up to
        the next + - * / , closing bracket or function name (``sin x cos y`` = sin(x)·cos(y))."""
        info = FUNCTIONS[name]
        if info.min_args > 1:
            raise self.error(f"{name} takes {_arity_text(info)}: write them in parentheses", self.tok,
                             hint=f"usage: {info.usage}")
        start = self.tok
        if start.kind == "END" or (start.kind == "OP" and start.text not in ("-", "+", "(", "|", "√", "∛")):
            raise self.error(f"expected the argument of {name}", start,
                             hint=f"write {name}(x) or {name} x")
        self.enter(tok)
        if self.at_op("-", "+"):
            value = self.parse_unary()
        else:
            value = self.parse_power()
        while self.starts_implicit_factor() and not self.at_function():
            op = self.tok
            value = self.build(op, sp.Mul, value, self.parse_power())
        self.leave()
        return value

    def at_function(self) -> bool:
        return self.tok.kind == "NAME" and (self.tok.text in FUNCTIONS or self.tok.text == "piecewise")

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
                self.scope.condition("domain", (arg,), name, ">0")
        elif name in ("abs", "sign", "relu", "step", "sgn"):
            self.scope.condition("kink", (args[0],), name)
        elif name in ("min", "max"):
            self.scope.condition("tie", tuple(args), name)
        elif name == "atan2":
            self.scope.condition("domain", (args[0] ** 2 + args[1] ** 2,), name, "!=0")
            # its branch cut: the angle jumps from π to −π across y = 0 where x < 0
            self.scope.condition("cut", (args[0], args[1]), name)
        elif name in DOMAIN_NEEDS:
            self.scope.condition("domain", (args[0],), name, DOMAIN_NEEDS[name])

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
        if not result.free_symbols and result.is_number and result.is_extended_real is False \
                and not self.scope.constants_only:
            raise self.error(f"this is not a real number ({result}): jac's functions are real", tok,
                             hint="check the argument: e.g. sqrt and log need non-negative/positive values")
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
        if base.is_zero and exponent.free_symbols:
            # 0^y is 0 for y > 0 and undefined otherwise: its derivative is 0 where it exists
            self.scope.condition("domain", (exponent,), "0^y", ">0")
            return sp.S.Zero
        if exponent.free_symbols and base.is_number and base.is_extended_negative:
            raise self.error("a negative number to a variable power is not a real function", tok,
                             hint="write the base as a positive number, e.g. (-2)^x = (-1)^x·2^x is complex")
        if exponent.is_number and exponent.is_extended_negative:
            self.scope.condition("division", (base,), "^")
        if exponent.free_symbols:
            self.scope.condition("domain", (base,), "^", ">0")  # b^y = exp(y·log b)
        elif exponent.is_number and not _integer_valued(exponent):
            self.scope.condition("domain", (base,), "^", ">=0")  # x^(1/2), x^0.5: sympy's principal root
        return self.build(tok, sp.Pow, base, exponent)


def _integer_valued(value: sp.Expr) -> bool:
    if value.is_Integer:
        return True
    if value.is_Float:
        return float(value).is_integer()
    return bool(value.is_integer)


def piecewise_of(pairs: Sequence[tuple[Any, Any]], scope: Scope) -> sp.Expr:
    """``Piecewise`` from (value, condition) pairs, the last condition True. What the
    cases recorded applies only where their case holds, so the scope keeps just the
    boundaries, where the analysis at a point (smoothness.analyse) decides from the
    function itself."""
    pairs = [(value, sp.true if condition is True else condition) for value, condition in pairs]
    for _, condition in pairs:
        if condition is sp.true:
            continue
        for rel in condition.atoms(sp.core.relational.Relational):
            scope.condition("boundary", (rel.lhs - rel.rhs,), "piecewise")
    return sp.Piecewise(*pairs)


def parse_condition(source: str, inputs: Sequence[str] | None, scope: Scope) -> sp.Basic:
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

def parse(source: str, inputs: Sequence[str] | None = None, scope: Scope | None = None,
          tokens: list[Token] | None = None) -> sp.Expr:
    """Parse one expression. ``inputs``: the names it may use (None: any)."""
    scope = scope or Scope(inputs)
    parser = _Parser(source, scope, tokens)
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
        return parser.error("unexpected '='", hint="name an output at the start of a component (w = x^2 y); "
                                                   "an equation F = 0 belongs to jac implicit")
    if tok.text == ";":
        return parser.error("unexpected ';'", hint="';' separates the rows of a matrix answer only")
    if tok.text == "->":
        return parser.error("unexpected '->'", hint="declare the inputs at the start: (r, theta) -> (…)")
    if tok.text == "|":
        return parser.error("unexpected '|': no matching opening bar", hint="write |x - y| or abs(x - y)")
    if tok.text in _RELATIONS:
        return parser.error(f"unexpected {tok.text!r}", hint="comparisons belong inside piecewise(cond, value, …, "
                                                              "otherwise)")
    return parser.error(f"expected an operator or the end, found {parser._describe(tok)}")
