"""Reading the notation corpus (tests/corpus/notation.yaml): what jac read, and what the entry means,
evaluated independently with Python's math module. Shared by tests/test_notation.py and
benchmarks/bench_notation.py."""

from __future__ import annotations

import math
import random
from pathlib import Path

import yaml

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "notation.yaml").read_text())

NAMESPACE = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
NAMESPACE.update(abs=abs, pi=math.pi, e=math.e)


def point_for(entry: dict) -> dict[str, float]:
    rng = random.Random(entry["text"])
    values = {name: rng.uniform(0.2, 0.9) for name in entry.get("inputs", [])}
    values.update(entry.get("at", {}))
    return values


def intended(entry: dict, values: dict[str, float]):
    """The entry's meaning, from its Python expressions (rows of them for answers)."""
    env = {**NAMESPACE, **values}
    python = entry["python"]
    if entry.get("kind") == "answer":
        return [[float(eval(cell, env)) for cell in row] for row in python]  # noqa: S307 - the test corpus, not user input
    return [float(eval(cell, env)) for cell in python]  # noqa: S307


def read(entry: dict, values: dict[str, float]):
    """What jac reads, evaluated at the same values."""
    import sympy as sp

    from jaccli.calculus.symbols import symbol
    from jaccli.core.errors import ParseError
    from jaccli.parse import forms
    from jaccli.parse.answer import load_answer
    from jaccli.parse.entries import parse_det
    from jaccli.parse.spec import from_text

    kind = entry.get("kind", "spec")
    names = tuple(entry.get("inputs", ()))
    subs = {symbol(n): sp.Float(v, 30) for n, v in values.items()}

    def number(expr) -> float:
        return float(sp.N(expr.xreplace(subs), 20))

    if kind == "point":
        return [float(sp.N(item.value, 20)) for item in forms.parse_point(entry["text"])]
    if kind == "answer":
        matrix = load_answer(entry["text"], names).matrix
        return [[number(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    if kind == "det":
        return [number(parse_det(entry["text"], names, None))]
    equations = kind == "implicit"
    try:
        fn = from_text(entry["text"], vars=list(names) or None, equations=equations)
    except ParseError as err:
        if "declares the inputs" not in err.message:
            raise
        fn = from_text(entry["text"], equations=equations)  # the text declares its own order
    return [number(e) for e in fn.outputs]


def agrees(a, b) -> bool:
    flat_a = [v for row in a for v in (row if isinstance(row, list) else [row])]
    flat_b = [v for row in b for v in (row if isinstance(row, list) else [row])]
    return len(flat_a) == len(flat_b) and all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)
                                               for x, y in zip(flat_a, flat_b))
