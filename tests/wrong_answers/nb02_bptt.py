"""Wrong answers to notebook 02 (losses, the output layer's gradients, backward through time)."""

from __future__ import annotations

import numpy as np

from wrong_answers import calling, wrong


def cross_entropy_step(y_hat_t, y_t):
    return -np.log(y_hat_t[np.arange(y_hat_t.shape[0]), y_t])


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, x_t, params = cache
    dz = da_next * (1 - a_next**2)
    return {"dx_t": dz @ params["W_ax"], "da_prev": dz @ params["W_aa"], "dW_ax": dz.T @ x_t,
            "dW_aa": dz.T @ a_prev, "db_a": dz.sum(axis=0)}  # fmt: skip


def rnn_backward(da, caches):
    m, T_x, n_a = da.shape
    params = caches[0][3]
    dx = np.zeros((m, T_x, params["W_ax"].shape[1]))
    g = {k: np.zeros_like(params[k[1:]]) for k in ("dW_ax", "dW_aa", "db_a")}
    da_prev = np.zeros((m, n_a))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, t] + da_prev, caches[t])
        dx[:, t], da_prev = step["dx_t"], step["da_prev"]
        g = {k: v + step[k] for k, v in g.items()}
    return {"dx": dx, "da0": da_prev, **g}


# --- cross_entropy_step ------------------------------------------------------------------------


def ce_max(y_hat_t, y_t):
    return -np.log(y_hat_t.max(axis=1))


def ce_mean(y_hat_t, y_t):
    return -np.mean(np.log(y_hat_t[np.arange(len(y_t)), y_t]))


def ce_transposed_index(y_hat_t, y_t):
    return -np.log(y_hat_t[y_t, np.arange(len(y_t))])


# --- binary_cross_entropy ----------------------------------------------------------------------


def bce_mean(y_hat, y):
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def bce_log_y_hat_twice(y_hat, y):
    return -(y * np.log(y_hat) + (1 - y) * np.log(y_hat))


def bce_summed_over_time(y_hat, y):
    return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)).sum(axis=-1)


def bce_sign(y_hat, y):
    return -(y * np.log(y_hat) - (1 - y) * np.log(1 - y_hat))


# --- sequence_loss -----------------------------------------------------------------------------


def seq_scalar(y_hat, y, mask):
    L = -np.log(np.take_along_axis(y_hat, y[..., None], axis=-1)[..., 0])
    return L[mask].sum()


def seq_over_m(y_hat, y, mask):
    L = -np.log(np.take_along_axis(y_hat, y[..., None], axis=-1)[..., 0])
    return (L * mask).sum(axis=1) / y.shape[0]


def seq_every_label(y_hat, y, mask):
    L = np.zeros(y_hat.shape[0])
    for t in range(y_hat.shape[1]):
        L = L + (-np.log(y_hat[:, t, y[:, t]]) * mask[:, t]).sum(axis=1)
    return L


def seq_with_bad_step(y_hat, y, mask):
    L = np.zeros(y_hat.shape[0])
    for t in range(y_hat.shape[1]):
        L = L + cross_entropy_step(y_hat[:, t], y[:, t]) * mask[:, t]
    return L


def bad_ce_step(y_hat_t, y_t):  # log base 2
    return -np.log2(y_hat_t[np.arange(y_hat_t.shape[0]), y_t])


# --- output_backward ---------------------------------------------------------------------------


def out_width_from_labels(y_hat, y, a, W_ya, mask):
    dlogits = (y_hat - np.eye(y.max() + 1)[y]) * mask[..., None]
    return {"da": dlogits @ W_ya, "dW_ya": np.einsum("mty,mta->ya", dlogits, a),
            "db_y": dlogits.sum(axis=(0, 1))}  # fmt: skip


def out_not_accumulated(y_hat, y, a, W_ya, mask):
    dlogits = (y_hat - np.eye(y_hat.shape[-1])[y]) * mask[..., None]
    for t in range(a.shape[1]):
        dW_ya = dlogits[:, t].T @ a[:, t]
    return {"da": dlogits @ W_ya, "dW_ya": dW_ya, "db_y": dlogits.sum(axis=(0, 1))}


def out_mask_only_on_da(y_hat, y, a, W_ya, mask):
    dlogits = y_hat - np.eye(y_hat.shape[-1])[y]
    return {"da": (dlogits * mask[..., None]) @ W_ya,
            "dW_ya": np.einsum("mty,mta->ya", dlogits, a), "db_y": dlogits.sum(axis=(0, 1))}  # fmt: skip


def out_db_per_step(y_hat, y, a, W_ya, mask):
    dlogits = (y_hat - np.eye(y_hat.shape[-1])[y]) * mask[..., None]
    return {"da": dlogits @ W_ya, "dW_ya": np.einsum("mty,mta->ya", dlogits, a),
            "db_y": dlogits.sum(axis=0)}  # fmt: skip


# --- rnn_cell_backward -------------------------------------------------------------------------


def cell_bwd_square_after(da_next, cache):
    a_next, a_prev, x_t, params = cache
    dz = da_next * (1 - a_next) ** 2
    return {"dx_t": dz @ params["W_ax"], "da_prev": dz @ params["W_aa"], "dW_ax": dz.T @ x_t,
            "dW_aa": dz.T @ a_prev, "db_a": dz.sum(axis=0)}  # fmt: skip


def cell_bwd_dW_ax_transposed(da_next, cache):
    out = rnn_cell_backward(da_next, cache)
    return out | {"dW_ax": cache[2].T @ (da_next * (1 - cache[0] ** 2))}


def cell_bwd_da_prev_without_tanh(da_next, cache):
    out = rnn_cell_backward(da_next, cache)
    return out | {"da_prev": da_next @ cache[3]["W_aa"]}


def cell_bwd_db_wrong_axis(da_next, cache):
    out = rnn_cell_backward(da_next, cache)
    return out | {"db_a": (da_next * (1 - cache[0] ** 2)).sum(axis=1)}


# --- rnn_backward ------------------------------------------------------------------------------


def bwd_start_from_last_da(da, caches):
    m, T_x, _ = da.shape
    params = caches[0][3]
    dx = np.zeros((m, T_x, params["W_ax"].shape[1]))
    g = {k: np.zeros_like(params[k[1:]]) for k in ("dW_ax", "dW_aa", "db_a")}
    da_prev = da[:, -1]  # counted twice at the last step
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, t] + da_prev, caches[t])
        dx[:, t], da_prev = step["dx_t"], step["da_prev"]
        g = {k: v + step[k] for k, v in g.items()}
    return {"dx": dx, "da0": da_prev, **g}


def bwd_db_not_summed(da, caches):
    out = rnn_backward(da, caches)
    first = rnn_cell_backward(da[:, 0] + 0.0 * da[:, 0], caches[0])  # only what t=1 adds itself
    return out | {"db_a": first["db_a"]}


def bwd_time_first(da, caches):
    out = rnn_backward(da, caches)
    return out | {"dx": np.moveaxis(out["dx"], 1, 0)}


def bad_cell_backward(da_next, cache):  # averages db_a over the batch
    return rnn_cell_backward(da_next, cache) | {
        "db_a": (da_next * (1 - cache[0] ** 2)).mean(axis=0)
    }


WRONG = {
    "cross_entropy_step": [
        wrong(ce_max, "took the largest probability, not the true class's", "true class|y_t|label"),
        wrong(ce_mean, "averaged over the batch", "(m,)|one value per example|per example|shape"),
        wrong(ce_transposed_index, "y_hat_t[y_t, arange(m)]", "row|index|np.arange(m)"),
    ],
    "binary_cross_entropy": [
        wrong(bce_mean, "one mean, not elementwise", "elementwise|shape"),
        wrong(bce_log_y_hat_twice, "log(y_hat) in both terms", "1 − ŷ|1 - y_hat|1 − y_hat"),
        wrong(bce_summed_over_time, "summed over time", "elementwise|shape"),
        wrong(bce_sign, "minus sign on the second term", "sign|minus"),
    ],
    "sequence_loss": [
        wrong(seq_scalar, "one scalar for the batch", "(m,)|per sequence|shape"),
        wrong(seq_over_m, "divided by m", "sum|divide|scale|mean"),
        wrong(
            seq_every_label,
            "y_hat[:, t, y[:, t]] takes every label for every row",
            "label for every row|every label|np.arange(m)",
        ),
        wrong(
            calling(seq_with_bad_step, cross_entropy_step=bad_ce_step),
            "its cross_entropy_step is wrong",
            "cross_entropy_step",
        ),
    ],
    "output_backward": [
        wrong(out_width_from_labels, "one-hot width from y.max() + 1", "n_y|width|one-hot|onehot"),
        wrong(
            out_not_accumulated,
            "kept the last step's dW_ya",
            "dW_ya",
            "sum|every step|accumulate|+=",
        ),
        wrong(out_mask_only_on_da, "mask applied to da only", "mask"),
        wrong(out_db_per_step, "db_y summed over the batch only", "db_y", "sum|axis|shape|time"),
    ],
    "rnn_cell_backward": [
        wrong(
            cell_bwd_square_after, "(1 - a)**2 for the tanh derivative", "derivative|1 − a⟨t⟩²|tanh"
        ),
        wrong(cell_bwd_dW_ax_transposed, "dW_ax transposed", "dW_ax", "transpose|shape"),
        wrong(cell_bwd_da_prev_without_tanh, "da_prev skips the tanh derivative", "da_prev"),
        wrong(cell_bwd_db_wrong_axis, "db_a summed over the units", "db_a", "axis|batch|shape"),
    ],
    "rnn_backward": [
        wrong(
            bwd_start_from_last_da,
            "da_prev starts at da[:, -1]",
            "da_prev|zero|last step|t=T_x|starts",
        ),
        wrong(bwd_db_not_summed, "db_a of step 1 only", "db_a", "sum|every step|accumulate|+="),
        wrong(bwd_time_first, "dx time first", "dx", "shape|axis|batch first|(m, T"),
        wrong(
            calling(rnn_backward, rnn_cell_backward=bad_cell_backward),
            "its cell backward is wrong",
            "rnn_cell_backward",
        ),
    ],
}
