r"""NumPy references for the step-by-step exercises: forward and backward of the cells and sequences.

Everything here is float64 NumPy in the course's array layout: a batch of ``m`` row vectors,
``x_t: (m, n_x)``, ``a: (m, n_a)``, weights ``(out, in)`` so the column-vector math
:math:`W_{ax} x^{\langle t\rangle}` reads ``x_t @ W_ax.T``; sequences are ``(m, T_x, n_x)``.

Parameters live in dicts keyed by the course names. The gated cells stack their gates in
PyTorch's order so that their weights *are* ``torch.nn``'s:

====================  =======================================  ===============================
cell                  keys and shapes                          torch.nn equivalent
====================  =======================================  ===============================
RNN                   ``W_ax (n_a, n_x)``, ``W_aa (n_a, n_a)``,  ``weight_ih``, ``weight_hh``,
                      ``b_a (n_a,)``; head ``W_ya (n_y, n_a)``,  ``bias_ih + bias_hh``
                      ``b_y (n_y,)``
GRU (r|z|n)           ``W_ax (3n_a, n_x)``, ``W_aa (3n_a, n_a)``,  ``weight_ih``, ``weight_hh``,
                      ``b_ax (3n_a,)``, ``b_aa (3n_a,)``         ``bias_ih``, ``bias_hh``
LSTM (i|f|g|o)        ``W_ax (4n_a, n_x)``, ``W_aa (4n_a, n_a)``,  ``weight_ih``, ``weight_hh``,
                      ``b_a (4n_a,)``                            ``bias_ih + bias_hh``
====================  =======================================  ===============================

The GRU keeps two biases because with the reset gate applied *after* the recurrent matmul
(PyTorch) ``b_aa``'s candidate part is multiplied by :math:`\Gamma_r`. Gate names: GRU
``r`` = :math:`\Gamma_r`, ``z`` = :math:`1-\Gamma_u`, ``n`` = :math:`\tilde c`; LSTM ``i`` =
:math:`\Gamma_u`, ``f`` = :math:`\Gamma_f`, ``g`` = :math:`\tilde c`, ``o`` = :math:`\Gamma_o`.

A *backward* function takes the gradient of the loss with respect to a cell's outputs and the
cache its forward returned, and gives the gradients with respect to its inputs and parameters.
Equations: the lecture's RNN/GRU/LSTM; the two GRU variants are Cho et al. (2014) and PyTorch's
``torch.nn.GRUCell`` documentation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse._validate import require_ndarray, require_shape

Params = dict[str, np.ndarray]
Grads = dict[str, np.ndarray]

_RNN_KEYS = ("W_ax", "W_aa", "b_a")
_GRU_KEYS = ("W_ax", "W_aa", "b_ax", "b_aa")
_LSTM_KEYS = ("W_ax", "W_aa", "b_a")


# ---------------------------------------------------------------------------------------------
# activations and loss


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic function, computed without overflow for large :math:`|z|`.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}
    """
    z = require_ndarray("z", z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Softmax along ``axis``, shifted by the maximum so that :math:`e^{z}` never overflows.

    .. math:: \operatorname{softmax}(z)_j = \frac{e^{z_j - \max_k z_k}}{\sum_i e^{z_i - \max_k z_k}}

    Shape: any; the result has the shape of ``z`` and sums to 1 along ``axis``.
    """
    z = require_ndarray("z", z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Per-position cross-entropy of predicted probabilities against integer labels.

    .. math:: \mathcal{L}^{\langle t\rangle}(\hat y^{\langle t\rangle}, y^{\langle t\rangle})
              = -\log \hat y^{\langle t\rangle}_{y^{\langle t\rangle}}

    The sequence loss is the sum over time, :math:`\mathcal{L} = \sum_t \mathcal{L}^{\langle t\rangle}`.

    Shape: ``y_hat (*, n_y)`` probabilities, ``y (*)`` integers in ``[0, n_y)`` → ``(*)``.
    """
    y_hat = require_ndarray("y_hat", y_hat)
    y = require_ndarray("y", y, floating=False)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    require_shape("y", y.shape, y_hat.shape[:-1], "y_hat.shape[:-1]")
    if y.size and (y.min() < 0 or y.max() >= y_hat.shape[-1]):
        raise ValueError(
            f"y must be in [0, {y_hat.shape[-1]}), got values in [{y.min()}, {y.max()}]"
        )
    return -np.log(np.take_along_axis(y_hat, y[..., None], axis=-1)[..., 0])


def cross_entropy_backward(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Gradient of :math:`\sum \mathcal{L}^{\langle t\rangle}` w.r.t. the logits, where ``y_hat = softmax(z)``.

    .. math:: \frac{\partial \mathcal{L}^{\langle t\rangle}}{\partial z^{\langle t\rangle}}
              = \hat y^{\langle t\rangle} - \operatorname{onehot}(y^{\langle t\rangle})

    Shape: ``y_hat (*, n_y)``, ``y (*)`` → ``(*, n_y)``.
    """
    cross_entropy(y_hat, y)  # validates
    dz = y_hat.copy()
    np.put_along_axis(
        dz, y[..., None], np.take_along_axis(dz, y[..., None], axis=-1) - 1.0, axis=-1
    )
    return dz


# ---------------------------------------------------------------------------------------------
# argument checks shared by the cells


def _check_params(
    params: Any, keys: tuple[str, ...], gates: int, n_x: int, extra: tuple[str, ...] = ()
) -> tuple[int, Params]:
    """Validate a parameter dict (``W_ax``, ``W_aa``, then biases; ``extra`` keys must exist too)."""
    if not isinstance(params, dict):
        raise TypeError(
            f"params must be a dict with keys {keys + extra}, got {type(params).__name__}"
        )
    missing = [k for k in keys + extra if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {keys + extra}")
    W_aa = require_ndarray("params['W_aa']", params["W_aa"], ndim=2)
    n_a = W_aa.shape[1]
    ga = f"{gates}n_a" if gates > 1 else "n_a"
    require_shape("params['W_aa']", W_aa.shape, (gates * n_a, n_a), f"({ga}, n_a)")
    W_ax = require_ndarray("params['W_ax']", params["W_ax"], ndim=2)
    require_shape("params['W_ax']", W_ax.shape, (gates * n_a, n_x), f"({ga}, n_x)")
    for k in keys[2:]:
        require_shape(f"params['{k}']", require_ndarray(f"params['{k}']", params[k]).shape,
                      (gates * n_a,), f"({ga},)")  # fmt: skip
    return n_a, params


def _check_step(x_t: Any, a_prev: Any) -> tuple[np.ndarray, np.ndarray]:
    x_t = require_ndarray("x_t", x_t, ndim=2)
    a_prev = require_ndarray("a_prev", a_prev, ndim=2)
    return x_t, a_prev


def _check_sequence(x: Any, a0: Any) -> tuple[np.ndarray, np.ndarray]:
    x = require_ndarray("x", x, ndim=3)
    a0 = require_ndarray("a0", a0, ndim=2)
    require_shape("a0", a0.shape, (x.shape[0], None), "(m, n_a)")
    return x, a0


# ---------------------------------------------------------------------------------------------
# vanilla RNN

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
# GRU

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
# LSTM

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


# ---------------------------------------------------------------------------------------------
# weights from torch.nn


def params_from_torch(module: Any, layer: int = 0, reverse: bool = False) -> Params:
    r"""The weights of a ``torch.nn`` (or ``rnncourse.nn``) RNN/GRU/LSTM, as this module's float64 dict.

    Works for the cells and for one layer/direction of the sequence modules. Biases that this
    module keeps as one vector are the sum :math:`b_a = b_{ih} + b_{hh}`, which is what the cell
    adds; a module built with ``bias=False`` gives zero biases.

    Args:
        module: an ``RNN``/``GRU``/``LSTM`` or ``RNNCell``/``GRUCell``/``LSTMCell``.
        layer: which layer of a sequence module.
        reverse: the backward direction of a bidirectional module.
    """
    kind = type(module).__name__.removesuffix("Cell")
    if kind not in ("RNN", "GRU", "LSTM"):
        raise TypeError(
            f"module must be an RNN, GRU or LSTM (or cell), got {type(module).__name__}"
        )
    state = {k: v.detach().cpu().double().numpy().copy() for k, v in module.state_dict().items()}
    suffix = (
        ""
        if type(module).__name__.endswith("Cell")
        else f"_l{layer}" + ("_reverse" if reverse else "")
    )
    if f"weight_ih{suffix}" not in state:
        raise ValueError(f"module has no weights for layer={layer}, reverse={reverse}")
    W_ax, W_aa = state[f"weight_ih{suffix}"], state[f"weight_hh{suffix}"]
    zeros = np.zeros(W_aa.shape[0])
    b_ih, b_hh = state.get(f"bias_ih{suffix}", zeros), state.get(f"bias_hh{suffix}", zeros)
    if kind == "GRU":
        return {"W_ax": W_ax, "W_aa": W_aa, "b_ax": b_ih, "b_aa": b_hh}
    return {"W_ax": W_ax, "W_aa": W_aa, "b_a": b_ih + b_hh}
