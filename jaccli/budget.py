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

The timer is SIGALRM, so it works on the main thread of a Unix process;
elsewhere (threads, Windows) work simply runs to the end.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from .errors import TimeBudgetError

T = TypeVar("T")

DEFAULT_SECONDS = 10.0
GRACE = 2.0  # work that cannot fall back may run this long past the budget


class BudgetExceeded(Exception):
    """Raised by the timer inside an attempt; never escapes ``attempt``."""


class _State:
    deadline: float | None = None  # attempts fall back from here on
    hard: float | None = None  # required work stops here
    seconds: float | None = None
    active = False  # inside an attempt
    depth = 0  # open time_budget blocks
    skipped: list[str] = []
    phase = "the symbolic work"


_state = _State()


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _alarm(signum, frame):
    if _state.active:
        raise BudgetExceeded
    if _state.hard is not None and time.monotonic() >= _state.hard - 0.01:
        raise TimeBudgetError(_state.seconds or 0.0, _state.phase)
    _arm()  # woke early (an attempt ended): wait for the hard deadline


def _arm(until: float | None = None) -> None:
    """Point the timer at ``until`` (or the hard deadline)."""
    if not _usable():
        return
    target = until if until is not None else _state.hard
    if target is None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    signal.setitimer(signal.ITIMER_REAL, max(target - time.monotonic(), 0.001))


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Give the symbolic work in this block ``seconds`` in all (None or 0: no limit)."""
    saved = (_state.deadline, _state.hard, _state.seconds, list(_state.skipped), _state.phase)
    now = time.monotonic()
    _state.deadline = now + seconds if seconds else None
    _state.hard = now + seconds + GRACE if seconds else None
    _state.seconds = seconds
    _state.skipped = []
    _state.depth += 1
    previous = signal.signal(signal.SIGALRM, _alarm) if _usable() and seconds else None
    _arm()
    try:
        yield
    finally:
        _state.depth -= 1
        if _usable():
            signal.setitimer(signal.ITIMER_REAL, 0)
            if previous is not None:
                signal.signal(signal.SIGALRM, previous)
        _state.deadline, _state.hard, _state.seconds, outer_skipped, _state.phase = saved
        _state.skipped = outer_skipped + _state.skipped
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


def within_budget(function: Callable[..., T]) -> Callable[..., T]:
    """Decorate an API function: it takes ``timeout=`` (seconds), runs in its
    own budget (unless called inside one) and notes on its result what fell back."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, timeout: float | None = DEFAULT_SECONDS, **kwargs):
        if _state.depth:
            return function(*args, **kwargs)
        with time_budget(timeout):
            result = function(*args, **kwargs)
            fell_back = skipped()
        if fell_back:
            result.notes.append(f"the time budget ({timeout:g} s) ran out: skipped {', '.join(fell_back)}; "
                                "what is shown is exact but may be less simplified (raise it with --timeout)")
        return result

    return wrapper


def skipped() -> list[str]:
    """What fell back since the current budget started, each once, in order."""
    return list(dict.fromkeys(_state.skipped))


def remaining() -> float | None:
    """Seconds left before attempts fall back (None: no budget)."""
    return None if _state.deadline is None else _state.deadline - time.monotonic()


def attempt(work: Callable[[], T], fallback: Callable[[], T], what: str, most: float | None = None) -> T:
    """``work()`` within the remaining budget (and at most ``most`` seconds), else ``fallback()``
    (and remember ``what`` when the whole budget is spent)."""
    if _state.active or not _usable() or (_state.deadline is None and most is None):
        return work()
    left = _state.deadline - time.monotonic() if _state.deadline is not None else None
    if left is not None and left <= 0:
        _state.skipped.append(what)
        return fallback()
    limit = left if most is None else (most if left is None else min(left, most))
    previous = signal.signal(signal.SIGALRM, _alarm) if _state.depth == 0 else None
    _state.active = True
    _arm(time.monotonic() + limit)
    try:
        try:
            return work()
        finally:
            _state.active = False
            _arm()
            if previous is not None:
                signal.signal(signal.SIGALRM, previous)
    except BudgetExceeded:
        if left is not None and (most is None or left <= most):
            _state.skipped.append(what)
        return fallback()
