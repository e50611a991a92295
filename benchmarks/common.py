"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# jac as its console script runs it (from jaccli.cli import entry), on the checkout's package (the
# processes run from ROOT): `python -m jaccli` adds runpy's work and shifts the garbage collector's
# timing, 5-20 ms of a 140 ms run, which a user typing `jac` does not pay.
JAC = [sys.executable, "-c", "import sys; sys.argv[0] = 'jac'; from jaccli.cli import entry; entry()"]


@functools.cache
def bytecode() -> None:
    """Compile jac's modules once, as pip install does, so that every timed process loads .pyc files:
    with PYTHONDONTWRITEBYTECODE set (as on some machines) nothing else writes them, and each run of a
    source checkout would compile jac's source again (about 40 ms)."""
    import compileall

    compileall.compile_dir(str(ROOT / "jaccli"), quiet=1)


def timed(cmd: list[str], out_path: Path) -> float:
    """Wall time of one process run from the repository root, its stdout saved to ``out_path``."""
    bytecode()
    start = time.perf_counter()
    with open(out_path, "w") as out:
        subprocess.run(cmd, stdout=out, check=True, cwd=ROOT)
    return time.perf_counter() - start


def measure(cmd: list[str], out_path: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process run from the repository root, its stdout
    saved to ``out_path``."""
    import os

    bytecode()
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed ({status})")
    return elapsed, usage.ru_maxrss / 1024


def dense_layer(n: int, seed: int = 0):
    """Weights of a dense n×n layer tanh(W x), rounded to 6 decimals (as written to YAML)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return np.round(rng.normal(0, 1 / np.sqrt(n), (n, n)), 6)


def write_dense_layer_yaml(n: int, path: Path) -> Path:
    """The layer as a jac spec: n expressions tanh(Σ w_ij x_j) over x0…x(n-1)."""
    W = dense_layer(n)
    lines = [f"name: dense{n}", "inputs: [" + ", ".join(f"x{j}" for j in range(n)) + "]", "outputs:"]
    for i in range(n):
        lines.append("  - tanh(" + " + ".join(f"{float(W[i, j])!r}*x{j}" for j in range(n)) + ")")
    path.write_text("\n".join(lines) + "\n")
    return path
