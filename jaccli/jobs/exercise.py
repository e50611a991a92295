"""Exercises with verified answers: ``jac exercise --kind KIND --seed N [--count K] [--difficulty 1-3]``.

Each exercise is built from random but *nice* pieces, chosen so that the answer is an integer or a
simple exact number: polynomials with small integer coefficients at integer points (difficulty 1);
exp, log, sin, cos and square roots of arguments that vanish at the point, so that their values and
derivatives there are integers or simple fractions (2); products, quotients and three variables (3).

Every answer is computed by jac and then *checked by jac* (``jac check`` of the printed answer against
the printed question) before the exercise is printed; a candidate whose computation meets an undefined
point, a degenerate case (a singular ∂F/∂z, a zero determinant, an inconclusive critical point) or an
answer that is not simple is discarded and the next one drawn — from the same seed, so a sheet is
reproducible. A teacher's roster (``--students roster.csv``) gives every id its own seed and a key
(``--key FILE``: id, question, specs, point and answer per exercise) that ``jac check --key`` grades with.
"""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import json
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import sympy as sp

from ..calculus.printing import matrix_latex, to_latex, to_text
from ..core.errors import JacError, SpecError
from ..core.request import make, option
from ..core.sink import atomic_output
from ..core.untrusted import cell, visible
from ..parse.loading import load
from ..parse.sources import input_limit, read_file
from ..results.tools import Exercise, ExerciseSheet

if TYPE_CHECKING:
    from ..model.function import VectorFunction

KINDS = ("jacobian", "chain", "determinant", "change-of-variables", "implicit", "hessian", "critical")
MAX_TRIES = 200  # candidates drawn per exercise before giving up (never reached in the tests' 5,000 seeds)


def student_seed(seed: int, student: str) -> int:
    """A student's own seed: stable across runs and machines (not Python's salted hash)."""
    digest = hashlib.sha256(f"{seed}:{student}".encode()).hexdigest()
    return int(digest[:12], 16)


def make_sheet(kind: str, seed: int, count: int, difficulty: int, student: str | None = None, *,
               run: Callable[[Any], Any]) -> ExerciseSheet:
    """``run``: jac's run(request), which computes and checks every answer."""
    if kind not in KINDS:
        raise SpecError(f"{option('kind')} {kind!r}: jac makes {', '.join(KINDS)}")
    rng = random.Random(seed)
    token = _RUN.set(run)
    try:
        exercises = [_one(kind, rng, difficulty, k + 1, seed) for k in range(count)]
    finally:
        _RUN.reset(token)
    return ExerciseSheet(exercises, kind, seed, difficulty, student)


def from_request(request: Any, run: Callable[[Any], Any]) -> ExerciseSheet:
    """One sheet, or with --students one per id of the roster (its own seed); --key writes the answer key."""
    if request.kind is None:
        raise SpecError(f"give {option('kind')}: {', '.join(KINDS)}")
    if request.students is None:
        sheet = make_sheet(request.kind, request.seed, request.count, request.difficulty, run=run)
    else:
        ids = read_roster(request.students)
        sheets = [make_sheet(request.kind, student_seed(request.seed, sid), request.count, request.difficulty, sid,
                             run=run) for sid in ids]
        sheet = ExerciseSheet([], request.kind, request.seed, request.difficulty, sheets=sheets)
    if request.key is not None:
        write_key(sheet, request.key)
    return sheet


def read_roster(path: str) -> list[str]:
    """Student ids: a CSV with an ``id`` column (or one id per line)."""

    text = read_file(Path(path), input_limit(), "roster")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise SpecError(f"{option('students')} {path}: no students")
    header = [c.strip().lower() for c in rows[0]]
    column = header.index("id") if "id" in header else None
    ids = [r[column].strip() for r in rows[1:]] if column is not None else [r[0].strip() for r in rows]
    if len(set(ids)) != len(ids):
        raise SpecError(f"{option('students')} {path}: an id appears twice", hint="one row per student")
    return ids


KEY_COLUMNS = ("id", "exercise", "kind", "specs", "at", "options", "answer")


def write_key(sheet: ExerciseSheet, path: str) -> None:
    """id, exercise, kind, specs (jac syntax, ' ;; ' between specs), at, options, answer: what
    ``jac check --key`` grades a class's answers against."""

    with atomic_output(path) as out, open(out.path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(KEY_COLUMNS)
        for s in sheet.sheets or [sheet]:
            for e in s.exercises:
                options = {k: v for k, v in _options_of(e.check).items() if k != "at"}
                if e.options.get("det"):
                    options["det"] = True
                # a roster's ids are untrusted, and "-1,2" or "-x^2 + y" would be formulas in a spreadsheet:
                # cells get the apostrophe of untrusted.cell, which jac check --key takes off again
                writer.writerow([cell(visible(s.student or "")), e.number, e.kind, cell(" ;; ".join(e.specs)),
                                 cell(e.at or ""), json.dumps(options), cell(e.answer)])


def _one(kind: str, rng: random.Random, difficulty: int, number: int, seed: int) -> Exercise:
    build = _BUILDERS[kind]
    for _ in range(MAX_TRIES):
        try:
            exercise = build(rng, difficulty)
            _tidy_specs(exercise)
        except (JacError, _Reject, ZeroDivisionError):
            continue
        exercise.number, exercise.seed = number, seed
        _verify(exercise)  # the tidy texts are what is checked, and what the key holds
        return exercise
    raise SpecError(f"no {kind} exercise found in {MAX_TRIES} tries", hint="this is a bug in jac: please report it")


# The exercises are computed and checked by jac's own run(request), handed in by the caller (runner.py,
# or a test): this module never imports the runner, which runs it (no import cycle).
_RUN: contextvars.ContextVar[Callable[[Any], Any]] = contextvars.ContextVar("jac_exercise_run")


def _calc(command: str, specs: list[str], **options: Any) -> Any:
    return _RUN.get()(make(command, specs, **options))  # type: ignore[arg-type]


class _Reject(Exception):
    """A candidate that is not nice (or degenerate): draw the next one."""


# ---------------------------------------------------------------------------
# Nice pieces

def _term(rng: random.Random, names: list[str], point: dict[str, int], difficulty: int) -> str:
    v = rng.choice(names)
    c = rng.choice([1, 2, 3, -1, -2, 4, 5])
    shift = _shifted(v, point[v])
    simple = [f"{c}*{v}^{rng.randint(1, 3)}", f"{c}*{v}*{rng.choice(names)}"]
    if difficulty >= 2:
        simple += [f"{c}*exp({shift})", f"{c}*log({shift} + 1)", f"{c}*sin({shift})", f"{c}*cos({shift})",
                   f"{c}*sqrt({shift} + 1)"]
    if difficulty >= 3:
        w = rng.choice(names)
        simple += [f"{c}*{v}*exp({_shifted(w, point[w])})", f"{c}*{v}/({_shifted(w, point[w])} + 1)",
                   f"{c}*{v}^2*sin({_shifted(w, point[w])})"]
    return rng.choice(simple)


def _shifted(v: str, value: int) -> str:
    return v if value == 0 else f"({v} - {value})" if value > 0 else f"({v} + {-value})"


def _component(rng: random.Random, names: list[str], point: dict[str, int], difficulty: int) -> str:
    terms = [_term(rng, names, point, difficulty) for _ in range(rng.randint(2, 3))]
    return " + ".join(terms).replace("+ -", "- ")


def _point(rng: random.Random, names: list[str]) -> dict[str, int]:
    return {v: rng.randint(-2, 3) for v in names}


def _at(point: dict[str, int]) -> str:
    return ",".join(str(v) for v in point.values())


# the largest numerator of an answer, per difficulty: difficulty 1 is arithmetic a student does by hand
LARGEST = {1: 60, 2: 300, 3: 2000}


def _nice(values: Iterable[Any], difficulty: int = 3) -> bool:
    """Integers or fractions with small denominators (the answer a student can write down), and small
    numbers at difficulty 1."""
    for v in values:
        v = sp.nsimplify(v) if isinstance(v, sp.Float) else v
        if not v.is_Rational or abs(v.q) > 12 or abs(v.p) > LARGEST.get(difficulty, 2000):
            return False
    return True


def _uses_every_input(fn: VectorFunction) -> bool:
    """Every variable of f(x, y, …) appears in it (f(x, y) = (y³ + 4y², 4y² − 2y) does not use x)."""
    used = set().union(*(e.free_symbols for e in fn.outputs))
    return set(fn.symbols) <= used


def _text(expr: sp.Expr) -> str:
    return to_text(expr)


def _latex(expr: Any) -> str:
    return matrix_latex(expr) if isinstance(expr, sp.MatrixBase) else to_latex(expr)


def _read(spec: str, vars: list[str] | None = None) -> VectorFunction:
    fn: VectorFunction
    (fn,) = load(make("jacobian", [spec], vars=vars))
    return fn


def _vector_latex(fn: VectorFunction) -> str:
    return r"\left(" + ", ".join(_latex(e) for e in fn.outputs) + r"\right)"


def _matrix_text(M: sp.MatrixBase) -> str:
    return "[" + ", ".join("[" + ", ".join(_text(M[i, j]) for j in range(M.cols)) + "]" for i in range(M.rows)) + "]"


# ---------------------------------------------------------------------------
# One builder per kind: a candidate Exercise (or _Reject)

def _jacobian(rng: random.Random, difficulty: int) -> Exercise:
    names = ["x", "y", "z"][: 3 if difficulty >= 3 else 2]
    point = _point(rng, names)
    components = [_component(rng, names, point, difficulty) for _ in names]
    spec = f"({', '.join(names)}) -> ({', '.join(components)})"
    r = _calc("jacobian", [spec], at=_at(point))
    J = r.at.exact_matrix()
    fn = r.function
    if not _nice(J, difficulty) or all(e == 0 for e in J) or not _uses_every_input(fn):
        raise _Reject
    return Exercise("jacobian", 0, 0,
                    f"Find the Jacobian matrix of $f({', '.join(names)}) = {_vector_latex(fn)}$ at "
                    f"$({_at(point).replace(',', ', ')})$.",
                    f"Find the Jacobian matrix of $f({', '.join(names)}) = {_vector_latex(fn)}$ at "
                    f"$({_at(point).replace(',', ', ')})$.",
                    [spec], _at(point), _matrix_text(J), _latex(J), [spec, "--at", _at(point)])


def _determinant(rng: random.Random, difficulty: int) -> Exercise:
    ex = _jacobian(rng, difficulty)
    r = _calc("jacobian", ex.specs, at=ex.at)
    det = r.determinant.exact if r.determinant is not None else None
    if det is None or det == 0 or not _nice([det], difficulty):
        raise _Reject
    question = ex.question.replace("Find the Jacobian matrix of", "Find the Jacobian determinant of")
    return Exercise("determinant", 0, 0, question, question, ex.specs, ex.at, _text(det), _latex(det),
                    ex.check, {"det": True})


def _chain(rng: random.Random, difficulty: int) -> Exercise:
    if rng.random() < 0.5:  # w(x(u, v), y(u, v)): the MIT / Stewart form
        inner_vars, point = ["u", "v"], {"u": rng.randint(-2, 2), "v": rng.randint(-2, 2)}
    else:  # w(x(t), y(t))
        inner_vars, point = ["t"], {"t": rng.randint(-2, 2)}
    inner_point = {v: point[v] for v in inner_vars}
    xs = [_component(rng, inner_vars, inner_point, min(difficulty, 2)) for _ in ("x", "y")]
    inner = f"x = {xs[0]}, y = {xs[1]}"
    if set(_read(inner).inputs) != set(inner_vars):
        raise _Reject  # x and y together use every inner variable (its inputs are then read as intended)
    # the outer function is nice where the inner one lands
    landed = _calc("jacobian", [f"({', '.join(inner_vars)}) -> ({xs[0]}, {xs[1]})"], at=_at(point)).factors[0]
    values = [v for v in landed.outputs.exact_matrix()] if landed.outputs is not None else []
    if not _nice(values, difficulty):
        raise _Reject
    outer_point = {"x": int(values[0]), "y": int(values[1])} if all(sp.Integer(v) == v for v in values) else None
    if outer_point is None:
        raise _Reject
    outer = "w = " + _component(rng, ["x", "y"], outer_point, difficulty)
    used = {s.name for s in _read(f"(x, y) -> {outer[4:]}").outputs[0].free_symbols}
    if used != {"x", "y"}:
        raise _Reject  # w uses both x and y
    r = _calc("compose", [inner, outer], at=_at(point))
    J = r.at.exact_matrix()
    if not _nice(J, difficulty) or all(e == 0 for e in J):
        raise _Reject
    wrt = inner_vars
    parts = ", ".join(f"\\partial w/\\partial {v}" for v in wrt) if len(wrt) > 1 else "\\frac{dw}{dt}"
    names = [f"\\partial w/\\partial {v}" for v in wrt] if len(wrt) > 1 else ["\\frac{dw}{dt}"]
    answer_latex = ",\\ ".join(f"{n} = {_latex(J[0, k])}" for k, n in enumerate(names))
    fn_in, fn_out = r.functions
    question = (f"Let $w = {_latex(fn_out.outputs[0])}$ with $x = {_latex(fn_in.outputs[0])}$ and "
                f"$y = {_latex(fn_in.outputs[1])}$. Find ${parts}$ at "
                f"${', '.join(f'{k} = {v}' for k, v in point.items())}$.")
    return Exercise("chain", 0, 0, question, question, [inner, outer], _at(point), _matrix_text(J), answer_latex,
                    [inner, outer, "--at", _at(point)])


_MAPS = [  # (x, y) in (u, v), and a note of its name
    ("{a}*u + {b}*v", "{c}*u + {d}*v"),
    ("{a}*(u^2 - v^2)", "{a}*2*u*v"),
    ("{a}*u*cos(v)", "{a}*u*sin(v)"),
    ("{a}*u*v", "{b}*v"),
    ("{a}*exp(u)*cos(v)", "{a}*exp(u)*sin(v)"),
    ("u + {a}*v^2", "{b}*v"),
]


def _change_of_variables(rng: random.Random, difficulty: int) -> Exercise:
    template = rng.choice(_MAPS[: 2 + 2 * difficulty])
    coefficients = {k: rng.choice([1, 2, 3, -1, -2]) for k in "abcd"}
    xs = [part.format(**coefficients) for part in template]
    spec = f"(u, v) -> ({xs[0]}, {xs[1]})"
    r = _calc("jacobian", [spec])
    det = r.determinant.symbolic if r.determinant is not None else None
    if det is None or det == 0:
        raise _Reject
    fn = r.function
    question = (f"For the change of variables $x = {_latex(fn.outputs[0])}$, $y = {_latex(fn.outputs[1])}$, find "
                "the Jacobian $\\partial(x, y)/\\partial(u, v)$ (its determinant).")
    return Exercise("change-of-variables", 0, 0, question, question, [spec], None, _text(det), _latex(det),
                    [spec], {"det": True})


def _implicit(rng: random.Random, difficulty: int) -> Exercise:
    names = ["x", "y", "z"]
    point = _point(rng, names)
    F = _component(rng, names, point, difficulty)
    if "z" not in F:
        F += f" + {rng.choice([1, 2, 3])}*z^{rng.randint(1, 2)}"
    if not ("x" in F and "y" in F):
        raise _Reject  # z depends on both
    fn = _read(f"(x, y, z) -> {F}")
    c = fn.outputs[0].subs({s: point[s.name] for s in fn.symbols})
    if not c.is_Rational:
        raise _Reject
    equation = f"{F} = {_text(c)}"
    r = _calc("implicit", [equation], unknowns=("z",), vars=names, at=_at(point))
    Y = r.at.exact_matrix() if r.at is not None else None
    if Y is None or not _nice(Y, difficulty) or all(e == 0 for e in Y):
        raise _Reject
    question = (f"The equation ${_latex(fn.outputs[0])} = {_latex(c)}$ defines $z$ as a function of $x$ and $y$ "
                f"near $({_at(point).replace(',', ', ')})$. Find $\\partial z/\\partial x$ and "
                f"$\\partial z/\\partial y$ there.")
    at = ",".join(f"{k}={v}" for k, v in point.items())
    return Exercise("implicit", 0, 0, question, question, [equation], at, _matrix_text(Y), _latex(Y),
                    [equation, "--vars", "x,y,z", "--implicit", "--unknowns", "z", "--at", at], {"implicit": True})


def _hessian(rng: random.Random, difficulty: int) -> Exercise:
    names = ["x", "y"]
    point = _point(rng, names)
    f = _component(rng, names, point, difficulty) + " + " + _term(rng, names, point, difficulty)
    spec = f"(x, y) -> {f}"
    r = _calc("hessian", [spec], at=_at(point))
    H = r.hessians[0].at.exact_matrix() if r.hessians[0].at is not None else None
    fn = r.functions[0]
    if H is None or not _nice(H, difficulty) or all(e == 0 for e in H) or not _uses_every_input(fn):
        raise _Reject
    question = (f"Find the Hessian matrix of $f(x, y) = {_latex(fn.outputs[0])}$ at "
                f"$({_at(point).replace(',', ', ')})$.")
    return Exercise("hessian", 0, 0, question, question, [spec], _at(point), _matrix_text(H), _latex(H),
                    [spec, "--at", _at(point), "--hessian"], {"hessian": True})


def _critical(rng: random.Random, difficulty: int) -> Exercise:
    p, q = rng.randint(-2, 2), rng.randint(-2, 2)
    c, d = rng.choice([0, 1, 2, -1, -2, 3]), rng.choice([1, 2, -1, -2, 3])
    e, g = -(2 * p + c * q), -(c * p + 2 * d * q)
    quadratic = f"x^2 + {c}*x*y + {d}*y^2 + {e}*x + {g}*y"  # one critical point, (p, q), classified by 4d − c²
    family = rng.choice(["quadratic", "cubic"] if difficulty == 1 else ["cubic", "exp", "log", "trig"])
    if family == "quadratic":
        f = quadratic
    elif family == "cubic":  # x³ − 3a²x + s(y − q)²: a minimum or maximum and a saddle
        a, s = rng.randint(1, 2), rng.choice([1, 2, -1, -3])
        f = f"x^3 - {3 * a * a}*x + {s}*(y - {q})^2"
    elif family == "exp":  # e^Q has the critical points of Q, and the same kind (exp is increasing)
        f = f"exp({quadratic})"
    elif family == "log":  # log(1 + (x − p)² + d(y − q)²), d > 0: a minimum at (p, q)
        f = f"log(1 + (x - {p})^2 + {abs(d)}*(y - {q})^2)"
    else:  # s·cos(x − p) + a(y − q)²: one saddle and one extremum per period, in a window of x
        a, s = rng.randint(1, 2), rng.choice([1, -1])
        f = f"{s}*cos(x - {p}) + {a}*(y - {q})^2"
    f = f.replace("+ -", "- ").replace("+ 0*x*y ", "").replace("- -", "+ ").replace("(x - 0)", "x") \
        .replace("(y - 0)", "y").replace("- 0)", ")")
    spec = f"(x, y) -> {f}"
    box = f"x={p - 2}..{p + 4}, y={q - 3}..{q + 3}" if family == "trig" else None
    r = _calc("critical", [spec], box=box)
    if r.method != "exact" or not r.points or any(pt.classification == "inconclusive" for pt in r.points):
        raise _Reject
    if not all(_nice_coordinate(v, difficulty) for pt in r.points for v in pt.point):
        raise _Reject
    fn = r.function
    answer = "; ".join(f"({', '.join(_text(v) for v in pt.point)}) {pt.classification}" for pt in r.points)
    answer_latex = ", ".join(f"$({', '.join(_latex(v) for v in pt.point)})$: {pt.classification}" for pt in r.points)
    region = f" with ${p - 2} < x < {p + 4}$" if box else ""
    question = f"Find and classify the critical points of $f(x, y) = {_latex(fn.outputs[0])}${region}."
    check = [spec, "--critical"] + (["--in", box] if box else [])
    return Exercise("critical", 0, 0, question, question, [spec], None, answer, answer_latex, check,
                    {"critical": [(",".join(_text(v) for v in pt.point), pt.classification) for pt in r.points],
                     **({"in": box} if box else {})})


def _nice_coordinate(value: sp.Expr, difficulty: int) -> bool:
    """A rational, or a rational plus a rational multiple of π (where a trig function is stationary)."""
    if _nice([value], difficulty):
        return True
    k = value.coeff(sp.pi)
    return bool(k.is_Rational) and _nice([sp.nsimplify(value - k * sp.pi)], difficulty) and abs(k.q) <= 6


_BUILDERS: dict[str, Callable[[random.Random, int], Exercise]] = {
    "jacobian": _jacobian, "chain": _chain, "determinant": _determinant,
    "change-of-variables": _change_of_variables, "implicit": _implicit, "hessian": _hessian,
    "critical": _critical,
}


# ---------------------------------------------------------------------------
# Every answer checked by jac before it is printed

def _verify(ex: Exercise) -> None:
    """``jac check`` of the printed answer against the printed question: a failure is a bug in jac."""
    def must_pass(**options: Any) -> None:
        result = _calc("check", _specs_of(ex.check), **{**_options_of(ex.check), **options})
        if not result.passed:
            raise SpecError(f"the generated {ex.kind} exercise (seed {ex.seed}) failed jac's own check",
                            hint="this is a bug in jac: please report it with the seed")

    if ex.kind == "critical":  # the printed check command: the points and their kinds
        must_pass(expect=ex.answer)
        for point, word in ex.options["critical"]:  # and each point on its own, by the Hessian
            must_pass(critical=False, box=None, hessian=True, at=point, expect_class=word)
        return
    if ex.options.get("det"):
        must_pass(expect_det=ex.answer)
        return
    must_pass(expect=ex.answer)


def _tidy_specs(ex: Exercise) -> None:
    """The specs as jac prints them (x^2 - 2*x, not -2*x^1 + 1*x^2): the key and the JSON hold these."""
    tidy = {}
    for spec in ex.specs:
        if "=" in spec and "->" not in spec and not spec.lstrip().startswith(("x =", "w =")):  # F = c
            left, right = spec.rsplit("=", 1)
            tidy[spec] = f"{_text(_read(f'(x, y, z) -> {left}').outputs[0])} = {right.strip()}"
            continue
        fn = _read(spec)
        body = ", ".join(f"{n} = {_text(e)}" if fn.outputs_named else _text(e)
                         for n, e in zip(fn.output_names, fn.outputs))
        if fn.outputs_named:
            tidy[spec] = body
        else:
            tidy[spec] = f"({', '.join(fn.inputs)}) -> " + (f"({body})" if fn.m > 1 else body)
    for spec, text in tidy.items():
        if "->" not in text and "=" in text and not text.startswith(("x =", "w =")):
            continue  # F = c: its variables are declared where it is checked
        if _read(text).inputs != _read(spec).inputs:
            raise _Reject  # a variable cancelled out: the tidy text would not read the same
    ex.specs = [tidy[s] for s in ex.specs]
    ex.check = [tidy.get(a, a) for a in ex.check]


def _specs_of(args: list[str]) -> list[str]:
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("--at", "--vars", "--unknowns", "--in"):
            skip = True
            continue
        if a.startswith("--"):
            continue
        out.append(a)
    return out


def _options_of(args: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, a in enumerate(args):
        if a == "--at":
            out["at"] = args[k + 1]
        elif a == "--vars":
            out["vars"] = args[k + 1].split(",")
        elif a == "--unknowns":
            out["unknowns"] = tuple(args[k + 1].split(","))
        elif a == "--implicit":
            out["implicit"] = True
        elif a == "--hessian":
            out["hessian"] = True
        elif a == "--critical":
            out["critical"] = True
        elif a == "--in":
            out["box"] = args[k + 1]
    return out
