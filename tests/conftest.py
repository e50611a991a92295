"""The suite tests the installed jac, the way a user runs it.

- ``jaccli`` is imported from where pip put it (scripts/test_installed.py installs the wheel into a venv and
  keeps the checkout off ``sys.path``); with CI or JAC_TEST_INSTALLED set, a copy imported from the checkout
  fails the run at once.
- Every test runs in a user's folder outside the checkout: a temporary folder holding only ``samples/``,
  copied out of the installed package as ``jac samples samples`` does.
- ``JAC`` is the installed console script, for tests that run jac as a process.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import jaccli
from jaccli.cli import main

ROOT = Path(__file__).resolve().parent.parent  # the checkout (or unpacked sdist): README, tests' own data
INSTALLED = Path(jaccli.__file__).resolve().parent
_script = Path(sys.executable).parent / ("jac.exe" if os.name == "nt" else "jac")
JAC = [str(_script)] if _script.exists() else [sys.executable, "-m", "jaccli"]


def _from_checkout() -> bool:
    return INSTALLED == ROOT / "jaccli"


if (os.environ.get("CI") or os.environ.get("JAC_TEST_INSTALLED")) and _from_checkout():
    raise pytest.UsageError(f"jaccli was imported from the checkout ({INSTALLED}), not from an install: run "
                            "python3 scripts/test_installed.py")


def pytest_report_header(config):
    where = "the CHECKOUT (not what users get)" if _from_checkout() else "the installed package"
    return f"jaccli {jaccli.__version__} from {INSTALLED} ({where})"


@pytest.fixture(scope="session")
def user_dir(tmp_path_factory) -> Path:
    """A user's folder: nothing but the samples, as ``jac samples samples`` copies them out."""
    from jaccli.app.samples import copy_to

    folder = tmp_path_factory.mktemp("user")
    copy_to(folder / "samples")
    return folder


@pytest.fixture(autouse=True)
def _in_user_dir(monkeypatch, user_dir):
    monkeypatch.chdir(user_dir)
    monkeypatch.delenv("JAC_DEBUG", raising=False)


@pytest.fixture
def samples(user_dir) -> Path:
    return user_dir / "samples"


@pytest.fixture
def run():
    """Run jac in-process; returns the click Result (stdout, stderr, exit_code)."""

    def _run(*args, input=None):
        runner = CliRunner()
        result = runner.invoke(main, [str(a) for a in args], input=input, prog_name="jac")
        from schema_check import check_output

        check_output([str(a) for a in args], result.stdout, result.exit_code)
        return result

    return _run


@pytest.fixture
def fresh_samples(tmp_path) -> Path:
    """A private copy of the samples, for tests that change or add files beside them."""
    folder = tmp_path / "samples"
    shutil.copytree(Path.cwd() / "samples", folder)
    return folder


# CI runs each property test on a fixed sequence of examples (reproducible);
# locally hypothesis explores new ones every run.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
