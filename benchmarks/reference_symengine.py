"""The floor for large systems: what a plain script does with symengine alone — load the same YAML spec
jac reads (PyYAML's C safe loader), parse each output with symengine's own parser, differentiate
(``DenseMatrix.jacobian``) and, with a point, substitute it (``subs``, which measured faster here than
``Lambdify`` with or without common-subexpression elimination). It prints what ``jac jacobian SPEC
--format csv`` prints: the entries as text, one row per output, or their values at the point.

    python benchmarks/reference_symengine.py SPEC.yaml [POINT]     (POINT: comma-separated values)
"""

import sys

import symengine as se
import yaml


def main(path: str, point: str | None) -> None:
    with open(path) as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    xs = [se.Symbol(v) for v in data["inputs"]]
    exprs = [se.sympify(str(o).replace("^", "**")) for o in data["outputs"]]
    J = se.DenseMatrix(exprs).jacobian(se.DenseMatrix(xs))
    if point is not None:
        J = J.subs({x: float(v) for x, v in zip(xs, point.split(","))})
    out = sys.stdout
    n = len(xs)
    flat = list(J)
    for i in range(len(exprs)):
        row = flat[i * n:(i + 1) * n]
        out.write(",".join(repr(float(v)) if point is not None else str(v) for v in row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
