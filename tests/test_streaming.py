"""Batches stream with bounded memory, and nothing is ever lost: output follows input, every write is
complete or jac says it is not, a closed pipe is quiet, signals leave whole rows."""

import errno
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import JAC

from jaccli.core.sink import OutputClosed, OutputFailed, Sink
from jaccli.jobs.jacobian import row_at
from jaccli.jobs.points import Plan
from jaccli.parse.rows import RowReader


def _read_lines(process, count, timeout=20.0):
    """Read ``count`` lines from a process's stdout, failing if they do not come in time."""
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    lines, buffer, deadline = [], b"", time.monotonic() + timeout
    while len(lines) < count:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            raise AssertionError(f"only {len(lines)} of {count} lines arrived in {timeout} s: {lines}")
        data = os.read(process.stdout.fileno(), 65536)
        if not data:
            break
        buffer += data
        *complete, buffer = buffer.split(b"\n")
        lines += complete
    return lines


@pytest.mark.parametrize("fmt, first", [("csv", b"r,theta,phi,"), ("json", b'{"type":"header"')])
def test_output_starts_before_input_ends(fmt, first):
    process = subprocess.Popen(JAC + ["jacobian", "samples/spherical.yaml", "--points", "-", "--format", fmt],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        process.stdin.write(b"r,theta,phi\n1,0.5,0.25\n2,1,3\n")
        process.stdin.flush()
        early = _read_lines(process, 3)  # the header and both rows, while stdin is still open
        assert early[0].startswith(first) and len(early) == 3
        process.stdin.write(b"3,1,1\n")
        process.stdin.close()
        rest = process.stdout.read().splitlines()
        assert len(rest) == 1 and process.wait(20) == 0
    finally:
        process.kill()


def test_rows_numbered_across_chunks():
    """Bad rows in several chunks keep their file line numbers; good rows stay in order."""
    from jaccli.parse.spec import from_text

    plan = Plan([from_text("sqrt(x) + y, x y", vars=["x", "y"])], row_at)
    text = "x,y\n1,1\n-1,1\n2,2\n# note\n3,oops\n4,4\n-2,2\n5,5\n"
    results = list(plan.run(RowReader("", plan.inputs, text=text, chunk_rows=2)))
    assert [int(v) for r in results for v in r.lines] == [2, 4, 7, 9]
    errors = [(e.line, e.exit_code) for r in results for e in r.errors]
    assert errors == [(3, 3), (6, 2), (8, 3)]


def test_writer_continues_short_writes(monkeypatch, tmp_path):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))  # a pipe taking 7 bytes at a time
    path = tmp_path / "out"
    with open(path, "wb") as handle:
        sink = Sink(handle)
        sink.write(b"0123456789" * 1000)
        sink.write("ünïcode\n")
    assert path.read_bytes() == b"0123456789" * 1000 + "ünïcode\n".encode()


@pytest.mark.parametrize("code, error", [(errno.ENOSPC, OutputFailed), (errno.EIO, OutputFailed),
                                         (errno.EPIPE, OutputClosed)])
def test_writer_failures(monkeypatch, tmp_path, code, error):
    def failing(fd, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", failing)
    with open(tmp_path / "out", "wb") as handle, pytest.raises(error):
        Sink(handle).write(b"x")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["jacobian", "samples/f.yaml", "--at", "1,2"],
                                  ["jacobian", "samples/spherical.yaml", "--points", "samples/points.csv",
                                   "--format", "csv"],
                                  ["check", "--help"], ["grammar"], ["schema", "points"], ["samples"]])
def test_no_space_left_is_said(args):
    with open("/dev/full", "wb") as full:
        r = subprocess.run(JAC + args, stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 6, r.stderr
    assert b"No space left on device" in r.stderr and b"Traceback" not in r.stderr
    assert b"internal error" not in r.stderr


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"], ["grammar"], ["schema", "compose"],
                                  ["samples"]])
def test_a_reader_that_leaves_at_once_is_a_quiet_141(args):
    """`jac grammar | (exit 0)`: the reader is gone before jac writes (these ended in exit 4 or 1). The pipe's
    read end is closed before jac starts, so the order is certain however loaded the machine is."""
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run(JAC + args, stdout=write, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write)
    assert r.returncode == 141, r.stderr
    assert r.stderr == b""


def _points_file(tmp_path, rows):
    rng = np.random.default_rng(1)
    path = tmp_path / "p.csv"
    np.savetxt(path, rng.uniform(0.5, 2, size=(rows, 3)), delimiter=",", header="r,theta,phi", comments="")
    return path


def test_closed_pipe_is_quiet(tmp_path):
    path = _points_file(tmp_path, 200_000)
    jac = subprocess.Popen(JAC + ["jacobian", "samples/spherical.yaml", "--points", str(path), "--format", "csv"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-1"], stdin=jac.stdout, capture_output=True)
    jac.stdout.close()
    assert jac.wait(60) == 141 and head.stdout.startswith(b"r,theta,phi,")
    assert jac.stderr.read() == b""


@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, b"terminated"), (signal.SIGINT, 130,
                                                                                     b"interrupted")])
def test_signals_leave_whole_rows(signum, code, word):
    process = subprocess.Popen(JAC + ["jacobian", "samples/spherical.yaml", "--points", "-", "--format", "csv"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        process.stdin.write(b"r,theta,phi\n" + b"1,0.5,0.25\n" * 1000)
        process.stdin.flush()
        _read_lines(process, 1001)
        process.send_signal(signum)
        rest = process.stdout.read()
        assert process.wait(20) == code
        assert rest == b"" or rest.endswith(b"\n")
        err = process.stderr.read()
        assert word in err and b"after 1,000 rows" in err and b"whole rows" in err and b"Traceback" not in err
    finally:
        process.kill()


def test_bounded_inputs():
    zero = subprocess.run(JAC + ["jacobian", "samples/spherical.yaml", "--points", "/dev/zero"], capture_output=True, timeout=60)
    assert zero.returncode == 2 and b"longer than 1,048,576 characters" in zero.stderr
    long_line = b"1," * 50_000_000 + b"\n"  # 100 MB on one line
    r = subprocess.run(JAC + ["jacobian", "samples/spherical.yaml", "--points", "-"], input=long_line,
                       capture_output=True, timeout=60)
    assert r.returncode == 2 and len(r.stderr) < 2000
    spec = subprocess.run(JAC + ["jacobian", "-", "--vars", "x", "--at", "1"], input=b"x + 1\n" * 400_000,
                          capture_output=True, timeout=60)
    assert spec.returncode == 2 and b"more than 1,000,000 bytes" in spec.stderr and b"JAC_MAX_INPUT_BYTES" in spec.stderr


def test_endless_input_streams_in_bounded_memory():
    """`yes 1,2,3 | jac … --points -`: rows keep coming out, memory stays flat, SIGTERM ends it cleanly."""
    producer = subprocess.Popen(["yes", "1,0.5,0.25"], stdout=subprocess.PIPE)
    jac = subprocess.Popen(JAC + ["jacobian", "samples/spherical.yaml", "--points", "-", "--format", "csv"],
                           stdin=producer.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _read_lines(jac, 300_000, timeout=60)
        rss = []
        for _ in range(3):
            _read_lines(jac, 300_000, timeout=60)
            rss.append(int(Path(f"/proc/{jac.pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024)
        assert max(rss) < 400 and max(rss) - min(rss) < 100, rss
        jac.send_signal(signal.SIGTERM)
        jac.stdout.read()
        assert jac.wait(20) == 143
    finally:
        jac.kill()
        producer.kill()


def test_npy_in_and_out(run, tmp_path):
    rng = np.random.default_rng(2)
    points = rng.uniform(0.5, 2, size=(1000, 3))
    points[7] = [np.nan, 1, 1]  # a bad row: NaN in the output, so row i stays row i
    np.save(tmp_path / "p.npy", points)
    r = run("jacobian", "samples/spherical.yaml", "--points", str(tmp_path / "p.npy"), "-o", str(tmp_path / "J.npy"))
    assert r.exit_code == 2 and ":8:" in r.stderr
    J = np.load(tmp_path / "J.npy")
    assert J.shape == (1000, 3, 3) and np.isnan(J[7]).all() and np.isfinite(np.delete(J, 7, axis=0)).all()
    r_, t, p = points[3]
    assert J[3][2] == pytest.approx([np.cos(t), -r_ * np.sin(t), 0], rel=1e-12)


def test_parquet_in_and_out(run, tmp_path):
    import pyarrow as pa  # the test extra installs jaccli[parquet]: no skip
    import pyarrow.parquet as pq

    rng = np.random.default_rng(3)
    values = rng.uniform(0.5, 2, size=(500, 3))
    pq.write_table(pa.table({"phi": values[:, 2], "r": values[:, 0], "theta": values[:, 1]}), tmp_path / "p.parquet")
    r = run("jacobian", "samples/spherical.yaml", "--points", str(tmp_path / "p.parquet"), "-o",
            str(tmp_path / "out.parquet"))
    assert r.exit_code == 0, r.stderr
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.num_rows == 500 and out.column_names[:3] == ["r", "theta", "phi"]
    np.testing.assert_allclose(out.column("det").to_numpy(), values[:, 0] ** 2 * np.sin(values[:, 1]), rtol=1e-12)


def test_batch_does_only_the_symbolic_work_it_needs(run, tmp_path):
    path = _points_file(tmp_path, 2000)
    r = run("jacobian", "samples/spherical.yaml", "--points", str(path), "--format", "json", "--timeout", "1")
    head = json.loads(r.stdout.splitlines()[0])
    assert head["determinant"] == "per row" and "time budget" not in r.stderr and "simplif" not in r.stderr
    row = r.stdout.splitlines()[1]
    assert len(row) < 400  # numbers only: the symbolic Jacobian is in the header, once
