"""Text to tokens for jac's language: characters from the web normalised one for one (columns stay right),
Greek letters as names, superscripts as powers, numbers, names and operators, each with its column."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from ..core.errors import ParseError
from ..core.limits import MAX_LENGTH, MAX_TOKENS
from ..core.request import option

# Greek letters are names: θ and theta are the same input. A Greek letter is a name of its
# own (rθ is r·theta), optionally followed by digits (θ1).
GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu",
    "ν": "nu", "ξ": "xi", "ο": "omicron", "ρ": "rho", "ϱ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
GREEK_NAMES = frozenset(GREEK.values()) | {"pi"}

_NOT_NUMBERS = {"nan", "inf", "infinity", "oo", "NaN", "Inf", "Infinity"}

_OPERATORS = {
    "**": "^", "^": "^", "+": "+", "-": "-", "\u2212": "-", "\u2013": "-", "*": "*", "\u00b7": "*",
    "\u22c5": "*", "\u00d7": "*", "\u2217": "*", "/": "/", "\u00f7": "/", "\u2215": "/", "(": "(", ")": ")",
    ",": ",", "[": "[", "]": "]", "=": "=", ";": ";", "|": "|", "!": "!", "√": "√", "∛": "∛",
    "→": "->", "↦": "->",
}
_RELATIONS = {"<=": sp.Le, ">=": sp.Ge, "==": sp.Eq, "!=": sp.Ne, "<": sp.Lt, ">": sp.Gt, "≤": sp.Le, "≥": sp.Ge,
              "≠": sp.Ne}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_CHARS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUBSCRIPT_CHARS = frozenset("₀₁₂₃₄₅₆₇₈₉")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Token:
    kind: str  # NUM NAME OP SUP END
    text: str  # for OP: the canonical operator; for SUP: the exponent in ASCII; for NAME: the name (θ → theta)
    pos: int
    end: int


def _is_greek(ch: str) -> bool:
    return ch in GREEK


def _is_name_start(ch: str) -> bool:
    return (ch.isalpha() or ch == "_") and ch not in _SUPERSCRIPT_CHARS and ch != "π"


def _is_name_char(ch: str) -> bool:
    return ((ch.isalpha() or ch == "_" or "0" <= ch <= "9" or ch in _SUBSCRIPT_CHARS)
            and ch not in _SUPERSCRIPT_CHARS and ch != "π" and not _is_greek(ch))


_LOOKALIKES = {"ө": "θ", "Ө": "Θ", "ϴ": "Θ"}  # a Cyrillic barred o some pages use for theta


def normalize_char(ch: str) -> str:
    """Mathematical italic/bold letters from web pages (𝜌, 𝑥) as the letters they are; a few look-alikes.
    One character in, one out, so columns in messages stay right."""
    if ch in _LOOKALIKES:
        return _LOOKALIKES[ch]
    if "\U0001d400" <= ch <= "\U0001d7ff":
        # deferred: unicodedata, only this path
        import unicodedata

        folded = unicodedata.normalize("NFKC", ch)
        return folded if len(folded) == 1 else ch
    return ch


def normalize(text: str) -> str:
    if not any(ch in _LOOKALIKES or "\U0001d400" <= ch <= "\U0001d7ff" for ch in text):
        return text
    return "".join(normalize_char(ch) for ch in text)


def tokenize(source: str) -> list[Token]:
    original, source = source, normalize(source)  # scan the normalized text, show the original in errors
    if len(source) > MAX_LENGTH:
        raise ParseError(
            f"expression is {len(source):,} characters long; the limit is {MAX_LENGTH:,}",
            original, MAX_LENGTH, hint="split it into several outputs or simplify it first")
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
        if _is_greek(ch):  # a Greek letter, then digits: θ, θ1, θ₁
            j = i + 1
            while j < n and (source[j].isdigit() or source[j] in _SUBSCRIPT_CHARS or source[j] == "_"):
                j += 1
            tokens.append(Token("NAME", GREEK[ch] + source[i + 1:j].translate(_SUBSCRIPTS), i, j))
            i = j
            continue
        if _is_name_start(ch):
            j = i + 1
            while j < n and _is_name_char(source[j]):
                j += 1
            tokens.append(Token("NAME", source[i:j].translate(_SUBSCRIPTS), i, j))
            i = j
            continue
        if ch in _SUPERSCRIPT_CHARS:
            j = i
            while j < n and source[j] in _SUPERSCRIPT_CHARS:
                j += 1
            text = source[i:j].translate(_SUPERSCRIPTS)
            if not re.fullmatch(r"[+-]?[0-9]+", text):
                raise ParseError("a superscript exponent must be digits with an optional sign, like x² or x⁻¹",
                                 original, i, j - i)
            tokens.append(Token("SUP", text, i, j))
            i = j
            continue
        two = source[i:i + 2]
        if two == "**":
            tokens.append(Token("OP", "^", i, i + 2))
            i += 2
            continue
        if two == "->":
            tokens.append(Token("OP", "->", i, i + 2))
            i += 2
            continue
        if two in _RELATIONS:
            tokens.append(Token("OP", two, i, i + 2))
            i += 2
            continue
        if ch in "<>≤≥≠":
            tokens.append(Token("OP", {"≤": "<=", "≥": ">=", "≠": "!="}.get(ch, ch), i, i + 1))
            i += 1
            continue
        if ch in _OPERATORS:
            tokens.append(Token("OP", _OPERATORS[ch], i, i + 1))
            i += 1
            continue
        raise ParseError(f"unexpected character {ch!r}", original, i, hint=_hint_for_char(ch))
    if len(tokens) > MAX_TOKENS:
        raise ParseError(f"expression has {len(tokens):,} terms and operators; the limit is {MAX_TOKENS:,}",
                         original, tokens[MAX_TOKENS].pos, hint="split it into several outputs or functions")
    tokens.append(Token("END", "", n, n))
    return tokens


def _hint_for_char(ch: str) -> str:
    if ch in "'\"":
        return "strings are not part of jac's language; write a math expression like x^2 + sin(y)"
    if ch == ".":
        return "attribute access is not part of jac's language; decimals need a digit after the point (0.5)"
    if ch in "{}":
        return "use parentheses ( ) for grouping; LaTeX braces belong to LaTeX input (with a \\command, or " + option("latex") + ")"
    if ch == "&":
        return "'&' separates matrix columns in LaTeX; inside piecewise conditions write 'and'"
    if ch == ":":
        return "':=' and ':' are not part of jac's language: name an output with '=' (w = x^2 y)"
    if ch == "\\":
        return "a backslash starts a LaTeX command; LaTeX is read when the text has one (or with " + option("latex") + ")"
    return "jac expressions use numbers, names, + - * / ^ ( ) and function calls like sin(x)"
