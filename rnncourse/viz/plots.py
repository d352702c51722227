r"""Plots of what the notebooks measure: gate heatmaps, gradient norms, training curves,
accuracy against distance, accuracy by group against each model's ceiling, forecasts. Several seeds per model are drawn as a spread, not averaged
away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from rnncourse._validate import require_bool, require_int
from rnncourse.viz.kit import (
    INK,
    MAX_WIDTH,
    MUTED,
    ArrayLike,
    _as_array,
    _figure,
    _require_labels,
)

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
    require_bool("log", log)
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
    require_bool("log", log)
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


def accuracy_by_group(
    groups: Sequence[str],
    accuracies: Mapping[str, ArrayLike],
    ceilings: Mapping[str, ArrayLike] | None = None,
    *,
    xlabel: str = "",
    title: str = "",
    ceiling_label: str = "ceiling",
) -> Figure:
    r"""Accuracy of each model on groups of test examples, as bars, against what it can reach.

    For a task whose best possible accuracy is known per group (notebook 06: where the "not"
    is, before the sentiment word, nowhere, or 1, 2, … words after it; a left-to-right model
    can reach 100 %, 100 %, 0 %, 0 %, …), each model's bar is its mean over seeds, every seed
    a dot on it, and its ceiling a black tick across it: a bar far below its tick is a model
    that has not learnt what it could; a bar at its tick, a model limited by what it can see.

    Args:
        groups: the names of the groups, shown under the bars.
        accuracies: ``{model name: accuracies}``, each in :math:`[0, 1]`: one per group, or
            one row per seed.
        ceilings: ``{model name: the best accuracy it can reach on each group}`` (a model
            left out has no tick); ``None``: no ticks.
        xlabel: what the groups are.
        title: the figure's title.
        ceiling_label: the ticks' name in the legend. Where the ceiling is the best rule for the
            whole task, a model can beat its tick on one group only by losing more on another.

    Shape:
        each model's accuracies ``(G,)`` or ``(S, G)`` for ``G = len(groups)`` and ``S``
        seeds; each ceiling ``(G,)``.
    """
    if isinstance(groups, str) or not isinstance(groups, Sequence) or not groups:
        raise TypeError(f"groups must be a non-empty sequence of strings, got {groups!r}"[:200])
    names = _require_labels("groups", groups, len(groups))
    G = len(names)
    if not isinstance(accuracies, Mapping):
        raise TypeError(
            f"accuracies must be a mapping {{name: values}}, got {type(accuracies).__name__}"
        )
    if not accuracies:
        raise ValueError("accuracies must not be empty")
    if ceilings is not None and not isinstance(ceilings, Mapping):
        raise TypeError(f"ceilings must be a mapping or None, got {type(ceilings).__name__}")
    runs: dict[str, np.ndarray] = {}
    for name, values in accuracies.items():
        a = _as_array(f"accuracies[{name!r}]", values, (1, 2))
        if a.shape[-1] != G:
            raise ValueError(
                f"accuracies[{name!r}] must have shape (G,) or (S, G) with G = {G} groups, "
                f"got {a.shape}"
            )
        if (a < 0).any() or (a > 1).any():
            raise ValueError(f"accuracies[{name!r}] must lie in [0, 1], got {a}")
        runs[str(name)] = a.reshape(-1, G)  # (S, G)
    ticks: dict[str, np.ndarray] = {}
    for name, values in (ceilings or {}).items():
        if name not in runs:
            raise ValueError(f"ceilings[{name!r}] names no model of accuracies ({list(runs)})")
        c = _as_array(f"ceilings[{name!r}]", values, (1,))
        if c.shape != (G,) or (c < 0).any() or (c > 1).any():
            raise ValueError(f"ceilings[{name!r}] must be {G} values in [0, 1], got {c}")
        ticks[str(name)] = c

    fig, ax = _plot_figure(min(MAX_WIDTH, 2.2 + 1.0 * G), 3.6)
    width = 0.8 / len(runs)
    x = np.arange(G, dtype=float)
    ceiling_shown = False
    for k, (name, seeds) in enumerate(runs.items()):
        at = x - 0.4 + width * (k + 0.5)  # this model's bar in each group
        label = name if len(seeds) == 1 else f"{name} (mean of {len(seeds)} seeds)"
        ax.bar(at, seeds.mean(axis=0), width * 0.9, label=label, alpha=0.85)
        if len(seeds) > 1:  # every seed a dot, spread across the bar
            spread = (np.arange(len(seeds)) - (len(seeds) - 1) / 2) * width * 0.2
            for s, row in enumerate(seeds):
                ax.plot(at + spread[s], row, "o", ms=3.5, color=INK, alpha=0.6, zorder=3)
        if name in ticks:
            ax.hlines(ticks[name], at - width * 0.5, at + width * 0.5, colors=INK, linewidth=2.2,
                      zorder=4, label="_nolegend_" if ceiling_shown else ceiling_label)  # fmt: skip
            ceiling_shown = True
    ax.set_xticks(x, names)
    ax.set_ylim(-0.04, 1.08)  # a ceiling of 0 shows as a tick above the axis
    ax.set_ylabel("accuracy")
    if xlabel:
        ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18 if xlabel else -0.1),
              ncol=len(runs) + ceiling_shown, fontsize=9)  # fmt: skip
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
    start = require_int("start", start, 1, t.size - 1)
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
    first = 0 if context is None else start - require_int("context", context, 1, start)

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
