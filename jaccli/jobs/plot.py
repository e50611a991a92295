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

import re
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
    contour: tuple[Any, Any, Any] | None = None  # (X, Y, Z) for R² → R
    labels: tuple[list[str], list[str]] = ([], [])  # rows (outputs), columns (inputs) for a heat map
    input_names: tuple[str, ...] = ()  # the axes of the input plane (contours)
    output_names: tuple[str, ...] = ()  # the axes of the output plane or space (maps, curves, cubes)
    point_text: str = ""  # the point as jac prints it: (r, θ) = (1, π/4)
    linear_map: bool = False  # f equals its linearisation on the drawn grid: one grid, said so
    edge_labels: tuple[str, str] = ("r·J e₁", "r·J e₂")  # the parallelogram's edges: J's columns (times r)
    det_text: str = ""  # det J as jac prints it (exact where it is)
    shape_name: str = "the square"  # what the shaded shape is the image of
    function: str = "f"  # the function's name, as the legend says it


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
    inputs = tuple(result.inputs)
    outputs = tuple(result.factors[-1].output_names)
    at = pretty(result.point.text())
    panels = []
    if len(result.factors) > 1:
        if not all(f.shape == (2, 2) for f in result.factors) or J.shape != (2, 2):
            raise UsageError("jac plot draws a composition when every factor is 2→2 (R² → R²)",
                             hint="plot each function on its own, or the composed function as one SPEC")
        # one shape followed through the chain: the square at p, its image under J_f at f(p), that image's
        # image under J_g at g(f(p)), …: the areas visibly multiply
        here, shape, labels, previous = p, None, ("r·J e₁", "r·J e₂"), ""
        for factor, item in zip(result.factors, items):
            Jk = np.array(factor.at.rows(), dtype=float)
            Fk = chain_function([item])
            seen = pretty(factor.point.text()) if factor.point is not None else _fmt(here)
            names = ("r·J_" + factor.name + " e₁", "r·J_" + factor.name + " e₂") if shape is None else \
                ("J_" + factor.name + "·(edge 1)", "J_" + factor.name + "·(edge 2)")
            panel = _map2d(f"{factor.name} at {seen}", Fk, here, Jk, radius, shape=shape, labels=names,
                           inputs=tuple(factor.inputs), outputs=tuple(factor.output_names),
                           det_text=_det_text(factor.at))
            panel.function = factor.name
            if previous:
                panel.shape_name = f"{previous}'s parallelogram"
            panels.append(panel)
            here, shape, previous = Fk(here), panel.parallelogram, factor.name
        dets = [float(pnl.det) for pnl in panels if pnl.det is not None]
        panels.append(_map2d(f"{name} at {at}", F, p, J, radius, labels=labels, inputs=inputs, outputs=outputs,
                             det_text=_det_text(result.at)))
        panels[-1].function = name
        product = float(np.prod(dets))
        return PlotData(panels, radius, det_product=product,
                        notes=[f"det J_{name} = {' · '.join(_num(d) for d in reversed(dets))} = {_num(product)}"])
    m, n = J.shape
    if (m, n) == (2, 2):
        panels.append(_map2d(f"{name} at {at}", F, p, J, radius, inputs=inputs, outputs=outputs,
                             det_text=_det_text(result.at)))
        panels[-1].function = name
    elif n == 1 and m in (2, 3):
        panels.append(_curve(name, F, p, J, radius, at, outputs))
    elif (m, n) == (1, 2):
        panels.append(_contour(name, F, p, J, radius, at, inputs))
    elif (m, n) == (3, 3):
        panels.append(_cube(name, F, p, J, radius, at, outputs, _det_text(result.at)))
    else:
        rows = list(outputs) if len(outputs) == m else [f"y{i + 1}" for i in range(m)]
        cols = list(inputs) if len(inputs) == n else [f"x{j + 1}" for j in range(n)]
        panels.append(Panel("heatmap", f"J_{name} at {at}", p, F(p), J, labels=(rows, cols), point_text=at))
    return PlotData(panels, radius)


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ", "lambda": "λ",
          "mu": "μ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "psi": "ψ", "omega": "ω", "pi": "π"}


def pretty(text: str) -> str:
    """jac's text as a picture writes it: pi → π, theta → θ, sqrt(2) → √2, * dropped."""
    text = re.sub(r"\b(" + "|".join(_GREEK) + r")\b", lambda m: _GREEK[m.group(1)], text)
    text = re.sub(r"sqrt\((\w+)\)", r"√\1", text)
    return text.replace("*", "")


def _det_text(at: Any) -> str:
    """det J as jac prints it: exact where the point is exact (2·√2), else a decimal."""
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus.printing import to_text

    if at is not None and at.exact is not None and at.exact.rows == at.exact.cols:
        det = sp.nsimplify(at.exact.det()) if at.exact.has(sp.Float) else sp.simplify(at.exact.det())
        if not det.has(sp.Float):
            value = float(det)
            text = pretty(to_text(det))
            return text if text == _num(value) else f"{text} ≈ {_num(value)}"
    rows = np.array(at.rows(), dtype=float) if at is not None else None
    return _num(float(np.linalg.det(rows))) if rows is not None and rows.shape[0] == rows.shape[1] else ""


def _fmt(v: np.ndarray) -> str:
    return ", ".join(_num(x) for x in np.atleast_1d(v))


def _num(x: float) -> str:
    return f"{x:.4g}"


def _along(F: Callable[..., Any], points: np.ndarray) -> np.ndarray:
    return np.array([F(q) for q in points], dtype=float)


def _map2d(title: str, F: Callable[..., Any], p: np.ndarray, J: np.ndarray, r: float, shape: np.ndarray | None = None,
           labels: tuple[str, str] = ("r·J e₁", "r·J e₂"), inputs: tuple[str, ...] = (),
           outputs: tuple[str, ...] = (), det_text: str = "") -> Panel:
    """The grid around p, its images, and a shape at p with its image f(p) + J·(corner − p): the square of
    side r, or (``shape``, in a composition) the previous factor's image parallelogram, now at p."""
    fp = np.asarray(F(p), dtype=float)
    offsets = np.linspace(-r, r, GRID_LINES)
    t = np.linspace(-r, r, SAMPLES)
    grid = [np.column_stack([np.full_like(t, p[0] + a), p[1] + t]) for a in offsets] + \
           [np.column_stack([p[0] + t, np.full_like(t, p[1] + b)]) for b in offsets]
    image = [_along(F, line) for line in grid]
    linear = [fp + (line - p) @ J.T for line in grid]
    square = p + r * np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float) if shape is None else shape
    parallelogram = fp + (square - p) @ J.T
    scale = max(float(np.max(np.abs(np.vstack(image) - fp))), 1e-300)
    coincide = all(np.allclose(a, b, rtol=0, atol=1e-9 * scale) for a, b in zip(image, linear))
    det = float(np.linalg.det(J))
    return Panel("map2d", title, p, fp, J, det, grid, image, linear, square, parallelogram,
                 input_names=inputs, output_names=outputs, linear_map=coincide, edge_labels=labels,
                 det_text=det_text or _num(det))


def _curve(name: str, F: Callable[..., Any], p: np.ndarray, J: np.ndarray, r: float, at: str,
           outputs: tuple[str, ...]) -> Panel:
    t = np.linspace(p[0] - r, p[0] + r, 4 * SAMPLES)  # the parameter within --radius of the point
    curve = _along(F, t[:, None])
    return Panel("curve", f"{name} near {at}", p, np.asarray(F(p), dtype=float), J, None,
                 grid=[t[:, None]], image=[curve], output_names=outputs, point_text=at)


def _contour(name: str, F: Callable[..., Any], p: np.ndarray, J: np.ndarray, r: float, at: str,
             inputs: tuple[str, ...]) -> Panel:
    xs = np.linspace(p[0] - r, p[0] + r, SAMPLES)  # the square of half-width --radius around the point
    ys = np.linspace(p[1] - r, p[1] + r, SAMPLES)
    X, Y = np.meshgrid(xs, ys)
    Z = np.array([[float(F(np.array([x, y]))[0]) for x in xs] for y in ys])
    return Panel("contour", f"{name} near {at}", p, np.asarray(F(p), dtype=float), J, None, contour=(X, Y, Z),
                 input_names=inputs, point_text=at)


def _cube(name: str, F: Callable[..., Any], p: np.ndarray, J: np.ndarray, r: float, at: str, outputs: tuple[str, ...],
          det_text: str) -> Panel:
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=float)
    cube = p + r * corners
    fp = np.asarray(F(p), dtype=float)
    det = float(np.linalg.det(J))
    return Panel("cube", f"{name} at {at}", p, fp, J, det, square=cube, parallelogram=fp + (cube - p) @ J.T,
                 output_names=outputs, point_text=at, det_text=det_text or _num(det))


def run(request: Request) -> PlotResult:
    """jac plot: J at the point (of the composition, with several SPECs) and what the picture shows."""

    items = load(request)
    result = jacobian_of(request.with_(command="compose" if len(items) > 1 else "jacobian"), items)
    return PlotResult(plot_data(result, request.radius), request.output or "", list(result.notes), result.functions)
