r"""Notebook 06 (bidirectional RNNs): ``reverse_padded``, which reverses each sequence of a padded
batch within its own length; ``birnn_output``, the output head on the concatenated states;
``birnn_h_n``, torch's ``h_n`` from them; and ``birnn_forward``, a bidirectional vanilla RNN or GRU
over a padded batch, equal to ``torch.nn.RNN`` (or ``GRU``) ``(bidirectional=True,
batch_first=True)`` run on the packed batch (``pack_padded_sequence(x, lengths, batch_first=True,
enforce_sorted=False)``) and unpacked with ``pad_packed_sequence``, from zero initial states; for
the tanh cell:

.. math::
    \overrightarrow{a}^{\langle t\rangle} = \tanh(\overrightarrow{W}_{ax} x^{\langle t\rangle}
        + \overrightarrow{W}_{aa} \overrightarrow{a}^{\langle t-1\rangle} + \overrightarrow{b}_a),
        \quad t = 1 \dots T^{(i)}, \qquad
    \overleftarrow{a}^{\langle t\rangle} = \tanh(\overleftarrow{W}_{ax} x^{\langle t\rangle}
        + \overleftarrow{W}_{aa} \overleftarrow{a}^{\langle t+1\rangle} + \overleftarrow{b}_a),
        \quad t = T^{(i)} \dots 1

with :math:`\overrightarrow{a}^{\langle 0\rangle} = \overleftarrow{a}^{\langle T^{(i)}+1\rangle}
= 0`, :math:`T^{(i)}` = ``lengths[i]``; the output is :math:`[\overrightarrow{a}^{\langle t\rangle};
\overleftarrow{a}^{\langle t\rangle}]` on the last axis, zero at padded steps :math:`t > T^{(i)}`.
A GRU (PyTorch's, gates ``r | z | n``, reset after the recurrent matmul) takes the tanh cell's
place in both directions the same way.

The references come first, each a correct answer written out; then each exercise, with its
mistakes: a small function that makes each one, so that the check can recognise it in a
student's output and tests can prove the check catches it.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "06_bidirectional"
Params = dict[str, np.ndarray]

# --- reverse_padded -------------------------------------------------------------------------------


def _reverse(x: np.ndarray, lengths: np.ndarray, bug: str) -> np.ndarray:
    if bug == "whole_axis":
        return x[:, ::-1].copy()
    if bug == "batch_axis":
        return x[::-1].copy()
    out = x.copy()
    for i, L in enumerate(lengths):
        n = {"one_short": L - 1, "one_long": L + 1}.get(bug, L)  # steps reversed in row i
        out[i, :n] = x[i, :n][::-1]
    if bug == "padding_zeroed":
        out[np.arange(x.shape[1]) >= lengths[:, None]] = 0
    return out


def _lengths(rng: np.random.Generator, m: int, T: int) -> np.ndarray:
    """``(m,)`` int64 lengths in ``[1, T]``: row 0 full, the last row short when ``T > 1``.

    The last row stops at least two steps early when ``T > 2``, so that reversing one step too
    many (a padding step comes in) differs from reversing the whole padded axis.
    """
    lengths = rng.integers(1, T + 1, size=m)
    lengths[0] = T
    if m > 1 and T > 1:
        lengths[-1] = rng.integers(1, max(T - 2, 1) + 1)
    return lengths.astype(np.int64)


def _padded(rng: np.random.Generator, m: int, T: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A padded batch ``x (m, T, n)``, random values in the padding too, and its ``lengths``."""
    return inputs.normal(rng, m, T, n), _lengths(rng, m, T)


def _reverse_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        x, lengths = _padded(rng, s["m"], s["T"], s["n_x"])
        label = f"{inputs.label(s, 'm T n_x')}, lengths={lengths.tolist()}"
        out.append(Case(label, (x, lengths)))
    return out


REVERSE_PADDED = Exercise(
    name="reverse_padded",
    notebook=NB,
    reference=R.reverse_padded,
    make_cases=_reverse_cases,
    hand=(
        Case(
            "rows 0..3, 4..7, 8..11 with lengths [4, 1, 2]: [[3, 2, 1, 0], [4, 5, 6, 7], [9, 8, 10, 11]]",
            (np.arange(12, dtype=float).reshape(3, 4, 1), np.array([4, 1, 2])),
        ),
    ),
    returns="array",
    outputs=("x_rev",),
    time_axis={"x_rev": 1},
    hint="x is (m, T_x, n); row i has lengths[i] real steps: out[i, :L] = x[i, :L][::-1].",
    mistakes=catalogue(
        _reverse,
        [
            (
                "whole_axis",
                "reversed the whole time axis, padding included: the padding moved to the front. "
                "Reverse only each row's first lengths[i] steps, out[i, :L] = x[i, :L][::-1].",
            ),
            (
                "batch_axis",
                "reversed the batch axis (axis 0): x is (m, T_x, n), time is axis 1, and each "
                "row must keep its place in the batch.",
            ),
            (
                "one_short",
                "reversed only lengths[i] − 1 steps (off by one): row i has lengths[i] real "
                "steps, x[i, 0] … x[i, lengths[i] − 1].",
            ),
            (
                "one_long",
                "reversed lengths[i] + 1 steps (off by one): a padding step moved into the "
                "sequence. Row i's real steps are x[i, :lengths[i]].",
            ),
            (
                "padding_zeroed",
                "set the padding to zero: leave the padded steps as they were, only reverse "
                "the real ones.",
            ),
        ],
    ),
)

# --- birnn_forward --------------------------------------------------------------------------------


def _direction(
    x: np.ndarray, p: Params, cell: str, bug: str, a0: np.ndarray | None = None
) -> np.ndarray:
    """:func:`rnncourse.reference.rnn_states`, or a GRU written by hand with a mistake, or from a state ``a0``."""
    if a0 is None and not (cell == "gru" and bug in ("gru_reset_before", "gru_z_flipped")):
        return R.rnn_states(x, p, cell)
    n_a = p["W_aa"].shape[1]
    a_t = np.zeros((x.shape[0], n_a)) if a0 is None else a0
    states = []
    for t in range(x.shape[1]):
        if cell == "rnn":
            a_t = np.tanh(x[:, t] @ p["W_ax"].T + a_t @ p["W_aa"].T + p["b_a"])
        else:
            r_x, z_x, n_x = np.split(x[:, t] @ p["W_ax"].T + p["b_ax"], 3, axis=1)
            r_a, z_a, n_h = np.split(a_t @ p["W_aa"].T + p["b_aa"], 3, axis=1)
            r, z = R.sigmoid(r_x + r_a), R.sigmoid(z_x + z_a)
            if bug == "gru_reset_before":  # the lecture's c̃: Γ_r before the matmul
                W_ca, b_ca = p["W_aa"][2 * n_a :], p["b_aa"][2 * n_a :]
                c_tilde = np.tanh(n_x + (r * a_t) @ W_ca.T + b_ca)
            else:
                c_tilde = np.tanh(n_x + r * n_h)
            keep = 1.0 - z if bug == "gru_z_flipped" else z
            a_t = (1.0 - keep) * c_tilde + keep * a_t
        states.append(a_t)
    return np.stack(states, axis=1)


def _birnn(
    x: np.ndarray,
    lengths: np.ndarray,
    params_fwd: Params,
    params_bwd: Params,
    cell: str = "rnn",
    *,
    bug: str,
) -> np.ndarray:
    if bug == "shared_weights":
        params_bwd = params_fwd
    if bug == "params_swapped":
        params_fwd, params_bwd = params_bwd, params_fwd
    reverse = partial(_reverse, bug="whole_axis" if bug == "plain_flip" else "")
    a_fwd = _direction(x, params_fwd, cell, bug)  # (m, T, n_a); a step never depends on a later one
    start = None
    if bug == "backward_from_forward_end":  # the two chains joined into one
        start = a_fwd[np.arange(x.shape[0]), np.asarray(lengths) - 1]
    if bug == "backward_not_reversed":
        a_bwd = _direction(x, params_bwd, cell, bug)
    else:
        a_bwd = _direction(reverse(x, lengths), params_bwd, cell, bug, start)  # x⟨T^(i)⟩ first
        if bug != "not_reversed_back":
            a_bwd = reverse(a_bwd, lengths)
    real = (np.arange(x.shape[1]) < lengths[:, None])[:, :, None]  # (m, T, 1): t < T^(i)
    if bug == "summed":
        return (a_fwd + a_bwd) * real
    halves = [a_bwd, a_fwd] if bug == "swapped_halves" else [a_fwd, a_bwd]
    out = np.concatenate(halves, axis=2)  # (m, T, 2n_a)
    if bug != "padding_not_zeroed":
        out = out * real  # pad_packed_sequence's zeros
    return out


def _rnn_params(rng: np.random.Generator, n_x: int, n_a: int) -> dict[str, np.ndarray]:
    """``W_ax (n_a, n_x), W_aa (n_a, n_a), b_a (n_a,)``: one direction, as ``params_from_torch``."""
    return {
        "W_ax": inputs.normal(rng, n_a, n_x, scale=0.6),
        "W_aa": inputs.normal(rng, n_a, n_a, scale=0.6),
        "b_a": inputs.normal(rng, n_a, scale=0.5),
    }


def _birnn_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for cell in ("rnn", "gru"):
        make = _rnn_params if cell == "rnn" else inputs.gru_params
        for s in inputs.sizes(rng):
            x, lengths = _padded(rng, s["m"], s["T"], s["n_x"])
            args = (x, lengths, make(rng, s["n_x"], s["n_a"]), make(rng, s["n_x"], s["n_a"]), cell)
            label = f"cell={cell!r}, {inputs.label(s, 'm T n_x n_a')}, lengths={lengths.tolist()}"
            out.append(Case(label, args))
    x, lengths, p_f, p_b, _ = out[0].args
    zero = {k: np.zeros_like(v) for k, v in p_f.items()}
    full = np.full_like(lengths, x.shape[1])
    g_x, g_lengths, g_f, g_b, _ = next(c for c in out if c.args[4] == "gru").args
    g_zero = {k: np.zeros_like(v) for k, v in g_f.items()}  # a GRU with zero weights stays at 0
    plan = [
        ("the forward direction", "params_bwd = 0", "the backward half is 0", (x, lengths, p_f, zero, "rnn")),
        ("the backward direction", "params_fwd = 0", "the forward half is 0", (x, lengths, zero, p_b, "rnn")),
        ("the padding", "every lengths[i] = T_x", "no padding, a plain flip reverses",
         (x, full, p_f, p_b, "rnn")),
        ("the GRU's forward direction", "params_bwd = 0 (cell='gru')", "the backward half is 0",
         (g_x, g_lengths, g_f, g_zero, "gru")),
        ("the GRU's backward direction", "params_fwd = 0 (cell='gru')", "the forward half is 0",
         (g_x, g_lengths, g_zero, g_b, "gru")),
    ]  # fmt: skip
    return out + [Case(f"probe {t}: {how}; {e}", args) for t, how, e, args in plan]


def _birnn_hand() -> tuple[Case, ...]:
    rng = np.random.default_rng(7)
    out = []
    for cell in ("rnn", "gru"):
        make = _rnn_params if cell == "rnn" else inputs.gru_params
        p_f, p_b = make(rng, 2, 3), make(rng, 2, 3)
        x, lengths = rng.normal(size=(3, 5, 2)), np.array([5, 2, 4])
        x[1, 2:], x[2, 4:] = 99.0, -99.0  # large padding: it must not reach any real step
        label = f"cell={cell!r}, m=3, T=5, n_x=2, n_a=3, lengths=[5, 2, 4], padding ±99"
        out.append(Case(label, (x, lengths, p_f, p_b, cell)))
    return tuple(out)


BIRNN_FORWARD = Exercise(
    name="birnn_forward",
    notebook=NB,
    reference=R.birnn_forward,
    make_cases=_birnn_cases,
    hand=_birnn_hand(),
    helpers=("reverse_padded",),
    returns="array",
    outputs=("a",),
    time_axis={"a": 1},
    hint=(
        "x is (m, T_x, n_x); rnn_states(x, params, cell) gives (m, T_x, n_a) for one direction, "
        "with the same cell in both directions. Backward: reverse_padded(x, lengths) → "
        "rnn_states → reverse_padded again; then np.concatenate([a_fwd, a_bwd], axis=2) → "
        "(m, T_x, 2n_a), zero where t >= lengths[i]."
    ),
    mistakes=catalogue(
        _birnn,
        [
            (
                "not_reversed_back",
                "forgot to reverse the backward states back: after running on the reversed "
                "sequence, its state for step t sits at position lengths[i] − 1 − t; reverse_padded "
                "them so that ←a⟨t⟩ lines up with →a⟨t⟩.",
            ),
            (
                "plain_flip",
                "flipped the whole padded time axis for the backward direction: it then starts "
                "on the padding, not on the sequence's own last word. Use reverse_padded(x, "
                "lengths) (and again on its states).",
            ),
            (
                "backward_not_reversed",
                "ran the backward RNN left to right: it must read x⟨T⟩, …, x⟨1⟩, so reverse the "
                "sequence (respecting lengths) before it and its states after it.",
            ),
            (
                "swapped_halves",
                "concatenated the halves in the wrong order: PyTorch puts the forward states "
                "first, [→a⟨t⟩ ; ←a⟨t⟩] on the last axis.",
            ),
            (
                "shared_weights",
                "used params_fwd for both directions: the backward RNN has its own weights, "
                "params_bwd (PyTorch's weight_ih_l0_reverse, ...).",
            ),
            (
                "padding_not_zeroed",
                "left values at the padded steps: set a[i, t] = 0 for t >= lengths[i], as "
                "pad_packed_sequence does.",
            ),
            (
                "summed",
                "added the two directions' states: concatenate them, np.concatenate([a_fwd, "
                "a_bwd], axis=2), shape (m, T_x, 2n_a).",
            ),
            (
                "params_swapped",
                "swapped the two directions' weights: params_fwd belong to the forward RNN "
                "(weight_ih_l0), params_bwd to the backward one (weight_ih_l0_reverse).",
            ),
            (
                "backward_from_forward_end",
                "started the backward RNN from the forward RNN's last state: the two directions "
                "are separate chains that meet only at the output; the backward one starts "
                "from its own zero state, ←a⟨T^(i)+1⟩ = 0.",
            ),
            (
                "gru_reset_before",
                "used the lecture's GRU, with the reset gate before the recurrent matmul: "
                "torch.nn.GRU applies it after, c̃ = tanh(W_cx x + b_cx + Γ_r ⊙ (W_ca a⟨t−1⟩ "
                "+ b_ca)); rnn_states(x, params, 'gru') computes it.",
            ),
            (
                "gru_z_flipped",
                "swapped z and 1 − z in the GRU: a⟨t⟩ = (1 − z) ⊙ c̃ + z ⊙ a⟨t−1⟩, z the "
                "middle block of r | z | n; rnn_states(x, params, 'gru') computes it.",
            ),
        ],
    ),
)

# --- birnn_output ---------------------------------------------------------------------------------


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _output(a: np.ndarray, W_y: np.ndarray, b_y: np.ndarray, bug: str) -> np.ndarray:
    n_a = a.shape[2] // 2
    if bug == "forward_only":
        return _softmax(a[..., :n_a] @ W_y[:, :n_a].T + b_y)
    if bug == "backward_only":
        return _softmax(a[..., n_a:] @ W_y[:, n_a:].T + b_y)
    W = W_y.T if bug == "transposed_W_y" else W_y
    z = a @ W.T + (0.0 if bug == "missing_b_y" else b_y)  # (m, T_x, n_y)
    if bug == "no_softmax":
        return z
    if bug == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return _softmax(z, axis=1 if bug == "softmax_over_time" else -1)


def _output_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for k, s in enumerate(inputs.sizes(rng)):
        n_a = s["n_a"] if k else 2  # the first case square: W_y (4, 4), so a transpose runs
        n_y = 2 * n_a if k == 0 else s["n_y"]
        a = rng.uniform(-0.9, 0.9, size=(s["m"], s["T"], 2 * n_a))
        args = (a, inputs.normal(rng, n_y, 2 * n_a, scale=0.8), inputs.normal(rng, n_y, scale=0.5))
        label = (
            f"{inputs.label(s | {'n_y': n_y}, 'm T n_y')}, a of shape {a.shape} (2·n_a = {2 * n_a})"
        )
        out.append(Case(label, args))
    a, W_y, b_y = out[0].args
    n_a = a.shape[2] // 2
    only_f, only_b = W_y.copy(), W_y.copy()
    only_f[:, n_a:], only_b[:, :n_a] = 0.0, 0.0
    plan = [
        ("the bias b_y", "W_y = 0", "ŷ = softmax(b_y)", (a, 0 * W_y, b_y)),
        ("the forward half →a⟨t⟩", "W_y's backward block = 0 and b_y = 0",
         "ŷ = softmax(W_y[:, :n_a] →a⟨t⟩)", (a, only_f, 0 * b_y)),
        ("the backward half ←a⟨t⟩", "W_y's forward block = 0 and b_y = 0",
         "ŷ = softmax(W_y[:, n_a:] ←a⟨t⟩)", (a, only_b, 0 * b_y)),
    ]  # fmt: skip
    return out + [Case(f"probe {t}: {how}; {e}", args) for t, how, e, args in plan]


_HEAD = "ŷ⟨t⟩ = softmax(W_y [→a⟨t⟩ ; ←a⟨t⟩] + b_y) = softmax(a @ W_y.T + b_y) over the last axis"

BIRNN_OUTPUT = Exercise(
    name="birnn_output",
    notebook=NB,
    reference=R.birnn_output,
    make_cases=_output_cases,
    returns="array",
    outputs=("y_hat",),
    time_axis={"y_hat": 1},
    hint="a (m, T_x, 2n_a) @ W_y.T (2n_a, n_y) → (m, T_x, n_y); the softmax is over the last axis.",
    mistakes=catalogue(
        _output,
        [
            ("forward_only", f"used only the forward half of the state: {_HEAD}."),
            ("backward_only", f"used only the backward half of the state: {_HEAD}."),
            ("transposed_W_y", f"multiplied by W_y instead of W_y.T: W_y is (n_y, 2n_a); {_HEAD}."),
            ("missing_b_y", f"left out the bias b_y: {_HEAD}."),
            ("no_softmax", f"returned the logits without the softmax: {_HEAD}."),
            ("sigmoid", f"applied sigmoid where the softmax belongs: {_HEAD}."),
            (
                "softmax_over_time",
                f"took the softmax over time (axis 1): each step's row must sum to 1; {_HEAD}.",
            ),
        ],
    ),
)

# --- birnn_h_n ------------------------------------------------------------------------------------


def _h_n(a: np.ndarray, lengths: np.ndarray, bug: str) -> np.ndarray:
    n_a = a.shape[2] // 2
    rows = np.arange(a.shape[0])
    last = np.asarray(lengths) - 1  # each row's own last real step
    fwd = a[:, -1, :n_a] if bug == "forward_at_padded_end" else a[rows, last, :n_a]  # (m, n_a)
    bwd = {
        "backward_at_last_step": a[rows, last, n_a:],
        "backward_at_padded_end": a[:, -1, n_a:],
    }.get(bug, a[:, 0, n_a:])  # ←a⟨1⟩: the backward chain ends at the first step
    if bug == "swapped":
        fwd, bwd = bwd, fwd
    if bug == "concatenated":
        return np.concatenate([fwd, bwd], axis=1)  # (m, 2n_a)
    return np.stack([fwd, bwd], axis=1 if bug == "batch_first" else 0)  # (2, m, n_a)


def _h_n_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        x, lengths = _padded(rng, s["m"], s["T"], s["n_x"])
        p_f, p_b = _rnn_params(rng, s["n_x"], s["n_a"]), _rnn_params(rng, s["n_x"], s["n_a"])
        a = R.birnn_forward(x, lengths, p_f, p_b)  # (m, T_x, 2n_a), as birnn_forward returns it
        label = f"{inputs.label(s, 'm T n_x n_a')}, lengths={lengths.tolist()}"
        out.append(Case(label, (a, lengths)))
    return out


_LAYOUT = (
    "h_n is (num_layers · num_directions, m, n_a) = (2, m, n_a): h_n[0][i] = →a⟨T^(i)⟩ = "
    "a[i, lengths[i] − 1, :n_a] (the forward chain ends at the row's own last word), "
    "h_n[1][i] = ←a⟨1⟩ = a[i, 0, n_a:] (the backward chain ends at the first step)"
)

BIRNN_H_N = Exercise(
    name="birnn_h_n",
    notebook=NB,
    reference=R.birnn_h_n,
    make_cases=_h_n_cases,
    returns="array",
    outputs=("h_n",),
    hint="rows = np.arange(m); a[rows, lengths - 1, :n_a] picks each row's own last step.",
    mistakes=catalogue(
        _h_n,
        [
            (
                "forward_at_padded_end",
                f"took the forward state at the padded end a[:, -1]: a short row's chain ended "
                f"at its own last word; {_LAYOUT}.",
            ),
            (
                "backward_at_last_step",
                f"took the backward state at the last step: the backward chain runs from "
                f"T^(i) down to 1, so its final state is the one at step 1; {_LAYOUT}.",
            ),
            (
                "backward_at_padded_end",
                f"took the backward state at the padded end a[:, -1]; {_LAYOUT}.",
            ),
            ("swapped", f"put the backward direction first: the forward one is h_n[0]; {_LAYOUT}."),
            ("batch_first", f"stacked the directions on axis 1, giving (m, 2, n_a); {_LAYOUT}."),
            ("concatenated", f"concatenated the two states, giving (m, 2n_a); {_LAYOUT}."),
        ],
    ),
)

EXERCISES: tuple[Exercise, ...] = (REVERSE_PADDED, BIRNN_FORWARD, BIRNN_OUTPUT, BIRNN_H_N)
