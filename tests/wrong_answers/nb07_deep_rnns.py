"""Wrong answers to notebook 07 (the deep RNN, counting parameters, dropout between layers)."""

from __future__ import annotations

import numpy as np

from wrong_answers import wrong

# --- deep_rnn_forward --------------------------------------------------------------------------
# The notebook gives a step helper, cell_step(cell, x_t, a_prev, c_prev, p) -> (a_next, c_next);
# these answers carry their own copy of it, as a student's notebook does.


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _step(cell, x_t, a_prev, c_prev, p, gru_reset_before=False, z_flipped=False, lstm_order="ifgo"):
    if cell == "rnn":
        return np.tanh(x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"]), None
    if cell == "gru":
        n = a_prev.shape[1]
        gx = x_t @ p["W_ax"].T + p["b_ax"]
        W_aa, b_aa = p["W_aa"], p["b_aa"]
        r = _sig(gx[:, :n] + a_prev @ W_aa[:n].T + b_aa[:n])
        z = _sig(gx[:, n : 2 * n] + a_prev @ W_aa[n : 2 * n].T + b_aa[n : 2 * n])
        if gru_reset_before:
            c = np.tanh(gx[:, 2 * n :] + (r * a_prev) @ W_aa[2 * n :].T + b_aa[2 * n :])
        else:
            c = np.tanh(gx[:, 2 * n :] + r * (a_prev @ W_aa[2 * n :].T + b_aa[2 * n :]))
        if z_flipped:
            return z * c + (1 - z) * a_prev, None
        return (1 - z) * c + z * a_prev, None
    gates = x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"]
    blocks = dict(zip(lstm_order, np.split(gates, 4, axis=1), strict=True))
    c = _sig(blocks["i"]) * np.tanh(blocks["g"]) + _sig(blocks["f"]) * c_prev
    return _sig(blocks["o"]) * np.tanh(c), c


def _run(cell, x, a0, c0, p, **bugs):
    """One layer: its states (m, T, n_a), its cell states (or None), its last a and c."""
    a_t, c_t, states, cells = a0, c0, [], []
    for t in range(x.shape[1]):
        a_t, c_t = _step(cell, x[:, t], a_t, c_t, p, **bugs)
        states.append(a_t)
        cells.append(c_t)
    return np.stack(states, axis=1), (np.stack(cells, axis=1) if c0 is not None else None), a_t, c_t


def _c0(cell, c0, k):
    return c0[k] if cell == "lstm" else None


def _stack_c(cell, cs):
    return np.stack(cs) if cell == "lstm" else None


def deep_zero_start(x, a0, params, cell="rnn", c0=None):  # every layer from zeros, a0 ignored
    below, last, last_c = x, [], []
    for p in params:
        zc = np.zeros_like(a0[0]) if cell == "lstm" else None
        below, _, a_t, c_t = _run(cell, below, np.zeros_like(a0[0]), zc, p)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def deep_concat_all_layers(x, a0, params, cell="rnn", c0=None):  # every layer's states concatenated
    below, last, last_c, every = x, [], [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
        last_c.append(c_t)
        every.append(below)
    return np.concatenate(every, axis=2), np.stack(last), _stack_c(cell, last_c)


def deep_last_is_top_sequence(x, a0, params, cell="rnn", c0=None):  # h_n repeats the top layer
    below, c_t = x, None
    for k, p in enumerate(params):
        below, _, _, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
    c_n = np.stack([c_t] * len(params)) if cell == "lstm" else None
    return below, np.stack([below[:, -1]] * len(params)), c_n


def deep_reads_below_previous_step(x, a0, params, cell="rnn", c0=None):  # layer l reads l-1 at t-1
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        if k > 0:
            below = np.concatenate([a0[k - 1][:, None], below[:, :-1]], axis=1)
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def deep_one_weights(x, a0, params, cell="rnn", c0=None):  # the top layer's W_aa used by all layers
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        q = dict(p, W_aa=params[-1]["W_aa"])
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), q)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def deep_time_loop_outside(x, a0, params, cell="rnn", c0=None):  # state not carried within a layer
    states = [a0[k] for k in range(len(params))]
    cs = [_c0(cell, c0, k) for k in range(len(params))]
    top = []
    for t in range(x.shape[1]):
        inp = x[:, t]
        for k, p in enumerate(params):
            new, c_new = _step(cell, inp, a0[k], _c0(cell, c0, k), p)  # a0, not states[k]
            states[k], cs[k] = new, c_new
            inp = new
        top.append(inp)
    return np.stack(top, axis=1), np.stack(states), _stack_c(cell, cs)


# the cell kinds: an LSTM's two states, a GRU or LSTM step written by hand


def lstm_c_passed_up(x, a0, params, cell="rnn", c0=None):  # the layer above reads c, not a
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        a_l, c_l, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        below = c_l if cell == "lstm" else a_l
        last.append(a_t)
        last_c.append(c_t)
    top = a_l
    return top, np.stack(last), _stack_c(cell, last_c)


def lstm_no_c_n(x, a0, params, cell="rnn", c0=None):  # returns (a, h_n, None) for every cell
    below, last = x, []
    for k, p in enumerate(params):
        below, _, a_t, _ = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
    return below, np.stack(last), None


def lstm_c_from_zeros(x, a0, params, cell="rnn", c0=None):  # c0 ignored: cell states start at 0
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        start_c = np.zeros_like(a0[k]) if cell == "lstm" else None
        below, _, a_t, c_t = _run(cell, below, a0[k], start_c, p)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def lstm_c_from_a0(x, a0, params, cell="rnn", c0=None):  # c started from a0 as well
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], a0[k] if cell == "lstm" else None, p)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def lstm_c_n_top_only(x, a0, params, cell="rnn", c0=None):  # c_n is only the top layer's (m, n_a)
    below, last, c_t = x, [], None
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
    return below, np.stack(last), c_t


def lstm_h_n_c_n_swapped(x, a0, params, cell="rnn", c0=None):  # returned (a, c_n, h_n)
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
        last_c.append(c_t)
    if cell == "lstm":
        return below, np.stack(last_c), np.stack(last)
    return below, np.stack(last), None


def lstm_c_from_layer_below(x, a0, params, cell="rnn", c0=None):  # c starts at the last c below
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        start_c = (last_c[-1] if last_c else c0[0]) if cell == "lstm" else None
        below, _, a_t, c_t = _run(cell, below, a0[k], start_c, p)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def lstm_reads_layer_one(x, a0, params, cell="rnn", c0=None):  # layers >= 2 all read layer 1
    first, below, last, last_c = None, x, [], []
    for k, p in enumerate(params):
        a_l, _, a_t, c_t = _run(cell, below if k == 0 else first, a0[k], _c0(cell, c0, k), p)
        first = a_l if k == 0 else first
        below = a_l
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def lstm_top_cell_states(x, a0, params, cell="rnn", c0=None):  # a = the top layer's c, not its a
    below, last, last_c, c_l = x, [], [], None
    for k, p in enumerate(params):
        below, c_l, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
        last_c.append(c_t)
    return (c_l if cell == "lstm" else below), np.stack(last), _stack_c(cell, last_c)


def lstm_gates_ifog(x, a0, params, cell="rnn", c0=None):  # own LSTM step, gates read i | f | o | g
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p, lstm_order="ifog")
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def gru_reset_before(x, a0, params, cell="rnn", c0=None):  # own GRU step: the lecture's variant
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p, gru_reset_before=True)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def gru_z_flipped(x, a0, params, cell="rnn", c0=None):  # own GRU step: z and 1 - z swapped
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p, z_flipped=True)
        last.append(a_t)
        last_c.append(c_t)
    return below, np.stack(last), _stack_c(cell, last_c)


def lstm_c_zeros_for_gru(x, a0, params, cell="rnn", c0=None):  # c_n zeros for the RNN and GRU
    below, last, last_c = x, [], []
    for k, p in enumerate(params):
        below, _, a_t, c_t = _run(cell, below, a0[k], _c0(cell, c0, k), p)
        last.append(a_t)
        last_c.append(c_t if cell == "lstm" else np.zeros_like(a_t))
    return below, np.stack(last), np.stack(last_c)


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
        wrong(deep_last_is_top_sequence, "h_n repeats the top layer", "h_n|layer"),
        wrong(
            deep_reads_below_previous_step,
            "layer l reads layer l−1 at t − 1",
            "same t|same step|time step|off by one|layer l−1",
        ),
        wrong(deep_one_weights, "one W_aa for every layer", "own weights|params[l]|W_aa|shared"),
        wrong(deep_time_loop_outside, "state not carried within a layer", "carried|a0|a⟨t−1⟩"),
        wrong(lstm_c_passed_up, "the layer above reads the cell states c", "cell state"),
        wrong(lstm_no_c_n, "no c_n for the LSTM", "c_n", "None|LSTM"),
        wrong(lstm_c_from_zeros, "c0 ignored: cell states start at zero", "c0", "zeros|zero state"),
        wrong(lstm_c_from_a0, "cell states start from a0", "c0", "from a0|a0 for|a0 as"),
        wrong(lstm_c_n_top_only, "c_n only the top layer's", "c_n", "(L, m, n_a)|every layer"),
        wrong(lstm_h_n_c_n_swapped, "h_n and c_n swapped", "h_n", "c_n", "swap|order"),
        wrong(lstm_c_from_layer_below, "c starts from the layer below's last c", "c0", "own"),
        wrong(lstm_reads_layer_one, "every layer above reads layer 1", "layer l−1", "layer 1"),
        wrong(
            lstm_top_cell_states,
            "a holds the top layer's cell states",
            "cell state",
            "hidden|a holds",
        ),
        wrong(
            lstm_gates_ifog, "own LSTM step with gates i | f | o | g", "i | f | g | o|gate order"
        ),
        wrong(
            gru_reset_before, "own GRU step, reset before the matmul", "reset|Γ_r", "after|before"
        ),
        wrong(gru_z_flipped, "own GRU step, z and 1 − z swapped", "1 − z"),
        wrong(lstm_c_zeros_for_gru, "c_n of zeros for a cell without one", "c_n", "None"),
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
