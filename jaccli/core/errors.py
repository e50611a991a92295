"""The JacError family: every failure a user can cause, with its exit code.

One place (``cli/group.py``) turns these into a message on stderr and an exit code:

    0  success
    1  ``check`` found a wrong answer (reserved for ``jac check``)
    2  bad input or usage: an expression, a file, YAML, a point, a size mismatch
    3  mathematically undefined at the point (or another math failure)
    5  the time budget (--timeout) ran out before a result could be given
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit code jac gives, in one place (docs.EXIT_CODES says them to users; a test keeps the two
    together). An IntEnum: it is the number wherever a number is wanted (sys.exit, JSON)."""

    OK = 0
    WRONG = 1  # jac check: the answer is wrong
    USAGE = 2  # bad input or usage
    MATH = 3  # undefined at the point, or another math failure
    INTERNAL = 4  # a bug in jac
    BUDGET = 5  # the time budget (--timeout) ran out
    OUTPUT = 6  # the output could not be written
    INTERRUPT = 130  # 128 + SIGINT
    PIPE = 141  # 128 + SIGPIPE: the reader closed standard output
    TERMINATED = 143  # 128 + SIGTERM


class JacError(Exception):
    """A failure the user can fix. ``str(err)`` is the whole message."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def render(self) -> str:
        head = f"{self.where}: {self.message}" if self.where else self.message
        lines = [head]
        lines.extend(self.detail_lines())
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)

    def detail_lines(self) -> list[str]:
        return []

    def __str__(self) -> str:  # pragma: no cover - exercised through render()
        return self.render()


class ParseError(JacError):
    """An expression that is not in jac's language; knows the column."""

    def __init__(
        self,
        message: str,
        source: str,
        column: int,
        width: int = 1,
        hint: str | None = None,
        where: str | None = None,
    ):
        super().__init__(message, hint=hint, where=where)
        self.source = source
        self.column = column
        self.width = max(1, width)

    def detail_lines(self) -> list[str]:
        # Show one line of the source with a caret under the offending column.
        line_start = self.source.rfind("\n", 0, self.column) + 1
        line_end = self.source.find("\n", self.column)
        if line_end == -1:
            line_end = len(self.source)
        line = self.source[line_start:line_end]
        col = self.column - line_start
        shown, offset = _clip(line, col)
        return ["  " + shown, "  " + " " * (col - offset) + "^" * min(self.width, max(1, len(shown) - (col - offset)))]

    def located(self, where: str) -> "ParseError":
        """The same error, said to be in ``where`` (a file and key, a function)."""
        self.where = where if not self.where else f"{where}: {self.where}"
        return self


def _clip(line: str, col: int, span: int = 76) -> tuple[str, int]:
    """A window of ``line`` around ``col`` short enough for a terminal."""
    line = line.replace("\t", " ")
    if len(line) <= span:
        return line, 0
    start = max(0, min(col - span // 2, len(line) - span))
    return line[start:start + span], start


class SpecError(JacError):
    """A function spec (file, YAML, inline text) that cannot be used."""


class UsageError(JacError):
    """Options that do not go together, or an option without what it needs (request.validate)."""


class PointError(JacError):
    """A point given to --at that does not fit the function."""


class SizeMismatchError(JacError):
    """Functions that cannot be composed: outputs of one != inputs of the next."""


class MathError(JacError):
    """Undefined at the point: division by zero, log(0), a non-finite value."""

    exit_code = ExitCode.MATH


class TimeBudgetError(JacError):
    """Work that cannot fall back ran past --timeout plus the grace period."""

    exit_code = ExitCode.BUDGET

    def __init__(self, seconds: float, phase: str):
        super().__init__(f"the time budget ({seconds:g} s) ran out while {phase}",
                         hint="raise the time budget (--timeout SECONDS on the command line, timeout= in Python; 0: no limit), or make the input smaller")
        self.seconds = seconds
        self.phase = phase
