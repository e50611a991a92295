"""The everyday command, `jac compose samples/f.yaml samples/g.yaml --at 1,2`, against the same job written
by hand with sympy (benchmarks/reference_compose.py: read the YAML, Matrix.jacobian, subs, the product,
print), as whole processes: CPU time (user + system) of each, interleaved runs, medians.
Aim (issue 23 §5): jac ≤ 1.0× the hand-written script.

    python benchmarks/bench_everyday.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import JAC, ROOT, bytecode  # noqa: E402

SAMPLES = ROOT / "jaccli" / "samples"


def cpu(cmd: list[str]) -> float:
    """User + system seconds of one process (its output discarded)."""
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{cmd} failed ({status})")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    bytecode()
    f, g = str(SAMPLES / "f.yaml"), str(SAMPLES / "g.yaml")
    jac = JAC + ["compose", f, g, "--at", "1,2"]
    ref = [sys.executable, str(Path(__file__).resolve().parent / "reference_compose.py"), f, g, "1,2"]
    floor = [sys.executable, "-c", "import sympy, yaml"]
    times: dict[str, list[float]] = {"jac": [], "sympy script": [], "import sympy, yaml": []}
    for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits both
        times["jac"].append(cpu(jac))
        times["sympy script"].append(cpu(ref))
        times["import sympy, yaml"].append(cpu(floor))
    med = {k: statistics.median(v) for k, v in times.items()}
    for name, value in med.items():
        print(f"  {name:<20} {value * 1000:7.1f} ms CPU (median of {args.repeat})")
    print(f"jac / hand-written sympy script: {med['jac'] / med['sympy script']:.2f}×  "
          f"(beyond importing sympy and yaml: jac {1000 * (med['jac'] - med['import sympy, yaml']):.0f} ms, "
          f"script {1000 * (med['sympy script'] - med['import sympy, yaml']):.0f} ms)")


if __name__ == "__main__":
    main()
