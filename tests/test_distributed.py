"""--dask: files of points evaluated on a local dask.distributed cluster (2 worker processes) give,
row for row, what a single-process batch gives; the plan pickles; bad rows name their file and line."""

import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pytest

if not os.environ.get("CI"):  # under CI the test extra installs jaccli[dask]: there these tests never skip
    pytest.importorskip("pyarrow", reason="the dask and parquet extras: python3 scripts/test_installed.py installs them")
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from conftest import JAC

from jaccli.api import load
from jaccli.app.distributed import evaluate_partition
from jaccli.app.distributed import run as dask_run
from jaccli.app.samples import folder as sample_folder
from jaccli.core.errors import SpecError
from jaccli.jobs.jacobian import row_at
from jaccli.jobs.points import Plan
from jaccli.parse.rows import RowReader

SPHERICAL = str(sample_folder() / "spherical.yaml")


def _single_process(spec_args, path: Path) -> np.ndarray:
    """The same file through the ordinary streaming batch, as floats (CSV output)."""
    r = subprocess.run([*JAC, *spec_args, "--points", str(path), "--format", "csv"], capture_output=True,
                       text=True)
    rows = [line.split(",") for line in r.stdout.splitlines()[1:]]
    return np.array(rows, dtype=float)


def _parquet_files(folder: Path, sizes, names=("r", "theta", "phi")):
    rng = np.random.default_rng(7)
    paths = []
    for k, size in enumerate(sizes):
        values = rng.uniform(0.2, 3.0, size=(size, 3))
        path = folder / f"points-{k}.parquet"
        pq.write_table(pa.table({names[j]: values[:, j] for j in (2, 0, 1)}), path)  # column order is free
        paths.append(path)
    return paths


def test_local_cluster_matches_single_process_row_for_row(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    files = _parquet_files(data, (3000, 70_000, 10))  # the second one is more than one chunk on its worker
    r = subprocess.run([*JAC, "jacobian", SPHERICAL, "--points", str(data / "*.parquet"), "--dask",
                        "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "73,010 rows from 3 files" in r.stderr and "Traceback" not in r.stderr
    for path in files:
        out = pq.read_table(tmp_path / "out" / path.name)
        assert out.column_names[:4] == ["r", "theta", "phi", "dx/dr"] and out.column_names[-1] == "det"
        got = np.column_stack([out.column(c).to_numpy() for c in out.column_names])
        expected = _single_process(["jacobian", SPHERICAL], path)
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)  # the same kernel: the same doubles
        r_, t = got[:, 0], got[:, 1]
        np.testing.assert_allclose(got[:, -1], r_ ** 2 * np.sin(t), rtol=1e-12)  # independent: r² sin θ


def test_csv_files_with_bad_rows_compose(tmp_path):
    """A composition over CSV files: bad rows are reported by file and line, good ones match."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x,y\n1,2\n0.5,-1\nabc,3\n2,\n")
    (data / "b.csv").write_text("y,x\n3,1.5\n2,-1\n4,0.25\n")  # columns in another order; x = -1: log undefined
    f = "u = log(x) + y, v = x*y"
    g = "u*v, u - v, u^2"
    result = dask_run(Plan(_bound(f, g), row_at), str(data / "*.csv"), str(tmp_path / "out"), "local", "table")
    assert result.parts == 2 and result.rows == 4 and result.bad_rows == 3
    assert result.exit_code == 2
    joined = "\n".join(result.errors)
    assert f"{data / 'a.csv'}:4: x = 'abc' is not a number" in joined
    assert f"{data / 'a.csv'}:5: y is missing" in joined
    assert f"{data / 'b.csv'}:3:" in joined and "log" in joined
    for name in ("a", "b"):
        got = np.loadtxt(tmp_path / "out" / f"{name}.csv", delimiter=",", skiprows=1, ndmin=2)
        clean = tmp_path / f"{name}-clean.csv"
        text = (data / f"{name}.csv").read_text().splitlines()
        clean.write_text("\n".join([text[0]] + [ln for ln in text[1:] if _good(ln)]) + "\n")
        expected = _single_process(["compose", f, g, "--vars", "x,y"], clean)
        np.testing.assert_array_equal(got, expected)
        for x, y, *J in got:  # independent: J = J_g(u, v) · J_f(x, y), by hand
            u, v = np.log(x) + y, x * y
            Jg = np.array([[v, u], [1, -1], [2 * u, 0]])
            Jf = np.array([[1 / x, 1], [y, x]])
            np.testing.assert_allclose(np.reshape(J, (3, 2)), Jg @ Jf, rtol=1e-12)


def _good(line: str) -> bool:
    try:
        a, b = (float(v) for v in line.split(","))
    except ValueError:
        return False
    return True


def _bound(*specs):
    from jaccli.model.binding import bind

    return bind(load(list(specs), vars=["x", "y"]))


def test_the_plan_pickles_as_expressions_and_recompiles():
    """What ships to a worker: a symengine-built plan (≥100 entries) pickles and gives the same numbers."""
    n = 12
    text = ", ".join(" + ".join(f"tanh(x{j})*{i + j + 1}" for j in range(n)) for i in range(n))
    plan = Plan(load(text, vars=[f"x{j}" for j in range(n)]), row_at)
    copy = pickle.loads(pickle.dumps(plan))
    X = np.random.default_rng(1).normal(size=(50, n))
    from jaccli.parse.rows import Chunk

    a = plan.evaluate(Chunk(np.arange(1, 51), X))
    b = copy.evaluate(Chunk(np.arange(1, 51), X))
    np.testing.assert_array_equal(a.jacobian, b.jacobian)
    expected = np.array([[(i + j + 1) / np.cosh(X[:, j]) ** 2 for j in range(n)] for i in range(n)])
    np.testing.assert_allclose(a.jacobian, np.moveaxis(expected, 2, 0), rtol=1e-12)


def test_partition_function_without_a_cluster(tmp_path):
    """The worker's function on its own: chunks, line numbers after the header, the part file."""
    import pandas as pd

    plan = Plan(load("x^2 + y, x*y", vars=["x", "y"]), row_at)
    frame = pd.DataFrame({"y": ["1", "2", "x", "4"], "x": ["1", "inf", "3", "0.5"]})
    out = tmp_path / "part.csv"
    row = evaluate_partition(frame, plan, ["in.csv"], [str(out)], 2, partition_info={"number": 0})
    assert int(row["rows"][0]) == 2 and int(row["bad"][0]) == 2
    assert row["messages"][0].splitlines() == ["in.csv:3: a value is not finite (inf)",
                                               "in.csv:4: y = 'x' is not a number"]
    got = np.loadtxt(out, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(got[0], [1, 1, 2, 1, 1, 1, -1 * 1 + 2 * 1 * 1])
    assert out.read_text().splitlines()[0] == "x,y,df1/dx,df1/dy,df2/dx,df2/dy,det"


def test_mistakes_are_explained_before_a_cluster_starts(tmp_path, run):
    plan = Plan(load(SPHERICAL), row_at)
    with pytest.raises(SpecError, match="matches no files"):
        dask_run(plan, str(tmp_path / "*.parquet"), str(tmp_path / "out"), "local", "table")
    _parquet_files(tmp_path, (5,), names=("a", "b", "c"))
    with pytest.raises(SpecError, match="no column r, theta, phi"):
        dask_run(plan, str(tmp_path / "*.parquet"), str(tmp_path / "out"), "local", "table")
    with pytest.raises(SpecError, match="give a folder with -o"):
        dask_run(plan, str(tmp_path / "*.parquet"), None, "local", "table")
    r = run("jacobian", SPHERICAL, "--dask")
    assert r.exit_code == 2 and "--dask evaluates files of points" in r.stderr
    r = run("jacobian", SPHERICAL, "--points", "-", "--dask", "-o", str(tmp_path))
    assert r.exit_code == 2 and "--dask evaluates files of points" in r.stderr
    r = run("jacobian", SPHERICAL, "--points", str(tmp_path / "x.parquet"), "--dask", "--format", "json", "-o", "o")
    assert r.exit_code == 2 and "--format cannot be combined with --dask" in r.stderr


def test_unreachable_scheduler_is_one_message(tmp_path):
    from jaccli.app import distributed

    _parquet_files(tmp_path, (5,))
    plan = Plan(load(SPHERICAL), row_at)
    old = distributed.CONNECT_SECONDS
    distributed.CONNECT_SECONDS = 1
    try:
        with pytest.raises(SpecError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
            dask_run(plan, str(tmp_path / "*.parquet"), str(tmp_path / "out"), "tcp://127.0.0.1:9", "table")
    finally:
        distributed.CONNECT_SECONDS = old


def test_reader_and_dask_agree_on_what_a_file_holds(tmp_path):
    """The single-process reader and --dask read the same Parquet file to the same points."""
    path = _parquet_files(tmp_path, (100,))[0]
    reader = RowReader(str(path), ("r", "theta", "phi"))
    chunk = next(iter(reader))
    table = pq.read_table(path)
    np.testing.assert_array_equal(chunk.values, np.column_stack([table.column(c).to_numpy()
                                                                for c in ("r", "theta", "phi")]))
