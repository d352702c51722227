r"""Diagrams of whole networks in the lecture's notation: the unrolled RNN, the architectures,
the bidirectional and the deep RNN. The cells themselves are in :mod:`rnncourse.viz.cells`.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from rnncourse._validate import require_bool, require_int
from rnncourse.viz.kit import (
    CELL,
    GRADIENT,
    INK,
    INPUT,
    MAX_WIDTH,
    MUTED,
    OUTPUT,
    STATE,
    _box,
    _diagram,
    _dot,
    _line,
    _sup,
)

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
    require_int("T", T, 1, 8)
    require_bool("weights", weights)
    require_bool("gradients", gradients)
    require_bool("many_to_one", many_to_one)
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


# --------------------------------------------------------------------------- the bidirectional RNN


def bidirectional_rnn(T: int = 4) -> Figure:
    r"""A bidirectional RNN unrolled over ``T`` steps: a forward and a backward RNN, one output.

    The forward cells (lower row) read the sequence left to right from
    :math:`\overrightarrow{a}^{\langle 0\rangle}`, the backward cells (upper row) right to left from
    :math:`\overleftarrow{a}^{\langle T_x+1\rangle}`, each direction with its own weights; the
    output at step :math:`t` reads both states, concatenated (the lines join):

    .. math::

        \overrightarrow{a}^{\langle t\rangle} = \tanh(\overrightarrow{W}_{aa}
            \overrightarrow{a}^{\langle t-1\rangle} + \overrightarrow{W}_{ax} x^{\langle t\rangle}
            + \overrightarrow{b}_a), \qquad
        \overleftarrow{a}^{\langle t\rangle} = \tanh(\overleftarrow{W}_{aa}
            \overleftarrow{a}^{\langle t+1\rangle} + \overleftarrow{W}_{ax} x^{\langle t\rangle}
            + \overleftarrow{b}_a),

        \hat{y}^{\langle t\rangle} = g(W_y [\overrightarrow{a}^{\langle t\rangle};
            \overleftarrow{a}^{\langle t\rangle}] + b_y)

    Args:
        T: number of time steps drawn, 1 to 6.
    """
    require_int("T", T, 1, 6)
    dx, w, h, off = 2.8, 1.0, 0.7, 0.45  # step spacing, cell size, cells' shift off x<t>'s column
    y_x, y_f, y_b, y_j, y_y = -2.2, -0.6, 0.9, 1.8, 2.6  # rows: x, forward, backward, join, ŷ
    left, right = -3.3, (T - 1) * dx + 3.3
    pad = max(0.0, 10.6 - (right - left)) / 2  # room for the caption when T is small
    left, right = left - pad, right + pad
    bottom, top = y_x - 1.35, y_y + 0.45
    scale = min(0.62, MAX_WIDTH / (right - left))
    fig = _diagram((left, right), (bottom, top), scale)
    fs = 12 * max(scale / 0.62, 0.7)
    ax = fig.axes[0]
    fwd, bwd = r"\overrightarrow{a}", r"\overleftarrow{a}"
    x_last = (T - 1) * dx

    _box(ax, (-2.3, y_f), _sup(fwd, 0), STATE, (0.9, 0.6), fs)
    _line(ax, (-1.85, y_f), (-off - w / 2, y_f))
    _box(ax, (x_last + 2.3, y_b), _sup(bwd, T + 1), STATE, (0.9, 0.6), fs)
    _line(ax, (x_last + 1.85, y_b), (x_last + off + w / 2, y_b))
    for t in range(1, T + 1):
        x = (t - 1) * dx
        _box(ax, (x - off, y_f), "→ cell", CELL, (w, h), fs * 0.8)
        _box(ax, (x + off, y_b), "← cell", CELL, (w, h), fs * 0.8)
        _box(ax, (x, y_x), _sup("x", t), INPUT, (0.9, 0.55), fs)
        _box(ax, (x, y_y), _sup(r"\hat{y}", t), OUTPUT, (0.9, 0.55), fs)
        # x<t> is copied to both cells; the line to the backward cell crosses the forward row
        y_split = y_x + 0.65
        _line(ax, (x, y_x + 0.275), (x, y_split), arrow=False)
        _dot(ax, (x, y_split))
        _line(ax, (x, y_split), (x - off, y_split), (x - off, y_f - h / 2))
        _line(ax, (x, y_split), (x + off, y_split), (x + off, y_b - h / 2), bridge="white")
        # both states go up and join: ŷ<t> reads their concatenation
        _line(ax, (x - off, y_f + h / 2), (x - off, y_j), (x, y_j), arrow=False, bridge="white")
        _line(ax, (x + off, y_b + h / 2), (x + off, y_j), (x, y_j), arrow=False)
        _dot(ax, (x, y_j))
        _line(ax, (x, y_j), (x, y_y - 0.275))
        # the forward state leaves cell t to the right, the backward state to the left
        f_start = x - off + w / 2
        f_end = x + dx - off - w / 2 if t < T else f_start + 1.4
        _line(ax, (f_start, y_f), (f_end, y_f))
        # each label sits beside the line that crosses its arrow, not on it
        f_mid = (x + off + f_end) / 2
        ax.text(f_mid, y_f - 0.1, _sup(fwd, t), ha="center", va="top", fontsize=fs)
        b_start = x + off - w / 2
        b_end = x - dx + off + w / 2 if t > 1 else b_start - 1.4
        _line(ax, (b_start, y_b), (b_end, y_b))
        b_mid = (x - off + b_end) / 2
        ax.text(b_mid, y_b + 0.1, _sup(bwd, t), ha="center", va="bottom", fontsize=fs)
    notes = (
        r"forward cells share $\overrightarrow{W}_{ax}$, $\overrightarrow{W}_{aa}$, "
        r"$\overrightarrow{b}_a$; backward cells share their own "
        r"$\overleftarrow{W}_{ax}$, $\overleftarrow{W}_{aa}$, $\overleftarrow{b}_a$",
        rf"joined lines are concatenated: $\hat{{y}}^{{\langle t\rangle}} = g(W_y [{fwd}"
        rf"^{{\langle t\rangle}}; {bwd}^{{\langle t\rangle}}] + b_y)$",
    )
    for k, note in enumerate(notes):
        ax.text(
            (left + right) / 2,
            bottom + 0.75 - 0.45 * k,
            note,
            ha="center",
            va="center",
            fontsize=fs * 0.8,
            color=MUTED,
        )
    return fig


# --------------------------------------------------------------------------- the deep RNN


def deep_rnn(T: int = 3, L: int = 3) -> Figure:
    r"""A deep (stacked) RNN of ``L`` layers unrolled over ``T`` steps: the grid of layers × time.

    Cell :math:`(l, t)` computes, with layer :math:`l`'s own weights at every step,

    .. math::

        a^{[l]\langle t\rangle} = \tanh(W_{aa}^{[l]} a^{[l]\langle t-1\rangle}
            + W_{ax}^{[l]} a^{[l-1]\langle t\rangle} + b_a^{[l]}), \qquad
        a^{[0]\langle t\rangle} = x^{\langle t\rangle}

    The state moves to the right within a layer (from each layer's own
    :math:`a^{[l]\langle 0\rangle}`) and up the stack at the same step; the outputs
    :math:`\hat{y}^{\langle t\rangle}` read the top layer.

    Args:
        T: number of time steps drawn, 1 to 5.
        L: number of layers drawn, 1 to 4.
    """
    require_int("T", T, 1, 5)
    require_int("L", L, 1, 4)
    dx, dy, w, h = 2.4, 1.5, 1.1, 0.7  # step and layer spacing, cell size
    y_x, y_y = -dy, L * dy  # rows of x and ŷ; layer l sits at (l - 1) * dy
    left, right = -2.4, (T - 1) * dx + 4.6  # room on the right for the layers' names
    bottom, top = y_x - 0.5, y_y + 0.45
    scale = min(0.62, MAX_WIDTH / (right - left))
    fig = _diagram((left, right), (bottom, top), scale)
    fs = 12 * max(scale / 0.62, 0.7)
    ax = fig.axes[0]
    for t in range(1, T + 1):
        x = (t - 1) * dx
        _box(ax, (x, y_x), _sup("x", t), INPUT, (0.9, 0.55), fs)
        _box(ax, (x, y_y), _sup(r"\hat{y}", t), OUTPUT, (0.9, 0.55), fs)
        _line(ax, (x, y_x + 0.275), (x, -h / 2))  # x<t> into layer 1
        _line(ax, (x, (L - 1) * dy + h / 2), (x, y_y - 0.275))  # the top layer to ŷ<t>
    for layer in range(1, L + 1):
        y = (layer - 1) * dy
        _box(ax, (-1.75, y), rf"$a^{{[{layer}]\langle 0\rangle}}$", STATE, (0.95, 0.55), fs * 0.9)
        _line(ax, (-1.275, y), (-w / 2, y))
        for t in range(1, T + 1):
            x = (t - 1) * dx
            _box(ax, (x, y), f"layer {layer}", CELL, (w, h), fs * 0.75)
            end = x + dx - w / 2 if t < T else x + w / 2 + 0.8
            _line(ax, (x + w / 2, y), (end, y))  # along time, within the layer
            ax.text(
                (x + w / 2 + end) / 2, y + 0.1, rf"$a^{{[{layer}]\langle {t}\rangle}}$",
                ha="center", va="bottom", fontsize=fs * 0.75,
            )  # fmt: skip
            if layer < L:
                _line(ax, (x, y + h / 2), (x, y + dy - h / 2))  # up the stack, same step
        reads = "reads x" if layer == 1 else f"reads layer {layer - 1}"
        ax.text(
            (T - 1) * dx + w / 2 + 1.0, y, f"$W^{{[{layer}]}}$: {reads}",
            ha="left", va="center", fontsize=fs * 0.75, color=MUTED,
        )  # fmt: skip
    return fig
