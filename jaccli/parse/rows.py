"""Points for ``--points``, read in chunks so that memory is bounded by a chunk, not by the
input, and so that output can start before the input ends.

Sources: CSV or whitespace-separated text (a file, standard input, a FIFO), JSON Lines (one
object per line with the inputs as keys, ``{"x": 1, "y": 2}``, or jac's own ``--format json`` rows,
whose ``point`` is used and whose header and error objects are skipped), ``.npy`` (memory-mapped,
shape (N, n)) and ``.parquet`` (with pyarrow; columns named after the inputs). Text is decoded like every other input (UTF-8 with or without a BOM, UTF-16
with one, CRLF or LF); an optional first line names the columns. A chunk ends after
``CHUNK_ROWS`` rows, or earlier when a slow producer has nothing more for now. A row
longer than ``MAX_LINE_BYTES`` stops the batch (a stream without newlines would
otherwise grow without bound); rows are echoed in messages up to ``ECHO_CHARS``.
"""

from __future__ import annotations

import codecs
import io
import json
import math
import os
import re
import select
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence, cast

import numpy as np

from ..core.errors import ExitCode, JacError, ParseError, SpecError
from .spec import _near_files

CHUNK_ROWS = 65_536
READ_BYTES = 1 << 20
MAX_LINE_BYTES = 1 << 20  # one row of text
ECHO_CHARS = 200  # of a row, in messages and JSON error objects
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
FORMATS = ("--points reads CSV or whitespace-separated numbers (a header line may name the inputs), JSON Lines "
           "({\"x\": 1, \"y\": 2} per line, or jac's own --format json rows), .npy (N × n) and .parquet")
_NAME = re.compile(r"[^\W\d]\w*")


def echo(text: str) -> str:
    """A row as shown in messages: at most ECHO_CHARS characters."""
    return text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + f"… ({len(text):,} characters)"


@dataclass
class RowError:
    line: int
    text: str
    message: str
    exit_code: int


@dataclass
class Chunk:
    """Good rows (their line numbers and values, in input order) and bad ones."""

    lines: np.ndarray  # (k,) line number of each good row
    values: np.ndarray  # (k, n) in input order
    errors: list[RowError] = field(default_factory=list)
    texts: list[str] | None = None  # good rows as written (None: plain numbers, rebuilt on demand)

    def text(self, k: int, separator: str = ",") -> str:
        if self.texts is not None:
            return self.texts[k]
        return separator.join(repr(float(v)) for v in self.values[k])


class RowReader:
    """``for chunk in RowReader(...)`` over a points source (see the module docstring)."""

    def __init__(self, source: str, inputs: Sequence[str], *, origin: str | None = None,
                 order_hint: str | None = None, text: str | None = None, chunk_rows: int = CHUNK_ROWS):
        self.source = source
        self.inputs = tuple(inputs)
        self.origin = origin or ("<stdin>" if source == "-" else source)
        self.order_hint = order_hint
        self.text = text  # points already in memory (the Python API)
        self.chunk_rows = chunk_rows
        self.order: list[int] | None = None
        self.separator: str | None = None
        self.rows_read = 0

    @property
    def n(self) -> int:
        return len(self.inputs)

    def __iter__(self) -> Iterator[Chunk]:
        suffix = Path(self.source).suffix.lower() if self.source not in ("-", "") else ""
        if self.text is None and suffix == ".npy":
            yield from self._npy()
        elif self.text is None and suffix == ".parquet":
            yield from self._parquet()
        else:
            yield from self._text()

    # -- .npy and .parquet
    def _npy(self) -> Iterator[Chunk]:
        path = Path(self.source)
        if not path.is_file():
            raise SpecError(f"no such file: {path}")
        try:
            array = np.load(path, mmap_mode="r", allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise SpecError(f"cannot read {path} as .npy: {exc}") from None
        if array.ndim == 1 and self.n == 1:
            array = array.reshape(-1, 1)
        if array.ndim != 2 or array.shape[1] != self.n or array.dtype.kind not in "fiu":
            raise SpecError(f"{path} holds an array of shape {array.shape} ({array.dtype}); jac needs (N, {self.n}) "
                            f"numbers, one column per input ({', '.join(self.inputs)})")
        for start in range(0, array.shape[0], self.chunk_rows):
            block = np.asarray(array[start:start + self.chunk_rows], dtype=float)
            yield self._checked(block, np.arange(start + 1, start + 1 + len(block)))

    def _parquet(self) -> Iterator[Chunk]:
        try:
            # deferred: pyarrow is heavy at start-up
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise SpecError("reading .parquet needs pyarrow", hint="pip install 'jaccli[parquet]'") from None
        try:
            handle = pq.ParquetFile(self.source)
            schema = handle.schema_arrow
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise SpecError(f"cannot read {self.source} as Parquet: {_first_line(exc)}") from None
        names = schema.names
        missing = [v for v in self.inputs if v not in names]
        if missing:
            raise SpecError(f"{self.source} has the columns {', '.join(names)}, but not {', '.join(missing)}",
                            hint=f"name the columns after the inputs ({', '.join(self.inputs)})")
        twice = sorted({v for v in self.inputs if names.count(v) > 1})
        if twice:
            raise SpecError(f"{self.source} has {len([n for n in names if n == twice[0]])} columns named {twice[0]!r}",
                            hint="name each input's column once")
        for name in self.inputs:
            kind = schema.field(name).type
            if not _numeric_arrow(pa, kind):
                raise SpecError(f"{self.source}: column {name!r} holds {kind} values, not numbers",
                                hint="jac reads integer, floating-point and decimal columns, one value per row")
        start = 1
        batches = handle.iter_batches(batch_size=self.chunk_rows, columns=list(self.inputs))
        while True:
            try:
                batch = next(batches, None)
                if batch is None:
                    return
                block = np.column_stack([batch.column(k).to_numpy(zero_copy_only=False).astype(float)
                                         for k in range(self.n)]) if batch.num_rows else np.empty((0, self.n))
            except (OSError, ValueError, TypeError, pa.ArrowException) as exc:  # a damaged page, a lying footer
                raise SpecError(f"cannot read {self.source} as Parquet (after row {start - 1}): "
                                f"{_first_line(exc)}") from None
            yield self._checked(block, np.arange(start, start + len(block)))
            start += len(block)

    def _checked(self, block: np.ndarray, lines: np.ndarray) -> Chunk:
        """Rows of a numeric array: the non-finite ones are bad input."""
        finite = np.isfinite(block).all(axis=1)
        errors = [RowError(int(lines[k]), ", ".join(repr(float(v)) for v in block[k]),
                           "the row has a value that is not a finite number", ExitCode.USAGE)
                  for k in np.flatnonzero(~finite)]
        self.rows_read += len(block)
        return Chunk(lines[finite], block[finite], errors)

    # -- text
    def _text(self) -> Iterator[Chunk]:
        line_no = 0
        for text, complete in self._text_pieces():
            if not text:
                continue
            chunk, line_no = self._parse(text, line_no)
            yield chunk

    def _text_pieces(self) -> Iterator[tuple[str, bool]]:
        """Decoded text made of whole lines, a chunk's worth at a time (or whatever a slow producer has)."""
        if self.text is not None:
            text = self.text.replace("\r\n", "\n").replace("\r", "\n")
            lines = text.split("\n")
            for start in range(0, len(lines), self.chunk_rows):
                yield "\n".join(lines[start:start + self.chunk_rows]), True
            return
        if self.source == "-":
            # deferred: sys, only this path
            import sys

            stream = getattr(sys.stdin, "buffer", sys.stdin)
            yield from self._stream_pieces(stream)
            return
        path = Path(self.source)
        if not path.exists():
            raise SpecError(f"no such file: {path}", hint=_near_files(path))
        if path.is_dir():
            raise SpecError(f"{path} is a directory, not a points file")
        try:
            with open(path, "rb") as stream:
                yield from self._stream_pieces(stream)
        except OSError as exc:
            raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from None

    def _stream_pieces(self, stream: Any) -> Iterator[tuple[str, bool]]:
        """Read bytes as they come, decode them incrementally, and hand on whole lines: a chunk's worth,
        or what there is when the producer has nothing more for now (so output follows input)."""
        fd = _fileno(stream)
        decoder = None
        head = b""
        pending = ""  # text after the last newline: the start of a line
        ready: list[str] = []
        rows_ready = 0
        while True:
            data = os.read(fd, READ_BYTES) if fd is not None else stream.read(READ_BYTES)
            if isinstance(data, str):
                data = data.encode("utf-8")
            if decoder is None:
                head += data
                if len(head) < 2 and data:
                    continue
                encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
                decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
                data = head
            text = decoder.decode(data, final=not data)
            if text:
                combined = pending + text
                cut = combined.rfind("\n")
                if cut == -1:
                    pending = combined
                else:
                    ready.append(combined[:cut])
                    rows_ready += combined.count("\n", 0, cut) + 1
                    pending = combined[cut + 1:]
                if len(pending) > MAX_LINE_BYTES:
                    raise SpecError(f"{self.origin}: a line is longer than {MAX_LINE_BYTES:,} characters (after row "
                                    f"{self.rows_read + rows_ready}); jac reads rows of at most that",
                                    hint="one point per line, values separated by commas")
            if not data:  # the end
                parts = ready + ([pending] if pending else [])
                if parts:
                    yield "\n".join(parts), True
                return
            if rows_ready >= self.chunk_rows or (rows_ready and not _more_now(fd)):
                yield "\n".join(ready), False
                ready, rows_ready = [], 0

    def _parse(self, text: str, line_no: int) -> tuple[Chunk, int]:
        """A piece of whole lines → a Chunk (line numbers continue from ``line_no``)."""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if self.separator is None:  # the first data line: header? separator?
            text, line_no = self._start(text, line_no)
            if not text:
                return Chunk(np.empty(0, dtype=np.int64), np.empty((0, self.n))), line_no
        count = text.count("\n") + 1
        if self.separator == "jsonl":
            return self._json_lines(text, line_no), line_no + count
        plain = "#" not in text and "\n\n" not in text and not text.startswith("\n") and not text.endswith("\n")
        if plain:
            values = _fast(text, self.separator, self.n)
            if values is not None:
                if self.order:
                    values = values[:, self.order]
                lines = np.arange(line_no + 1, line_no + 1 + count)
                self.rows_read += count
                return Chunk(lines, values), line_no + count
        return self._slow(text, line_no), line_no + count

    def _start(self, text: str, line_no: int) -> tuple[str, int]:
        """Skip blank and comment lines, read an optional header, choose the separator."""
        lines = text.split("\n")
        k = 0
        while k < len(lines) and (not lines[k].strip() or lines[k].lstrip().startswith("#")):
            k += 1
        if k == len(lines):
            return "", line_no + len(lines)
        first = lines[k].strip()
        if first.startswith("{"):
            self.separator = "jsonl"
            return "\n".join(lines[k:]), line_no + k
        self.separator = next((s for s in (",", ";", "\t") if s in first), " ")
        cells = [c.strip() for c in (first.split(self.separator) if self.separator != " " else first.split())]
        if all(_NAME.fullmatch(c) for c in cells):
            self.order = _header(cells, self.inputs, self.origin, line_no + k + 1)
            k += 1
        elif self.order_hint is not None and self.n > 1:
            raise SpecError(f"the rows give {self.n} values by position, but the order of the inputs "
                            f"({', '.join(self.inputs)}) was only inferred from the text (sorted)", where=self.origin,
                            hint=f"start with a header line naming the columns ({','.join(self.inputs)}), or "
                                 f"{self.order_hint}")
        return "\n".join(lines[k:]), line_no + k

    def _json_lines(self, text: str, line_no: int) -> Chunk:
        """One JSON object per line: the inputs by name, or jac's own row objects (their ``point``)."""

        rows: list[list[float]] = []
        lines: list[int] = []
        texts: list[str] = []
        errors: list[RowError] = []
        for offset, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip()
            number = line_no + offset
            if not line or line.startswith("#"):
                continue
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError):
                errors.append(RowError(number, echo(line), "not a JSON object (the first row was one: JSON Lines)",
                                       ExitCode.USAGE))
                continue
            if isinstance(obj, dict) and obj.get("type") in ("header", "error"):
                continue  # jac's own output: the header and its bad rows hold no point
            point = obj.get("point") if isinstance(obj, dict) and obj.get("type") == "row" else obj
            if not isinstance(point, dict):
                errors.append(RowError(number, echo(line), f"expected an object with the inputs as keys "
                                                           f"({', '.join(self.inputs)})", ExitCode.USAGE))
                continue
            missing = [v for v in self.inputs if v not in point]
            extra = [k for k in point if k not in self.inputs]
            if missing or extra:
                what = f"no {', '.join(missing)}" if missing else f"unknown {', '.join(map(str, extra))}"
                errors.append(RowError(number, echo(line), f"{what}: the keys are the inputs ({', '.join(self.inputs)})",
                                       ExitCode.USAGE))
                continue
            try:
                values = [_json_value(point[v]) for v in self.inputs]
            except JacError as err:
                errors.append(RowError(number, echo(line), err.render().splitlines()[0], ExitCode.USAGE))
                continue
            rows.append(values)
            lines.append(number)
            texts.append(echo(line))
        self.rows_read += len(rows)
        return Chunk(np.array(lines, dtype=np.int64), np.array(rows, dtype=float).reshape(len(rows), self.n),
                     errors, texts)

    def _slow(self, text: str, line_no: int) -> Chunk:
        """Row by row, so that each bad row gets its own message."""
        rows: list[list[float]] = []
        lines: list[int] = []
        texts: list[str] = []
        errors: list[RowError] = []
        for offset, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip()
            number = line_no + offset
            if not line or line.startswith("#"):
                continue
            cells = [c.strip() for c in (line.split(self.separator) if self.separator != " " else line.split())]
            first = not self.rows_read and not rows and not errors  # the first data row: say what jac reads
            if len(cells) != self.n:
                errors.append(RowError(number, echo(line), f"expected {self.n} value{'s' if self.n != 1 else ''} "
                                                           f"({', '.join(self.inputs)}), found {len(cells)}"
                                       + (f" ({FORMATS})" if first else ""), ExitCode.USAGE))
                continue
            try:
                values = [_value(c) for c in cells]
            except JacError as err:
                errors.append(RowError(number, echo(line), err.render().splitlines()[0]
                                       + (f" ({FORMATS})" if first else ""), ExitCode.USAGE))
                continue
            rows.append([values[k] for k in self.order] if self.order else values)
            lines.append(number)
            texts.append(echo(line))
        self.rows_read += len(rows)
        return Chunk(np.array(lines, dtype=np.int64), np.array(rows, dtype=float).reshape(len(rows), self.n),
                     errors, texts)


def _json_value(value: object) -> float:
    """A JSON number, or a string jac reads as a constant ("pi/4")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SpecError(f"{json_text(value)} is not a number")
    number = _value(value) if isinstance(value, str) else float(value)
    if not math.isfinite(number):
        raise SpecError(f"{value!r} is not a finite number")
    return number


def json_text(value: object) -> str:
    return json.dumps(value)[:40]


def _numeric_arrow(pa: Any, kind: Any) -> bool:
    """A Parquet column type whose values are numbers (a dictionary of numbers too; null: all missing)."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
                or pa.types.is_null(kind))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _fileno(stream: Any) -> int | None:
    try:
        return cast(int, stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _more_now(fd: int | None) -> bool:
    """Is more input available without waiting? (Regular files: always; pipes: only if written.)"""
    if fd is None:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


def _fast(text: str, separator: str | None, n: int) -> np.ndarray | None:
    """Every row plain finite numbers of the right width: numpy's C parser. Else None."""
    try:
        values = np.loadtxt(io.StringIO(text), delimiter=None if separator == " " else separator, ndmin=2,
                            dtype=float)
    except ValueError:
        return None
    if values.shape[1] != n or not np.isfinite(values).all():
        return None
    return values


def _header(cells: list[str], inputs: Sequence[str], origin: str, lineno: int) -> list[int]:
    unknown = [c for c in cells if c not in inputs]
    if unknown or len(set(cells)) != len(cells) or len(cells) != len(inputs):
        raise SpecError(f"the header names {', '.join(cells)}, but the inputs are {', '.join(inputs)}",
                        where=f"{origin}:{lineno}", hint="name each input once in the header, in any order")
    return [cells.index(name) for name in inputs]


def _value(cell: str) -> float:
    if _NUMBER.match(cell):
        value = float(cell)
    else:
        # deferred: loads sympy, which the rest of this module does not need
        from . import forms

        items = forms.parse_point(cell)  # constants like pi/4 or sqrt(2)
        if len(items) != 1 or items[0].name is not None:
            raise ParseError("expected one number", cell, 0)
        value = float(items[0].value.evalf(17))
    if not math.isfinite(value):
        raise SpecError(f"{cell} is not a finite number")
    return value
