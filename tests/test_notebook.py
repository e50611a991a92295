"""Results in notebooks and REPLs (issue 25 §3): every result shows itself in Jupyter (text/html with
MathML, text/latex as the fallback), prints one line in a REPL, and %load_ext jaccli gives %jac and %%jac.
The docs notebook is executed for real (nbclient, ipykernel: both in the test extra)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "jac_in_a_notebook.ipynb"


def _results():
    from jaccli import check, compose, cost, hessian, implicit, jacobian, run
    from jaccli.app.samples import folder
    from jaccli.core.request import make

    f, g = str(folder() / "f.yaml"), str(folder() / "g.yaml")  # the installed samples: made before any test's folder
    return {
        "compose": compose(f, g, at="1,2"),
        "jacobian": jacobian("x^2 + y, 2*x*y", vars=["x", "y"]),
        "check": check([f], "[[2x, 1], [2y, 2x]]"),
        "hessian": hessian("x^3 - 3x + y^2", vars=["x", "y"], at="1,0"),
        "implicit": implicit("x^2 + y^2 - 1", ["y"], vars=["x", "y"], at="0.6,0.8"),
        "cost": cost(dims=[784, 256, 10]),
        "critical": run(make("critical", ["x^3 + y^3 - 3x y"], vars=("x", "y"))),
        "taylor": run(make("taylor", ["e^x sin(y)"], vars=("x", "y"), at="0,0", order=2)),
    }


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return _results()


@pytest.mark.parametrize("kind", ["compose", "jacobian", "check", "hessian", "implicit", "cost", "critical",
                                  "taylor"])
def test_every_result_displays_itself(results, kind):
    result = results[kind]
    html = result._repr_html_()
    assert html.startswith('<div class="jac-result">') and "<script" not in html and "src=" not in html
    if kind != "cost":
        assert "<math" in html
    latex = result._repr_latex_()
    assert latex is None or (latex.startswith("$$") and latex.rstrip().endswith("$$"))
    text = repr(result)
    assert "\n" not in text and len(text) < 400 and text.startswith(f"<{type(result).__name__} ")


def test_the_repl_line_says_the_value(results):
    text = repr(results["compose"])
    assert "3×2" in text and "[[6, 3], [12, 6], [-2.61457, -1.30729]]" in text  # 4 cos 4 = -2.61457


def test_magic_returns_the_result_and_reports_errors(capsys):
    from jaccli.notebook import jac

    r = jac('jacobian "x^2 + y, 2*x*y" --vars x,y --at 1,2')
    assert r.at.rows() == [[2.0, 1.0], [4.0, 2.0]]
    cell = "inputs: [x, y]\noutputs:\n  f1: x^2 + y\n  f2: 2*x*y\n"
    assert jac("jacobian - --at 1,2", cell).at.rows() == [[2.0, 1.0], [4.0, 2.0]]
    assert jac("jac hessian --vars x,y --at 1,0", "x^3 - 3x + y^2") is not None  # the cell as the last SPEC
    assert jac('jacobian "1/x" --at 0') is None
    assert "undefined at x = 0" in capsys.readouterr().err
    assert jac("jacobian --bogus x") is None
    assert "No such option" in capsys.readouterr().err


def test_the_docs_notebook_runs_and_shows_mathematics(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    shutil.copytree(Path.cwd() / "samples", tmp_path / "samples")
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    shown = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "execute_result"]
    rich = [o for o in shown if "text/html" in o["data"]]
    assert len(rich) >= 4  # compose(), %jac compose, %%jac jacobian, %jac hessian
    assert all("<math" in o["data"]["text/html"] and "text/latex" in o["data"] for o in rich)
    printed = "".join(o.get("text", "") for c in code for o in c.get("outputs", []) if o.get("name") == "stdout")
    assert printed.startswith("<JacobianResult") and printed.count("\n") == 1


def test_the_readme_repl_transcript_is_what_python_prints(monkeypatch):
    import importlib
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", readme, re.S)
    assert blocks
    for block in blocks:
        lines = block.strip().splitlines()
        for k, line in enumerate(lines):
            if line.startswith(">>> "):
                value = eval(line[4:], vars(importlib.import_module("jaccli.api")))  # test code reading the README, never user input
                assert repr(value) == lines[k + 1]
