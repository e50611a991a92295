"""The JSON contract: the schemas jac ships are valid JSON Schemas, made from scripts/make_schemas.py (so a
shared piece is defined once), carry the version jac writes, and `jac schema` prints them. Every JSON the
suite produces is validated against them (conftest's run fixture, test_options)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest
from conftest import ROOT
from jsonschema import Draft202012Validator
from schema_check import validate

NAMES = ["jacobian", "points", "check", "hessian", "implicit", "critical", "taylor", "cost", "exercise", "plot"]


@pytest.mark.parametrize("name", NAMES)
def test_each_schema_is_valid_and_has_the_version_jac_writes(name):
    from jaccli.render.json import SCHEMA_VERSION

    schema = json.loads((resources.files("jaccli") / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    text = json.dumps(schema)
    assert f'"const": {SCHEMA_VERSION}' in text


def test_the_shipped_schemas_are_what_the_generator_writes():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_schemas.py"), "--check"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_jac_schema_prints_them(run):
    for name in ("compose", "points", "check"):
        r = run("schema", name)
        assert r.exit_code == 0
        assert json.loads(r.stdout)["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert run("schema", "nope").exit_code == 2


def test_a_violation_is_caught():
    """The checker can fail: a null, an unknown key and a wrong type are each a violation."""
    good = json.loads(run_json("jacobian", "x^2 y", "--vars", "x,y", "--at", "1,2"))
    validate("jacobian", good)
    for bad in ({**good, "point": None}, {**good, "surprise": 1}, {**good, "shape": "2x1"}):
        with pytest.raises(AssertionError, match="schema violations"):
            validate("jacobian", bad)


def test_json_lines_rows_and_errors_validate(tmp_path):
    (tmp_path / "p.csv").write_text("r,theta,phi\n1,0.5,0.25\n1,x,2\n")
    out = run_json("jacobian", "samples/spherical.yaml", "--points", str(tmp_path / "p.csv"))
    kinds = [json.loads(line)["type"] for line in out.splitlines()]
    assert kinds == ["header", "row", "error"]
    for line in out.splitlines():
        validate("points", json.loads(line))


def run_json(*args) -> str:
    from click.testing import CliRunner

    from jaccli.cli import main

    return CliRunner().invoke(main, [*args, "--format", "json"]).stdout
