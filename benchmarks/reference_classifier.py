"""Hand-written numpy reference for bench_classifier.py: a 784-256-256-10 tanh MLP with softmax and
cross-entropy, as a careful user would write backpropagation.

    python benchmarks/reference_classifier.py DIR grad|jacobian    (DIR holds W1.npy … b3.npy, x.npy)
"""

import sys
from pathlib import Path

import numpy as np

TARGET = 3


def main() -> None:
    folder, what = Path(sys.argv[1]), sys.argv[2]
    W = [np.load(folder / f"W{k}.npy") for k in (1, 2, 3)]
    b = [np.load(folder / f"b{k}.npy") for k in (1, 2, 3)]
    x = np.load(folder / "x.npy")
    h1 = np.tanh(W[0] @ x + b[0])
    h2 = np.tanh(W[1] @ h1 + b[1])
    z = W[2] @ h2 + b[2]
    s = np.exp(z - z.max())
    s /= s.sum()
    if what == "grad":  # ∇ₓ CE(softmax(z), e_TARGET), backpropagated
        dz = s.copy()
        dz[TARGET] -= 1
        g = W[0].T @ ((1 - h1 ** 2) * (W[1].T @ ((1 - h2 ** 2) * (W[2].T @ dz))))
        np.savetxt(sys.stdout, g[None, :], delimiter=",", fmt="%.17g")
    else:  # the full 10×784 Jacobian of the probabilities
        Js = np.diag(s) - np.outer(s, s)
        J = Js @ W[2] @ ((1 - h2 ** 2)[:, None] * W[1]) @ ((1 - h1 ** 2)[:, None] * W[0])
        np.savetxt(sys.stdout, J, delimiter=",", fmt="%.17g")


if __name__ == "__main__":
    main()
