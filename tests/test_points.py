"""--points: many points, vectorised, bad rows reported without stopping the others."""

import json
import math

import numpy as np
import pytest

from jaccli import evaluate_points
from jaccli.jobs.points import parse_points


def test_parse_points_header_any_order_and_whitespace():
    rows = parse_points("y x\n2 1\n# comment\n\n4 3\n", ("x", "y"))
    assert rows.values.tolist() == [[1, 2], [3, 4]] and rows.lines == [1 + 1, 5]
    csv_rows = parse_points("1,2\n3, pi\n", ("x", "y"))
    assert csv_rows.values[1, 1] == pytest.approx(math.pi)


def test_parse_points_bad_rows():
    rows = parse_points("x,y\n1,2\n1\nnan,2\n1,foo\n5,6\n", ("x", "y"))
    assert rows.lines == [2, 6]
    assert [e.line for e in rows.errors] == [3, 4, 5]
    assert all(e.exit_code == 2 for e in rows.errors)


def test_header_must_name_the_inputs(run, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b\n1,2\n")
    r = run("jacobian", "samples/f.yaml", "--points", str(path))
    assert r.exit_code == 2 and "the inputs are x, y" in r.stderr


def test_values_match_single_point_results(run, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("r,theta,phi\n1,0.5,0.25\n2,1,3\n")
    lines = run("jacobian", "samples/spherical.yaml", "--points", str(path), "--format", "json").stdout.splitlines()
    assert len(lines) == 3  # a header object, then one object per point
    head, first, second = (json.loads(line) for line in lines)
    single = json.loads(run("jacobian", "samples/spherical.yaml", "--at", "2.0,1.0,3.0", "--format", "json").stdout)
    assert head["type"] == "header" and head["inputs"] == single["inputs"] and head["shape"] == single["shape"]
    assert head["jacobian"]["symbolic"] is not None and "symbolic" not in json.dumps(second)  # said once
    assert second["type"] == "row" and second["line"] == 3 and second["point"] == single["point"]
    np.testing.assert_allclose(second["jacobian"]["value"], single["jacobian"]["value"], rtol=1e-12)
    assert second["determinant"]["value"] == pytest.approx(single["determinant"]["value"], rel=1e-12)
    assert second["determinant"]["log_abs"] == pytest.approx(single["determinant"]["log_abs"], rel=1e-12)


def test_compose_points_csv_and_jsonl(run, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("1 2\n0.5 -1\n")
    out = run("compose", "samples/f.yaml", "samples/g.yaml", "--points", str(path), "--format", "csv").stdout
    header, first, _ = out.splitlines()
    assert header == "x,y,dg1/dx,dg1/dy,dg2/dx,dg2/dy,dg3/dx,dg3/dy"
    values = [float(v) for v in first.split(",")]
    assert values[:8] == pytest.approx([1, 2, 6, 3, 12, 6, 4 * math.cos(4), 2 * math.cos(4)])
    lines = run("compose", "samples/f.yaml", "samples/g.yaml", "--points", str(path), "--format", "json").stdout
    head, *objs = [json.loads(line) for line in lines.splitlines()]
    single = json.loads(run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1.0,2.0", "--format", "json").stdout)
    assert [f["name"] for f in head["factors"]] == ["f", "g"] and head["shape_arithmetic"] == single["shape_arithmetic"]
    assert [f["at"] for f in objs[0]["factors"]] == [f["at"] for f in single["factors"]]
    np.testing.assert_allclose(objs[0]["factors"][1]["jacobian"]["value"], single["factors"][1]["value"], rtol=1e-12)


def test_bad_rows_are_reported_and_others_printed(run, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("x,y\n1,2\n0,1\n2,oops\n3,4\n-1,1\n")
    r = run("jacobian", "log(x) + y, x*y", "--vars", "x,y", "--points", str(path), "--format", "csv")
    assert r.exit_code == 2  # a row with bad input (2,oops) wins over an undefined one
    rows = r.stdout.splitlines()
    assert rows[0] == "x,y,df1/dx,df1/dy,df2/dx,df2/dy,det" and len(rows) == 3
    assert f"{path}:3: f1 = y + log(x) is undefined" in r.stderr
    assert f"{path}:4:" in r.stderr
    # log(-1) is not real: the row is refused although the derivative 1/x would be finite there
    assert f"{path}:6: f1 = y + log(x) is not real at (x, y) = (-1.0, 1.0)" in r.stderr
    jl = run("jacobian", "log(x) + y, x*y", "--vars", "x,y", "--points", str(path), "--format", "json").stdout
    objs = [json.loads(line) for line in jl.splitlines()][1:]
    assert [(o["type"], o["line"]) for o in objs] == [("row", 2), ("error", 3), ("error", 4), ("row", 5), ("error", 6)]
    assert objs[1]["exit_code"] == 3 and objs[2]["exit_code"] == 2
    only_math = tmp_path / "q.csv"
    only_math.write_text("1,2\n0,1\n")
    assert run("jacobian", "log(x) + y, x*y", "--vars", "x,y", "--points", str(only_math)).exit_code == 3


def test_rows_outside_the_domain_come_from_the_exact_path(run, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("-1\n4\n")
    r = run("jacobian", "sqrt(x)", "--points", str(path), "--format", "csv")
    assert r.exit_code == 3 and f"{path}:1: f = sqrt(x) is not real at x = -1.0" in r.stderr
    assert r.stdout.splitlines()[1:] == ["4.0,0.25,0.25"]  # 1×1: det = f′


def test_points_from_stdin_and_table(run):
    r = run("jacobian", "samples/f.yaml", "--points", "-", "--format", "plain", input="x y\n1 2\n3 4\n")
    assert r.exit_code == 0 and "line 2" in r.stdout and "line 3" in r.stdout


def test_vectorised_no_per_point_symbolic_work(monkeypatch):
    """10,000 points: the exact (per-point) path is never taken for good rows."""
    from jaccli.jobs import jacobian as jacobians

    calls = []
    monkeypatch.setattr(jacobians, "row_at", lambda *a, **k: calls.append(1))
    rng = np.random.default_rng(0)
    text = "\n".join(",".join(map(repr, row)) for row in rng.uniform(0.5, 2, size=(10_000, 3)).tolist())
    batch = evaluate_points(["samples/spherical.yaml"], text)
    assert batch.jacobian.shape == (10_000, 3, 3) and not calls
    r, t, p = batch.rows.values[123]
    assert batch.determinant[123] == pytest.approx(r**2 * math.sin(t), rel=1e-12)


def test_usage_errors(run):
    assert run("jacobian", "samples/f.yaml", "--points", "-", "--at", "1,2", input="1 2\n").exit_code == 2
    assert run("jacobian", "samples/f.yaml", "--points", "-", "--format", "latex", input="1 2\n").exit_code == 2
    assert run("jacobian", "samples/f.yaml", "--points", "missing.csv").exit_code == 2
    assert run("jacobian", "-", "--points", "-", input="x\n").exit_code == 2


def test_points_read_json_lines_by_name_and_jacs_own_rows(run, tmp_path):
    """--points takes JSON Lines: objects with the inputs as keys (any order; a constant as text), and jac's own
    --format json output (header and error objects skipped, each row's point used). Values are the spherical
    Jacobian's, compared with the CSV path (which reads the same numbers)."""
    import json as _json

    path = tmp_path / "p.jsonl"
    path.write_text('{"r": 1, "theta": 0.5, "phi": 0.25}\n{"phi": 3, "r": 2, "theta": "pi/4"}\n{"r": 1}\n')
    r = run("jacobian", "samples/spherical.yaml", "--points", path, "--format", "csv")
    assert r.exit_code == 2 and "p.jsonl:3: no theta, phi" in r.stderr
    rows = [line.split(",") for line in r.stdout.splitlines()[1:]]
    assert [float(v) for v in rows[1][:3]] == [2.0, pytest.approx(np.pi / 4), 3.0]
    # r sin(theta) cos(phi): dx/dr = sin(theta) cos(phi)
    assert float(rows[0][3]) == pytest.approx(np.sin(0.5) * np.cos(0.25), rel=1e-15)
    own = tmp_path / "own.jsonl"
    own.write_text(run("jacobian", "samples/spherical.yaml", "--points", "samples/points.csv", "--format",
                       "json").stdout)
    again = run("jacobian", "samples/spherical.yaml", "--points", own, "--format", "csv").stdout
    assert again == run("jacobian", "samples/spherical.yaml", "--points", "samples/points.csv", "--format",
                        "csv").stdout
    assert _json.loads(own.read_text().splitlines()[0])["type"] == "header"


def test_an_unreadable_first_row_says_which_formats_points_reads(run, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("<points><p r='1'/></points>\n")
    r = run("jacobian", "samples/spherical.yaml", "--points", path, "--format", "csv")
    assert r.exit_code == 2 and "--points reads CSV" in r.stderr and "JSON Lines" in r.stderr


def test_small_determinants_are_exact_where_the_entries_are(run, tmp_path):
    """J = [[0.5, 1], [0, 8]] for (sqrt(x) + y, y²) at (1, 4): det = 0.5·8 = 4 exactly (LU gave 3.999999999999999),
    as --at gives it; a 3×3 upper-triangular J: the product of its diagonal."""
    r = run("jacobian", "sqrt(x) + y, y^2", "--vars", "x,y", "--points", "-", "--format", "csv", input="x,y\n1,4\n")
    assert r.stdout.splitlines()[1].split(",")[-1] == "4.0"
    r = run("jacobian", "x + y + z, 2y + z, 3z", "--vars", "x,y,z", "--points", "-", "--format", "csv",
            input="x,y,z\n1,2,3\n")
    assert r.stdout.splitlines()[1].split(",")[-1] == "6.0"
