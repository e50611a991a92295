"""jac schema: its options, its help, and the Request it makes."""

from __future__ import annotations

from importlib import resources

import click

from .common import JacCommand, examples

SCHEMA_NAMES = ("jacobian", "compose", "points", "check", "hessian", "implicit", "critical", "taylor", "cost",
                "exercise", "plot")



@click.command(cls=JacCommand)
@click.argument("name", type=click.Choice(SCHEMA_NAMES), metavar="COMMAND")
@examples("""  jac schema compose
  jac schema points""")
def schema(name: str) -> None:
    """The JSON Schema (draft 2020-12) of a command's --format json output:
    jacobian and compose share one; points is the JSON Lines of --points
    (header, row and error objects); check also covers --answers (one
    object per line). A key is filled or absent, never null; the schema
    says when each is present, and "schema" in every object is its version."""

    file = "jacobian" if name == "compose" else name
    click.echo((resources.files("jaccli") / "schemas" / f"{file}.json").read_text(encoding="utf-8").rstrip())
