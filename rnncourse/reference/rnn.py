r"""The vanilla RNN: its cell, the sequence, and backpropagation through time."""

from __future__ import annotations

import numpy as np

from rnncourse._validate import require_ndarray, require_shape
from rnncourse.reference._common import (
    _RNN_KEYS,
    Grads,
    Params,
    _check_params,
    _check_sequence,
    _check_step,
)
from rnncourse.reference.activations import softmax

RnnCache = tuple[np.ndarray, np.ndarray, np.ndarray, Params]


def rnn_cell_forward(
    x_t: np.ndarray, a_prev: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray, RnnCache]:
    r"""One step of the vanilla RNN with a softmax output.

    .. math::
        a^{\langle t\rangle} = \tanh(W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle} + b_a)
        \qquad
        \hat y^{\langle t\rangle} = \operatorname{softmax}(W_{ya} a^{\langle t\rangle} + b_y)

    Args:
        x_t: input at step t.
        a_prev: hidden state :math:`a^{\langle t-1\rangle}`.
        params: ``W_ax, W_aa, b_a, W_ya, b_y``.

    Returns:
        ``(a_next, y_hat_t, cache)`` with ``cache = (a_next, a_prev, x_t, params)``.

    Shape: ``x_t (m, n_x)``, ``a_prev (m, n_a)`` → ``a_next (m, n_a)``, ``y_hat_t (m, n_y)``.
    """
    x_t, a_prev = _check_step(x_t, a_prev)
    n_a, p = _check_params(params, _RNN_KEYS, 1, x_t.shape[1], ("W_ya", "b_y"))
    require_shape("a_prev", a_prev.shape, (x_t.shape[0], n_a), "(m, n_a)")
    W_ya = require_ndarray("params['W_ya']", p["W_ya"], ndim=2)
    require_shape("params['W_ya']", W_ya.shape, (None, n_a), "(n_y, n_a)")
    require_shape(
        "params['b_y']",
        require_ndarray("params['b_y']", p["b_y"]).shape,
        (p["W_ya"].shape[0],),
        "(n_y,)",
    )
    a_next = np.tanh(a_prev @ p["W_aa"].T + x_t @ p["W_ax"].T + p["b_a"])  # (m, n_a)
    y_hat_t = softmax(a_next @ p["W_ya"].T + p["b_y"])  # (m, n_y)
    return a_next, y_hat_t, (a_next, a_prev, x_t, params)


def rnn_forward(
    x: np.ndarray, a0: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray, list[RnnCache]]:
    r"""The vanilla RNN over a whole sequence: :func:`rnn_cell_forward` at every step, the same weights.

    .. math:: a^{\langle t\rangle}, \hat y^{\langle t\rangle}
              = \text{rnn\_cell}(x^{\langle t\rangle}, a^{\langle t-1\rangle}), \quad t = 1 \dots T_x

    Returns:
        ``(a, y_hat, caches)``: every hidden state, every prediction, one cache per step.

    Shape: ``x (m, T_x, n_x)``, ``a0 (m, n_a)`` → ``a (m, T_x, n_a)``, ``y_hat (m, T_x, n_y)``.
    """
    x, a0 = _check_sequence(x, a0)
    a_t, a, y_hat, caches = a0, [], [], []
    for x_t in np.moveaxis(x, 1, 0):  # (m, n_x) per step
        a_t, y_t, cache = rnn_cell_forward(x_t, a_t, params)
        a.append(a_t)
        y_hat.append(y_t)
        caches.append(cache)
    return np.stack(a, axis=1), np.stack(y_hat, axis=1), caches


def rnn_cell_backward(da_next: np.ndarray, cache: RnnCache) -> Grads:
    r"""Backward through one RNN step, from the gradient on :math:`a^{\langle t\rangle}`.

    With :math:`dz = da^{\langle t\rangle} \odot (1 - (a^{\langle t\rangle})^2)` (the derivative of tanh):

    .. math::
        dx^{\langle t\rangle} = W_{ax}^\top dz, \quad
        da^{\langle t-1\rangle} = W_{aa}^\top dz, \quad
        dW_{ax} = dz\, x^{\langle t\rangle\top}, \quad
        dW_{aa} = dz\, a^{\langle t-1\rangle\top}, \quad
        db_a = \textstyle\sum_{\text{batch}} dz

    Returns: ``dx_t, da_prev, dW_ax, dW_aa, db_a``.

    Shape: ``da_next (m, n_a)`` → ``dx_t (m, n_x)``, ``da_prev (m, n_a)``, parameter shapes.
    """
    a_next, a_prev, x_t, params = cache
    da_next = require_ndarray("da_next", da_next, ndim=2)
    require_shape("da_next", da_next.shape, a_next.shape, "(m, n_a)")
    dz = da_next * (1.0 - a_next**2)  # (m, n_a) through tanh
    return {
        "dx_t": dz @ params["W_ax"],
        "da_prev": dz
        @ params["W_aa"],  # the only path back in time: vanishing/exploding lives here
        "dW_ax": dz.T @ x_t,
        "dW_aa": dz.T @ a_prev,
        "db_a": dz.sum(axis=0),
    }


def rnn_backward(da: np.ndarray, caches: list[RnnCache]) -> Grads:
    r"""Backpropagation through time for :func:`rnn_forward`.

    ``da[:, t]`` is the gradient the loss sends into :math:`a^{\langle t\rangle}` from the output
    at step t. Going backwards, the step's total gradient adds what came back from step t+1:

    .. math::
        \frac{\partial \mathcal{L}}{\partial a^{\langle t\rangle}} = da^{\langle t\rangle}
        + \frac{\partial \mathcal{L}}{\partial a^{\langle t\rangle}}\Big|_{\text{from } t+1},
        \qquad dW = \sum_t dW^{\langle t\rangle}

    Returns: ``dx (m, T_x, n_x)``, ``da0 (m, n_a)``, ``dW_ax``, ``dW_aa``, ``db_a``.
    """
    da = require_ndarray("da", da, ndim=3)
    if not isinstance(caches, list) or len(caches) != da.shape[1]:
        raise ValueError(f"caches must be a list with one cache per step ({da.shape[1]})")
    params = caches[0][3]
    grads = {k: np.zeros_like(params[k]) for k in ("W_ax", "W_aa", "b_a")}
    dx = []
    da_prev = np.zeros_like(da[:, 0])
    for t in reversed(range(da.shape[1])):
        step = rnn_cell_backward(da[:, t] + da_prev, caches[t])
        da_prev = step["da_prev"]
        dx.append(step["dx_t"])
        for k in grads:
            grads[k] += step["d" + k]
    return {
        "dx": np.stack(dx[::-1], axis=1),
        "da0": da_prev,
        **{"d" + k: v for k, v in grads.items()},
    }


# ---------------------------------------------------------------------------------------------
# notebook 01's variants: one prediction per sequence, one stacked weight matrix


def many_to_one_forward(x: np.ndarray, a0: np.ndarray, params: Params) -> np.ndarray:
    r"""Read the whole sequence, predict once from the last state.

    .. math:: \hat y = \operatorname{softmax}(W_{ya} a^{\langle T_x\rangle} + b_y)

    Shape: ``x (m, T_x, n_x)``, ``a0 (m, n_a)`` → ``(m, n_y)``.
    """
    a, _, _ = rnn_forward(x, a0, params)  # (m, T_x, n_a)
    return softmax(a[:, -1] @ params["W_ya"].T + params["b_y"])


def stack_weights(W_aa: np.ndarray, W_ax: np.ndarray) -> np.ndarray:
    r"""The two matrices side by side, :math:`W_a = [W_{aa} \mid W_{ax}]`, so that
    :math:`W_a [a^{\langle t-1\rangle}, x^{\langle t\rangle}] = W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle}`.

    Shape: ``W_aa (n_a, n_a)``, ``W_ax (n_a, n_x)`` → ``(n_a, n_a + n_x)``.
    """
    return np.concatenate([W_aa, W_ax], axis=1)


def rnn_cell_forward_stacked(
    x_t: np.ndarray, a_prev: np.ndarray, W_a: np.ndarray, b_a: np.ndarray
) -> np.ndarray:
    r"""The state update with one stacked matrix.

    .. math:: a^{\langle t\rangle} = \tanh(W_a [a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_a)

    Shape: ``x_t (m, n_x)``, ``a_prev (m, n_a)``, ``W_a (n_a, n_a + n_x)``, ``b_a (n_a,)`` → ``(m, n_a)``.
    """
    return np.tanh(np.concatenate([a_prev, x_t], axis=1) @ W_a.T + b_a)
