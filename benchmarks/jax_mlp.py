"""JAX's jacrev / jacfwd on the same MLP (for bench_mlp.py; JAX is a
benchmark-only dependency: pip install jax).

    python benchmarks/jax_mlp.py DIR rev|fwd
"""

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)


def main() -> None:
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    weights = [jnp.asarray(np.load(folder / f"W{k}.npy")) for k in range(1, len(list(folder.glob("W*.npy"))) + 1)]
    x = jnp.asarray(np.load(folder / "x.npy"))

    def net(v):
        for W in weights:
            v = jnp.tanh(W @ v)
        return v

    J = (jax.jacrev if mode == "rev" else jax.jacfwd)(net)(x)
    np.savetxt(sys.stdout, np.asarray(J), delimiter=",", fmt="%.17g")


if __name__ == "__main__":
    main()
