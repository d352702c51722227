r"""Plain data across a process boundary: JSON for structure, an uncompressed ``.npz`` for arrays, never pickle.

The grader sends inputs into the jail that runs a student's code and reads outputs back. Pickle
would let that process run code in the grader, so values cross as JSON (numbers, strings, lists,
dicts with string keys, tuples tagged as such) plus NumPy arrays of numeric or boolean dtype.

What comes back was written by untrusted code, so :func:`loads` checks before it allocates:
the JSON's nesting depth, every ``.npz`` member stored (not deflated: a small file cannot inflate
into a large one), each array's header (dtype numeric or boolean, never object; the size its shape
claims equal to the bytes present) and the total against caps. Anything else is ``ValueError``.

The format, one message: 8 bytes (big-endian length of the JSON), the JSON, the ``.npz``.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # refuse more than this from an untrusted process
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 32  # nesting of lists and dicts; the course's outputs need 4
_HEADER = 8


def _encode(value: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise TypeError(f"nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic) and not isinstance(value, np.complexfloating):
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
        return {"__tuple__": [_encode(v, arrays, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or {"__array__", "__tuple__"} & set(value):
            raise TypeError("dicts must have string keys other than __array__ and __tuple__")
        return {k: _encode(v, arrays, depth + 1) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not plain data")


def dumps(value: Any) -> bytes:
    """``value`` as one message; ``TypeError`` if it is not plain data."""
    arrays: dict[str, np.ndarray] = {}
    structure = json.dumps(_encode(value, arrays), allow_nan=True).encode()
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)  # stored, not compressed
    return len(structure).to_bytes(_HEADER, "big") + structure + buffer.getvalue()


def loads(data: bytes) -> Any:
    """Read what :func:`dumps` wrote, refusing oversized, deep, compressed or non-numeric data."""
    if len(data) > MAX_MESSAGE_BYTES or len(data) < _HEADER:
        raise ValueError("a message of an impossible size")
    n = int.from_bytes(data[:_HEADER], "big")
    if n > MAX_JSON_BYTES or _HEADER + n > len(data):
        raise ValueError("a message whose structure does not fit")
    try:
        structure = json.loads(data[_HEADER : _HEADER + n])
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise ValueError("a message whose structure is not JSON") from None
    arrays = _arrays(data[_HEADER + n :])
    return _decode(structure, arrays, 0)


def _arrays(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz``, after checking every member's storage and header."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
    except (zipfile.BadZipFile, ValueError):
        raise ValueError("a message whose arrays are not an .npz") from None
    arrays: dict[str, np.ndarray] = {}
    with zf:
        total = 0
        for info in zf.infolist():
            name = info.filename
            if info.compress_type != zipfile.ZIP_STORED or not name.endswith(".npy"):
                raise ValueError("a compressed or foreign member in a message's arrays")
            total += info.file_size
            if info.file_size > len(blob) or total > len(blob):
                raise ValueError("a member larger than the message that holds it")
            try:
                with zf.open(info) as f:
                    version = np.lib.format.read_magic(f)
                    read_header = (
                        np.lib.format.read_array_header_1_0
                        if version == (1, 0)
                        else np.lib.format.read_array_header_2_0
                    )
                    shape, _, dtype = read_header(f)
                if dtype.hasobject or not (np.issubdtype(dtype, np.number) or dtype == np.bool_):
                    raise ValueError(f"an array of dtype {dtype} in a message")
                if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize > info.file_size:
                    raise ValueError("an array header that claims more than it holds")
                with zf.open(info) as f:
                    arrays[name.removesuffix(".npy")] = np.lib.format.read_array(
                        f, allow_pickle=False
                    )
            except ValueError:
                raise
            except Exception:  # a truncated or malformed member, whatever numpy makes of it
                raise ValueError("a malformed array in a message") from None
    return arrays


def _decode(value: Any, arrays: dict[str, np.ndarray], depth: int) -> Any:
    if depth > MAX_DEPTH + 1:
        raise ValueError(f"a message nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        return [_decode(v, arrays, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            key = value["__array__"]
            if not isinstance(key, str) or key not in arrays:
                raise ValueError("a message that names an array it does not hold")
            return arrays[key]
        if set(value) == {"__tuple__"} and isinstance(value["__tuple__"], list):
            return tuple(_decode(v, arrays, depth + 1) for v in value["__tuple__"])
        return {k: _decode(v, arrays, depth + 1) for k, v in value.items()}
    return value
