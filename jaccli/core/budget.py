"""A time budget that is a real bound on symbolic work.

    with time_budget(10):
        entry = attempt(lambda: sp.simplify(e), lambda: e, "simplification")
    skipped()   # ['simplification'] if it ran out

Work that can fall back (simplification, symbolic determinants, composition by
substitution, symbolic comparison) runs in ``attempt``: when the budget is spent
it is skipped and the fallback kept, and the result says what was skipped. Work
that cannot (differentiation, evaluation at a point) runs on until the budget plus
a grace period of ``GRACE`` seconds, and is then stopped with a TimeBudgetError
(exit 5) naming what was being done (``phase``). So every command ends within
--timeout + GRACE seconds (and the time it takes to print).

The clock is the process's own processor time (``clock()``, timer ``TIMER`` sending ``SIGNAL``: SIGPROF),
not the wall clock: another program busy on the same cores slows jac down but does not change what it
gives (a simplification cut short on a loaded machine would print a less simple answer, or grade a
student differently). It works on the main thread of a Unix process; elsewhere (threads, Windows) work
simply runs to the end.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from .errors import TimeBudgetError
from .request import option

if TYPE_CHECKING:
    from types import FrameType

T = TypeVar("T")

clock = time.process_time  # the processor time of this process: what the budget counts
TIMER = getattr(signal, "ITIMER_PROF", 2)  # counts the same time, and sends ...
SIGNAL = getattr(signal, "SIGPROF", 27)  # ... this signal

DEFAULT_SECONDS = 10.0
GRACE = 2.0  # work that cannot fall back may run this long past the budget


class BudgetExceeded(Exception):
    """Raised by the timer inside an attempt: ``level`` is the attempt whose time is up (the
    outermost one when several are); attempts nested inside it pass it on."""

    def __init__(self, level: int):
        super().__init__(level)
        self.level = level


class _State:
    deadline: float | None = None  # attempts fall back from here on
    hard: float | None = None  # required work stops here
    seconds: float | None = None
    stack: list[float] = []  # deadlines of the open attempts, outermost first
    depth = 0  # open time_budget blocks
    skipped: list[str] = []
    capped: list[str] = []  # attempts stopped by their own limit (``most``), not the budget
    spent: dict[str, float] = {}  # seconds spent per kind of work (``timing``)
    phase = "doing the symbolic work"


_state = _State()


def _usable() -> bool:
    return hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF") and threading.current_thread() is threading.main_thread()


RETRY = 0.05  # seconds: an alarm raised inside a finalizer is swallowed by Python; it fires again


def _alarm(signum: int, frame: FrameType | None) -> None:
    now = clock()
    for level, deadline in enumerate(_state.stack):
        if now >= deadline - 0.005:
            _retry()
            raise BudgetExceeded(level)
    if _state.hard is not None and now >= _state.hard - 0.01:
        _retry()
        raise TimeBudgetError(_state.seconds or 0.0, _state.phase)
    _arm()  # woke early: wait for the next deadline


def _retry() -> None:
    """Fire again soon in case this exception is lost: raised while Python runs a finalizer or a gc
    callback, it goes to sys.unraisablehook instead of the work (see _quiet_hook); leaving the
    attempt re-arms the timer anyway."""
    if _usable():
        signal.setitimer(TIMER, RETRY)


def _quiet_hook(previous: Callable[[sys.UnraisableHookArgs], Any]) -> Callable[[sys.UnraisableHookArgs], None]:
    """sys.unraisablehook while a budget is open: the budget's own alarms, lost in a finalizer, are
    not errors (they fire again); anything else goes to the previous hook."""
    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if isinstance(unraisable.exc_value, (BudgetExceeded, TimeBudgetError)):
            return
        previous(unraisable)

    return hook


def _arm() -> None:
    """Point the timer at the earliest deadline: an open attempt's, or the hard one."""
    if not _usable():
        return
    targets = list(_state.stack) + ([_state.hard] if _state.hard is not None else [])
    if not targets:
        signal.setitimer(TIMER, 0)
        return
    signal.setitimer(TIMER, max(min(targets) - clock(), 0.001))


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Give the symbolic work in this block ``seconds`` in all (None or 0: no limit)."""
    saved = (_state.deadline, _state.hard, _state.seconds, list(_state.skipped), _state.phase, list(_state.capped),
             dict(_state.spent))
    now = clock()
    _state.deadline = now + seconds if seconds else None
    _state.hard = now + seconds + GRACE if seconds else None
    _state.seconds = seconds
    _state.skipped = []
    _state.capped = []
    _state.spent = {}
    _state.depth += 1
    previous = signal.signal(SIGNAL, _alarm) if _usable() and seconds else None
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_hook(previous_hook)
    _arm()
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        _state.depth -= 1
        if _usable():
            signal.setitimer(TIMER, 0)
            if previous is not None:
                signal.signal(SIGNAL, previous)
        _state.deadline, _state.hard, _state.seconds, outer_skipped, _state.phase, outer_capped, _state.spent = saved
        _state.skipped = outer_skipped + _state.skipped
        _state.capped = outer_capped + _state.capped
        if _state.hard is not None:
            _arm()


@contextmanager
def phase(what: str) -> Iterator[None]:
    """Name the required work in progress, for the message if the budget stops it."""
    saved, _state.phase = _state.phase, what
    try:
        yield
    finally:
        _state.phase = saved


@contextmanager
def timing(what: str) -> Iterator[None]:
    """Add the time this block takes to ``spent(what)``."""
    start = clock()
    try:
        yield
    finally:
        _state.spent[what] = _state.spent.get(what, 0.0) + clock() - start


def spent(what: str) -> float:
    return _state.spent.get(what, 0.0)


def note_capped(what: str) -> None:
    _state.capped.append(what)


def capped() -> list[str]:
    """Attempts stopped by their own limit (``most``) since the current budget started, each once."""
    return list(dict.fromkeys(_state.capped))


def skipped() -> list[str]:
    """What fell back since the current budget started, each once, in order."""
    return list(dict.fromkeys(_state.skipped))


def notes(timeout: float | None) -> list[str]:
    """What the user should know about the budget of the block that just ended (fallbacks, caps)."""

    fell_back, cut = skipped(), capped()
    if fell_back:
        return [f"the time budget ({timeout or DEFAULT_SECONDS:g} s) ran out: skipped {', '.join(fell_back)}; what "
                f"is shown is exact but may be less simplified (raise it with {option('timeout')})"]
    if cut:
        return [f"{', '.join(cut)} was stopped on some entries (at most 0.25 s each, 0.4 s in all); they are shown "
                "exact but less simplified"]
    return []


def remaining() -> float | None:
    """Seconds left before attempts fall back (None: no budget)."""
    return None if _state.deadline is None else _state.deadline - clock()


def attempt(work: Callable[[], T], fallback: Callable[[], T], what: str, most: float | None = None) -> T:
    """``work()`` within the remaining budget (and at most ``most`` seconds, and never past an
    enclosing attempt's time), else ``fallback()``, remembering ``what`` was skipped."""
    if not _usable() or (_state.deadline is None and most is None and not _state.stack):
        return work()
    now = clock()
    if _state.deadline is not None and _state.deadline <= now:
        _state.skipped.append(what)
        return fallback()
    candidates = [d for d in (_state.deadline, now + most if most is not None else None) if d is not None]
    candidates += _state.stack[-1:]
    mine = min(candidates)
    level = len(_state.stack)
    previous = signal.signal(SIGNAL, _alarm) if _state.depth == 0 and not _state.stack else None
    previous_hook = sys.unraisablehook
    if previous is not None:
        sys.unraisablehook = _quiet_hook(previous_hook)
    _state.stack.append(mine)
    _arm()
    try:
        try:
            return work()
        finally:
            _state.stack.pop()
            _arm()
            if previous is not None:
                signal.signal(SIGNAL, previous)
                sys.unraisablehook = previous_hook
    except BudgetExceeded as exc:
        if exc.level < level:
            raise  # an enclosing attempt's time is up: it falls back, not this one
        if _state.deadline is not None and clock() >= _state.deadline - 0.01:
            _state.skipped.append(what)
        else:
            _state.capped.append(what)
        return fallback()
