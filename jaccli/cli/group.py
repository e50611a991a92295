"""The ``jac`` group and its entry point: every JacError becomes one message on stderr and its exit code
(core/errors.ExitCode); a bug becomes a short "internal error" (a traceback with JAC_DEBUG=1); a closed pipe
or a full disk ends quietly or with exit 6. The commands live one per module beside this one."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from ..core.docs import EXIT_CODES
from ..core.errors import ExitCode, JacError
from ..core.request import cli_names
from ..core.sink import Interrupted, OutputClosed, OutputFailed, interruptible, quiet_exit_on_closed_pipe
from ..render.output import say
from .common import JacCommand


class JacGroup(click.Group):
    """Turns every JacError into one message on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with interruptible(), cli_names():
                return super().invoke(ctx)
        except OutputClosed:
            quiet_exit_on_closed_pipe()  # jac … | head -1: the reader has what it wanted
            ctx.exit(ExitCode.PIPE)
        except OutputFailed as err:
            say("error", f"{err}; {err.consequence}", "red")
            ctx.exit(ExitCode.OUTPUT)
        except Interrupted as it:
            say("error", f"{it.name}", "red")
            ctx.exit(it.exit_code)
        except (KeyboardInterrupt, click.Abort):
            say("error", "interrupted (SIGINT)", "red")
            ctx.exit(ExitCode.INTERRUPT)
        except JacError as err:
            say("error", err.render(), "red")
            ctx.exit(err.exit_code)
        except BrokenPipeError:  # help, grammar, schema, samples: click.echo found the reader gone
            quiet_exit_on_closed_pipe()
            ctx.exit(ExitCode.PIPE)
        except OSError as err:
            if err.errno not in WRITE_ERRORS:
                _internal_error(ctx, err)
            quiet_exit_on_closed_pipe()  # drop what could not be written, so the exit flush stays quiet
            say("error", f"cannot write standard output: {err.strerror}; the output is incomplete", "red")
            ctx.exit(ExitCode.OUTPUT)
        except RecursionError:
            say("error", "the input is nested too deeply for jac to process", "red")
            ctx.exit(ExitCode.USAGE)
        except MemoryError:
            say("error", "out of memory: the input is too large", "red")
            ctx.exit(ExitCode.USAGE)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:
            _internal_error(ctx, exc)


# writing standard output failed: a full disk, the file-size limit, an I/O error (a closed pipe is quiet)
WRITE_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT)


def _internal_error(ctx: click.Context, exc: BaseException) -> None:
    """A bug: say so briefly, no traceback unless asked (JAC_DEBUG=1)."""

    if os.environ.get("JAC_DEBUG"):
        raise exc
    say("internal error", f"{type(exc).__name__}: {exc}\n"
        "this is a bug in jac; please report it with the command you ran "
        "(set JAC_DEBUG=1 for a traceback)", "red")
    ctx.exit(ExitCode.INTERNAL)




JacGroup.command_class = JacCommand  # a command added with @main.command() is one too


@click.group(cls=JacGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES)
@click.version_option(package_name="jaccli", prog_name="jac", message="%(prog)s %(version)s")
def main() -> None:
    """jac: Jacobians and the chain rule, step by step.

    A SPEC is a vector function: a YAML file (inputs and outputs), inline
    text such as "x^2 + y, 2*x*y", or - for standard input. Jacobians are
    laid out with rows = outputs and columns = inputs (m×n for f: Rⁿ → Rᵐ).
    Run 'jac grammar' for the expression language. The examples use jac's
    sample files: 'jac samples samples' copies them into ./samples.
    """




def _usage_error(err: click.UsageError) -> None:
    """A usage error in jac's words, like every other error: ``error: …`` and where the help is."""
    message = err.format_message().replace(": \n", ":\n")
    where = f"\n(see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
    color = False if os.environ.get("NO_COLOR") else None
    click.echo(click.style("error:", fg="red", bold=True) + " " + message + where, err=True, color=color)


def entry() -> None:
    """The ``jac`` command: click's main, then a last flush of standard output that cannot end in a
    traceback (``jac --help > /dev/full``: a message and exit 6; a closed pipe: quiet, exit 141)."""

    code = 0
    try:
        try:
            # not standalone: click would turn a closed pipe into a silent exit 1
            result = main.main(prog_name="jac", standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except click.exceptions.Exit as done:
            code = done.exit_code
        except click.UsageError as err:
            _usage_error(err)
            code = err.exit_code
        except click.ClickException as err:
            err.show()
            code = err.exit_code
        except click.Abort:
            click.echo("error: interrupted (SIGINT)", err=True)
            code = ExitCode.INTERRUPT
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):  # click's answer to EPIPE: a silent exit 1
                code = ExitCode.PIPE
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_exit_on_closed_pipe()
        code = ExitCode.PIPE
    except OSError as err:  # help or version text on a full disk: click wrote it directly
        quiet_exit_on_closed_pipe()  # drop what Python could not write, so its exit flush stays quiet
        click.echo(f"error: cannot write standard output: {err.strerror}", err=True)
        code = ExitCode.OUTPUT
    sys.exit(code)
