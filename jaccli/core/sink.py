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
import stat
import sys
import tempfile
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO, Iterator, TextIO

from .errors import ExitCode

if TYPE_CHECKING:
    from types import FrameType


class OutputClosed(Exception):
    """The reader of our output went away (EPIPE): stop quietly."""


class OutputFailed(Exception):
    """A write failed (ENOSPC, EIO, …). ``kept``: the output is a file that was left as it was (it is
    written beside it and renamed over it only when complete, AtomicFile)."""

    def __init__(self, where: str, error: OSError, kept: bool = False):
        reason = os.strerror(error.errno) if error.errno else (error.strerror or str(error))
        super().__init__(f"cannot write {where}: {reason}")
        self.where = where
        self.error = error
        self.kept = kept

    @property
    def consequence(self) -> str:
        if not self.kept:
            return "the output is incomplete"
        if os.path.lexists(self.where):
            return f"{self.where} is as it was (nothing was written to it)"
        return f"{self.where} was not created"


class AtomicFile:
    """An output file made whole or not at all: written to a temporary file beside ``target`` (same folder,
    same file system) and renamed over it by ``commit``; ``discard`` removes it. A failed run (a full disk,
    the file-size limit, an error, a signal that is not handled) leaves the old file or none, never half of
    one. A target that exists and is not a regular file (/dev/full, /dev/stdout, a FIFO) is written
    directly: a device cannot be replaced."""

    def __init__(self, target: str):
        self.target = target
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as err:
            raise OutputFailed(target, err, kept=True) from None
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputFailed(target, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)), kept=True)
        self.direct = mode is not None and not stat.S_ISREG(mode)
        if self.direct:
            self.path = target
            return
        folder, name = os.path.split(os.path.abspath(target))
        try:
            # the target's suffix last, for writers that go by it (.npy, .parquet, .pdf)
            fd, self.path = tempfile.mkstemp(dir=folder, prefix=f".{name}.",
                                             suffix=".part" + os.path.splitext(name)[1])
        except OSError as err:
            raise OutputFailed(target, err, kept=True) from None
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o666 & ~umask)  # what open() would have made, not mkstemp's 0600

    def open(self) -> BinaryIO:
        try:
            return open(self.path, "wb")
        except OSError as err:
            self.discard()
            raise OutputFailed(self.target, err, kept=not self.direct) from None

    def commit(self) -> None:
        if self.direct:
            return
        try:
            os.replace(self.path, self.target)
        except OSError as err:
            self.discard()
            raise OutputFailed(self.target, err, kept=True) from None

    def discard(self) -> None:
        if not self.direct:
            try:
                os.unlink(self.path)
            except OSError:
                pass


@contextmanager
def atomic_output(target: str) -> Iterator[AtomicFile]:
    """``AtomicFile(target)``, committed when the block ends normally and discarded when it raises (a write
    error raised as OSError becomes OutputFailed, exit 6)."""
    out = AtomicFile(target)
    try:
        yield out
    except OutputFailed as failed:
        out.discard()
        if not out.direct:  # named by the user's file, not the temporary one beside it
            raise OutputFailed(target, failed.error, kept=True) from None
        raise
    except OSError as err:
        out.discard()
        raise OutputFailed(target, err, kept=not out.direct) from None
    except BaseException:
        out.discard()
        raise
    out.commit()


@contextmanager
def atomic_sink(target: str) -> Iterator[Sink]:
    """A Sink into ``target`` made whole or not at all (atomic_output)."""
    with atomic_output(target) as out:
        handle = out.open()
        try:
            sink = Sink(handle, target)
            yield sink
            sink.flush()
            handle.flush()
        finally:
            handle.close()


class Interrupted(BaseException):
    """SIGINT or SIGTERM, raised between writes (never in the middle of one)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return ExitCode.TERMINATED if self.signum == signal.SIGTERM else ExitCode.INTERRUPT

    @property
    def name(self) -> str:
        return "terminated (SIGTERM)" if self.signum == signal.SIGTERM else "interrupted (SIGINT)"


class _Signals:
    writing = 0  # > 0 while a write is in progress: a signal then waits for its end
    pending: int | None = None


_signals = _Signals()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _signals.writing:
        _signals.pending = signum
        return
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted, but only between writes (main thread only)."""

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


def _has_fd(stream: Any) -> bool:
    try:
        stream.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


class _TextAsBytes:
    """A text stream (click's test runner) seen as a byte stream."""

    def __init__(self, text_stream: TextIO) -> None:
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
