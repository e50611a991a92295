"""Text that other people wrote (a student's id and answer, a file's cell) shown safely.

* ``visible(text)``: for a terminal and human output. Control characters (C0 and C1, DEL) and the
  invisible Unicode that reorders or hides text (bidirectional overrides and isolates, zero-width marks)
  are written as escapes (``\\x1b``, ``\\n``, ``\\u202e``), so an ESC sequence cannot clear the screen or
  set the title, BEL cannot ring, and a carriage return or newline in an id cannot forge a row.
* ``cell(text)``: for a spreadsheet (CSV). A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is something a spreadsheet would run as a formula; it gets a leading apostrophe (the
  OWASP rule for CSV injection), which spreadsheets show as text. ``uncell`` takes it off again when jac
  reads back a file it wrote (an answer key).
"""

from __future__ import annotations

import re

_INVISIBLE = "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + _INVISIBLE + "]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or invisible character written as an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def visible_lines(text: str) -> str:
    """As ``visible``, keeping the newlines that separate lines of jac's own message."""
    return "\n".join(visible(line) for line in text.split("\n"))


def cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs."""
    return "'" + text if text.startswith(FORMULA_START) else text


def uncell(text: str) -> str:
    """The text ``cell`` was given (for files jac wrote and reads back)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
