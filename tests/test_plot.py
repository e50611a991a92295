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


# Pictures a teacher would put in a handout (issue 25 §4): what each picture shows is read back from the
# matplotlib figure jac builds (render/drawing.figure), each item of the issue once.

def _figure(specs, at, radius=0.5, vars=None):
    from jaccli.render.drawing import figure

    data = _data(specs, at, radius=radius, vars=vars)
    return data, figure(data)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]  # annotations are texts too


def _arrows(ax):
    return [a for a in ax.findobj(lambda o: hasattr(o, "arrow_patch") and o.arrow_patch is not None)]


@pytest.mark.parametrize("spec, at", [("t -> (cos(t), sin(2*t))", "pi/6"), ("t -> (cos(t), sin(2*t))", "0"),
                                      ("t -> (t^3, t)", "2"), ("t -> (exp(t), t)", "-3")])
def test_a_curve_has_its_tangent_arrow_and_its_point(spec, at):
    """The arrow was lost when its tip fell outside the drawn part of the curve (the issue's example)."""
    data, fig = _figure([spec], at)
    (ax,) = fig.axes
    (arrow,) = _arrows(ax)
    tip = np.array(arrow.xy)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 <= tip[0] <= x1 and y0 <= tip[1] <= y1  # drawn, inside the picture
    np.testing.assert_allclose(tip, data.panels[0].value + data.panels[0].jacobian[:, 0], rtol=1e-12)
    marker = [line for line in ax.lines if line.get_marker() == "o"]
    assert marker and np.allclose(marker[0].get_xydata()[0], data.panels[0].value)
    t = data.panels[0].grid[0][:, 0]
    assert t.min() == pytest.approx(float(data.panels[0].point[0]) - 0.5)  # --radius, not 4·radius
    assert t.max() == pytest.approx(float(data.panels[0].point[0]) + 0.5)


def test_axes_names_exact_points_legend_and_caption_below():
    data, fig = _figure(["samples/polar.yaml"], "1,pi/4", radius=0.3)
    (ax,) = fig.axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")  # polar's outputs
    assert ax.get_title() == "polar at (r, θ) = (1, π/4)"  # exact, as jac prints it (not 0.7854)
    legend = ax.get_legend()
    assert legend is not None and len(legend.legend_handles) == 3  # line samples, not a text line
    assert any(h.get_linestyle() == "--" for h in legend.legend_handles if hasattr(h, "get_linestyle"))
    captions = [a for a in ax.texts if a.get_text().startswith("det J")]
    assert captions and captions[0].xyann[1] < 0  # below the axes, never over the lines
    fig.canvas.draw()
    box = captions[0].get_window_extent()
    assert box.y1 < ax.get_window_extent().y0  # the caption lies wholly below the plot area


def test_the_edges_are_labelled_arrows():
    data, fig = _figure(["samples/polar.yaml"], "2,pi/6", radius=0.25)
    (ax,) = fig.axes
    P = data.panels[0].parallelogram
    arrows = _arrows(ax)
    tips = sorted(tuple(np.round(a.xy, 12)) for a in arrows)
    assert tips == sorted([tuple(np.round(P[1], 12)), tuple(np.round(P[3], 12))])  # r·J e₁, r·J e₂
    labels = [t for t in _texts(ax) if "e₁" in t or "e₂" in t]
    assert sorted(labels) == ["r·J e₁", "r·J e₂"]


def test_a_singular_parallelogram_is_drawn_as_its_segment():
    data, fig = _figure(["x + y, 2x + 2y"], "1,1", vars=["x", "y"])
    (ax,) = fig.axes
    P = data.panels[0].parallelogram
    outline = [line for line in ax.lines if line.get_linewidth() >= 2 and len(line.get_xydata()) == 5]
    assert outline, "the collapsed parallelogram is invisible"
    xy = outline[0].get_xydata()
    assert np.ptp(xy[:, 0]) + np.ptp(xy[:, 1]) > 0.1  # a segment of visible length
    np.testing.assert_allclose(xy[:4], P, rtol=1e-12)


def test_a_linear_map_draws_one_grid_and_says_why():
    data, fig = _figure(["2x + y, x - y"], "1,1", vars=["x", "y"])
    (ax,) = fig.axes
    assert data.panels[0].linear_map
    assert not [line for line in ax.lines if line.get_linestyle() not in ("-", "None")]  # no second, dashed grid
    assert any("f is linear" in t.get_text() for t in ax.get_legend().get_texts())
    curved = _data(["samples/polar.yaml"], "1,pi/4").panels[0]
    assert not curved.linear_map


def test_a_composition_follows_one_shape():
    """square → J_f·square → J_g·(J_f·square): the middle panel maps the first panel's parallelogram, so the
    areas visibly multiply."""
    data, fig = _figure(["samples/polar.yaml", "(x, y) -> (x + y, x - y)"], "1,pi/4", radius=0.3)
    f, g, whole = data.panels
    np.testing.assert_allclose(g.square, f.parallelogram, rtol=1e-12)  # g's shape is f's image
    np.testing.assert_allclose(g.parallelogram, g.value + (f.parallelogram - f.value) @ g.jacobian.T, rtol=1e-12)
    assert abs(polygon_area(g.parallelogram)) == pytest.approx(abs(polygon_area(whole.parallelogram)), rel=1e-12)
    assert abs(polygon_area(g.parallelogram)) == pytest.approx(0.3 ** 2 * abs(f.det * g.det), rel=1e-12)
    assert "polar's parallelogram" in " ".join(t.get_text() for t in fig.axes[1].get_legend().get_texts())


def test_a_cube_and_its_image_with_edges():
    data, fig = _figure(["x y, y z, x z"], "1,2,3", vars=["x", "y", "z"])
    (ax,) = fig.axes
    solids = [c for c in ax.collections if c.__class__.__name__ == "Poly3DCollection"]
    assert solids and 0 < solids[0].get_alpha() < 1 and solids[0].get_linewidth()[0] > 0  # see-through, edged
    assert len([line for line in ax.lines if line.get_linestyle() == "--"]) == 6  # the cube, dashed
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("f1", "f2", "f3")


def test_contours_show_the_level_curve_through_the_point():
    data, fig = _figure(["x^2 + 3y^2"], "1,1", vars=["x", "y"], radius=0.5)
    (ax,) = fig.axes
    level = [c for c in ax.collections if hasattr(c, "levels") and len(c.levels) == 1]
    assert level and level[0].levels[0] == pytest.approx(4.0)  # f(1, 1) = 4
    X, Y, _ = data.panels[0].contour
    assert X.min() == pytest.approx(0.5) and X.max() == pytest.approx(1.5)  # --radius, not 4·radius
    (arrow,) = _arrows(ax)
    direction = np.array(arrow.xy) - np.array([1.0, 1.0])
    assert direction / np.linalg.norm(direction) == pytest.approx(np.array([2, 6]) / np.hypot(2, 6))
    assert any("|∇f| = 6.325" in t.get_text() for t in ax.texts)  # the slope is said, not drawn as a length


def test_a_heat_map_has_a_colour_bar_values_and_level_labels():
    data, fig = _figure(["x + y + z, x y"], "1,2,3", vars=["x", "y", "z"])
    ax, bar = fig.axes  # the map and its colour bar
    assert bar.get_ylabel().startswith("∂")
    cells = {t.get_text() for t in ax.texts}
    assert {"1", "2", "0"} <= cells
    assert all(label.get_rotation() == 0 for label in ax.get_xticklabels())


def test_pictures_are_sharp_and_text_is_text(run_cli, tmp_path):
    from PIL import Image

    png, svg, pdf = tmp_path / "p.png", tmp_path / "p.svg", tmp_path / "p.pdf"
    for out in (png, svg, pdf):
        assert run_cli("plot", "samples/polar.yaml", "--at", "1,pi/4", "-o", out).exit_code == 0
    assert Image.open(png).size[0] >= 1600  # a slide's width
    assert "<text" in svg.read_text() and "polar at" in svg.read_text()  # SVG text is selectable text
    assert b"/FontFile2" in pdf.read_bytes()  # TrueType fonts embedded: text, not outlines
    small = tmp_path / "small.png"
    assert run_cli("plot", "samples/polar.yaml", "--at", "1,pi/4", "--dpi", "100", "-o", small).exit_code == 0
    assert Image.open(small).size[0] < 800
