"""Writing a result where it goes: notes on stderr, the rendered result on stdout or into ``-o FILE``,
every byte written or a clear failure (sink.py). Batches stream chunk by chunk; a Dask run reports a
summary. Returns the exit code the result calls for (a wrong answer, bad rows)."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import sys
from contextlib import ExitStack
from typing import Any, Iterator, cast

import click

from ..core.commands import COMMANDS
from ..core.errors import ExitCode
from ..core.request import Request
from ..core.sink import Interrupted, Sink, atomic_output, atomic_sink, stdout_sink
from ..core.untrusted import visible_lines
from . import render
from .json import error_object as obj
from .text_table import draw


def say(kind: str, text: str, colour: str) -> None:
    color = False if os.environ.get("NO_COLOR") else None
    click.echo(click.style(f"{kind}:", fg=colour, bold=True) + " " + visible_lines(text), err=True, color=color)


def write(result: Any, request: Request, quiet: bool) -> int:
    """Write ``result`` as ``request`` asked; the exit code (0, 1 for a wrong answer, 2/3 for bad rows).
    What was asked decides the kind of result: --dask gives a summary, --points a batch to stream."""
    if request.dask is not None:
        return _summary(result, quiet)
    if request.points is not None:
        return _batch(result, request, quiet)
    if not quiet:
        for note in dict.fromkeys(result.notes):  # each note once
            say("note", note, "yellow")
    spec = COMMANDS[request.command]
    if spec.picture:  # the picture is the -o file; stdout says what it shows
        # deferred: loads numpy, which the rest of this module does not need
        from .drawing import draw

        draw(result.data, result.path, request.dpi)
        _write_blocks(_encoded(result, request), None)
        return 0
    if request.output is not None and request.output.lower().endswith((".npz", ".mtx")):
        from .sparse import file_bytes  # a sparse J's file (jobs/sparse.py made sure it is one)

        _write_blocks(iter([file_bytes(result, request.output.lower()[-4:])]), request.output)
    else:
        _write_blocks(_encoded(result, request), request.output)
    if request.feedback is not None:
        from .feedback import links, write_feedback  # the html pages: only for a class with --feedback

        written = write_feedback(result, request.feedback, request.render)
        if not quiet:
            say("feedback", links(written), "cyan")
    if request.answers is not None and request.render.format in ("csv", "json") and not quiet:
        _grade_summary(result)  # the human formats end with it
    if spec.verdict and not result.passed:
        return ExitCode.WRONG
    return 0


def _grade_summary(sheet: Any) -> None:
    """passed / failed / unreadable, and the most common diagnoses, on stderr (the sheet is on stdout)."""
    say("graded", sheet.summary(), "cyan")


def _encoded(result: Any, request: Request) -> Iterator[bytes]:
    out = render(result, request.render)
    if not isinstance(out, (str, bytes)) and hasattr(out, "__next__"):
        return cast("Iterator[bytes]", out)  # CSV: blocks of bytes, written as they are made
    if isinstance(out, str):
        return iter([(out + "\n").encode("utf-8")])
    tty = request.output is None and (sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR")))
    if not tty:  # a pipe or a file: the same characters as rich draws there, without importing rich

        text = draw(out.blocks, PAGE_WIDTH)
        if text is not None:
            return iter([(text + "\n").encode("utf-8")])

    # deferred: rich (also through the jac modules imported here) is heavy at start-up
    from rich.console import Console

    from .table import draw as rich_draw

    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False, force_terminal=tty,
                      no_color=bool(os.environ.get("NO_COLOR")) or not tty,
                      width=shutil.get_terminal_size().columns if tty else PAGE_WIDTH)
    console.print(rich_draw(out.blocks))
    # no trailing blanks (rich pads table titles to the table's width): they show up in diffs and copy-paste
    text = "\n".join(_TRAILING_BLANKS.sub(r"\1", line) for line in buffer.getvalue().rstrip("\n").split("\n"))
    return iter([(text + "\n").encode("utf-8")])


PAGE_WIDTH = 200  # columns of table output that is not a terminal (a file keeps long lines whole up to here)
_TRAILING_BLANKS = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$")  # blanks at a line's end, before colour resets


def _write_blocks(blocks: Iterator[bytes], output: str | None) -> None:
    """Everything to stdout or ``output``; a renderer's error comes before anything is written or created."""

    first = next(blocks, b"")
    if output is None:
        sink = stdout_sink()
        sink.write(first)
        for block in blocks:
            sink.write(block)
        return
    with atomic_sink(output) as sink:  # whole or not at all: a failed run leaves the old file or none
        sink.write(first)
        for block in blocks:
            sink.write(block)


def error_object(request: Request, err: Any) -> None:
    """A failure as one JSON object on stdout (check --format json: graders collect verdicts)."""

    stdout_sink().write(obj(request.command, err.render(), err.exit_code) + "\n")


def _batch(run: Any, request: Request, quiet: bool) -> int:
    """--points: read, evaluate and write chunk by chunk; bad rows on stderr as they come."""

    # deferred: loads numpy, sympy, which the rest of this module does not need
    from ..jobs.points import exit_code
    from .batch import writer_for

    if not quiet:
        for note in run.notes:
            say("note", note, "yellow")
    output = request.output
    binary = output is not None and output.lower().endswith((".npy", ".parquet"))
    with ExitStack() as stack:
        target = stack.enter_context(atomic_output(output)) if output is not None else None
        handle = stack.enter_context(target.open()) if target is not None and not binary else None
        sink = None if binary else (Sink(handle, str(output)) if handle is not None else stdout_sink())
        if getattr(run.plan, "sparse", False):  # a sparse J: the pattern once, each row's non-zeros
            # deferred: only a sparse batch needs these writers
            from .sparse_batch import sparse_writer_for

            assert sink is not None  # jobs/sparse_points refused binary files
            writer: Any = sparse_writer_for(run.plan, request.render.format, sink, request.render.precision)
        else:
            writer = writer_for(run.plan, request.render.format, sink, request.render.precision,
                                target.path if binary and target is not None else None)
        errors = []
        chunks = iter(run)
        # the first rows are read before the header is written: a file that cannot be read at all (an inferred
        # input order without a header line, a missing file) is one error, not a header and then an error
        first = next(chunks, None)
        try:
            writer.start()
            for chunk in itertools.chain([first] if first is not None else [], chunks):
                writer.write(chunk)
                for bad in chunk.errors:
                    say("error", f"{run.reader.origin}:{bad.line}: {bad.message}", "red")
                errors += chunk.errors
            writer.finish()
        except Interrupted as it:
            # the rows written so far are whole: they are kept (the file is completed and renamed)
            say("note", f"{it.name} after {writer.rows:,} rows; the output holds whole rows only", "yellow")
            if target is not None:
                writer.finish()
                stack.close()
            raise
    return exit_code(errors)


def _summary(summary: Any, quiet: bool) -> int:
    """--dask: the part files are the output; what happened goes to stderr."""
    for message in summary.errors:
        say("error", message, "red")
    if summary.bad_rows > len(summary.errors):
        say("error", f"… {summary.bad_rows - len(summary.errors):,} more bad rows", "red")
    if not quiet:
        files = "1 file" if summary.parts == 1 else f"{summary.parts:,} files"
        say("note", f"{summary.rows:,} rows from {files} written to {summary.folder}/ "
                    f"({summary.bad_rows:,} bad rows)", "yellow")
    return cast(int, summary.exit_code)
