"""Drawing plotting.PlotData with matplotlib (an optional extra: ``pip install 'jaccli[plot]'``), imported
only here and only when ``jac plot`` runs."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..core.errors import UsageError
from ..core.sink import atomic_sink
from ..jobs.plot import Panel, PlotData

FORMATS = (".png", ".svg", ".pdf")


def draw(data: PlotData, path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"jac plot writes {', '.join(FORMATS)} files, not {suffix or 'a file without a suffix'}",
                         hint="e.g. -o polar.png")
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("jac plot needs matplotlib, an optional extra", hint="pip install 'jaccli[plot]'") from None
    count = len(data.panels)
    fig = plt.figure(figsize=(5.2 * count, 5.0))
    for k, panel in enumerate(data.panels, start=1):
        three_d = panel.kind == "cube" or (panel.kind == "curve" and panel.image[0].shape[1] == 3)
        ax = fig.add_subplot(1, count, k, projection="3d" if three_d else None)
        {"map2d": _map2d, "curve": _curve, "contour": _contour, "cube": _cube, "heatmap": _heatmap}[panel.kind](ax, panel)
        ax.set_title(panel.title, fontsize=10)
    if data.det_product is not None:
        fig.suptitle(data.notes[0] + "  (areas multiply)", fontsize=11)
    fig.tight_layout()

    picture = io.BytesIO()  # drawn in memory, then written whole or not at all (never half a PDF)
    try:
        fig.savefig(picture, format=suffix.lstrip("."))
    finally:
        plt.close(fig)
    with atomic_sink(path) as sink:
        sink.write(picture.getvalue())


def _map2d(ax, panel: Panel) -> None:
    for line in panel.image:
        ax.plot(line[:, 0], line[:, 1], color="tab:blue", lw=0.8)
    for line in panel.linear:
        ax.plot(line[:, 0], line[:, 1], color="tab:orange", lw=0.8, ls="--")
    shape = panel.parallelogram
    assert shape is not None and panel.det is not None
    colour = "tab:green" if panel.det > 0 else "tab:red" if panel.det < 0 else "black"
    ax.fill(shape[:, 0], shape[:, 1], color=colour, alpha=0.35)
    ax.plot(panel.value[0], panel.value[1], "ko", ms=4)
    what = "orientation kept" if panel.det > 0 else "orientation flipped" if panel.det < 0 else \
        "singular: collapsed onto a line"
    ax.text(0.02, 0.02, f"det J = {panel.det:.4g} ({what})\nblue: f, dashed: linearisation", transform=ax.transAxes,
            fontsize=8, va="bottom")
    ax.set_aspect("equal", adjustable="datalim")


def _curve(ax, panel: Panel) -> None:
    curve = panel.image[0]
    tangent = panel.jacobian[:, 0]
    if curve.shape[1] == 3:  # the axes are 3D (draw chose them)
        ax.plot(curve[:, 0], curve[:, 1], curve[:, 2], color="tab:blue")
        ax.quiver(*panel.value, *tangent, color="tab:red")
        return
    ax.plot(curve[:, 0], curve[:, 1], color="tab:blue")
    ax.annotate("", xy=panel.value + tangent, xytext=panel.value, arrowprops={"arrowstyle": "->", "color": "tab:red"})
    ax.text(0.02, 0.02, f"tangent J = ({tangent[0]:.4g}, {tangent[1]:.4g})", transform=ax.transAxes, fontsize=8)
    ax.set_aspect("equal", adjustable="datalim")


def _contour(ax, panel: Panel) -> None:
    assert panel.contour is not None
    X, Y, Z = panel.contour
    contours = ax.contour(X, Y, Z, levels=15, cmap="viridis")
    ax.clabel(contours, fontsize=6)
    g = panel.jacobian[0]
    ax.annotate("", xy=panel.point + g / max(np.linalg.norm(g), 1e-300) * (X.max() - X.min()) / 6,
                xytext=panel.point, arrowprops={"arrowstyle": "->", "color": "tab:red"})
    ax.plot(*panel.point, "ko", ms=4)
    ax.text(0.02, 0.02, f"∇f = ({g[0]:.4g}, {g[1]:.4g}), |∇f| = {np.linalg.norm(g):.4g} (slope of the tangent plane)",
            transform=ax.transAxes, fontsize=8)
    ax.set_aspect("equal", adjustable="datalim")


def _cube(ax, panel: Panel) -> None:
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    V = panel.parallelogram
    assert V is not None and panel.det is not None
    faces = [[0, 1, 3, 2], [4, 5, 7, 6], [0, 1, 5, 4], [2, 3, 7, 6], [0, 2, 6, 4], [1, 3, 7, 5]]
    ax.add_collection3d(Poly3DCollection([V[f] for f in faces], alpha=0.3,
                                         facecolor="tab:green" if panel.det > 0 else "tab:red"))
    lo, hi = V.min(axis=0), V.max(axis=0)
    ax.set_xlim(lo[0], hi[0] + 1e-9)
    ax.set_ylim(lo[1], hi[1] + 1e-9)
    ax.set_zlim(lo[2], hi[2] + 1e-9)
    ax.text2D(0.02, 0.02, f"det J = {panel.det:.4g}: the cube's volume is scaled by |det J|", transform=ax.transAxes,
              fontsize=8)


def _heatmap(ax, panel: Panel) -> None:
    J = panel.jacobian
    rows, cols = panel.labels
    limit = float(np.max(np.abs(J))) or 1.0
    ax.imshow(J, cmap="RdBu_r", vmin=-limit, vmax=limit)
    zero = J == 0
    for i, j in zip(*np.nonzero(zero)):
        ax.text(j, i, "·", ha="center", va="center", color="grey")
    if len(rows) <= 30:
        ax.set_yticks(range(len(rows)), rows, fontsize=7)
    if len(cols) <= 30:
        ax.set_xticks(range(len(cols)), cols, fontsize=7, rotation=90)
    ax.set_xlabel("inputs (columns)")
    ax.set_ylabel("outputs (rows)")
    ax.text(0.0, -0.12, f"{int((~zero).sum())} of {J.size} entries non-zero", transform=ax.transAxes, fontsize=8)
