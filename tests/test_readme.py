"""The README tells the truth: its output is real and its examples run."""

import re
import shlex

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


def _examples():
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.strip().splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("python3"):
                continue
            yield line


def test_readme_examples_run(run):
    examples = list(_examples())
    assert len(examples) >= 5
    for line in examples:
        stdin = None
        if "|" in line:
            producer, line = (part.strip() for part in line.split("|", 1))
            stdin = shlex.split(producer)[1] + "\n"
        args = shlex.split(line)
        assert args[0] == "jac"
        r = run(*args[1:], input=stdin)
        assert r.exit_code == 0, (line, r.stderr)


def test_every_command_is_documented(run):
    from jaccli.cli import main

    for name in main.commands:
        assert f"jac {name}" in README, name
