"""Wrong answers to notebook 07 (the deep RNN, counting parameters, dropout between layers)."""

from __future__ import annotations

import numpy as np

from wrong_answers import wrong

# --- deep_rnn_forward --------------------------------------------------------------------------


def _run(x, a0, p):
    a_t, states = a0, []
    for t in range(x.shape[1]):
        a_t = np.tanh(x[:, t] @ p["W_ax"].T + a_t @ p["W_aa"].T + p["b_a"])
        states.append(a_t)
    return np.stack(states, axis=1)


def deep_zero_start(x, a0, params):  # every layer from zeros, a0 ignored
    below, last = x, []
    for p in params:
        below = _run(below, np.zeros_like(a0[0]), p)
        last.append(below[:, -1])
    return below, np.stack(last)


def deep_concat_all_layers(x, a0, params):  # returned every layer's states concatenated
    below, last, every = x, [], []
    for k, p in enumerate(params):
        below = _run(below, a0[k], p)
        last.append(below[:, -1])
        every.append(below)
    return np.concatenate(every, axis=2), np.stack(last)


def deep_last_is_top_sequence(x, a0, params):  # a_last = the top layer's last state repeated
    below = x
    for k, p in enumerate(params):
        below = _run(below, a0[k], p)
    return below, np.stack([below[:, -1]] * len(params))


def deep_reads_below_previous_step(x, a0, params):  # layer l reads layer l-1 at t - 1
    below, last = x, []
    for k, p in enumerate(params):
        if k > 0:
            below = np.concatenate([a0[k - 1][:, None], below[:, :-1]], axis=1)
        below = _run(below, a0[k], p)
        last.append(below[:, -1])
    return below, np.stack(last)


def deep_one_weights(x, a0, params):  # the top layer's recurrent weights used by all layers
    below, last = x, []
    for k, p in enumerate(params):
        q = {"W_ax": p["W_ax"], "W_aa": params[-1]["W_aa"], "b_a": p["b_a"]}
        below = _run(below, a0[k], q)
        last.append(below[:, -1])
    return below, np.stack(last)


def deep_time_loop_outside(x, a0, params):  # time outside, layers inside, but state not updated
    states = [a0[k] for k in range(len(params))]
    top = []
    for t in range(x.shape[1]):
        inp = x[:, t]
        for k, p in enumerate(params):
            new = np.tanh(inp @ p["W_ax"].T + a0[k] @ p["W_aa"].T + p["b_a"])  # a0, not states[k]
            states[k] = new
            inp = new
        top.append(inp)
    return np.stack(top, axis=1), np.stack(states)


# --- rnn_parameter_count -----------------------------------------------------------------------


def count_forgot_hh(kind, n_x, n_a, num_layers, bidirectional=False, bias=True):  # no weight_hh
    G = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    D = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        n_in = n_x if layer == 0 else D * n_a
        total += D * (G * n_a * n_in + (2 * G * n_a if bias else 0))
    return total


def count_float(kind, n_x, n_a, num_layers, bidirectional=False, bias=True):  # returned a float
    G = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    D = 2 if bidirectional else 1
    first = G * n_a * (n_x + n_a) + (2 * G * n_a if bias else 0)
    rest = G * n_a * (D * n_a + n_a) + (2 * G * n_a if bias else 0)
    return float(D * (first + (num_layers - 1) * rest))


def count_squared(kind, n_x, n_a, num_layers, bidirectional=False, bias=True):  # G² in the weights
    G = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    D = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        n_in = n_x if layer == 0 else D * n_a
        total += D * (G * n_a * n_in + G * n_a * G * n_a + (2 * G * n_a if bias else 0))
    return total


def count_bi_everything_doubled(kind, n_x, n_a, num_layers, bidirectional=False, bias=True):
    # doubled n_a when bidirectional: as if each direction had 2·n_a units
    G = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    h = 2 * n_a if bidirectional else n_a
    total = 0
    for layer in range(num_layers):
        n_in = n_x if layer == 0 else h
        total += G * h * (n_in + h) + (2 * G * h if bias else 0)
    return total


# --- layer_dropout ----------------------------------------------------------------------------


def drop_always(a, p, mask, training):  # drops in evaluation too
    return a * mask / (1 - p)


def drop_times_keep(a, p, mask, training):  # scales by (1 - p) instead of dividing
    return a * mask * (1 - p) if training else a


def drop_eval_scaled(a, p, mask, training):  # old-style: no rescale in training, (1 - p) at eval
    return a * mask if training else a * (1 - p)


def drop_divides_by_p(a, p, mask, training):
    return a * mask / p if training else a


def drop_new_mask(a, p, mask, training):  # draws its own mask instead of the one given
    if not training:
        return a
    keep = np.random.default_rng(0).random(a.shape) >= p
    return a * keep / (1 - p)


WRONG = {
    "deep_rnn_forward": [
        wrong(deep_zero_start, "a0 ignored, layers start from zeros", "a0|initial"),
        wrong(deep_concat_all_layers, "every layer's states concatenated", "top|shape|n_a"),
        wrong(deep_last_is_top_sequence, "a_last repeats the top layer", "a_last|layer"),
        wrong(
            deep_reads_below_previous_step,
            "layer l reads layer l−1 at t − 1",
            "same t|same step|time step|off by one|layer l−1",
        ),
        wrong(deep_one_weights, "one W_aa for every layer", "own weights|params[l]|W_aa|shared"),
        wrong(deep_time_loop_outside, "state not carried within a layer", "carried|a0|a⟨t−1⟩"),
    ],
    "rnn_parameter_count": [
        wrong(count_forgot_hh, "left out weight_hh", "weight_hh|n_a·(n_in + n_a)|(n_in + n_a)"),
        wrong(count_float, "returned a float", "int|float|type"),
        wrong(count_squared, "G² in weight_hh", "G·n_a·(n_in + n_a)"),
        wrong(
            count_bi_everything_doubled,
            "doubled n_a for bidirectional",
            "direction|G·n_a·(n_in + n_a)",
        ),
    ],
    "layer_dropout": [
        wrong(drop_always, "dropout in evaluation", "evaluation|training=False|eval"),
        wrong(drop_times_keep, "multiplied by 1 − p", "1 − p|1 - p|divide|scale"),
        wrong(
            drop_eval_scaled,
            "old-style: scaled at evaluation",
            "1 − p|1 - p|evaluation|scale|divide",
        ),
        wrong(drop_divides_by_p, "divided by p", "1 − p|1 - p|divide|scale"),
        wrong(drop_new_mask, "drew its own mask", "mask"),
    ],
}
