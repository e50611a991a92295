"""Real textbook exercises (tests/corpus/textbook.yaml, with sources): jac agrees with the published
answer (or one worked by hand with the chain rule), and with an independent computation, central
differences of the composed function at a point."""

from pathlib import Path

import numpy as np
import pytest
import sympy as sp
import yaml

from jaccli import check
from jaccli.api import compose, jacobian
from jaccli.model.binding import bind
from jaccli.parse.spec import load_all

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "textbook.yaml").read_text())


def _ids(items):
    return [item["id"] for item in items]


@pytest.mark.parametrize("case", CORPUS, ids=_ids(CORPUS))
def test_published_answer_passes(case):
    specs = case["functions"]
    if case["kind"] == "det":
        n = len(load_all(specs)[0].inputs)
        result = check(specs, case["matrix"] if "matrix" in case else _jacobian_text(specs), expect_det=case["answer"])
        assert result.passed, [d.message for d in result.diagnoses]
        assert result.determinant is not None and result.determinant.ok and n >= 2
    else:
        result = check(specs, case["answer"])
        assert result.passed, ([d.message for d in result.diagnoses], [(e.label, e.ok) for e in result.entries])


def _jacobian_text(specs):
    """J as jac prints it, for cases that publish only the determinant (the check is about the det)."""
    J = jacobian(specs[0]).symbolic
    return "; ".join(", ".join(str(J[i, j]).replace("**", "^") for j in range(J.cols)) for i in range(J.rows))


def _chain_function(specs):
    functions = bind(load_all(specs))
    compiled = [sp.lambdify(fn.symbols, list(fn.outputs), "mpmath") for fn in functions]

    def F(x):
        import mpmath

        with mpmath.workdps(40):
            value = [mpmath.mpf(v) for v in x]
            for f in compiled:
                value = [mpmath.mpf(v) for v in f(*value)]
            return value

    return functions, F


@pytest.mark.parametrize("case", CORPUS, ids=_ids(CORPUS))
def test_agrees_with_central_differences(case):
    import mpmath

    functions, F = _chain_function(case["functions"])
    point = [float(v) for v in case["at"].split(",")]
    result = compose(*case["functions"], at=point) if len(functions) > 1 else jacobian(case["functions"][0], at=point)
    J = np.array(result.at.value, dtype=float)
    with mpmath.workdps(40):
        h = mpmath.mpf("1e-15")
        fd = np.array([[float((F([p + (h if k == j else 0) for k, p in enumerate(point)])[i]
                               - F([p - (h if k == j else 0) for k, p in enumerate(point)])[i]) / (2 * h))
                        for j in range(len(point))] for i in range(J.shape[0])])
    np.testing.assert_allclose(J, fd, rtol=1e-9, atol=1e-12 * max(1.0, np.abs(fd).max()))


@pytest.mark.parametrize("case", [c for c in CORPUS if c["kind"] == "chain"], ids=_ids(c for c in CORPUS if c["kind"] == "chain"))
def test_a_wrong_answer_to_the_exercise_fails(case):
    """The published answer with something small added to one entry must not pass."""
    from jaccli.jobs.check import _split_top_level

    entries = _split_top_level(case["answer"])
    entries[0] = f"({entries[0]}) + 1/1000"
    assert not check(case["functions"], ", ".join(entries)).passed
