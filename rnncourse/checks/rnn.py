r"""Notebook 01 (vanilla RNN, forward): ``softmax``, ``rnn_cell_forward``, ``rnn_forward``,
``many_to_one_forward``, ``stack_weights``, ``rnn_cell_forward_stacked``.

Each mistake is a small function that makes it, so that the check can recognise it in a
student's output and tests can prove the check catches it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs, sequence
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "01_vanilla_rnn"

# --- softmax -------------------------------------------------------------------------------------


def _softmax(z: np.ndarray, bug: str) -> np.ndarray:
    if bug == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    axis = 0 if bug == "softmax_over_batch" else -1
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
        Case(
            "z = [[0, 750], [-750, 0]], rows whose range is above 709",
            (np.array([[0.0, 750.0], [-750.0, 0.0]]),),
        ),
    ]


SOFTMAX = Exercise(
    name="softmax",
    notebook=NB,
    reference=lambda z: R.softmax(z),
    make_cases=_softmax_cases,
    hand=(
        Case("z = [[1000, 1000], [0, log 3]]", (np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]]),)),
    ),
    hint="subtract each row's max before np.exp, e = np.exp(z - z.max(axis=-1, keepdims=True)), "
    "then divide by each row's sum, e.sum(axis=-1, keepdims=True): rows are the last axis.",
    returns="array",
    outputs=("softmax(z)",),
    mistakes=catalogue(
        _softmax,
        [
            (
                "softmax_over_batch",
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
        ],
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
    acts: dict[str, Callable[..., Any]] = {
        "sigmoid_for_tanh": partial(_softmax, bug="sigmoid"),
        "no_activation": lambda v: v,
    }
    act = acts.get(bug, np.tanh)
    a_next = act(z)
    b_y = 0.0 if bug == "missing_b_y" else p["b_y"]
    logits = (a_prev if bug == "y_from_a_prev" else a_next) @ p["W_ya"].T + b_y
    if bug == "sigmoid_output":
        y_hat = _softmax(logits, "sigmoid")
    else:
        y_hat = _softmax(logits, "softmax_over_batch" if bug == "softmax_over_batch" else "")
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
    return out + inputs.probes(out[0].args, 2, _RNN_PROBES)


_RNN_PROBES = [
    ("the bias b_a", "W_ax = 0 and W_aa = 0", "a_next = tanh(b_a)", ("W_ax", "W_aa")),
    (
        "the input term W_ax x⟨t⟩",
        "W_aa = 0 and b_a = 0",
        "a_next = tanh(W_ax x⟨t⟩)",
        ("W_aa", "b_a"),
    ),
    (
        "the recurrent term W_aa a⟨t−1⟩ (a_prev)",
        "W_ax = 0 and b_a = 0",
        "a_next = tanh(W_aa a⟨t−1⟩)",
        ("W_ax", "b_a"),
    ),
]

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
    hand=(
        Case(
            "zero weights, b_a = [0.5, -1], W_ya = 0, b_y = 0: a_next = tanh(b_a), ŷ = 1/n_y",
            (
                np.ones((3, 3)),
                np.full((3, 2), 0.5),
                {
                    "W_ax": np.zeros((2, 3)),
                    "W_aa": np.zeros((2, 2)),
                    "b_a": np.array([0.5, -1.0]),
                    "W_ya": np.zeros((4, 2)),
                    "b_y": np.zeros(4),
                },
            ),
        ),
    ),
    returns="tuple",
    outputs=("a_next", "y_hat_t", "cache"),
    graded=("a_next", "y_hat_t", "cache"),
    cache_items={"cache": ("a_next", "a_prev", "x_t", "params")},
    helpers=("softmax",),
    hint=_SHAPES,
    mistakes=catalogue(
        _rnn_cell,
        [
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
        ],
    ),
)

# --- rnn_forward ------------------------------------------------------------------------------------


def _rnn_seq(x: np.ndarray, a0: np.ndarray, p: dict[str, np.ndarray], bug: str) -> tuple[Any, ...]:
    def step(x_t: np.ndarray, a_prev: np.ndarray) -> tuple[np.ndarray, tuple[Any, ...]]:
        a_next, y_t, cache = R.rnn_cell_forward(x_t, a_prev, p)
        return a_next, (y_t, cache)

    a, extras = sequence.unroll(step, x, a0, bug)
    y_hat, caches = [y for y, _ in extras], [cache for _, cache in extras]
    return sequence.stacked(a, bug), sequence.stacked(y_hat, bug), caches


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
    graded=("a", "y_hat", "caches"),
    cache_items={"caches": ("a_next", "a_prev", "x_t", "params")},
    per_step=("caches",),
    helpers=("rnn_cell_forward",),
    time_axis={"a": 1, "y_hat": 1},
    hint="x is (m, T_x, n_x): step t reads x[:, t, :]; a is (m, T_x, n_a) and y_hat (m, T_x, n_y).",
    mistakes=catalogue(_rnn_seq, sequence.mistakes("RNN")),
)


# --- many_to_one_forward ----------------------------------------------------------------------------


def _many_to_one(x: np.ndarray, a0: np.ndarray, p: dict[str, np.ndarray], bug: str) -> np.ndarray:
    a, y_hat, _ = R.rnn_forward(x, a0, p)  # a (m, T_x, n_a), y_hat (m, T_x, n_y)
    if bug == "every_step":
        return y_hat
    if bug == "mean_of_predictions":
        return y_hat.mean(axis=1)
    a_with_a0 = np.concatenate([a0[:, None], a], axis=1)  # (m, T_x + 1, n_a): index t holds a⟨t⟩
    a_used = {
        "first_step": a[:, 0],
        "one_step_short": a_with_a0[:, -2],
        "from_a0": a0,
        "mean_of_states": a.mean(axis=1),
        "not_carried": R.rnn_cell_forward(x[:, -1], a0, p)[0],
    }.get(bug, a[:, -1])
    logits = a_used @ p["W_ya"].T + p["b_y"]  # (m, n_y)
    if bug == "no_softmax":
        return logits
    return R.softmax(logits, axis=0 if bug == "softmax_over_batch" else -1)


def _many_to_one_cases(rng: np.random.Generator) -> list[Case]:
    cases = _rnn_seq_cases(rng)
    return cases + inputs.probes(cases[0].args, 2, _HEAD_PROBES)


_HEAD_PROBES = [
    ("the bias b_y", "W_ya = 0", "ŷ = softmax(b_y)", ("W_ya",)),
    ("the head W_ya a⟨T_x⟩", "b_y = 0", "ŷ = softmax(W_ya a⟨T_x⟩)", ("b_y",)),
]

_LAST = "ŷ = softmax(W_ya a⟨T_x⟩ + b_y), from the last hidden state only"

MANY_TO_ONE_FORWARD = Exercise(
    name="many_to_one_forward",
    notebook=NB,
    reference=R.many_to_one_forward,
    make_cases=_many_to_one_cases,
    helpers=("rnn_forward", "softmax"),
    returns="array",
    outputs=("y_hat",),
    hint="run the RNN over all of x, then take the last state a[:, -1] (m, n_a) for the prediction.",
    mistakes=catalogue(
        _many_to_one,
        [
            (
                "every_step",
                f"returned a prediction at every step, (m, T_x, n_y): a many-to-one model "
                f"returns one per sequence, (m, n_y): {_LAST}.",
            ),
            (
                "first_step",
                f"predicted from the first hidden state a⟨1⟩, which has seen only x⟨1⟩: {_LAST}.",
            ),
            (
                "one_step_short",
                f"stopped one step short (a⟨T_x−1⟩, e.g. range(T_x − 1) or a[:, -2]): {_LAST}.",
            ),
            (
                "from_a0",
                f"predicted from the initial state a0, which has seen no input at all: {_LAST}.",
            ),
            (
                "mean_of_states",
                f"averaged the hidden states over time (mean pooling is another model): {_LAST}.",
            ),
            (
                "mean_of_predictions",
                f"averaged the per-step predictions ŷ⟨t⟩ over time: {_LAST}.",
            ),
            (
                "not_carried",
                "did not carry the state: your last state is tanh(W_aa a0 + W_ax x⟨T_x⟩ + b_a). "
                "a⟨t⟩ must feed step t+1, so that a⟨T_x⟩ has read the whole sequence.",
            ),
            (
                "no_softmax",
                f"returned the logits W_ya a⟨T_x⟩ + b_y without the softmax: {_LAST}.",
            ),
            (
                "softmax_over_batch",
                "took the softmax over the batch (axis 0): each example's row of ŷ must sum "
                "to 1, so normalise over the last axis.",
            ),
        ],
    ),
)

# --- stack_weights ----------------------------------------------------------------------------------


def _stack(W_aa: np.ndarray, W_ax: np.ndarray, bug: str) -> np.ndarray:
    if bug == "swapped_order":
        return np.concatenate([W_ax, W_aa], axis=1)
    if bug == "vstack":  # runs only when n_x == n_a
        return np.concatenate([W_aa, W_ax], axis=0)
    if bug == "stacked_transposes":
        return np.concatenate([W_aa.T, W_ax.T], axis=0)  # (n_a + n_x, n_a)
    return np.concatenate([W_aa, W_ax], axis=1)  # (n_a, n_a + n_x)


def _stack_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        p = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        label = f"W_aa of shape ({s['n_a']}, {s['n_a']}), W_ax of shape ({s['n_a']}, {s['n_x']})"
        out.append(Case(label, (p["W_aa"], p["W_ax"])))
    return out


_BLOCKS = (
    "W_a = [W_aa | W_ax], side by side: np.concatenate([W_aa, W_ax], axis=1), (n_a, n_a + n_x)"
)

STACK_WEIGHTS = Exercise(
    name="stack_weights",
    notebook=NB,
    reference=R.stack_weights,
    make_cases=_stack_cases,
    hand=(
        Case(
            "W_aa [[1, 2], [3, 4]], W_ax [[5], [6]]",
            (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0], [6.0]])),
        ),
    ),
    returns="array",
    outputs=("W_a",),
    hint="W_aa (n_a, n_a) and W_ax (n_a, n_x) have the same number of rows: join them along axis 1.",
    mistakes=catalogue(
        _stack,
        [
            (
                "swapped_order",
                f"put W_ax first, [W_ax | W_aa]: the first n_a columns of W_a must be W_aa, "
                f"because they multiply a⟨t−1⟩, the first part of [a⟨t−1⟩, x⟨t⟩]. {_BLOCKS}.",
            ),
            (
                "vstack",
                f"stacked the matrices on top of each other (axis 0, np.vstack): {_BLOCKS}.",
            ),
            (
                "stacked_transposes",
                f"stacked the transposes, (n_a + n_x, n_a): weights stay (out, in), {_BLOCKS}; "
                "the code transposes it when it multiplies, [a, x] @ W_a.T.",
            ),
        ],
    ),
)

# --- rnn_cell_forward_stacked -----------------------------------------------------------------------


def _rnn_cell_stacked(
    x_t: np.ndarray, a_prev: np.ndarray, W_a: np.ndarray, b_a: np.ndarray, bug: str
) -> np.ndarray:
    parts = [x_t, a_prev] if bug == "x_first" else [a_prev, x_t]
    z = np.concatenate(parts, axis=1) @ W_a.T  # (m, n_a + n_x) @ (n_a + n_x, n_a) -> (m, n_a)
    if bug != "missing_b_a":
        z = z + b_a
    act = {"sigmoid_for_tanh": R.sigmoid, "no_activation": lambda v: v}.get(bug, np.tanh)
    return act(z)


def _rnn_cell_stacked_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        p = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        args = (
            inputs.normal(rng, s["m"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            np.concatenate([p["W_aa"], p["W_ax"]], axis=1),
            p["b_a"],
        )
        out.append(Case(inputs.label(s, "m n_x n_a"), args))
    x_t, a_prev, W_a, b_a = out[0].args
    n_a = a_prev.shape[1]
    only_x, only_a = W_a.copy(), W_a.copy()
    only_x[:, :n_a], only_a[:, n_a:] = 0.0, 0.0
    plan = [
        ("the bias b_a", "W_a = 0", "a_next = tanh(b_a)", (x_t, a_prev, 0 * W_a, b_a)),
        ("the x⟨t⟩ part of [a⟨t−1⟩, x⟨t⟩]", "W_aa's block of W_a = 0 and b_a = 0",
         "a_next = tanh(W_ax x⟨t⟩)", (x_t, a_prev, only_x, 0 * b_a)),
        ("the a⟨t−1⟩ part of [a⟨t−1⟩, x⟨t⟩]", "W_ax's block of W_a = 0 and b_a = 0",
         "a_next = tanh(W_aa a⟨t−1⟩)", (x_t, a_prev, only_a, 0 * b_a)),
    ]  # fmt: skip
    return out + [Case(f"probe {t}: {how}; {e}", args) for t, how, e, args in plan]


_STACKED = "a⟨t⟩ = tanh(W_a [a⟨t−1⟩, x⟨t⟩] + b_a)"

RNN_CELL_FORWARD_STACKED = Exercise(
    name="rnn_cell_forward_stacked",
    notebook=NB,
    reference=R.rnn_cell_forward_stacked,
    make_cases=_rnn_cell_stacked_cases,
    returns="array",
    outputs=("a_next",),
    hint=(
        "np.concatenate([a_prev, x_t], axis=1) is (m, n_a + n_x) and W_a is (n_a, n_a + n_x): "
        "the product is concat @ W_a.T, (m, n_a)."
    ),
    mistakes=catalogue(
        _rnn_cell_stacked,
        [
            (
                "x_first",
                "concatenated [x⟨t⟩, a⟨t−1⟩], but W_a = [W_aa | W_ax] expects [a⟨t−1⟩, x⟨t⟩]: "
                "the order of the blocks in the vector must match the order of the blocks "
                "in W_a, np.concatenate([a_prev, x_t], axis=1).",
            ),
            ("missing_b_a", f"left out the bias b_a: {_STACKED}."),
            ("sigmoid_for_tanh", f"applied sigmoid where tanh belongs: {_STACKED}."),
            ("no_activation", f"left out the tanh: {_STACKED}."),
        ],
    ),
)

EXERCISES = (
    SOFTMAX,
    RNN_CELL_FORWARD,
    RNN_FORWARD,
    MANY_TO_ONE_FORWARD,
    STACK_WEIGHTS,
    RNN_CELL_FORWARD_STACKED,
)
