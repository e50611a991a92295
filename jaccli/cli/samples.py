"""jac samples: its options, its help, and the Request it makes."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.samples import copy_to, listing
from ..core.errors import UsageError
from ..render.output import say
from .common import JacCommand, examples


@click.command(cls=JacCommand)
@click.argument("directory", required=False, metavar="[DIR]")
@click.option("--force", is_flag=True, help="Overwrite sample files in DIR that differ from jac's.")
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
@examples("""  jac samples
  jac samples samples
  jac compose samples/f.yaml samples/g.yaml --at 1,2""")
def samples(directory: str | None, force: bool, quiet: bool) -> None:
    """The sample files the examples use. Without DIR: what they are.
    With DIR: copy them into DIR (made if missing), so that the examples
    in every command's help and in the README run as printed, e.g.
    'jac samples samples' and then 'jac compose samples/f.yaml …'.
    A file you changed is kept unless --force."""

    if directory is None:
        width = max(len(s.name) for s in listing())
        for s in listing():
            click.echo(f"{s.name:<{width}}  {s.description}".rstrip())
        if not quiet:
            say("note", "copy them with: jac samples DIR (for example: jac samples samples)", "yellow")
        return
    try:
        done = copy_to(Path(directory), force=force)
    except OSError as err:
        raise UsageError(f"cannot copy the samples into {directory}: {err.strerror or err}") from None
    for name in done.written:
        click.echo(str(Path(directory) / name))
    if not quiet:
        if done.unchanged:
            say("note", f"{len(done.unchanged)} files were there already, identical", "yellow")
        for name in done.kept:
            say("note", f"kept {Path(directory) / name}: it differs from jac's sample (--force replaces it)",
                "yellow")
