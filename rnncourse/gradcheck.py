r"""Numerical gradients by central differences, and the relative error used to compare gradients.

For a scalar function :math:`f` of an array :math:`\theta`, each partial derivative is
estimated from two evaluations, with an error of order :math:`\varepsilon^2`:

.. math:: \frac{\partial f}{\partial \theta_j} \approx
          \frac{f(\theta + \varepsilon e_j) - f(\theta - \varepsilon e_j)}{2\varepsilon}

In float64 with :math:`\varepsilon = 10^{-6}` a correct analytic gradient agrees to a relative
error near :math:`10^{-9}`; a wrong one is off by :math:`10^{-2}` or more.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse._validate import require_ndarray


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""Central-difference gradient of ``f()`` with respect to the array ``x``.

    ``f`` takes no arguments and reads ``x``: each entry of ``x`` is nudged *in place* by
    :math:`\pm\varepsilon`, ``f`` is evaluated, and the entry is restored exactly afterwards.

    .. math:: g_j = \frac{f(x + \varepsilon e_j) - f(x - \varepsilon e_j)}{2\varepsilon}

    Args:
        f: the scalar loss, as a closure over ``x``.
        x: a float64 array that ``f`` depends on.
        eps: the step :math:`\varepsilon`.

    Shape: ``x (*)`` → ``(*)``.
    """
    x = require_ndarray("x", x)
    if x.dtype != np.float64:
        raise TypeError(f"x must be float64 for a meaningful finite difference, got {x.dtype}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views: writing flat[j] writes x
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so it can be perturbed in place")
    for j in range(flat.size):
        saved = flat[j]
        flat[j] = saved + eps
        f_plus = float(f())
        flat[j] = saved - eps
        f_minus = float(f())
        flat[j] = saved
        gflat[j] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(expected: np.ndarray, received: np.ndarray) -> float:
    r"""Norm-wise relative error, symmetric and safe at zero.

    .. math:: \frac{\lVert e - r \rVert_2}{\max(\lVert e \rVert_2 + \lVert r \rVert_2,\ 10^{-300})}

    Shape: ``expected`` and ``received`` have the same shape.
    """
    expected = np.asarray(expected, dtype=np.float64)
    received = np.asarray(received, dtype=np.float64)
    if expected.shape != received.shape:
        raise ValueError(f"received must have shape {expected.shape}, got {received.shape}")
    scale = max(float(np.linalg.norm(expected) + np.linalg.norm(received)), 1e-300)
    return float(np.linalg.norm(expected - received)) / scale


def assert_gradient_close(
    name: str, expected: np.ndarray, received: np.ndarray, tol: float = 1e-7
) -> None:
    r"""Raise ``AssertionError`` unless ``relative_error(expected, received) < tol``.

    The message names the gradient, the relative error, and the entry that differs most,
    with its expected and received values.
    """
    err = relative_error(expected, received)
    if not err < tol:  # also catches NaN
        diff = np.abs(np.asarray(expected, float) - np.asarray(received, float))
        j = np.unravel_index(int(np.nanargmax(diff)) if np.isfinite(diff).any() else 0, diff.shape)
        raise AssertionError(
            f"{name}: relative error {err:.2e} (tolerance {tol:.0e}); worst entry {tuple(map(int, j))}: "
            f"expected {np.asarray(expected)[j]:.6g}, received {np.asarray(received)[j]:.6g}"
        )
