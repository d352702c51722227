r"""Notebook 02 (backpropagation through time): ``rnn_cell_backward``, ``rnn_backward``.

The inputs are built with the reference forward pass, so the caches have the layout the notebook
defines: ``cache = (a_next, a_prev, x_t, params)``.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, Mistake

NB = "02_bptt"
_GRADS = ("dW_ax", "dW_aa", "db_a")

# --- rnn_cell_backward --------------------------------------------------------------------------


def _cell_bwd(da_next: np.ndarray, cache: R.RnnCache, bug: str) -> dict[str, np.ndarray]:
    a_next, a_prev, x_t, p = cache
    deriv = {
        "no_tanh_derivative": 1.0,
        "one_minus_a": 1.0 - a_next,
        "tanh_of_a": 1.0 - np.tanh(a_next) ** 2,
        "a_prev_in_derivative": 1.0 - a_prev**2,
    }.get(bug, 1.0 - a_next**2)
    dz = da_next * deriv  # (m, n_a)
    return {
        "dx_t": dz @ p["W_ax"],
        "da_prev": dz @ (p["W_aa"].T if bug == "transposed_W_aa" else p["W_aa"]),
        "dW_ax": dz.T @ x_t,
        "dW_aa": a_prev.T @ dz if bug == "transposed_dW_aa" else dz.T @ a_prev,
        "db_a": dz.mean(axis=0) if bug == "mean_db" else dz.sum(axis=0),
    }


def _cell_bwd_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        x_t, a_prev = inputs.normal(rng, s["m"], s["n_x"]), inputs.state(rng, s["m"], s["n_a"])
        params = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        _, _, cache = R.rnn_cell_forward(x_t, a_prev, params)
        da_next = inputs.normal(rng, s["m"], s["n_a"])
        out.append(Case(inputs.label(s, "m n_x n_a"), (da_next, cache)))
    return out


RNN_CELL_BACKWARD = Exercise(
    name="rnn_cell_backward",
    notebook=NB,
    reference=R.rnn_cell_backward,
    make_cases=_cell_bwd_cases,
    returns="dict",
    outputs=("dx_t", "da_prev", *_GRADS),
    hint="with dz = da_next * (1 - a_next**2) of shape (m, n_a): dx_t = dz @ W_ax (m, n_x), "
    "da_prev = dz @ W_aa (m, n_a), dW_ax = dz.T @ x_t (n_a, n_x), dW_aa = dz.T @ a_prev (n_a, n_a).",
    mistakes=tuple(
        Mistake(bug, msg, partial(_cell_bwd, bug=bug))
        for bug, msg in [
            ("no_tanh_derivative", "left out the derivative of tanh: dz = da_next ⊙ (1 − a⟨t⟩²)."),
            (
                "one_minus_a",
                "used (1 − a⟨t⟩) for the derivative of tanh: it is 1 − a⟨t⟩², squared.",
            ),
            ("tanh_of_a", "applied tanh again: a⟨t⟩ already is tanh(z), so tanh'(z) = 1 − a⟨t⟩²."),
            (
                "a_prev_in_derivative",
                "used a⟨t−1⟩ in the derivative: tanh'(z) = 1 − a⟨t⟩², the new state.",
            ),
            (
                "transposed_W_aa",
                "multiplied by W_aa.T for da_prev: in row layout da_prev = dz @ W_aa.",
            ),
            (
                "transposed_dW_aa",
                "computed dW_aa transposed: dW_aa = dz.T @ a_prev has W_aa's shape (out, in).",
            ),
            (
                "mean_db",
                "averaged db_a over the batch: the loss is a sum, so db_a = Σ over the batch of dz.",
            ),
        ]
    ),
)

# --- rnn_backward ----------------------------------------------------------------------------------


def _seq_bwd(da: np.ndarray, caches: list[R.RnnCache], bug: str) -> dict[str, np.ndarray]:
    T = da.shape[1]
    grads = {k: np.zeros_like(caches[0][3][k[1:]]) for k in _GRADS}
    dx: list[np.ndarray] = [np.empty(0)] * T
    da_prev = np.zeros_like(da[:, 0])
    for t in range(T) if bug == "forward_in_time" else reversed(range(T)):
        upstream = {
            "no_recurrent": da[:, t],
            "only_recurrent": da_prev if t < T - 1 else da[:, t],
        }.get(bug, da[:, t] + da_prev)
        step = R.rnn_cell_backward(upstream, caches[t])
        da_prev, dx[t] = step["da_prev"], step["dx_t"]
        for k in grads:
            grads[k] = step[k] if bug == "not_accumulated" else grads[k] + step[k]
    if bug == "dx_reversed":
        dx = dx[::-1]
    return {"dx": np.stack(dx, axis=1), "da0": da_prev, **grads}


def _seq_bwd_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        x, a0 = inputs.normal(rng, s["m"], s["T"], s["n_x"]), inputs.state(rng, s["m"], s["n_a"])
        params = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        _, _, caches = R.rnn_forward(x, a0, params)
        da = inputs.normal(rng, s["m"], s["T"], s["n_a"])
        out.append(Case(inputs.label(s, "m T n_x n_a"), (da, caches)))
    return out


RNN_BACKWARD = Exercise(
    name="rnn_backward",
    notebook=NB,
    reference=R.rnn_backward,
    make_cases=_seq_bwd_cases,
    returns="dict",
    outputs=("dx", "da0", *_GRADS),
    time_axis={"dx": 1},
    hint="go t = T_x−1 … 0; at each step call your rnn_cell_backward with da[:, t] + da_prev, "
    "store dx_t in dx[:, t] and add the step's parameter gradients.",
    mistakes=tuple(
        Mistake(bug, msg, partial(_seq_bwd, bug=bug))
        for bug, msg in [
            (
                "not_accumulated",
                "kept one step's parameter gradient: dW_ax, dW_aa and db_a are sums "
                "over all time steps (+=).",
            ),
            (
                "no_recurrent",
                "did not add the gradient coming back from step t+1: the upstream gradient "
                "at step t is da[:, t] + da_prev.",
            ),
            (
                "only_recurrent",
                "used da[:, t] only at the last step: every step's output sends its own "
                "gradient, so add da[:, t] at each t.",
            ),
            (
                "forward_in_time",
                "went forward in time: backpropagation through time runs t = T_x, …, 1.",
            ),
            ("dx_reversed", "stored dx in reverse order: dx[:, t] is the gradient on x⟨t⟩."),
        ]
    ),
)

EXERCISES = (RNN_CELL_BACKWARD, RNN_BACKWARD)
