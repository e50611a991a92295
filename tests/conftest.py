import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaccli.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("JAC_DEBUG", raising=False)


@pytest.fixture
def run():
    """Run jac in-process; returns the click Result (stdout, stderr, exit_code)."""

    def _run(*args, input=None):
        runner = CliRunner()
        return runner.invoke(main, [str(a) for a in args], input=input, prog_name="jac")

    return _run


# CI runs each property test on a fixed sequence of examples (reproducible);
# locally hypothesis explores new ones every run.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
