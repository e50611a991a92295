"""The README tells the truth: its output is real and its examples run."""

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text()


def _strip(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def test_quickstart_output_is_real(run):
    block = re.search(r"<!-- quickstart-output -->\n```\n(.*?)```", README, re.S).group(1)
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2")
    assert r.exit_code == 0
    assert _strip(r.stdout) == _strip(block)


def test_quickstart_commands():
    assert "python3 -m pip install . && jac compose samples/f.yaml samples/g.yaml --at 1,2" in README
    test_cmd = "python3 -m pip install '.[test]' && python3 -m pytest"
    assert test_cmd in README
    assert "python3 -m pytest" in (ROOT / ".ci" / "run").read_text()


def _command_and_code(line):
    """``jac … # exit 1: why`` → (``jac …``, 1); no marker means exit 0."""
    code = int(line.rsplit("# exit ", 1)[1].split(":")[0].split()[0]) if "# exit " in line else 0
    return line.split("  #")[0].strip(), code


def _examples():
    """(command line, expected exit code) for every jac line in the README's sh blocks."""
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.strip().splitlines():
            command, code = _command_and_code(line)
            if not command.startswith("python3"):
                yield command, code


def _run_line(run, line, out_dir):
    """A shell line as the README writes it: jac …, or echo TEXT | jac …; files it writes (-o FILE) go to
    out_dir, not into the repository."""
    stdin = None
    if "|" in line:
        producer, line = (part.strip() for part in line.split("|", 1))
        stdin = shlex.split(producer)[1] + "\n"
    args = shlex.split(line)
    assert args[0] == "jac"
    for k, arg in enumerate(args[:-1]):
        if arg in ("-o", "--output"):
            args[k + 1] = str(out_dir / Path(args[k + 1]).name)
    return run(*args[1:], input=stdin)


def test_readme_examples_run(run, tmp_path):
    examples = list(_examples())
    assert len(examples) >= 10
    for line, code in examples:
        r = _run_line(run, line, tmp_path)
        assert r.exit_code == code, (line, r.stderr)


def test_every_command_is_documented(run):
    from jaccli.cli import main

    for name in main.commands:
        assert f"jac {name}" in README, name


def _help_examples():
    from jaccli.cli import main

    for command in main.commands.values():
        text = command.help or ""
        if "Examples:" not in text:
            continue
        block = text.split("Examples:", 1)[1].split("Exit codes:", 1)[0]
        for line in block.strip().splitlines():
            command, code = _command_and_code(line.strip())
            if command.startswith("jac ") or " | jac " in command:
                yield command, code


def test_help_examples_run(run, tmp_path):
    examples = list(_help_examples())
    assert len(examples) >= 12
    for line, code in examples:
        r = _run_line(run, line, tmp_path)
        assert r.exit_code == code, (line, r.stderr)


def test_python_api_snippet_runs():
    """The README's Python example, line by line: each value shown in a comment is what it gives."""
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
            with pytest.raises(getattr(jaccli.errors, error.group(1))) as info:
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
