r"""Notebook 06's references: a bidirectional RNN or GRU over a padded batch, as ``torch.nn``.

The backward direction reads each sequence from its own last real step down to step 1; padding
stays at the end and holds zeros in the states, as ``torch.nn`` gives them for a packed batch.
"""

from __future__ import annotations

import numpy as np

from rnncourse.reference._common import Params
from rnncourse.reference.deep import cell_step


def reverse_padded(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    r"""Each row reversed within its own length: ``out[i, t] = x[i, lengths[i] - 1 - t]`` for
    ``t < lengths[i]``, the padding where it was.

    Shape: ``x (m, T_x, n)``, ``lengths (m,)`` → ``(m, T_x, n)``.
    """
    out = x.copy()
    for i, L in enumerate(lengths):
        out[i, :L] = x[i, :L][::-1]
    return out


def rnn_states(x: np.ndarray, p: Params, cell: str = "rnn") -> np.ndarray:
    r"""The states of one direction, left to right from a zero state, tanh RNN or GRU cell.

    .. math::
        \text{rnn:}\quad a^{\langle t\rangle} &= \tanh(W_{ax} x^{\langle t\rangle}
            + W_{aa} a^{\langle t-1\rangle} + b_a) \\
        \text{gru:}\quad a^{\langle t\rangle} &= (1 - z) \odot \tilde c + z \odot a^{\langle t-1\rangle},
            \quad \tilde c = \tanh\big(W_{cx} x^{\langle t\rangle} + b_{cx}
            + \Gamma_r \odot (W_{ca} a^{\langle t-1\rangle} + b_{ca})\big)

    Shape: ``x (m, T_x, n_x)`` → ``(m, T_x, n_a)``; ``p`` as ``params_from_torch`` gives it.
    """
    a_t = np.zeros((x.shape[0], p["W_aa"].shape[1]))  # a<0> = 0, (m, n_a)
    states = []
    for t in range(x.shape[1]):
        a_t, _ = cell_step(cell, x[:, t], a_t, None, p)
        states.append(a_t)
    return np.stack(states, axis=1)


def birnn_forward(
    x: np.ndarray, lengths: np.ndarray, params_fwd: Params, params_bwd: Params, cell: str = "rnn"
) -> np.ndarray:
    r"""A bidirectional RNN or GRU over a padded batch, as ``torch.nn`` on the packed batch.

    .. math:: a^{\langle t\rangle} = [\overrightarrow{a}^{\langle t\rangle};
              \overleftarrow{a}^{\langle t\rangle}] \text{ for } t \le T^{(i)}, \quad 0 \text{ after}

    Shape: ``x (m, T_x, n_x)``, ``lengths (m,)`` → ``(m, T_x, 2 n_a)``.
    """
    a_fwd = rnn_states(x, params_fwd, cell)  # (m, T_x, n_a)
    a_bwd = rnn_states(reverse_padded(x, lengths), params_bwd, cell)  # from each last step
    a_bwd = reverse_padded(a_bwd, lengths)  # position t holds ←a⟨t+1⟩
    real = np.arange(x.shape[1]) < np.asarray(lengths)[:, None]  # (m, T_x): not padding
    return np.concatenate([a_fwd, a_bwd], axis=2) * real[:, :, None]


def birnn_output(a: np.ndarray, W_y: np.ndarray, b_y: np.ndarray) -> np.ndarray:
    r"""The output head on both states: :math:`\hat y^{\langle t\rangle} = \operatorname{softmax}(W_y
    [\overrightarrow{a}^{\langle t\rangle}; \overleftarrow{a}^{\langle t\rangle}] + b_y)`.

    Shape: ``a (m, T_x, 2 n_a)``, ``W_y (n_y, 2 n_a)``, ``b_y (n_y,)`` → ``(m, T_x, n_y)``.
    """
    z = a @ W_y.T + b_y  # (m, T_x, n_y)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def birnn_h_n(a: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    r"""torch's ``h_n``: :math:`[\overrightarrow{a}^{\langle T^{(i)}\rangle}, \overleftarrow{a}^{\langle 1\rangle}]`.

    Shape: ``a (m, T_x, 2 n_a)``, ``lengths (m,)`` → ``(2, m, n_a)``.
    """
    n_a = a.shape[2] // 2
    forward = a[np.arange(a.shape[0]), np.asarray(lengths) - 1, :n_a]  # each row's own last step
    return np.stack([forward, a[:, 0, n_a:]], axis=0)  # the backward chain ends at step 1
