"""Write jac's JSON output contract: one JSON Schema (draft 2020-12) per command into jaccli/schemas/, from
the shared pieces below, so that a piece (a point, a matrix, the envelope) is defined once.

    python3 scripts/make_schemas.py          # writes the files
    python3 scripts/make_schemas.py --check  # exits 1 if a committed file differs (tests run this)

Rules every schema states: every object starts with ``schema`` (the version, bumped when a key moves or
changes type, CHANGELOG.md), ``command`` and ``notes``; a key is filled or absent, never null, and each
description says when it is present; numbers are finite reals (a point outside the real domain is an error,
exit 3). ``additionalProperties: false`` wherever jac writes a fixed set of keys, so that a new key cannot
reach users undocumented (the test suite validates every JSON it produces).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

VERSION = 2
OUT = Path(__file__).resolve().parent.parent / "jaccli" / "schemas"
BASE = "https://jaccli.invalid/schemas"  # an identifier, never fetched

NUMBER = {"type": "number"}
STRING = {"type": "string"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}
NAMES = {"type": "array", "items": STRING}
EXPR = {"type": "string", "description": "an expression in jac's syntax (jac reads it back)"}
NUMBERS = {"type": "array", "items": NUMBER}
EXPRS = {"type": "array", "items": EXPR}
ROWS = {"type": "array", "items": NUMBERS, "description": "rows of numbers: row i = output i, column j = input j"}
EXPR_ROWS = {"type": "array", "items": EXPRS, "description": "rows of expressions (rows = outputs, columns = inputs)"}
POINT = {"type": "object", "additionalProperties": NUMBER, "description": "{input name: value}"}
SHAPE = {"type": "array", "items": INT, "minItems": 2, "maxItems": 2, "description": "[rows, columns]"}


def obj(properties: dict, required: tuple[str, ...] = (), description: str | None = None,
        closed: bool = True) -> dict:
    out: dict = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    if closed:
        out["additionalProperties"] = False
    if description:
        out["description"] = description
    return out


def described(schema: dict, text: str) -> dict:
    return {**schema, "description": text}


def envelope(command: str | list[str], body: dict, required: tuple[str, ...], description: str) -> dict:
    commands = [command] if isinstance(command, str) else command
    properties = {
        "schema": {"const": VERSION, "description": "the version of this contract"},
        "command": {"enum": commands},
        "notes": described(NAMES, "what jac wants you to know; the same lines as on stderr"),
        **body,
    }
    name = commands[0] if isinstance(command, str) else "-".join(commands)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{BASE}/{name}.json",
            "title": f"jac {' / '.join(commands)} --format json", "description": description,
            **obj(properties, ("schema", "command", "notes", *required))}


READ_AS = {"type": "array", "description": "each function as jac read it", "items": obj({
    "function": STRING, "inputs": described(NAMES, "in column order"),
    "input_order": {"enum": ["declared", "evident", "inferred", "given"],
                    "description": "how the input order was decided: declared in the file, given by --vars, "
                                   "evident (x, y, z; x1, x2) or inferred (sorted; jac says so)"},
    "components": {"type": "object", "additionalProperties": EXPR}}, ("function", "inputs", "components"))}

MATRIX_VALUE = {
    "description": "rows of numbers; a structured factor as an object naming its kind",
    "oneOf": [ROWS,
              obj({"kind": {"const": "diagonal"}, "diagonal": NUMBERS}, ("kind", "diagonal")),
              obj({"kind": {"const": "diagonal_plus_rank1"}, "d": NUMBERS, "u": NUMBERS, "v": NUMBERS},
                  ("kind", "d", "u", "v"), "J = diag(d) + u vᵀ"),
              obj({"kind": {"const": "linear_map"}, "shape": SHAPE, "description": STRING}, ("kind", "shape"),
                  "a matrix of more than 10⁶ entries that jac keeps as a map: not written out")]}

JACOBIAN = obj({  # absent altogether with --vjp/--jvp/--grad on a layer chain: nothing of J is formed
    "symbolic": described(EXPR_ROWS, "absent for compose --at (no symbolic substitution at a point) and for "
                                     "layer chains"),
    "exact": described(EXPR_ROWS, "at an exact point with the sympy engine"),
    "value": {**MATRIX_VALUE, "description": "at a point, m×n rows (an object naming its kind only past 10⁶ "
                                             "entries); absent with --vjp/--jvp/--grad (J is not formed)"},
}, description="J: rows = outputs, columns = inputs")

DETERMINANT = obj({
    "symbolic": EXPR, "exact": EXPR,
    "value": described(NUMBER, "absent when det does not fit in a double (sign and log_abs are given)"),
    "singular": BOOL, "sign": NUMBER, "log_abs": NUMBER,
    "factor_log_abs": {"type": "array", "items": {"oneOf": [NUMBER, {"const": "-inf"}]},
                       "description": "a chain of square factors: each one's log|det| (they add up); the string "
                                      "-inf for a singular factor"},
    "withheld": described(STRING, "why det is not given: its sign would rest on an inferred input order"),
}, description="present when J is square")

PLAN = obj({"order": STRING, "macs": INT, "memory": INT}, ("order", "macs"),
           "an order of multiplication: multiply-adds and the largest intermediate")

FACTOR = obj({
    "name": STRING,
    "kind": {"enum": ["function", "linear", "elementwise", "softmax", "log_softmax", "cross_entropy", "nll", "mse",
                      "dropout", "batchnorm", "layernorm", "conv1d", "conv2d", "residual"],
             "description": "a function, or the kind of layer (layers: in a YAML file, or read from ONNX)"},
    "description": STRING,
    "structure": {"enum": ["dense", "diagonal", "diag + rank 1", "identity + inner", "convolution"]},
    "shape": SHAPE, "inputs": NAMES, "at": described(POINT, "the point this factor sees"),
    "symbolic": EXPR_ROWS, "exact": EXPR_ROWS, "value": MATRIX_VALUE,
    "output": obj({"exact": EXPRS, "value": NUMBERS}, ("value",), "the factor's value at the point it sees"),
}, ("name", "kind", "structure", "shape", "inputs"))

STEP: dict = {"$ref": "#/$defs/step"}
STEP_DEF = obj({"expression": EXPR, "rule": STRING, "formula": STRING, "result": EXPR,
                "steps": {"type": "array", "items": STEP}}, ("expression", "rule", "result", "steps"))
ENTRY_STEPS = obj({"entry": STRING, "row": INT, "col": INT, "derivation": STEP, "result": EXPR})
STEPS = obj({"chain_sum": STRING, "functions": {"type": "array", "items": obj({
    "function": STRING, "entries": {"type": "array", "items": ENTRY_STEPS}})}},
    description="with --steps: every entry derived rule by rule")

INTS = {"type": "array", "items": INT}
SPARSE = obj({
    "format": {"const": "coordinate"}, "nnz": INT, "density": NUMBER,
    "bandwidth": obj({"lower": INT, "upper": INT}, ("lower", "upper")), "most_in_a_row": INT,
    "colour_count": described(INT, "how many directional derivatives (JVPs) recover J"),
    "colouring_optimal": described(BOOL, "the count equals the most non-zeros in a row, a lower bound"),
    "colours": described(INTS, "the colour of each column (input)"),
    "rows": described(INTS, "the row (output) of each non-zero, from 0, CSR order"),
    "cols": described(INTS, "the column (input) of each non-zero, from 0"),
    "values": described(NUMBERS, "with --at: each non-zero's value"),
    "kept_sparse_because": {"enum": ["asked", "file", "large"]},
    "factors": {"type": "array", "description": "compose: each sparse factor, application order",
                "items": obj({"name": STRING, "shape": SHAPE, "nnz": INT}, ("name", "shape", "nnz"))},
    "multiplication": obj({"order": STRING, "macs": INT}, ("order", "macs"),
                          "compose at a point: the order the sparse factors were multiplied in, its multiply-adds"),
}, ("format", "nnz", "rows", "cols", "colours"),
    "a Jacobian kept sparse (--sparsity, -o .npz/.mtx, or large and sparse): J itself is absent")

JACOBIAN_BODY = {
    "function": STRING, "signature": STRING, "shape": SHAPE, "sparse": SPARSE,
    "inputs": described(NAMES, "column order"), "outputs": described(NAMES, "row order"),
    "point": described(POINT, "with --at"),
    "jacobian": JACOBIAN, "determinant": DETERMINANT, "read_as": READ_AS,
    "order": described(NAMES, "compose: the functions in application order"),
    "shape_arithmetic": described(STRING, "compose: (3×2)·(2×2) → 3×2, outer factor first"),
    "multiplication": described(PLAN, "compose at a point: the order the factors were multiplied in"),
    "cost": obj({"forward": PLAN, "reverse": PLAN, "optimal": PLAN}, description="compose: what each order costs"),
    "factors": {"type": "array", "items": FACTOR, "description": "compose: one per factor in application order"},
    "gradient": obj({"symbolic": EXPRS, "exact": EXPRS,
                     "value": described(NUMBERS, "at a point (by reverse mode with --grad)")},
                    description="when J has one row: the column ∇ = Jᵀ"),
    "products": obj({"vjp": NUMBERS, "jvp": NUMBERS, "grad": NUMBERS, "multiplication": PLAN},
                    description="with --vjp, --jvp, --grad: the products, J not formed"),
    "vjp": described(NUMBERS, "deprecated: products.vjp (its place in schema 1; removed in schema 3)"),
    "jvp": described(NUMBERS, "deprecated: products.jvp (its place in schema 1; removed in schema 3)"),
    "verify": obj({"method": STRING, "agrees": BOOL, "max_abs_diff": NUMBER, "max_rel_diff": NUMBER,
                   "error_estimate": NUMBER, "estimate": ROWS}, description="with --verify"),
    "linearisation": {"type": "array", "description": "with --step", "items": obj({
        "h": NUMBERS, "norm_h": NUMBER, "change": NUMBERS, "linear": NUMBERS, "remainder_ratio": NUMBER})},
    "steps": STEPS,
}

BATCH = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{BASE}/points.json",
    "title": "jac jacobian|compose --points … --format json (JSON Lines)",
    "description": "One object per line: first a header, then a row per point in input order; a bad row is an "
                   "error object in its place.",
    "oneOf": [
        obj({"type": {"const": "header"}, "schema": {"const": VERSION}, "command": {"enum": ["jacobian", "compose"]},
             "notes": NAMES, "function": STRING, "signature": STRING, "shape": SHAPE, "inputs": NAMES,
             "outputs": NAMES,
             "jacobian": obj({"symbolic": EXPR_ROWS}, description="jacobian: the symbolic J all rows share"),
             "determinant": {"type": "string", "description": "'per row', or why it is withheld; absent when J "
                                                              "is not square"},
             "read_as": READ_AS, "rows": described(STRING, "what each row holds"),
             "order": NAMES, "shape_arithmetic": STRING, "multiplication": PLAN,
             "factors": {"type": "array", "items": obj({"name": STRING, "shape": SHAPE, "inputs": NAMES,
                                                        "symbolic": EXPR_ROWS})},
             "sparse": described(SPARSE, "a sparse J: its pattern, which every row's values follow")},
            ("type", "schema", "command", "notes", "shape", "inputs", "outputs", "rows")),
        obj({"type": {"const": "row"}, "line": described(INT, "the input's line (or row) number"), "point": POINT,
             "jacobian": described(obj({"value": ROWS}, ("value",)), "a dense J (absent for a sparse one)"),
             "values": described(NUMBERS, "a sparse J: its non-zeros, in the header's pattern order"),
             "determinant": obj({"value": NUMBER, "sign": INT, "log_abs": described(NUMBER, "absent when 0")},
                                ("value", "sign"), "when J is square"),
             "factors": {"type": "array", "description": "compose: each factor at the point it sees",
                         "items": obj({"at": POINT, "output": NUMBERS, "jacobian": obj({"value": ROWS})})}},
            ("type", "line", "point")),
        obj({"type": {"const": "error"}, "line": INT, "input": STRING, "error": STRING, "exit_code": INT},
            ("type", "line", "error", "exit_code"), "a row that could not be evaluated, in its place"),
    ],
}

CHECK_BODY = {
    "pass": BOOL,
    "function": STRING,
    "mode": {"enum": ["point", "symbolic", "sampled", "critical"]},
    "point": described(POINT, "with --at"),
    "rtol": NUMBER, "atol": NUMBER,
    "assume": NAMES,
    "layout": STRING,
    "region": described(STRING, "where a piecewise answer was compared"),
    "answered": {"enum": ["whole", "entries", "determinant"]},
    "shape": obj({"expected": SHAPE, "answer": described(SHAPE, "when a whole matrix was answered")}),
    "entries": {"type": "array", "items": obj({
        "row": INT, "col": INT, "label": STRING, "answer": described(STRING, "as written"),
        "answer_read_as": EXPR, "ok": BOOL, "method": STRING,
        "expected": described(EXPR, "absent with --hide-answers"),
        "expected_value": described(NUMBER, "at a point; absent with --hide-answers"),
        "answer_value": NUMBER}, ("row", "col", "ok"))},
    "wrong": described(INT, "how many entries are wrong"),
    "diagnoses": {"type": "array", "items": obj({"kind": STRING, "message": STRING}, ("kind", "message"))},
    "determinant": obj({"answer": EXPR, "ok": BOOL, "expected": EXPR}, ("ok",), "with --expect-det"),
    "read_as": READ_AS,
    "checked": {"enum": ["jacobian", "hessian", "implicit", "critical"]},
    "points": {"type": "array", "description": "with --critical: every expected point, then every extra one",
               "items": obj({"point": described(STRING, "absent with --hide-answers for a point not given"),
                             "answer": described(STRING, "the item as written; absent for a missing point"),
                             "classification": described(STRING, "the kind the answer gives"),
                             "found": BOOL, "ok": BOOL,
                             "expected": described(STRING, "its kind, or 'not a critical point'; absent with "
                                                           "--hide-answers")}, ("found", "ok"))},
    "classification": obj({"answer": STRING, "ok": BOOL, "note": STRING, "expected": STRING}, ("ok",),
                          "with --expect-class"),
    "steps": STEPS,
    "error": obj({"message": STRING, "exit_code": INT}, ("message", "exit_code"),
                 "the answer could not be read (pass is false)"),
    "id": described(STRING, "with --answers: the student's id (JSON Lines, one object per answer)"),
    "flags": described(NAMES, "with --answers: why a graded row is worth a look (a duplicate id)"),
}

HESSIAN_ITEM = obj({
    "output": STRING, "symbolic": EXPR_ROWS, "exact": EXPR_ROWS, "value": ROWS, "symmetric": BOOL,
    "eigenvalues": NUMBERS, "definiteness": STRING, "critical": described(BOOL, "∇f = 0 at the point"),
    "decided": {"enum": ["exactly", "numerically"], "description": "how the definiteness was decided: exact "
                "entries (Descartes' rule of signs), or numerically relative to max |λ|"},
    "D": obj({"exact": EXPR, "value": NUMBER}), "classification": STRING}, ("output",))

SCHEMAS = {
    "jacobian": envelope(["jacobian", "compose"], JACOBIAN_BODY,
                         ("function", "signature", "shape", "inputs", "outputs", "read_as"),
                         "jac jacobian and jac compose (a composition, layer chains included)"),
    "check": envelope("check", CHECK_BODY, ("pass",),
                      "jac check: one object; with --answers one per line (JSON Lines), each with the id"),
    "hessian": envelope("hessian", {
        "function": STRING, "signature": STRING, "inputs": NAMES, "outputs": NAMES, "point": POINT,
        "hessians": {"type": "array", "items": HESSIAN_ITEM, "description": "one per output"},
        "hessian": described(HESSIAN_ITEM, "the only one, when there is one output"),
        "read_as": READ_AS,
        "terms": {"type": "array", "description": "several SPECs: the two terms of the second-order chain rule",
                  "items": obj({"name": STRING, "shape": SHAPE, "symbolic": EXPR_ROWS, "exact": EXPR_ROWS,
                                "value": ROWS})}},
        ("function", "inputs", "outputs", "hessians"), "jac hessian"),
    "implicit": envelope("implicit", {
        "function": STRING, "shape": SHAPE, "unknowns": NAMES, "inputs": NAMES, "point": POINT,
        "residual": described(NUMBERS, "F at the point"),
        "jacobian": obj({"symbolic": EXPR_ROWS, "exact": EXPR_ROWS, "value": ROWS}, description="∂y/∂x"),
        "blocks": obj({"dF_dy": obj({"symbolic": EXPR_ROWS, "exact": EXPR_ROWS, "value": ROWS}, closed=False),
                       "dF_dx": obj({"symbolic": EXPR_ROWS, "exact": EXPR_ROWS, "value": ROWS}, closed=False)}),
        "read_as": READ_AS}, ("function", "shape", "unknowns", "inputs", "jacobian"), "jac implicit"),
    "critical": envelope("critical", {
        "function": STRING, "inputs": NAMES,
        "method": {"enum": ["exact", "numeric", "exact and numeric"],
                   "description": "exact: sympy solved the equations; numeric: Newton's method from grids of starts in "
                   "the box, each point verified at 60 digits; exact and numeric: both found points"},
        "constraints": NAMES,
        "points": {"type": "array", "items": obj({
            "exact": described(EXPRS, "when the point is exact (sympy's solution, or a numeric one checked exactly)"),
            "value": NUMBERS,
            "f": obj({"exact": EXPR, "value": NUMBER}, ("value",)),
            "multipliers": described(NUMBERS, "λ, one per constraint; empty where the constraints' gradients are "
                                     "dependent (Lagrange's method does not apply there)"),
            "classification": STRING,
            "test": obj({"decided": {"enum": ["exactly", "numerically"]}, "D": EXPR, "f_xx": EXPR, "eigenvalues": NUMBERS,
                         "bordered_minors": EXPRS,
                         "tangent_eigenvalues": described(NUMBERS, "when a bordered minor is 0: the eigenvalues of "
                                                          "the Hessian of L restricted to the constraints' tangent "
                                                          "space, which decide"),
                         "constraint_rank": described(INT, "a point where the constraints' gradients are dependent: "
                                                      "the rank of their Jacobian there (below their number)"),
                         "argument": described(STRING, "how a classification the second-derivative tests cannot give "
                                               "was shown")},
                        closed=False)}, ("value", "classification"))},
        "curves": {"type": "array", "description": "critical points that are not isolated: solution sets with a free "
                   "parameter (the line x = 0 for x^2*y^2)", "items": obj({
                       "shape": described(STRING, "line, curve, plane, surface, …"),
                       "equations": described(NAMES, "e.g. \"x = 0\", in jac's syntax"),
                       "free": described(NAMES, "the inputs left free along it"),
                       "f": described(obj({"exact": EXPR, "value": NUMBER}, ("value",)), "f along it, when constant"),
                       "classification": STRING,
                       "argument": described(STRING, "why, when classified")}, ("shape", "equations", "classification"))},
        "read_as": READ_AS}, ("function", "inputs", "method", "points"), "jac critical"),
    "taylor": envelope("taylor", {
        "function": STRING, "inputs": NAMES, "point": POINT, "order": INT,
        "outputs": {"type": "array", "items": obj({
            "output": STRING, "polynomial": EXPR,
            "derivatives": {"type": "array", "items": obj({"order": INT, "wrt": NAMES, "exact": EXPR,
                                                           "value": NUMBER})}})},
        "remainder": {"type": "array", "items": obj({"h": NUMBERS, "norm_h": NUMBER, "remainder": NUMBER,
                                                     "ratio": NUMBER})},
        "read_as": READ_AS}, ("function", "inputs", "point", "order", "outputs"), "jac taylor"),
    "cost": envelope("cost", {
        "dims": {"type": "array", "items": INT},
        "factors": {"type": "array", "items": obj({"name": STRING, "shape": SHAPE, "diagonal": BOOL,
                                                   "per_vector": INT, "stored": INT})},
        "forward": PLAN, "reverse": PLAN, "optimal": PLAN,
        "compressed_forward": obj({"colours": INT, "jvp_macs": INT, "macs": INT, "nnz": INT},
                                  ("colours", "jvp_macs", "macs", "nnz"),
                                  "when every factor is sparse: J from one JVP per colour of its columns")},
        ("dims", "factors", "forward", "reverse", "optimal"),
        "jac cost"),
    "exercise": envelope("exercise", {
        "sheets": {"type": "array", "items": obj({
            "student": STRING, "kind": STRING, "seed": INT, "difficulty": INT,
            "exercises": {"type": "array", "items": {"type": "object"}}}, ("kind", "seed", "exercises"),
            closed=False)}}, ("sheets",), "jac exercise"),
    "plot": envelope("plot", {
        "file": STRING, "radius": NUMBER,
        "panels": {"type": "array", "items": obj({
            "kind": STRING, "title": STRING, "point": NUMBERS, "value": NUMBERS, "jacobian": ROWS, "det": NUMBER,
            "parallelogram": ROWS})},
        "det_product": NUMBER}, ("file", "panels"), "jac plot: what the picture shows"),
}


def documents() -> dict[str, dict]:
    out = {}
    for name, schema in SCHEMAS.items():
        out[name] = {**schema, "$defs": {"step": STEP_DEF}} if "steps" in schema["properties"] else schema
    out["points"] = BATCH
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    OUT.mkdir(exist_ok=True)
    differs = []
    for name, schema in documents().items():
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        path = OUT / f"{name}.json"
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                differs.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if differs:
        print("out of date (run python3 scripts/make_schemas.py):", ", ".join(differs))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
