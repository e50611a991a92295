"""Every JSON the test suite makes is checked against the schema jac ships for it (jaccli/schemas/): the
contract users' scripts rely on. conftest's ``run`` calls ``check_output`` after each in-process run."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator

# the schema file of each command's JSON (jacobian and compose share one)
FILES = {"jacobian": "jacobian", "compose": "jacobian", "check": "check", "hessian": "hessian",
         "implicit": "implicit", "critical": "critical", "taylor": "taylor", "cost": "cost",
         "exercise": "exercise", "plot": "plot"}


@cache
def validator(name: str) -> Draft202012Validator:
    text = (resources.files("jaccli") / "schemas" / f"{name}.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(name: str, obj) -> None:
    errors = sorted(validator(name).iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path)
        raise AssertionError(f"{len(errors)} schema violations of {name}.json; first at /{where}: {e.message[:400]}")


def check_output(args: list[str], stdout: str, exit_code: int) -> int:
    """Validate what a jac run printed, when it printed JSON; returns how many objects were checked."""
    if not args or args[0] not in FILES or not stdout.strip():
        return 0
    fmt = args[args.index("--format") + 1] if "--format" in args[:-1] else None
    if fmt != "json":
        return 0
    lines = "--points" in args or "--answers" in args
    name = "points" if "--points" in args else FILES[args[0]]
    objects = [json.loads(line) for line in stdout.splitlines() if line.strip()] if lines else [json.loads(stdout)]
    for obj in objects:
        validate(name, obj)
    return len(objects)
