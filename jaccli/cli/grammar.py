"""jac grammar: its options, its help, and the Request it makes."""

from __future__ import annotations

import click

from ..core.docs import LANGUAGE
from .common import JacCommand


@click.command(cls=JacCommand)
def grammar() -> None:
    """The expression language: numbers, operators, functions, points."""
    click.echo(LANGUAGE.rstrip())
