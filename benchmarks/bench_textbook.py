"""Every textbook exercise in tests/corpus/textbook.yaml, timed as whole commands the way a student
runs them: the Jacobian (jacobian or compose) symbolically, at the exercise's point, and `jac check`
of the published answer. Reference: `python -c "import sympy"` measured in the same run (start-up is
most of a small command). Aim: every command under 1 s; the worst case is reported.

    python benchmarks/bench_textbook.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


def commands(case: dict) -> list[tuple[str, list[str]]]:
    jac = [sys.executable, "-m", "jaccli"]
    specs = case["functions"]
    verb = "compose" if len(specs) > 1 else "jacobian"
    out = [("symbolic", jac + [verb, *specs, "--format", "json"]),
           ("at the point", jac + [verb, *specs, "--at", case["at"], "--format", "json"])]
    if case["kind"] == "det":
        if "matrix" not in case:
            out.append(("check det", jac + ["check", *specs, "--expect-det", case["answer"], "--expect", "-",
                                            "--format", "json"]))
    else:
        out.append(("check", jac + ["check", *specs, "--expect", case["answer"], "--format", "json"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = yaml.safe_load((ROOT / "tests" / "corpus" / "textbook.yaml").read_text())
    reference = statistics.median(run([sys.executable, "-c", "import sympy"])[0] for _ in range(args.repeat))
    rows = []
    for case in corpus:
        for label, cmd in commands(case):
            if "--expect" in cmd and cmd[cmd.index("--expect") + 1] == "-":
                continue  # a determinant-only check needs the matrix too: covered by the tests
            times, codes = zip(*(run(cmd) for _ in range(args.repeat)))
            rows.append((case["id"], label, statistics.median(times), set(codes)))
    width = max(len(r[0]) for r in rows)
    for case_id, label, t, codes in rows:
        print(f"  {case_id:<{width}}  {label:<13} {t:6.3f} s   exit {','.join(map(str, sorted(codes)))}")
    times = [r[2] for r in rows]
    worst = max(rows, key=lambda r: r[2])
    print(f"{len(rows)} commands over {len(corpus)} exercises, median of {args.repeat} runs each")
    print(f"  median {statistics.median(times):.3f} s, worst {worst[2]:.3f} s ({worst[0]}, {worst[1]}); "
          f"reference `import sympy` {reference:.3f} s; worst/reference {worst[2] / reference:.2f}×")
    print(f"  under 1 s: {sum(t < 1 for t in times)} of {len(times)}")


if __name__ == "__main__":
    main()
