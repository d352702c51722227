r"""The LSTM: forward and backward of the cell and the sequence."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse._validate import require_ndarray, require_shape
from rnncourse.reference._common import (
    _LSTM_KEYS,
    Grads,
    Params,
    _check_params,
    _check_sequence,
    _check_step,
)
from rnncourse.reference.activations import sigmoid

LstmCache = dict[str, Any]


def lstm_cell_forward(
    x_t: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray, LstmCache]:
    r"""One LSTM step; gates stacked ``i | f | g | o`` = :math:`\Gamma_u | \Gamma_f | \tilde c | \Gamma_o`.

    .. math::
        [\Gamma_u, \Gamma_f, \tilde c, \Gamma_o] &= [\sigma, \sigma, \tanh, \sigma]
            (W_{ax} x^{\langle t\rangle} + W_{aa} a^{\langle t-1\rangle} + b_a) \\
        c^{\langle t\rangle} &= \Gamma_u \odot \tilde c + \Gamma_f \odot c^{\langle t-1\rangle} \\
        a^{\langle t\rangle} &= \Gamma_o \odot \tanh(c^{\langle t\rangle})

    Returns: ``(a_next, c_next, cache)``.

    Shape: ``x_t (m, n_x)``, ``a_prev, c_prev (m, n_a)`` → ``a_next, c_next (m, n_a)``.
    """
    x_t, a_prev = _check_step(x_t, a_prev)
    c_prev = require_ndarray("c_prev", c_prev, ndim=2)
    n_a, p = _check_params(params, _LSTM_KEYS, 4, x_t.shape[1])
    require_shape("a_prev", a_prev.shape, (x_t.shape[0], n_a), "(m, n_a)")
    require_shape("c_prev", c_prev.shape, (x_t.shape[0], n_a), "(m, n_a)")
    gates = x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"]  # (m, 4n_a)
    i, f, g, o = np.split(gates, 4, axis=1)
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    c_next = (
        i * g + f * c_prev
    )  # the forget gate stays: c_prev + i*g would let c grow without bound
    a_next = o * np.tanh(c_next)  # the tanh bounds a to (-1, 1)
    cache = {"x_t": x_t, "a_prev": a_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o,
             "c_next": c_next, "params": params}  # fmt: skip
    return a_next, c_next, cache


def lstm_cell_backward(da_next: np.ndarray, dc_next: np.ndarray, cache: LstmCache) -> Grads:
    r"""Backward through one LSTM step, given the gradients on :math:`a^{\langle t\rangle}` and :math:`c^{\langle t\rangle}`.

    .. math::
        dc &= dc^{\langle t\rangle} + da^{\langle t\rangle} \odot \Gamma_o \odot (1 - \tanh^2 c^{\langle t\rangle}) \\
        d\Gamma_o &= da^{\langle t\rangle} \odot \tanh c^{\langle t\rangle}, \quad
        d\Gamma_u = dc \odot \tilde c, \quad d\tilde c = dc \odot \Gamma_u, \quad
        d\Gamma_f = dc \odot c^{\langle t-1\rangle}, \quad dc^{\langle t-1\rangle} = dc \odot \Gamma_f

    then through the activations to the stacked pre-activation gradient ``dgates (m, 4n_a)``.

    Returns: ``dx_t, da_prev, dc_prev, dW_ax, dW_aa, db_a``.
    """
    i, f, g, o, c_prev, c_next = (cache[k] for k in ("i", "f", "g", "o", "c_prev", "c_next"))
    p = cache["params"]
    da_next = require_ndarray("da_next", da_next, ndim=2)
    dc_next = require_ndarray("dc_next", dc_next, ndim=2)
    require_shape("da_next", da_next.shape, c_next.shape, "(m, n_a)")
    require_shape("dc_next", dc_next.shape, c_next.shape, "(m, n_a)")
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * o * (1.0 - tanh_c**2)
    dgates = np.concatenate(
        [dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f), dc * i * (1.0 - g**2),
         da_next * tanh_c * o * (1.0 - o)], axis=1)  # fmt: skip
    return {
        "dx_t": dgates @ p["W_ax"],
        "da_prev": dgates @ p["W_aa"],
        "dc_prev": dc * f,  # the cell's highway: only the forget gate scales it
        "dW_ax": dgates.T @ cache["x_t"],
        "dW_aa": dgates.T @ cache["a_prev"],
        "db_a": dgates.sum(axis=0),
    }


def lstm_forward(
    x: np.ndarray, a0: np.ndarray, c0: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray, list[LstmCache]]:
    r"""The LSTM over a whole sequence: :func:`lstm_cell_forward` at every step.

    Returns: ``(a, c, caches)``, every hidden state and every cell state.

    Shape: ``x (m, T_x, n_x)``, ``a0, c0 (m, n_a)`` → ``a, c (m, T_x, n_a)``.
    """
    x, a0 = _check_sequence(x, a0)
    c0 = require_ndarray("c0", c0, ndim=2)
    require_shape("c0", c0.shape, a0.shape, "(m, n_a)")
    a_t, c_t, a, c, caches = a0, c0, [], [], []
    for x_t in np.moveaxis(x, 1, 0):
        a_t, c_t, cache = lstm_cell_forward(x_t, a_t, c_t, params)
        a.append(a_t)
        c.append(c_t)
        caches.append(cache)
    return np.stack(a, axis=1), np.stack(c, axis=1), caches


def lstm_backward(da: np.ndarray, caches: list[LstmCache]) -> Grads:
    r"""Backpropagation through time for :func:`lstm_forward`, from the gradients on every :math:`a^{\langle t\rangle}`.

    Both states carry gradient backwards: :math:`da^{\langle t-1\rangle}` through ``W_aa`` and
    :math:`dc^{\langle t-1\rangle} = dc \odot \Gamma_f` along the cell.

    Returns: ``dx (m, T_x, n_x)``, ``da0``, ``dc0``, ``dW_ax``, ``dW_aa``, ``db_a``.
    """
    da = require_ndarray("da", da, ndim=3)
    if not isinstance(caches, list) or len(caches) != da.shape[1]:
        raise ValueError(f"caches must be a list with one cache per step ({da.shape[1]})")
    params = caches[0]["params"]
    grads = {k: np.zeros_like(params[k]) for k in _LSTM_KEYS}
    dx = []
    da_prev = np.zeros_like(da[:, 0])
    dc_prev = np.zeros_like(da[:, 0])
    for t in reversed(range(da.shape[1])):
        step = lstm_cell_backward(da[:, t] + da_prev, dc_prev, caches[t])
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        dx.append(step["dx_t"])
        for k in grads:
            grads[k] += step["d" + k]
    return {"dx": np.stack(dx[::-1], axis=1), "da0": da_prev, "dc0": dc_prev,
            **{"d" + k: v for k, v in grads.items()}}  # fmt: skip
