"""Wrong answers to notebook 06 (reversing a padded batch, the bidirectional RNN, its output head
and its ``h_n``)."""

from __future__ import annotations

import numpy as np

from wrong_answers import calling, wrong

# --- correct helpers, as a student's notebook holds them ---------------------------------------


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _gru_step(x_t, a_prev, p, reset_before=False, z_flipped=False):
    n = a_prev.shape[1]
    gx = x_t @ p["W_ax"].T + p["b_ax"]
    W, b = p["W_aa"], p["b_aa"]
    r = _sig(gx[:, :n] + a_prev @ W[:n].T + b[:n])
    z = _sig(gx[:, n : 2 * n] + a_prev @ W[n : 2 * n].T + b[n : 2 * n])
    if reset_before:
        c = np.tanh(gx[:, 2 * n :] + (r * a_prev) @ W[2 * n :].T + b[2 * n :])
    else:
        c = np.tanh(gx[:, 2 * n :] + r * (a_prev @ W[2 * n :].T + b[2 * n :]))
    return z * c + (1 - z) * a_prev if z_flipped else (1 - z) * c + z * a_prev


def rnn_states(x, params, cell="rnn", a0=None, **gru_bugs):
    a_t = np.zeros((x.shape[0], params["W_aa"].shape[1])) if a0 is None else a0
    a = []
    for t in range(x.shape[1]):
        if cell == "gru":
            a_t = _gru_step(x[:, t], a_t, params, **gru_bugs)
        else:
            a_t = np.tanh(x[:, t] @ params["W_ax"].T + a_t @ params["W_aa"].T + params["b_a"])
        a.append(a_t)
    return np.stack(a, axis=1)


def reverse_padded(x, lengths):
    out = x.copy()
    for i, L in enumerate(lengths):
        out[i, :L] = x[i, :L][::-1]
    return out


def birnn_forward(x, lengths, params_fwd, params_bwd, cell="rnn"):
    a_fwd = rnn_states(x, params_fwd, cell)
    a_bwd = reverse_padded(rnn_states(reverse_padded(x, lengths), params_bwd, cell), lengths)
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


# --- reverse_padded ----------------------------------------------------------------------------


def rev_flip(x, lengths):  # np.flip over time: padding comes first
    return np.flip(x, axis=1).copy()


def rev_padding_first(x, lengths):  # reverses the real steps but puts the padding in front
    out = np.zeros_like(x)
    T = x.shape[1]
    for i, L in enumerate(lengths):
        out[i, T - L :] = x[i, :L][::-1]
        out[i, : T - L] = x[i, L:]
    return out


def rev_in_place(x, lengths):  # returns x itself, reversed in place (modifies the input)
    for i, L in enumerate(lengths):
        x[i, :L] = x[i, :L][::-1].copy()
    return x


def rev_index_off(x, lengths):  # x[i, L - t] instead of x[i, L - 1 - t]
    out = x.copy()
    for i, L in enumerate(lengths):
        for t in range(L):
            out[i, t] = x[i, min(L - t, x.shape[1] - 1)]
    return out


def rev_features(x, lengths):  # reversed the last axis (the features) within the length
    out = x.copy()
    for i, L in enumerate(lengths):
        out[i, :L] = x[i, :L, ::-1]
    return out


# --- birnn_forward -----------------------------------------------------------------------------


def bi_no_mask(
    x, lengths, params_fwd, params_bwd, cell="rnn"
):  # padded steps keep the forward run's values
    a_fwd = rnn_states(x, params_fwd, cell)
    a_bwd = reverse_padded(rnn_states(reverse_padded(x, lengths), params_bwd, cell), lengths)
    return np.concatenate([a_fwd, a_bwd], axis=2)


def bi_flip_states_plainly(
    x, lengths, params_fwd, params_bwd, cell="rnn"
):  # reversed x right, states by flip
    a_fwd = rnn_states(x, params_fwd, cell)
    a_bwd = rnn_states(reverse_padded(x, lengths), params_bwd, cell)[:, ::-1]
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


def bi_backward_first(x, lengths, params_fwd, params_bwd, cell="rnn"):
    a = birnn_forward(x, lengths, params_fwd, params_bwd, cell)
    n_a = a.shape[2] // 2
    return np.concatenate([a[..., n_a:], a[..., :n_a]], axis=2)


def bi_stacked_directions(
    x, lengths, params_fwd, params_bwd, cell="rnn"
):  # (2, m, T_x, n_a), not concatenated
    a = birnn_forward(x, lengths, params_fwd, params_bwd, cell)
    n_a = a.shape[2] // 2
    return np.stack([a[..., :n_a], a[..., n_a:]])


def bi_one_params(
    x, lengths, params_fwd, params_bwd, cell="rnn"
):  # the backward RNN with params_fwd
    return birnn_forward(x, lengths, params_fwd, params_fwd, cell)


def bi_backward_reads_reversed_time(
    x, lengths, params_fwd, params_bwd, cell="rnn"
):  # x[:, ::-1] for backward
    a_fwd = rnn_states(x, params_fwd, cell)
    a_bwd = rnn_states(x[:, ::-1], params_bwd, cell)[:, ::-1]
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


# the GRU


def bi_cell_forward_only(x, lengths, params_fwd, params_bwd, cell="rnn"):  # backward as a tanh RNN
    a_fwd = rnn_states(x, params_fwd, cell)
    a_bwd = reverse_padded(rnn_states(reverse_padded(x, lengths), params_bwd), lengths)
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


def bi_backward_from_forward_end(x, lengths, params_fwd, params_bwd, cell="rnn"):
    # the backward chain starts from the forward chain's last state instead of zeros
    a_fwd = rnn_states(x, params_fwd, cell)
    end = a_fwd[np.arange(x.shape[0]), np.asarray(lengths) - 1]
    a_bwd = rnn_states(reverse_padded(x, lengths), params_bwd, cell, a0=end)
    a_bwd = reverse_padded(a_bwd, lengths)
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


def bi_gru_reset_before(x, lengths, params_fwd, params_bwd, cell="rnn"):  # own GRU, lecture's reset
    a_fwd = rnn_states(x, params_fwd, cell, reset_before=True)
    a_bwd = rnn_states(reverse_padded(x, lengths), params_bwd, cell, reset_before=True)
    a_bwd = reverse_padded(a_bwd, lengths)
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


def bi_gru_z_flipped(
    x, lengths, params_fwd, params_bwd, cell="rnn"
):  # own GRU, z and 1 - z swapped
    a_fwd = rnn_states(x, params_fwd, cell, z_flipped=True)
    a_bwd = rnn_states(reverse_padded(x, lengths), params_bwd, cell, z_flipped=True)
    a_bwd = reverse_padded(a_bwd, lengths)
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


def bi_gru_params_swapped(x, lengths, params_fwd, params_bwd, cell="rnn"):
    # params_bwd for the forward direction and params_fwd for the backward one
    return birnn_forward(x, lengths, params_bwd, params_fwd, cell)


def bad_reverse(x, lengths):  # the student's own reverse_padded, wrong
    return x[:, ::-1].copy()


# --- birnn_output ------------------------------------------------------------------------------


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def out_forward_half(a, W_y, b_y):  # only the forward states: W_y[:, :n_a] @ a_fwd
    n_a = a.shape[2] // 2
    return softmax(a[..., :n_a] @ W_y[:, :n_a].T + b_y)


def out_time_softmax(a, W_y, b_y):  # softmax over the time axis
    z = a @ W_y.T + b_y
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def out_logits(a, W_y, b_y):  # forgot the softmax
    return a @ W_y.T + b_y


def out_bias_inside_halves(a, W_y, b_y):  # b_y added once per half
    n_a = a.shape[2] // 2
    return softmax(a[..., :n_a] @ W_y[:, :n_a].T + a[..., n_a:] @ W_y[:, n_a:].T + 2 * b_y)


def out_halves_swapped_weights(a, W_y, b_y):  # W_y's blocks in the wrong order
    n_a = a.shape[2] // 2
    W = np.concatenate([W_y[:, n_a:], W_y[:, :n_a]], axis=1)
    return softmax(a @ W.T + b_y)


# --- birnn_h_n ---------------------------------------------------------------------------------


def hn_padded_end(a, lengths):  # both from the padded last position
    n_a = a.shape[2] // 2
    return np.stack([a[:, -1, :n_a], a[:, 0, n_a:]])


def hn_both_last(a, lengths):  # backward state taken at the last step too
    n_a = a.shape[2] // 2
    idx = np.arange(a.shape[0])
    return np.stack([a[idx, lengths - 1, :n_a], a[idx, lengths - 1, n_a:]])


def hn_concat(a, lengths):  # (m, 2n_a): the two states side by side
    n_a = a.shape[2] // 2
    idx = np.arange(a.shape[0])
    return np.concatenate([a[idx, lengths - 1, :n_a], a[:, 0, n_a:]], axis=1)


def hn_backward_first(a, lengths):
    n_a = a.shape[2] // 2
    idx = np.arange(a.shape[0])
    return np.stack([a[:, 0, n_a:], a[idx, lengths - 1, :n_a]])


def hn_length_index(a, lengths):  # a[i, lengths[i]] (off by one, clipped at the end)
    n_a = a.shape[2] // 2
    idx = np.arange(a.shape[0])
    t = np.minimum(lengths, a.shape[1] - 1)
    return np.stack([a[idx, t, :n_a], a[:, 0, n_a:]])


WRONG = {
    "reverse_padded": [
        wrong(rev_flip, "np.flip of the padded time axis", "padding|lengths"),
        wrong(rev_padding_first, "the padding moved to the front", "padding|front|lengths"),
        wrong(rev_in_place, "reversed x in place", "modif|in place|input"),
        wrong(rev_index_off, "x[i, L - t]: off by one", "off by one|one step|shift|t="),
        wrong(rev_features, "reversed the features", "features|last axis|axis 2|axis=2"),
    ],
    "birnn_forward": [
        wrong(bi_no_mask, "padded steps not zeroed", "padd"),
        wrong(
            bi_flip_states_plainly,
            "backward states flipped, not reversed in lengths",
            "reverse|lengths",
        ),
        wrong(bi_backward_first, "backward half first", "order|forward|halves|swap"),
        wrong(bi_stacked_directions, "stacked the directions", "concat|shape|axis"),
        wrong(bi_one_params, "params_fwd for both directions", "params_bwd|own weights|shared"),
        wrong(
            bi_backward_reads_reversed_time,
            "backward chain started on the padding",
            "padding|lengths|flip",
        ),
        wrong(
            calling(birnn_forward, reverse_padded=bad_reverse),
            "its reverse_padded is wrong",
            "reverse_padded",
        ),
        wrong(bi_cell_forward_only, "cell not passed to the backward direction", "cell"),
        wrong(
            bi_backward_from_forward_end,
            "backward chain starts from the forward chain's last state",
            "zero state|from zeros|a⟨T_x+1⟩|⟨T+1⟩",
        ),
        wrong(bi_gru_reset_before, "own GRU, reset before the matmul", "reset|Γ_r", "after|before"),
        wrong(bi_gru_z_flipped, "own GRU, z and 1 − z swapped", "1 − z"),
        wrong(
            bi_gru_params_swapped, "the two directions' params swapped", "params_fwd", "params_bwd"
        ),
    ],
    "birnn_output": [
        wrong(out_forward_half, "read only the forward half", "forward|backward|half|both"),
        wrong(out_time_softmax, "softmax over time", "axis|last|time"),
        wrong(out_logits, "no softmax", "softmax"),
        wrong(out_bias_inside_halves, "b_y added twice", "b_y|bias"),
        wrong(out_halves_swapped_weights, "W_y's blocks swapped", "order|halves|swap|W_y"),
    ],
    "birnn_h_n": [
        wrong(hn_padded_end, "forward state from the padded end", "padd|lengths|own last"),
        wrong(hn_both_last, "backward state at the last step", "backward|first step|step 1"),
        wrong(hn_concat, "(m, 2n_a), not (2, m, n_a)", "shape|(2, m, n_a)|layout"),
        wrong(hn_backward_first, "backward first", "order|forward|swap"),
        wrong(
            hn_length_index,
            "a[i, lengths[i]]: off by one",
            "off by one|lengths[i] − 1|lengths[i] - 1",
        ),
    ],
}
