"""Reading text the same way from every source — a file, standard input, a FIFO:
the same size limits, the same decoding (UTF-8 with or without a byte-order mark,
UTF-16 with one, as Windows shells write), the same newlines (CRLF and CR become LF).

A limit is checked while reading, so a stream without end (``yes | jac …``,
``/dev/zero``) is refused at the limit instead of filling memory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

from ..core.errors import SpecError

CHUNK = 1 << 16
MAX_INPUT_BYTES = 1_000_000  # a spec or an answer, from a file or standard input
LIMIT_VARIABLE = "JAC_MAX_INPUT_BYTES"


def input_limit() -> int:
    """The size limit for specs and answers: 1 MB, or JAC_MAX_INPUT_BYTES when set."""

    raw = os.environ.get(LIMIT_VARIABLE)
    if raw:
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            raise SpecError(f"{LIMIT_VARIABLE}={raw!r} is not a number of bytes") from None
        if value > 0:
            return value
    return MAX_INPUT_BYTES


def decode(data: bytes, where: str, what: str = "text") -> str:
    """Bytes to text: UTF-8 (a BOM is dropped), or UTF-16 when it starts with its BOM; LF newlines."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{where} is not UTF-8 text (byte {exc.start + 1} cannot be decoded)",
                        hint=f"save the {what} as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_stream(stream: BinaryIO, max_bytes: int, where: str, what: str) -> bytes:
    """At most ``max_bytes`` from a binary stream; SpecError beyond that (read in chunks: never more)."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > max_bytes:
            raise SpecError(f"{where} has more than {max_bytes:,} bytes; jac reads {what} of at most "
                            f"{max_bytes:,}", hint=_LIMIT_HINT)
        parts.append(chunk)


_LIMIT_HINT = "for a larger input on purpose, raise the limit with JAC_MAX_INPUT_BYTES (bytes)"


def read_stdin(max_bytes: int, what: str) -> str:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream without bytes (tests, embedded interpreters)
        text = sys.stdin.read(max_bytes + 1)
        if len(text) > max_bytes:
            raise SpecError(f"standard input has more than {max_bytes:,} characters; jac reads {what} of at most "
                            f"{max_bytes:,}", hint=_LIMIT_HINT)
        return decode(text.encode("utf-8", "surrogatepass"), "standard input", what)
    return decode(read_stream(stream, max_bytes, "standard input", what), "standard input", what)


def read_file(path: Path, max_bytes: int, what: str) -> str:
    """A text file (or FIFO, or device) of at most ``max_bytes``."""
    where = str(path)
    try:
        with open(path, "rb") as stream:
            data = read_stream(stream, max_bytes, where, what)
    except OSError as exc:
        raise SpecError(f"cannot read {where}: {exc.strerror or exc}") from None
    return decode(data, where, what)
