"""Rows per second: ``--dask`` on a local cluster (2 worker processes) against the single-process
batch over the same Parquet files (one ``jac … --points FILE -o FILE.parquet`` per file, and one jac
over a single file holding all the rows), in one run.

    python benchmarks/bench_dask.py [--files 8] [--rows 250000] [--runs 3]

On a 2-core machine the cluster has no spare cores: the figure shows Dask's overhead (starting the
cluster, shipping the plan, scheduling), not a speed-up. --dask is for many machines.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
JAC = [sys.executable, "-m", "jaccli"]
SPEC = str(ROOT / "samples" / "spherical.yaml")


def _files(folder: Path, files: int, rows: int) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    paths = []
    for k in range(files):
        values = rng.uniform(0.2, 3.0, size=(rows, 3))
        path = folder / f"points-{k:03d}.parquet"
        pq.write_table(pa.table({"r": values[:, 0], "theta": values[:, 1], "phi": values[:, 2]}), path)
        paths.append(path)
    return paths


def _run(cmds: list[list[str]]) -> float:
    start = time.perf_counter()
    for cmd in cmds:
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--rows", type=int, default=250_000, help="rows per file")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    total = args.files * args.rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data").mkdir()
        paths = _files(folder / "data", args.files, args.rows)
        import pyarrow as pa
        import pyarrow.parquet as pq

        whole = folder / "all.parquet"
        pq.write_table(pa.concat_tables([pq.read_table(p) for p in paths]), whole)
        one = [[*JAC, "jacobian", SPEC, "--points", str(whole), "-o", str(folder / "single-all.parquet")]]
        single = [[*JAC, "jacobian", SPEC, "--points", str(p), "-o", str(folder / f"single-{p.name}")] for p in paths]
        dask = [[*JAC, "jacobian", SPEC, "--points", str(folder / "data" / "*.parquet"), "--dask",
                 "-o", str(folder / "dask")]]
        times: dict[str, list[float]] = {"single process, file by file": [], "single process, one file of all rows": [],
                                         "--dask, local cluster (2 workers)": []}
        for _ in range(args.runs):  # interleaved: all see the same machine noise
            times["single process, file by file"].append(_run(single))
            times["single process, one file of all rows"].append(_run(one))
            times["--dask, local cluster (2 workers)"].append(_run(dask))
    print(f"{args.files} Parquet files × {args.rows:,} rows = {total:,} rows, 3→3 spherical Jacobian, "
          f"medians of {args.runs} runs")
    reference = statistics.median(times["single process, one file of all rows"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:38s} {median:7.2f} s  {total / median:12,.0f} rows/s  ({median / reference:.2f}× the time of one process on one file)")


if __name__ == "__main__":
    main()
