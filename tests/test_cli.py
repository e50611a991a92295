"""The command line as a user sees it: worked examples, formats, errors, exit codes."""

import json
import math
import subprocess
import sys

import pytest


def test_worked_example_compose(run):
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["shape"] == [3, 2]
    assert d["order"] == ["f", "g"]
    f, g = d["factors"]
    assert f["at"] == {"x": 1, "y": 2} and f["output"]["exact"] == ["3", "4"]
    assert f["exact"] == [["2", "1"], ["4", "2"]] and f["shape"] == [2, 2]
    assert g["at"] == {"u": 3, "v": 4}
    assert g["exact"] == [["1", "1"], ["6", "0"], ["0", "cos(4)"]] and g["shape"] == [3, 2]
    assert d["jacobian"]["exact"] == [["6", "3"], ["12", "6"], ["4*cos(4)", "2*cos(4)"]]
    assert d["jacobian"]["value"][2][0] == pytest.approx(4 * math.cos(4))
    assert "determinant" not in d  # 3×2: a key is filled or absent, never null
    assert d["shape_arithmetic"] == "(3×2)·(2×2) → 3×2"


def test_worked_example_compose_human(run):
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "plain")
    assert r.exit_code == 0
    out = r.stdout
    assert "f(1, 2) = (3, 4)" in out
    assert "J_g(3, 4)   3×2" in out
    assert "J_(g∘f)(x, y) = J_g(f(x, y)) · J_f(x, y)   (3×2)·(2×2) → 3×2" in out
    assert "4*cos(4) ≈ -2.61457" in out
    assert "no determinant: J is 3×2, not square" in out


def test_worked_example_singular(run):
    r = run("jacobian", "x1^2 + x2, x1*x2", "--at", "1,2", "--format", "json")
    d = json.loads(r.stdout)
    assert d["inputs"] == ["x1", "x2"]
    assert d["jacobian"]["exact"] == [["2", "1"], ["2", "1"]]
    assert d["determinant"]["exact"] == "0" and d["determinant"]["singular"] is True
    plain = run("jacobian", "x1^2 + x2, x1*x2", "--at", "1,2", "--format", "plain").stdout
    assert "not locally invertible" in plain
    assert "sorted order" not in r.stderr  # x1, x2: the only natural order


def test_worked_example_scalar_chain(run):
    r = run("compose", "u1 = x, u2 = x^2", "u1 + u2", "--format", "json")
    d = json.loads(r.stdout)
    assert d["shape"] == [1, 1]
    assert d["jacobian"]["symbolic"] == [["2*x + 1"]]
    assert d["shape_arithmetic"] == "(1×2)·(2×1) → 1×1"
    plain = run("compose", "u1 = x, u2 = x^2", "u1 + u2", "--format", "plain").stdout
    assert "(g∘f)′(x) = 2*x + 1" in plain


def test_jacobian_symbolic_and_exact(run):
    d = json.loads(run("jacobian", "samples/polar.yaml", "--at", "2,pi/4", "--format", "json").stdout)
    assert d["signature"] == "polar: R² → R²"
    assert d["jacobian"]["symbolic"] == [["cos(theta)", "-r*sin(theta)"], ["sin(theta)", "r*cos(theta)"]]
    assert d["jacobian"]["exact"][0] == ["sqrt(2)/2", "-sqrt(2)"]
    assert d["determinant"]["symbolic"] == "r" and d["determinant"]["exact"] == "2"
    assert d["outputs"] == ["x", "y"]


def test_floats_in_floats_out(run):
    d = json.loads(run("jacobian", "x^2 + y, 2*x*y", "--vars", "x,y", "--at", "0.5,2", "--format", "json").stdout)
    assert d["jacobian"]["exact"] == [["1.0", "1.0"], ["4.0", "1.0"]]
    assert d["jacobian"]["value"] == [[1, 1], [4, 1]]


def test_gradient_and_derivative_labels(run):
    out = run("jacobian", "x^2*y", "--vars", "x,y", "--format", "plain").stdout
    assert "gradient ∇f" in out and "∇f(x, y) (a column)" in out
    out = run("jacobian", "sin(x)", "--at", "0", "--format", "plain").stdout
    assert "ordinary derivative" in out and "f′(0) = 1" in out


def test_symbolic_compose_equals_direct_substitution(run):
    d = json.loads(run("compose", "samples/f.yaml", "samples/g.yaml", "--format", "json").stdout)
    assert d["jacobian"]["symbolic"] == [["2*(x + y)", "2*x + 1"],
                                         ["4*x*(x^2 + y)", "2*(x^2 + y)"],
                                         ["2*y*cos(2*x*y)", "2*x*cos(2*x*y)"]]
    assert [f["symbolic"] for f in d["factors"]][1] == [["1", "1"], ["2*u", "0"], ["0", "cos(v)"]]


def test_json_symbolic_reads_back(run):
    d = json.loads(run("jacobian", "samples/softmax.yaml", "--format", "json").stdout)
    row = ", ".join(d["jacobian"]["symbolic"][0])
    again = run("jacobian", row, "--vars", "a,b,c", "--format", "json")
    assert again.exit_code == 0, again.stderr


def test_json_schema(run):
    d = json.loads(run("jacobian", "samples/f.yaml", "--format", "json").stdout)
    assert set(d) == {"schema", "command", "notes", "function", "signature", "shape", "inputs", "outputs",
                      "jacobian", "determinant", "read_as"}
    assert d["schema"] == 2
    assert d["read_as"] == [{"function": "f", "inputs": ["x", "y"], "input_order": "declared",
                             "components": {"f1": "x^2 + y", "f2": "2*x*y"}}]
    assert set(d["jacobian"]) == {"symbolic"}  # no point: nothing exact or numeric, so those keys are absent
    assert set(d["determinant"]) == {"symbolic"}
    c = json.loads(run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "x=1,y=2", "--format", "json").stdout)
    assert set(c) == (set(d) | {"point", "order", "factors", "shape_arithmetic", "multiplication", "cost"}) - {
        "determinant"}
    assert "symbolic" not in c["jacobian"]  # no symbolic substitution at a point
    assert set(c["factors"][0]) == {"name", "kind", "description", "structure", "shape", "inputs", "at", "symbolic",
                                    "exact", "value", "output"}


def test_latex(run):
    out = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "latex").stdout
    assert "\\begin{bmatrix} 2 x & 1 \\\\ 2 y & 2 x \\end{bmatrix}" in out
    assert "J_{g \\circ f}(1, 2) = J_{g}(3, 4) \\, J_{f}(1, 2)" in out
    assert "4 \\cos{\\left(4 \\right)}" in out


def test_csv(run):
    out = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "csv").stdout
    rows = [line.split(",") for line in out.strip().splitlines()]
    assert rows[0] == ["6", "3"] and rows[1] == ["12", "6"]
    assert float(rows[2][0]) == pytest.approx(4 * math.cos(4))
    sym = run("jacobian", "samples/f.yaml", "--format", "csv").stdout
    assert sym.strip().splitlines() == ["2*x,1", "2*y,2*x"]


def test_table_is_plain_text_when_piped(run):
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2")
    assert r.exit_code == 0
    assert "\x1b[" not in r.stdout
    assert "4*cos(4) ≈ -2.61457" in r.stdout


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    import re
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "jaccli", "jacobian", "samples/f.yaml", "--at", "1,2"]
    colour = re.compile(r"\x1b\[[0-9;]*3[0-9][;m]")
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    forced = subprocess.run(cmd, capture_output=True, text=True, env={**env, "FORCE_COLOR": "1", "TERM": "xterm"})
    assert colour.search(forced.stdout)  # rich colours a (forced) terminal
    no_color = subprocess.run(cmd, capture_output=True, text=True,
                              env={**env, "FORCE_COLOR": "1", "TERM": "xterm", "NO_COLOR": "1"})
    assert not colour.search(no_color.stdout)
    piped = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert "\x1b[" not in piped.stdout


def test_precision(run):
    out = run("jacobian", "sin(x)", "--at", "1", "--precision", "3", "--format", "plain").stdout
    assert "cos(1) ≈ 0.54" in out


def test_named_point_any_order_and_leading_minus(run):
    a = json.loads(run("jacobian", "samples/f.yaml", "--at", "y=2,x=-1", "--format", "json").stdout)
    b = json.loads(run("jacobian", "samples/f.yaml", "--at", "-1,2", "--format", "json").stdout)
    assert a["jacobian"] == b["jacobian"] and a["point"] == {"x": -1, "y": 2}


def test_stdin_text_and_yaml(run):
    r = run("jacobian", "-", "--at", "1,2", "--vars", "x,y", "--format", "json", input="x^2 + y, 2*x*y\n")
    assert json.loads(r.stdout)["jacobian"]["exact"] == [["2", "1"], ["4", "2"]]
    yaml_text = open("samples/f.yaml").read()
    r = run("compose", "-", "samples/g.yaml", "--at", "1,2", "--format", "json", input=yaml_text)
    assert json.loads(r.stdout)["jacobian"]["exact"][0] == ["6", "3"]


def test_three_function_chain(run):
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "(u, v, w) -> u + v + w", "--at", "1,2", "--format", "json")
    d = json.loads(r.stdout)
    assert d["shape"] == [1, 2]
    assert d["factors"][2]["at"]["w"] == pytest.approx(math.sin(4))
    assert d["jacobian"]["exact"] == [["4*cos(4) + 18", "2*cos(4) + 9"]]


def test_notes_on_stderr_and_quiet(run):
    r = run("jacobian", "x + 0*y", "--vars", "x,y", "--at", "1,1")
    assert r.exit_code == 0
    r = run("jacobian", "samples/f.yaml", "--at", "1,2")
    assert r.stderr == ""
    unused = run("jacobian", "x^2", "--vars", "x,y")
    assert "never used" in unused.stderr
    assert run("jacobian", "x^2", "--vars", "x,y", "--quiet").stderr == ""


@pytest.mark.parametrize("args, code, needle", [
    (["jacobian", "1/x", "--at", "0"], 3, "f = 1/x is undefined at x = 0: division by zero"),
    (["jacobian", "x^2 + 1/x^2", "--at", "0"], 3, "division by zero"),
    (["jacobian", "tan(x)", "--at", "pi/2"], 3, "∂f/∂x = tan(x)^2 + 1 is undefined at x = pi/2"),
    (["jacobian", "sqrt(x)", "--at", "0"], 3, "∂f/∂x = 1/(2*sqrt(x)) is undefined at x = 0"),
    (["jacobian", "log(x)", "--at", "0"], 3, "undefined"),
    (["jacobian", "relu(x)", "--at", "0"], 3, "does not exist"),
    (["jacobian", "x^2 + (y"], 2, "expected ')'"),
    (["jacobian", "x + y", "--at", "1"], 2, "--at has 1 value but f takes 2 inputs (x, y)"),
    (["jacobian", "x + y", "--at", "x=1,x=2"], 2, "twice"),
    (["jacobian", "x + y", "--at", "x=1,q=2"], 2, "not an input"),
    (["jacobian", "x + y", "--at", "x=1,2"], 2, "mixes"),
    (["jacobian", "x + y", "--at", "1,inf"], 2, "not a number jac accepts"),
    (["jacobian", "x + y", "--at", "1,a"], 2, "must be constants"),
    (["compose", "samples/f.yaml", "samples/spherical.yaml"], 2, "spherical takes 3 inputs (r, theta, phi) but f gives 2"),
    (["compose", "samples/f.yaml"], 2, "at least two"),
    (["jacobian", "missing.yaml"], 2, "no such file"),
    (["jacobian", "samples"], 2, "directory"),
    (["jacobian", "samples/f.yaml", "--vars", "x,y"], 2, "--vars applies to inline text"),
    (["jacobian", "x", "--vars", "x,x"], 2, "twice"),
    (["jacobian", "x", "--format", "xml"], 2, "xml"),
    (["jacobian", "2xy + rho", "--vars", "x,y,rho"], 2, "did you mean x*y"),
    (["jacobian", "3"], 2, "no input names"),
])
def test_errors_and_exit_codes(run, args, code, needle):
    r = run(*args)
    assert r.exit_code == code, (r.stdout, r.stderr)
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_outside_the_real_domain_is_said_never_nan(run):
    r = run("jacobian", "sqrt(x)", "--at", "-1", "--format", "json")
    assert r.exit_code == 3 and r.stdout == ""
    assert "sqrt needs a non-negative argument" in r.stderr and "nan" not in r.stderr.lower()


def test_version_and_help(run):
    from importlib.metadata import version

    r = run("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"jac {version('jaccli')}"
    for cmd in ([], ["jacobian"], ["compose"], ["grammar"]):
        for flag in ("-h", "--help"):
            r = run(*cmd, flag)
            assert r.exit_code == 0 and "Usage:" in r.stdout
    assert "Examples (samples/: " in run("compose", "-h").stdout
    assert "Exit codes:" in run("-h").stdout


def test_grammar_help_explains_scientific_notation(run):
    out = run("grammar").stdout
    assert "3e+2" in out and "3e + 2" in out


def test_python_dash_m_and_help_does_not_import_sympy():
    r = subprocess.run([sys.executable, "-m", "jaccli", "compose", "samples/f.yaml", "samples/g.yaml",
                        "--at", "1,2", "--format", "csv"], capture_output=True, text=True, check=True)
    assert r.stdout.splitlines()[0] == "6,3"
    for args in (["--help"], ["--version"], ["jacobian", "--help"], ["compose", "-h"], ["check", "--help"],
                 ["cost", "--help"], ["grammar"]):
        code = ("import sys; from jaccli.cli import main\n"
                f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
                "assert 'sympy' not in sys.modules and 'numpy' not in sys.modules, 'heavy import'")
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_an_expression_may_start_with_a_minus(run):
    """Half of all ODE right-hand sides start with one (issue 21 §4)."""
    r = run("jacobian", "-x^2 + y, x y", "--vars", "x,y", "--at", "1,2", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.split() == ["-2,1", "2,1"]  # d(-x²+y)/dx = -2x, d(xy)/dx = y at (1, 2)
    r = run("codegen", "-0.04*a + 1e4*b*c, 0.04*a - 1e4*b*c - 3e7*b^2, 3e7*b^2", "--vars", "a,b,c")
    assert r.exit_code == 0, r.output and "def J(" in r.stdout
    r = run("compose", "-x", "-u^2", "--at", "-3", "--format", "csv")  # g(f(x)) = -x², d/dx = -2x = 6 at -3
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "6"
    assert run("jacobian", "--at", "-1,2", "--", "-x^2 + y, x y", "--format" + "=csv").exit_code == 2


def test_options_after_double_dash_are_named(run):
    r = run("codegen", "--", "-0.04*a + b", "--vars", "a,b,c")
    assert r.exit_code == 2
    assert "--vars is an option of jac codegen, but it comes after '--'" in r.stderr
    r = run("jacobian", "-o*x")
    assert r.exit_code == 2 and "starts like the option -o" in r.stderr and "-- '-o*x'" in r.stderr
    r = run("jacobian", "--at", "1", "--", "-o*x", "--format", "csv")
    assert r.exit_code == 2
    r = run("jacobian", "--at", "o=3,x=2", "--format", "csv", "--", "-o*x")  # J of -o·x = (-x, -o)
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "-2,-3"


def test_no_line_ends_in_a_blank(run):
    """Table titles were padded to the table's width: trailing blanks in diffs and copy-paste."""
    for args in (["compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2"],
                 ["jacobian", "samples/mlp3.yaml", "--at", "@samples/mlp3_x.npy"],
                 ["check", "samples/f.yaml", "--answers", "samples/class_answers.csv"]):
        out = run(*args).stdout
        assert out.strip() and not [line for line in out.splitlines() if line != line.rstrip()], args


def test_help_paragraphs_have_no_runs_of_spaces(run):
    """A docstring appended to as written kept its indentation: 'what they are.     With DIR:' in --help."""
    import re

    from jaccli.cli import main

    for name in main.commands:
        text = run(name, "--help").stdout
        prose = text.split("Examples", 1)[0].split("Options:", 1)[0]
        assert not re.search(r"\S {3,}\S", prose), (name, re.search(r".{20}\S {3,}\S.{20}", prose))
