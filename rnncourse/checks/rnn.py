r"""Notebook 01 (vanilla RNN, forward): ``softmax``, ``rnn_cell_forward``, ``rnn_forward``.

Each mistake is a small function that makes it, so that the check can recognise it in a
student's output and tests can prove the check catches it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, Mistake

NB = "01_vanilla_rnn"

# --- softmax -------------------------------------------------------------------------------------


def _softmax(z: np.ndarray, bug: str) -> np.ndarray:
    if bug == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    axis = 0 if bug == "batch_axis" else -1
    shift = {"unstable": 0.0, "global_max": z.max()}.get(bug, z.max(axis=axis, keepdims=True))
    e = np.exp(z - shift)
    if bug == "whole_array":
        return e / e.sum()
    if bug == "no_keepdims":
        return e / e.sum(axis=-1)
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_cases(rng: np.random.Generator) -> list[Case]:
    large = rng.normal(size=(3, 5)) + np.array([[1000.0], [-1000.0], [0.0]])  # rows far apart
    return [
        Case("z of shape (4, 4)", (rng.normal(0, 2, size=(4, 4)),)),
        Case("z of shape (1, 3)", (rng.normal(0, 2, size=(1, 3)),)),
        Case("z of shape (2, 3, 5), a batch of sequences", (rng.normal(0, 2, size=(2, 3, 5)),)),
        Case("z with entries near +1000 and -1000", (large,)),
    ]


SOFTMAX = Exercise(
    name="softmax",
    notebook=NB,
    reference=lambda z: R.softmax(z),
    make_cases=_softmax_cases,
    returns="array",
    outputs=("softmax(z)",),
    mistakes=tuple(
        Mistake(bug, msg, partial(_softmax, bug=bug))
        for bug, msg in [
            (
                "batch_axis",
                "normalised over axis 0, the batch: each row (the last axis) must sum to 1.",
            ),
            ("whole_array", "divided by the sum of the whole array: normalise each row (axis=-1)."),
            (
                "no_keepdims",
                "summed without keepdims=True: the row sums then broadcast along the wrong axis.",
            ),
            (
                "unstable",
                "computed np.exp(z) directly: it overflows for large z. Subtract each row's max first.",
            ),
            (
                "global_max",
                "subtracted the max of the whole array: a row far below it underflows to 0/0. "
                "Subtract each row's own max (keepdims=True).",
            ),
            (
                "sigmoid",
                "computed the sigmoid 1/(1+e^-z): softmax is e^z_j / Σ_i e^z_i over the row.",
            ),
        ]
    ),
)

# --- rnn_cell_forward -----------------------------------------------------------------------------


def _rnn_cell(
    x_t: np.ndarray, a_prev: np.ndarray, p: dict[str, np.ndarray], bug: str
) -> tuple[Any, ...]:
    W_ax = p["W_ax"] if bug != "transposed_W_ax" else p["W_ax"].T
    W_aa = p["W_aa"] if bug != "transposed_W_aa" else p["W_aa"].T
    if bug == "swapped_W":
        W_ax, W_aa = p["W_aa"], p["W_ax"]
    b_a = 0.0 if bug == "missing_b_a" else p["b_a"]
    z = a_prev @ W_aa.T + x_t @ W_ax.T + b_a
    act = {"sigmoid_for_tanh": partial(_softmax, bug="sigmoid"), "no_activation": lambda v: v}.get(
        bug, np.tanh
    )
    a_next = act(z)
    b_y = 0.0 if bug == "missing_b_y" else p["b_y"]
    logits = (a_prev if bug == "y_from_a_prev" else a_next) @ p["W_ya"].T + b_y
    if bug == "sigmoid_output":
        y_hat = _softmax(logits, "sigmoid")
    else:
        y_hat = _softmax(logits, "batch_axis" if bug == "softmax_over_batch" else "")
    return a_next, y_hat, (a_next, a_prev, x_t, p)


def _rnn_cell_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (
            inputs.normal(rng, s["m"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"]),
        )
        out.append(Case(inputs.label(s, "m n_x n_a n_y"), args))
    return out


_TANH = "a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)"
_SHAPES = (
    "in row layout every product is (rows) @ W.T: x_t (m, n_x) @ W_ax.T (n_x, n_a) → (m, n_a); "
    "a_prev (m, n_a) @ W_aa.T (n_a, n_a) → (m, n_a); a (m, n_a) @ W_ya.T (n_a, n_y) → (m, n_y)."
)

RNN_CELL_FORWARD = Exercise(
    name="rnn_cell_forward",
    notebook=NB,
    reference=R.rnn_cell_forward,
    make_cases=_rnn_cell_cases,
    returns="tuple",
    outputs=("a_next", "y_hat_t", "cache"),
    graded=("a_next", "y_hat_t"),
    hint=_SHAPES,
    mistakes=tuple(
        Mistake(bug, msg, partial(_rnn_cell, bug=bug))
        for bug, msg in [
            ("sigmoid_for_tanh", f"applied sigmoid where tanh belongs: {_TANH}."),
            ("no_activation", f"left out the tanh: {_TANH}."),
            ("missing_b_a", f"left out the bias b_a: {_TANH}."),
            (
                "transposed_W_aa",
                "multiplied by W_aa instead of W_aa.T: weights are (out, in), so a row "
                "vector a_prev is multiplied by W_aa.T.",
            ),
            (
                "transposed_W_ax",
                "multiplied by W_ax instead of W_ax.T: x_t (m, n_x) @ W_ax.T (n_x, n_a).",
            ),
            (
                "swapped_W",
                "swapped W_ax and W_aa: W_ax multiplies the input x⟨t⟩, W_aa the state a⟨t−1⟩.",
            ),
            (
                "y_from_a_prev",
                "computed ŷ⟨t⟩ from a⟨t−1⟩: the prediction uses the new state, "
                "ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y).",
            ),
            ("missing_b_y", "left out the bias b_y: ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y)."),
            (
                "sigmoid_output",
                "applied sigmoid to the prediction: ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y).",
            ),
            (
                "softmax_over_batch",
                "took the softmax over the batch (axis 0): each example's row "
                "of ŷ⟨t⟩ must sum to 1.",
            ),
        ]
    ),
)

# --- rnn_forward ------------------------------------------------------------------------------------


def _rnn_seq(x: np.ndarray, a0: np.ndarray, p: dict[str, np.ndarray], bug: str) -> tuple[Any, ...]:
    T = x.shape[1]
    order = range(T - 1, -1, -1) if bug == "reversed" else range(T)
    a_t = np.zeros_like(a0) if bug == "zeros_not_a0" else a0
    a, y, caches = [None] * T, [None] * T, [None] * T
    for t in order:
        a_next, y[t], caches[t] = R.rnn_cell_forward(
            x[:, t], a0 if bug == "not_carried" else a_t, p
        )
        a[t] = a_t if bug == "stored_a_prev" else a_next
        a_t = a_next
    if bug == "last_everywhere":
        a, y = [a[order[-1]]] * T, [y[order[-1]]] * T
    return np.stack(a, axis=1), np.stack(y, axis=1), caches


def _rnn_seq_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (
            inputs.normal(rng, s["m"], s["T"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"]),
        )
        out.append(Case(inputs.label(s, "m T n_x n_a n_y"), args))
    return out


RNN_FORWARD = Exercise(
    name="rnn_forward",
    notebook=NB,
    reference=R.rnn_forward,
    make_cases=_rnn_seq_cases,
    returns="tuple",
    outputs=("a", "y_hat", "caches"),
    graded=("a", "y_hat"),
    time_axis={"a": 1, "y_hat": 1},
    hint="x is (m, T_x, n_x): step t reads x[:, t, :]; a is (m, T_x, n_a) and y_hat (m, T_x, n_y).",
    mistakes=tuple(
        Mistake(bug, msg, partial(_rnn_seq, bug=bug))
        for bug, msg in [
            (
                "not_carried",
                "passed a0 to every step: the state must be carried, a⟨t⟩ feeds step t+1.",
            ),
            ("zeros_not_a0", "started from zeros instead of the given a0."),
            (
                "stored_a_prev",
                "stored a⟨t−1⟩ at position t (off by one in time): store the new state a⟨t⟩.",
            ),
            (
                "reversed",
                "went through the sequence backwards: the forward RNN reads t = 1, 2, …, T_x.",
            ),
            (
                "last_everywhere",
                "stored the same (last) array at every step: append each step's new "
                "array, or write it into a[:, t].",
            ),
        ]
    ),
)

EXERCISES = (SOFTMAX, RNN_CELL_FORWARD, RNN_FORWARD)
