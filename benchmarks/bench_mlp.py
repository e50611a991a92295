"""Layer-chain speed: the full Jacobian of a 10-layer tanh MLP of width 256
(weights in .npy files) at a point.

End to end, as processes writing the Jacobian as CSV, in one run:
  jac jacobian mlp.yaml --at @x.npy --format csv
  a hand-written numpy script (benchmarks/reference_mlp.py)
  JAX jacrev and jacfwd (benchmarks/jax_mlp.py; skipped when JAX is not installed)
Compute only, in this process: jaccli.jobs.jacobian.jacobian_of against the numpy
reference function on the same arrays.

    python benchmarks/bench_mlp.py [--repeat 5] [--width 256] [--layers 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import JAC, ROOT, measure  # noqa: E402

sys.path.insert(0, str(ROOT))


def make_net(folder: Path, width: int, layers: int) -> None:
    rng = np.random.default_rng(0)
    lines = ["name: mlp", "layers:"]
    for k in range(1, layers + 1):
        np.save(folder / f"W{k}.npy", rng.normal(0, 1 / np.sqrt(width), (width, width)))
        lines += ["  - kind: linear", f"    matrix: W{k}.npy", "  - kind: elementwise", "    activation: tanh"]
    (folder / "mlp.yaml").write_text("\n".join(lines) + "\n")
    np.save(folder / "x.npy", rng.normal(size=width))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--no-compute", action="store_true", help="skip the in-process compute comparison")
    args = parser.parse_args()
    have_jax = importlib.util.find_spec("jax") is not None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_net(folder, args.width, args.layers)
        cmds = {
            "jac": JAC + ["jacobian", str(folder / "mlp.yaml"), "--at",
                    f"@{folder / 'x.npy'}", "--format", "csv"],
            "numpy reference": [sys.executable, str(ROOT / "benchmarks" / "reference_mlp.py"), str(folder)],
        }
        if have_jax:
            for mode in ("rev", "fwd"):
                cmds[f"JAX jac{mode}"] = [sys.executable, str(ROOT / "benchmarks" / "jax_mlp.py"), str(folder), mode]
        times: dict[str, list[float]] = {name: [] for name in cmds}
        memory: dict[str, float] = {name: 0.0 for name in cmds}
        for _ in range(args.repeat):  # interleaved: every command sees the same machine load
            for name, cmd in cmds.items():
                seconds, megabytes = measure(cmd, folder / f"{name.replace(' ', '_')}.csv")
                times[name].append(seconds)
                memory[name] = max(memory[name], megabytes)
        results = {name: np.loadtxt(folder / f"{name.replace(' ', '_')}.csv", delimiter=",") for name in cmds}
        for name, J in results.items():  # the same Jacobian everywhere, or the timings mean nothing
            np.testing.assert_allclose(J, results["numpy reference"], rtol=1e-9, atol=1e-12, err_msg=name)
        if args.no_compute:
            _report(args, times, memory, have_jax)
            return

        # compute only, in-process
        from reference_mlp import jacobian as reference_jacobian
        from reference_mlp import load

        from jaccli.app.runner import load as load_items
        from jaccli.core.request import make
        from jaccli.jobs.jacobian import jacobian_of

        spec = str(folder / "mlp.yaml")
        items = load_items(make("compose", [spec]), layers=True)
        weights, x = load(folder)
        products_only = make("compose", [spec], at=x, format="csv")  # csv: J alone, the reference's products
        with_det = make("compose", [spec], at=x, format="json")  # also det J and every factor's log|det|
        jac_compute, ref_compute, det_compute = [], [], []
        for _ in range(max(args.repeat, 20)):
            start = time.perf_counter()
            jacobian_of(products_only, items)
            jac_compute.append(time.perf_counter() - start)
            start = time.perf_counter()
            jacobian_of(with_det, items)
            det_compute.append(time.perf_counter() - start)
            start = time.perf_counter()
            reference_jacobian(weights, x)
            ref_compute.append(time.perf_counter() - start)

    _report(args, times, memory, have_jax)
    jc, rc = statistics.median(jac_compute), statistics.median(ref_compute)
    print(f"compute only (in process): jac {jc * 1e3:.2f} ms, numpy reference {rc * 1e3:.2f} ms, "
          f"ratio {jc / rc:.2f}; with det J and per-factor log|det| {statistics.median(det_compute) * 1e3:.2f} ms")


def _report(args, times, memory, have_jax) -> None:
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"MLP: {args.layers} layers of width {args.width} (tanh), full {args.width}×{args.width} Jacobian, "
          f"median of {args.repeat} runs")
    print("end to end (process, CSV out):")
    for name, t in med.items():
        print(f"  {name:<16} {t:7.3f} s {memory[name]:7.0f} MB   jac / this = {med['jac'] / t:.2f} (time), "
              f"{memory['jac'] / memory[name]:.2f} (memory)")
    if not have_jax:
        print("  (JAX not installed: pip install jax to compare)")


if __name__ == "__main__":
    main()
