"""Test what users install: build jac's wheel, install it with the test extra into a virtual environment,
and run the whole suite against that install, with the checkout kept off ``sys.path``.

    python3 scripts/test_installed.py [--venv DIR] [--fresh] [PYTEST ARGS ...]

The README's test command and CI (.ci/run) both run this. The venv defaults to ``.venv-test`` in the
checkout (ignored by git) and is reused between runs (only jac itself is reinstalled); --fresh makes a new
one. The tests import ``jaccli`` from the venv's site-packages (tests/conftest.py asserts it) and the
packaging tests inspect the very wheel that was installed (JAC_WHEEL).
Only the standard library is used here, so a fresh machine needs nothing but Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*cmd: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def main(argv: list[str]) -> int:
    venv = ROOT / ".venv-test"
    fresh = False
    pytest_args: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--venv":
            venv = Path(next(args)).resolve()
        elif arg == "--fresh":
            fresh = True
        else:
            pytest_args.append(arg)
    if fresh and venv.exists():
        shutil.rmtree(venv)
    if not _bin(venv, "python").exists():
        _run(sys.executable, "-m", "venv", venv)
        _run(_bin(venv, "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    python = _bin(venv, "python")
    wheels = Path(tempfile.mkdtemp(prefix="jac-wheel-"))
    try:
        _run(python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, ROOT)
        (wheel,) = wheels.glob("jaccli-*.whl")
        # jac itself always anew (same version number, new code); its dependencies only when missing
        _run(python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", wheel)
        _run(python, "-m", "pip", "install", "--quiet", f"{wheel}[test]")
        env = {**os.environ, "JAC_WHEEL": str(wheel), "JAC_TEST_INSTALLED": "1"}
        env.pop("PYTHONPATH", None)
        # the venv's pytest script, not `python -m pytest`: -m would put the checkout (the current folder)
        # first on sys.path and the tests would import the source tree instead of the install
        done = subprocess.run([str(_bin(venv, "pytest")), *pytest_args], cwd=ROOT, env=env)
        return done.returncode
    finally:
        shutil.rmtree(wheels, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
