"""Wrong answers to notebook 04 (the simplified GRU, both full GRU cells, the GRU sequence)."""

from __future__ import annotations

import numpy as np

from wrong_answers import calling, wrong


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_cell_forward_reset_after(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    gx = x_t @ params["W_ax"].T + params["b_ax"]
    ga = a_prev @ params["W_aa"].T + params["b_aa"]
    r, z = np.split(sigmoid(gx[:, : 2 * n_a] + ga[:, : 2 * n_a]), 2, axis=1)
    c_tilde = np.tanh(gx[:, 2 * n_a :] + r * ga[:, 2 * n_a :])
    return (1.0 - z) * c_tilde + z * a_prev, {"r": r, "z": z, "c_tilde": c_tilde}


def _before(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    W_aa, b_aa = params["W_aa"], params["b_aa"]
    gx = x_t @ params["W_ax"].T + params["b_ax"]
    r, z = np.split(
        sigmoid(gx[:, : 2 * n_a] + a_prev @ W_aa[: 2 * n_a].T + b_aa[: 2 * n_a]), 2, axis=1
    )
    return n_a, gx, r, z


def gru_forward(x, a0, params):
    a_t, a, g = a0, [], []
    for t in range(x.shape[1]):
        a_t, cache = gru_cell_forward_reset_after(x[:, t, :], a_t, params)
        a.append(a_t)
        g.append(1.0 - cache["z"])
    return np.stack(a, axis=1), np.stack(g, axis=1)


# --- simplified_gru_cell_forward ---------------------------------------------------------------


def simple_candidate_without_a_prev(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    pre = x_t @ params["W_ax"].T + a_prev @ params["W_aa"].T + params["b_a"]
    gamma_u = sigmoid(pre[:, :n_a])
    c_tilde = np.tanh(x_t @ params["W_ax"][n_a:].T + params["b_a"][n_a:])
    return gamma_u * c_tilde + (1 - gamma_u) * a_prev


def simple_relu_candidate(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    pre = x_t @ params["W_ax"].T + a_prev @ params["W_aa"].T + params["b_a"]
    gamma_u = sigmoid(pre[:, :n_a])
    return gamma_u * np.maximum(0, pre[:, n_a:]) + (1 - gamma_u) * a_prev


def simple_gate_from_bias(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    pre = x_t @ params["W_ax"].T + a_prev @ params["W_aa"].T + params["b_a"]
    gamma_u = sigmoid(params["b_a"][:n_a])
    return gamma_u * np.tanh(pre[:, n_a:]) + (1 - gamma_u) * a_prev


def simple_gate_without_bias(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    pre = x_t @ params["W_ax"].T + a_prev @ params["W_aa"].T
    gamma_u = sigmoid(pre[:, :n_a])
    return gamma_u * np.tanh(pre[:, n_a:] + params["b_a"][n_a:]) + (1 - gamma_u) * a_prev


# --- gru_cell_forward (reset before) -----------------------------------------------------------


def before_cache_gamma(x_t, a_prev, params):
    n_a, gx, r, z = _before(x_t, a_prev, params)
    c = np.tanh(
        gx[:, 2 * n_a :] + (r * a_prev) @ params["W_aa"][2 * n_a :].T + params["b_aa"][2 * n_a :]
    )
    return (1 - z) * c + z * a_prev, {"r": r, "z": 1 - z, "c_tilde": c}


def before_cache_no_candidate(x_t, a_prev, params):
    n_a, gx, r, z = _before(x_t, a_prev, params)
    c = np.tanh(
        gx[:, 2 * n_a :] + (r * a_prev) @ params["W_aa"][2 * n_a :].T + params["b_aa"][2 * n_a :]
    )
    return (1 - z) * c + z * a_prev, {"r": r, "z": z}


def before_reset_on_x(x_t, a_prev, params):
    n_a, _, r, z = _before(x_t, a_prev, params)
    W_ax = params["W_ax"]
    c = np.tanh((r * x_t) @ W_ax[2 * n_a :].T + params["b_ax"][2 * n_a :]
                + a_prev @ params["W_aa"][2 * n_a :].T + params["b_aa"][2 * n_a :])  # fmt: skip
    return (1 - z) * c + z * a_prev, {"r": r, "z": z, "c_tilde": c}


def before_candidate_no_b_aa(x_t, a_prev, params):
    n_a, gx, r, z = _before(x_t, a_prev, params)
    c = np.tanh(gx[:, 2 * n_a :] + (r * a_prev) @ params["W_aa"][2 * n_a :].T)
    return (1 - z) * c + z * a_prev, {"r": r, "z": z, "c_tilde": c}


def before_cache_r_z_swapped(x_t, a_prev, params):
    n_a, gx, r, z = _before(x_t, a_prev, params)
    c = np.tanh(
        gx[:, 2 * n_a :] + (r * a_prev) @ params["W_aa"][2 * n_a :].T + params["b_aa"][2 * n_a :]
    )
    return (1 - z) * c + z * a_prev, {"r": z, "z": r, "c_tilde": c}


# --- gru_cell_forward_reset_after --------------------------------------------------------------


def after_cache_gamma(x_t, a_prev, params):
    a, cache = gru_cell_forward_reset_after(x_t, a_prev, params)
    return a, cache | {"z": 1 - cache["z"]}


def after_reset_on_everything(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    gx = x_t @ params["W_ax"].T + params["b_ax"]
    ga = a_prev @ params["W_aa"].T + params["b_aa"]
    r, z = np.split(sigmoid(gx[:, : 2 * n_a] + ga[:, : 2 * n_a]), 2, axis=1)
    c = np.tanh(r * (gx[:, 2 * n_a :] + ga[:, 2 * n_a :]))
    return (1 - z) * c + z * a_prev, {"r": r, "z": z, "c_tilde": c}


def after_tanh_inside(x_t, a_prev, params):
    n_a = a_prev.shape[1]
    gx = x_t @ params["W_ax"].T + params["b_ax"]
    ga = a_prev @ params["W_aa"].T + params["b_aa"]
    r, z = np.split(sigmoid(gx[:, : 2 * n_a] + ga[:, : 2 * n_a]), 2, axis=1)
    c = np.tanh(gx[:, 2 * n_a :] + r * np.tanh(ga[:, 2 * n_a :]))
    return (1 - z) * c + z * a_prev, {"r": r, "z": z, "c_tilde": c}


def after_cache_tuple(x_t, a_prev, params):
    a, cache = gru_cell_forward_reset_after(x_t, a_prev, params)
    return a, (cache["r"], cache["z"], cache["c_tilde"])


def bad_after_cell(x_t, a_prev, params):  # forgets b_ax
    return gru_cell_forward_reset_after(x_t, a_prev, params | {"b_ax": 0 * params["b_ax"]})


# --- gru_forward -------------------------------------------------------------------------------


def seq_gamma_is_r(x, a0, params):
    a_t, a, g = a0, [], []
    for t in range(x.shape[1]):
        a_t, cache = gru_cell_forward_reset_after(x[:, t, :], a_t, params)
        a.append(a_t)
        g.append(cache["r"])
    return np.stack(a, axis=1), np.stack(g, axis=1)


def seq_batch_index(x, a0, params):
    a_t, a, g = a0, [], []
    for t in range(x.shape[1]):
        a_t, cache = gru_cell_forward_reset_after(x[t], a_t, params)
        a.append(a_t)
        g.append(1 - cache["z"])
    return np.stack(a, axis=1), np.stack(g, axis=1)


def seq_lists(x, a0, params):
    a, g = gru_forward(x, a0, params)
    return list(np.moveaxis(a, 1, 0)), list(np.moveaxis(g, 1, 0))


WRONG = {
    "simplified_gru_cell_forward": [
        wrong(
            simple_candidate_without_a_prev,
            "candidate without W_ca a_prev",
            "a_prev|W_aa|recurrent",
        ),
        wrong(simple_relu_candidate, "relu candidate", "tanh", "candidate|c̃"),
        wrong(
            simple_gate_from_bias,
            "gate from the bias alone",
            "gate|Γ_u",
            "x_t|a_prev|W_ax|W_aa|weight",
        ),
        wrong(simple_gate_without_bias, "gate without its bias", "bias|b_a|b_u"),
    ],
    "gru_cell_forward": [
        wrong(before_cache_gamma, "cache['z'] holds 1 − z", "cache", "'z'|z"),
        wrong(before_cache_no_candidate, "cache without c_tilde", "c_tilde"),
        wrong(before_reset_on_x, "reset applied to x_t", "Γ_r|reset"),
        wrong(before_candidate_no_b_aa, "candidate without b_aa", "b_aa|bias"),
        wrong(before_cache_r_z_swapped, "cache r and z swapped", "cache", "'r'|'z'|swapped"),
    ],
    "gru_cell_forward_reset_after": [
        wrong(after_cache_gamma, "cache['z'] holds 1 − z", "cache", "'z'|z"),
        wrong(
            after_reset_on_everything,
            "reset on the input part too",
            "Γ_r|reset",
            "x|input|W_ax|b_ax",
        ),
        wrong(after_tanh_inside, "tanh on W_ca a_prev + b_ca", "candidate|c̃|c_tilde"),
        wrong(after_cache_tuple, "cache as a tuple", "dict"),
    ],
    "gru_forward": [
        wrong(seq_gamma_is_r, "gamma_u from the reset gate", "gamma_u", "update|1 − z|1 - z|z"),
        wrong(seq_batch_index, "x[t] instead of x[:, t]", "x[:, t"),
        wrong(seq_lists, "lists of steps", "array|stack"),
        wrong(
            calling(gru_forward, gru_cell_forward_reset_after=bad_after_cell),
            "its cell is wrong",
            "gru_cell_forward_reset_after",
        ),
    ],
}
