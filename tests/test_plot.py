"""jac plot (issue 15 §1): the geometry is checked from the data the picture is drawn from — the image
parallelogram's edges are J's columns (scaled by the radius), its area r²·|det J|, its orientation det
J's sign, the curved image is f at the grid points (f computed here by hand) — and each file format is
written and non-empty."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from jaccli import run
from jaccli.core.request import make
from jaccli.jobs.plot import plot_data, polygon_area


def _data(specs, at, radius=0.5, vars=None):
    command = "compose" if len(specs) > 1 else "jacobian"
    return plot_data(run(make(command, specs, at=at, vars=vars)), radius)


def test_polar_parallelogram_area_orientation_and_curved_image():
    data = _data(["samples/polar.yaml"], "2,pi/6", radius=0.25)
    (panel,) = data.panels
    r, t = 2.0, math.pi / 6
    J = np.array([[math.cos(t), -r * math.sin(t)], [math.sin(t), r * math.cos(t)]])  # by hand
    np.testing.assert_allclose(panel.jacobian, J, rtol=1e-14)
    P = panel.parallelogram
    np.testing.assert_allclose(P[1] - P[0], 0.25 * J[:, 0], rtol=1e-12)  # edges: J's columns, scaled
    np.testing.assert_allclose(P[3] - P[0], 0.25 * J[:, 1], rtol=1e-12)
    assert polygon_area(P) == pytest.approx(0.25 ** 2 * r, rel=1e-12)  # det J = r, positive: kept
    for grid, image in zip(panel.grid, panel.image):  # the curved image is f at every grid point
        np.testing.assert_allclose(image, np.column_stack([grid[:, 0] * np.cos(grid[:, 1]),
                                                          grid[:, 0] * np.sin(grid[:, 1])]), rtol=1e-12, atol=1e-14)


def test_a_flip_and_a_collapse():
    flip = _data(["x, -y"], "1,1", vars=["x", "y"]).panels[0]
    assert flip.det == -1 and polygon_area(flip.parallelogram) < 0
    singular = _data(["x + y, 2x + 2y"], "1,1", vars=["x", "y"]).panels[0]
    assert singular.det == 0 and abs(polygon_area(singular.parallelogram)) < 1e-15


def test_composition_areas_multiply():
    data = _data(["samples/polar.yaml", "(x, y) -> (x + y, x - y)"], "1,pi/4")
    f, g, whole = data.panels
    assert whole.det == pytest.approx(f.det * g.det, rel=1e-12) == pytest.approx(data.det_product, rel=1e-12)
    np.testing.assert_allclose(g.point, f.value, rtol=1e-14)  # g is drawn at the point it sees: f(p)


@pytest.mark.parametrize("spec, vars, at, kind", [
    ("cos(t), sin(t)", ["t"], "0.5", "curve"),
    ("cos(t), sin(t), t", ["t"], "0.5", "curve"),
    ("x^2 + 3y^2", ["x", "y"], "1,1", "contour"),
    ("x y, y z, x z", ["x", "y", "z"], "1,2,3", "cube"),
    ("x + y + z, x y", ["x", "y", "z"], "1,2,3", "heatmap"),
])
def test_other_shapes(spec, vars, at, kind, tmp_path):
    data = _data([spec], at, vars=vars)
    assert data.panels[0].kind == kind
    if kind == "cube":
        V = data.panels[0].parallelogram
        edges = np.array([V[4] - V[0], V[2] - V[0], V[1] - V[0]]).T  # images of r·e₁, r·e₂, r·e₃
        assert abs(np.linalg.det(edges)) == pytest.approx(0.5 ** 3 * abs(data.panels[0].det), rel=1e-12)
    from jaccli.render.drawing import draw

    draw(data, str(tmp_path / "p.png"))
    assert (tmp_path / "p.png").stat().st_size > 1000


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_formats_are_written(run_cli, tmp_path, suffix):
    out = tmp_path / f"polar.{suffix}"
    result = run_cli("plot", "samples/polar.yaml", "--at", "1,pi/4", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


def test_refusals(run_cli, tmp_path, monkeypatch):
    assert run_cli("plot", "samples/polar.yaml", "--at", "1,1", "-o", tmp_path / "x.gif").exit_code == 2
    assert run_cli("plot", "samples/polar.yaml", "-o", tmp_path / "x.png").exit_code == 2  # no --at
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the extra were not installed
    result = run_cli("plot", "samples/polar.yaml", "--at", "1,1", "-o", tmp_path / "x.png")
    assert result.exit_code == 2 and "pip install 'jaccli[plot]'" in result.stderr


@pytest.fixture
def run_cli(run):
    return run
