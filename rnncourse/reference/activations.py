r"""The activations: the logistic sigmoid and the softmax."""

from __future__ import annotations

import numpy as np

from rnncourse._validate import require_ndarray


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
