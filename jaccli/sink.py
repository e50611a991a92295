"""Where results go, and the promise that nothing is lost: every write is complete, or
jac stops with a message and an exit code of its own.

* Short writes (a pipe or a terminal that takes part of a buffer) are continued until
  every byte is written.
* A closed pipe (``jac … | head -1``) ends jac quietly with exit 141 (128 + SIGPIPE).
* A failed write (``> /dev/full``: no space left; an I/O error) is one message on stderr
  and exit 6.
* SIGINT and SIGTERM during a batch let the rows being written finish, so the output ends
  with whole rows; jac then says how many rows were written and exits 130 or 143.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from contextlib import contextmanager
from typing import BinaryIO, Iterator

EXIT_OUTPUT = 6
EXIT_PIPE = 141  # 128 + SIGPIPE
EXIT_INTERRUPT = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM


class OutputClosed(Exception):
    """The reader of our output went away (EPIPE): stop quietly."""


class OutputFailed(Exception):
    """A write failed (ENOSPC, EIO, …)."""

    def __init__(self, where: str, error: OSError):
        super().__init__(f"cannot write {where}: {os.strerror(error.errno) if error.errno else error}")
        self.where = where
        self.error = error


class Interrupted(BaseException):
    """SIGINT or SIGTERM, raised between writes (never in the middle of one)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPT

    @property
    def name(self) -> str:
        return "terminated (SIGTERM)" if self.signum == signal.SIGTERM else "interrupted (SIGINT)"


class _Signals:
    writing = 0  # > 0 while a write is in progress: a signal then waits for its end
    pending: int | None = None


_signals = _Signals()


def _on_signal(signum, frame):
    if _signals.writing:
        _signals.pending = signum
        return
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted, but only between writes (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class Sink:
    """A byte stream written completely or not at all (see the module docstring)."""

    def __init__(self, stream: BinaryIO | _TextAsBytes, where: str = "the output"):
        self.stream = stream
        self.where = where
        self.fd: int | None
        try:
            self.fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None  # an in-memory stream (tests): write through the object
        self.bytes = 0

    def write(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not data:
            return
        _signals.writing += 1
        try:
            if self.fd is None:
                self.stream.write(data)
            else:
                view = memoryview(data)
                while view:
                    written = os.write(self.fd, view)  # may be short: continue with the rest
                    view = view[written:]
            self.bytes += len(data)
        except BrokenPipeError:
            raise OutputClosed() from None
        except OSError as err:
            if err.errno == errno.EPIPE:
                raise OutputClosed() from None
            raise OutputFailed(self.where, err) from None
        finally:
            _signals.writing -= 1
            if not _signals.writing and _signals.pending is not None:
                signum, _signals.pending = _signals.pending, None
                raise Interrupted(signum)

    def flush(self) -> None:
        if self.fd is None:
            try:
                self.stream.flush()
            except OSError as err:
                raise OutputFailed(self.where, err) from None


def stdout_sink() -> Sink:
    """Standard output as a Sink. Python's own buffer is flushed first, so nothing overtakes it."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or not _has_fd(buffer):
        return Sink(_TextAsBytes(sys.stdout), "standard output")
    return Sink(buffer, "standard output")


def _has_fd(stream) -> bool:
    try:
        stream.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


class _TextAsBytes:
    """A text stream (click's test runner) seen as a byte stream."""

    def __init__(self, text_stream):
        self.text_stream = text_stream

    def write(self, data: bytes) -> None:
        self.text_stream.write(data.decode("utf-8"))

    def flush(self) -> None:
        self.text_stream.flush()

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def quiet_exit_on_closed_pipe() -> None:
    """After EPIPE: point stdout at /dev/null so Python's final flush cannot fail loudly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
