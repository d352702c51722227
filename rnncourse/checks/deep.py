r"""Notebook 07 (deep RNNs): ``deep_rnn_forward``, ``rnn_parameter_count`` and ``layer_dropout``.

A deep (stacked) RNN of :math:`L` layers runs one recurrent layer per level; layer :math:`l`
reads the states of layer :math:`l-1` as its inputs (Graves, Mohamed & Hinton 2013, "Speech
recognition with deep recurrent neural networks"; ``torch.nn.RNN/GRU/LSTM(num_layers=L)``). For
the tanh cell

.. math::
    a^{[l]\langle t\rangle} = \tanh\big(W_{aa}^{[l]} a^{[l]\langle t-1\rangle}
        + W_{ax}^{[l]} a^{[l-1]\langle t\rangle} + b_a^{[l]}\big), \qquad
    a^{[0]\langle t\rangle} = x^{\langle t\rangle}, \quad l = 1 \dots L

and the same with a GRU cell (gates ``r | z | n``, reset after the recurrent matmul, as
``torch.nn.GRU``) or an LSTM cell (gates ``i | f | g | o``) in place of the tanh: only the hidden
state :math:`a^{[l-1]\langle t\rangle}` goes up the stack; an LSTM's cell state
:math:`c^{[l]\langle t\rangle}` stays inside its layer. Each layer starts from its own
:math:`a^{[l]\langle 0\rangle}` = ``a0[l - 1]`` (and :math:`c^{[l]\langle 0\rangle}` =
``c0[l - 1]``). The outputs are the top layer's states :math:`a^{[L]\langle t\rangle}` (torch's
``output``), every layer's last state :math:`a^{[l]\langle T_x\rangle}` (torch's ``h_n``, shape
``(L, m, n_a)``) and, for the LSTM, every layer's last cell state (``c_n``, the same shape).

The parameter count is ``sum(p.numel() for p in torch.nn.<RNN|GRU|LSTM>(...).parameters())``:
per layer and direction, :math:`G n_a (n_{in} + n_a) + 2 G n_a` with :math:`G` = 1, 3, 4 blocks
(RNN, GRU, LSTM) and two bias vectors (``bias_ih``, ``bias_hh``); :math:`n_{in} = n_x` for layer
1 and :math:`D n_a` above it, :math:`D` = 2 directions when bidirectional.

The references come first, each a correct answer written out; then each exercise, with its
mistakes: a small function that makes each one, so that the check can recognise it in a
student's output and tests can prove the check catches it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "07_deep_rnns"

CELLS = ("rnn", "gru", "lstm")
Params = dict[str, np.ndarray]


# --- deep_rnn_forward ------------------------------------------------------------------------------


def _step(
    cell: str, x_t: np.ndarray, a_prev: np.ndarray, c_prev: Any, p: Params, bug: str
) -> tuple[np.ndarray, Any]:
    """:func:`rnncourse.reference.cell_step`, or one of the mistakes made inside a GRU or LSTM step written by hand."""
    n_a = a_prev.shape[1]
    if cell == "gru" and bug in ("gru_reset_before", "gru_z_flipped"):
        r_x, z_x, n_x = np.split(x_t @ p["W_ax"].T + p["b_ax"], 3, axis=1)
        r_a, z_a, _ = np.split(a_prev @ p["W_aa"].T + p["b_aa"], 3, axis=1)
        r, z = R.sigmoid(r_x + r_a), R.sigmoid(z_x + z_a)
        W_ca, b_ca = p["W_aa"][2 * n_a :], p["b_aa"][2 * n_a :]
        if bug == "gru_reset_before":  # the lecture's c̃: Γ_r before the matmul
            return (1.0 - z) * np.tanh(n_x + (r * a_prev) @ W_ca.T + b_ca) + z * a_prev, None
        c_tilde = np.tanh(n_x + r * (a_prev @ W_ca.T + b_ca))
        return z * c_tilde + (1.0 - z) * a_prev, None
    if cell == "lstm" and bug == "lstm_gates_ifog":  # the blocks read as i | f | o | g
        i, f, o, g = np.split(x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"], 4, axis=1)
        c_next = R.sigmoid(i) * np.tanh(g) + R.sigmoid(f) * c_prev
        return R.sigmoid(o) * np.tanh(c_next), c_next
    return R.cell_step(cell, x_t, a_prev, c_prev, p)


def _deep(
    x: np.ndarray,
    a0: np.ndarray,
    params: list[Params],
    cell: str = "rnn",
    c0: np.ndarray | None = None,
    *,
    bug: str,
) -> tuple[Any, ...]:
    L = len(params)
    lstm = cell == "lstm" and c0 is not None
    inputs_l = x  # a^[0] = x: (m, T_x, n_x)
    states: list[np.ndarray] = []
    cells: list[np.ndarray] = []
    lasts: list[np.ndarray] = []
    last_c: list[Any] = []
    for k in range(L):  # layer k + 1 of the course's a^[l]
        p = {
            "first_layer_params": params[0],
            "params_reversed": params[L - 1 - k],
        }.get(bug, params[k])
        start = {
            "same_a0": a0[0],
            "a0_from_layer_below": lasts[-1] if lasts else a0[0],
        }.get(bug, a0[k])
        start_c = None
        if lstm:
            assert c0 is not None
            start_c = {
                "same_a0": c0[0],
                "a0_from_layer_below": last_c[-1] if last_c else c0[0],
            }.get(bug, c0[k])
        below = {
            "every_layer_reads_x": x,
            "reads_bottom_layer": states[0] if states else x,
        }.get(bug, inputs_l)
        if lstm and bug in ("c0_zeros", "c0_from_a0"):
            start_c = np.zeros_like(start) if bug == "c0_zeros" else a0[k]
        a_t, c_t, a_l, c_l = start, start_c, [], []
        for t in range(x.shape[1]):
            a_t, c_t = _step(cell, below[:, t], a_t, c_t, p, bug)
            a_l.append(a_t)
            c_l.append(c_t)
        states.append(np.stack(a_l, axis=1))  # (m, T_x, n_a)
        cells.append(np.stack(c_l, axis=1) if lstm else states[-1])
        lasts.append(a_t)
        last_c.append(c_t)
        inputs_l = cells[-1] if bug == "c_passed_up" else states[-1]  # what the next layer reads
    c_n = np.stack(last_c) if lstm else None
    if bug == "no_c_n":
        c_n = None
    if bug == "c_n_top_only" and lstm:
        c_n = last_c[-1]  # (m, n_a)
    if bug == "top_cell_states":
        states[-1] = cells[-1]
    if bug == "a_last_top_only":
        return states[-1], lasts[-1], last_c[-1] if lstm else None  # (m, n_a)
    a_last = np.stack(lasts[::-1] if bug == "a_last_reversed" else lasts, axis=0)  # (L, m, n_a)
    if bug == "a_last_batch_first":
        a_last = np.stack(lasts, axis=1)  # (m, L, n_a)
        c_n = np.stack(last_c, axis=1) if lstm else None
    if bug == "a_last_reversed" and lstm:
        c_n = np.stack(last_c[::-1])
    if bug == "a_last_first_step":
        a_last = np.stack([s[:, 0] for s in states], axis=0)
        c_n = np.stack([s[:, 0] for s in cells]) if lstm else None
    a = states[0] if bug == "bottom_layer_states" else states[-1]
    if bug == "time_first":
        a = np.moveaxis(a, 1, 0)  # (T_x, m, n_a)
    return a, a_last, c_n


def _deep_params(rng: np.random.Generator, cell: str, n_x: int, n_a: int, L: int) -> list[Params]:
    """Per-layer parameters of ``cell``: layer 1 reads n_x inputs, every layer above n_a."""
    make = {
        "rnn": lambda n_in: {
            "W_ax": inputs.normal(rng, n_a, n_in, scale=0.6),
            "W_aa": inputs.normal(rng, n_a, n_a, scale=0.6),
            "b_a": inputs.normal(rng, n_a, scale=0.5),
        },
        "gru": lambda n_in: inputs.gru_params(rng, n_in, n_a),
        "lstm": lambda n_in: inputs.lstm_params(rng, n_in, n_a),
    }[cell]
    return [make(n_x if k == 0 else n_a) for k in range(L)]


def _deep_case(rng: np.random.Generator, cell: str, s: dict[str, int]) -> Case:
    m, n_a, L = s["m"], s["n_a"], s["L"]
    x = inputs.normal(rng, m, s["T"], s["n_x"])
    a0 = np.stack([inputs.state(rng, m, n_a) for _ in range(L)])  # (L, m, n_a), torch's h_0
    c0 = np.stack([inputs.state(rng, m, n_a) for _ in range(L)]) if cell == "lstm" else None
    args = (x, a0, _deep_params(rng, cell, s["n_x"], n_a, L), cell, c0)
    return Case(f"cell={cell!r}, {inputs.label(s, 'm T n_x n_a L')}", args)


def _deep_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for cell in CELLS:
        depths = [3, 2, int(rng.integers(2, 5)), int(rng.integers(2, 5))]
        for s, L in zip(inputs.sizes(rng), depths, strict=True):
            out.append(_deep_case(rng, cell, s | {"L": L}))
    for cell in CELLS:  # one layer: the RNN, GRU and LSTM of notebooks 01, 04 and 05
        out.append(_deep_case(rng, cell, {"m": 3, "T": 4, "n_x": 2, "n_a": 3, "L": 1}))
    plans: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
        "rnn": [
            ("the biases b_a^[l]", "every W_ax = 0 and W_aa = 0", "a^[l]⟨t⟩ = tanh(b_a^[l])",
             ("W_ax", "W_aa")),
            ("the recurrence within each layer", "every W_ax = 0",
             "each layer runs on its own a0[l], W_aa^[l] and b_a^[l], reading nothing from below",
             ("W_ax",)),
            ("the path up the stack", "every W_aa = 0",
             "a^[l]⟨t⟩ = tanh(W_ax^[l] a^[l−1]⟨t⟩ + b_a^[l]): layer l reads layer l−1 at the same t",
             ("W_aa",)),
        ],
        "lstm": [
            ("the LSTM's recurrence within each layer", "every W_ax = 0 (cell='lstm')",
             "each layer runs on its own a0[l], c0[l], W_aa^[l] and b_a^[l], reading nothing "
             "from below; c⟨t⟩ stays in its layer", ("W_ax",)),
            ("the LSTM's path up the stack", "every W_aa = 0 (cell='lstm')",
             "layer l's gates read a^[l−1]⟨t⟩ (its hidden states, not its c) and b_a^[l]; "
             "its own c⟨t−1⟩ still carries c0[l] along time", ("W_aa",)),
        ],
    }  # fmt: skip
    for cell, plan in plans.items():
        first = next(c for c in out if c.args[3] == cell)  # the square case of this cell
        x, a0, params, _, c0 = first.args
        for term, how, expect, keys in plan:
            zeroed = [{k: (np.zeros_like(v) if k in keys else v.copy()) for k, v in p.items()}
                      for p in params]  # fmt: skip
            args = (x.copy(), a0.copy(), zeroed, cell, None if c0 is None else c0.copy())
            out.append(Case(f"probe {term}: {how}; {expect}", args))
    return out


def _deep_hand() -> tuple[Case, ...]:
    b = [np.full(2, 0.5), np.full(2, -1.0), np.full(2, 2.0)]
    params = [
        {"W_ax": np.zeros((2, 3 if k == 0 else 2)), "W_aa": np.zeros((2, 2)), "b_a": b[k]}
        for k in range(3)
    ]
    label = "zero weights, b_a^[l] = 0.5, −1, 2: a = tanh(2), h_n[:, :, 0] = tanh(0.5, −1, 2)"
    return (Case(label, (np.ones((1, 4, 3)), np.zeros((3, 1, 2)), params, "rnn", None)),)


_RULE = (
    "layer l reads layer l−1's states a (never its cell states c), one cell step "
    "a⟨t⟩ = cell(a_below⟨t⟩, a⟨t−1⟩) with params[l] and starting from a0[l] (and c0[l]); "
    "layer 1 reads x"
)

DEEP_RNN_FORWARD = Exercise(
    name="deep_rnn_forward",
    notebook=NB,
    reference=R.deep_rnn_forward,
    make_cases=_deep_cases,
    hand=_deep_hand(),
    returns="tuple",
    outputs=("a", "h_n", "c_n"),
    time_axis={"a": 1},
    hint=(
        "x (m, T_x, n_x); params[0]['W_ax'] is (G·n_a, n_x), params[l]['W_ax'] for l ≥ 1 is "
        "(G·n_a, n_a): layer l + 1 reads the (m, T_x, n_a) states of layer l; a0[l] (and "
        "c0[l]) is (m, n_a); cell_step(cell, x_t, a_prev, c_prev, p) → (a_next, c_next)."
    ),
    mistakes=catalogue(
        _deep,
        [
            (
                "every_layer_reads_x",
                f"fed x to every layer: only layer 1 reads x; {_RULE}. (This ran only because "
                "n_x = n_a here; with n_x ≠ n_a layer 2's W_ax cannot multiply x.)",
            ),
            (
                "reads_bottom_layer",
                f"fed layer 1's states to every layer above it: layer l reads layer l−1, "
                f"the one just below; {_RULE}.",
            ),
            (
                "same_a0",
                "started every layer from a0[0]: each layer has its own initial state, "
                "a^[l]⟨0⟩ = a0[l − 1] (a0 is (L, m, n_a), like torch's h_0; c0 like c_0).",
            ),
            (
                "a0_from_layer_below",
                "started layer l from the last state of layer l−1: the state moves along time "
                "within a layer, never up; layer l starts from its own a0[l] and reads layer "
                "l−1's states as inputs.",
            ),
            (
                "first_layer_params",
                f"used params[0] in every layer: each layer has its own weights; {_RULE}.",
            ),
            (
                "params_reversed",
                f"took the layers' params in reverse order: params[0] is the bottom layer, the "
                f"one that reads x; {_RULE}.",
            ),
            (
                "bottom_layer_states",
                "returned the bottom layer's states: a holds the top layer's states "
                "a^[L]⟨t⟩, the ones an output layer reads (torch's output).",
            ),
            (
                "a_last_top_only",
                "returned only the top layer's last state as h_n: h_n holds every "
                "layer's last state, shape (L, m, n_a), h_n[l] = a^[l+1]⟨T_x⟩.",
            ),
            (
                "a_last_reversed",
                "stacked the last states top layer first: h_n[0] is the bottom layer's "
                "last state, h_n[L − 1] the top layer's (torch's order).",
            ),
            (
                "a_last_batch_first",
                "stacked the last states along axis 1, giving (m, L, n_a): h_n is "
                "(L, m, n_a), np.stack(lasts, axis=0), like torch's h_n.",
            ),
            (
                "a_last_first_step",
                "returned each layer's state at the first step as h_n: it is the state "
                "after the last step, a^[l]⟨T_x⟩ = a_l[:, -1].",
            ),
            (
                "time_first",
                "stacked the steps along axis 0, giving (T_x, m, n_a): the layout is batch "
                "first, a is (m, T_x, n_a) with a[:, t] = a^[L]⟨t+1⟩.",
            ),
            (
                "c_passed_up",
                f"fed the layer above the LSTM's cell states c instead of its hidden states a: "
                f"the cell state stays inside its layer, only a⟨t⟩ goes up (torch's output); "
                f"{_RULE}.",
            ),
            (
                "top_cell_states",
                "returned the top layer's cell states as a: a holds the top layer's hidden "
                "states a^[L]⟨t⟩ = Γ_o ⊙ tanh(c^[L]⟨t⟩), what torch's LSTM returns as output.",
            ),
            (
                "no_c_n",
                "returned None as c_n for the LSTM: an LSTM also returns every layer's last "
                "cell state, c_n (L, m, n_a), c_n[l] = c^[l+1]⟨T_x⟩ (torch's (h_n, c_n)); "
                "only the RNN and the GRU return None there.",
            ),
            (
                "c_n_top_only",
                "returned only the top layer's last cell state as c_n: c_n holds every "
                "layer's, shape (L, m, n_a), like h_n.",
            ),
            (
                "c0_zeros",
                "started every layer's cell state from zeros: the LSTM starts layer l from its "
                "own c0[l] (torch's c_0), as it starts its hidden state from a0[l].",
            ),
            (
                "c0_from_a0",
                "started the cell state from a0: a0 is the hidden state's start, the cell "
                "state starts from c0[l] (torch's c_0).",
            ),
            (
                "gru_reset_before",
                "used the lecture's GRU, with the reset gate before the recurrent matmul: "
                "torch.nn.GRU applies it after, c̃ = tanh(W_cx x + b_cx + Γ_r ⊙ (W_ca a⟨t−1⟩ "
                "+ b_ca)) (notebook 04's gru_cell_forward_reset_after).",
            ),
            (
                "gru_z_flipped",
                "swapped z and 1 − z in the GRU: a⟨t⟩ = (1 − z) ⊙ c̃ + z ⊙ a⟨t−1⟩, z the "
                "middle block of r | z | n (notebook 04).",
            ),
            (
                "lstm_gates_ifog",
                "read the LSTM's gate blocks as i | f | o | g: PyTorch's order, and the "
                "course's, is i | f | g | o (Γ_u, Γ_f, c̃, Γ_o).",
            ),
        ],
    ),
)

# --- rnn_parameter_count ---------------------------------------------------------------------------

_GATES = {"rnn": 1, "gru": 3, "lstm": 4}  # blocks of n_a rows stacked in each weight


def _count(
    kind: str,
    n_x: int,
    n_a: int,
    num_layers: int,
    bidirectional: bool = False,
    bias: bool = True,
    *,
    bug: str = "",
) -> int:
    G = {
        "no_gate_multiplier": 1,
        "gates_swapped": {"rnn": 1, "gru": 4, "lstm": 3}[kind],
    }.get(bug, _GATES[kind])
    D = 2 if bidirectional else 1
    total = 0
    for k in range(1 if bug == "one_layer" else num_layers):
        if k == 0 or bug == "upper_layers_n_x":
            n_in = n_x
        else:
            n_in = n_a if bug == "upper_layers_one_direction" else D * n_a
        weights = G * n_a * (n_in + n_a)  # weight_ih (G n_a, n_in) + weight_hh (G n_a, n_a)
        biases = {"one_bias": G * n_a, "bias_without_gates": 2 * n_a}.get(bug, 2 * G * n_a)
        use_bias = bias or bug == "bias_ignored"
        total += (1 if bug == "directions_not_doubled" else D) * (weights + use_bias * biases)
    return total


_FORMULA = (
    "per layer and direction G·n_a·(n_in + n_a) weights + 2·G·n_a biases, G = 1 (rnn), 3 (gru), "
    "4 (lstm), n_in = n_x for layer 1 and D·n_a above it, D = 2 directions when bidirectional"
)

_COUNT_MISTAKES = [
    (
        "upper_layers_n_x",
        "counted every layer with n_x inputs: layer 1 reads x (n_x), every layer above "
        f"reads the states of the layer below (n_a, or 2·n_a when bidirectional); {_FORMULA}.",
    ),
    (
        "upper_layers_one_direction",
        "fed layers ≥ 2 of a bidirectional RNN n_a inputs: they read both directions' "
        f"states of the layer below, concatenated, 2·n_a; {_FORMULA}.",
    ),
    (
        "directions_not_doubled",
        "counted one direction of a bidirectional RNN: each direction has its own "
        f"weights and biases (weight_ih_l0 and weight_ih_l0_reverse); {_FORMULA}.",
    ),
    (
        "one_layer",
        f"counted one layer: each of the num_layers layers has its own parameters; {_FORMULA}.",
    ),
    (
        "one_bias",
        "counted one bias vector per layer and direction: PyTorch keeps two, bias_ih "
        f"and bias_hh, each (G·n_a,), though only their sum matters; {_FORMULA}.",
    ),
    (
        "bias_ignored",
        f"counted the biases when bias=False: then there are none; {_FORMULA}.",
    ),
    (
        "bias_without_gates",
        "counted 2·n_a biases whatever the cell: the biases are stacked like the "
        f"weights, G blocks of n_a each; {_FORMULA}.",
    ),
    (
        "no_gate_multiplier",
        "left out the gate multiplier: a GRU stacks 3 blocks (r | z | n) and an LSTM 4 "
        f"(i | f | g | o) in each weight and bias; {_FORMULA}.",
    ),
    (
        "gates_swapped",
        "swapped the multipliers of the GRU and the LSTM: a GRU has 3 blocks "
        f"(r | z | n), an LSTM 4 (i | f | g | o); {_FORMULA}.",
    ),
]


def _count_cases(rng: np.random.Generator) -> list[Case]:
    shapes = [  # kind, num_layers, bidirectional, bias; the sizes are drawn
        ("lstm", 3, True, True),
        ("gru", 2, False, False),
        ("rnn", 1, False, True),
        ("gru", 2, True, True),
        ("rnn", 3, False, True),
        ("lstm", 1, True, False),
    ]
    out = []
    for kind, L, bi, bias in shapes:
        while True:  # sizes where no two wrong counts coincide, so the message names the right one
            n_x, n_a = (int(n) for n in rng.choice(np.arange(2, 40), size=2, replace=False))
            right = _count(kind, n_x, n_a, L, bi, bias)
            wrong = [_count(kind, n_x, n_a, L, bi, bias, bug=b) for b, _ in _COUNT_MISTAKES]
            wrong = [w for w in wrong if w != right]
            if len(set(wrong)) == len(wrong):
                break
        module = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}[kind]
        label = (
            f"kind={kind!r}, like torch.nn.{module}({n_x}, {n_a}, num_layers={L}, "
            f"bidirectional={bi}, bias={bias})"
        )
        out.append(Case(label, (kind, n_x, n_a, L, bi, bias)))
    return out


RNN_PARAMETER_COUNT = Exercise(
    name="rnn_parameter_count",
    notebook=NB,
    reference=R.rnn_parameter_count,
    make_cases=_count_cases,
    hand=(
        Case("torch.nn.LSTM(10, 20, num_layers=2): 5920", ("lstm", 10, 20, 2, False, True)),
        Case(
            "torch.nn.RNN(4, 3, num_layers=2, bidirectional=True, bias=False): 96",
            ("rnn", 4, 3, 2, True, False),
        ),
    ),
    returns="array",
    outputs=("the number of parameters",),
    hint=f"return an int: {_FORMULA}.",
    mistakes=catalogue(_count, _COUNT_MISTAKES),
    forbid_modules=("torch.nn.modules.rnn", "rnncourse.nn"),  # no counting a built module
)

# --- layer_dropout ---------------------------------------------------------------------------------


def _dropout(a: np.ndarray, p: float, mask: np.ndarray, training: bool, bug: str) -> np.ndarray:
    if not training and bug not in ("in_evaluation", "scaled_in_evaluation"):
        return a.copy()  # evaluation: every unit, unscaled (the expectation of training's output)
    if not training:
        return a * (1 - p) if bug == "scaled_in_evaluation" else a * mask / (1 - p)
    keep = ~mask if bug == "mask_inverted" else mask
    scale = {
        "no_rescale": 1.0,
        "scaled_in_evaluation": 1.0,
        "times_keep": 1 - p,
        "divided_by_p": 1 / p,
    }.get(bug, 1 / (1 - p))
    return a * keep * scale  # inverted dropout: E[output] = a


def _dropout_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for k, s in enumerate(inputs.sizes(rng)):
        for training in (True, False):
            p = [0.5, 0.2, float(rng.uniform(0.1, 0.4)), float(rng.uniform(0.4, 0.7))][k]
            a = rng.uniform(-0.9, 0.9, size=(s["m"], s["T"], s["n_a"]))
            mask = rng.random(a.shape) >= p  # True: the unit is kept
            mask.flat[0], mask.flat[-1] = True, False  # at least one kept and one dropped
            label = f"a of shape {a.shape}, p={p:.3g}, training={training}"
            out.append(Case(label, (a, p, mask, training)))
    return out


_INVERTED = (
    "in training a * mask / (1 − p) (the kept units are scaled up so that the expected value "
    "stays a), in evaluation a unchanged (training=False: no unit is dropped, nothing is scaled)"
)

LAYER_DROPOUT = Exercise(
    name="layer_dropout",
    notebook=NB,
    reference=R.layer_dropout,
    make_cases=_dropout_cases,
    returns="array",
    outputs=("a_dropped",),
    time_axis={"a_dropped": 1},
    hint=f"use the mask you are given (True = keep), no new random numbers: {_INVERTED}.",
    mistakes=catalogue(
        _dropout,
        [
            (
                "in_evaluation",
                f"applied dropout in evaluation too (training=False): {_INVERTED}.",
            ),
            ("no_rescale", f"did not rescale the kept units by 1/(1 − p): {_INVERTED}."),
            (
                "scaled_in_evaluation",
                "scaled by (1 − p) in evaluation instead of by 1/(1 − p) in training (the "
                f"original, non-inverted dropout; torch.nn uses the inverted one): {_INVERTED}.",
            ),
            ("times_keep", f"multiplied the kept units by (1 − p): divide by it; {_INVERTED}."),
            ("divided_by_p", f"divided by p, the drop probability: divide by 1 − p; {_INVERTED}."),
            ("mask_inverted", f"kept the units where mask is False: True means keep; {_INVERTED}."),
        ],
    ),
)

EXERCISES = (DEEP_RNN_FORWARD, RNN_PARAMETER_COUNT, LAYER_DROPOUT)
