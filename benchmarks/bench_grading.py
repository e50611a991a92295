"""Grading a class in one process (``jac check --answers``) against one ``jac check`` per answer.

    python benchmarks/bench_grading.py [--students 200] [--repeat 3]

Two exercises, each with a class of generated answers — right ones in several notations, and the
classic mistakes (transposed, a sign slip, the outer factor at x, unreadable text):

* spherical coordinates (samples/spherical.yaml), the whole 3×3 Jacobian, symbolically;
* the chain-rule exercise of Paul's Online Notes (Calculus III, 13.6 #5): z = cos(y x²),
  x = t⁴ − 2t, y = 1 − t⁶, dz/dt, symbolically.

Reported: the grade sheet's time for the class against the time of a single ``jac check`` (both whole
processes, interleaved, medians), and the verdicts (they must be the ones each answer was made to have).
Targets (issue 14): spherical, 200 answers within 3× one check; Paul's exercise, 200 answers within 10 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SPHERICAL_RIGHT = [
    "[[sin(theta) cos(phi), r cos(theta) cos(phi), -r sin(theta) sin(phi)], "
    "[sin(theta) sin(phi), r cos(theta) sin(phi), r sin(theta) cos(phi)], [cos(theta), -r sin(theta), 0]]",
    "sin θ cos φ, r cos θ cos φ, -r sin θ sin φ; sin θ sin φ, r cos θ sin φ, r sin θ cos φ; cos θ, -r sin θ, 0",
]
SPHERICAL_WRONG = {
    "transpose": "[[sin(theta) cos(phi), sin(theta) sin(phi), cos(theta)], "
                 "[r cos(theta) cos(phi), r cos(theta) sin(phi), -r sin(theta)], "
                 "[-r sin(theta) sin(phi), r sin(theta) cos(phi), 0]]",
    "sign": "[[sin(theta) cos(phi), r cos(theta) cos(phi), r sin(theta) sin(phi)], "
            "[sin(theta) sin(phi), r cos(theta) sin(phi), r sin(theta) cos(phi)], [cos(theta), -r sin(theta), 0]]",
    "unreadable": "[[sin(theta) cos(phi), r cos(theta) cos(phi)",
}
PAUL = ["x = t^4 - 2t, y = 1 - t^6", "z = cos(y x^2)"]
PAUL_RIGHT = [
    "-sin(y x^2) (2 x y (4t^3 - 2) - 6 x^2 t^5)",
    "-sin((1 - t^6)(t^4 - 2t)^2) (2 (t^4 - 2t)(1 - t^6)(4t^3 - 2) - 6 t^5 (t^4 - 2t)^2)",
    "dz/dt = -(2x y (4t^3 - 2) - 6x^2 t^5) sin(x^2 y)",
]
PAUL_WRONG = {
    "sign": "sin(y x^2) (2 x y (4t^3 - 2) - 6 x^2 t^5)",
    "value": "-sin(y x^2) (2 x y (4t^3 - 2))",  # the y-term forgotten
    "unreadable": "-sin(y x^2) (2 x y (4t^3 - 2) - 6 x^2 t^5",
}


def _class(right: list[str], wrong: dict[str, str], students: int, seed: int,
           distinct: tuple[str, str] | None) -> tuple[str, dict[str, bool]]:
    """``distinct``: (a subexpression, a variable): each student writes it times sin²(k·v) + cos²(k·v), k the
    student's number — every answer is then a different expression (the worst case: nothing repeats)."""
    rng = random.Random(seed)
    rows, verdicts = [], {}
    for k in range(students):
        sid = f"s{k + 1:03d}"
        if rng.random() < 0.6:
            answer, ok = rng.choice(right), True
        else:
            answer, ok = rng.choice(list(wrong.values())), False
        if distinct is not None:
            part, var = distinct
            answer = answer.replace(part, f"{part}*(sin({k + 2}*{var})^2 + cos({k + 2}*{var})^2)", 1)
        rows.append((sid, answer))
        verdicts[sid] = ok
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "answer"])
    writer.writerows(rows)
    return buffer.getvalue(), verdicts


def _time(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])}…: exit {done.returncode}\n{done.stderr}")
    return seconds, done.stdout


def run(name: str, specs: list[str], right: list[str], wrong: dict[str, str], students: int, repeat: int,
        folder: Path, distinct: tuple[str, str] | None = None) -> None:
    text, verdicts = _class(right, wrong, students, len(name), distinct)
    name += ", every answer distinct" if distinct else ""
    answers = folder / f"{name.split(',')[0]}.csv"
    answers.write_text(text)
    jac = [sys.executable, "-m", "jaccli"]
    single = jac + ["check", *specs, "--expect", right[0]]
    sheet = jac + ["check", *specs, "--answers", str(answers), "--format", "csv"]
    singles, sheets, out = [], [], ""
    for _ in range(repeat):  # interleaved
        singles.append(_time(single)[0])
        seconds, out = _time(sheet)
        sheets.append(seconds)
    graded = {row["id"]: row["pass"] == "true" for row in csv.DictReader(io.StringIO(out))}
    assert graded == verdicts, "a verdict differs from the one the answer was made to have"
    one, many = statistics.median(singles), statistics.median(sheets)
    print(f"{name}: {students} answers ({sum(verdicts.values())} right) in {many:.2f} s; one jac check "
          f"{one:.2f} s; ratio {many / one:.2f}× one check; {many / students * 1e3:.1f} ms per answer; "
          f"a shell loop would take ≈ {one * students:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--distinct", action="store_true", help="also a class where no two answers read the same")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run("spherical", ["samples/spherical.yaml"], SPHERICAL_RIGHT, SPHERICAL_WRONG, args.students, args.repeat,
            folder)
        run("paul-13.6-5", PAUL, PAUL_RIGHT, PAUL_WRONG, args.students, args.repeat, folder)
        if args.distinct:
            run("spherical", ["samples/spherical.yaml"], SPHERICAL_RIGHT, SPHERICAL_WRONG, args.students,
                args.repeat, folder, distinct=("r", "phi"))
            run("paul-13.6-5", PAUL, PAUL_RIGHT, PAUL_WRONG, args.students, args.repeat, folder,
                distinct=("6", "t"))


if __name__ == "__main__":
    main()
