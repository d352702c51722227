r"""Tests for :mod:`rnncourse.viz`: every figure renders headlessly, says what it should, keeps its
text inside the picture, and rejects bad input."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")  # headless: before anything imports pyplot

import matplotlib.image
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path
from matplotlib.text import Text

from rnncourse import viz


def _png(fig: Figure, dpi: int = 40) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _all_text(fig: Figure) -> str:
    return "\n".join(_texts(fig))


def assert_nontrivial_png(fig: Figure) -> None:
    data = _png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(io.BytesIO(data))[..., :3]  # (H, W, 3) in [0, 1]
    ink = (pixels < 0.9).any(axis=-1).mean()  # share of pixels that are not (near) white
    assert 0.02 < ink < 0.9, f"the picture is {ink:.1%} ink: blank or a solid block"


DIAGRAMS: dict[str, Callable[[], Figure]] = {
    "unrolled_rnn": viz.unrolled_rnn,
    "unrolled_rnn_bptt": lambda: viz.unrolled_rnn(gradients=True),
    "unrolled_rnn_T1": lambda: viz.unrolled_rnn(T=1, gradients=True),
    "unrolled_rnn_T8": lambda: viz.unrolled_rnn(T=8),
    "unrolled_rnn_many_to_one": lambda: viz.unrolled_rnn(gradients=True, many_to_one=True),
    "architectures": viz.architectures,
    "rnn_cell": viz.rnn_cell,
    "gru_cell": viz.gru_cell,
    "gru_cell_reset_after": lambda: viz.gru_cell(reset_after=True),
    "lstm_cell": viz.lstm_cell,
}

TOKENS = ["the", "cats", "that", "ran", "were"]

PLOTS: dict[str, Callable[[], Figure]] = {
    "gate_heatmap": lambda: viz.gate_heatmap(np.linspace(0, 1, 20).reshape(4, 5), TOKENS),
    "gradient_norms": lambda: viz.gradient_norms(
        [[0.5**k for k in range(20)], [1.1**k for k in range(20)]], labels=["0.5", "1.1"]
    ),
    "training_curves": lambda: viz.training_curves(
        {"RNN": [2.0, 1.5, 1.2, 1.1], "LSTM": [2.0, 1.0, 0.5, 0.3]}
    ),
    "accuracy_vs_distance": lambda: viz.accuracy_vs_distance(
        [1, 2, 4, 8], {"RNN": [0.9, 0.8, 0.6, 0.5], "GRU": [0.95, 0.95, 0.9, 0.9]}
    ),
    "accuracy_by_group": lambda: viz.accuracy_by_group(
        ["before", "none", "+1", "+2"],
        {"uni": [[1, 1, 0, 0.1], [1, 0.9, 0, 0]], "bi": [1, 1, 1, 1]},
        {"uni": [1, 1, 0, 0], "bi": [1, 1, 1, 1]},
        xlabel="where the cue is",
    ),
    "accuracy_vs_distance_seeds": lambda: viz.accuracy_vs_distance(
        [5, 10, 20, 40],
        {"RNN": [[1, 1, 0.5, 0.5], [1, 1, 1, 0.5], [1, 0.9, 0.5, 0.5]], "GRU": [[1, 1, 1, 1]] * 3},
    ),
}


# --------------------------------------------------------------------------- every figure


@pytest.mark.parametrize("make", [*DIAGRAMS.values(), *PLOTS.values()], ids=[*DIAGRAMS, *PLOTS])
def test_figure_renders_to_a_small_nontrivial_png(make: Callable[[], Figure]) -> None:
    fig = make()
    assert isinstance(fig, Figure)
    width, height = fig.get_size_inches()
    assert 2.5 <= width <= 9.0 and 1.5 <= height <= 7.0, (width, height)
    assert_nontrivial_png(fig)


@pytest.mark.parametrize("make", DIAGRAMS.values(), ids=DIAGRAMS.keys())
def test_diagram_text_is_inside_the_figure_and_does_not_overlap(
    make: Callable[[], Figure],
) -> None:
    fig = make()
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in fig.findobj(Text)
        if t.get_text() and t.get_visible()
    ]
    for text, box in boxes:
        assert box.x0 >= -1 and box.y0 >= -1, f"{text!r} is cut off at the left or bottom"
        assert box.x1 <= fig.bbox.x1 + 1 and box.y1 <= fig.bbox.y1 + 1, f"{text!r} is cut off"
    for (t1, b1), (t2, b2) in itertools.combinations(boxes, 2):
        overlap_w = min(b1.x1, b2.x1) - max(b1.x0, b2.x0)
        overlap_h = min(b1.y1, b2.y1) - max(b1.y0, b2.y0)
        assert overlap_w <= 1 or overlap_h <= 1, f"{t1!r} overlaps {t2!r}"


def test_figures_are_deterministic() -> None:
    assert _png(viz.lstm_cell()) == _png(viz.lstm_cell())
    values = np.random.default_rng(0).random((3, 5))
    assert _png(viz.gate_heatmap(values, TOKENS)) == _png(viz.gate_heatmap(values, TOKENS))


def test_figures_are_not_kept_by_pyplot() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    viz.unrolled_rnn()
    viz.gate_heatmap(np.zeros((2, 3)))
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------- the unrolled RNN


def _sup(symbol: str, t: int | str) -> str:
    return symbol + r"^{\langle " + str(t) + r"\rangle}"


def test_unrolled_rnn_labels_every_step_in_course_notation() -> None:
    text = _all_text(viz.unrolled_rnn(T=4))
    for t in range(1, 5):
        for symbol in ("x", "a", r"\hat{y}"):
            assert _sup(symbol, t) in text, _sup(symbol, t)
    assert _sup("a", 0) in text
    assert _sup("x", 5) not in text
    for weight in ("W_{ax}", "W_{aa}", "W_{ya}"):
        assert weight in text
    assert r"\partial" not in text


def test_unrolled_rnn_weights_flag() -> None:
    assert "W_{aa}" not in _all_text(viz.unrolled_rnn(weights=False))


def _arrows(fig: Figure, color: str) -> list[tuple[float, float]]:
    r"""The (dx, dy) of every arrow of ``color``: from its start to its farthest point (the tip)."""
    out = []
    for patch in fig.findobj(FancyArrowPatch):
        if matplotlib.colors.to_hex(patch.get_edgecolor()) != color:
            continue
        path = patch.get_path()  # data coordinates, the head included
        vertices = path.vertices[path.codes != Path.CLOSEPOLY]  # CLOSEPOLY's vertex is unused
        tip = vertices[np.argmax(np.linalg.norm(vertices - vertices[0], axis=1))]
        out.append(tuple(tip - vertices[0]))
    return out


@pytest.mark.parametrize("T", [1, 2, 5])
def test_unrolled_rnn_gradients_flow_right_to_left_and_down(T: int) -> None:
    fig = viz.unrolled_rnn(T=T, gradients=True)
    backward = _arrows(fig, viz.GRADIENT)
    # per step: loss -> ŷ and ŷ -> cell; between steps: cell t+1 -> cell t
    assert len(backward) == 2 * T + (T - 1)
    horizontal = [d for d in backward if abs(d[0]) > abs(d[1])]
    vertical = [d for d in backward if abs(d[1]) > abs(d[0])]
    assert len(horizontal) == T - 1 and all(dx < 0 for dx, _ in horizontal)
    assert len(vertical) == 2 * T and all(dy < 0 for _, dy in vertical)
    forward = _arrows(fig, viz.INK)
    assert all(dx >= -1e-9 and dy >= -1e-9 for dx, dy in forward)  # right or up, never back
    text = _all_text(fig)
    assert _sup(r"\mathcal{L}", T) in text
    # between cells only the later steps' part: dL<>t>/da<t>, not the total dL/da<t>
    label = rf"\partial\mathcal{{L}}^{{\langle >{T - 1}\rangle}}/\partial " + _sup("a", T - 1)
    assert (label in text) == (T > 1)
    assert r"\partial\mathcal{L}/\partial" not in text


def test_unrolled_rnn_many_to_one_has_one_output_and_one_loss() -> None:
    fig = viz.unrolled_rnn(T=4, gradients=True, many_to_one=True)
    text = _all_text(fig)
    assert _sup(r"\hat{y}", 4) in text and _sup(r"\mathcal{L}", 4) in text
    assert not any(
        _sup(r"\hat{y}", t) in text or _sup(r"\mathcal{L}", t) in text for t in (1, 2, 3)
    )
    backward = _arrows(fig, viz.GRADIENT)
    assert len(backward) == 2 + 3  # loss -> ŷ -> last cell, then three steps back
    # the only loss is at T: what travels back between cells is the whole dL/da<t>
    assert r"\partial\mathcal{L}/\partial a^{\langle 3\rangle}" in text
    assert r"\langle >" not in text


def test_unrolled_rnn_without_gradients_has_no_backward_arrows() -> None:
    assert _arrows(viz.unrolled_rnn(), viz.GRADIENT) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"T": 0}, ValueError, r"T must be in \[1, 8\], got 0"),
        ({"T": 9}, ValueError, r"T must be in \[1, 8\], got 9"),
        ({"T": 2.0}, TypeError, "T must be an int"),
        ({"T": True}, TypeError, "T must be an int"),
        ({"weights": "yes"}, TypeError, "weights must be a bool"),
        ({"gradients": 1}, TypeError, "gradients must be a bool"),
        ({"many_to_one": None}, TypeError, "many_to_one must be a bool"),
    ],
)
def test_unrolled_rnn_rejects_bad_arguments(
    kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.unrolled_rnn(**kwargs)


# --------------------------------------------------------------------------- architectures


def test_architectures_shows_five_titled_panels_with_applications() -> None:
    text = _all_text(viz.architectures())
    for name in ("one-to-one", "one-to-many", "many-to-one", "T_x = T_y", r"T_x \neq T_y"):
        assert name in text, name
    for example in (
        "music generation",
        "sentiment classification",
        "named-entity recognition",
        "machine translation",
        "encoder",
        "decoder",
    ):
        assert example in text, example
    assert _sup("x", 3) in text and _sup(r"\hat{y}", 3) in text


# --------------------------------------------------------------------------- cells


def test_rnn_cell_labels() -> None:
    text = _all_text(viz.rnn_cell())
    for label in (
        _sup("a", "t-1"),
        _sup("x", "t"),
        _sup("a", "t"),
        _sup(r"\hat{y}", "t"),
        "W_{aa}",
        "W_{ax}",
        "W_{ya}",
        "softmax",
        r"\tanh",
    ):
        assert label in text, label


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_cell_labels_and_variant(reset_after: bool) -> None:
    fig = viz.gru_cell(reset_after=reset_after)
    text = _all_text(fig)
    for label in (r"\Gamma_r", r"\Gamma_u", r"\tilde{c}", "1−", _sup("a", "t-1"), _sup("x", "t")):
        assert label in text, label
    assert (
        r"\Gamma_u * \tilde{c}^{\langle t\rangle} + (1 - \Gamma_u) * a^{\langle t-1\rangle}" in text
    )
    # only the reset-after variant multiplies Γ_r after the matmul W_ca a<t-1> + b_ca
    assert ("W_{ca}" in text) == reset_after
    assert (r"W_c[\Gamma_r * a^{\langle t-1\rangle}" in text) == (not reset_after)
    assert ("torch.nn.GRU" in text) == reset_after


def test_gru_cell_rejects_non_bool() -> None:
    with pytest.raises(TypeError, match="reset_after must be a bool"):
        viz.gru_cell(reset_after="yes")  # type: ignore[arg-type]


def test_lstm_cell_draws_the_right_formulas() -> None:
    fig = viz.lstm_cell()
    text = _all_text(fig)
    for label in (r"\Gamma_f", r"\Gamma_u", r"\Gamma_o", r"\tilde{c}", _sup("c", "t-1")):
        assert label in text, label
    # the formulas circulating notes get wrong, drawn right
    assert r"a^{\langle t\rangle} = \Gamma_o * \tanh(c^{\langle t\rangle})" in text
    assert r"\Gamma_o * c^{\langle t\rangle}" not in text
    assert r"\Gamma_f * c^{\langle t-1\rangle}" in text
    assert r"\tilde{c}^{\langle t\rangle} = \tanh(" in text
    # the tanh on c<t> is its own pointwise operation: 1 tanh layer + 1 pointwise tanh in the diagram
    diagram = fig.axes[0]
    assert sum(t.get_text() == r"$\tanh$" for t in diagram.texts) == 2


# --------------------------------------------------------------------------- gate_heatmap


def test_gate_heatmap_accepts_numpy_and_torch_alike() -> None:
    values = torch.rand(3, 5, generator=torch.Generator().manual_seed(0), requires_grad=True)
    from_torch = viz.gate_heatmap(values * 1.0, TOKENS)  # a non-leaf with grad: detached inside
    from_numpy = viz.gate_heatmap(values.detach().numpy(), TOKENS)
    assert _png(from_torch) == _png(from_numpy)


def test_gate_heatmap_labels_tokens_on_the_time_axis() -> None:
    fig = viz.gate_heatmap(np.zeros((2, 5)), TOKENS, title=r"update gate $\Gamma_u$")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == TOKENS
    assert ax.get_title() == r"update gate $\Gamma_u$"
    image = ax.images[0].get_array()
    assert image.shape == (2, 5)  # units down, time across


@pytest.mark.parametrize(
    ("values", "clim"),
    [
        (np.array([[0.0, 0.3], [0.9, 1.0]]), (0.0, 1.0)),  # gates
        (np.array([[-0.5, 0.3], [0.9, 1.0]]), (-1.0, 1.0)),  # tanh states
        (np.array([[-3.0, 0.3], [0.9, 2.0]]), (-3.0, 3.0)),  # anything else: symmetric
    ],
)
def test_gate_heatmap_colour_range(values: np.ndarray, clim: tuple[float, float]) -> None:
    assert viz.gate_heatmap(values).axes[0].images[0].get_clim() == clim


def test_gate_heatmap_explicit_colour_range() -> None:
    fig = viz.gate_heatmap(np.zeros((2, 2)), vmin=-2.0, vmax=5.0)
    assert fig.axes[0].images[0].get_clim() == (-2.0, 5.0)


@settings(deadline=None, max_examples=10)
@given(units=st.integers(1, 40), steps=st.integers(1, 60), with_tokens=st.booleans())
def test_gate_heatmap_any_shape(units: int, steps: int, with_tokens: bool) -> None:
    values = np.random.default_rng(units * 100 + steps).random((units, steps))
    tokens = [f"w{i}" for i in range(steps)] if with_tokens else None
    fig = viz.gate_heatmap(values, tokens)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (units, steps)
    assert fig.get_size_inches()[0] <= 9.0
    labels = [t.get_text() for t in ax.get_xticklabels()]
    if with_tokens:  # every token up to 40 steps, every k-th beyond
        stride = -(-steps // 40)
        assert labels == tokens[::stride] and len(labels) <= 40


@pytest.mark.parametrize(
    ("values", "kwargs", "error", "match"),
    [
        (np.zeros(5), {}, ValueError, r"values must have 2 dimensions, got 1 with shape \(5,\)"),
        (torch.zeros(2, 3, 4), {}, ValueError, "values must have 2 dimensions, got 3"),
        (np.zeros((0, 4)), {}, ValueError, "values must not be empty"),
        (np.array([[0.0, np.nan]]), {}, ValueError, "values must be finite"),
        ("abc", {}, TypeError, "values must be a NumPy array, a torch.Tensor"),
        (np.array([["a", "b"]]), {}, TypeError, "values must hold numbers"),
        (np.zeros((2, 5)), {"tokens": TOKENS[:4]}, ValueError, "tokens must have 5 entries, got 4"),
        (np.zeros((2, 5)), {"tokens": "hello"}, TypeError, "tokens must be a sequence of strings"),
        (np.zeros((2, 5)), {"vmin": 0.0}, ValueError, "vmin and vmax must be given together"),
        (np.zeros((2, 5)), {"vmin": 1.0, "vmax": 0.0}, ValueError, "vmin must be smaller"),
    ],
)
def test_gate_heatmap_rejects_bad_input(
    values: object, kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.gate_heatmap(values, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- gradient_norms


def test_gradient_norms_one_curve_on_a_log_axis() -> None:
    fig = viz.gradient_norms(torch.tensor([1.0, 0.5, 0.25, 0.125]))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 0.5, 0.25, 0.125])
    assert r"\partial a^{\langle k\rangle}" in ax.get_ylabel()
    assert ax.get_legend() is None


def test_gradient_norms_several_curves_with_labels_and_steps() -> None:
    norms = np.array([[0.9**k for k in range(6)], [1.1**k for k in range(6)]])
    labels = [r"$\rho = 0.9$", r"$\rho = 1.1$"]
    fig = viz.gradient_norms(norms, labels, steps=range(0, 6), xlabel="distance")
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == labels
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), np.arange(6))
    assert ax.get_xlabel() == "distance"


def test_gradient_norms_linear_axis_allows_zero() -> None:
    ax = viz.gradient_norms([1.0, 0.0], log=False).axes[0]
    assert ax.get_yscale() == "linear"


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([1.0, 0.0],), {}, ValueError, "norms must be positive on a log scale"),
        ((np.ones((2, 3, 4)),), {}, ValueError, "norms must have 1 or 2 dimensions, got 3"),
        ((np.ones((2, 3)), ["one"]), {}, ValueError, "labels must have 2 entries, got 1"),
        (([1.0, np.inf],), {}, ValueError, "norms must be finite"),
        (([[1.0, 2.0], [1.0]],), {}, ValueError, "norms must be rectangular"),
        (([1.0, 2.0],), {"steps": [1, 2, 3]}, ValueError, r"steps must have shape \(K,\) = \(2,\)"),
        ((None,), {}, TypeError, "norms must be a NumPy array"),
        (([1.0, 2.0],), {"log": "no"}, TypeError, "log must be a bool"),
    ],
)
def test_gradient_norms_rejects_bad_input(
    args: tuple, kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.gradient_norms(*args, **kwargs)


# --------------------------------------------------------------------------- training_curves


def test_training_curves_one_line_per_model_with_legend() -> None:
    histories = {"RNN": [3.0, 2.0, 1.5], "GRU": torch.tensor([3.0, 1.0]), "LSTM": np.ones(4)}
    fig = viz.training_curves(histories, ylabel="cross-entropy", xlabel="epoch")
    ax = fig.axes[0]
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [3, 2, 4]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN", "GRU", "LSTM"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "cross-entropy")


def test_training_curves_single_history_has_no_legend() -> None:
    ax = viz.training_curves([1.0, 0.5, 0.2], log=True).axes[0]
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None
    assert ax.get_yscale() == "log"


def test_training_curves_smoothing_draws_raw_and_bias_corrected_average() -> None:
    constant = viz.training_curves({"flat": [2.0] * 10}, smoothing=0.9).axes[0]
    raw, smooth = constant.get_lines()
    np.testing.assert_allclose(smooth.get_ydata(), 2.0)  # bias correction: no pull towards 0
    assert raw.get_alpha() is not None and raw.get_alpha() < 1  # the raw values are faint
    assert smooth.get_linewidth() > raw.get_linewidth()
    values = np.array([0.0, 10.0, 0.0, 10.0])
    _, smooth = viz.training_curves(values, smoothing=0.5).axes[0].get_lines()
    s, expected = 0.0, []
    for i, v in enumerate(values):
        s = 0.5 * s + 0.5 * v
        expected.append(s / (1 - 0.5 ** (i + 1)))
    np.testing.assert_allclose(smooth.get_ydata(), expected)


@pytest.mark.parametrize(
    ("histories", "kwargs", "error", "match"),
    [
        ({}, {}, ValueError, "histories must not be empty"),
        (
            {"RNN": [[[1.0, 2.0]]]},
            {},
            ValueError,
            r"histories\['RNN'\] must have 1 or 2 dimensions",
        ),
        ({"RNN": []}, {}, ValueError, r"histories\['RNN'\] must not be empty"),
        ({"RNN": [1.0, float("nan")]}, {}, ValueError, "must be finite"),
        ([1.0, 2.0], {"smoothing": 1.0}, ValueError, r"smoothing must be in \[0, 1\)"),
        ([1.0, 2.0], {"smoothing": "a"}, TypeError, "smoothing must be a number"),
        ([1.0, -2.0], {"log": True}, ValueError, "positive on a log scale"),
        (42, {}, TypeError, "histories must be a NumPy array"),
    ],
)
def test_training_curves_rejects_bad_input(
    histories: object, kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.training_curves(histories, **kwargs)  # type: ignore[arg-type]


def test_training_curves_with_several_runs_share_a_colour_and_one_legend_entry() -> None:
    runs = np.array([[3.0, 2.0, 1.0], [4.0, 2.5, 0.5]])
    ax = viz.training_curves({"clipped": runs, "plain": [1.0, 1.0, 1.0]}).axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3
    assert [list(line.get_ydata()) for line in lines[:2]] == runs.tolist()
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["clipped (2 runs)", "plain"]


# --------------------------------------------------------------------------- accuracy_vs_distance


def test_accuracy_vs_distance_curves_and_chance_line() -> None:
    accuracies = {"RNN": [0.9, 0.6, 0.5], "LSTM": [0.95, 0.93, 0.9]}
    ax = viz.accuracy_vs_distance([2, 8, 32], accuracies, chance=0.5).axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3  # two models and the chance line
    assert list(lines[2].get_ydata()) == [0.5, 0.5]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN", "LSTM"]
    assert any(t.get_text().strip() == "chance" for t in ax.texts)
    assert ax.get_ylim() == (0.0, 1.04)


def test_accuracy_vs_distance_with_seeds_draws_the_mean_and_every_run() -> None:
    seeds = np.array([[1.0, 1.0, 0.5], [1.0, 0.5, 0.5]])  # 2 seeds x 3 distances
    ax = viz.accuracy_vs_distance([5, 10, 20], {"RNN": seeds}, chance=None).axes[0]
    mean, *dots = ax.get_lines()
    assert list(mean.get_ydata()) == [1.0, 0.75, 0.5]
    assert [list(d.get_ydata()) for d in dots] == seeds.tolist()
    # the dots sit beside their distance, apart from each other, never on another distance
    xs = np.array([d.get_xdata() for d in dots])
    assert (xs[0] != xs[1]).all() and (np.abs(xs - [5, 10, 20]) < 2.5).all()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN (mean of 2 seeds)"]


def test_accuracy_vs_distance_without_chance() -> None:
    ax = viz.accuracy_vs_distance([1, 2], {"GRU": [1.0, 1.0]}, chance=None).axes[0]
    assert len(ax.get_lines()) == 1 and not ax.texts


@pytest.mark.parametrize(
    ("distances", "accuracies", "kwargs", "error", "match"),
    [
        ([1, 2, 3], {"RNN": [0.5, 0.5]}, {}, ValueError, r"accuracies\['RNN'\] must have shape"),
        ([1, 2], {"RNN": [[[0.5, 0.5]]]}, {}, ValueError, "must have 1 or 2 dimensions"),
        ([1, 2], {"RNN": [0.5, 1.5]}, {}, ValueError, r"must lie in \[0, 1\]"),
        ([1, 2], [[0.5, 0.5]], {}, TypeError, "accuracies must be a mapping"),
        ([1, 2], {}, {}, ValueError, "accuracies must not be empty"),
        ([1, 2], {"RNN": [0.5, 0.5]}, {"chance": 2.0}, ValueError, r"chance must be in \[0, 1\]"),
        ([[1, 2]], {"RNN": [0.5, 0.5]}, {}, ValueError, "distances must have 1 dimensions"),
    ],
)
def test_accuracy_vs_distance_rejects_bad_input(
    distances: object, accuracies: object, kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.accuracy_vs_distance(distances, accuracies, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- accuracy_by_group


def test_accuracy_by_group_bars_dots_and_ceiling_ticks() -> None:
    seeds = np.array([[1.0, 0.5, 0.0], [1.0, 0.7, 0.2]])  # 2 seeds x 3 groups
    fig = viz.accuracy_by_group(
        ["a", "b", "c"], {"uni": seeds, "bi": [1.0, 1.0, 0.9]}, {"uni": [1.0, 0.6, 0.0]}
    )
    ax = fig.axes[0]
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [1.0, 0.6, 0.1, 1.0, 1.0, 0.9]  # the mean of each model's seeds, per group
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [list(d.get_ydata()) for d in dots] == seeds.tolist()  # every seed of uni, none of bi
    (ticks,) = ax.collections  # one set of ceiling ticks: only uni has a ceiling
    assert [round(float(seg[0][1]), 6) for seg in ticks.get_segments()] == [1.0, 0.6, 0.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["ceiling", "uni (mean of 2 seeds)", "bi"]
    assert ax.get_ylim()[0] < 0  # a ceiling of 0 stays visible above the axis


@pytest.mark.parametrize(
    ("groups", "accuracies", "ceilings", "error", "match"),
    [
        ("ab", {"m": [0.5, 0.5]}, None, TypeError, "groups must be a non-empty sequence"),
        (["a", "b"], {"m": [0.5]}, None, ValueError, r"accuracies\['m'\] must have shape"),
        (["a", "b"], {"m": [0.5, 1.5]}, None, ValueError, r"must lie in \[0, 1\]"),
        (["a", "b"], [[0.5, 0.5]], None, TypeError, "accuracies must be a mapping"),
        (["a", "b"], {}, None, ValueError, "accuracies must not be empty"),
        (["a", "b"], {"m": [0.5, 0.5]}, [1, 1], TypeError, "ceilings must be a mapping"),
        (["a", "b"], {"m": [0.5, 0.5]}, {"x": [1, 1]}, ValueError, "names no model"),
        (["a", "b"], {"m": [0.5, 0.5]}, {"m": [1, 2]}, ValueError, r"2 values in \[0, 1\]"),
    ],
)
def test_accuracy_by_group_rejects_bad_input(
    groups: object, accuracies: object, ceilings: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.accuracy_by_group(groups, accuracies, ceilings)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- forecast

_T = np.arange(24) / 12 + 1990.0  # two years, monthly
_SERIES = 350 + 0.1 * np.arange(24) + 3 * np.sin(2 * np.pi * np.arange(24) / 12)


def test_forecast_renders_a_small_nontrivial_png() -> None:
    fig = viz.forecast(_T, _SERIES, {"LSTM": _SERIES[18:] + 0.5}, start=18, ylabel="CO2 (ppm)")
    width, height = fig.get_size_inches()
    assert 2.5 <= width <= 9.0 and 1.5 <= height <= 7.0, (width, height)
    assert_nontrivial_png(fig)


def test_forecast_draws_every_model_on_the_test_period_with_its_rmse() -> None:
    errors = np.array([1.0, -1.0, 2.0, -2.0, 0.0, 0.0])  # RMSE sqrt(10 / 6) = 1.29
    predictions = {"LSTM": _SERIES[18:] + errors, "last value": torch.full((6,), 350.0)}
    ax = viz.forecast(_T, torch.from_numpy(_SERIES), predictions, start=18).axes[0]
    observed, lstm, last = ax.get_lines()
    assert np.allclose(observed.get_xdata(), _T) and np.allclose(lstm.get_xdata(), _T[18:])
    assert np.allclose(lstm.get_ydata(), _SERIES[18:] + errors)
    assert np.allclose(last.get_ydata(), 350.0)
    rmse_last = np.sqrt(np.mean((350.0 - _SERIES[18:]) ** 2))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "observed",
        "LSTM (RMSE 1.29)",
        f"last value (RMSE {rmse_last:.2f})",
    ]
    assert ax.get_xlim() == (_T[0], _T[-1])
    assert "test period" in _all_text(ax.figure)


def test_forecast_context_shows_only_the_last_observations_before_the_start() -> None:
    ax = viz.forecast(_T, _SERIES, {"GRU": _SERIES[18:]}, start=18, context=6).axes[0]
    assert np.allclose(ax.get_lines()[0].get_xdata(), _T[12:])
    assert ax.get_xlim() == (_T[12], _T[-1])
    assert "RMSE 0.00" in ax.get_legend().get_texts()[1].get_text()


@pytest.mark.parametrize(
    ("time", "observed", "predictions", "kwargs", "error", "match"),
    [
        (_T, _SERIES, {"RNN": _SERIES[:5]}, {}, ValueError, r"predictions\['RNN'\] must have shape \(T - start,\) = \(6,\)"),
        (_T, _SERIES[:20], {"RNN": _SERIES[18:]}, {}, ValueError, r"observed must have shape \(T,\) = \(24,\)"),
        (_T[::-1], _SERIES, {"RNN": _SERIES[18:]}, {}, ValueError, "time must be strictly increasing"),
        (_T, _SERIES, [_SERIES[18:]], {}, TypeError, "predictions must be a mapping"),
        (_T, _SERIES, {}, {}, ValueError, "predictions must not be empty"),
        (_T, _SERIES, {"RNN": _SERIES}, {"start": 0}, ValueError, r"start must be in \[1, 23\], got 0"),
        (_T, _SERIES, {"RNN": _SERIES[18:]}, {"start": 18.0}, TypeError, "start must be an int"),
        (_T, _SERIES, {"RNN": _SERIES[18:]}, {"context": 19}, ValueError, r"context must be in \[1, 18\]"),
        (_T, np.full(24, np.nan), {"RNN": _SERIES[18:]}, {}, ValueError, "observed must be finite"),
        (_T, "CO2", {"RNN": _SERIES[18:]}, {}, TypeError, "observed must be a NumPy array"),
    ],
)  # fmt: skip
def test_forecast_rejects_bad_input(
    time: object,
    observed: object,
    predictions: object,
    kwargs: dict,
    error: type[Exception],
    match: str,
) -> None:
    kwargs = {"start": 18, **kwargs}
    with pytest.raises(error, match=match):
        viz.forecast(time, observed, predictions, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the bidirectional RNN


@pytest.mark.parametrize("T", [1, 4, 6])
def test_bidirectional_rnn_renders_a_small_nontrivial_png_with_its_text_inside(T: int) -> None:
    fig = viz.bidirectional_rnn(T)
    width, height = fig.get_size_inches()
    assert 2.5 <= width <= 9.0 and 1.5 <= height <= 7.0, (width, height)
    assert_nontrivial_png(fig)
    test_diagram_text_is_inside_the_figure_and_does_not_overlap(lambda: viz.bidirectional_rnn(T))


def test_bidirectional_rnn_labels_both_directions_in_course_notation() -> None:
    text = _all_text(viz.bidirectional_rnn(T=4))
    for t in range(1, 5):
        for symbol in ("x", r"\hat{y}", r"\overrightarrow{a}", r"\overleftarrow{a}"):
            assert _sup(symbol, t) in text, _sup(symbol, t)
    assert _sup(r"\overrightarrow{a}", 0) in text  # the forward RNN starts on the left
    assert _sup(r"\overleftarrow{a}", 5) in text  # the backward one after the last step
    assert _sup(r"\overleftarrow{a}", 0) not in text and _sup("x", 5) not in text
    assert r"\overleftarrow{W}_{aa}" in text and r"\overrightarrow{W}_{aa}" in text
    assert "concatenated" in text


@pytest.mark.parametrize("T", [1, 3])
def test_bidirectional_rnn_states_flow_both_ways_and_everything_else_up(T: int) -> None:
    arrows = [d for d in _arrows(viz.bidirectional_rnn(T), viz.INK) if max(map(abs, d)) > 0]
    horizontal = [dx for dx, dy in arrows if abs(dx) > abs(dy)]
    # a0 -> cell 1 and T state arrows each way (the last ones leave the picture)
    assert sum(dx > 0 for dx in horizontal) == T + 1
    assert sum(dx < 0 for dx in horizontal) == T + 1
    assert all(dy > 0 for dx, dy in arrows if abs(dy) > abs(dx))  # x up to the cells, up to ŷ


@pytest.mark.parametrize(
    ("T", "error", "match"),
    [
        (0, ValueError, r"T must be in \[1, 6\], got 0"),
        (7, ValueError, r"T must be in \[1, 6\], got 7"),
        (2.0, TypeError, "T must be an int"),
        (True, TypeError, "T must be an int"),
    ],
)
def test_bidirectional_rnn_rejects_bad_arguments(
    T: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.bidirectional_rnn(T)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the deep RNN


@pytest.mark.parametrize(("T", "L"), [(1, 1), (3, 3), (5, 4)])
def test_deep_rnn_renders_a_small_nontrivial_png_with_its_text_inside(T: int, L: int) -> None:
    fig = viz.deep_rnn(T, L)
    width, height = fig.get_size_inches()
    assert 2.5 <= width <= 9.0 and 1.5 <= height <= 7.0, (width, height)
    assert_nontrivial_png(fig)
    test_diagram_text_is_inside_the_figure_and_does_not_overlap(lambda: viz.deep_rnn(T, L))


def test_deep_rnn_labels_every_layer_and_step_in_course_notation() -> None:
    text = _all_text(viz.deep_rnn(T=3, L=3))
    for layer in range(1, 4):
        assert rf"$a^{{[{layer}]\langle 0\rangle}}$" in text  # each layer's own initial state
        for t in range(1, 4):
            assert rf"$a^{{[{layer}]\langle {t}\rangle}}$" in text
    for t in range(1, 4):
        assert _sup("x", t) in text and _sup(r"\hat{y}", t) in text
    assert "reads x" in text and "reads layer 2" in text


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"T": 0}, ValueError, r"T must be in \[1, 5\], got 0"),
        ({"L": 5}, ValueError, r"L must be in \[1, 4\], got 5"),
        ({"T": 2.0}, TypeError, "T must be an int"),
    ],
)
def test_deep_rnn_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        viz.deep_rnn(**kwargs)  # type: ignore[arg-type]
