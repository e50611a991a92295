"""A time budget for symbolic work that can blow up (simplification,
symbolic determinants, composition by substitution).

    with time_budget(10):
        entry = attempt(lambda: sp.simplify(e), lambda: e, "simplification")
    skipped()   # ['simplification'] if it ran out

Inside the budget, ``attempt`` runs its work under a timer (SIGALRM, so on
the main thread of a Unix process; elsewhere it simply runs) and falls back
when the budget is spent. Nested attempts share the outermost timer.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

DEFAULT_SECONDS = 10.0


class BudgetExceeded(Exception):
    """Raised by the timer inside an attempt; never escapes ``attempt``."""


class _State:
    deadline: float | None = None
    active = False  # a timer is running (nested attempts share it)
    depth = 0  # open time_budget blocks
    skipped: list[str] = []


_state = _State()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Give the symbolic work in this block ``seconds`` in all (None or 0: no limit)."""
    saved = (_state.deadline, list(_state.skipped))
    _state.deadline = time.monotonic() + seconds if seconds else None
    _state.skipped = []
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        _state.deadline, outer_skipped = saved
        _state.skipped = outer_skipped + _state.skipped


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


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def attempt(work: Callable[[], T], fallback: Callable[[], T], what: str) -> T:
    """``work()`` within the remaining budget, else ``fallback()`` (and remember ``what``)."""
    if _state.deadline is None or _state.active or not _usable():
        return work()
    remaining = _state.deadline - time.monotonic()
    if remaining <= 0:
        _state.skipped.append(what)
        return fallback()

    def _alarm(signum, frame):
        if _state.active:  # a late alarm after the work finished is ignored
            raise BudgetExceeded

    previous = signal.signal(signal.SIGALRM, _alarm)
    _state.active = True
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        try:
            return work()
        finally:
            _state.active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except BudgetExceeded:
        _state.skipped.append(what)
        return fallback()
