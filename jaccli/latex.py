"""LaTeX in: a translator from a small, common subset of LaTeX math into jac's
token stream, which the same grammar then parses. Nothing is evaluated, the
work is linear in the input, and every token keeps its column in the LaTeX
source, so errors point at the LaTeX the user wrote.

Supported: ``\\begin{bmatrix|pmatrix|matrix} … & … \\\\ … \\end{…}``, ``\\frac{a}{b}``
(``\\dfrac``, ``\\tfrac``), ``\\sqrt{x}``, ``\\sqrt[n]{x}``, ``x^{…}``, ``x_1``/``x_{12}``
(read as the names x1, x12), ``\\left( … \\right)``, ``\\cdot``, ``\\times``,
``\\sin x`` and the other functions with or without parentheses, ``\\pi`` and
Greek letters as names (``\\theta`` → theta), ``\\operatorname{relu}``,
``|x|``, and implicit products (``2xy`` is 2·x·y: in LaTeX a letter is a name).
"""

from __future__ import annotations

import re
from typing import Sequence

from . import grammar
from .errors import ParseError
from .grammar import Token

_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "exp": "exp", "ln": "ln", "log": "log", "max": "max", "min": "min",
    "sgn": "sign", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi",
    "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
}
_SPACING = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "limits", "nolimits"}
_MATRIX_ENVS = {"bmatrix", "pmatrix", "matrix", "Bmatrix", "vmatrix"}
_TIMES = {"cdot": "*", "times": "*", "div": "/"}


def _digit(ch: str) -> bool:
    return len(ch) == 1 and "0" <= ch <= "9"


def looks_like_latex(text: str) -> bool:
    return "\\" in text


class _Latex:
    def __init__(self, source: str):
        if len(source) > grammar.MAX_LENGTH:
            raise ParseError(f"LaTeX is {len(source):,} characters long; the limit is {grammar.MAX_LENGTH:,}",
                             source, grammar.MAX_LENGTH)
        self.src = source
        self.i = 0
        self.depth = 0

    # -- helpers
    def error(self, message: str, pos: int | None = None, width: int = 1, hint: str | None = None) -> ParseError:
        return ParseError(message, self.src, self.i if pos is None else pos, width, hint=hint)

    def skip_space(self) -> None:
        while self.i < len(self.src) and self.src[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self.skip_space()
        return self.src[self.i] if self.i < len(self.src) else ""

    def command_name(self) -> tuple[str, int]:
        """At a backslash: read ``\\name`` (letters) or a one-character command."""
        start = self.i
        self.i += 1
        m = re.compile(r"[A-Za-z]+").match(self.src, self.i)
        if m:
            self.i = m.end()
            return m.group(), start
        if self.i < len(self.src):
            self.i += 1
            return self.src[self.i - 1], start
        raise self.error("a lone backslash at the end", start)

    def peek_command(self) -> str | None:
        self.skip_space()
        if not self.src.startswith("\\", self.i):
            return None
        m = re.compile(r"\\([A-Za-z]+|.)").match(self.src, self.i)
        return m.group(1) if m else None

    @staticmethod
    def op(text: str, pos: int, end: int | None = None) -> Token:
        return Token("OP", text, pos, end if end is not None else pos + 1)

    # -- structure
    def group(self) -> list[Token]:
        """``{ … }`` as parenthesised tokens."""
        if self.peek() != "{":
            raise self.error("expected '{'", hint="LaTeX arguments go in braces, e.g. \\frac{a}{b}")
        start, inner = self.enclosed("}")
        return [self.op("(", start)] + inner + [self.op(")", self.i - 1)]

    def enclosed(self, closer: str) -> tuple[int, list[Token]]:
        """At an opening character: the items up to ``closer`` (consumed), and where it opened."""
        start = self.i
        opener = self.src[start]
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
        if _digit(ch) or (ch == "." and _digit(self.src[self.i + 1:self.i + 2])):
            m = re.compile(r"[0-9]*\.?[0-9]+|[0-9]+\.?").match(self.src, self.i)
            assert m is not None
            self.i = m.end()
            return [Token("NUM", m.group().rstrip("."), pos, self.i)]
        if ch.isalpha():
            self.i += 1
            return [self.subscripted(ch, pos)]
        if ch == "{":
            return self.group()
        if ch in "^":
            self.i += 1
            tokens = [self.op("^", pos)] + self.argument()
            if _digit(self.peek()):  # x^23 is x^2 · 3 in LaTeX
                tokens.append(self.op("*", self.i, self.i))
            return tokens
        if ch == "_":
            raise self.error("a subscript needs a letter before it, like x_1")
        if ch in "+-*/(),=":
            self.i += 1
            return [self.op(ch, pos)]
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
        raise self.error(f"unexpected character {ch!r} in LaTeX")

    def subscripted(self, letter: str, pos: int) -> Token:
        """``x``, ``x_1``, ``x_{12}`` → NAME x, x1, x12."""
        name = letter
        if self.src.startswith("_", self.i):
            self.i += 1
            if self.src.startswith("{", self.i):
                close = self.src.find("}", self.i)
                if close == -1:
                    raise self.error("expected '}' to close the subscript")
                sub = self.src[self.i + 1:close].replace(" ", "")
                self.i = close + 1
            else:
                sub = self.src[self.i:self.i + 1]
                self.i += 1
            if not re.fullmatch(r"[A-Za-z0-9]+", sub):
                raise self.error(f"subscript {sub!r} must be letters or digits, like x_1 or x_{{12}}", pos)
            name += sub
        return Token("NAME", name, pos, self.i)

    def argument(self) -> list[Token]:
        """The argument of ^, or of a function without parentheses: a group or one item."""
        ch = self.peek()
        if ch == "{":
            return self.group()
        if not ch:
            raise self.error("expected an argument, but the LaTeX ended")
        if _digit(ch):  # x^23 in LaTeX is x^2 · 3: one digit only
            pos = self.i
            self.i += 1
            return [Token("NUM", ch, pos, self.i)]
        if ch == "-":  # e^-x, \sin -x: a sign and its operand
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
        if name in ("frac", "dfrac", "tfrac"):
            num = self.group()
            den = self.group()
            return [self.op("(", pos)] + num + [self.op("/", pos, end)] + den + [self.op(")", self.i - 1)]
        if name == "sqrt":
            return self.sqrt(pos, end)
        if name in _TIMES:
            return [self.op(_TIMES[name], pos, end)]
        if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big"):
            return self.delimiter(name, pos)
        if name in _FUNCTIONS:
            return self.function(_FUNCTIONS[name], pos, end)
        if name in ("operatorname", "mathrm", "text", "mathit", "operatorname*"):
            return self.named(pos)
        if name == "pi":
            return [Token("NAME", "pi", pos, end)]
        if name in _GREEK:
            return [Token("NAME", name.replace("var", ""), pos, end)]
        if name in _SPACING:
            return []
        if name in ("{", "}"):
            return [self.op("(" if name == "{" else ")", pos, end)]
        if name == "begin":
            raise self.error("a matrix environment is only allowed around the whole input", pos, end - pos)
        if name == "\\":
            raise self.error("'\\\\' separates matrix rows; it is only allowed inside \\begin{bmatrix} … \\end{bmatrix}",
                             pos, 2)
        raise self.error(f"unknown LaTeX command \\{name}", pos, end - pos,
                         hint="jac reads \\frac \\sqrt \\cdot \\times \\left \\right \\sin \\exp \\ln \\pi, "
                              "Greek letters and \\begin{bmatrix}")

    def sqrt(self, pos: int, end: int) -> list[Token]:
        if self.peek() == "[":
            close = self.src.find("]", self.i)
            if close == -1:
                raise self.error("expected ']' after the root's index")
            index_pos = self.i + 1
            index = self.src[index_pos:close].strip()
            self.i = close + 1
            body = self.group()
            if index == "3":
                return [Token("NAME", "cbrt", pos, end)] + body
            if not re.fullmatch(r"[0-9]+", index) or index == "0":
                raise self.error(f"root index {index!r} must be a positive integer", index_pos)
            return body + [self.op("^", pos, end), self.op("(", pos), Token("NUM", "1", index_pos, close),
                           self.op("/", pos), Token("NUM", index, index_pos, close), self.op(")", close)]
        return [Token("NAME", "sqrt", pos, end)] + self.group()

    def delimiter(self, name: str, pos: int) -> list[Token]:
        self.skip_space()
        if self.src.startswith("\\{", self.i) or self.src.startswith("\\}", self.i):
            ch = self.src[self.i + 1]
            self.i += 2
        elif self.src.startswith("\\|", self.i):
            raise self.error("norms \\| … \\| are not supported", self.i)
        else:
            ch = self.src[self.i:self.i + 1]
            self.i += 1
        if ch in "([{":
            return [self.op("(", pos, self.i)]
        if ch in ")]}":
            return [self.op(")", pos, self.i)]
        if ch == "|":
            if name.startswith(("left", "bigl", "Bigl")):
                return [Token("NAME", "abs", pos, self.i), self.op("(", pos, self.i)]
            return [self.op(")", pos, self.i)]
        if ch == ".":
            return []
        raise self.error(f"unexpected delimiter {ch!r} after \\{name}", pos)

    def function(self, fname: str, pos: int, end: int) -> list[Token]:
        head = [Token("NAME", fname, pos, end)]
        ch = self.peek()
        if ch == "^":
            raise self.error(f"powers of functions like \\{fname}^2 x are ambiguous", self.i,
                             hint=f"write \\left(\\{fname} x\\right)^2")
        if ch == "(" or self.peek_command() == "left":
            return head  # the parser reads the parenthesised arguments
        if ch == "{":
            return head + self.group()
        arg_pos = self.i
        arg = self.argument()
        # \sin 2x reads as sin(2x): take the implicit product of following letters and digits
        while self.peek() and (_digit(self.peek()) or self.peek().isalpha()) and not self.src.startswith("\\", self.i):
            arg += self.item()
        return head + [self.op("(", arg_pos)] + arg + [self.op(")", self.i - 1)]

    def named(self, pos: int) -> list[Token]:
        if self.peek() != "{":
            raise self.error("expected '{' after \\operatorname or \\mathrm")
        close = self.src.find("}", self.i)
        if close == -1:
            raise self.error("expected '}'")
        name_pos = self.i + 1
        name = self.src[name_pos:close].strip()
        self.i = close + 1
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
            raise self.error(f"{name!r} is not a name", name_pos)
        tok = Token("NAME", name, name_pos, close)
        if name in grammar.FUNCTIONS and self.peek() not in ("(", "{") and self.peek_command() != "left":
            return self.function(name, name_pos, close)
        return [tok]

    # -- matrices
    def matrix_rows(self) -> tuple[list[list[list[Token]]], int] | None:
        """``\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}`` → rows of cells of tokens."""
        self.skip_space()
        m = re.compile(r"\\begin\s*\{(\w+)\}").match(self.src, self.i)
        if not m:
            return None
        env = m.group(1)
        if env not in _MATRIX_ENVS:
            raise self.error(f"unsupported environment {env!r}", self.i, m.end() - self.i,
                             hint="use bmatrix or pmatrix")
        start = self.i
        self.i = m.end()
        rows: list[list[list[Token]]] = [[]]
        while True:
            cell = self.sequence(stop="&", stop_commands=("\\", "end"))
            rows[-1].append(cell)
            if self.peek() == "&":
                self.i += 1
                continue
            cmd = self.peek_command()
            if cmd == "\\":
                self.i += 2
                if self.peek_command() == "end":
                    continue  # a trailing \\ before \end
                rows.append([])
                continue
            if cmd == "end":
                m_end = re.compile(r"\\end\s*\{(\w+)\}").match(self.src, self.i)
                if not m_end or m_end.group(1) != env:
                    raise self.error(f"expected \\end{{{env}}}", self.i)
                self.i = m_end.end()
                break
            raise self.error(f"expected \\end{{{env}}} to close the \\begin{{{env}}} at column {start + 1}")
        if self.peek():
            raise self.error("unexpected text after the matrix")
        rows = [row for row in rows if any(row)] or rows
        return rows, start


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


def vector_tokens(source: str) -> list[Token]:
    """A SPEC in LaTeX: a column or row matrix of components, or a plain expression list."""
    reader = _Latex(source)
    found = reader.matrix_rows()
    if found is None:
        return _end(reader.sequence(), source)
    rows, start = found
    if all(len(row) == 1 for row in rows):
        cells = [row[0] for row in rows]
    elif len(rows) == 1:
        cells = rows[0]
    else:
        raise ParseError("a function is a column (or a row) of components, not a matrix", source, start)
    body = _join(cells, ",", source)
    return _end([Token("OP", "[", start, start + 1)] + body + [Token("OP", "]", len(source) - 1, len(source))], source)


def matrix_tokens(source: str) -> list[Token]:
    """An ANSWER in LaTeX: ``[[a, b], [c, d]]`` as tokens."""
    reader = _Latex(source)
    found = reader.matrix_rows()
    if found is None:
        return _end(reader.sequence(), source)
    rows, start = found
    width = len(rows[0])
    tokens = [Token("OP", "[", start, start + 1)]
    for k, row in enumerate(rows):
        if len(row) != width:
            first = row[0][0].pos if row and row[0] else start
            raise ParseError(f"row {k + 1} has {len(row)} entries but row 1 has {width}", source, first,
                             hint="every row of a matrix needs the same number of entries")
        if k:
            tokens.append(Token("OP", ",", row[0][0].pos if row[0] else start, start))
        pos = row[0][0].pos if row[0] else start
        tokens.append(Token("OP", "[", pos, pos))
        tokens.extend(_join(row, ",", source))
        tokens.append(Token("OP", "]", tokens[-1].end, tokens[-1].end))
    tokens.append(Token("OP", "]", len(source) - 1, len(source)))
    return _end(tokens, source)
