"""LaTeX in: a translator from the LaTeX people paste from textbooks and web pages
into jac's token stream, which the same grammar then parses. Nothing is evaluated,
the work is linear in the input, and every token keeps its column in the LaTeX
source, so errors point at the LaTeX the user wrote.

Read: fractions (``\\frac{a}{b}``, ``\\frac12``, ``\\dfrac``, ``\\tfrac``, ``\\cfrac``), roots
(``\\sqrt{x}``, ``\\sqrt u``, ``\\sqrt[3]{x}``), powers and subscripts (``x^{…}``, ``x_1``,
``\\theta_{12}``), braces as grouping, ``\\left( … \\right)`` and friends, ``|x|``,
``\\cdot \\times \\div``, functions with or without parentheses and with powers
(``\\sin^2 x``, ``\\sin^{-1}(x)``, ``\\log_2 x``, ``\\operatorname{sech}``), Greek letters
as names, ``\\mathrm{e}``; matrices: ``bmatrix pmatrix vmatrix Bmatrix matrix array``
(also inside ``\\left[ … \\right]``, ``\\left( … \\right)``, ``\\left| … \\right|``),
plain TeX ``\\matrix{a & b \\cr c & d}`` and ``\\pmatrix{…}``; spacing (``\\, \\; \\quad
\\hspace{…}``), ``\\displaystyle``, ``\\boxed{…}``, ``\\bbox[…]{…}``, ``\\require{…}``.
Implicit products: ``2xy`` is 2·x·y (in LaTeX a letter is a name).
"""

from __future__ import annotations

import re
from typing import Sequence

from ..core.errors import ParseError
from ..core.limits import MAX_LENGTH
from . import grammar
from .tokens import GREEK, Token
from .tokens import normalize as tokens_normalize

_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot", "cosec": "csc",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsec": "asec", "arccsc": "acsc", "arccot": "acot",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "coth": "coth", "sech": "sech", "csch": "csch",
    "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "arsinh": "asinh", "arcosh": "acosh",
    "artanh": "atanh", "exp": "exp", "ln": "ln", "log": "log", "lg": "log10", "max": "max", "min": "min",
    "sgn": "sign", "erf": "erf",
}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi",
    "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega",
}
_SPACING = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "limits",
            "nolimits", "enspace", "thinspace", "medspace", "thickspace", "negthinspace"}
_SIZED = {"hspace", "vspace", "kern", "mkern", "hskip", "mskip", "phantom", "hphantom", "vphantom"}
_WRAPPERS = {"boxed", "fbox", "displaystyle", "mathbf", "boldsymbol", "bm"}
_NAMES = {"operatorname", "operatorname*", "mathrm", "text", "textrm", "mathit", "mathsf", "mathbf", "boldsymbol",
          "bm", "textit"}
_MATRIX_ENVS = {"bmatrix", "pmatrix", "matrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"}
_TIMES = {"cdot": "*", "times": "*", "div": "/", "ast": "*", "cdotp": "*"}
_RELATIONS = {"leq": "<=", "le": "<=", "geq": ">=", "ge": ">=", "neq": "!=", "ne": "!=", "lt": "<", "gt": ">",
              "leqslant": "<=", "geqslant": ">="}
_OPENERS = {"(": ")", "[": "]", "{": "}", "|": "|", "\\{": "\\}", "\\|": "\\|", "\\lvert": "\\rvert",
            "\\vert": "\\vert", ".": "."}
_UNSUPPORTED = {
    "int": "integrals are not part of jac's language: give the function itself",
    "sum": "sums with \\sum are not part of jac's language: write the terms out",
    "prod": "products with \\prod are not part of jac's language: write the factors out",
    "lim": "limits are not part of jac's language",
    "partial": "∂ labels belong on the left of '=': jac reads the value on the right (∂z/∂x = 2x)",
    "nabla": "∇ labels belong on the left of '=': jac reads the value on the right",
    "pm": "± gives two values: write one of them",
    "mp": "∓ gives two values: write one of them",
    "infty": "infinity is not a value jac accepts",
    "det": "\\det is a label: write the determinant's value (jac reads '\\det J = r^2 \\sin\\phi' as r^2 sin φ)",
}


def _digit(ch: str) -> bool:
    return len(ch) == 1 and "0" <= ch <= "9"


def looks_like_latex(text: str) -> bool:
    """A backslash, a brace group (braces are not part of the text language: e^{x}), or math pasted with its
    $…$ delimiters."""
    return "\\" in text or "{" in text or text.count("$") >= 2


# ---------------------------------------------------------------------------
# Characters from the web: one character in, one out (columns stay right)

normalize = tokens_normalize


# ---------------------------------------------------------------------------
# The translator

class _Latex:
    def __init__(self, source: str, start: int = 0, end: int | None = None):
        if len(source) > MAX_LENGTH:
            raise ParseError(f"LaTeX is {len(source):,} characters long; the limit is {MAX_LENGTH:,}",
                             source, MAX_LENGTH)
        self.src = source
        self.text = normalize(source)
        self.i = start
        self.end = len(source) if end is None else end
        self.depth = 0

    # -- helpers
    def error(self, message: str, pos: int | None = None, width: int = 1, hint: str | None = None) -> ParseError:
        return ParseError(message, self.src, self.i if pos is None else pos, width, hint=hint)

    def skip_space(self) -> None:
        while self.i < self.end and self.text[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.i] if self.i < self.end else ""

    def command_name(self) -> tuple[str, int]:
        """At a backslash: read ``\\name`` (letters, and a trailing * for starred forms) or a one-character command."""
        start = self.i
        self.i += 1
        m = re.compile(r"[A-Za-z]+\*?").match(self.text, self.i, self.end)
        if m:
            self.i = m.end()
            return m.group(), start
        if self.i < self.end:
            self.i += 1
            return self.text[self.i - 1], start
        raise self.error("a lone backslash at the end", start)

    def peek_command(self) -> str | None:
        self.skip_space()
        if not self.text.startswith("\\", self.i) or self.i >= self.end:
            return None
        m = re.compile(r"\\([A-Za-z]+\*?|.)").match(self.text, self.i, self.end)
        return m.group(1) if m else None

    @staticmethod
    def op(text: str, pos: int, end: int | None = None) -> Token:
        return Token("OP", text, pos, end if end is not None else pos + 1)

    def raw_group(self) -> tuple[int, int]:
        """Skip a ``{…}`` (nested braces) without reading it; its inner span."""
        if self.peek() != "{":
            raise self.error("expected '{'")
        start = self.i + 1
        depth = 0
        while self.i < self.end:
            ch = self.text[self.i]
            if ch == "\\":
                self.i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return start, self.i - 1
            self.i += 1
        raise self.error("expected '}' to close the '{'", start - 1)

    def raw_bracket(self) -> None:
        """Skip an optional ``[…]`` argument (\\bbox[2pt]{…})."""
        if self.peek() == "[":
            close = self.text.find("]", self.i, self.end)
            if close == -1:
                raise self.error("expected ']'")
            self.i = close + 1

    # -- structure
    def group(self) -> list[Token]:
        """``{ … }`` as parenthesised tokens."""
        if self.peek() != "{":
            raise self.error("expected '{'", hint="LaTeX arguments go in braces, e.g. \\frac{a}{b}")
        start, inner = self.enclosed("}")
        return [self.op("(", start)] + inner + [self.op(")", self.i - 1)]

    def group_or_one(self) -> list[Token]:
        """A braced argument, or one character or command (\\frac12, \\sqrt2, \\sqrt x)."""
        ch = self.peek()
        if ch == "{":
            return self.group()
        if not ch:
            raise self.error("expected an argument, but the LaTeX ended")
        pos = self.i
        if _digit(ch):
            self.i += 1
            return [Token("NUM", ch, pos, self.i)]
        if ch.isalpha():
            self.i += 1
            return [Token("NAME", ch, pos, self.i)]
        if ch == "\\":
            items = self.command()
            return [self.op("(", pos)] + items + [self.op(")", self.i - 1)]
        raise self.error("expected an argument in braces", hint="write it in braces: \\frac{a}{b}, \\sqrt{x}")

    def enclosed(self, closer: str) -> tuple[int, list[Token]]:
        """At an opening character: the items up to ``closer`` (consumed), and where it opened."""
        start = self.i
        opener = self.text[start]
        self.i += 1
        self.enter(start)
        inner = self.sequence(stop=closer)
        self.leave()
        if self.peek() != closer:
            raise self.error(f"expected {closer!r} to close the {opener!r} at column {start + 1}")
        self.i += 1
        return start, inner

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > grammar.MAX_DEPTH:
            raise self.error(f"LaTeX is nested more than {grammar.MAX_DEPTH} levels deep", pos)

    def leave(self) -> None:
        self.depth -= 1

    def sequence(self, stop: str = "", stop_commands: Sequence[str] = ()) -> list[Token]:
        """Items up to a stop character (not consumed), a stop command, or the end."""
        tokens: list[Token] = []
        while True:
            ch = self.peek()
            if not ch or (stop and ch in stop):
                return tokens
            cmd = self.peek_command()
            if cmd is not None and cmd in stop_commands:
                return tokens
            tokens.extend(self.item())

    def item(self) -> list[Token]:
        ch = self.peek()
        pos = self.i
        if _digit(ch) or (ch == "." and _digit(self.text[self.i + 1:self.i + 2])):
            m = re.compile(r"[0-9]*\.?[0-9]+|[0-9]+\.?").match(self.text, self.i, self.end)
            assert m is not None
            self.i = m.end()
            return [Token("NUM", m.group().rstrip("."), pos, self.i)]
        if ch in GREEK or ch == "π":
            self.i += 1
            return [self.subscripted(GREEK.get(ch, "pi"), pos)]
        if ch.isalpha():
            self.i += 1
            return [self.subscripted(ch, pos)]
        if ch == "{":
            return self.group()
        if ch == "^":
            self.i += 1
            tokens = [self.op("^", pos)] + self.argument()
            if _digit(self.peek()):  # x^23 is x^2 · 3 in LaTeX
                tokens.append(self.op("*", self.i, self.i))
            return tokens
        if ch == "_":
            raise self.error("a subscript needs a letter before it, like x_1")
        if ch in "+-*/(),=<>!":
            self.i += 1
            return [self.op(ch, pos)]
        if ch in "−·×÷":
            self.i += 1
            return [self.op({"−": "-", "·": "*", "×": "*", "÷": "/"}[ch], pos)]
        if ch == "[":
            self.i += 1
            return [self.op("(", pos)]
        if ch == "]":
            self.i += 1
            return [self.op(")", pos)]
        if ch == "|":
            return self.bars()
        if ch == "\\":
            return self.command()
        if ch == "&":
            raise self.error("'&' separates matrix columns; it is only allowed inside \\begin{bmatrix} … \\end{bmatrix}")
        if ch == "'":
            raise self.error("primes (f') are not part of jac's language", hint="write the function itself")
        raise self.error(f"unexpected character {ch!r} in LaTeX")

    def subscripted(self, letter: str, pos: int) -> Token:
        """``x``, ``x_1``, ``x_{12}``, ``\\theta_1`` → NAME x, x1, x12, theta1."""
        name = letter
        if self.text.startswith("_", self.i):
            self.i += 1
            if self.text.startswith("{", self.i):
                close = self.text.find("}", self.i, self.end)
                if close == -1:
                    raise self.error("expected '}' to close the subscript")
                sub = self.text[self.i + 1:close].replace(" ", "")
                self.i = close + 1
            else:
                sub = self.text[self.i:self.i + 1]
                self.i += 1
            if not re.fullmatch(r"[A-Za-z0-9]+", sub):
                raise self.error(f"subscript {sub!r} must be letters or digits, like x_1 or x_{{12}}", pos)
            name += sub
        return Token("NAME", name, pos, self.i)

    def argument(self) -> list[Token]:
        """The argument of ^: a group or one item."""
        ch = self.peek()
        if ch == "{":
            return self.group()
        if not ch:
            raise self.error("expected an argument, but the LaTeX ended")
        if _digit(ch):  # x^23 in LaTeX is x^2 · 3: one digit only
            pos = self.i
            self.i += 1
            return [Token("NUM", ch, pos, self.i)]
        if ch == "-":  # e^-x: a sign and its operand
            pos = self.i
            self.i += 1
            return [self.op("(", pos), self.op("-", pos)] + self.argument() + [self.op(")", self.i - 1)]
        return self.item()

    def bars(self) -> list[Token]:
        """``|x|`` → abs(x)."""
        start, inner = self.enclosed("|")
        return [Token("NAME", "abs", start, start + 1), self.op("(", start)] + inner + [self.op(")", self.i - 1)]

    def command(self) -> list[Token]:
        name, pos = self.command_name()
        end = self.i
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num = self.group_or_one()
            den = self.group_or_one()
            return [self.op("(", pos)] + num + [self.op("/", pos, end)] + den + [self.op(")", self.i - 1)]
        if name == "sqrt":
            return self.sqrt(pos, end)
        if name in _TIMES:
            return [self.op(_TIMES[name], pos, end)]
        if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "bigg", "Bigg", "biggl", "biggr",
                    "Biggl", "Biggr", "middle"):
            return self.delimiter(name, pos)
        if name in _FUNCTIONS:
            return self.function(_FUNCTIONS[name], pos, end)
        if name in _NAMES:
            return self.named(pos, name)
        if name in ("boxed", "fbox", "bbox", "color", "textcolor", "cancel", "underbrace", "overbrace"):
            return self.wrapped(name)
        if name == "require":
            self.raw_group()
            return []
        if name in _SIZED:
            self.raw_group()
            return []
        if name == "pi":
            return [Token("NAME", "pi", pos, end)]
        if name in _GREEK:
            base = name.replace("var", "") if name != "varpi" else "pi"
            return [self.subscripted(base, pos)]
        if name in _SPACING:
            return []
        if name in ("{", "}"):
            return [self.op("(" if name == "{" else ")", pos, end)]
        if name in ("|", "vert", "lvert", "rvert"):
            return [self.op("|", pos, end)]
        if name == "begin":
            if re.compile(r"\s*\{cases\}").match(self.text, self.i):
                return self.cases(pos)
            raise self.error("a matrix environment is only allowed around the whole input (or inside \\left[ … "
                             "\\right])", pos, end - pos)
        if name in _RELATIONS:
            return [self.op(_RELATIONS[name], pos, end)]
        if name in ("wedge", "land"):
            return [Token("NAME", "and", pos, end)]
        if name in ("vee", "lor"):
            return [Token("NAME", "or", pos, end)]
        if name in ("\\", "cr"):
            raise self.error("'\\\\' separates matrix rows; it is only allowed inside \\begin{bmatrix} … \\end{bmatrix}",
                             pos, 2)
        if name in ("matrix", "pmatrix", "bmatrix"):
            raise self.error(f"\\{name}{{…}} is only allowed around the whole input", pos, end - pos)
        if name in _UNSUPPORTED:
            return self.unsupported(name, pos, end)
        raise self.error(f"unknown LaTeX command \\{name}", pos, end - pos,
                         hint="jac reads \\frac \\sqrt \\cdot \\times \\left \\right \\sin \\exp \\ln \\pi, "
                              "Greek letters and matrices (\\begin{bmatrix}, \\begin{array}, \\pmatrix{…})")

    def cases(self, pos: int) -> list[Token]:
        """``\\begin{cases} v & \\text{for}\\: c \\\\ w & \\text{otherwise} \\end{cases}`` → piecewise(c, v, w)."""
        self.i = self.text.index("}", self.i) + 1
        rows = self.cells(stop="", row_commands=("\\", "cr"), end_command="cases")
        rows = [row for row in rows if any(row)]
        out = [Token("NAME", "piecewise", pos, pos + 6), self.op("(", pos)]
        for k, row in enumerate(rows):
            value = row[0]
            condition = row[1] if len(row) > 1 else []
            last = k == len(rows) - 1
            if last and not condition:
                out += value
            elif condition:
                out += condition + [self.op(",", pos)] + value + ([] if last else [self.op(",", pos)])
            else:
                raise self.error("each case but the last needs a condition after '&'", pos)
        if rows and len(rows[-1]) > 1 and rows[-1][1]:
            raise self.error("the last case must hold otherwise (\\text{otherwise})", pos)
        return out + [self.op(")", self.i - 1)]

    def unsupported(self, name: str, pos: int, end: int) -> list[Token]:
        raise self.error(f"\\{name} is not part of jac's language", pos, end - pos, hint=_UNSUPPORTED[name])

    def wrapped(self, name: str) -> list[Token]:
        """``\\boxed{X}``, ``\\bbox[…]{X}``, ``\\color{red}{X}``: X."""
        if name == "bbox":
            self.raw_bracket()
        if name in ("color", "textcolor"):
            self.raw_group()
            if self.peek() != "{":
                return []  # \color{red} x: a switch, the rest follows
        return self.group()

    def sqrt(self, pos: int, end: int) -> list[Token]:
        if self.peek() == "[":
            close = self.text.find("]", self.i, self.end)
            if close == -1:
                raise self.error("expected ']' after the root's index")
            index_pos = self.i + 1
            index = self.text[index_pos:close].strip()
            self.i = close + 1
            body = self.group_or_one()
            if index == "3":
                return [Token("NAME", "cbrt", pos, end), self.op("(", pos)] + body + [self.op(")", self.i - 1)]
            if not re.fullmatch(r"[0-9]+", index) or index == "0":
                raise self.error(f"root index {index!r} must be a positive integer", index_pos)
            return [self.op("(", pos)] + body + [self.op(")", pos), self.op("^", pos, end), self.op("(", pos),
                                                   Token("NUM", "1", index_pos, close), self.op("/", pos),
                                                   Token("NUM", index, index_pos, close), self.op(")", close)]
        return [Token("NAME", "sqrt", pos, end), self.op("(", pos)] + self.group_or_one() + [self.op(")", self.i - 1)]

    def delimiter(self, name: str, pos: int) -> list[Token]:
        self.skip_space()
        if self.text.startswith(("\\{", "\\}", "\\|"), self.i):
            ch = self.text[self.i:self.i + 2]
            self.i += 2
        elif self.text.startswith(("\\lvert", "\\rvert", "\\vert"), self.i):
            m = re.compile(r"\\[a-z]+").match(self.text, self.i)
            assert m is not None
            ch = "|"
            self.i = m.end()
        else:
            ch = self.text[self.i:self.i + 1]
            self.i += 1
        if ch in ("(", "[", "{", "\\{"):
            return [self.op("(", pos, self.i)]
        if ch in (")", "]", "}", "\\}"):
            return [self.op(")", pos, self.i)]
        if ch == "|":
            if name.startswith(("left", "bigl", "Bigl", "biggl", "Biggl")):
                return [Token("NAME", "abs", pos, self.i), self.op("(", pos, self.i)]
            return [self.op(")", pos, self.i)]
        if ch == ".":
            return []
        if ch == "\\|":
            raise self.error("norms \\| … \\| are not supported", pos, hint="write sqrt(x^2 + y^2) for the norm")
        raise self.error(f"unexpected delimiter {ch!r} after \\{name}", pos)

    def function(self, fname: str, pos: int, end: int) -> list[Token]:
        """A function; the grammar reads its power (``\\sin^2``, ``\\sin^{-1}``) and its argument,
        with or without parentheses (``\\sin 2x`` is sin(2x), ``\\sin x \\cos y`` two factors)."""
        if fname == "log" and self.text.startswith("_", self.i):
            self.i += 1
            base_pos = self.i
            if self.text.startswith("{", self.i):
                close = self.text.find("}", self.i, self.end)
                if close == -1:
                    raise self.error("expected '}' to close the base of \\log")
                base, self.i = self.text[self.i + 1:close].strip(), close + 1
            else:
                base, self.i = self.text[self.i:self.i + 1], self.i + 1
            named = {"2": "log2", "10": "log10", "e": "ln"}.get(base)
            if named is None:
                raise self.error(f"\\log_{{{base}}}: jac has log2, log10 and ln", base_pos,
                                 hint=f"write \\log(x)/\\log({base}) for another base")
            fname = named
        return [Token("NAME", fname, pos, end)]

    def named(self, pos: int, command: str) -> list[Token]:
        if self.peek() != "{":
            raise self.error(f"expected '{{' after \\{command}")
        close = self.text.find("}", self.i, self.end)
        if close == -1:
            raise self.error("expected '}'")
        name_pos = self.i + 1
        name = self.text[name_pos:close].strip()
        self.i = close + 1
        if command in ("text", "textrm", "textit"):
            return []  # words in \text{…} (for, and, where): not math
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) and name not in GREEK:
            raise self.error(f"{name!r} is not a name", name_pos)
        name = GREEK.get(name, name)
        if name in _FUNCTIONS:
            return self.function(_FUNCTIONS[name], name_pos, close)
        return [self.subscripted(name, name_pos) if self.text.startswith("_", self.i) else
                Token("NAME", name, name_pos, close)]

    # -- matrices
    def matrix_rows(self) -> tuple[list[list[list[Token]]], int] | None:
        """A matrix at the start: ``\\begin{bmatrix} … \\end{bmatrix}``, ``\\begin{array}{cc} … \\end{array}``,
        either inside ``\\left[ … \\right]`` (or ``(`` ``|``) and optional braces, or plain TeX
        ``\\matrix{a & b \\cr c & d}`` / ``\\pmatrix{…}`` → rows of cells of tokens (None if no matrix)."""
        self.skip_space()
        save = self.i
        closers: list[str] = []
        while True:
            m = re.compile(r"\\(?:left|bigl|Bigl|biggl|Biggl)\s*(\\\{|\\[lv]vert|\\vert|[\[(|{])").match(self.text, self.i)
            if m:
                closers.append(m.group(1))
                self.i = m.end()
                continue
            if self.peek() == "{":
                closers.append("{")
                self.i += 1
                continue
            break
        self.skip_space()
        start = self.i
        m = re.compile(r"\\begin\s*\{(\w+\*?)\}").match(self.text, self.i)
        plain = re.compile(r"\\(matrix|pmatrix|bmatrix)\s*\{").match(self.text, self.i)
        if m and m.group(1) == "cases":
            m = None  # a piecewise value: an expression, not a matrix
        if not m and not plain:
            self.i = save
            return None
        if plain:  # \pmatrix{…}
            self.i = plain.end()
            rows = self.cells(stop="}", row_commands=("cr", "\\"), end_command=None)
            if self.peek() != "}":
                raise self.error(f"expected '}}' to close \\{plain.group(1)}{{", start)
            self.i += 1
        else:
            assert m is not None
            env = m.group(1)
            if env not in _MATRIX_ENVS:
                raise self.error(f"unsupported environment {env!r}", self.i, m.end() - self.i,
                                 hint="use bmatrix, pmatrix, vmatrix, matrix or array")
            self.i = m.end()
            if env == "array":
                self.raw_group()  # the column specification {cc} or {*{20}{c}}
            rows = self.cells(stop="", row_commands=("\\", "cr"), end_command=env)
        for opener in reversed(closers):
            self.close_delimiter(opener)
        if self.peek() and not self.rest_is_equality():
            raise self.error("unexpected text after the matrix")
        rows = [row for row in rows if any(row)] or rows
        return rows, start

    def rest_is_equality(self) -> bool:
        return self.peek() == "="

    def close_delimiter(self, opener: str) -> None:
        self.skip_space()
        if opener == "{":
            if self.peek() != "}":
                raise self.error("expected '}' after the matrix")
            self.i += 1
            return
        m = re.compile(r"\\(?:right|bigr|Bigr|biggr|Biggr)\s*(\\\}|\\[rv]vert|\\vert|[\])|}])").match(self.text, self.i)
        if not m:
            raise self.error("expected \\right to close the \\left around the matrix")
        self.i = m.end()

    def cells(self, stop: str, row_commands: Sequence[str], end_command: str | None) -> list[list[list[Token]]]:
        rows: list[list[list[Token]]] = [[]]
        stops = tuple(row_commands) + (("end",) if end_command else ())
        while True:
            cell = self.sequence(stop="&" + stop, stop_commands=stops)
            rows[-1].append(cell)
            if self.peek() == "&":
                self.i += 1
                continue
            cmd = self.peek_command()
            if cmd in row_commands:
                self.command_name()
                if self.peek_command() == "end" or (stop and self.peek() == stop):
                    continue  # a trailing \\ before the end
                rows.append([])
                continue
            if end_command and cmd == "end":
                m_end = re.compile(r"\\end\s*\{(\w+\*?)\}").match(self.text, self.i)
                if not m_end or m_end.group(1) != end_command:
                    raise self.error(f"expected \\end{{{end_command}}}", self.i)
                self.i = m_end.end()
                return rows
            if stop and self.peek() == stop:
                return rows
            raise self.error("expected the end of the matrix" + (f" (\\end{{{end_command}}})" if end_command else ""))


def _join(cells: list[list[Token]], sep: str, src: str) -> list[Token]:
    out: list[Token] = []
    for k, cell in enumerate(cells):
        if not cell:
            pos = out[-1].end if out else 0
            raise ParseError("empty matrix entry", src, pos)
        if k:
            out.append(Token("OP", sep, cell[0].pos, cell[0].pos))
        out.extend(cell)
    return out


def _end(tokens: list[Token], source: str) -> list[Token]:
    return tokens + [Token("END", "", len(source), len(source))]


# ---------------------------------------------------------------------------
# What a pasted answer means: the last display, the last side of an equality chain

_DISPLAYS = [(r"\\\[", r"\\\]"), (r"\$\$", r"\$\$"), (r"\\\(", r"\\\)"), (r"\$", r"\$"),
             (r"\\begin\{(?:equation|align|displaymath|gather)\*?\}", r"\\end\{(?:equation|align|displaymath|gather)\*?\}")]


def displays(source: str) -> list[tuple[int, int]]:
    """The spans of ``\\[ … \\]``, ``$$ … $$``, ``\\( … \\)``, ``$ … $`` in the source (the whole text if none)."""
    for opener, closer in _DISPLAYS:
        spans, at = [], 0
        while True:
            m = re.compile(opener).search(source, at)
            if m is None:
                break
            close = re.compile(closer).search(source, m.end())
            if close is None:
                break
            spans.append((m.end(), close.start()))
            at = close.end()
        if spans:
            return spans
    return [(0, len(source))]


def last_side(source: str, start: int, end: int) -> int:
    """Where the value starts in ``lhs = … = value``: after the last '=' outside braces and environments."""
    depth, env, cut, i = 0, 0, start, start
    while i < end:
        ch = source[i]
        if ch == "\\":
            m = re.compile(r"\\(begin|end)\b").match(source, i)
            if m:
                env += 1 if m.group(1) == "begin" else -1
                i = m.end()
                continue
            i += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == "=" and depth == 0 and env == 0 and source[i + 1:i + 2] != "=" and source[i - 1:i] not in "<>!=":
            cut = i + 1
        i += 1
    return cut


def answer_span(source: str, want: str = "matrix") -> tuple[int, int]:
    """The part of a pasted answer that is the answer: the last display that holds a matrix (``want``
    "matrix") or starts with \\det (``want`` "det"), else the last one; then the last side of an
    equality chain in it (``J = \\begin{bmatrix}…\\end{bmatrix}``, ``\\det J = 3u^{3/2}v^2``)."""
    spans = displays(source)
    chosen = spans[-1]
    for s, e in reversed(spans):
        part = source[s:e]
        if (want == "matrix" and re.search(r"\\begin\s*\{(?:[bBpvV]?matrix|smallmatrix|array)\b|"
                                           r"\\(?:p|b)?matrix\s*\{", part)) or \
                (want == "det" and re.match(r"\s*\\det\b", part)):
            chosen = (s, e)
            break
    return last_side(source, *chosen), chosen[1]


def vector_tokens(source: str, start: int = 0, end: int | None = None) -> list[Token]:
    """A SPEC in LaTeX: a column or row matrix of components, or a list of components
    (``x = …, y = …``; between named components spacing such as \\hspace or \\quad is enough).
    Math pasted with its delimiters (``$x = \\rho\\cos\\theta$ and $y = \\rho\\sin\\theta$``): the
    components are what the displays hold; the words between them are left out."""
    spans = displays(source) if start == 0 and end is None else [(start, len(source) if end is None else end)]
    if len(spans) > 1:
        tokens: list[Token] = []
        for s, e in spans:
            if tokens:
                tokens.append(Token("OP", ",", s, s))
            tokens.extend(_named_components(_Latex(source, s, e).sequence(), source))
        return _end(tokens, source)
    start, end = spans[0]
    reader = _Latex(source, start, end)
    found = reader.matrix_rows()
    if found is None:
        tokens = reader.sequence()
        return _end(_named_components(tokens, source), source)
    rows, mstart = found
    if all(len(row) == 1 for row in rows):
        cells = [row[0] for row in rows]
    elif len(rows) == 1:
        cells = rows[0]
    else:
        raise ParseError("a function is a column (or a row) of components, not a matrix", source, mstart)
    body = _join(cells, ",", source)
    return _end([Token("OP", "[", mstart, mstart + 1)] + body + [Token("OP", "]", len(source) - 1, len(source))],
                source)


def _named_components(tokens: list[Token], source: str) -> list[Token]:
    """``x = 4u \\hspace{…} y = u^2`` → ``x = 4u, y = u^2``: a NAME '=' starting a new component
    without a comma before it (spacing separated them on the page) gets one."""
    out: list[Token] = []
    depth = 0
    for k, tok in enumerate(tokens):
        if tok.kind == "OP" and tok.text in "([":
            depth += 1
        elif tok.kind == "OP" and tok.text in ")]":
            depth -= 1
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        starts_component = (depth == 0 and tok.kind == "NAME" and nxt is not None and nxt.kind == "OP"
                            and nxt.text == "=" and out and not (out[-1].kind == "OP" and out[-1].text in (",", "(")))
        if starts_component and any(t.kind == "OP" and t.text == "=" for t in out):
            out.append(Token("OP", ",", tok.pos, tok.pos))
        out.append(tok)
    return out


def matrix_tokens(source: str, start: int = 0, end: int | None = None) -> list[Token]:
    """An ANSWER in LaTeX: ``[[a, b], [c, d]]`` as tokens."""
    reader = _Latex(source, start, end)
    found = reader.matrix_rows()
    if found is None:
        return _end(reader.sequence(), source)
    rows, mstart = found
    width = len(rows[0])
    tokens = [Token("OP", "[", mstart, mstart + 1)]
    for k, row in enumerate(rows):
        if len(row) != width:
            first = row[0][0].pos if row and row[0] else mstart
            raise ParseError(f"row {k + 1} has {len(row)} entries but row 1 has {width}", source, first,
                             hint="every row of a matrix needs the same number of entries")
        if k:
            tokens.append(Token("OP", ",", row[0][0].pos if row[0] else mstart, mstart))
        pos = row[0][0].pos if row[0] else mstart
        tokens.append(Token("OP", "[", pos, pos))
        tokens.extend(_join(row, ",", source))
        tokens.append(Token("OP", "]", tokens[-1].end, tokens[-1].end))
    tokens.append(Token("OP", "]", len(source) - 1, len(source)))
    return _end(tokens, source)


def expression_tokens(source: str, start: int = 0, end: int | None = None) -> list[Token]:
    """One expression in LaTeX (a determinant's value)."""
    return _end(_Latex(source, start, end).sequence(), source)
