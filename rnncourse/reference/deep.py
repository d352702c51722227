r"""Notebook 07's references: a deep (stacked) RNN, GRU or LSTM as ``torch.nn`` with
``num_layers=L``, its parameter count in closed form, and dropout between layers."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse.reference._common import Params
from rnncourse.reference.gru import gru_cell_forward
from rnncourse.reference.lstm import lstm_cell_forward


def cell_step(
    cell: str, x_t: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray | None, p: Params
) -> tuple[np.ndarray, np.ndarray | None]:
    r"""One step of one layer, ``(a_next, c_next)``; ``c_next`` is None unless ``cell == "lstm"``.

    .. math::
        \text{rnn:}\quad a^{\langle t\rangle} &= \tanh(W_{ax} x + W_{aa} a^{\langle t-1\rangle} + b_a) \\
        \text{gru:}\quad a^{\langle t\rangle} &= (1 - z) \odot \tilde c + z \odot a^{\langle t-1\rangle},
            \quad \tilde c = \tanh\big(W_{cx} x + b_{cx} + \Gamma_r \odot (W_{ca} a^{\langle t-1\rangle} + b_{ca})\big) \\
        \text{lstm:}\quad c^{\langle t\rangle} &= \Gamma_u \odot \tilde c + \Gamma_f \odot c^{\langle t-1\rangle},
            \quad a^{\langle t\rangle} = \Gamma_o \odot \tanh(c^{\langle t\rangle})

    Shape: ``x_t (m, n_in)``, ``a_prev, c_prev (m, n_a)``; ``p`` holds ``W_ax (G n_a, n_in)``,
    ``W_aa (G n_a, n_a)`` and ``b_a (G n_a,)`` (the GRU: ``b_ax``, ``b_aa``), ``G`` = 1, 3, 4.
    """
    if cell == "rnn":
        return np.tanh(x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"]), None
    if cell == "gru":  # rows r | z | n; Γ_r acts after the recurrent matmul (torch.nn.GRU)
        return gru_cell_forward(x_t, a_prev, p, reset_after=True)[0], None
    if c_prev is None:
        raise ValueError("the LSTM's step needs c_prev, its cell state (m, n_a)")
    a_next, c_next, _ = lstm_cell_forward(x_t, a_prev, c_prev, p)  # rows i | f | g | o
    return a_next, c_next


def deep_rnn_forward(
    x: np.ndarray,
    a0: np.ndarray,
    params: list[Params],
    cell: str = "rnn",
    c0: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    r"""A deep RNN of ``len(params)`` layers of one cell kind, as ``torch.nn.<cell>(num_layers=L)``.

    .. math:: a^{[l]\langle t\rangle} = \operatorname{cell}\big(a^{[l-1]\langle t\rangle},
              a^{[l]\langle t-1\rangle}\ (, c^{[l]\langle t-1\rangle})\big), \qquad
              a^{[0]\langle t\rangle} = x^{\langle t\rangle}

    Returns ``(a, h_n, c_n)``: the top layer's states, every layer's last hidden state and, for
    the LSTM, every layer's last cell state (None for ``"rnn"`` and ``"gru"``).

    Shape: ``x (m, T_x, n_x)``, ``a0, c0 (L, m, n_a)`` → ``a (m, T_x, n_a)``,
    ``h_n, c_n (L, m, n_a)``.
    """
    a_below = x  # a^[0] = x: (m, T_x, n_x)
    h_n: list[np.ndarray] = []
    c_n: list[Any] = []  # the LSTM's last cell states; None for the RNN and the GRU
    for layer, p in enumerate(params):
        a_t = a0[layer]
        c_t = c0[layer] if cell == "lstm" and c0 is not None else None
        states = []
        for t in range(x.shape[1]):
            a_t, c_t = cell_step(cell, a_below[:, t], a_t, c_t, p)
            states.append(a_t)
        a_below = np.stack(states, axis=1)  # (m, T_x, n_a): what the layer above reads
        h_n.append(a_t)
        c_n.append(c_t)
    return a_below, np.stack(h_n), np.stack(c_n) if cell == "lstm" else None


def rnn_parameter_count(
    kind: str, n_x: int, n_a: int, num_layers: int, bidirectional: bool = False, bias: bool = True
) -> int:
    r"""``sum(p.numel() for p in torch.nn.<kind>(n_x, n_a, num_layers, ...).parameters())``.

    .. math:: \sum_{l=1}^{L} D \big(G n_a (n_{in}^{[l]} + n_a) + 2 G n_a [\text{bias}]\big), \qquad
              n_{in}^{[1]} = n_x, \quad n_{in}^{[l]} = D n_a
    """
    G = {"rnn": 1, "gru": 3, "lstm": 4}[kind]  # blocks of n_a rows in each weight and bias
    D = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        n_in = n_x if layer == 0 else D * n_a
        total += D * (G * n_a * (n_in + n_a) + (2 * G * n_a if bias else 0))
    return total


def layer_dropout(a: np.ndarray, p: float, mask: np.ndarray, training: bool) -> np.ndarray:
    r"""Inverted dropout: :math:`a \odot d / (1 - p)` in training, :math:`a` in evaluation."""
    if not training:
        return a.copy()
    return a * mask / (1 - p)
