r"""The RNN, GRU and LSTM cells, drawn in the lecture's notation.

Drawn in the visual language of C. Olah's "Understanding LSTM Networks" (2015): a yellow box is a
learned layer (a :math:`\sigma` or :math:`\tanh` of an affine map of its inputs), a pink circle a
pointwise operation, a line a vector; lines that join are concatenated.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from rnncourse._validate import require_bool
from rnncourse.viz.kit import (
    CELL,
    INK,
    INPUT,
    LAYER,
    MUTED,
    OUTPUT,
    POINTWISE,
    STATE,
    _box,
    _dot,
    _figure,
    _line,
    _op,
    _pill,
    _sup,
)

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
    require_bool("reset_after", reset_after)
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
