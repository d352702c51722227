r"""Plain data across a process boundary: JSON for structure, ``.npz`` for arrays, never pickle.

The grader sends inputs to the process that runs a student's code and reads outputs back. Pickle
would let that process run code in the grader, so values cross as JSON (numbers, strings, lists,
dicts with string keys, tuples tagged as such) plus NumPy arrays of numeric or boolean dtype,
stored in an ``.npz`` file read with ``allow_pickle=False``. Anything else is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

MAX_JSON_BYTES = 16 * 1024 * 1024  # refuse to parse more than this from an untrusted process
MAX_ARRAY_BYTES = 256 * 1024 * 1024


def _encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or not (
            np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_
        ):
            raise TypeError(f"arrays of dtype {value.dtype} are not plain data")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or {"__array__", "__tuple__"} & set(value):
            raise TypeError("dicts must have string keys other than __array__ and __tuple__")
        return {k: _encode(v, arrays) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not plain data")


def _decode(value: Any, arrays: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        if set(value) == {"__tuple__"}:
            return tuple(_decode(v, arrays) for v in value["__tuple__"])
        return {k: _decode(v, arrays) for k, v in value.items()}
    return value


def save(path: Path, value: Any) -> None:
    """Write ``value`` as ``path.json`` and ``path.npz``; ``TypeError`` if it is not plain data."""
    arrays: dict[str, np.ndarray] = {}
    structure = _encode(value, arrays)
    np.savez(path.with_suffix(".npz"), allow_pickle=False, **arrays)  # never pickle, even here
    path.with_suffix(".json").write_text(json.dumps(structure))


def load(path: Path) -> Any:
    """Read what :func:`save` wrote, refusing oversized files and anything but plain data."""
    jpath, npath = path.with_suffix(".json"), path.with_suffix(".npz")
    if jpath.stat().st_size > MAX_JSON_BYTES or npath.stat().st_size > MAX_ARRAY_BYTES:
        raise ValueError(f"{path.name}: more data than a grader accepts")
    structure = json.loads(jpath.read_text())
    with np.load(npath, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return _decode(structure, arrays)
