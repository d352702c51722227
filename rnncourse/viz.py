r"""The course's figures, drawn from code with matplotlib.

Two kinds of figure live here:

- **diagrams** — :func:`unrolled_rnn`, :func:`architectures`, :func:`rnn_cell`, :func:`gru_cell`,
  :func:`lstm_cell` — drawn in the lecture's notation (:math:`x^{\langle t\rangle}`,
  :math:`a^{\langle t\rangle}`, :math:`\hat{y}^{\langle t\rangle}`, :math:`W_{aa}`, the gates
  :math:`\Gamma`), in the visual language of C. Olah's "Understanding LSTM Networks" (2015): a
  yellow box is a learned layer (a :math:`\sigma` or :math:`\tanh` of an affine map of its
  inputs), a pink circle a pointwise operation, a line a vector; lines that join are concatenated;
- **plots** of what the notebooks measure — :func:`gate_heatmap`, :func:`gradient_norms`,
  :func:`training_curves`, :func:`accuracy_vs_distance`, :func:`forecast`.

Every function returns a new :class:`matplotlib.figure.Figure`, drawn with the object-oriented API
and not kept by ``pyplot`` (nothing is shown twice, nothing leaks, no ``plt.show()``). In a notebook
make it the cell's last expression (or call ``display(fig)``); elsewhere ``fig.savefig("f.png")``.
Figures are small (at most 9 inches wide), and deterministic: the same input draws the same picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
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


def _require_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return value


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


def _require_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


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


# --------------------------------------------------------------------------- the unrolled RNN


def unrolled_rnn(
    T: int = 4, *, weights: bool = True, gradients: bool = False, many_to_one: bool = False
) -> Figure:
    r"""The RNN unrolled over ``T`` time steps: one copy of the same cell per step.

    Each cell computes, with the same parameters at every step,

    .. math::

        a^{\langle t\rangle} = \tanh(W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle}
            + b_a), \qquad
        \hat{y}^{\langle t\rangle} = \mathrm{softmax}(W_{ya} a^{\langle t\rangle} + b_y)

    starting from :math:`a^{\langle 0\rangle}`. With ``gradients=True`` (notebook 02) each step
    also has its loss :math:`\mathcal{L}^{\langle t\rangle}`, and red arrows show backpropagation
    through time. Between cells they carry the part of the gradient that comes from the later
    steps, :math:`\partial\mathcal{L}^{\langle >t\rangle}/\partial a^{\langle t\rangle}` with
    :math:`\mathcal{L}^{\langle >t\rangle} = \sum_{s>t}\mathcal{L}^{\langle s\rangle}` (the
    ``da_prev`` that step :math:`t+1` sends back), through the same :math:`W_{aa}` at every step;
    cell :math:`t` adds its own output's part, :math:`\partial\mathcal{L}^{\langle t\rangle}/
    \partial a^{\langle t\rangle}`, arriving from above.

    Args:
        T: number of time steps drawn, 1 to 8.
        weights: label the arrows with the shared :math:`W_{ax}`, :math:`W_{aa}`, :math:`W_{ya}`.
        gradients: add the losses and the backward (gradient) arrows.
        many_to_one: one output only, :math:`\hat{y}^{\langle T\rangle}` (and its loss) from
            the last state, as in a classifier of whole sequences (notebook 03); the gradient
            enters at step :math:`T` and every other step receives it only from its right.
    """
    _require_int("T", T, 1, 8)
    _require_bool("weights", weights)
    _require_bool("gradients", gradients)
    _require_bool("many_to_one", many_to_one)
    dx, w, h = 2.6, 1.2, 0.9  # step spacing, cell width and height (data units)
    y_x, y_y, y_loss = -2.0, 2.0, 3.7  # rows of x, ŷ and the loss
    top = y_loss + 1.0 if gradients else y_y + 0.45
    bottom = y_x - 0.45 - (0.5 if weights or gradients else 0.0)
    left, right = -2.45, (T - 1) * dx + w / 2 + 1.3
    if weights or gradients:  # room for the caption and legend: pad both sides when T is small
        pad = max(0.0, 10.2 - (right - left)) / 2
        left, right = left - pad, right + pad
    scale = min(0.62, MAX_WIDTH / (right - left))  # many steps: shrink to the notebook's width
    fig = _diagram((left, right), (bottom, top), scale)
    fs = 12 * max(scale / 0.62, 0.7)
    ax = fig.axes[0]
    # forward and backward arrows run in two lanes, side by side, when gradients are drawn
    lane = 0.2 if gradients else 0.0

    _box(ax, (-1.85, lane), _sup("a", 0), STATE, (0.9, 0.55), fs)
    _line(ax, (-1.4, lane), (-w / 2, lane))
    for t in range(1, T + 1):
        x = (t - 1) * dx
        output = not many_to_one or t == T  # does step t have a prediction (and a loss)?
        _box(ax, (x, 0), "RNN\ncell", CELL, (w, h), fs * 0.85)
        _box(ax, (x, y_x), _sup("x", t), INPUT, (0.9, 0.55), fs)
        if output:
            _box(ax, (x, y_y), _sup(r"\hat{y}", t), OUTPUT, (0.9, 0.55), fs)
            _line(ax, (x - lane, h / 2), (x - lane, y_y - 0.275))
        _line(ax, (x, y_x + 0.275), (x, -h / 2))
        # the state leaving cell t: to the next cell, or out of the picture after the last one
        x_end = x + dx - w / 2 if t < T else x + w / 2 + 1.0
        _line(ax, (x + w / 2, lane), (x_end, lane))
        x_mid = (x + w / 2 + x_end) / 2
        ax.text(x_mid, lane + 0.1, _sup("a", t), ha="center", va="bottom", fontsize=fs)
        if weights:
            side, ha = (-0.1 - lane, "right") if gradients else (0.1, "left")
            names = [((y_x + 0.275 - h / 2) / 2, "W_{ax}")]
            if output:
                names.append(((y_y - 0.275 + h / 2) / 2, "W_{ya}"))
            for y, name in names:
                ax.text(
                    x + side, y, f"${name}$", ha=ha, va="center", fontsize=fs * 0.85, color=MUTED
                )
            if t < T and not gradients:
                ax.text(
                    x_mid, -0.12, "$W_{aa}$", ha="center", va="top", fontsize=fs * 0.85, color=MUTED
                )
        if gradients and output:
            _box(ax, (x, y_loss), _sup(r"\mathcal{L}", t), OUTPUT, (0.9, 0.55), fs)
            _line(ax, (x - lane, y_y + 0.275), (x - lane, y_loss - 0.275))
            _line(ax, (x + lane, y_loss - 0.275), (x + lane, y_y + 0.275), color=GRADIENT)
            _line(ax, (x + lane, y_y - 0.275), (x + lane, h / 2), color=GRADIENT)
        if gradients and t < T:
            _line(ax, (x_end, -lane), (x + w / 2, -lane), color=GRADIENT)
            # many-to-one: the only loss is after t, so this is the whole dL/da<t>
            later = "" if many_to_one else rf"^{{\langle >{t}\rangle}}"
            ax.text(
                x_mid,
                -lane - 0.1,
                rf"$\partial\mathcal{{L}}{later}/\partial a^{{\langle {t}\rangle}}$",
                ha="center",
                va="top",
                fontsize=fs * 0.72,
                color=GRADIENT,
            )
    notes = []
    if weights:
        notes.append(r"the same $W_{ax}$, $W_{aa}$, $W_{ya}$, $b_a$, $b_y$ at every time step")
    if gradients:
        first, last = (rf"\mathcal{{L}}^{{\langle {t}\rangle}}" for t in (1, T))
        total = {1: last, 2: f"{first} + {last}"}.get(T, rf"{first} + \dots + {last}")
        notes.append(rf"$\mathcal{{L}} = {last if many_to_one else total}$")
        if T > 1 and not many_to_one:
            notes.append(r"$\mathcal{L}^{\langle >t\rangle}$: the losses after step $t$")
        ax.legend(
            handles=[
                Line2D([], [], color=INK, label="forward pass"),
                Line2D([], [], color=GRADIENT, label="backward pass (gradients)"),
            ],
            loc="upper center",
            ncol=2,
            fontsize=fs * 0.85,
            frameon=False,
        )
    if notes:
        ax.text(
            (left + right) / 2,
            bottom + 0.3,
            ";  ".join(notes),
            ha="center",
            va="center",
            fontsize=fs * 0.85,
            color=MUTED,
        )
    return fig


# --------------------------------------------------------------------------- the architectures


def _mini_rnn(
    ax: Axes,
    x0: float,
    y0: float,
    inputs: Sequence[str | None],
    outputs: Sequence[str | None],
    feedback: bool = False,
) -> None:
    r"""A small unrolled RNN: step ``t`` at ``x0 + 1.3 t``; ``None`` means no input (output)."""
    dx, w, h = 1.3, 0.7, 0.6
    for t, (x_label, y_label) in enumerate(zip(inputs, outputs, strict=True)):
        x = x0 + t * dx
        _box(ax, (x, y0), "", CELL, (w, h))
        if t + 1 < len(inputs):
            _line(ax, (x + w / 2, y0), (x + dx - w / 2, y0))
        if x_label is not None:
            _box(ax, (x, y0 - 1.15), x_label, INPUT, (0.95, 0.5), 10)
            _line(ax, (x, y0 - 0.9), (x, y0 - h / 2))
        if y_label is not None:
            _box(ax, (x, y0 + 1.15), y_label, OUTPUT, (0.95, 0.5), 10)
            _line(ax, (x, y0 + h / 2), (x, y0 + 0.9))
            if feedback and t + 1 < len(inputs):  # the sampled output is the next step's input
                _line(
                    ax,
                    (x + 0.475, y0 + 1.15),
                    (x + dx / 2, y0 + 1.15),
                    (x + dx / 2, y0 - 0.75),
                    (x + dx, y0 - 0.75),
                    (x + dx, y0 - h / 2),
                    color=MUTED,
                    dashed=True,
                    bridge="white",
                    lw=1.2,
                )


def _group(ax: Axes, x0: float, x1: float, y0: float, y1: float, label: str, above: bool) -> None:
    r"""A dashed frame around the cells of one part of a model (encoder, decoder), labelled."""
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            boxstyle="round,pad=0,rounding_size=0.15",
            facecolor="none",
            edgecolor=MUTED,
            linestyle=(0, (2, 2)),
            linewidth=1.0,
            zorder=1,
        )
    )
    ax.text(
        (x0 + x1) / 2,
        y1 + 0.08 if above else y0 - 0.08,
        label,
        ha="center",
        va="bottom" if above else "top",
        fontsize=9.5,
        color=MUTED,
    )


def architectures() -> Figure:
    r"""The five ways to wire an RNN's inputs and outputs, each with an example application.

    With :math:`T_x` inputs and :math:`T_y` outputs: one-to-one (:math:`T_x = T_y = 1`, a standard
    network), one-to-many (:math:`T_x = 1`: music generation, each output fed back as the next
    input), many-to-one (:math:`T_y = 1`: sentiment classification), many-to-many with
    :math:`T_x = T_y` (named-entity recognition: one label per word) and many-to-many with
    :math:`T_x \ne T_y` (machine translation: an encoder reads, then a decoder writes).
    """
    fig = _diagram((-1.3, 11.4), (-0.6, 8.8), scale=0.68)
    ax = fig.axes[0]

    def title(x: float, y: float, name: str, example: str) -> None:
        ax.text(x, y, name, ha="center", va="bottom", fontsize=11, fontweight="bold", color=INK)
        ax.text(
            x, y - 0.05, example, ha="center", va="top", fontsize=9.5, color=MUTED, style="italic"
        )

    x, y, yh = (lambda t: _sup("x", t)), (lambda t: _sup(r"\hat{y}", t)), 6.0  # top row's cells
    _mini_rnn(ax, 0.2, yh, [x(1)], [y(1)])
    title(0.2, yh + 2.05, "one-to-one", "image classification")
    _mini_rnn(ax, 2.6, yh, [x(1), None, None], [y(1), y(2), y(3)], feedback=True)
    title(3.9, yh + 2.05, "one-to-many", "music generation")
    ax.text(
        3.25,
        yh - 1.05,
        "dashed: each output is\nthe next step's input",
        ha="left",
        va="top",
        fontsize=8.5,
        color=MUTED,
    )
    _mini_rnn(ax, 7.9, yh, [x(1), x(2), x(3)], [None, None, y(1)])
    title(9.2, yh + 2.05, "many-to-one", "sentiment classification")

    yl = 1.35  # bottom row's cells
    _mini_rnn(ax, 0.0, yl, [x(1), x(2), x(3)], [y(1), y(2), y(3)])
    title(1.3, yl + 2.05, r"many-to-many, $T_x = T_y$", "named-entity recognition")
    _mini_rnn(ax, 5.2, yl, [x(1), x(2), x(3), None, None], [None, None, None, y(1), y(2)])
    title(7.8, yl + 2.05, r"many-to-many, $T_x \neq T_y$", "machine translation")
    _group(ax, 4.7, 8.3, yl - 0.5, yl + 0.5, "encoder", above=True)
    _group(ax, 8.55, 11.0, yl - 0.5, yl + 0.5, "decoder", above=False)
    return fig


# --------------------------------------------------------------------------- the cells


def _cell_figure(
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    title: str,
    equations: Sequence[str],
    notes: Sequence[str] = (),
) -> tuple[Figure, Axes]:
    r"""A cell diagram on the left (0.4 in per unit); its equations, notes and legend on the right."""
    scale, text_w, title_h, eq_h, note_h, legend_h = 0.4, 3.5, 0.45, 0.42, 0.3, 0.75  # inches
    diagram_w, diagram_h = (xlim[1] - xlim[0]) * scale, (ylim[1] - ylim[0]) * scale
    text_h = 0.3 + eq_h * len(equations) + note_h * len(notes) + 0.1 + legend_h
    width, height = diagram_w + text_w, max(diagram_h, text_h) + title_h
    fig = _figure(width, height)
    body_h = height - title_h
    ax = fig.add_axes((0, (body_h - diagram_h) / 2 / height, diagram_w / width, diagram_h / height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.text(
        0.5,
        1 - 0.5 * title_h / height,
        title,
        ha="center",
        va="center",
        fontsize=12.5,
        fontweight="bold",
        color=INK,
    )
    x_text = diagram_w / width + 0.01
    y = body_h - (body_h - text_h) / 2 - 0.3  # inches from the bottom: the column is centred
    for text, size, color, step in [(eq, 11.0, INK, eq_h) for eq in equations] + [
        (n, 9.0, MUTED, note_h) for n in notes
    ]:
        fig.text(x_text, y / height, text, ha="left", va="center", fontsize=size, color=color)
        y -= step
    # the visual language, once per figure, under the equations
    fig.legend(
        handles=[
            Line2D(
                [],
                [],
                marker="s",
                markersize=11,
                linestyle="none",
                markerfacecolor=LAYER[0],
                markeredgecolor=LAYER[1],
                label=r"layer with weights, e.g. $\sigma(W[\cdot] + b)$",
            ),
            Line2D(
                [],
                [],
                marker="o",
                markersize=11,
                linestyle="none",
                markerfacecolor=POINTWISE[0],
                markeredgecolor=POINTWISE[1],
                label="pointwise operation",
            ),
            Line2D(
                [],
                [],
                marker="o",
                markersize=4,
                color=INK,
                label="copy; lines that join: concatenate",
            ),
        ],
        loc="upper left",
        bbox_to_anchor=(x_text - 0.01, (y + 0.1) / height),
        fontsize=8.5,
        frameon=False,
        borderaxespad=0,
    )
    return fig, ax


def _cell_frame(ax: Axes, x1: float, y1: float) -> None:
    r"""The cell's outline, from ``(0, 0)`` to ``(x1, y1)``: what is inside is one time step."""
    ax.add_patch(
        FancyBboxPatch(
            (0, 0),
            x1,
            y1,
            boxstyle="round,pad=0,rounding_size=0.4",
            facecolor=CELL[0],
            edgecolor=CELL[1],
            linewidth=1.6,
            zorder=0,
        )
    )


def _label(ax: Axes, xy: tuple[float, float], text: str, ha: str = "left") -> None:
    r"""The name of what a line carries (a gate, a weight), written beside the line."""
    ax.text(*xy, text, ha=ha, va="center", fontsize=11, color=INK, zorder=4)


def rnn_cell() -> Figure:
    r"""The vanilla RNN cell: one :math:`\tanh` layer for the state, a softmax for the output.

    .. math::

        a^{\langle t\rangle} = \tanh(W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle}
            + b_a), \qquad
        \hat{y}^{\langle t\rangle} = \mathrm{softmax}(W_{ya} a^{\langle t\rangle} + b_y)
    """
    fig, ax = _cell_figure(
        (-2.0, 8.6),
        (-1.6, 6.4),
        "The RNN cell",
        [
            r"$a^{\langle t\rangle} = \tanh(W_{aa}\,a^{\langle t-1\rangle}"
            r" + W_{ax}\,x^{\langle t\rangle} + b_a)$",
            r"$\hat{y}^{\langle t\rangle} = \mathrm{softmax}(W_{ya}\,a^{\langle t\rangle} + b_y)$",
        ],
        [
            r"$W_{aa}$: $(n_a, n_a)$,  $W_{ax}$: $(n_a, n_x)$,  $b_a$: $(n_a,)$",
            r"$W_{ya}$: $(n_y, n_a)$,  $b_y$: $(n_y,)$",
            r"in code, a batch of rows: $a$ @ $W_{aa}$.T + $x$ @ $W_{ax}$.T",
        ],
    )
    _cell_frame(ax, 6.0, 4.4)
    y_a = 1.5
    _box(ax, (-1.25, y_a), _sup("a", "t-1"), STATE, (1.3, 0.6))
    _box(ax, (2.2, -1.0), _sup("x", "t"), INPUT, (1.0, 0.6))
    _box(ax, (7.5, y_a), _sup("a", "t"), STATE, (1.0, 0.6))
    _box(ax, (4.5, 5.6), _sup(r"\hat{y}", "t"), OUTPUT, (1.0, 0.6))
    _box(ax, (2.2, y_a), r"$\tanh$", LAYER, (1.1, 0.65))
    _box(ax, (4.5, 3.1), "softmax", LAYER, (1.7, 0.65), 11)
    _line(ax, (-0.6, y_a), (1.65, y_a))
    _label(ax, (0.5, y_a + 0.3), "$W_{aa}$", "center")
    _line(ax, (2.2, -0.7), (2.2, y_a - 0.325))
    _label(ax, (2.35, 0.3), "$W_{ax}$")
    _line(ax, (2.75, y_a), (6.95, y_a))
    _dot(ax, (4.5, y_a))
    _line(ax, (4.5, y_a), (4.5, 3.1 - 0.325))
    _label(ax, (4.65, 2.25), "$W_{ya}$")
    _line(ax, (4.5, 3.1 + 0.325), (4.5, 5.3))
    return fig


def gru_cell(reset_after: bool = False) -> Figure:
    r"""The GRU cell, with the reset gate before (lecture, Cho et al. 2014) or after the matmul.

    In the GRU the cell state is the hidden state, :math:`c^{\langle t\rangle} = a^{\langle
    t\rangle}`. With :math:`\Gamma_r` (relevance / reset) and :math:`\Gamma_u` (update):

    .. math::

        \Gamma_r = \sigma(W_r[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_r), \quad
        \Gamma_u = \sigma(W_u[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_u)

        \tilde{c}^{\langle t\rangle} = \tanh(W_c[\Gamma_r * a^{\langle t-1\rangle},
            x^{\langle t\rangle}] + b_c) \quad \text{(reset before)}

        \tilde{c}^{\langle t\rangle} = \tanh(W_{cx} x^{\langle t\rangle} + b_{cx}
            + \Gamma_r * (W_{ca} a^{\langle t-1\rangle} + b_{ca})) \quad \text{(reset after)}

        a^{\langle t\rangle} = \Gamma_u * \tilde{c}^{\langle t\rangle}
            + (1 - \Gamma_u) * a^{\langle t-1\rangle}

    Args:
        reset_after: draw PyTorch's / cuDNN's variant (``torch.nn.GRU``, Keras
            ``reset_after=True``), where :math:`\Gamma_r` multiplies :math:`W_{ca}
            a^{\langle t-1\rangle} + b_{ca}` instead of :math:`a^{\langle t-1\rangle}`.
    """
    _require_bool("reset_after", reset_after)
    a_prev, x_t = r"a^{\langle t-1\rangle}", r"x^{\langle t\rangle}"
    if reset_after:
        title = "The GRU cell, reset after the matmul (PyTorch, cuDNN)"
        candidate = [
            r"$\tilde{c}^{\langle t\rangle} = \tanh(W_{cx}\,x^{\langle t\rangle} + b_{cx}$",
            rf"$\qquad\quad +\ \Gamma_r * (W_{{ca}}\,{a_prev} + b_{{ca}}))$",
        ]
        notes = [r"torch.nn.GRU: $r = \Gamma_r$, $z = 1 - \Gamma_u$, $n = \tilde{c}$"]
    else:
        title = "The GRU cell, reset before the matmul (Cho et al. 2014)"
        candidate = [
            rf"$\tilde{{c}}^{{\langle t\rangle}} = \tanh(W_c[\Gamma_r * {a_prev}, {x_t}] + b_c)$"
        ]
        notes = [r"the PyTorch variant: gru_cell(reset_after=True)"]
    fig, ax = _cell_figure(
        (-2.0, 10.3),
        (-1.5, 6.4),
        title,
        [
            rf"$\Gamma_r = \sigma(W_r[{a_prev}, {x_t}] + b_r)$",
            rf"$\Gamma_u = \sigma(W_u[{a_prev}, {x_t}] + b_u)$",
            *candidate,
            rf"$a^{{\langle t\rangle}} = \Gamma_u * \tilde{{c}}^{{\langle t\rangle}} + (1 - \Gamma_u) * {a_prev}$",
        ],
        [r"in the GRU, $c^{\langle t\rangle} = a^{\langle t\rangle}$", *notes],
    )
    _cell_frame(ax, 8.4, 6.2)
    y_top, y_one_minus, y_u, y_reset, y_gate, y_bus, y_x = 5.4, 4.6, 3.85, 3.3, 2.0, 0.9, 0.45
    x_split, x_in, x_r, x_u, x_c, x_out = 0.55, 1.35, 2.5, 4.0, 6.0, 7.45
    gate_h, r = 0.65, 0.26  # gate box height, pointwise circle radius
    y_gate_lo, y_gate_hi = y_gate - gate_h / 2, y_gate + gate_h / 2

    _box(ax, (-1.15, y_top), _sup("a", "t-1"), STATE, (1.3, 0.6))
    _box(ax, (x_in, -1.0), _sup("x", "t"), INPUT, (1.0, 0.6))
    _box(ax, (9.6, y_top), _sup("a", "t"), STATE, (1.0, 0.6))
    # the state line along the top: a<t-1> * (1 - Γ_u) + Γ_u * c̃<t> = a<t>
    _line(ax, (-0.5, y_top), (x_u - r, y_top))
    _op(ax, (x_u, y_top), "×")
    _line(ax, (x_u + r, y_top), (x_out - r, y_top))
    _op(ax, (x_out, y_top), "+")
    _line(ax, (x_out + r, y_top), (9.1, y_top))
    # a<t-1> copied down to the bus, where x<t> joins it: [a<t-1>, x<t>] feeds both gates
    _dot(ax, (x_split, y_top))
    _line(ax, (x_split, y_top), (x_split, y_bus), (x_u, y_bus), (x_u, y_gate_lo))
    _line(ax, (x_in, -0.7), (x_in, y_bus), arrow=False)
    _dot(ax, (x_in, y_x))
    _dot(ax, (x_r, y_bus))
    _line(ax, (x_r, y_bus), (x_r, y_gate_lo))
    _box(ax, (x_r, y_gate), r"$\sigma$", LAYER, (0.9, gate_h))
    _box(ax, (x_u, y_gate), r"$\sigma$", LAYER, (0.9, gate_h))
    _box(ax, (x_c, y_gate), r"$\tanh$", LAYER, (1.1, gate_h))
    # x<t> alone goes to the candidate; the reset gate scales what comes from a<t-1>
    _line(ax, (x_in, y_x), (x_c, y_x), (x_c, y_gate_lo))
    _dot(ax, (x_split, y_reset))
    if reset_after:  # Γ_r scales W_ca a<t-1> + b_ca, after the matmul
        _box(ax, (1.45, y_reset), "$W_{ca}$", ("#eeeeee", MUTED), (0.82, 0.5), 10)
        _line(ax, (x_split, y_reset), (1.04, y_reset))
        _line(ax, (1.86, y_reset), (x_r - r, y_reset))
    else:
        _line(ax, (x_split, y_reset), (x_r - r, y_reset))
    _op(ax, (x_r, y_reset), "×")
    _line(ax, (x_r, y_gate_hi), (x_r, y_reset - r))
    _label(ax, (x_r - 0.12, (y_gate_hi + y_reset - r) / 2), r"$\Gamma_r$", "right")
    _line(ax, (x_r + r, y_reset), (x_c, y_reset), (x_c, y_gate_hi))
    # the update gate: (1 - Γ_u) on the old state, Γ_u on the candidate
    _line(ax, (x_u, y_gate_hi), (x_u, y_u), arrow=False, bridge=CELL[0])
    _label(ax, (x_u + 0.12, (y_gate_hi + y_reset) / 2), r"$\Gamma_u$")
    _dot(ax, (x_u, y_u))
    _line(ax, (x_u, y_u), (x_u, y_one_minus - 0.3))
    _op(ax, (x_u, y_one_minus), "1−", r=0.3, fontsize=9.5)
    _line(ax, (x_u, y_one_minus + 0.3), (x_u, y_top - r))
    _line(ax, (x_u, y_u), (x_out - r, y_u))
    _op(ax, (x_out, y_u), "×")
    _line(ax, (x_c + 0.55, y_gate), (x_out, y_gate), (x_out, y_u - r))
    _label(ax, (x_out + 0.12, (y_gate + y_u) / 2), r"$\tilde{c}^{\langle t\rangle}$")
    _line(ax, (x_out, y_u + r), (x_out, y_top - r))
    return fig


def lstm_cell() -> Figure:
    r"""The LSTM cell: a cell state :math:`c` on its own line, three gates and a candidate.

    With :math:`\Gamma_f` (forget), :math:`\Gamma_u` (update, PyTorch's input gate ``i``) and
    :math:`\Gamma_o` (output), each :math:`\sigma(W_\ast[a^{\langle t-1\rangle},
    x^{\langle t\rangle}] + b_\ast)`:

    .. math::

        \tilde{c}^{\langle t\rangle} = \tanh(W_c[a^{\langle t-1\rangle}, x^{\langle t\rangle}]
            + b_c), \qquad
        c^{\langle t\rangle} = \Gamma_u * \tilde{c}^{\langle t\rangle}
            + \Gamma_f * c^{\langle t-1\rangle}, \qquad
        a^{\langle t\rangle} = \Gamma_o * \tanh(c^{\langle t\rangle})

    The last :math:`\tanh` — on the cell state, with no weights — is drawn as its own pointwise
    operation: it is the one circulating notes drop (:math:`\Gamma_o * c^{\langle t\rangle}` is
    wrong).
    """
    a_prev, x_t = r"a^{\langle t-1\rangle}", r"x^{\langle t\rangle}"
    fig, ax = _cell_figure(
        (-2.0, 11.0),
        (-1.5, 6.4),
        "The LSTM cell",
        [
            rf"$\Gamma_f = \sigma(W_f[{a_prev}, {x_t}] + b_f)$",
            rf"$\Gamma_u = \sigma(W_u[{a_prev}, {x_t}] + b_u)$",
            rf"$\tilde{{c}}^{{\langle t\rangle}} = \tanh(W_c[{a_prev}, {x_t}] + b_c)$",
            rf"$\Gamma_o = \sigma(W_o[{a_prev}, {x_t}] + b_o)$",
            r"$c^{\langle t\rangle} = \Gamma_u * \tilde{c}^{\langle t\rangle}"
            r" + \Gamma_f * c^{\langle t-1\rangle}$",
            r"$a^{\langle t\rangle} = \Gamma_o * \tanh(c^{\langle t\rangle})$",
        ],
        [r"torch.nn.LSTM: $i = \Gamma_u$, $f = \Gamma_f$, $g = \tilde{c}$, $o = \Gamma_o$"],
    )
    _cell_frame(ax, 9.2, 6.2)
    y_top, y_mix, y_out, y_gate, y_bus = 5.4, 3.9, 3.25, 2.0, 0.9
    x_in, x_f, x_u, x_c, x_o, x_tanh, x_exit = 1.2, 2.3, 3.8, 5.3, 6.8, 7.9, 8.7
    gate_h, r = 0.65, 0.26
    y_gate_lo, y_gate_hi = y_gate - gate_h / 2, y_gate + gate_h / 2

    _box(ax, (-1.15, y_top), _sup("c", "t-1"), STATE, (1.3, 0.6))
    _box(ax, (-1.15, y_bus), _sup("a", "t-1"), STATE, (1.3, 0.6))
    _box(ax, (x_in, -1.0), _sup("x", "t"), INPUT, (1.0, 0.6))
    _box(ax, (10.3, y_top), _sup("c", "t"), STATE, (1.0, 0.6))
    _box(ax, (10.3, y_bus), _sup("a", "t"), STATE, (1.0, 0.6))
    # the cell state runs along the top, touched only by a product and a sum
    _line(ax, (-0.5, y_top), (x_f - r, y_top))
    _op(ax, (x_f, y_top), "×")
    _line(ax, (x_f + r, y_top), (x_c - r, y_top))
    _op(ax, (x_c, y_top), "+")
    _line(ax, (x_c + r, y_top), (9.8, y_top))
    # [a<t-1>, x<t>] feeds the three gates and the candidate
    _line(ax, (-0.5, y_bus), (x_o, y_bus), (x_o, y_gate_lo))
    _line(ax, (x_in, -0.7), (x_in, y_bus), arrow=False)
    for x, text in ((x_f, r"$\sigma$"), (x_u, r"$\sigma$"), (x_c, r"$\tanh$"), (x_o, r"$\sigma$")):
        if x != x_o:
            _dot(ax, (x, y_bus))
            _line(ax, (x, y_bus), (x, y_gate_lo))
        _box(ax, (x, y_gate), text, LAYER, (1.1 if x == x_c else 0.9, gate_h))
    # forget: Γ_f * c<t-1>
    _line(ax, (x_f, y_gate_hi), (x_f, y_top - r))
    _label(ax, (x_f + 0.12, 2.8), r"$\Gamma_f$")
    # update: Γ_u * c̃<t>, added to the cell state
    _line(ax, (x_u, y_gate_hi), (x_u, y_mix), (x_c - r, y_mix))
    _label(ax, (x_u + 0.12, 2.8), r"$\Gamma_u$")
    _line(ax, (x_c, y_gate_hi), (x_c, y_mix - r))
    _label(ax, (x_c + 0.12, 2.95), r"$\tilde{c}^{\langle t\rangle}$")
    _op(ax, (x_c, y_mix), "×")
    _line(ax, (x_c, y_mix + r), (x_c, y_top - r))
    # output: a<t> = Γ_o * tanh(c<t>), the tanh applied to the cell state
    _dot(ax, (x_tanh, y_top))
    _line(ax, (x_tanh, y_top), (x_tanh, 4.55 + 0.24))
    _pill(ax, (x_tanh, 4.55), r"$\tanh$")
    _line(ax, (x_tanh, 4.55 - 0.24), (x_tanh, y_out + r))
    _op(ax, (x_tanh, y_out), "×")
    _line(ax, (x_o, y_gate_hi), (x_o, y_out), (x_tanh - r, y_out))
    _label(ax, (x_o + 0.12, 2.75), r"$\Gamma_o$")
    _line(ax, (x_tanh + r, y_out), (x_exit, y_out), (x_exit, y_bus), (9.8, y_bus))
    return fig


# --------------------------------------------------------------------------- plots of measurements


def _plot_figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = _figure(width, height, layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def gate_heatmap(
    values: ArrayLike,
    tokens: Sequence[str] | None = None,
    title: str = "gate activations",
    *,
    ylabel: str = "unit",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    r"""A heatmap of gate activations or hidden states: one row per unit, one column per step.

    Row :math:`j`, column :math:`t` shows ``values[j, t]``, e.g. :math:`\Gamma_u^{\langle
    t\rangle}` or :math:`a^{\langle t\rangle}` of one sequence, transposed so that time runs left
    to right under the tokens. The colour range defaults to :math:`[0, 1]` when every value lies
    there (gates), to :math:`[-1, 1]` when every value lies there (hidden states, :math:`\tanh`
    outputs), and to the data's symmetric range otherwise; ``vmin``/``vmax`` override it.

    Args:
        values: a NumPy array, a torch tensor (detached and moved to the CPU here) or nested lists.
        tokens: the input at each step, written under its column; ``len(tokens) == T_x``.
        title: the figure's title.
        ylabel: what a row is.
        vmin, vmax: the colour range, both or neither.

    Shape:
        values: ``(n_a, T_x)`` — units × time (for an ``(L, H)`` output of one sequence, pass
        its transpose ``.T``).
    """
    array = _as_array("values", values, (2,))
    n_units, steps = array.shape
    if tokens is not None:
        tokens = _require_labels("tokens", tokens, steps)
    if (vmin is None) != (vmax is None):
        raise ValueError("vmin and vmax must be given together")
    if vmin is None or vmax is None:
        low, high = float(array.min()), float(array.max())
        if low >= 0 and high <= 1:
            vmin, vmax = 0.0, 1.0
        else:
            bound = 1.0 if low >= -1 and high <= 1 else max(abs(low), abs(high))
            vmin, vmax = -bound, bound
    elif not vmin < vmax:
        raise ValueError(f"vmin must be smaller than vmax, got vmin={vmin}, vmax={vmax}")
    cmap = "viridis" if vmin >= 0 else "RdBu_r"  # sequential for gates, diverging around 0

    width = min(MAX_WIDTH, max(4.5, 0.42 * steps + 2.2))
    height = min(5.0, max(2.4, 0.2 * n_units + 1.6))
    fig, ax = _plot_figure(width, height)
    # the extent puts unit j and step t at 1-based coordinates, as in the course's a^{<1>}
    image = ax.imshow(
        array,
        aspect="auto",
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        interpolation="nearest",
        extent=(0.5, steps + 0.5, n_units + 0.5, 0.5),
    )
    fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    stride = -(-steps // 40)  # at most 40 labels on the time axis
    if tokens is None:
        ax.set_xlabel("time step $t$")
        if steps <= 30:
            ax.set_xticks(range(1, steps + 1))
    else:
        ax.set_xticks(
            range(1, steps + 1, stride),
            tokens[::stride],
            rotation=0 if steps <= 10 else 60,
            ha="center" if steps <= 10 else "right",
        )
    if n_units <= 20:
        ax.set_yticks(range(1, n_units + 1))
    return fig


def gradient_norms(
    norms: ArrayLike,
    labels: Sequence[str] | None = None,
    log: bool = True,
    *,
    steps: ArrayLike | None = None,
    xlabel: str = "time step $k$",
    title: str = "Gradient norm through time",
) -> Figure:
    r"""The norm :math:`\lVert \partial\mathcal{L} / \partial a^{\langle k\rangle} \rVert` against
    the time step :math:`k`, one curve per model (e.g. per spectral radius of :math:`W_{aa}`).

    A straight line on the default log scale is exponential decay (vanishing) or growth
    (exploding): roughly the spectral radius of :math:`W_{aa}` to the power of the distance.

    Args:
        norms: one curve, or one row per curve; NumPy, torch or nested lists; positive when
            ``log``.
        labels: one legend entry per curve (``None``: no legend).
        log: logarithmic y axis.
        steps: the x coordinate of each point (default :math:`1, \dots, K`).
        xlabel: what :math:`k` is, e.g. ``"distance from the loss"``.
        title: the figure's title.

    Shape:
        norms: ``(K,)`` or ``(C, K)`` for ``C`` curves of ``K`` steps; steps: ``(K,)``.
    """
    array = _as_array("norms", norms, (1, 2))
    _require_bool("log", log)
    curves = array.reshape(-1, array.shape[-1])  # (C, K)
    if labels is not None:
        labels = _require_labels("labels", labels, curves.shape[0])
    if log and (curves <= 0).any():
        raise ValueError(
            f"norms must be positive on a log scale, got min {curves.min():.3g} "
            "(pass log=False, or drop the exact zeros)"
        )
    if steps is None:
        x = np.arange(1, curves.shape[1] + 1)
    else:
        x = _as_array("steps", steps, (1,))
        require_len = curves.shape[1]
        if x.shape != (require_len,):
            raise ValueError(f"steps must have shape (K,) = ({require_len},), got {x.shape}")

    fig, ax = _plot_figure(6.5, 3.8)
    for c, curve in enumerate(curves):
        ax.plot(
            x,
            curve,
            marker="o" if curve.size <= 30 else None,
            markersize=3.5,
            label=None if labels is None else labels[c],
        )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$\Vert \partial\mathcal{L} / \partial a^{\langle k\rangle} \Vert$")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    if labels is not None:
        ax.legend(frameon=False)
    return fig


def _ema(values: np.ndarray, smoothing: float) -> np.ndarray:
    r"""Bias-corrected exponential moving average: :math:`s_i = \beta s_{i-1} + (1-\beta) v_i`,
    divided by :math:`1 - \beta^{i+1}` so the start is not pulled towards 0."""
    out = np.empty_like(values)
    running = 0.0
    for i, v in enumerate(values):
        running = smoothing * running + (1 - smoothing) * v
        out[i] = running / (1 - smoothing ** (i + 1))
    return out


def training_curves(
    histories: Mapping[str, ArrayLike] | ArrayLike,
    ylabel: str = "loss",
    xlabel: str = "step",
    *,
    smoothing: float = 0.0,
    log: bool = False,
    title: str | None = None,
) -> Figure:
    r"""One curve per model (e.g. RNN vs GRU vs LSTM) of a quantity recorded during training.

    A model may come with several runs (one row per seed): they are drawn in the model's colour,
    thinner, with one legend entry, so that the spread between seeds is visible.

    With ``smoothing`` :math:`\beta > 0`, the bold curve is the bias-corrected exponential moving
    average :math:`s_i = (\beta s_{i-1} + (1-\beta) v_i) / (1 - \beta^{i+1})` and the raw values
    are drawn faintly behind it.

    Args:
        histories: ``{name: values}``, or one sequence of values (e.g. :func:`rnncourse.train.fit`'s
            result); a name's values may also be one row per run, all of the same length.
        ylabel: what was recorded.
        xlabel: what one point is (``"step"``, ``"epoch"``).
        smoothing: :math:`\beta \in [0, 1)`; 0 draws the raw values only.
        log: logarithmic y axis (the values must then be positive).
        title: the figure's title (none by default).

    Shape:
        each history ``(S,)`` or ``(R, S)`` for ``R`` runs; histories may have different lengths.
    """
    if isinstance(histories, Mapping):
        if not histories:
            raise ValueError("histories must not be empty")
        curves = {
            str(name): _as_array(f"histories[{name!r}]", h, (1, 2)) for name, h in histories.items()
        }
    else:
        curves = {"": _as_array("histories", histories, (1,))}
    _require_bool("log", log)
    if isinstance(smoothing, bool) or not isinstance(smoothing, int | float):
        raise TypeError(f"smoothing must be a number, got {type(smoothing).__name__}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
    if log and any((h <= 0).any() for h in curves.values()):
        raise ValueError("histories must be positive on a log scale (pass log=False)")

    fig, ax = _plot_figure(6.5, 3.8)
    for c, (name, values) in enumerate(curves.items()):
        color = f"C{c}"
        runs = values.reshape(-1, values.shape[-1])  # (R, S)
        x = np.arange(1, runs.shape[1] + 1)
        width = 1.6 if len(runs) == 1 else 1.0
        label = name if len(runs) == 1 or not name else f"{name} ({len(runs)} runs)"
        for r, run in enumerate(runs):
            legend = (label or None) if r == 0 else None
            if smoothing > 0:
                ax.plot(x, run, color=color, alpha=0.25, linewidth=1.0)
                ax.plot(x, _ema(run, smoothing), color=color, linewidth=width + 0.4, label=legend)
            else:
                ax.plot(x, run, color=color, linewidth=width, label=legend)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if any(curves):
        ax.legend(frameon=False)
    return fig


def accuracy_vs_distance(
    distances: ArrayLike,
    accuracies: Mapping[str, ArrayLike],
    chance: float | None = 0.5,
    *,
    xlabel: str = "distance between subject and verb (words)",
    title: str = "Long-range agreement",
) -> Figure:
    r"""Accuracy against the distance a model must carry information, one curve per model.

    For the agreement task of notebooks 03–05 ("the cat … was" / "the cats … were"): the vanilla
    RNN falls to chance as the distance grows, the GRU and the LSTM stay up. Given several seeds
    per model, the line is their mean and every seed's run is a dot, so the spread shows: a mean
    of 0.75 may be two seeds at 1.0 and two at chance, not four runs at 0.75.

    Args:
        distances: the distances measured.
        accuracies: ``{model name: accuracies}``, each in :math:`[0, 1]`: one per distance, or
            one row per seed.
        chance: the accuracy of guessing, drawn as a dashed line (``None``: no line).
        xlabel: what the distance counts.
        title: the figure's title.

    Shape:
        distances ``(D,)``; each model's accuracies ``(D,)`` or ``(S, D)`` for ``S`` seeds.
    """
    x = _as_array("distances", distances, (1,))
    if not isinstance(accuracies, Mapping):
        raise TypeError(
            f"accuracies must be a mapping {{name: values}}, got {type(accuracies).__name__}"
        )
    if not accuracies:
        raise ValueError("accuracies must not be empty")
    runs = {}
    for name, values in accuracies.items():
        curve = _as_array(f"accuracies[{name!r}]", values, (1, 2))
        if curve.shape[-1:] != x.shape:
            raise ValueError(
                f"accuracies[{name!r}] must have shape (D,) or (S, D) with D = {x.size} like "
                f"distances, got {curve.shape}"
            )
        if (curve < 0).any() or (curve > 1).any():
            raise ValueError(f"accuracies[{name!r}] must lie in [0, 1], got {curve}")
        runs[str(name)] = curve.reshape(-1, x.size)  # (S, D)
    if chance is not None and not 0 <= chance <= 1:
        raise ValueError(f"chance must be in [0, 1] or None, got {chance}")

    fig, ax = _plot_figure(6.5, 3.8)
    markers = "osD^v<>"
    step = np.diff(np.sort(x)).min() if x.size > 1 else 1.0
    for c, (name, seeds) in enumerate(runs.items()):
        label = name if len(seeds) == 1 else f"{name} (mean of {len(seeds)} seeds)"
        (line,) = ax.plot(
            x,
            seeds.mean(axis=0),
            marker=markers[c % len(markers)],
            markersize=5,
            linewidth=1.8,
            label=label,
        )
        if len(seeds) > 1:  # every seed a dot, nudged sideways so that equal values stay apart
            offsets = (np.arange(len(seeds)) - (len(seeds) - 1) / 2) * 0.06 * step
            offsets = offsets + (c - (len(runs) - 1) / 2) * 0.02 * step
            for s, row in enumerate(seeds):
                ax.plot(x + offsets[s], row, ".", color=line.get_color(), alpha=0.55, ms=5)
    if chance is not None:
        ax.axhline(chance, color=MUTED, linestyle="--", linewidth=1.2)
        ax.text(x.min(), chance, " chance", ha="left", va="bottom", fontsize=9, color=MUTED)
    ax.set_ylim(0, 1.04)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, loc="lower left")
    return fig


def forecast(
    time: ArrayLike,
    observed: ArrayLike,
    predictions: Mapping[str, ArrayLike],
    start: int,
    *,
    context: int | None = None,
    ylabel: str = "value",
    xlabel: str = "time",
    title: str = "Forecast",
) -> Figure:
    r"""An observed series and forecasts of its last part, one curve per model, each with its RMSE.

    The observed values :math:`y_1, \dots, y_T` are drawn in black; the test period, from index
    ``start`` (:math:`s`, counted from 0) to the end, is shaded, and every forecast
    :math:`\hat y` covers it. The legend gives each forecast's root-mean-square error there,

    .. math:: \text{RMSE} = \sqrt{\frac{1}{T - s} \sum_{t=s}^{T-1} (\hat y_t - y_t)^2}

    (indices from 0), in the units of ``observed``.

    Args:
        time: the time of each observation (e.g. decimal years), strictly increasing.
        observed: the series, NumPy, torch or a list.
        predictions: ``{model name: forecast of observed[start:]}``.
        start: the index of the first forecast step, in :math:`[1, T - 1]`.
        context: how many observations before ``start`` to show (``None``: all of them).
        ylabel: what the series measures, with its unit.
        xlabel: what ``time`` counts.
        title: the figure's title.

    Shape:
        time, observed ``(T,)``; each prediction ``(T - start,)``.
    """
    t = _as_array("time", time, (1,))
    y = _as_array("observed", observed, (1,))
    if y.shape != t.shape:
        raise ValueError(f"observed must have shape (T,) = ({t.size},) like time, got {y.shape}")
    if t.size > 1 and not (np.diff(t) > 0).all():
        raise ValueError("time must be strictly increasing")
    start = _require_int("start", start, 1, t.size - 1)
    if not isinstance(predictions, Mapping):
        raise TypeError(
            f"predictions must be a mapping {{name: values}}, got {type(predictions).__name__}"
        )
    if not predictions:
        raise ValueError("predictions must not be empty")
    curves = {}
    for name, values in predictions.items():
        curve = _as_array(f"predictions[{name!r}]", values, (1,))
        if curve.shape != (t.size - start,):
            raise ValueError(
                f"predictions[{name!r}] must have shape (T - start,) = ({t.size - start},), "
                f"got {curve.shape}"
            )
        curves[str(name)] = curve
    first = 0 if context is None else start - _require_int("context", context, 1, start)

    fig, ax = _plot_figure(7.0, 3.8)
    ax.axvspan(t[start], t[-1], color=MUTED, alpha=0.08, linewidth=0)
    ax.plot(t[first:], y[first:], color=INK, linewidth=1.6, label="observed")
    for c, (name, curve) in enumerate(curves.items()):
        rmse = float(np.sqrt(np.mean((curve - y[start:]) ** 2)))
        ax.plot(t[start:], curve, color=f"C{c}", linewidth=1.4, label=f"{name} (RMSE {rmse:.2f})")
    ax.text(t[start], 1.0, " test period", transform=ax.get_xaxis_transform(), ha="left",
            va="top", fontsize=9, color=MUTED)  # fmt: skip
    ax.set_xlim(t[first], t[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    return fig
