"""Plain sympy on the dense tanh layer, as a user without jac would write it:
Matrix.jacobian, then the values at the point by subs, or by lambdify.

    python benchmarks/reference_sympy.py N subs|lambdify
"""

import sys
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import dense_layer  # noqa: E402


def main() -> None:
    n, mode = int(sys.argv[1]), sys.argv[2]
    W = dense_layer(n)
    x = sp.symbols(f"x0:{n}", real=True)
    f = sp.Matrix([sp.tanh(sum(sp.Float(W[i, j]) * x[j] for j in range(n))) for i in range(n)])
    J = f.jacobian(x)
    point = {s: sp.Float("0.1") for s in x}
    if mode == "subs":
        values = J.subs(point).evalf()
    else:
        values = sp.lambdify(x, J, "numpy")(*[0.1] * n)
    print(values[0, 0])


if __name__ == "__main__":
    main()
