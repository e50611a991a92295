"""Drawing jobs/plot.PlotData with matplotlib (an optional extra: ``pip install 'jaccli[plot]'``), imported
only here and only when ``jac plot`` runs.

Pictures meant for a handout or a slide: axes named by the function's inputs and outputs, points written
exactly (π/4, not 0.7854), a legend with line samples, captions below the axes (never over the lines),
J's columns drawn as labelled arrows (J·e₁, J·e₂: they show the orientation too), a singular J's
collapsed parallelogram drawn as the segment it is, one shape followed through a composition. PNG at
320 dpi by default (about 1,700 pixels across one panel; ``--dpi``), SVG and PDF with real, selectable text.
``figure(data)`` builds the figure (the tests read it); ``draw`` writes it whole or not at all.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import UsageError
from ..core.sink import atomic_sink
from ..jobs.plot import Panel, PlotData

FORMATS = (".png", ".svg", ".pdf")
DPI = 320  # PNG: about 1,700 pixels across one panel, sharp on a slide or a printed page
PANEL = (5.4, 5.2)  # inches per panel

BLUE, ORANGE, GREEN, RED, GREY = "#1f5fa8", "#d9711a", "#2e8b57", "#c0392b", "#6b6b6b"


def _matplotlib() -> Any:
    try:
        # deferred: matplotlib is heavy at start-up
        import matplotlib
    except ImportError:
        raise UsageError("jac plot needs matplotlib, an optional extra", hint="pip install 'jaccli[plot]'") from None
    matplotlib.use("Agg")  # files only: no display needed
    matplotlib.rcParams.update({
        "svg.fonttype": "none",  # SVG text stays text (selectable, searchable)
        "pdf.fonttype": 42, "ps.fonttype": 42,  # PDF with TrueType fonts: selectable text
        "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "legend.fontsize": 8.5,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.25,
        "lines.solid_capstyle": "round", "mathtext.fontset": "dejavuserif",
    })
    # deferred: matplotlib is heavy at start-up
    import matplotlib.pyplot as plt

    return plt


def figure(data: PlotData) -> Any:
    plt = _matplotlib()
    count = len(data.panels)
    fig = plt.figure(figsize=(PANEL[0] * count, PANEL[1]))
    for k, panel in enumerate(data.panels, start=1):
        three_d = panel.kind == "cube" or (panel.kind == "curve" and panel.image[0].shape[1] == 3)
        ax = fig.add_subplot(1, count, k, projection="3d" if three_d else None)
        {"map2d": _map2d, "curve": _curve, "contour": _contour, "cube": _cube, "heatmap": _heatmap}[panel.kind](
            fig, ax, panel)
        ax.set_title(panel.title)
    if data.det_product is not None:
        fig.suptitle(data.notes[0] + " — the areas multiply", fontsize=12)
    fig.tight_layout()
    return fig


def draw(data: PlotData, path: str, dpi: int | None = None) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"jac plot writes {', '.join(FORMATS)} files, not {suffix or 'a file without a suffix'}",
                         hint="e.g. -o polar.png")
    plt = _matplotlib()
    fig = figure(data)
    picture = io.BytesIO()  # drawn in memory, then written whole or not at all (never half a PDF)
    try:
        fig.savefig(picture, format=suffix.lstrip("."), dpi=dpi or DPI, bbox_inches="tight", pad_inches=0.15,
                    metadata={"Creator": "jac"} if suffix != ".png" else None)
    finally:
        plt.close(fig)
    with atomic_sink(path) as sink:
        sink.write(picture.getvalue())


def _caption(ax: Any, text: str, below_legend: bool = False) -> None:
    """Below the axes and their tick labels (and the legend): never over a line."""
    ax.annotate(text, xy=(0.5, 0), xycoords="axes fraction", xytext=(0, -92 if below_legend else -34),
                textcoords="offset points", ha="center", va="top", fontsize=8.5, color="#333333",
                annotation_clip=False)


def _legend(ax: Any, handles: list[Any]) -> None:
    """Line samples under the picture, where they hide nothing."""
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)


def _names(ax: Any, labels: tuple[str, ...] | list[str], three_d: bool = False) -> None:
    if len(labels) >= 1:
        ax.set_xlabel(labels[0])
    if len(labels) >= 2:
        ax.set_ylabel(labels[1])
    if three_d and len(labels) >= 3:
        ax.set_zlabel(labels[2])


def _arrow(ax: Any, start: np.ndarray, end: np.ndarray, colour: str, label: str | None = None,
           side: str = "left") -> None:
    ax.annotate("", xy=tuple(end), xytext=tuple(start),
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.8, "mutation_scale": 14,
                            "shrinkA": 0, "shrinkB": 0})
    if label:
        ax.annotate(label, xy=tuple(end), xytext=(6 if side == "left" else -6, 6), textcoords="offset points",
                    color=colour, fontsize=10, fontweight="bold", ha=side,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.update_datalim(np.array([start, end]))  # the arrow is inside the picture, whatever its length


def _map2d(fig: Any, ax: Any, panel: Panel) -> None:
    # deferred: matplotlib is heavy at start-up
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for line in panel.image:
        ax.plot(line[:, 0], line[:, 1], color=BLUE, lw=1.0, zorder=2)
    if panel.linear_map:
        handles.append(Line2D([], [], color=BLUE, lw=1.0,
                              label=f"{panel.function} = its linearisation here ({panel.function} is linear)"))
    else:
        for line in panel.linear:
            ax.plot(line[:, 0], line[:, 1], color=ORANGE, lw=1.0, ls="--", zorder=3)
        handles += [Line2D([], [], color=BLUE, lw=1.0, label=f"image of the grid under {panel.function}"),
                    Line2D([], [], color=ORANGE, lw=1.0, ls="--", label="under the linearisation")]
    shape, det = panel.parallelogram, panel.det
    assert shape is not None and det is not None
    colour = GREEN if det > 0 else RED if det < 0 else "black"
    closed = np.vstack([shape, shape[:1]])
    ax.fill(shape[:, 0], shape[:, 1], color=colour, alpha=0.28, lw=0, zorder=1)
    ax.plot(closed[:, 0], closed[:, 1], color=colour, lw=2.2 if det == 0 else 1.2, zorder=4)  # a collapse: a segment
    what = "orientation kept" if det > 0 else "orientation flipped" if det < 0 else "singular: collapsed"
    handles.append(Patch(facecolor=colour, alpha=0.4, edgecolor=colour, label=f"image of {panel.shape_name} ({what})"))
    origin = shape[0]
    e1, e2 = panel.edge_labels
    first, second = shape[1] - origin, shape[-1] - origin
    clockwise = first[0] * second[1] - first[1] * second[0] < 0  # which way the second edge lies
    _arrow(ax, origin, shape[1], "#222222", e1, side="right" if clockwise else "left")
    _arrow(ax, origin, shape[-1], "#7a3e9d", e2, side="left" if clockwise else "right")
    ax.plot(*panel.value, "o", color="black", ms=4.5, zorder=5)
    _legend(ax, handles)
    _names(ax, panel.output_names)
    _caption(ax, f"det J = {panel.det_text}: area × {abs(det):.4g}, {what}", below_legend=True)
    ax.set_aspect("equal", adjustable="datalim")


def _curve(fig: Any, ax: Any, panel: Panel) -> None:
    curve = panel.image[0]
    tangent = panel.jacobian[:, 0]
    value = panel.value
    if curve.shape[1] == 3:  # the axes are 3D (figure chose them)
        ax.plot(curve[:, 0], curve[:, 1], curve[:, 2], color=BLUE, lw=1.4, label="the curve")
        ax.quiver(*value, *tangent, color=RED, lw=1.8, arrow_length_ratio=0.15, label="tangent J")
        ax.scatter(*value, color="black", s=18)
        ends = np.vstack([curve, value + tangent])
        ax.set_xlim(ends[:, 0].min(), ends[:, 0].max() + 1e-9)
        ax.set_ylim(ends[:, 1].min(), ends[:, 1].max() + 1e-9)
        ax.set_zlim(ends[:, 2].min(), ends[:, 2].max() + 1e-9)
        _names(ax, panel.output_names, three_d=True)
        ax.legend(loc="upper left")
        ax.text2D(0.5, -0.06, f"tangent J = ({', '.join(f'{t:.4g}' for t in tangent)})", transform=ax.transAxes,
                  ha="center", fontsize=8.5)
        return
    # deferred: matplotlib is heavy at start-up
    from matplotlib.lines import Line2D

    ax.plot(curve[:, 0], curve[:, 1], color=BLUE, lw=1.4)
    _arrow(ax, value, value + tangent, RED, "J")
    ax.plot(*value, "o", color="black", ms=5, zorder=5)
    ax.margins(0.12)  # room for the arrow's label at the picture's edge
    _legend(ax, [Line2D([], [], color=BLUE, lw=1.4, label="the curve"),
                       Line2D([], [], color=RED, lw=1.8, label="its tangent vector J"),
                       Line2D([], [], color="black", marker="o", ls="", label=f"the point, {panel.point_text}")])
    _names(ax, panel.output_names)
    _caption(ax, f"tangent J = ({tangent[0]:.4g}, {tangent[1]:.4g})", below_legend=True)
    ax.set_aspect("equal", adjustable="datalim")


def _contour(fig: Any, ax: Any, panel: Panel) -> None:
    # deferred: matplotlib is heavy at start-up
    from matplotlib.lines import Line2D

    assert panel.contour is not None
    X, Y, Z = panel.contour
    level = float(panel.value[0])
    contours = ax.contour(X, Y, Z, levels=12, cmap="viridis", linewidths=0.9)
    ax.clabel(contours, fontsize=7)
    ax.contour(X, Y, Z, levels=[level], colors="black", linewidths=2.0)
    g = panel.jacobian[0]
    norm = float(np.linalg.norm(g))
    length = (X.max() - X.min()) / 4  # a fixed length: ∇f's units are not the plane's (|∇f| is in the caption)
    if norm > 0:
        _arrow(ax, panel.point, panel.point + g / norm * length, RED, "∇f")
    ax.plot(*panel.point, "o", color="black", ms=5, zorder=5)
    _legend(ax, [Line2D([], [], color="black", lw=2.0, label=f"the level curve f = {level:.4g} through the point"),
                 Line2D([], [], color=RED, lw=1.8, label="∇f: perpendicular to it")])
    _names(ax, panel.input_names)
    _caption(ax, f"∇f = ({g[0]:.4g}, {g[1]:.4g}); |∇f| = {norm:.4g}, the slope of the tangent plane "
                 "(the arrow shows the direction only)", below_legend=True)
    ax.set_aspect("equal", adjustable="datalim")


def _cube(fig: Any, ax: Any, panel: Panel) -> None:
    # deferred: mpl_toolkits is heavy at start-up
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    V, cube = panel.parallelogram, panel.square
    assert V is not None and cube is not None and panel.det is not None
    faces = [[0, 1, 3, 2], [4, 5, 7, 6], [0, 1, 5, 4], [2, 3, 7, 6], [0, 2, 6, 4], [1, 3, 7, 5]]
    colour = GREEN if panel.det > 0 else RED if panel.det < 0 else "black"
    ax.add_collection3d(Poly3DCollection([V[f] for f in faces], alpha=0.22, facecolor=colour, edgecolor=colour,
                                         linewidths=1.2))
    moved = cube - cube[0] + V[0]  # the cube of side r, set down at f(p) for comparison
    for f in faces:
        loop = moved[f + f[:1]]
        ax.plot(loop[:, 0], loop[:, 1], loop[:, 2], color=GREY, lw=0.9, ls="--")
    every = np.vstack([V, moved])
    lo, hi = every.min(axis=0), every.max(axis=0)
    ax.set_xlim(lo[0], hi[0] + 1e-9)
    ax.set_ylim(lo[1], hi[1] + 1e-9)
    ax.set_zlim(lo[2], hi[2] + 1e-9)
    _names(ax, panel.output_names, three_d=True)
    hue = "green" if panel.det > 0 else "red" if panel.det < 0 else "black"
    ax.text2D(0.5, -0.06, f"dashed: the cube of side r; {hue}: its image. "
                          f"det J = {panel.det_text}: volume × {abs(panel.det):.4g}", transform=ax.transAxes,
              ha="center", fontsize=8.5)


def _heatmap(fig: Any, ax: Any, panel: Panel) -> None:
    J = panel.jacobian
    rows, cols = panel.labels
    limit = float(np.max(np.abs(J))) or 1.0
    image = ax.imshow(J, cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(image, ax=ax, shrink=0.8, label="∂(output)/∂(input)")
    zero = J == 0
    small = J.shape[0] <= 12 and J.shape[1] <= 12
    for i in range(J.shape[0]):
        for j in range(J.shape[1]):
            if small or zero[i, j]:
                text = "0" if zero[i, j] else f"{J[i, j]:.3g}"
                dark = abs(J[i, j]) > 0.6 * limit
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "#222222")
    ax.grid(False)
    if len(rows) <= 30:
        ax.set_yticks(range(len(rows)), rows)
    if len(cols) <= 30:
        ax.set_xticks(range(len(cols)), cols, rotation=0)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.set_xlabel("inputs (columns)")
    ax.xaxis.set_label_position("top")
    ax.set_ylabel("outputs (rows)")
    _caption(ax, f"{int((~zero).sum())} of {J.size} entries non-zero")
