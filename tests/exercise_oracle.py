"""An independent answer for a generated exercise: sympy's own Matrix.jacobian, hessian and solve on the
exercise's functions (read by jac's parser, nothing else of jac), substituted at the point — compared
with the answer jac printed. Used by tests/test_exercise.py and benchmarks/bench_exercise.py."""

from __future__ import annotations

import sympy as sp

from jaccli.jobs.exercise import Exercise, _read


def _point(at: str, names) -> dict:
    if "=" in at:
        pairs = dict(part.split("=") for part in at.split(","))
        return {sp.Symbol(n, real=True): sp.Integer(int(pairs[n])) for n in names}
    return {sp.Symbol(n, real=True): sp.Integer(int(v)) for n, v in zip(names, at.split(","))}


def _subs(expr, fn, values: dict):
    by_name = {s.name: v for s, v in values.items()}
    return expr.subs({s: by_name[s.name] for s in fn.symbols if s.name in by_name})


def _answer_matrix(text: str) -> sp.Matrix:
    rows = [r.strip(" []") for r in text.strip()[1:-1].split("],")]
    return sp.Matrix([[sp.Rational(v.strip()) for v in r.split(",")] for r in rows])


def independent_answer_matches(ex: Exercise) -> bool:
    kind = ex.kind
    if kind in ("jacobian", "determinant", "hessian"):
        fn = _read(ex.specs[0])
        X = sp.Matrix(fn.symbols)
        J = sp.Matrix(fn.outputs).jacobian(X) if kind != "hessian" else sp.hessian(fn.outputs[0], list(fn.symbols))
        at = {s: v for s, v in zip(fn.symbols, (sp.Integer(int(v)) for v in ex.at.split(",")))}
        value = J.subs(at)
        if kind == "determinant":
            return sp.simplify(value.det() - sp.Rational(ex.answer)) == 0
        return sp.simplify(value - _answer_matrix(ex.answer)) == sp.zeros(*value.shape)
    if kind == "change-of-variables":
        fn = _read(ex.specs[0])
        det = sp.Matrix(fn.outputs).jacobian(sp.Matrix(fn.symbols)).det()
        answer = _read(f"({', '.join(fn.inputs)}) -> {ex.answer}").outputs[0]
        return sp.simplify(det - answer) == 0
    if kind == "chain":
        inner, outer = _read(ex.specs[0]), _read(ex.specs[1])
        by_name = dict(zip(inner.output_names, inner.outputs))  # w(x, y) takes x and y by name
        composed = outer.outputs[0].subs({s: by_name[s.name] for s in outer.symbols}, simultaneous=True)
        grad = sp.Matrix([[sp.diff(composed, s) for s in inner.symbols]])
        at = {s: sp.Integer(int(v)) for s, v in zip(inner.symbols, ex.at.split(","))}
        return sp.simplify(grad.subs(at) - _answer_matrix(ex.answer)) == sp.zeros(*grad.shape)
    if kind == "implicit":
        left = ex.specs[0].rsplit("=", 1)[0]
        fn = _read(f"(x, y, z) -> {left}")
        F = fn.outputs[0]
        x, y, z = fn.symbols
        at = dict(zip((x, y, z), (sp.Integer(int(p.split("=")[1])) for p in ex.at.split(","))))
        dzdx = (-sp.diff(F, x) / sp.diff(F, z)).subs(at)
        dzdy = (-sp.diff(F, y) / sp.diff(F, z)).subs(at)
        return sp.simplify(sp.Matrix([[dzdx, dzdy]]) - _answer_matrix(ex.answer)) == sp.zeros(1, 2)
    if kind == "critical":
        fn = _read(ex.specs[0])
        f = fn.outputs[0]
        solutions = sp.solve([sp.diff(f, s) for s in fn.symbols], list(fn.symbols), dict=True)
        found = {}
        for s in solutions:
            if all(v.is_real for v in s.values()):
                point = tuple(s[v] for v in fn.symbols)
                H = sp.hessian(f, list(fn.symbols)).subs(s)
                eig = [complex(v).real for v in H.eigenvals(multiple=True)]
                kind_word = ("local minimum" if min(eig) > 0 else "local maximum" if max(eig) < 0 else
                             "saddle point" if min(eig) < 0 < max(eig) else "inconclusive")
                found[point] = kind_word
        printed = {}
        for part in ex.answer.split(";"):
            coords, word = part.strip()[1:].split(")", 1)
            printed[tuple(sp.Rational(c.strip()) for c in coords.split(","))] = word.strip()
        return found == printed
    raise ValueError(kind)
