"""jac in Jupyter: ``%load_ext jaccli`` gives the ``%jac`` line magic and the ``%%jac`` cell magic.

    %jac compose samples/f.yaml samples/g.yaml --at 1,2
    r = %jac jacobian "x^2 + y, 2*x*y" --at 1,2        # the result object (it displays itself)

    %%jac jacobian - --at 1,2
    inputs: [x, y]
    outputs:
      f1: x^2 + y
      f2: 2*x*y

A line takes the same arguments as the shell command (``jac`` itself may be left out). In a cell magic the
cell is the SPEC: where the line has ``-`` it is read as standard input would be (a YAML spec or text),
else it is the last SPEC. The magic returns the result object, which Jupyter shows as a typeset page
(MathML); errors are one message, as in the shell, and return None.
"""

from __future__ import annotations

import os
import shlex
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import click

from .cli import main


def jac(line: str, cell: str | None = None) -> Any:
    """Run one jac command line and return its result (None after an error, which is printed)."""
    args = shlex.split(line)
    if args and args[0] == "jac":
        args = args[1:]
    holder: dict[str, Any] = {"result": None}
    if cell is not None:
        if "-" in args:
            holder["stdin"] = cell
        else:
            args.append(cell.strip())
    if not args or args[0] in ("-h", "--help") or any(a in ("-h", "--help") for a in args):
        main.main(args or ["--help"], prog_name="jac", standalone_mode=False)
        return None
    if args[0].startswith("-"):
        print("error: a jac command comes first: %jac jacobian …, %%jac compose - --at 1,2 …", file=sys.stderr)
        return None
    try:
        with _plain_stderr():
            main.main(args, prog_name="jac", standalone_mode=False, obj=holder)
    except click.exceptions.Exit:
        return None
    except click.UsageError as err:
        print(f"error: {err.format_message()}", file=sys.stderr)
        return None
    return holder["result"]


@contextmanager
def _plain_stderr() -> Iterator[None]:
    """Messages without colour codes: a notebook shows them raw."""
    saved = os.environ.get("NO_COLOR")
    os.environ["NO_COLOR"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NO_COLOR", None)
        else:
            os.environ["NO_COLOR"] = saved


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jaccli``: register %jac and %%jac."""
    ipython.register_magic_function(jac, magic_kind="line_cell", magic_name="jac")
