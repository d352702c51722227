r"""Notebook 03's references: gradient norms through time, the spectral radius, clipping."""

from __future__ import annotations

import numpy as np


def gradient_norms_through_time(da_T: np.ndarray, a: np.ndarray, W_aa: np.ndarray) -> np.ndarray:
    r"""How large :math:`\partial \mathcal{L} / \partial a^{\langle k\rangle}` is at every step k,
    for a loss that only sees the last state.

    .. math:: \frac{\partial \mathcal{L}}{\partial a^{\langle k-1\rangle}}
              = \Big(\frac{\partial \mathcal{L}}{\partial a^{\langle k\rangle}}
              \odot (1 - (a^{\langle k\rangle})^2)\Big) W_{aa}, \qquad k = T_x, \dots, 1

    Shape: ``da_T (m, n_a)``, ``a (m, T_x, n_a)`` (``a[:, k - 1]`` is :math:`a^{\langle k\rangle}`),
    ``W_aa (n_a, n_a)`` → ``(m, T_x + 1)``: column k is the norm for :math:`a^{\langle k\rangle}`.
    """
    da = da_T
    grads = [da]  # k = T_x, T_x - 1, ..., 0
    for k in range(a.shape[1], 0, -1):
        da = (da * (1.0 - a[:, k - 1] ** 2)) @ W_aa  # (m, n_a)
        grads.append(da)
    return np.linalg.norm(np.stack(grads[::-1], axis=1), axis=-1)


def spectral_radius(W: np.ndarray) -> float:
    r"""The largest modulus of an eigenvalue, :math:`\rho(W) = \max_i |\lambda_i|`."""
    return float(np.abs(np.linalg.eigvals(W)).max())


def clip_by_value(grads: dict[str, np.ndarray], max_value: float) -> dict[str, np.ndarray]:
    r"""Each entry on its own capped to :math:`[-c, c]`, :math:`c` = ``max_value``."""
    return {k: np.clip(g, -max_value, max_value) for k, g in grads.items()}


def clip_by_norm(grads: dict[str, np.ndarray], max_norm: float) -> dict[str, np.ndarray]:
    r"""Every array scaled by one factor when their joint norm is above ``max_norm``.

    .. math:: \|g\| = \sqrt{\textstyle\sum_{\text{arrays}} \sum_{\text{entries}} g^2}, \qquad
              g \leftarrow g \cdot \min\Big(1, \frac{\text{max\_norm}}{\|g\|}\Big)
    """
    norm = float(np.sqrt(sum(float((g**2).sum()) for g in grads.values())))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}
