"""The everyday job by hand with sympy, as a user without jac would write it: read f.yaml and g.yaml, J_f at
the point, J_g at f(point), their product J_g(f(x))·J_f(x), printed with its decimals.

    python benchmarks/reference_compose.py f.yaml g.yaml 1,2
"""

import sys

import sympy as sp
import yaml


def load(path):
    spec = yaml.safe_load(open(path, encoding="utf-8"))
    xs = sp.symbols(spec["inputs"])
    outputs = spec["outputs"]
    texts = outputs.values() if isinstance(outputs, dict) else outputs
    # a benchmark's own trusted sample files (jac itself never sympifies text)
    return xs, sp.Matrix([sp.sympify(text.replace("^", "**")) for text in texts])


(x, F), (u, G) = load(sys.argv[1]), load(sys.argv[2])
point = dict(zip(x, [sp.Rational(v) for v in sys.argv[3].split(",")]))
Jf, Jg = F.jacobian(x), G.jacobian(u)
fx = F.subs(point)
J = Jg.subs(dict(zip(u, fx))) * Jf.subs(point)
print("J_f =", Jf, "J_g =", Jg)
print("f(x) =", list(fx))
print("J =", J, "≈", J.evalf(6))
