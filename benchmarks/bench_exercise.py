"""Generated exercises over many seeds: every one must pass jac's own check (a failure is a bug), and
its answer must equal an independent computation (sympy's Matrix.jacobian / hessian / solve on the
question's functions, substituted at the point).

    python benchmarks/bench_exercise.py [--seeds 100] [--kinds all]

Prints, per kind and difficulty: exercises made, failures, the median time per exercise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from exercise_oracle import independent_answer_matches  # noqa: E402

from jaccli import run as jac_run  # noqa: E402
from jaccli.jobs.exercise import KINDS, make_sheet  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--kinds", default="all")
    args = parser.parse_args()
    kinds = KINDS if args.kinds == "all" else args.kinds.split(",")
    total = failures = 0
    for kind in kinds:
        for difficulty in (1, 2, 3):
            times, bad = [], []
            for seed in range(args.seeds):
                start = time.perf_counter()
                try:
                    sheet = make_sheet(kind, seed, 1, difficulty, run=jac_run)
                    ok = independent_answer_matches(sheet.exercises[0])
                except Exception as err:  # a bug either way: report it
                    ok, sheet = False, None
                    bad.append((seed, repr(err)[:120]))
                else:
                    if not ok:
                        bad.append((seed, "differs from the independent computation"))
                times.append(time.perf_counter() - start)
            total += args.seeds
            failures += len(bad)
            print(f"{kind:<20} difficulty {difficulty}: {args.seeds} exercises, {len(bad)} failures, "
                  f"median {statistics.median(times) * 1e3:.0f} ms" + (f"  e.g. {bad[:2]}" if bad else ""), flush=True)
    print(f"total: {total} exercises, {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
