"""The progress bar: on a terminal after a second of work; never in pipes."""

import io

from jaccli.core import progress as progress_module
from jaccli.core.progress import progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_silent_in_pipes_and_for_quick_work(monkeypatch):
    pipe = io.StringIO()
    with progress("work", 100, stream=pipe) as bar:
        bar.advance(100)
    assert pipe.getvalue() == ""
    term = FakeTerminal()
    with progress("work", 100, stream=term) as bar:  # finished before DELAY: nothing drawn
        bar.advance(100)
    assert term.getvalue() == ""


def test_drawn_on_a_terminal_after_the_delay(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    term = FakeTerminal()
    with progress("differentiating", 10, stream=term) as bar:
        for _ in range(10):
            bar.advance()
    assert "differentiating" in term.getvalue()
    monkeypatch.setenv("JAC_NO_PROGRESS", "1")
    quiet = FakeTerminal()
    with progress("differentiating", 10, stream=quiet) as bar:
        bar.advance(10)
    assert quiet.getvalue() == ""


def test_commands_print_no_bar_when_piped(run):
    r = run("jacobian", "samples/spherical.yaml", "--points", "samples/points.csv", "--format", "csv")
    assert r.exit_code == 0 and "━" not in r.stderr and r.stderr == ""
