r"""The GRU: both reset placements, forward and backward."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse._validate import require_ndarray, require_shape
from rnncourse.reference._common import (
    _GRU_KEYS,
    Grads,
    Params,
    _check_params,
    _check_sequence,
    _check_step,
)
from rnncourse.reference.activations import sigmoid

GruCache = dict[str, Any]


def gru_cell_forward(
    x_t: np.ndarray, a_prev: np.ndarray, params: Params, reset_after: bool = True
) -> tuple[np.ndarray, GruCache]:
    r"""One GRU step, with the reset gate before (Cho et al. 2014) or after (PyTorch) the matmul.

    .. math::
        \Gamma_r &= \sigma(W_{rx} x + b_{rx} + W_{ra} a^{\langle t-1\rangle} + b_{ra}) \\
        z &= \sigma(W_{zx} x + b_{zx} + W_{za} a^{\langle t-1\rangle} + b_{za}) = 1 - \Gamma_u \\
        \tilde c &= \tanh\big(W_{cx} x + b_{cx} + \Gamma_r \odot (W_{ca} a^{\langle t-1\rangle} + b_{ca})\big)
            && \text{reset after (PyTorch)} \\
        \tilde c &= \tanh\big(W_{cx} x + b_{cx} + W_{ca} (\Gamma_r \odot a^{\langle t-1\rangle}) + b_{ca}\big)
            && \text{reset before (lecture)} \\
        a^{\langle t\rangle} &= (1 - z) \odot \tilde c + z \odot a^{\langle t-1\rangle}
            = \Gamma_u \odot \tilde c + (1 - \Gamma_u) \odot a^{\langle t-1\rangle}

    The rows of ``W_ax``/``W_aa``/``b_ax``/``b_aa`` are the gates stacked ``r | z | c̃``.

    Shape: ``x_t (m, n_x)``, ``a_prev (m, n_a)`` → ``a_next (m, n_a)``.
    """
    x_t, a_prev = _check_step(x_t, a_prev)
    n_a, p = _check_params(params, _GRU_KEYS, 3, x_t.shape[1])
    require_shape("a_prev", a_prev.shape, (x_t.shape[0], n_a), "(m, n_a)")
    gx = x_t @ p["W_ax"].T + p["b_ax"]  # (m, 3n_a)
    W_ra_za, W_ca = p["W_aa"][: 2 * n_a], p["W_aa"][2 * n_a :]
    b_ra_za, b_ca = p["b_aa"][: 2 * n_a], p["b_aa"][2 * n_a :]
    r, z = np.split(sigmoid(gx[:, : 2 * n_a] + a_prev @ W_ra_za.T + b_ra_za), 2, axis=1)
    if reset_after:
        hc = a_prev @ W_ca.T + b_ca  # (m, n_a), gated by r after the matmul
        c_tilde = np.tanh(gx[:, 2 * n_a :] + r * hc)
    else:
        hc = r * a_prev  # (m, n_a), gated by r before the matmul
        c_tilde = np.tanh(gx[:, 2 * n_a :] + hc @ W_ca.T + b_ca)
    a_next = (1.0 - z) * c_tilde + z * a_prev
    cache = {"x_t": x_t, "a_prev": a_prev, "r": r, "z": z, "c_tilde": c_tilde, "hc": hc,
             "params": params, "reset_after": reset_after}  # fmt: skip
    return a_next, cache


def gru_cell_backward(da_next: np.ndarray, cache: GruCache) -> Grads:
    r"""Backward through one GRU step (either variant).

    With :math:`d\tilde c = da \odot (1-z)`, :math:`dz = da \odot (a^{\langle t-1\rangle} - \tilde c)`
    and pre-activation gradients :math:`d\tilde c \odot (1-\tilde c^2)`, :math:`dz \odot z(1-z)`,
    :math:`d\Gamma_r \odot \Gamma_r(1-\Gamma_r)`, where :math:`d\Gamma_r` is
    :math:`d\tilde c_{pre} \odot (W_{ca} a + b_{ca})` (reset after) or
    :math:`(W_{ca}^\top d\tilde c_{pre}) \odot a^{\langle t-1\rangle}` (reset before).

    Returns: ``dx_t, da_prev, dW_ax, dW_aa, db_ax, db_aa``.
    """
    x_t, a_prev, r, z, c_tilde, hc = (
        cache[k] for k in ("x_t", "a_prev", "r", "z", "c_tilde", "hc")
    )
    p = cache["params"]
    da_next = require_ndarray("da_next", da_next, ndim=2)
    require_shape("da_next", da_next.shape, a_prev.shape, "(m, n_a)")
    n_a = a_prev.shape[1]
    W_ca = p["W_aa"][2 * n_a :]
    dc = da_next * (1.0 - z) * (1.0 - c_tilde**2)  # (m, n_a) at the candidate's pre-activation
    dz = da_next * (a_prev - c_tilde) * z * (1.0 - z)
    da_prev = da_next * z  # the direct path a_prev -> a_next
    if cache["reset_after"]:  # c̃ = tanh(... + r * hc), hc = W_ca a_prev + b_ca
        dhc = dc * r
        dr = dc * hc
        da_prev = da_prev + dhc @ W_ca
        dW_ca, db_ca = dhc.T @ a_prev, dhc.sum(axis=0)
    else:  # c̃ = tanh(... + W_ca hc + b_ca), hc = r * a_prev
        dhc = dc @ W_ca
        dr = dhc * a_prev
        da_prev = da_prev + dhc * r
        dW_ca, db_ca = dc.T @ hc, dc.sum(axis=0)
    drz = np.concatenate([dr * r * (1.0 - r), dz], axis=1)  # (m, 2n_a) at the gates' pre-activation
    dgx = np.concatenate([drz, dc], axis=1)  # (m, 3n_a) at the input projection
    return {
        "dx_t": dgx @ p["W_ax"],
        "da_prev": da_prev + drz @ p["W_aa"][: 2 * n_a],
        "dW_ax": dgx.T @ x_t,
        "dW_aa": np.concatenate([drz.T @ a_prev, dW_ca], axis=0),
        "db_ax": dgx.sum(axis=0),
        "db_aa": np.concatenate([drz.sum(axis=0), db_ca]),
    }


def gru_forward(
    x: np.ndarray, a0: np.ndarray, params: Params, reset_after: bool = True
) -> tuple[np.ndarray, list[GruCache]]:
    r"""The GRU over a whole sequence: :func:`gru_cell_forward` at every step.

    Shape: ``x (m, T_x, n_x)``, ``a0 (m, n_a)`` → ``a (m, T_x, n_a)``.
    """
    x, a0 = _check_sequence(x, a0)
    a_t, a, caches = a0, [], []
    for x_t in np.moveaxis(x, 1, 0):
        a_t, cache = gru_cell_forward(x_t, a_t, params, reset_after)
        a.append(a_t)
        caches.append(cache)
    return np.stack(a, axis=1), caches


# ---------------------------------------------------------------------------------------------
# notebook 04's exercises: the simplified GRU, and the sequence with its update gates


def simplified_gru_cell_forward(x_t: np.ndarray, a_prev: np.ndarray, params: Params) -> np.ndarray:
    r"""The lecture's simplified GRU: an update gate and a candidate, no reset gate.

    .. math::
        \Gamma_u = \sigma(W_{ux} x^{\langle t\rangle} + W_{ua} a^{\langle t-1\rangle} + b_u), \quad
        \tilde c = \tanh(W_{cx} x^{\langle t\rangle} + W_{ca} a^{\langle t-1\rangle} + b_c), \quad
        a^{\langle t\rangle} = \Gamma_u \odot \tilde c + (1 - \Gamma_u) \odot a^{\langle t-1\rangle}

    Shape: ``x_t (m, n_x)``, ``a_prev (m, n_a)``; ``params`` ``W_ax (2n_a, n_x)``,
    ``W_aa (2n_a, n_a)``, ``b_a (2n_a,)``, rows stacked Γ_u | c̃ → ``(m, n_a)``.
    """
    n_a = a_prev.shape[1]
    pre = x_t @ params["W_ax"].T + a_prev @ params["W_aa"].T + params["b_a"]  # (m, 2n_a)
    gamma_u, c_tilde = sigmoid(pre[:, :n_a]), np.tanh(pre[:, n_a:])
    return gamma_u * c_tilde + (1.0 - gamma_u) * a_prev


def gru_forward_update_gates(
    x: np.ndarray, a0: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray]:
    r"""PyTorch's GRU over a sequence, with the update gate :math:`\Gamma_u = 1 - z` of every step.

    Shape: ``x (m, T_x, n_x)``, ``a0 (m, n_a)`` → ``a (m, T_x, n_a)``, ``gamma_u (m, T_x, n_a)``.
    """
    a, caches = gru_forward(x, a0, params, reset_after=True)
    return a, np.stack([1.0 - cache["z"] for cache in caches], axis=1)
