"""Every command × every pair of its options: it works, or it is a usage error (exit 2) that names both.

No option may be silently ignored (issue 13). The table below gives each option a value that works
alone (checked first), and the options it needs (--entry needs --steps, --verify needs --at); a pair
is run with both, plus what each needs. The options are read from the click commands themselves, so
a new option is in the table or this test fails.
"""

from __future__ import annotations

import itertools
import re

import pytest
from click.testing import CliRunner
from schema_check import check_output

from jaccli.cli import main

# Per command: the arguments every run has, and each option's variants: name -> (args, needs).
# Variants of one option (--format json / csv …) are separate rows; they are never paired with each other.

_COMMON = {
    "timeout": (["--timeout", "20"], []),
    "precision": (["--precision", "4"], []),
    "full": (["--full"], []),
    "quiet": (["--quiet"], []),
    "no-echo": (["--no-echo"], []),
    "output": (["--output", "{tmp}/out.txt"], []),
    "format=plain": (["--format", "plain"], []),
    "format=json": (["--format", "json"], []),
}
# --dims is the other way to give cost its chain (instead of SPECs): it is in no pair with them

_JACOBIAN_LIKE = {
    **_COMMON,
    "at": (["--at", "1,2"], []),
    "latex": (["--latex"], []),
    "points": (["--points", "{tmp}/points.csv"], []),
    "dask": (["--dask"], ["points", "output-dir"]),
    "steps": (["--steps"], []),
    "entry": (["--entry", "1,1"], ["steps"]),
    "verify": (["--verify"], ["at"]),
    "step": (["--step", "0.1,0.1"], ["at"]),
    "jvp": (["--jvp", "1,0"], ["at"]),
    "engine=sympy": (["--engine", "sympy"], []),
    "engine=symengine": (["--engine", "symengine"], []),
    "format=csv": (["--format", "csv"], []),
    "format=latex": (["--format", "latex"], []),
    "format=html": (["--format", "html"], []),
    "output-dir": ([], []),  # only as a companion of --dask (below)
}

TABLE = {
    # f(u, v) scalar: grad and vjp of length 1 make sense; the Jacobian is 1×2
    "jacobian": (["u^2 v + v"], {
        **_JACOBIAN_LIKE,
        "vars": (["--vars", "u,v"], []),
        "vjp": (["--vjp", "2"], ["at"]),
        "grad": (["--grad"], ["at"]),
        "sparsity": (["--sparsity"], []),
    }),
    # w(x(u, v), y(u, v)), bound by name (the MIT/Stewart way)
    "compose": (["x = u^2 v, y = u v^2", "x^2 y + y^2 + x"], {
        **_JACOBIAN_LIKE,
        "vars": (["--vars", "u,v"], []),
        "vjp": (["--vjp", "2"], ["at"]),
        "grad": (["--grad"], ["at"]),
    }),
    # An answer is one of --expect (whole J), --expect-entry, --expect-det or --answers (a class): every
    # other option is tried with --expect (in LaTeX, so that --latex, which reads every text as LaTeX, has
    # something to read).
    "check": (["x^2 y, x + y"], {
        "expect": (["--expect", r"\begin{pmatrix} 2xy & x^2 \\ 1 & 1 \end{pmatrix}"], []),
        "expect-entry": (["--expect-entry", "1,2=x^2"], []),
        "expect-det": (["--expect-det", "2xy - x^2"], []),
        "answers": (["--answers", "{tmp}/answers.csv"], []),

        **{name: (args, needs + ["expect"]) for name, (args, needs) in {
            **_COMMON,
            "at": (["--at", "1,2"], []),
            "vars": (["--vars", "x,y"], []),
            "latex": (["--latex"], []),
            "rtol": (["--rtol", "1e-6"], []),
            "atol": (["--atol", "1e-9"], []),
            "assume": (["--assume", "x > 0"], []),
            "hide-answers": (["--hide-answers"], []),
            "steps": (["--steps"], []),
            "entry": (["--entry", "1,1"], ["steps"]),
            "format=latex": (["--format", "latex"], []),
            "format=html": (["--format", "html"], []),
        }.items()},
        "format=csv": (["--format", "csv"], ["answers"]),  # a grade sheet
        "feedback": (["--feedback", "{tmp}/feedback"], ["answers"]),
    }),
    # check of a scalar function: its gradient, its Hessian and the classification of a point
    "check:scalar": (["x^3 + y^3 - 3 x y", "--vars", "x,y"], {
        "expect-grad": (["--expect-grad", "3x^2 - 3y, 3y^2 - 3x"], []),
        "hessian": (["--hessian", "--expect", "[[6x, -3], [-3, 6y]]"], []),
        "expect-class": (["--expect-class", "saddle"], ["hessian", "at"]),
        "at": (["--at", "0,0"], ["hessian"]),
        **{k: (args, needs + ["expect-grad"]) for k, (args, needs) in _COMMON.items()},
    }),
    # check of critical points and their kinds (Stewart §14.7 Example 3's function)
    "check:critical": (["x^3 + y^3 - 3 x y", "--vars", "x,y"], {
        "critical": (["--critical", "--expect", "(0, 0) saddle point; (1, 1) local minimum"], []),
        "in": (["--in", "x=-1..2, y=-1..2"], ["critical"]),
        **{k: (args, needs + ["critical"]) for k, (args, needs) in _COMMON.items()},
    }),
    # check of an implicit derivative: F(x, y) = 0 solved for y
    "check:implicit": (["x^2 + y^2 = 1", "--expect", "-x/y"], {
        "implicit": (["--implicit"], ["unknowns"]),
        "unknowns": (["--unknowns", "y"], ["implicit"]),
        "at": (["--at", "x=3/5,y=4/5"], ["implicit"]),
        **{k: (args, needs + ["implicit"]) for k, (args, needs) in _COMMON.items()},
    }),
    # check of a class whose students had their own exercises (jac exercise --students … --key)
    "check:key": ([], {
        "key": (["--key", "{tmp}/key.csv", "--answers", "{tmp}/class.csv"], []),
        "rtol": (["--rtol", "1e-6"], ["key"]),
        "atol": (["--atol", "1e-9"], ["key"]),
        "hide-answers": (["--hide-answers"], ["key"]),
        "format=csv": (["--format", "csv"], ["key"]),
        **{k: (args, needs + ["key"]) for k, (args, needs) in _COMMON.items()},
    }),
    "plot": ([r"r \cos(t), r \sin(t)", "--at", "r=1,t=1", "--output", "{tmp}/p.png"], {
        "vars": (["--vars", "r,t"], []),
        "latex": (["--latex"], []),
        "radius": (["--radius", "0.2"], []),
        "dpi": (["--dpi", "100"], []),
        "timeout": (["--timeout", "20"], []),
        "quiet": (["--quiet"], []),
        "format=plain": (["--format", "plain"], []),
        "format=json": (["--format", "json"], []),
    }),
    "codegen": ([r"r \cos(\theta), r \sin(\theta)", "--vars", "r,theta"], {
        "lang=c": (["--lang", "c"], []),
        "lang=jax": (["--lang", "jax"], []),
        "for=solve_ivp": (["--for", "solve_ivp"], []),
        "sparse": (["--sparse"], []),
        "for=least_squares": (["--for", "least_squares"], []),
        "vectorize": (["--vectorize"], []),
        "name": (["--name", "polar"], []),
        "latex": (["--latex"], []),
        "timeout": (["--timeout", "20"], []),
        "quiet": (["--quiet"], []),
        "output": (["--output", "{tmp}/code.txt"], []),
    }),
    "exercise": (["--kind", "hessian", "--count", "1"], {
        "seed": (["--seed", "2"], []),
        "count": (["--count", "2"], []),
        "difficulty": (["--difficulty", "2"], []),
        "students": (["--students", "{tmp}/roster.csv"], []),
        "key": (["--key", "{tmp}/written_key.csv"], []),
        "hide-answers": (["--hide-answers"], []),
        "format=latex": (["--format", "latex"], []),
        "format=json": (["--format", "json"], []),
        "quiet": (["--quiet"], []),
        "output": (["--output", "{tmp}/out.txt"], []),
    }),
    "hessian": (["x^2 y + y^3"], {
        **_COMMON,
        "at": (["--at", "1,2"], []),
        "vars": (["--vars", "x,y"], []),
        "latex": (["--latex"], []),
        "engine=sympy": (["--engine", "sympy"], []),
        "engine=symengine": (["--engine", "symengine"], []),
        "format=latex": (["--format", "latex"], []),
    }),
    "implicit": (["x^2 + y^2 + z^2 = 3", "--unknowns", "z"], {
        **_COMMON,
        "at": (["--at", "x=1,y=1,z=1"], []),
        "vars": (["--vars", "x,y,z"], []),
        "latex": (["--latex"], []),
        "format=latex": (["--format", "latex"], []),
    }),
    "taylor": ([r"e^{x} \sin(y)", "--at", "0,0"], {  # LaTeX, read the same with --latex
        **_COMMON,
        "vars": (["--vars", "x,y"], []),
        "latex": (["--latex"], []),
        "order": (["--order", "3"], []),
        "step": (["--step", "0.2"], []),
        "format=latex": (["--format", "latex"], []),
    }),
    "critical": ([r"x^{3} + y^{3} - 3 x y"], {  # LaTeX, read the same with --latex
        **_COMMON,
        "vars": (["--vars", "x,y"], []),
        "latex": (["--latex"], []),
        "in": (["--in", "-2..2"], []),
        "constraint": (["--constraint", "x + y = 1"], []),
    }),
    "cost": (["samples/mlp3.yaml", "samples/loss_head.yaml"], {
        **{k: v for k, v in _COMMON.items() if k != "timeout"},  # counting is instant
        "input-size": (["--input-size", "5"], []),
    }),
    # an ONNX model: --allow-external-data (refused without a model), on the three commands that read models
    **{f"{command}:onnx": (["samples/classifier.onnx", *at], {"allow-external-data": (["--allow-external-data"], [])})
       for command, at in (("jacobian", ["--at", "@samples/classifier_x.npy"]),
                           ("compose", ["--at", "@samples/classifier_x.npy"]), ("cost", []))},
    "samples": (["{tmp}/copied"], {
        "force": (["--force"], []),
        "quiet": (["--quiet"], []),
    }),
}
_COMPANION_ARGS = {"output-dir": ["--output", "{tmp}/parts"]}
# exit codes that mean "it worked": check exits 1 for a wrong answer, and none of these answers is wrong
_WORKED = {0}


def _flag(name: str) -> str:
    flag = name.split("=")[0]
    return "--" + ("for" if flag == "for" else flag)


def _args(command: str, names: tuple[str, ...], tmp) -> tuple[list[str], set[str]]:
    base, options = TABLE[command]
    command = command.split(":")[0]  # check:scalar is the check command with another base
    chosen: list[str] = []

    def add(name: str) -> None:  # what it needs first, and what those need
        if name in chosen:
            return
        chosen.append(name)
        for need in options[name][1]:
            add(need)

    for name in names:
        add(name)
    if "dask" in chosen:
        chosen = [c for c in chosen if c != "output"]  # the part files' folder is its output
    args = [command, *base]
    for name in chosen:
        args += _COMPANION_ARGS.get(name, options[name][0])
    return [a.replace("{tmp}", str(tmp)) for a in args], set(chosen)


def _closure(options, name: str) -> set[str]:
    """The option and everything it needs, transitively."""
    out, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n not in out:
            out.add(n)
            todo += options[n][1]
    return out


def _invoke(args):
    result = CliRunner().invoke(main, args, prog_name="jac")
    check_output(args, result.stdout, result.exit_code)  # every JSON against the schema jac ships
    return result


def _tables_cover_every_option():
    for command in {key.split(":")[0] for key in TABLE}:
        params = {p.opts[0][2:] for p in main.commands[command].params if p.param_type_name == "option"}
        listed = {_flag(n)[2:] for key, (_, options) in TABLE.items() if key.split(":")[0] == command
                  for n in options if n not in _COMPANION_ARGS}
        required = {"unknowns"} if command == "implicit" else {"dims"} if command == "cost" else \
            {"at"} if command == "taylor" else {"kind"} if command == "exercise" else \
            {"at", "output"} if command == "plot" else {"vars"} if command == "codegen" else set()
        yield command, params - required, listed


@pytest.mark.parametrize("command, params, listed", list(_tables_cover_every_option()))
def test_the_table_has_every_option(command, params, listed):
    assert params == listed


@pytest.fixture
def points_file(tmp_path, monkeypatch):
    (tmp_path / "points.csv").write_text("u,v\n1,2\n0.5,-1\n")
    (tmp_path / "answers.csv").write_text('id,answer,det\ns1,"[[2xy, x^2], [1, 1]]",2xy - x^2\n')
    (tmp_path / "roster.csv").write_text("id\nann\n")
    from jaccli import run as jac_run
    from jaccli.jobs.exercise import make_sheet, write_key

    sheet = make_sheet("jacobian", 1, 1, 1, "ann", run=jac_run)
    write_key(type(sheet)([], "jacobian", 1, 1, sheets=[sheet]), str(tmp_path / "key.csv"))
    (tmp_path / "class.csv").write_text(f'id,answer\nann,"{sheet.exercises[0].answer}"\n')
    # --dask's local cluster in threads, not processes: the same code path in a tenth of the time
    # (test_distributed.py runs real worker processes)
    import dask.distributed

    real = dask.distributed.LocalCluster
    monkeypatch.setattr(dask.distributed, "LocalCluster",
                        lambda **kw: real(**{**kw, "processes": False, "n_workers": 1}))
    return tmp_path


def _singles():
    return [(c, n) for c, (_, opts) in TABLE.items() for n in opts if n not in _COMPANION_ARGS]


@pytest.mark.parametrize("command, name", _singles())
def test_each_option_works_alone(command, name, points_file):
    args, _ = _args(command, (name,), points_file)
    result = _invoke(args)
    assert result.exit_code in _WORKED, (args, result.output)


def _pairs(command):
    names = [n for n in TABLE[command][1] if n not in _COMPANION_ARGS]
    return [(a, b) for a, b in itertools.combinations(names, 2) if _flag(a) != _flag(b)]


# What an option adds to the output (text formats, JSON): a pair that "works" must show both effects —
# an option dropped without a word (--verify with --points, once) fails here.
EFFECTS = {
    "steps": ("derivations", '"steps"'),
    "verify": ("verify:", '"verify"'),
    "step": ("linearisation", '"linearisation"'),
    "vjp": ("vᵀJ", '"products"'),
    "jvp": ("J·v", '"products"'),
    "grad": ("∇ = Jᵀ", '"products"'),
    "engine=symengine": ("symengine", "symengine"),
    "expect-det": ("det", '"determinant"'),
    "sparsity": ("non-zeros", '"sparse"'),
    "sparse": ("kept sparse", "kept sparse"),
}


# the step of taylor starts its remainder table (the linearisation's table elsewhere)
EFFECTS_OF = {"taylor": {**EFFECTS, "step": ("remainder", '"remainder"')}}


def _missing_effects(names, chosen, result, tmp, command="") -> list[str]:
    effects = EFFECTS_OF.get(command, EFFECTS)
    formats = {n.split("=")[1] for n in chosen if n.startswith("format=")}
    if formats & {"csv", "latex"} or "quiet" in chosen:
        return []  # a table of numbers: effects are checked in the other formats
    json = "json" in formats
    text = result.output + (result.stderr if hasattr(result, "stderr") else "")
    out = tmp / "out.txt"
    if "output" in chosen and out.exists():
        text += out.read_text()
        out.unlink()
    # a batch is decimals whoever differentiates: the engine is used but has nothing to say there
    quiet_in_batches = {"engine=symengine"} if "points" in chosen else set()
    return [n for n in names if n in effects and n not in quiet_in_batches and effects[n][json] not in text]


@pytest.mark.parametrize("command", list(TABLE))
def test_every_pair_works_or_names_both(command, points_file):
    """One test per command (about a thousand runs in all, in-process): a failure lists every pair."""
    _, options = TABLE[command]
    bad = []
    for a, b in _pairs(command):
        args, chosen = _args(command, (a, b), points_file)
        result = _invoke(args)
        if result.exit_code in _WORKED:
            missing = _missing_effects((a, b), chosen, result, points_file, command)
            if missing:
                bad.append((a, b, "worked but shows no sign of", missing))
            continue
        message = result.stderr if hasattr(result, "stderr") else result.output
        flags_a = {_flag(n) for n in _closure(options, a)}
        flags_b = {_flag(n) for n in _closure(options, b)}
        if "dask" in chosen:
            flags_a |= {"--output"} if a == "dask" else set()
            flags_b |= {"--output"} if b == "dask" else set()
        named = set(re.findall(r"--[a-z][a-z-]*", message))
        if result.exit_code == 2 and named & flags_a and named & flags_b and "Traceback" not in message:
            continue
        bad.append((a, b, result.exit_code, message.strip().splitlines()[:2]))
    assert not bad, "\n".join(map(str, bad))


def test_every_command_is_in_the_table():
    commands = {name for name, cmd in main.commands.items() if any(p.param_type_name == "option" for p in cmd.params)}
    assert commands == {key.split(":")[0] for key in TABLE}
