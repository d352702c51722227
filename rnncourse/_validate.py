r"""Argument validation shared by every public function.

Bad input is normal input in a course: every public function checks what it is given and
raises ``TypeError`` (wrong kind of object or dtype) or ``ValueError`` (wrong shape or value)
with a message that names the argument, what was expected and what was received.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

Dim = int | None  # None: any size


def _fmt(shape: Sequence[Dim]) -> str:
    inner = ", ".join("*" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def require_shape(
    name: str, actual: Sequence[int], expected: Sequence[Dim], letters: str = ""
) -> None:
    r"""Raise ``ValueError`` unless ``actual`` matches ``expected`` (``None`` matches any size).

    ``letters`` names the dimensions in the course notation, e.g. ``"(m, n_a)"``, so the message
    reads ``a_prev must have shape (m, n_a) = (3, 5), got (3, 4)``.
    """
    actual = tuple(int(d) for d in actual)
    ok = len(actual) == len(expected) and all(
        e is None or a == e for a, e in zip(actual, expected, strict=True)
    )
    if not ok:
        named = f"{letters} = " if letters else ""
        raise ValueError(f"{name} must have shape {named}{_fmt(expected)}, got {_fmt(actual)}")


def require_ndarray(
    name: str, x: object, ndim: int | None = None, floating: bool = True
) -> np.ndarray:
    r"""Return ``x`` if it is a NumPy array (of a floating dtype when ``floating``), else raise.

    ``TypeError`` for the wrong kind of object or dtype, ``ValueError`` for the wrong ``ndim``.
    """
    if isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a NumPy array, got a torch.Tensor (use .numpy())")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(x).__name__}")
    if floating and not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a floating dtype, got {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got {x.ndim} with shape {x.shape}")
    return x


def require_tensor(
    name: str, x: object, ndims: Sequence[int] | None = None, floating: bool = True
) -> torch.Tensor:
    r"""Return ``x`` if it is a torch tensor (floating when ``floating``) with ``x.dim()`` in ``ndims``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if floating and not x.is_floating_point():
        raise TypeError(f"{name} must have a floating dtype, got {x.dtype}")
    if ndims is not None and x.dim() not in ndims:
        want = " or ".join(str(n) for n in ndims)
        raise ValueError(
            f"{name} must have {want} dimensions, got {x.dim()} with shape {tuple(x.shape)}"
        )
    return x
