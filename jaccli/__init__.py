"""jac: Jacobians and the chain rule, from the shell and from Python.

    from jaccli import jacobian, compose
    compose("samples/f.yaml", "samples/g.yaml", at="1,2").at.exact

The API is imported lazily so that ``jac --help`` stays quick (no sympy).
"""

from __future__ import annotations

__all__ = ["jacobian", "compose", "check", "evaluate_points", "load", "JacError"]


def __getattr__(name: str):
    if name in ("jacobian", "compose", "load"):
        from . import api

        return getattr(api, name)
    if name == "check":
        from .check import check

        return check
    if name == "evaluate_points":
        from .points import evaluate_points

        return evaluate_points
    if name == "JacError":
        from .errors import JacError

        return JacError
    if name == "__version__":
        from importlib.metadata import version

        return version("jaccli")
    raise AttributeError(f"module 'jaccli' has no attribute {name!r}")
