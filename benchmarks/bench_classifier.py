"""A 784-256-256-10 tanh MLP with softmax and cross-entropy (issue 16): jac against hand-written numpy
backpropagation, whole processes, interleaved, medians.

    python benchmarks/bench_classifier.py [--repeat 5]

* --grad: ∇ₓ of the loss (jac: jac compose net.yaml --grad --format csv; numpy: the backprop formula);
* the full 10×784 Jacobian of the probabilities (jac: --format csv; numpy: the product of the factors).
Both results are checked equal before the times are reported. Also timed, as the floor under jac's
time: a process that only imports what jac cannot start without (numpy, PyYAML, click) and exits.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from common import JAC, ROOT, measure


def make(folder: Path) -> None:
    rng = np.random.default_rng(0)
    sizes = [784, 256, 256, 10]
    for k in range(3):
        np.save(folder / f"W{k + 1}.npy", rng.normal(0, 1 / np.sqrt(sizes[k]), (sizes[k + 1], sizes[k])))
        np.save(folder / f"b{k + 1}.npy", rng.normal(0, 0.1, sizes[k + 1]))
    np.save(folder / "x.npy", rng.uniform(0, 1, 784))
    layers = []
    for k in (1, 2, 3):
        layers += [f"  - kind: linear\n    matrix: W{k}.npy\n    bias: b{k}.npy"]
        if k < 3:
            layers += ["  - kind: elementwise\n    activation: tanh"]
    (folder / "probs.yaml").write_text("name: net\nlayers:\n" + "\n".join(layers) + "\n  - kind: softmax\n")
    (folder / "loss.yaml").write_text("name: net\nlayers:\n" + "\n".join(layers) +
                                      "\n  - kind: softmax\n  - kind: cross_entropy\n    target: 3\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make(folder)
        jac = JAC + ["compose"]
        ref = [sys.executable, str(ROOT / "benchmarks" / "reference_classifier.py"), str(folder)]
        cases = {
            "gradient": (jac + [str(folder / "loss.yaml"), "--at", f"@{folder / 'x.npy'}", "--grad", "--format",
                                "csv"], ref + ["grad"]),
            "full 10×784 J": (jac + [str(folder / "probs.yaml"), "--at", f"@{folder / 'x.npy'}", "--format", "csv"],
                              ref + ["jacobian"]),
        }
        floor_cmd = [sys.executable, "-c", "import numpy, yaml, click"]
        floors: list[float] = []
        references: list[float] = []
        for name, (mine, theirs) in cases.items():
            times: dict[str, list[float]] = {"jac": [], "numpy": []}
            for _ in range(args.repeat):
                times["jac"].append(measure(mine, folder / "jac.csv")[0])
                times["numpy"].append(measure(theirs, folder / "numpy.csv")[0])
                floors.append(measure(floor_cmd, folder / "floor.txt")[0])
            a = np.loadtxt(folder / "jac.csv", delimiter=",", comments=None, skiprows=_header(folder / "jac.csv"))
            b = np.loadtxt(folder / "numpy.csv", delimiter=",")
            np.testing.assert_allclose(np.ravel(a), np.ravel(b), rtol=1e-9, atol=1e-14)
            j, r = statistics.median(times["jac"]), statistics.median(times["numpy"])
            references.append(r)
            print(f"{name}: jac {j:.3f} s, numpy backprop {r:.3f} s, ratio {j / r:.2f}× (median of {args.repeat})")
        f = statistics.median(floors)
        print(f"floor: importing numpy, PyYAML and click alone takes {f:.3f} s "
              f"({f / references[0]:.2f}× the gradient's numpy backprop; median of {len(floors)})")


def _header(path: Path) -> int:
    """Lines before the numbers (a csv header, if any)."""
    lines = path.read_text().splitlines()
    for k, line in enumerate(lines):
        try:
            [float(v) for v in line.split(",")]
            return k
        except ValueError:
            continue
    return 0


if __name__ == "__main__":
    main()
