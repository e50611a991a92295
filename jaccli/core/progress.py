"""A progress bar on stderr for work that takes more than about a second:
large Jacobians, batches of points, long chains. Only on a terminal (never
in pipes or files), and only once the work has run for ``DELAY`` seconds,
so quick commands never flash a bar."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import IO, Any, Iterator

DELAY = 1.0


class _Bar:
    def __init__(self, description: str, total: int, stream: IO[str]):
        self.description, self.total, self.stream = description, total, stream
        self.start = time.monotonic()
        self.done = 0
        self._progress: Any = None  # a rich Progress, made only when the work outlasts DELAY
        self._task = None

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if self._progress is None:
            if time.monotonic() - self.start < DELAY:
                return
            # deferred: rich is heavy at start-up
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(file=self.stream), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total, completed=self.done)
        self._progress.update(self._task, completed=self.done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


class _Silent:
    def advance(self, steps: int = 1) -> None:
        pass


def _wanted(stream: IO[str]) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("JAC_NO_PROGRESS")


@contextmanager
def progress(description: str, total: int, *, stream: IO[str] | None = None) -> Iterator[_Bar | _Silent]:
    """``with progress("differentiating", m * n) as bar: … bar.advance()``."""
    stream = sys.stderr if stream is None else stream
    if total <= 1 or not _wanted(stream):
        yield _Silent()
        return
    bar = _Bar(description, total, stream)
    try:
        yield bar
    finally:
        bar.close()
