"""Batch evaluation speed: `jac jacobian --points` against a hand-written numpy
script, both as whole processes on the same file, measured in the same run.

    python benchmarks/bench_points.py [--points 100000] [--repeat 5]

Reports the median wall time of each, points per second, and the ratio
jac / reference (the issue's aim: within 3× end to end).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        rng = np.random.default_rng(0)
        pts = np.column_stack([rng.uniform(0.5, 2, args.points), rng.uniform(0.1, 3, args.points),
                               rng.uniform(0, 6, args.points)])
        csv = tmp_path / "points.csv"
        np.savetxt(csv, pts, delimiter=",", header="r,theta,phi", comments="", fmt="%.17g")
        jac_cmd = [sys.executable, "-m", "jaccli", "jacobian", "samples/spherical.yaml", "--points", str(csv),
                   "--format", "csv"]
        ref_cmd = [sys.executable, str(ROOT / "benchmarks" / "reference_spherical.py"), str(csv)]
        jac_times, ref_times = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            jac_times.append(timed(jac_cmd, tmp_path / "jac.csv"))
            ref_times.append(timed(ref_cmd, tmp_path / "ref.csv"))
        jac_out = np.loadtxt(tmp_path / "jac.csv", delimiter=",", skiprows=1)
        ref_out = np.loadtxt(tmp_path / "ref.csv", delimiter=",", skiprows=1)
        np.testing.assert_allclose(jac_out, ref_out, rtol=1e-12, atol=1e-12)  # same numbers, or the timing means nothing
    jac_med, ref_med = statistics.median(jac_times), statistics.median(ref_times)
    print(f"3→3 Jacobian + det (spherical), {args.points:,} points, median of {args.repeat} runs, CSV in and out")
    print(f"  jac --points      {jac_med:7.3f} s   {args.points / jac_med:12,.0f} points/s")
    print(f"  numpy reference   {ref_med:7.3f} s   {args.points / ref_med:12,.0f} points/s")
    print(f"  ratio jac/reference: {jac_med / ref_med:.2f}×")


if __name__ == "__main__":
    main()
