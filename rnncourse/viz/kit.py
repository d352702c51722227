r"""The drawing kit of the course's figures: one palette, argument checks, boxes, circles, arrows.

What :mod:`rnncourse.viz.diagrams`, :mod:`rnncourse.viz.cells` and :mod:`rnncourse.viz.plots` share. The palette: inputs
green, states blue, outputs orange, learned layers yellow, pointwise operations pink, gradients
red, in the visual language of C. Olah's "Understanding LSTM Networks" (2015).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

ArrayLike = np.ndarray | torch.Tensor | Sequence[float]

# One palette for every diagram: inputs green, states blue, outputs orange, layers yellow,
# pointwise operations pink, gradients red.
INK = "#222222"
MUTED = "#555555"
INPUT = ("#dff0d8", "#2e7d32")  # (face, edge)
STATE = ("#e3edf9", "#2b5d9c")
OUTPUT = ("#fde7d4", "#c2571a")
LAYER = ("#fde68a", "#9a6b00")
POINTWISE = ("#fbd5e5", "#9d174d")
CELL = ("#f3f7fc", "#2b5d9c")
GRADIENT = "#c62828"
MAX_WIDTH = 9.0  # inches: fits a notebook column without scaling


def _sup(symbol: str, t: int | str) -> str:
    r"""Course notation for a quantity at time ``t``: ``_sup("x", 1)`` is ``$x^{\langle 1\rangle}$``."""
    return rf"${symbol}^{{\langle {t}\rangle}}$"


# --------------------------------------------------------------------------- validation helpers


def _as_array(name: str, values: object, ndims: tuple[int, ...]) -> np.ndarray:
    r"""``values`` (NumPy, torch — detached and moved to the CPU — or nested lists) as float64."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().to(torch.float64).numpy()
    elif isinstance(values, str) or not isinstance(values, np.ndarray | Sequence):
        raise TypeError(
            f"{name} must be a NumPy array, a torch.Tensor or a sequence of numbers, "
            f"got {type(values).__name__}"
        )
    try:
        array = np.asarray(values)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be rectangular: {err}") from None
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim not in ndims:
        want = " or ".join(str(n) for n in ndims)
        raise ValueError(
            f"{name} must have {want} dimensions, got {array.ndim} with shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return array


def _require_labels(name: str, labels: object, count: int) -> list[str]:
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"{name} must be a sequence of strings, got {type(labels).__name__}")
    if len(labels) != count:
        raise ValueError(f"{name} must have {count} entries, got {len(labels)}")
    return [str(label) for label in labels]


# --------------------------------------------------------------------------- drawing primitives


def _figure(width: float, height: float, layout: str | None = None) -> Figure:
    r"""A new figure, ``width`` × ``height`` inches, that pyplot does not keep.

    It is made through ``pyplot`` because that is what switches Jupyter's inline backend on, so
    that the returned figure shows as a PNG; it is closed at once, so pyplot holds no reference:
    it is never shown twice and never leaks. The figure itself stays fully usable.
    """
    fig = plt.figure(figsize=(width, height), layout=layout)
    plt.close(fig)
    return fig


def _diagram(xlim: tuple[float, float], ylim: tuple[float, float], scale: float) -> Figure:
    r"""A figure whose one axes spans it, ``scale`` inches per data unit, equal aspect, no frame."""
    width, height = (xlim[1] - xlim[0]) * scale, (ylim[1] - ylim[0]) * scale
    fig = _figure(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig


def _box(
    ax: Axes,
    xy: tuple[float, float],
    text: str,
    colors: tuple[str, str],
    size: tuple[float, float] = (1.0, 0.6),
    fontsize: float = 12,
) -> None:
    r"""A rounded box centred at ``xy`` holding ``text``; ``colors`` is (face, edge)."""
    (x, y), (w, h) = xy, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=colors[0],
            edgecolor=colors[1],
            linewidth=1.3,
            zorder=3,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK, zorder=4)


def _op(
    ax: Axes, xy: tuple[float, float], text: str, r: float = 0.26, fontsize: float = 11
) -> None:
    r"""A pointwise operation: a pink circle holding ``×``, ``+``, ``1−`` or ``tanh``."""
    ax.add_patch(
        Circle(xy, r, facecolor=POINTWISE[0], edgecolor=POINTWISE[1], linewidth=1.2, zorder=3)
    )
    ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, color=INK, zorder=4)


def _pill(ax: Axes, xy: tuple[float, float], text: str) -> None:
    r"""A pointwise :math:`\tanh` (no weights): pink like the other pointwise operations."""
    _box(ax, xy, text, POINTWISE, (0.9, 0.48), 10.5)


def _dot(ax: Axes, xy: tuple[float, float]) -> None:
    r"""A junction: the vector is copied along every line leaving it."""
    ax.add_patch(Circle(xy, 0.07, facecolor=INK, edgecolor="none", zorder=3))


def _line(
    ax: Axes,
    *points: tuple[float, float],
    arrow: bool = True,
    color: str = INK,
    bridge: str | None = None,
    dashed: bool = False,
    lw: float = 1.5,
) -> None:
    r"""A polyline through ``points``, with an arrowhead at the end unless ``arrow`` is False.

    ``bridge`` (the background colour) draws a halo of that colour under the line, so that a line
    it crosses shows a gap: the two do not meet.
    """
    path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
    patch = FancyArrowPatch(
        path=path,
        arrowstyle="-|>" if arrow else "-",
        mutation_scale=13,
        color=color,
        linewidth=lw,
        shrinkA=0,
        shrinkB=0,
        joinstyle="miter",
        capstyle="butt",
        linestyle=(0, (3, 2)) if dashed else "solid",
        zorder=2.5 if bridge else 2,
    )
    if bridge is not None:
        patch.set_path_effects([patheffects.withStroke(linewidth=6, foreground=bridge)])
    ax.add_patch(patch)
