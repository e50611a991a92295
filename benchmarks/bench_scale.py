"""Start-up and scale, in one run, as ratios against references measured alongside.

1. Start-up: `jac --help` against `python -c "import click"`; a typical command
   (`jac compose samples/f.yaml samples/g.yaml --at 1,2 --format json`) against
   `python -c "import sympy"`.
2. A dense n×n layer tanh(Σ w_ij x_j) written as n expressions in YAML, its
   Jacobian at a point: `jac jacobian` against plain sympy (Matrix.jacobian +
   subs, and + lambdify) as processes; sympy is capped (reported as "> cap").
3. How jac's time grows with n, and a log-log picture (docs/scaling.png; needs
   matplotlib: pip install '.[bench]').
4. The floor for large systems: at n = 100, 200, 300, `jac jacobian SPEC --format csv`
   at a point and without one, against benchmarks/reference_symengine.py (symengine's
   own parser, diff and subs in a plain script, printing the same CSV), time and peak
   memory of whole processes, interleaved (aim: ≤ 1.3× the time, ≤ 2× the memory).

    python benchmarks/bench_scale.py [--repeat 5] [--cap 60] [--floor 100,200,300] [--floor-repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, measure, write_dense_layer_yaml  # noqa: E402

PY = sys.executable
JAC = [PY, "-m", "jaccli"]


def wall(cmd: list[str], cap: float | None = None) -> float | None:
    """Seconds for one run, or None when it ran past ``cap``."""
    start = time.perf_counter()
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT,
                       timeout=cap)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def median(cmd: list[str], repeat: int, cap: float | None = None) -> float | None:
    times = []
    for _ in range(repeat):
        t = wall(cmd, cap)
        if t is None:
            return None
        times.append(t)
    return statistics.median(times)


def fmt(t: float | None, cap: float) -> str:
    return f"> {cap:g} s" if t is None else f"{t:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before plain sympy is stopped")
    parser.add_argument("--sizes", default="5,10,20,40")
    parser.add_argument("--growth", default="5,10,20,40,70,100,150")
    parser.add_argument("--floor", default="100,200,300", help="sizes compared with the symengine floor")
    parser.add_argument("--floor-repeat", type=int, default=3)
    args = parser.parse_args()

    print("start-up (median of", args.repeat, "runs)")
    click_t = median([PY, "-c", "import click"], args.repeat)
    help_t = median(JAC + ["--help"], args.repeat)
    sympy_t = median([PY, "-c", "import sympy"], args.repeat)
    typical = median(JAC + ["compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "json"],
                     args.repeat)
    print(f"  jac --help {help_t:.3f} s / import click {click_t:.3f} s = {help_t / click_t:.2f}×  (aim ≤ 2.5×)")
    print(f"  typical command {typical:.3f} s / import sympy {sympy_t:.3f} s = {typical / sympy_t:.2f}×  (aim ≤ 1.5×)")

    growth_sizes = [int(s) for s in args.growth.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, float | None]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(set(sizes) | set(growth_sizes)):
            spec = write_dense_layer_yaml(n, Path(tmp) / f"dense{n}.yaml")
            point = ",".join(["0.1"] * n)
            row = {"jac": median(JAC + ["jacobian", str(spec), "--at", point, "--format", "json"], args.repeat)}
            if n in sizes:
                reps = args.repeat if n <= 10 else 1
                for mode in ("subs", "lambdify"):
                    row[mode] = median([PY, str(ROOT / "benchmarks" / "reference_sympy.py"), str(n), mode], reps,
                                       args.cap)
            results[n] = row
            print(f"  n = {n:>3}: jac {fmt(row['jac'], args.cap)}", *(f"sympy+{m} {fmt(row[m], args.cap)}"
                                                                      for m in ("subs", "lambdify") if m in row))

    print("\n| n | jac | sympy: jacobian + subs | sympy: jacobian + lambdify | jac / import sympy |")
    print("|---|---|---|---|---|")
    for n in sizes:
        row = results[n]
        print(f"| {n} | {fmt(row['jac'], args.cap)} | {fmt(row['subs'], args.cap)} | {fmt(row['lambdify'], args.cap)} "
              f"| {row['jac'] / sympy_t:.1f}× |")
    print("\ngrowth of jac (whole command):", ", ".join(f"n={n}: {results[n]['jac']:.2f} s" for n in growth_sizes))
    floor = _floor([int(s) for s in args.floor.split(",") if s], args.floor_repeat)
    _plot(results, growth_sizes, sizes, args.cap, floor)


def _floor(sizes: list[int], repeat: int) -> dict:
    """jac against symengine's own floor, time and memory, at a point and symbolically (CSV both)."""
    import os

    os.environ["JAC_MAX_INPUT_BYTES"] = str(10 ** 7)  # a 300×300 layer written out is 1.4 MB
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            spec = str(write_dense_layer_yaml(n, Path(tmp) / f"dense{n}.yaml"))
            point = ",".join(["0.1"] * n)
            runs = {"jac, at a point": JAC + ["jacobian", spec, "--at", point, "--format", "csv", "-q"],
                    "floor, at a point": [PY, str(ROOT / "benchmarks" / "reference_symengine.py"), spec, point],
                    "jac, symbolic": JAC + ["jacobian", spec, "--format", "csv", "-q"],
                    "floor, symbolic": [PY, str(ROOT / "benchmarks" / "reference_symengine.py"), spec]}
            samples: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
            for _ in range(repeat):  # interleaved: each sees the same machine noise
                for name, cmd in runs.items():
                    samples[name].append(measure(cmd, Path(tmp) / "out.csv"))
            out[n] = {k: (statistics.median(t for t, _ in v), statistics.median(m for _, m in v))
                      for k, v in samples.items()}
            row = out[n]
            print(f"  n = {n}: " + "; ".join(f"{k} {t:.2f} s {m:.0f} MB" for k, (t, m) in row.items()), flush=True)
    print(f"\nthe symengine floor (whole processes, CSV out, medians of {repeat}, interleaved)")
    print("| n | at a point: jac | floor | ratio (time, memory) | symbolic: jac | floor | ratio (time, memory) |")
    print("|---|---|---|---|---|---|---|")
    for n, row in out.items():
        cells = []
        for mode in ("at a point", "symbolic"):
            (jt, jm), (ft, fm) = row[f"jac, {mode}"], row[f"floor, {mode}"]
            cells += [f"{jt:.2f} s, {jm:.0f} MB", f"{ft:.2f} s, {fm:.0f} MB", f"{jt / ft:.2f}×, {jm / fm:.2f}×"]
        print(f"| {n} | " + " | ".join(cells) + " |")
    return out


def _plot(results, growth_sizes, sizes, cap, floor=None) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no picture; pip install '.[bench]')")
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(growth_sizes, [results[n]["jac"] for n in growth_sizes], "o-", label="jac jacobian (whole command)")
    for mode, style in (("subs", "s--"), ("lambdify", "^--")):
        xs = [n for n in sizes if results[n].get(mode) is not None]
        ax.loglog(xs, [results[n][mode] for n in xs], style, label=f"plain sympy: jacobian + {mode}")
    if floor:
        ns = sorted(floor)
        ax.loglog(ns, [floor[n]["jac, at a point"][0] for n in ns], "o:", color="C0", alpha=0.6,
                  label="jac, CSV out")
        ax.loglog(ns, [floor[n]["floor, at a point"][0] for n in ns], "d-.", color="k",
                  label="symengine floor: diff + subs")
    ax.axhline(cap, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("n (an n×n dense tanh layer)")
    ax.set_ylabel("seconds (median)")
    ax.set_title("Jacobian at a point: time against size")
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = ROOT / "docs" / "scaling.png"
    out.parent.mkdir(exist_ok=True)
    fig.savefig(out, dpi=120)
    print(f"picture: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
