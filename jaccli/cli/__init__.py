"""The ``jac`` command: a thin click layer. Each command is one module here (its options, its help); it
turns its options into a Request (core/request), runs it (app/runner) and writes the result
(render/output); group.py turns errors into one message and an exit code. Heavy imports (sympy, numpy,
rich) happen inside the commands, so ``jac --help`` is quick. A new command: a module here, added below,
and its CommandSpec in core/commands."""

from __future__ import annotations

from .check import check
from .codegen import codegen
from .compose import compose
from .cost import cost
from .critical import critical
from .exercise import exercise
from .grammar import grammar
from .group import entry, main
from .hessian import hessian
from .implicit import implicit
from .jacobian import jacobian
from .plot import plot
from .samples import samples
from .schema import schema
from .taylor import taylor

for _command in (check, codegen, compose, cost, critical, exercise, grammar, hessian, implicit, jacobian, plot, samples, schema, taylor):
    main.add_command(_command)

__all__ = ["entry", "main"]
