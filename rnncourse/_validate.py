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


def require_int(
    name: str, value: object, minimum: int | None = None, maximum: int | None = None
) -> int:
    r"""Return ``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``, else raise.

    A Python ``int`` or a NumPy integer (``np.int64`` from an array is a fine length) counts;
    a ``bool`` does not, although Python makes it an ``int``: ``True`` as a size or a seed is
    always a mistake. ``TypeError`` for the wrong kind, ``ValueError`` outside the range.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in [{minimum}, {maximum}], got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def require_positive(name: str, value: object) -> float:
    r"""Return ``value`` as a ``float`` if it is a finite number above 0 (not a ``bool``), else raise."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return float(value)


def require_bool(name: str, value: object) -> bool:
    r"""Return ``value`` if it is a ``bool`` (``1`` or ``"yes"`` are mistakes), else raise ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


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
