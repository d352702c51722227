r"""The losses and their gradient with respect to the logits."""

from __future__ import annotations

import numpy as np

from rnncourse._validate import require_ndarray, require_shape


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
# notebook 02's losses, written out


def cross_entropy_step(y_hat_t: np.ndarray, y_t: np.ndarray) -> np.ndarray:
    r"""The loss at one step: minus the log of the probability given to the true class.

    .. math:: \mathcal{L}^{\langle t\rangle} = -\log \hat y^{\langle t\rangle}_{y^{\langle t\rangle}}

    Shape: ``y_hat_t (m, n_y)``, ``y_t (m,)`` → ``(m,)``.
    """
    return -np.log(y_hat_t[np.arange(y_hat_t.shape[0]), y_t])


def binary_cross_entropy(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""The loss of a sigmoid output against a 0/1 label, elementwise.

    .. math:: \mathcal{L}^{\langle t\rangle} = -[y^{\langle t\rangle} \log \hat y^{\langle t\rangle}
              + (1 - y^{\langle t\rangle}) \log(1 - \hat y^{\langle t\rangle})]

    Shape: ``y_hat`` and ``y`` of one shape → that shape.
    """
    return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def sequence_loss(y_hat: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    r"""Each sequence's loss, summed over its real steps (``<PAD>`` steps add nothing).

    .. math:: \mathcal{L} = \sum_{t} \text{mask}^{\langle t\rangle} \mathcal{L}^{\langle t\rangle}

    Shape: ``y_hat (m, T_y, n_y)``, ``y (m, T_y)``, ``mask (m, T_y)`` → ``(m,)``.
    """
    m, T_y, n_y = y_hat.shape
    L = cross_entropy_step(y_hat.reshape(m * T_y, n_y), y.reshape(m * T_y)).reshape(m, T_y)
    return (L * mask).sum(axis=1)


def output_backward(
    y_hat: np.ndarray, y: np.ndarray, a: np.ndarray, W_ya: np.ndarray, mask: np.ndarray
) -> dict[str, np.ndarray]:
    r"""Gradients of the summed sequence loss through the softmax output layer, at every step.

    .. math:: \frac{\partial \mathcal{L}}{\partial z^{\langle t\rangle}}
              = (\hat y^{\langle t\rangle} - \operatorname{onehot}(y^{\langle t\rangle}))
              \, \text{mask}^{\langle t\rangle}, \quad
              \frac{\partial \mathcal{L}}{\partial a^{\langle t\rangle}} = W_{ya}^\top
              \frac{\partial \mathcal{L}}{\partial z^{\langle t\rangle}}, \quad
              \frac{\partial \mathcal{L}}{\partial W_{ya}} = \sum_t
              \frac{\partial \mathcal{L}}{\partial z^{\langle t\rangle}} a^{\langle t\rangle\top}

    Shape: ``y_hat (m, T_y, n_y)``, ``y (m, T_y)``, ``a (m, T_y, n_a)``, ``W_ya (n_y, n_a)``,
    ``mask (m, T_y)`` → ``da (m, T_y, n_a)``, ``dW_ya (n_y, n_a)``, ``db_y (n_y,)``.
    """
    n_y, n_a = W_ya.shape
    dlogits = (y_hat - np.eye(n_y)[y]) * mask[..., None]  # (m, T_y, n_y): 0 at <PAD>
    rows, a_rows = dlogits.reshape(-1, n_y), a.reshape(-1, n_a)  # every (example, step) a row
    return {"da": dlogits @ W_ya, "dW_ya": rows.T @ a_rows, "db_y": rows.sum(axis=0)}
