"""Wrong answers to notebook 05 (the LSTM cell, the LSTM sequence, spot the bug)."""

from __future__ import annotations

import numpy as np

from wrong_answers import calling, wrong


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _gates(x_t, a_prev, params, keep_a_prev=True, bias=(1, 1, 1, 1)):
    n_a = params["W_aa"].shape[1]
    z = x_t @ params["W_ax"].T + (a_prev @ params["W_aa"].T if keep_a_prev else 0)
    z = z + params["b_a"] * np.repeat(np.array(bias, dtype=float), n_a)
    return np.split(z, 4, axis=1)


def _cell(x_t, a_prev, c_prev, params, o_act=sigmoid, **kw):
    z_i, z_f, z_g, z_o = _gates(x_t, a_prev, params, **kw)
    i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), o_act(z_o)
    c_next = i * g + f * c_prev
    a_next = o * np.tanh(c_next)
    cache = {"i": i, "f": f, "g": g, "o": o, "x_t": x_t, "a_prev": a_prev, "c_prev": c_prev,
             "c_next": c_next, "params": params}  # fmt: skip
    return a_next, c_next, cache


def lstm_cell_forward(x_t, a_prev, c_prev, params):
    return _cell(x_t, a_prev, c_prev, params)


def lstm_forward(x, a0, c0, params):
    a_t, c_t, a, c, caches = a0, c0, [], [], []
    for t in range(x.shape[1]):
        a_t, c_t, cache = lstm_cell_forward(x[:, t, :], a_t, c_t, params)
        a.append(a_t)
        c.append(c_t)
        caches.append(cache)
    return np.stack(a, axis=1), np.stack(c, axis=1), caches


# --- lstm_cell_forward -------------------------------------------------------------------------


def cell_cache_gamma_names(x_t, a_prev, c_prev, params):
    a, c, cache = lstm_cell_forward(x_t, a_prev, c_prev, params)
    renamed = {
        "gamma_u": cache["i"],
        "gamma_f": cache["f"],
        "c_tilde": cache["g"],
        "gamma_o": cache["o"],
    }
    return a, c, renamed | {k: cache[k] for k in ("x_t", "a_prev", "c_prev", "c_next", "params")}


def cell_tanh_output_gate(x_t, a_prev, c_prev, params):
    return _cell(x_t, a_prev, c_prev, params, o_act=np.tanh)


def cell_forget_without_bias(x_t, a_prev, c_prev, params):
    return _cell(x_t, a_prev, c_prev, params, bias=(1, 0, 1, 1))


def cell_cache_i_f_swapped(x_t, a_prev, c_prev, params):
    a, c, cache = lstm_cell_forward(x_t, a_prev, c_prev, params)
    return a, c, cache | {"i": cache["f"], "f": cache["i"]}


def cell_no_a_prev(x_t, a_prev, c_prev, params):
    return _cell(x_t, a_prev, c_prev, params, keep_a_prev=False)


def bad_cell(x_t, a_prev, c_prev, params):  # c<t> = tanh(...)
    a, c, cache = lstm_cell_forward(x_t, a_prev, c_prev, params)
    return a, np.tanh(c), cache


# --- lstm_forward ------------------------------------------------------------------------------


def seq_last_cache(x, a0, c0, params):
    a, c, caches = lstm_forward(x, a0, c0, params)
    return a, c, caches[-1:]


def seq_a_c_swapped(x, a0, c0, params):
    a, c, caches = lstm_forward(x, a0, c0, params)
    return c, a, caches


def seq_c_off_by_one(x, a0, c0, params):
    a_t, c_t, a, c, caches = a0, c0, [], [], []
    for t in range(x.shape[1]):
        c.append(c_t)
        a_t, c_t, cache = lstm_cell_forward(x[:, t, :], a_t, c_t, params)
        a.append(a_t)
        caches.append(cache)
    return np.stack(a, axis=1), np.stack(c, axis=1), caches


# --- diagnose_lstm_cell ------------------------------------------------------------------------


def _predictions(x_t, a_prev, c_prev, params, go_swap_gate=True):
    z = x_t @ params["W_ax"].T + a_prev @ params["W_aa"].T + params["b_a"]
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=1)
    i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), sigmoid(z_o)
    c = i * g + f * c_prev
    c_sig = i * sigmoid(z_g) + f * c_prev
    c_nf = c_prev + i * g
    c_uf = f * g + i * c_prev
    c_go = i * np.tanh(z_o) + f * c_prev
    return {
        "correct": (o * np.tanh(c), c),
        "candidate_sigmoid": (o * np.tanh(c_sig), c_sig),
        "forget_gate_missing": (o * np.tanh(c_nf), c_nf),
        "update_forget_swapped": (o * np.tanh(c_uf), c_uf),
        "candidate_output_swapped": ((sigmoid(z_g) if go_swap_gate else o) * np.tanh(c_go), c_go),
        "output_tanh_missing": (o * c, c),
        "output_from_c_prev": (o * np.tanh(c_prev), c),
    }


def diag_exact_equality(x_t, a_prev, c_prev, params, a_next, c_next):
    for label, (a, c) in _predictions(x_t, a_prev, c_prev, params).items():
        if np.array_equal(a, a_next) and np.array_equal(c, c_next):
            return label
    return None


def diag_go_swap_keeps_o(x_t, a_prev, c_prev, params, a_next, c_next):
    for label, (a, c) in _predictions(x_t, a_prev, c_prev, params, go_swap_gate=False).items():
        if np.allclose(a, a_next) and np.allclose(c, c_next):
            return label
    return "correct"


def diag_index(x_t, a_prev, c_prev, params, a_next, c_next):
    for k, (a, c) in enumerate(_predictions(x_t, a_prev, c_prev, params).values()):
        if np.allclose(a, a_next) and np.allclose(c, c_next):
            return k
    return -1


def diag_always_correct(x_t, a_prev, c_prev, params, a_next, c_next):
    return "correct"


WRONG = {
    "lstm_cell_forward": [
        wrong(cell_cache_gamma_names, "cache keys gamma_u, gamma_f, …", "cache", "'i'|key"),
        wrong(cell_tanh_output_gate, "tanh on the output gate", "Γ_o|output gate|'o'", "σ|sigmoid"),
        wrong(
            cell_forget_without_bias, "forget gate without its bias", "bias|b_a", "forget|Γ_f|'f'"
        ),
        wrong(cell_cache_i_f_swapped, "cache i and f swapped", "cache", "'i'|'f'|swapped"),
        wrong(cell_no_a_prev, "left out W_aa a_prev", "a_prev|W_aa"),
    ],
    "lstm_forward": [
        wrong(seq_last_cache, "only the last cache", "caches", "per step|T_x|length|items"),
        wrong(seq_a_c_swapped, "returned (c, a)", "swap|order"),
        wrong(seq_c_off_by_one, "c[:, t] holds c<t-1>", "c", "off by one|one step|c⟨t−1⟩|previous"),
        wrong(
            calling(lstm_forward, lstm_cell_forward=bad_cell),
            "its cell is wrong",
            "lstm_cell_forward",
        ),
    ],
    "diagnose_lstm_cell": [
        wrong(diag_exact_equality, "== instead of allclose", "allclose|=="),
        wrong(
            diag_go_swap_keeps_o,
            "candidate_output_swapped predicted with σ(z_o)",
            "candidate_output_swapped",
        ),
        wrong(diag_index, "returned an index, not the label", "str|label"),
        wrong(
            diag_always_correct, "always 'correct'", "'correct'", "wrong formula|every|always|bug"
        ),
    ],
}
