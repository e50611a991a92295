"""The forms a whole input takes in jac's language, read with grammar.py's parser: a function spec (an
optional header — ``(r, theta) ->``, ``f(x, y) =`` — and named or unnamed components), a vector, a matrix
(an answer), a point (``1,2``, ``x=1,y=2``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import sympy as sp

from ..core.errors import ParseError
from ..core.request import option
from .function_table import CONSTANTS, RESERVED
from .grammar import Scope, _Parser, _trailing
from .tokens import Token, tokenize

if TYPE_CHECKING:
    from .grammar import Condition


@dataclass
class Component:
    expr: sp.Expr
    text: str  # the component's own source text
    start: int  # its column in the whole source
    conditions: tuple[Condition, ...] = ()  # Conditions recorded while parsing it
    name: str | None = None  # x in "x = u^2 v"


@dataclass
class ParsedSpec:
    """A whole inline function: its components, and what its header declared."""

    components: list[Component]
    scope: Scope
    inputs: tuple[str, ...] | None = None  # declared by "(a, b) ->" or "f(a, b) ="
    name: str | None = None  # f in "f(a, b) = …"
    notes: list[str] = field(default_factory=list)


def parse_vector(source: str, inputs: Sequence[str] | None = None,
                 scope: Scope | None = None, tokens: list[Token] | None = None) -> tuple[list[Component], Scope]:
    """Comma-separated components, optionally in [brackets]; see parse_spec for the rest."""
    spec = parse_spec(source, inputs, scope=scope, tokens=tokens)
    return spec.components, spec.scope


_ARROW_HINT = "declare inputs as (r, theta) -> (r cos(theta), r sin(theta)), or t -> (t, t^2)"


def parse_spec(source: str, inputs: Sequence[str] | None = None, *, scope: Scope | None = None,
               tokens: list[Token] | None = None, equations: bool = False) -> ParsedSpec:
    """A function as text: ``x^2 + y, 2xy``, ``[x^2 + y, 2xy]``, ``(r, theta) -> (r cos θ, r sin θ)``,
    ``f(x, y) = (x^2 + y, 2xy)``, ``x = u^2 v, y = u v^2`` (named outputs). ``equations``: each
    component ``lhs = rhs`` means lhs − rhs (for F(x, y) = 0)."""
    tokens = tokens if tokens is not None else tokenize(source)
    tokens, declared_by_heads, name_by_heads = _rewrite_heads(source, tokens)
    declared, name, body = _header(source, tokens)
    if declared_by_heads is not None:
        declared, name = declared_by_heads, name_by_heads
    if declared is not None and inputs is not None and tuple(inputs) != declared:
        raise ParseError(f"the text declares the inputs ({', '.join(declared)}) but {option('vars')} gives "
                         f"{', '.join(inputs)}", source, tokens[0].pos, tokens[body - 1].end - tokens[0].pos,
                         hint=f"give the order once: either in the text or with {option('vars')}")
    scope = scope or Scope(declared if declared is not None else inputs)
    if declared is not None:
        scope.inputs = declared
    parser = _Parser(source, scope, tokens)
    parser.i = body
    closer = None
    if parser.at_op("[") or (parser.at_op("(") and _wraps_vector(tokens, body)):
        opener = parser.advance()
        closer = "]" if opener.text == "[" else ")"
    components = _components(parser, closer, equations=equations)
    if closer is not None:
        parser.expect(closer, f"'{closer}' to close the '{opener.text}' at column {opener.pos + 1}")
    elif parser.at_op("]"):
        raise parser.error("unexpected ']': no matching '['")
    if parser.tok.kind != "END":
        raise _trailing(parser)
    named = [c.name is not None for c in components]
    if any(named) and not all(named):
        first = components[named.index(False)]
        raise ParseError("some outputs are named (x = …) and some are not", source, first.start,
                         max(1, len(first.text)), hint="name every output or none: x = u^2 v, y = u v^2")
    names = [c.name for c in components if c.name]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ParseError(f"the output name {dup!r} is used twice", source, 0, max(1, len(source)),
                         hint="each output needs its own name")
    return ParsedSpec(components, scope, declared, name)


def _header(source: str, tokens: list[Token]) -> tuple[tuple[str, ...] | None, str | None, int]:
    """Declared inputs and a function name from ``(a, b) ->``, ``a ->``, ``[a, b] ->`` or
    ``f(a, b) =``; returns (inputs, name, index of the body's first token)."""
    arrow = next((k for k, t in enumerate(tokens) if t.kind == "OP" and t.text == "->"), None)
    if arrow is not None:
        head = tokens[:arrow]
        inner = head[1:-1] if head and head[0].text in ("(", "[") and head[-1].text in (")", "]") else head
        names = [t for k, t in enumerate(inner) if k % 2 == 0]
        commas = [t for k, t in enumerate(inner) if k % 2 == 1]
        if not names or any(t.kind != "NAME" for t in names) or any(t.text != "," for t in commas) \
                or len(inner) % 2 == 0:
            start = head[0] if head else tokens[arrow]
            raise ParseError("before '->' jac expects the input names", source, start.pos,
                             max(1, tokens[arrow].pos - start.pos), hint=_ARROW_HINT)
        return _declared(source, names), None, arrow + 1
    # f(a, b) = …
    call = _call_head(tokens, 0)
    if call is not None:
        fname, arguments, body = call
        if not re.fullmatch(r"[^\W\d]\w*", fname.text):
            raise ParseError(f"{fname.text!r} is not a valid function name", source, fname.pos)
        return _declared(source, arguments), fname.text, body
    return None, None, 0


def _call_head(tokens: list[Token], k: int) -> tuple[Token, list[Token], int] | None:
    """``NAME(a, b) =`` at ``k`` (NAME not one of jac's functions): (NAME, argument names, index after '=')."""
    if k + 4 >= len(tokens) or tokens[k].kind != "NAME" or tokens[k].text in RESERVED:
        return None
    if not (tokens[k + 1].kind == "OP" and tokens[k + 1].text == "("):
        return None
    close = next((j for j in range(k + 2, len(tokens)) if tokens[j].kind == "OP" and tokens[j].text in ")("), None)
    if close is None or tokens[close].text != ")" or close + 1 >= len(tokens):
        return None
    if not (tokens[close + 1].kind == "OP" and tokens[close + 1].text == "="):
        return None
    inner = tokens[k + 2:close]
    names = [t for j, t in enumerate(inner) if j % 2 == 0]
    if not names or len(inner) % 2 == 0 or any(t.kind != "NAME" for t in names) or \
            any(t.text != "," for j, t in enumerate(inner) if j % 2 == 1):
        return None
    return tokens[k], names, close + 2


def _component_starts(tokens: list[Token]) -> list[int]:
    """Where the top-level components start (after top-level commas)."""
    starts, depth = [0], 0
    for k, t in enumerate(tokens):
        if t.kind == "OP" and t.text in "([":
            depth += 1
        elif t.kind == "OP" and t.text in ")]":
            depth -= 1
        elif depth == 0 and t.kind == "OP" and t.text == ",":
            starts.append(k + 1)
    return starts


def _rewrite_heads(source: str, tokens: list[Token]) -> tuple[list[Token], tuple[str, ...] | None, str | None]:
    """Textbook ways of naming outputs, rewritten to ``name = expr`` components:

    * ``x(t) = cos t, y(t) = sin t`` (each output a function of the same inputs): outputs x, y of t;
    * ``z = f(x, y) = x^2 y``: the output z of f(x, y);
    * ``x = r cos θ and y = r sin θ``: 'and' between named components is a comma.
    Returns the tokens, the declared inputs and the function's name (None when not given)."""
    out = list(tokens)
    for k in range(1, len(out) - 2):  # 'and' between named components
        if out[k].kind == "NAME" and out[k].text == "and" and out[k + 1].kind == "NAME" and \
                ((out[k + 2].kind == "OP" and out[k + 2].text == "=") or _call_head(out, k + 1) is not None):
            out[k] = Token("OP", ",", out[k].pos, out[k].end)
    starts = _component_starts(out)
    heads = [_call_head(out, k) for k in starts]
    if len(starts) >= 2 and all(h is not None for h in heads):
        first = [t.text for t in heads[0][1]]  # type: ignore[index]
        if all([t.text for t in h[1]] == first for h in heads):  # type: ignore[index]
            declared = _declared(source, heads[0][1])  # type: ignore[index]
            keep = []
            for k, tok in enumerate(out):
                if any(start < k < h[2] - 1 for start, h in zip(starts, heads)):  # type: ignore[index]
                    continue  # the "(t)" of "x(t) ="
                keep.append(tok)
            return keep, declared, None
    if len(out) > 6 and out[0].kind == "NAME" and out[1].kind == "OP" and out[1].text == "=":
        head = _call_head(out, 2)
        if head is not None:  # z = f(x, y) = …
            fname, names, body = head
            return [out[0], out[1]] + out[body:], _declared(source, names), fname.text
    return out, None, None


def _declared(source: str, names: list[Token]) -> tuple[str, ...]:
    seen: list[str] = []
    for t in names:
        if t.text in RESERVED:
            raise ParseError(f"input name {t.text!r} is already jac's "
                             f"{'constant' if t.text in CONSTANTS else 'function'} {t.text}", source, t.pos,
                             t.end - t.pos, hint="choose another name")
        if t.text in seen:
            raise ParseError(f"input {t.text!r} is declared twice", source, t.pos, t.end - t.pos,
                             hint="each input name must be unique")
        seen.append(t.text)
    return tuple(seen)


def _wraps_vector(tokens: list[Token], start: int) -> bool:
    """Does the '(' at ``start`` close just before the end, with a comma at its top level?"""
    depth, comma = 0, False
    for k in range(start, len(tokens)):
        t = tokens[k]
        if t.kind == "OP" and t.text in ("(", "["):
            depth += 1
        elif t.kind == "OP" and t.text in (")", "]"):
            depth -= 1
            if depth == 0:
                return comma and tokens[k + 1].kind == "END"
        elif depth == 1 and t.kind == "OP" and t.text == ",":
            comma = True
    return False


def _components(parser: _Parser, closer: str | None, equations: bool = False) -> list[Component]:
    """``[NAME =] expr (',' [NAME =] expr)*`` up to ``closer`` (or the end)."""
    components: list[Component] = []
    while True:
        start = parser.tok.pos
        if parser.tok.kind == "END" or parser.at_op("]", ";") or (closer and parser.at_op(closer)):
            raise parser.error("expected an expression here",
                               hint="write entries separated by commas, e.g. x^2 + y, 2*x*y")
        before = len(parser.scope.conditions)
        out_name = None
        if not equations and parser.tok.kind == "NAME" and parser.peek().kind == "OP" and parser.peek().text == "=":
            name_tok = parser.advance()
            if name_tok.text in RESERVED or not re.fullmatch(r"[^\W\d]\w*", name_tok.text):
                raise parser.error(f"{name_tok.text!r} cannot name an output", name_tok,
                                   hint="output names are identifiers such as u, v, w, loss")
            parser.advance()
            out_name = name_tok.text
            start = parser.tok.pos
        expr = parser.parse_sum()
        if parser.at_op("="):
            eq = parser.advance()
            if not equations:
                raise parser.error("an equation (lhs = rhs) is only read by jac implicit", eq,
                                   hint="to name an output write a name before '=': w = x^2 y + y^2")
            expr = parser.build(eq, sp.Add, expr, parser.negate(parser.parse_sum()))
        end = parser.tokens[parser.i - 1].end
        components.append(Component(expr, parser.source[start:end], start,
                                    tuple(parser.scope.conditions[before:]), out_name))
        if parser.at_op(","):
            parser.advance()
            continue
        return components


def parse_matrix(source: str, inputs: Sequence[str] | None = None,
                 tokens: list[Token] | None = None, scope: Scope | None = None) -> list[list[Component]]:
    """A matrix: ``[[a, b], [c, d]]``, ``[a, b]`` (one row), ``a, b; c, d`` or ``a``.
    Rows must have equal lengths."""
    parser = _Parser(source, scope or Scope(inputs), tokens)
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
    elif parser.at_op("[") or (parser.at_op("(") and _wraps_vector(parser.tokens, parser.i)):
        open_tok = parser.advance()
        close = "]" if open_tok.text == "[" else ")"
        row_starts.append(open_tok)
        rows.append(_components(parser, close))
        parser.expect(close, f"'{close}' to close the '{open_tok.text}' at column {open_tok.pos + 1}")
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
    """``1,2``, ``(1, 2)``, ``[1, 2]`` or ``x=1, y=2``: constants only, optionally named."""
    scope = Scope(constants_only=True)
    parser = _Parser(source, scope)
    items: list[PointItem] = []
    if parser.tok.kind == "END":
        raise parser.error("the point is empty", hint="give values like 1,2 or x=1,y=2")
    closer = None
    if parser.at_op("[") or (parser.at_op("(") and _wraps_vector(parser.tokens, 0)):
        closer = "]" if parser.advance().text == "[" else ")"
    elif parser.at_op("(") and any(t.kind == "OP" and t.text == "," for t in parser.tokens):
        raise parser.error("'(' opens the point but no ')' closes it after the last value",
                           hint="write the point as (1, 2) or 1,2")
    while True:
        tok = parser.tok
        name = None
        if tok.kind == "NAME" and parser.peek().text == "=":
            name = tok.text
            parser.advance()
            parser.advance()
        value = parser.parse_sum()
        if not value.is_number:  # pragma: no cover - constants_only scope already refuses names
            raise parser.error("a point's values must be numbers", tok)
        if value.is_extended_real is False:
            raise parser.error("a point's values must be real numbers", tok)
        items.append(PointItem(name, value, tok.pos))
        if parser.at_op(","):
            parser.advance()
            continue
        if parser.at_op(";"):
            raise parser.error("';' cannot separate a point's values", hint="separate them with commas: 1,2 "
                                                                            "(or name them: x=1,y=2)")
        if closer is not None:
            parser.expect(closer, f"'{closer}' to close the point")
        if parser.tok.kind != "END":
            raise _trailing(parser)
        return items


def natural_key(name: str) -> list[tuple[int, int, str]]:
    """Sort key so that x1 < x2 < x10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"([0-9]+)", name) if part]
