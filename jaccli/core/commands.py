"""The one registry of jac's commands: for each, the job that computes its result (app/runner.py runs it), the
rules its options follow (core/validate.py), the formats it prints, and the few ways it differs from the
others. Nothing else in jac compares command names: a module asks its command's spec.

Jobs and rules are named as ``module:function`` and imported when a command runs, so that knowing the
commands (``jac --help``) imports none of them. Adding a command is a line here, its job in jobs/, its
result type in results/ with a renderer in render/, and its options in one module of cli/.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, cast

TEXT_FORMATS = ("table", "plain", "json", "latex", "html")


@dataclass(frozen=True)
class CommandSpec:
    name: str
    job: str  # "module:function": function(request) → the finished result
    formats: tuple[str, ...]  # what it can print; the first is the default unless "table" is among them
    rules: str | None = None  # "module:function": function(request, given, format) raising UsageError
    specs: str = "any"  # "one": exactly one SPEC; "chain": one or more, composed; "any"
    composes: bool = False  # a composition: the chain rule is shown even for one factor
    verdict: bool = False  # a result that did not pass exits 1 (a wrong answer)
    picture: bool = False  # the result is a picture drawn into -o FILE; stdout says what it shows
    error_objects: bool = False  # --format json: an input that cannot be read is a JSON object too
    calls_back: bool = False  # the job runs other requests itself: it is given app.runner.run
    own_budgets: Callable[[Any], bool] = lambda request: False  # the job gives each item a budget of its own

    @property
    def default_format(self) -> str:
        return "table" if "table" in self.formats else self.formats[0]

    def load_job(self) -> Callable[..., Any]:
        return cast("Callable[..., Any]", _resolve(self.job))

    def load_rules(self) -> Callable[..., None] | None:
        return _resolve(self.rules) if self.rules else None


def _resolve(path: str) -> Any:
    module, name = path.split(":")
    return getattr(import_module(module), name)


_JACOBIAN = TEXT_FORMATS + ("csv",)
_HUMAN = ("table", "plain", "json", "html")

COMMANDS: dict[str, CommandSpec] = {spec.name: spec for spec in (
    CommandSpec("jacobian", "jaccli.jobs.jacobian:run", _JACOBIAN, "jaccli.core.validate:jacobian_rules",
                specs="one"),
    CommandSpec("compose", "jaccli.jobs.jacobian:run", _JACOBIAN, "jaccli.core.validate:jacobian_rules",
                specs="chain", composes=True),
    CommandSpec("check", "jaccli.jobs.grading:check_job", _JACOBIAN, "jaccli.core.validate:check_rules",
                verdict=True, error_objects=True,
                own_budgets=lambda request: request.answers is not None or request.key is not None),
    CommandSpec("hessian", "jaccli.jobs.hessian:run", TEXT_FORMATS),
    CommandSpec("implicit", "jaccli.jobs.implicit:run", TEXT_FORMATS, specs="one"),
    CommandSpec("cost", "jaccli.jobs.cost:run", _HUMAN, "jaccli.core.validate:cost_rules"),
    CommandSpec("taylor", "jaccli.jobs.taylor:run", TEXT_FORMATS),
    CommandSpec("critical", "jaccli.jobs.critical:run", _HUMAN),
    CommandSpec("exercise", "jaccli.jobs.exercise:from_request", ("markdown", "latex", "json"), calls_back=True,
                own_budgets=lambda request: True),
    CommandSpec("plot", "jaccli.jobs.plot:run", ("table", "plain", "json"), "jaccli.core.validate:plot_rules",
                picture=True),
    CommandSpec("codegen", "jaccli.jobs.codegen:run", ("plain",)),
)}

