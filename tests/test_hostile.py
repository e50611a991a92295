"""Hostile input: nothing executes, work is bounded, every failure is one clear message.

Each case runs the real CLI (in-process) from an empty directory and asserts:
exit code 2 (or 3 where the point is the problem), one message on stderr and
no traceback, nothing on stdout, no side effect (no canary file), and that it
ends within a generous bound (a hang guard, not a speed test)."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

INJECTIONS = [
    "__import__('os').system('touch canary')",
    "x.__class__.__mro__",
    "(lambda: 1)()",
    "open('canary', 'w')",
    "eval('1')",
    "exec('import os')",
    "getattr(x, '__class__')",
    "Symbol('x')",
    "S('x')",
    "sympify('x')",
    "Integral(x, x)",
    "factorial(10^10)",
    "x[0]",
    "[y for y in x]",
    "x if x else 1",
    "x := 1",
    "import os",
    "x; y",
    "globals()",
    "__builtins__",
    "x.real",
    "`x`",
    "${HOME}",
    "$(touch canary)",
    "\\input{/etc/passwd}",
    "\\def\\x{1}",
    "\\write18{touch canary}",
]


def run_in(tmp_path, monkeypatch, run, *args, input=None):
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    result = run(*args, input=input)
    elapsed = time.monotonic() - start
    assert not (tmp_path / "canary").exists()
    return result, elapsed


def assert_refused(result, elapsed, codes=(2,)):
    assert result.exit_code in codes, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and elapsed < 20
    if result.exit_code == 0:
        return
    assert result.stdout == ""
    assert result.stderr.count("error:") == 1 or result.stderr.startswith("Usage:"), result.stderr
    assert elapsed < 20


@pytest.mark.parametrize("text", INJECTIONS)
def test_every_input_path_refuses_code(text, tmp_path, monkeypatch, run):
    yaml_text = "inputs: [x, y]\noutputs:\n  - " + repr(text).replace("\\\\", "\\") + "\n"
    (tmp_path / "f.yaml").write_text(yaml_text)
    (tmp_path / "name.yaml").write_text(f"inputs: [{text!r}]\noutputs: [x]\n")
    (tmp_path / "answer.yaml").write_text("- [" + repr(text) + ", 1]\n")
    (tmp_path / "points.csv").write_text(f"x,y\n{text},1\n")
    cases = [
        (("jacobian", text, "--vars", "x,y"), None, (2,)),                       # inline text
        (("jacobian", str(tmp_path / "f.yaml")), None, (2,)),                    # YAML output
        (("jacobian", str(tmp_path / "name.yaml")), None, (2,)),                 # YAML input name
        # LaTeX: brackets group, so x[0] is the (valid) product x·0 there
        (("jacobian", "\\frac{" + text + "}{2}", "--vars", "x,y"), None, (0,) if text == "x[0]" else (2,)),
        (("jacobian", "-", "--vars", "x,y"), text, (2,)),                        # stdin
        (("check", "x*y", "--vars", "x,y", "--expect", f"[[{text}, 1]]"), None, (2,)),  # answer text
        (("check", "x*y", "--vars", "x,y", "--expect", str(tmp_path / "answer.yaml")), None, (2,)),
        (("jacobian", "x*y", "--vars", "x,y", "--at", f"{text},1"), None, (2,)),  # point
        (("jacobian", "x*y", "--vars", text), None, (2,)),                       # --vars
    ]
    for args, stdin, codes in cases:
        result, elapsed = run_in(tmp_path, monkeypatch, run, *args, input=stdin)
        assert_refused(result, elapsed, codes)
    # a points file with the text in a row: that row is refused, the run says so
    result, elapsed = run_in(tmp_path, monkeypatch, run, "jacobian", "x*y", "--vars", "x,y",
                             "--points", str(tmp_path / "points.csv"), "--format", "csv")
    assert result.exit_code == 2 and "Traceback" not in result.stderr and elapsed < 20


BIG = [
    ("(" * 250 + "x" + ")" * 250, "nested more than"),
    ("exp(" * 150 + "x" + ")" * 150, "nested more than"),
    ("1" * 5000 + "*x", "digits"),
    ("9^9^9*x", "digits"),
    ("((9^9)^9999)^9999*x", "digits"),
    ("x+" * 6000 + "x", "characters"),
    ("x+" * 2600 + "x", "terms and operators"),
    ("1e999999999*x", "out of range"),
]


@pytest.mark.parametrize("text, needle", BIG)
def test_resource_limits(text, needle, tmp_path, monkeypatch, run):
    result, elapsed = run_in(tmp_path, monkeypatch, run, "jacobian", text)
    assert_refused(result, elapsed)
    assert needle in result.stderr


@pytest.mark.parametrize("spec, point, needle", [
    ("x^(10^100)", "2", "digits"),
    ("exp(exp(x))", "1000", "too large"),
    ("x^3000", "3^1000", "digits"),
])
def test_huge_values_at_a_point(spec, point, needle, tmp_path, monkeypatch, run):
    result, elapsed = run_in(tmp_path, monkeypatch, run, "jacobian", spec, "--at", point)
    assert_refused(result, elapsed, codes=(3,))
    assert needle in result.stderr


def test_huge_power_kept_symbolic(tmp_path, monkeypatch, run):
    result, _ = run_in(tmp_path, monkeypatch, run, "jacobian", "x^(10^100)", "--format", "csv")
    assert result.exit_code == 0 and "x^" in result.stdout


YAML_CASES = [
    (b"\x00\x01\xff\xfe binary", "is not UTF-8 text"),
    (b"", "empty"),
    (b"- x\n- y\n", "not a mapping"),
    (b"inputs: [x]\n", "missing key 'outputs'"),
    (b"inputs: [x]\noutputs: [yes]\n", "boolean"),
    (b"inputs: [x]\noutputs: [no, on]\n", "boolean"),
    (b"inputs: [x]\noutputs: [!!python/object/apply:os.system ['touch canary']]\n", "tags are not allowed"),
    (b"inputs: [x]\noutputs: [x]\noutputs: [x^2]\n", "duplicate key 'outputs'"),
    (b"inputs: [x, x]\noutputs: [x]\n", "declared twice"),
    (b"inputs: [x-y]\noutputs: [x]\n", "not a valid input name"),
    (b"inputs: [x]\noutputs: &a [*a]\n", "refers to itself"),
]


@pytest.mark.parametrize("content, needle", YAML_CASES)
def test_malformed_yaml(content, needle, tmp_path, monkeypatch, run):
    path = tmp_path / "f.yaml"
    path.write_bytes(content)
    result, elapsed = run_in(tmp_path, monkeypatch, run, "jacobian", str(path))
    assert_refused(result, elapsed)
    assert needle in result.stderr


def test_billion_laughs(tmp_path, monkeypatch, run):
    lines = ["inputs: [x]", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    lines.append("outputs: *a8")
    path = tmp_path / "lol.yaml"
    path.write_text("\n".join(lines))
    result, elapsed = run_in(tmp_path, monkeypatch, run, "jacobian", str(path))
    assert_refused(result, elapsed)
    assert "expands to more than" in result.stderr


def test_directory_missing_file_and_huge_file(tmp_path, monkeypatch, run):
    (tmp_path / "big.yaml").write_text("inputs: [x]\noutputs:\n" + "  - x\n" * 250_000)
    for arg, needle in [(str(tmp_path), "directory"), (str(tmp_path / "nope.yaml"), "no such file"),
                        (str(tmp_path / "big.yaml"), "at most")]:
        result, elapsed = run_in(tmp_path, monkeypatch, run, "jacobian", arg)
        assert_refused(result, elapsed)
        assert needle in result.stderr


def test_time_budget_falls_back(monkeypatch):
    """Slow simplification is cut off by --timeout and the result says what was skipped."""
    import sympy

    from jaccli import jacobian

    def slow_simplify(expr, *args, **kwargs):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pass
        return expr

    monkeypatch.setattr(sympy, "simplify", slow_simplify)
    start = time.monotonic()
    result = jacobian("sin(x)^3*cos(y) + x*y*exp(x), x/y", vars=["x", "y"], timeout=5)
    assert time.monotonic() - start < 2  # simplify() gets 0.25 s per entry, 0.4 s in all
    assert any("simplify() was stopped" in note for note in result.notes)
    assert result.symbolic.shape == (2, 2)
    monkeypatch.setattr(sympy, "together", slow_simplify)  # now even the cheap forms are slow
    start = time.monotonic()
    result = jacobian("sin(x)^3*cos(y) + x*y*exp(x), x/y", vars=["x", "y"], timeout=0.5)
    assert time.monotonic() - start < 0.5 + 2 + 1  # --timeout plus the grace period, at most
    assert any("time budget (0.5 s) ran out: skipped simplification" in note for note in result.notes)


def test_an_alarm_lost_in_a_finalizer_fires_again():
    """Python swallows an exception raised inside a weakref callback or __del__ ("Exception ignored");
    the budget's alarm must not be lost with it, or the attempt would run past its time."""
    from jaccli.core.budget import BudgetExceeded, attempt, time_budget

    swallowed = []

    def work():
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                while time.monotonic() < deadline:
                    pass
            except BudgetExceeded:  # what a finalizer does to it
                if swallowed:
                    raise
                swallowed.append(time.monotonic())
        return "ran to the end"

    start = time.monotonic()
    with time_budget(10):
        result = attempt(work, lambda: "fell back", "the slow part", most=0.2)
    assert result == "fell back" and len(swallowed) == 1
    assert time.monotonic() - start < 1.0


def test_an_alarm_in_a_real_finalizer_is_quiet_and_not_lost(monkeypatch):
    """The alarm arrives while __del__ runs: Python hands the exception to sys.unraisablehook, which
    would print "Exception ignored … Traceback" on the user's terminal; jac's hook keeps it quiet and
    the alarm fires again once the finalizer is done."""
    import gc
    import sys

    from jaccli.core.budget import attempt, time_budget

    printed = []  # what Python's default hook would print to the terminal
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: printed.append(unraisable.exc_value))

    class Slow:
        def __del__(self):
            end = time.monotonic() + 0.3
            while time.monotonic() < end:
                pass

    def work():
        Slow()  # collected at once: its __del__ runs while the 0.1 s alarm falls due
        gc.collect()
        end = time.monotonic() + 5
        while time.monotonic() < end:
            pass
        return "ran to the end"

    start = time.monotonic()
    with time_budget(10):
        result = attempt(work, lambda: "fell back", "the slow part", most=0.1)
    assert result == "fell back" and time.monotonic() - start < 1.5
    assert printed == []


def test_time_budget_cli_option(run):
    r = run("compose", "samples/f.yaml", "samples/g.yaml", "--timeout", "0", "--format", "csv")
    assert r.exit_code == 0


@pytest.mark.parametrize("exc, code, needle", [
    (RecursionError(), 2, "nested too deeply"),
    (MemoryError(), 2, "out of memory"),
    (KeyError("boom"), 4, "internal error"),
])
def test_python_limits_become_messages(exc, code, needle, monkeypatch, run):
    from jaccli.app import runner as running

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(running, "_run", boom)
    r = run("jacobian", "x")
    assert r.exit_code == code and needle in r.stderr and "Traceback" not in r.stderr


def test_a_number_too_long_to_print_is_said(run):
    """Exact products of 1,000-digit values: each entry has about 5,000 digits, more than jac prints."""
    big = "10^999 + 7"
    r = run("jacobian", "x*y*z*w*u*v", "--vars", "x,y,z,w,u,v", "--at", ",".join([big] * 6))
    assert r.exit_code == 3 and "more than 4,300 digits" in r.stderr and "Traceback" not in r.stderr


_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_settings
@given(st.text(max_size=40))
def test_arbitrary_expression_text(run, text):
    r = run("jacobian", text, "--at", "1,2", "--vars", "x,y", "--format", "json")
    assert r.exit_code in (0, 2, 3) and "Traceback" not in r.stderr


@_settings
@given(st.text(max_size=30))
def test_arbitrary_point_text(run, text):
    r = run("jacobian", "x^2 + sin(y)", "--vars", "x,y", "--at", text, "--format", "json")
    assert r.exit_code in (0, 2, 3) and "Traceback" not in r.stderr


@_settings
@given(st.text(max_size=120))
def test_arbitrary_yaml_document(run, text):
    r = run("jacobian", "-", input="inputs: [x, y]\n" + text)
    assert r.exit_code in (0, 2, 3) and "Traceback" not in r.stderr
    r = run("jacobian", "-", input=text)
    assert r.exit_code in (0, 2, 3) and "Traceback" not in r.stderr


_LATEX_PIECES = list("\\{}[]()^_&|xyz0123456789 +-*/.,²πθ") + [
    "\\frac", "\\sqrt", "\\left", "\\right", "\\sin", "\\begin{bmatrix}", "\\end{bmatrix}", "\\\\"]


@_settings
@given(st.lists(st.sampled_from(_LATEX_PIECES), max_size=20).map("".join))
def test_arbitrary_latex_text(run, text):
    r = run("jacobian", "\\" + text, "--latex", "--vars", "x,y,z", "--format", "json")
    assert r.exit_code in (0, 2, 3) and "Traceback" not in r.stderr
