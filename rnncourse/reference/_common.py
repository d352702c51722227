r"""What the cells share: parameter and gradient dicts, and their argument checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse._validate import require_ndarray, require_shape

Params = dict[str, np.ndarray]
Grads = dict[str, np.ndarray]

_RNN_KEYS = ("W_ax", "W_aa", "b_a")
_GRU_KEYS = ("W_ax", "W_aa", "b_ax", "b_aa")
_LSTM_KEYS = ("W_ax", "W_aa", "b_a")


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
