"""Hand-written numpy reference for bench_mlp.py: the full Jacobian of an MLP
(linear + tanh layers) at a point, as a careful user would write it.

    python benchmarks/reference_mlp.py DIR    (DIR holds W1.npy … and x.npy)
"""

import sys
from pathlib import Path

import numpy as np


def load(folder: Path):
    weights = [np.load(folder / f"W{k}.npy") for k in range(1, len(list(folder.glob("W*.npy"))) + 1)]
    return weights, np.load(folder / "x.npy")


def jacobian(weights, x):
    """Forward pass, then J = diag(tanh′(z_L)) W_L ⋯ diag(tanh′(z_1)) W_1, accumulated from the output side."""
    derivs = []
    for W in weights:
        z = W @ x
        x = np.tanh(z)
        derivs.append(1 - x**2)
    J = derivs[-1][:, None] * weights[-1]
    for W, d in zip(reversed(weights[:-1]), reversed(derivs[:-1])):
        J = J @ (d[:, None] * W)
    return J


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    weights, x = load(folder)
    np.savetxt(sys.stdout, jacobian(weights, x), delimiter=",", fmt="%.17g")
