"""Batch evaluation: `jac jacobian --points` against a hand-written numpy script, both as whole processes on
the same CSV file, measured in the same run (interleaved), with each process's peak memory.

    python benchmarks/bench_points.py [--rows 100000,1000000,10000000] [--repeat 3] [--json]

Reports, per size, the median wall time, points per second and peak resident memory of each, and the ratio
jac / reference (the aims: within 1.2× of the reference from 10⁶ rows on, and under 300 MB for 10⁷ rows).
The reference loads the whole file, computes with numpy and writes with np.savetxt: what a careful user
writes by hand. --json also times jac's JSON Lines output of the same batch and reports its peak memory next
to CSV's (aim: under 300 MB at any size, as CSV).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, measure  # noqa: E402


def write_points(path: Path, rows: int) -> None:
    """r, theta, phi rows, written in blocks (the file is large; memory is not)."""
    import orjson

    rng = np.random.default_rng(0)
    with open(path, "wb") as out:
        out.write(b"r,theta,phi\n")
        for start in range(0, rows, 1_000_000):
            k = min(1_000_000, rows - start)
            block = np.column_stack([rng.uniform(0.5, 2, k), rng.uniform(0.1, 3, k), rng.uniform(0, 6, k)])
            out.write(orjson.dumps(block, option=orjson.OPT_SERIALIZE_NUMPY)[2:-2].replace(b"],[", b"\n") + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also time JSON Lines output")
    args = parser.parse_args()
    print("3→3 Jacobian + det (spherical), CSV in and out, whole processes, median of "
          f"{args.repeat} runs (interleaved)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for rows in (int(r) for r in args.rows.split(",")):
            csv = tmp_path / "points.csv"
            write_points(csv, rows)
            jac_cmd = [sys.executable, "-m", "jaccli", "jacobian", "samples/spherical.yaml", "--points", str(csv),
                       "--format", "csv"]
            ref_cmd = [sys.executable, str(ROOT / "benchmarks" / "reference_spherical.py"), str(csv)]
            jac_runs, ref_runs = [], []
            for _ in range(args.repeat):
                jac_runs.append(measure(jac_cmd, tmp_path / "jac.csv"))
                ref_runs.append(measure(ref_cmd, tmp_path / "ref.csv"))
            check_same(tmp_path / "jac.csv", tmp_path / "ref.csv", rows)
            jac_t, ref_t = statistics.median(t for t, _ in jac_runs), statistics.median(t for t, _ in ref_runs)
            jac_m, ref_m = max(m for _, m in jac_runs), max(m for _, m in ref_runs)
            print(f"{rows:>12,} rows  jac {jac_t:7.2f} s {rows / jac_t:>10,.0f}/s {jac_m:7.0f} MB   "
                  f"numpy {ref_t:7.2f} s {rows / ref_t:>10,.0f}/s {ref_m:7.0f} MB   "
                  f"time ratio {jac_t / ref_t:.2f}×, memory ratio {jac_m / ref_m:.2f}×")
            if args.json:
                json_cmd = jac_cmd[:-1] + ["json"]
                json_runs = [measure(json_cmd, tmp_path / "jac.jsonl") for _ in range(args.repeat)]
                json_t, json_m = statistics.median(t for t, _ in json_runs), max(m for _, m in json_runs)
                print(f"{'':>12}       jac JSON Lines {json_t:7.2f} s {rows / json_t:>10,.0f}/s {json_m:7.0f} MB "
                      f"(CSV {jac_m:.0f} MB)")


def check_same(jac: Path, ref: Path, rows: int) -> None:
    """Same numbers, or the timing means nothing (checked on a sample of lines, the files are large)."""
    with open(jac) as a, open(ref) as b:
        for k, (x, y) in enumerate(zip(a, b)):
            if k == 0:
                assert x.strip() == y.strip(), (x, y)
            elif k % max(1, rows // 1000) == 0:
                np.testing.assert_allclose(np.array(x.split(","), float), np.array(y.split(","), float),
                                           rtol=1e-12, atol=1e-12)


if __name__ == "__main__":
    main()
