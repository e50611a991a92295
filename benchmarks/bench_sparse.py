"""Sparse Jacobians at engineers' scale (issue 26), everything measured in the same run, medians.

1. J of the 1-D Brusselator (benchmarks/brusselator.py) at a point, n = 10,000 unknowns: the whole
   ``jac jacobian b.yaml --at @x.npy -o J.npz`` process (reading, differentiating, evaluating, writing)
   against a hand-written SciPy assembly of the same J in a process of its own (formula → coo → csr →
   save_npz): time and peak memory (ru_maxrss), and the two files compared entry by entry.
2. ``solve_ivp(method="BDF")`` on the Brusselator with n = 2,000 and 20,000 unknowns, t in [0, 10]:
   (a) jac's sparse Jacobian (jac codegen --sparse), (b) SciPy's finite differences with jac's pattern
   (jac_sparsity), (c) SciPy's dense finite differences where the n×n matrix fits (n = 2,000). Wall time,
   Jacobian evaluations, and the largest difference between the solutions at t = 10.

    python benchmarks/bench_sparse.py            # both parts (about two minutes)
    python benchmarks/bench_sparse.py --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import brusselator  # noqa: E402

HAND = r'''
import sys, resource, time
import numpy as np
from scipy.sparse import coo_matrix, save_npz
start = time.perf_counter()
N = int(sys.argv[1]); x = np.load(sys.argv[2]); out = sys.argv[3]
u, v = x[0::2], x[1::2]
alpha = 0.02 * (N + 1) ** 2
i = np.arange(N); iu, iv = 2 * i, 2 * i + 1
rows = [iu, iu, iv, iv]; cols = [iu, iv, iu, iv]
vals = [2 * u * v - 4.0 - 2 * alpha, u ** 2, 3.0 - 2 * u * v, -u ** 2 - 2 * alpha]
for shift in (-1, 1):
    k = i + shift; ok = (k >= 0) & (k < N)
    rows += [iu[ok], iv[ok]]; cols += [2 * k[ok], 2 * k[ok] + 1]; vals += [np.full(ok.sum(), alpha)] * 2
J = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(2 * N, 2 * N)).tocsr()
J.sort_indices()
save_npz(out, J)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
'''


def _process(argv: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (MB) of a whole process (the children's rusage, measured around it)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def part_one(N: int, repeat: int, folder: Path) -> dict:
    import numpy as np
    from scipy.sparse import load_npz

    spec, point = folder / "b.yaml", folder / "x.npy"
    spec.write_text(brusselator.spec(N))
    np.save(point, np.array(brusselator.initial(N)))
    jac = [sys.executable, "-m", "jaccli", "jacobian", str(spec), "--at", f"@{point}", "-o", str(folder / "jac.npz"),
           "-q"]
    hand = [sys.executable, "-c", HAND, str(N), str(point), str(folder / "hand.npz")]
    times: dict[str, list[float]] = {"jac": [], "hand": []}
    memory: dict[str, float] = {}
    for _ in range(repeat):  # interleaved, so that the machine's state is shared
        for name, argv in (("jac", jac), ("hand", hand)):
            wall, _ = _process(argv)
            times[name].append(wall)
    for name, argv in (("jac", jac), ("hand", hand)):  # peak memory: each in a fresh interpreter of its own
        out = subprocess.run([sys.executable, "-c", "import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
                              "check=True, capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
                              ".ru_maxrss / 1024)", *argv], check=True, capture_output=True, text=True)
        memory[name] = float(out.stdout.strip())
    a, b = load_npz(folder / "jac.npz"), load_npz(folder / "hand.npz")
    difference = float(abs(a - b).max()) if a.nnz else 0.0
    jac_t, hand_t = statistics.median(times["jac"]), statistics.median(times["hand"])
    return {"n": 2 * N, "nnz": int(a.nnz), "jac_s": jac_t, "hand_s": hand_t, "ratio": jac_t / hand_t,
            "jac_mb": memory["jac"], "hand_mb": memory["hand"], "max_difference": difference}


def part_two(N: int, repeat: int, folder: Path, dense: bool) -> dict:
    import importlib

    import numpy as np
    from scipy.integrate import solve_ivp

    spec = folder / f"b{N}.yaml"
    spec.write_text(brusselator.spec(N))
    module_path = folder / f"bjac{N}.py"
    subprocess.run([sys.executable, "-m", "jaccli", "codegen", str(spec), "--sparse", "--for", "solve_ivp", "-o",
                    str(module_path), "-q"], check=True, env={**os.environ, "JAC_MAX_INPUT_BYTES": "20000000"})
    sys.path.insert(0, str(folder))
    module = importlib.import_module(f"bjac{N}")
    y0 = np.array(brusselator.initial(N))
    runs = {"a_jac_sparse": {"jac": module.jac}, "b_fd_with_pattern": {"jac_sparsity": module.sparsity()}}
    if dense:
        runs["c_fd_dense"] = {}
    out: dict = {"n": 2 * N}
    final = {}
    for name, options in runs.items():
        walls = []
        for _ in range(repeat):
            start = time.perf_counter()
            solution = solve_ivp(module.fun, (0.0, 10.0), y0, method="BDF", rtol=1e-6, atol=1e-9, **options)
            walls.append(time.perf_counter() - start)
        assert solution.status == 0, solution.message
        final[name] = solution.y[:, -1]
        out[name] = {"s": statistics.median(walls), "njev": int(solution.njev), "nfev": int(solution.nfev),
                     "nlu": int(solution.nlu)}
    reference = final["a_jac_sparse"]
    for name in runs:
        out[name]["max_difference_from_a"] = float(np.abs(final[name] - reference).max())
    out["a_over_b"] = out["a_jac_sparse"]["s"] / out["b_fd_with_pattern"]["s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {"point_n10000": part_one(5000, args.repeat, folder),
                   "solve_ivp_n2000": part_two(1000, args.repeat, folder, dense=True),
                   "solve_ivp_n20000": part_two(10000, max(1, args.repeat - 1), folder, dense=False)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
