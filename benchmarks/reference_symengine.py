"""The floor for large systems: symengine's own parser, differentiation and evaluation in a plain script,
on the same YAML spec jac reads. Prints the same information as `jac jacobian SPEC --format json`: every
entry of J as text, or with a point its values.

    python benchmarks/reference_symengine.py SPEC.yaml [POINT]     (POINT: comma-separated values)
"""

import json
import sys

import symengine as se
import yaml


def main(path: str, point: str | None) -> None:
    with open(path) as handle:
        data = yaml.safe_load(handle)
    xs = [se.Symbol(v) for v in data["inputs"]]
    exprs = [se.sympify(str(o).replace("^", "**")) for o in data["outputs"]]
    J = [[e.diff(x) for x in xs] for e in exprs]
    if point is None:
        out = {"symbolic": [[str(v) for v in row] for row in J]}
    else:
        values = [float(v) for v in point.split(",")]
        f = se.Lambdify(xs, [v for row in J for v in row], cse=True)
        flat = f(values).ravel().tolist()
        n = len(xs)
        out = {"value": [flat[i * n:(i + 1) * n] for i in range(len(exprs))]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
