r"""Notebook 05 (LSTM): ``lstm_cell_forward`` and ``lstm_forward``.

Gates are stacked ``i | f | g | o`` = :math:`\Gamma_u | \Gamma_f | \tilde c | \Gamma_o` (PyTorch's
order). The catalogue includes the formulas that circulating lecture notes get wrong.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, Mistake

NB = "05_lstm"


def _lstm_cell(
    x_t: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, p: dict[str, np.ndarray], bug: str
) -> tuple[np.ndarray, np.ndarray, dict]:
    blocks = np.split(x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"], 4, axis=1)
    order = {"order_ifog": [0, 1, 3, 2], "order_figo": [1, 0, 2, 3]}.get(bug, [0, 1, 2, 3])
    i, f, g, o = (blocks[k] for k in order)
    i, f, o = R.sigmoid(i), R.sigmoid(f), R.sigmoid(o)
    g = R.sigmoid(g) if bug == "sigmoid_candidate" else np.tanh(g)
    c_next = c_prev + i * g if bug == "no_forget" else i * g + f * c_prev
    if bug == "no_tanh_on_c":
        a_next = o * c_next
    else:
        a_next = o * np.tanh(c_prev if bug == "a_from_c_prev" else c_next)
    return a_next, c_next, {}


def _cell_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        m, n_x, n_a = s["m"], s["n_x"], s["n_a"]
        args = (
            inputs.normal(rng, m, n_x),
            inputs.state(rng, m, n_a),
            inputs.normal(rng, m, n_a, scale=1.5),  # a cell state is not bounded by 1
            inputs.lstm_params(rng, n_x, n_a),
        )
        out.append(Case(inputs.label(s, "m n_x n_a"), args))
    return out


LSTM_CELL_FORWARD = Exercise(
    name="lstm_cell_forward",
    notebook=NB,
    reference=R.lstm_cell_forward,
    make_cases=_cell_cases,
    returns="tuple",
    outputs=("a_next", "c_next", "cache"),
    graded=("a_next", "c_next"),
    hint="x_t (m, n_x) @ W_ax.T → (m, 4n_a); a_prev (m, n_a) @ W_aa.T → (m, 4n_a); split into i | f | g | o.",
    mistakes=tuple(
        Mistake(bug, msg, partial(_lstm_cell, bug=bug))
        for bug, msg in [
            (
                "no_tanh_on_c",
                "computed a⟨t⟩ = Γ_o ⊙ c⟨t⟩: the hidden state is a⟨t⟩ = Γ_o ⊙ tanh(c⟨t⟩) "
                "(some lecture notes drop this tanh).",
            ),
            (
                "sigmoid_candidate",
                "applied sigmoid to the candidate: c̃⟨t⟩ = tanh(…); only the gates use σ.",
            ),
            (
                "no_forget",
                "wrote c⟨t⟩ = c⟨t−1⟩ + Γ_u ⊙ c̃⟨t⟩: the forget gate stays, "
                "c⟨t⟩ = Γ_u ⊙ c̃⟨t⟩ + Γ_f ⊙ c⟨t−1⟩.",
            ),
            (
                "order_ifog",
                "took the gates in the order i | f | o | g: PyTorch stacks them i | f | g | o "
                "(Γ_u, Γ_f, c̃, Γ_o).",
            ),
            (
                "order_figo",
                "swapped the update (input) and forget gates: the stacking is i | f | g | o, Γ_u first.",
            ),
            (
                "a_from_c_prev",
                "computed a⟨t⟩ from c⟨t−1⟩: a⟨t⟩ = Γ_o ⊙ tanh(c⟨t⟩) uses the new cell state.",
            ),
        ]
    ),
)


def _lstm_seq(
    x: np.ndarray, a0: np.ndarray, c0: np.ndarray, p: dict[str, np.ndarray], bug: str
) -> tuple[np.ndarray, np.ndarray, list]:
    a_t, c_t = a0, (np.zeros_like(c0) if bug == "c_zeros" else c0)
    a, c = [], []
    for t in range(x.shape[1]):
        a_in = a0 if bug == "a_not_carried" else a_t
        c_in = c0 if bug == "c_not_carried" else c_t
        a_next, c_next, _ = R.lstm_cell_forward(x[:, t], a_in, c_in, p)
        a.append(a_t if bug == "stored_prev" else a_next)
        c.append(c_t if bug == "stored_prev" else c_next)
        a_t, c_t = a_next, c_next
    return np.stack(a, axis=1), np.stack(c, axis=1), []


def _seq_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        m, n_x, n_a = s["m"], s["n_x"], s["n_a"]
        args = (
            inputs.normal(rng, m, s["T"], n_x),
            inputs.state(rng, m, n_a),
            inputs.normal(rng, m, n_a, scale=1.5),
            inputs.lstm_params(rng, n_x, n_a),
        )
        out.append(Case(inputs.label(s, "m T n_x n_a"), args))
    return out


LSTM_FORWARD = Exercise(
    name="lstm_forward",
    notebook=NB,
    reference=R.lstm_forward,
    make_cases=_seq_cases,
    returns="tuple",
    outputs=("a", "c", "caches"),
    graded=("a", "c"),
    time_axis={"a": 1, "c": 1},
    hint="x is (m, T_x, n_x): step t reads x[:, t, :]; a and c are (m, T_x, n_a).",
    mistakes=tuple(
        Mistake(bug, msg, partial(_lstm_seq, bug=bug))
        for bug, msg in [
            ("a_not_carried", "passed a0 to every step: a⟨t⟩ must feed step t+1."),
            (
                "c_not_carried",
                "passed c0 to every step: the cell state c⟨t⟩ must be carried to step t+1.",
            ),
            ("c_zeros", "started the cell state from zeros instead of the given c0."),
            (
                "stored_prev",
                "stored the states from before the step at position t (off by one in time).",
            ),
        ]
    ),
)

EXERCISES = (LSTM_CELL_FORWARD, LSTM_FORWARD)
