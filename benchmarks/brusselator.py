"""The 1-D Brusselator, discretised: a stiff reaction–diffusion system with a banded Jacobian, written as a
jac spec (the README shows these lines). N grid points give n = 2N unknowns, interleaved u1, v1, u2, v2, …
so that J is banded (each output uses at most 4 inputs of its neighbours: 5 colours whatever N).

    du_i/dt = A + u_i² v_i − (B + 1) u_i + α (u_{i−1} − 2 u_i + u_{i+1})
    dv_i/dt = B u_i − u_i² v_i + α (v_{i−1} − 2 v_i + v_{i+1})

with u = 1, v = 3 at both ends (Hairer & Wanner, Solving ODEs II, §IV.1; SciPy's BDF benchmarks).

    python benchmarks/brusselator.py 5000 > bruss.yaml      # n = 10,000 unknowns
"""

from __future__ import annotations

import sys

A, B = 1.0, 3.0


def spec(N: int) -> str:
    alpha = 0.02 * (N + 1) ** 2  # 1/50 · 1/Δx²
    inputs = [name for i in range(1, N + 1) for name in (f"u{i}", f"v{i}")]
    lines = ["inputs: [" + ", ".join(inputs) + "]", "outputs:"]
    for i in range(1, N + 1):
        left_u, right_u = (f"u{i - 1}" if i > 1 else "1"), (f"u{i + 1}" if i < N else "1")
        left_v, right_v = (f"v{i - 1}" if i > 1 else "3"), (f"v{i + 1}" if i < N else "3")
        lines.append(f"  du{i}: {A} + u{i}^2*v{i} - {B + 1}*u{i} + {alpha}*({left_u} - 2*u{i} + {right_u})")
        lines.append(f"  dv{i}: {B}*u{i} - u{i}^2*v{i} + {alpha}*({left_v} - 2*v{i} + {right_v})")
    return "\n".join(lines) + "\n"


def initial(N: int) -> list[float]:
    """u = 1 + sin(2π x), v = 3 on the grid x_i = i/(N + 1), interleaved as the inputs are."""
    import math

    return [value for i in range(1, N + 1) for value in (1 + math.sin(2 * math.pi * i / (N + 1)), 3.0)]


if __name__ == "__main__":
    sys.stdout.write(spec(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
