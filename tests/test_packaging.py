"""What users install is complete: the wheel holds every file of the package that git tracks (modules, the
samples, the JSON Schemas), carries the licence, and reports its version; the sdist holds what a
distribution packager needs to run this suite; pipx installs a working jac."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import metadata, version
from pathlib import Path

import pytest
from conftest import JAC, ROOT


def _git_files(*paths: str) -> set[str]:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout (an unpacked sdist): nothing to compare with")
    out = subprocess.run(["git", "ls-files", "-z", *paths], cwd=ROOT, capture_output=True, text=True, check=True)
    return {p for p in out.stdout.split("\0") if p and not (ROOT / p).is_symlink()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel that was installed (scripts/test_installed.py names it), or one built now."""
    if os.environ.get("JAC_WHEEL"):
        return Path(os.environ["JAC_WHEEL"])
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)], check=True)
    return next(out.glob("jaccli-*.whl"))


def test_the_wheel_has_every_file_of_the_package(wheel):
    tracked = {p for p in _git_files("jaccli/") if "__pycache__" not in p}
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(tracked - names)
    assert not missing, f"the wheel lacks {len(missing)} tracked files: {missing[:10]}"
    assert any(n.startswith("jaccli/results/") for n in names)  # the subpackage once left out
    assert any(n.startswith("jaccli/samples/") for n in names) and any(n.startswith("jaccli/schemas/") for n in names)


def test_the_wheel_carries_the_licence_and_its_metadata(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    meta = metadata("jaccli")
    assert meta["License-Expression"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text()


def test_version_comes_from_the_installed_metadata():
    r = subprocess.run([*JAC, "--version"], capture_output=True, text=True)
    assert r.stdout.strip() == f"jac {version('jaccli')}"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## {version('jaccli')}" in changelog  # every released version says what changed


def test_the_sdist_has_what_a_packager_needs(tmp_path):
    pytest.importorskip("build")
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)], check=True,
                   capture_output=True)
    (sdist,) = tmp_path.glob("jaccli-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    wanted = _git_files("jaccli/", "tests/", "benchmarks/", "scripts/", "docs/", "LICENSE", "README.md",
                        "CHANGELOG.md", "pyproject.toml", "MANIFEST.in")
    missing = sorted(wanted - names)
    assert not missing, f"the sdist lacks {len(missing)} files: {missing[:10]}"
    assert {"tests/conftest.py", "tests/corpus/textbook.yaml", "tests/exercise_oracle.py",
            "jaccli/samples/f.yaml", "LICENSE"} <= names


def test_pipx_installs_a_working_jac(tmp_path, wheel):
    """pipx, the way many people install command-line tools: its own venv, jac on PATH."""
    pipx = shutil.which("pipx") or (str(Path(sys.executable).parent / "pipx")
                                    if (Path(sys.executable).parent / "pipx").exists() else None)
    if pipx is None:
        pytest.skip("pipx is not installed")
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin"),
           "PIPX_MAN_DIR": str(tmp_path / "man")}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([pipx, "install", "--python", sys.executable, str(wheel)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    work = tmp_path / "work"
    work.mkdir()
    jac = str(tmp_path / "bin" / "jac")
    assert subprocess.run([jac, "samples", "samples"], cwd=work, capture_output=True).returncode == 0
    r = subprocess.run([jac, "compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "csv"],
                       cwd=work, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "6,3"
