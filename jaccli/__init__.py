"""jac: Jacobians and the chain rule, from the shell and from Python.

    from jaccli import jacobian, compose, check
    compose("samples/f.yaml", "samples/g.yaml", at="1,2").at.exact

The API is imported lazily so that ``jac --help`` stays quick (no sympy). No
module of the package is named like a function here (``jaccli.check`` is the
function, its module is ``jaccli.jobs.check``), so an import of one never hides
the other.
"""

from __future__ import annotations

from typing import Any

__all__ = ["jacobian", "compose", "check", "hessian", "implicit", "evaluate_points", "cost", "load", "run", "make",
           "JacError"]

_WHERE = {
    **{name: ("api", name) for name in ("jacobian", "compose", "check", "hessian", "implicit", "evaluate_points",
                                        "cost", "load")},
    "run": ("app.runner", "run"), "make": ("core.request", "make"), "JacError": ("core.errors", "JacError"),
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        # deferred: importlib, only this path
        from importlib import import_module

        module, attribute = _WHERE[name]
        value = getattr(import_module(f".{module}", __name__), attribute)
        globals()[name] = value  # later lookups skip this hook
        return value
    if name == "errors":  # the JacError family, as `jaccli.errors` (its home is jaccli.core.errors)
        # deferred: importlib, only this path
        from importlib import import_module

        return import_module(".core.errors", __name__)
    if name == "__version__":
        # deferred: importlib, only this path
        from importlib.metadata import version

        return version("jaccli")
    raise AttributeError(f"module 'jaccli' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jaccli`` in Jupyter or IPython: the %jac and %%jac magics (jaccli/notebook.py)."""
    # deferred: only this path needs it
    from .notebook import load_ipython_extension as load

    load(ipython)


def __dir__() -> list[str]:
    return sorted(__all__)
