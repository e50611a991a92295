"""The README and every --help tell the truth, for someone who installed jac: each command they print runs
as printed, with the installed ``jac`` console script, in a shell, from a folder outside the checkout that
holds only the user's files (the samples, copied out by ``jac samples samples`` as the help says).

A command fails here on an internal error, a traceback or a missing module, or when it does not exit with
the code the README states (``# exit N``; none stated means 0)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import JAC, ROOT

README = (ROOT / "README.md").read_text()
BIN = str(Path(JAC[0]).parent) if len(JAC) == 1 else str(Path(sys.executable).parent)
BROKEN = ("internal error", "Traceback", "ModuleNotFoundError", "ImportError", "No module named")


def _strip(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


@pytest.fixture
def user_folder(tmp_path):
    """A new user's folder: empty, then the samples as `jac samples samples` copies them."""
    folder = tmp_path / "work"
    folder.mkdir()
    r = _shell("jac samples samples", folder)
    assert r.returncode == 0, r.stderr
    return folder


def _shell(line: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("JAC_DEBUG", "PYTHONPATH", "FORCE_COLOR")}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _command_and_code(line):
    """``jac … # exit 1: why`` → (``jac …``, 1); no marker means exit 0."""
    code = int(line.rsplit("# exit ", 1)[1].split(":")[0].split()[0]) if "# exit " in line else 0
    return line.split("  #")[0].strip(), code


def _readme_lines():
    """(command line, expected exit code) for every jac line in the README's sh blocks."""
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.strip().splitlines():
            command, code = _command_and_code(line)
            if not command.startswith("python3"):
                yield command, code


def _help_lines():
    from jaccli.cli import main

    for command in main.commands.values():
        text = command.help or ""
        if "Examples" not in text:
            continue
        block = re.split(r"Examples[^\n]*:\n", text, maxsplit=1)[1].split("Exit codes:", 1)[0]
        for line in block.strip().splitlines():
            command_line, code = _command_and_code(line.strip())
            if command_line.startswith("jac ") or " | jac " in command_line:
                yield command_line, code


def _runs_as_printed(lines, folder):
    bad = []
    for line, code in lines:
        r = _shell(line, folder)
        broken = [word for word in BROKEN if word in r.stderr + r.stdout]
        if r.returncode != code or broken:
            bad.append(f"{line}\n    exit {r.returncode} (expected {code}) {broken}: {r.stderr.strip()[:300]}")
    return bad


def test_quickstart_output_is_real(user_folder):
    block = re.search(r"<!-- quickstart-output -->\n```\n(.*?)```", README, re.S).group(1)
    r = _shell("jac compose samples/f.yaml samples/g.yaml --at 1,2", user_folder)
    assert r.returncode == 0, r.stderr
    assert _strip(r.stdout) == _strip(block)


def test_quickstart_commands():
    assert "python3 -m pip install . && jac compose samples/f.yaml samples/g.yaml --at 1,2" in README
    test_cmd = "python3 scripts/test_installed.py"
    assert f"```sh\n{test_cmd}\n```" in README
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_readme_commands_run_as_printed(user_folder):
    lines = list(_readme_lines())
    assert len(lines) >= 40
    bad = _runs_as_printed(lines, user_folder)
    assert not bad, f"{len(bad)} of {len(lines)} README commands fail:\n" + "\n".join(bad)


def test_help_examples_run_as_printed(user_folder):
    lines = list(_help_lines())
    assert len(lines) >= 30
    bad = _runs_as_printed(lines, user_folder)
    assert not bad, f"{len(bad)} of {len(lines)} --help examples fail:\n" + "\n".join(bad)


def test_every_help_that_uses_the_samples_says_how_to_get_them():
    from jaccli.cli import main

    for name, command in main.commands.items():
        if "samples/" in (command.help or ""):
            assert "jac samples samples" in command.help, name


def test_python_dash_m_runs_the_installed_package(user_folder):
    r = _shell(f"{shlex.quote(sys.executable)} -m jaccli compose samples/f.yaml samples/g.yaml --at 1,2 --format csv",
               user_folder)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "6,3"
    version = _shell(f"{shlex.quote(sys.executable)} -m jaccli --version", user_folder)
    from importlib.metadata import version as installed_version

    assert version.stdout.strip() == f"jac {installed_version('jaccli')}"


def test_every_command_is_documented():
    from jaccli.cli import main

    for name in main.commands:
        assert f"jac {name}" in README, name


def test_python_api_snippet_runs(user_folder, monkeypatch):
    """The README's Python example, line by line, in the user's folder: each value shown in a comment is what
    it gives."""
    monkeypatch.chdir(user_folder)
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    checked = 0
    import jaccli

    for line in "\n".join(blocks).splitlines():
        code, _, comment = line.partition("#")
        if not code.strip():
            continue
        statement = code.rstrip()
        shown = comment.strip().split("   ")[0]
        error = re.match(r"(\w+Error): (.*)", shown)
        if error:  # the comment shows the error it raises, and its message
            with pytest.raises(getattr(jaccli.core.errors, error.group(1))) as info:
                eval(statement, namespace)  # test code reading the README, never user input
            assert str(info.value).splitlines()[0] == error.group(2)
            checked += 1
        elif comment.strip() and not statement.startswith(("from ", "import ")) and "=" not in statement.split("(")[0]:
            value = eval(statement, namespace)  # test code reading the README, never user input
            assert repr(value) == shown or str(value) == shown, (statement, value, shown)
            checked += 1
        else:
            exec(statement, namespace)
    assert checked >= 10
    assert callable(namespace["check"]) and namespace["check"].__module__ == "jaccli.api"  # not shadowed by a module


def _fences():
    """(language, text) of every fenced code block of the README, in order."""
    language, lines = None, []
    for line in README.splitlines():
        if line.startswith("```"):
            if language is None:
                language, lines = line[3:].strip(), []
            else:
                yield language, "\n".join(lines) + "\n"
                language = None
        elif language is not None:
            lines.append(line)


def _transcripts():
    """README blocks that show a session: ``$ jac …`` lines, each followed by what it prints."""
    for language, block in _fences():
        if language not in ("", "text") or not block.startswith("$ jac"):
            continue
        session: list[tuple[str, list[str]]] = []
        for line in block.rstrip("\n").splitlines():
            if line.startswith("$ "):
                session.append((line[2:], []))
            else:
                session[-1][1].append(line)
        yield session


def _pattern(shown: list[str]) -> re.Pattern:
    """What a transcript shows, as a pattern over whitespace-normalised output: '…' stands for anything
    (a line of its own, or a part of a line)."""
    parts = [".*?".join(re.escape(piece) for piece in " ".join(line.split()).split("…")) for line in shown]
    return re.compile(r"\s*".join(parts), re.S)


def test_readme_transcripts_are_what_jac_prints(user_folder):
    sessions = list(_transcripts())
    assert len(sessions) >= 3
    for session in sessions:
        for command, shown in session:
            r = _shell(command, user_folder)
            assert not [w for w in BROKEN if w in r.stderr], (command, r.stderr)
            out = " ".join((r.stdout + "\n" + r.stderr).split())
            if shown:
                assert _pattern(shown).search(out), f"{command}\nREADME shows:\n" + "\n".join(shown) + \
                    f"\njac printed:\n{r.stdout}{r.stderr}"
