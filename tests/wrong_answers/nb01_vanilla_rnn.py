"""Wrong answers to notebook 01 (softmax, the RNN cell and sequence, many-to-one, stacking)."""

from __future__ import annotations

import numpy as np

from wrong_answers import calling, wrong

# --- correct helpers, as a student's notebook holds them ---------------------------------------


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def rnn_cell_forward(x_t, a_prev, params):
    a_next = np.tanh(a_prev @ params["W_aa"].T + x_t @ params["W_ax"].T + params["b_a"])
    y_hat_t = softmax(a_next @ params["W_ya"].T + params["b_y"])
    return a_next, y_hat_t, (a_next, a_prev, x_t, params)


def rnn_forward(x, a0, params):
    a_t, a, y, caches = a0, [], [], []
    for t in range(x.shape[1]):
        a_t, y_t, cache = rnn_cell_forward(x[:, t, :], a_t, params)
        a.append(a_t)
        y.append(y_t)
        caches.append(cache)
    return np.stack(a, axis=1), np.stack(y, axis=1), caches


# --- softmax -----------------------------------------------------------------------------------


def softmax_min(z):
    e = np.exp(z - z.min(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_axis_1(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_no_exp(z):
    return z / z.sum(axis=-1, keepdims=True)


def softmax_over_max(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.max(axis=-1, keepdims=True)


def bad_softmax(z):  # normalises the whole array
    e = np.exp(z - z.max())
    return e / e.sum()


# --- rnn_cell_forward --------------------------------------------------------------------------


def cell_cache_order(x_t, a_prev, params):
    a_next, y, _ = rnn_cell_forward(x_t, a_prev, params)
    return a_next, y, (a_prev, a_next, x_t, params)


def cell_bias_outside(x_t, a_prev, params):
    a_next = np.tanh(a_prev @ params["W_aa"].T + x_t @ params["W_ax"].T) + params["b_a"]
    return a_next, softmax(a_next @ params["W_ya"].T + params["b_y"]), (a_next, a_prev, x_t, params)


def cell_no_recurrence(x_t, a_prev, params):
    a_next = np.tanh(x_t @ params["W_ax"].T + params["b_a"])
    return a_next, softmax(a_next @ params["W_ya"].T + params["b_y"]), (a_next, a_prev, x_t, params)


def cell_relu(x_t, a_prev, params):
    a_next = np.maximum(0, a_prev @ params["W_aa"].T + x_t @ params["W_ax"].T + params["b_a"])
    return a_next, softmax(a_next @ params["W_ya"].T + params["b_y"]), (a_next, a_prev, x_t, params)


def cell_with_bad_softmax(x_t, a_prev, params):
    a_next = np.tanh(a_prev @ params["W_aa"].T + x_t @ params["W_ax"].T + params["b_a"])
    y_hat_t = softmax(a_next @ params["W_ya"].T + params["b_y"])
    return a_next, y_hat_t, (a_next, a_prev, x_t, params)


def bad_cell(x_t, a_prev, params):  # forgets b_a
    a_next = np.tanh(a_prev @ params["W_aa"].T + x_t @ params["W_ax"].T)
    return a_next, softmax(a_next @ params["W_ya"].T + params["b_y"]), (a_next, a_prev, x_t, params)


# --- rnn_forward -------------------------------------------------------------------------------


def forward_last_cache(x, a0, params):
    a_t, a, y = a0, [], []
    for t in range(x.shape[1]):
        a_t, y_t, cache = rnn_cell_forward(x[:, t, :], a_t, params)
        a.append(a_t)
        y.append(y_t)
    return np.stack(a, axis=1), np.stack(y, axis=1), [cache]


def forward_lists(x, a0, params):
    a_t, a, y, caches = a0, [], [], []
    for t in range(x.shape[1]):
        a_t, y_t, cache = rnn_cell_forward(x[:, t, :], a_t, params)
        a.append(a_t)
        y.append(y_t)
        caches.append(cache)
    return a, y, caches


def forward_from_step_1(x, a0, params):
    a_t, a, y, caches = a0, [a0], [], []
    for t in range(1, x.shape[1]):
        a_t, y_t, cache = rnn_cell_forward(x[:, t, :], a_t, params)
        a.append(a_t)
        y.append(y_t)
        caches.append(cache)
    y.insert(0, softmax(a0 @ params["W_ya"].T + params["b_y"]))
    caches.insert(0, (a0, a0, x[:, 0], params))
    return np.stack(a, axis=1), np.stack(y, axis=1), caches


def forward_reshaped(x, a0, params):
    a, y, caches = rnn_forward(x, a0, params)
    m, T, _ = x.shape
    return np.moveaxis(a, 1, 0).reshape(m, T, -1), np.moveaxis(y, 1, 0).reshape(m, T, -1), caches


# --- many_to_one_forward -----------------------------------------------------------------------


def many_last_example(x, a0, params):
    a, _, _ = rnn_forward(x, a0, params)
    return softmax(a[-1] @ params["W_ya"].T + params["b_y"])


def many_max_pool(x, a0, params):
    a, _, _ = rnn_forward(x, a0, params)
    return softmax(a.max(axis=1) @ params["W_ya"].T + params["b_y"])


def many_no_b_y(x, a0, params):
    a, _, _ = rnn_forward(x, a0, params)
    return softmax(a[:, -1] @ params["W_ya"].T)


def many_to_one(x, a0, params):
    a, _, _ = rnn_forward(x, a0, params)
    return softmax(a[:, -1] @ params["W_ya"].T + params["b_y"])


def bad_rnn_forward(x, a0, params):  # starts from zeros
    return rnn_forward(x, np.zeros_like(a0), params)


# --- stack_weights -----------------------------------------------------------------------------


def stack_np_stack(W_aa, W_ax):
    return np.stack([W_aa, W_ax])


def stack_float32(W_aa, W_ax):
    return np.block([[W_aa, W_ax]]).astype(np.float32)


def stack_W_ax_T(W_aa, W_ax):
    return np.concatenate([W_aa, W_ax.T], axis=1)


def stack_tuple(W_aa, W_ax):
    return (W_aa, W_ax)


# --- rnn_cell_forward_stacked ------------------------------------------------------------------


def stacked_axis_0(x_t, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([a_prev, x_t], axis=0) @ W_a.T + b_a)


def stacked_not_transposed(x_t, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([a_prev, x_t], axis=1) @ W_a + b_a)


def stacked_bias_outside(x_t, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([a_prev, x_t], axis=1) @ W_a.T) + b_a


def stacked_relu(x_t, a_prev, W_a, b_a):
    return np.maximum(0, np.concatenate([a_prev, x_t], axis=1) @ W_a.T + b_a)


WRONG = {
    "softmax": [
        wrong(softmax_min, "subtracted the row minimum", "max"),
        wrong(softmax_axis_1, "summed over axis 1, not the last axis", "axis|row|last"),
        wrong(softmax_no_exp, "forgot the exponential", "exp|e^"),
        wrong(softmax_over_max, "divided by the max, not the sum", "sum"),
    ],
    "rnn_cell_forward": [
        wrong(cell_cache_order, "cache (a_prev, a_next, …)", "cache", "order|a_next, a_prev, x_t"),
        wrong(cell_bias_outside, "b_a added after the tanh", "b_a|bias"),
        wrong(cell_no_recurrence, "left out W_aa a_prev", "a_prev|W_aa"),
        wrong(cell_relu, "relu instead of tanh", "tanh"),
        wrong(
            calling(cell_with_bad_softmax, softmax=bad_softmax), "its softmax is wrong", "softmax"
        ),
    ],
    "rnn_forward": [
        wrong(
            forward_last_cache,
            "returned only the last cache",
            "caches",
            "per step|T_x|length|items",
        ),
        wrong(forward_lists, "returned lists, not stacked arrays", "array|stack"),
        wrong(
            forward_from_step_1,
            "a[:, 0] holds a0: off by one in time",
            "off by one|one step|a0|a⟨t−1⟩",
        ),
        wrong(forward_reshaped, "reshaped a time-major stack", "order|reshape|transpose|moveaxis"),
        wrong(
            calling(rnn_forward, rnn_cell_forward=bad_cell), "its cell is wrong", "rnn_cell_forward"
        ),
    ],
    "many_to_one_forward": [
        wrong(
            many_last_example,
            "a[-1] is the last example, not the last step",
            "a[:, -1]|last step|last hidden state|shape",
        ),
        wrong(many_max_pool, "max over time", "last"),
        wrong(many_no_b_y, "left out b_y", "b_y"),
        wrong(
            calling(many_to_one, rnn_forward=bad_rnn_forward),
            "its rnn_forward is wrong",
            "rnn_forward",
        ),
    ],
    "stack_weights": [
        wrong(stack_np_stack, "np.stack makes a new axis", "concatenate|axis=1|side by side|shape"),
        wrong(stack_float32, "float32", "dtype|float32"),
        wrong(stack_W_ax_T, "W_ax transposed", "W_ax|transpose"),
        wrong(stack_tuple, "returned the two matrices", "array|one"),
    ],
    "rnn_cell_forward_stacked": [
        wrong(stacked_axis_0, "concatenated along axis 0", "axis=1|axis 1"),
        wrong(stacked_not_transposed, "W_a not transposed", "W_a.T"),
        wrong(stacked_bias_outside, "b_a after the tanh", "b_a|bias"),
        wrong(stacked_relu, "relu instead of tanh", "tanh"),
    ],
}
