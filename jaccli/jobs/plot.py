"""``jac plot``: what the picture shows, computed without matplotlib (plot_draw.py draws it).

The Jacobian is the best linear approximation, and det J is how it scales area and whether it flips
orientation. For each shape of f the data are:

* R² → R²: a grid of small squares around p (``radius``), its image under f (curved, each grid line
  sampled densely) and under the linearisation x ↦ f(p) + J·(x − p) (straight); the square with corners
  p, p + r·e₁, p + r·(e₁ + e₂), p + r·e₂ and its image parallelogram f(p) + J·(corner − p), whose area is
  r²·|det J| and whose orientation is det J's sign (a singular J collapses it onto a line or a point);
* R → R² and R → R³: the curve around p and the tangent vector J at f(p);
* R² → R: contours of f around p and ∇f at p (perpendicular to the contour through p);
* R³ → R³: the cube of side r at p and its image parallelepiped (volume r³·|det J|);
* any other shape: J's entries as a heat map with their sparsity.

``compose`` of 2→2 functions gives one panel per factor (each at the point its function sees) and one
for the composition: the parallelograms' areas multiply, det J_{g∘f} = det J_g(f(p)) · det J_f(p).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..core.errors import UsageError
from ..core.request import Request, option
from ..parse.loading import load
from ..results.tools import PlotResult
from .jacobian import chain_function, jacobian_of

GRID_LINES = 7  # grid lines each way across the neighbourhood
SAMPLES = 60  # points along each grid line (the curved image)


@dataclass
class Panel:
    kind: str  # "map2d", "curve", "contour", "cube", "heatmap"
    title: str
    point: np.ndarray  # p (where this function is evaluated)
    value: np.ndarray  # f(p)
    jacobian: np.ndarray  # J at p
    det: float | None = None
    grid: list[np.ndarray] = field(default_factory=list)  # grid lines around p (each K×n)
    image: list[np.ndarray] = field(default_factory=list)  # their images under f
    linear: list[np.ndarray] = field(default_factory=list)  # their images under the linearisation
    square: np.ndarray | None = None  # corners of the square (cube) at p
    parallelogram: np.ndarray | None = None  # their images f(p) + J·(corner − p)
    contour: tuple | None = None  # (X, Y, Z) for R² → R
    labels: tuple[list[str], list[str]] = ([], [])  # rows (outputs), columns (inputs) for a heat map


@dataclass
class PlotData:
    panels: list[Panel]
    radius: float
    det_product: float | None = None  # compose: det J_g(f(p)) · det J_f(p), when every factor is square
    notes: list[str] = field(default_factory=list)


def polygon_area(corners: np.ndarray) -> float:
    """Signed area of a polygon in the plane (shoelace): > 0 counter-clockwise."""
    x, y = corners[:, 0], corners[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def plot_data(result: Any, radius: float) -> PlotData:
    """Panels for a JacobianResult at a point (one function, or a composition of function specs)."""

    if result.at is None or result.point is None:
        raise UsageError(f"jac plot draws J at a point: add {option('at')}")
    if radius <= 0:
        raise UsageError(f"{option('radius')} must be positive")
    items = list(result.items)
    p = np.array([float(v) for v in result.point.values])
    J = np.array(result.at.rows(), dtype=float)
    F = chain_function(items)
    name = result.name
    panels = []
    if len(result.factors) > 1:
        if not all(f.shape == (2, 2) for f in result.factors) or J.shape != (2, 2):
            raise UsageError("jac plot draws a composition when every factor is 2→2 (R² → R²)",
                             hint="plot each function on its own, or the composed function as one SPEC")
        here = p
        for factor, item in zip(result.factors, items):
            Jk = np.array(factor.at.rows(), dtype=float)
            Fk = chain_function([item])
            panels.append(_map2d(f"{factor.name} at ({_fmt(here)})", Fk, here, Jk, radius))
            here = Fk(here)
        dets = [float(pnl.det) for pnl in panels if pnl.det is not None]
        panels.append(_map2d(f"{name} at ({_fmt(p)})", F, p, J, radius))
        product = float(np.prod(dets))
        return PlotData(panels, radius, det_product=product,
                        notes=[f"det J_{name} = {' · '.join(_num(d) for d in reversed(dets))} = {_num(product)}"])
    m, n = J.shape
    if (m, n) == (2, 2):
        panels.append(_map2d(f"{name} at ({_fmt(p)})", F, p, J, radius))
    elif n == 1 and m in (2, 3):
        panels.append(_curve(name, F, p, J, radius))
    elif (m, n) == (1, 2):
        panels.append(_contour(name, F, p, J, radius))
    elif (m, n) == (3, 3):
        panels.append(_cube(name, F, p, J, radius))
    else:
        fn = result.function if result.functions else None
        rows = list(fn.output_names) if fn else [f"y{i + 1}" for i in range(m)]
        cols = list(fn.inputs) if fn else [f"x{j + 1}" for j in range(n)]
        panels.append(Panel("heatmap", f"J_{name} at ({_fmt(p)})", p, F(p), J, labels=(rows, cols)))
    return PlotData(panels, radius)


def _fmt(v: np.ndarray) -> str:
    return ", ".join(_num(x) for x in np.atleast_1d(v))


def _num(x: float) -> str:
    return f"{x:.4g}"


def _along(F: Callable, points: np.ndarray) -> np.ndarray:
    return np.array([F(q) for q in points], dtype=float)


def _map2d(title: str, F: Callable, p: np.ndarray, J: np.ndarray, r: float) -> Panel:
    fp = np.asarray(F(p), dtype=float)
    offsets = np.linspace(-r, r, GRID_LINES)
    t = np.linspace(-r, r, SAMPLES)
    grid = [np.column_stack([np.full_like(t, p[0] + a), p[1] + t]) for a in offsets] + \
           [np.column_stack([p[0] + t, np.full_like(t, p[1] + b)]) for b in offsets]
    image = [_along(F, line) for line in grid]
    linear = [fp + (line - p) @ J.T for line in grid]
    square = p + r * np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    parallelogram = fp + (square - p) @ J.T
    return Panel("map2d", title, p, fp, J, float(np.linalg.det(J)), grid, image, linear, square, parallelogram)


def _curve(name: str, F: Callable, p: np.ndarray, J: np.ndarray, r: float) -> Panel:
    t = np.linspace(p[0] - 4 * r, p[0] + 4 * r, 4 * SAMPLES)
    curve = _along(F, t[:, None])
    return Panel("curve", f"{name} near t = {_num(p[0])}", p, np.asarray(F(p), dtype=float), J, None,
                 grid=[t[:, None]], image=[curve])


def _contour(name: str, F: Callable, p: np.ndarray, J: np.ndarray, r: float) -> Panel:
    xs = np.linspace(p[0] - 4 * r, p[0] + 4 * r, SAMPLES)
    ys = np.linspace(p[1] - 4 * r, p[1] + 4 * r, SAMPLES)
    X, Y = np.meshgrid(xs, ys)
    Z = np.array([[float(F(np.array([x, y]))[0]) for x in xs] for y in ys])
    return Panel("contour", f"{name} near ({_fmt(p)})", p, np.asarray(F(p), dtype=float), J, None, contour=(X, Y, Z))


def _cube(name: str, F: Callable, p: np.ndarray, J: np.ndarray, r: float) -> Panel:
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=float)
    cube = p + r * corners
    fp = np.asarray(F(p), dtype=float)
    return Panel("cube", f"{name} at ({_fmt(p)})", p, fp, J, float(np.linalg.det(J)), square=cube,
                 parallelogram=fp + (cube - p) @ J.T)


def run(request: Request) -> PlotResult:
    """jac plot: J at the point (of the composition, with several SPECs) and what the picture shows."""

    items = load(request)
    result = jacobian_of(request.with_(command="compose" if len(items) > 1 else "jacobian"), items)
    return PlotResult(plot_data(result, request.radius), request.output or "", list(result.notes), result.functions)
