r"""Where a wrong answer goes wrong, found from the outputs alone: what a check says when no
catalogued mistake reproduces the answer.

Everything here compares the student's outputs with the reference's on the same cases: nothing
re-runs the student's function, so a grader that got the outputs back from a jail can say the
same as a notebook. The relations tried on a wrong array ``g`` against the expected ``e``:

- its axes permuted, :math:`g = e^{\top}` (or ``(T_x, m, n)`` for ``(m, T_x, n)``), or permuted
  and then reshaped back to the expected shape (a reshape where a transpose belongs);
- its sign flipped or the whole array scaled, :math:`g = c\,e` (a mean where a sum belongs when
  :math:`c = 1/n` for a size ``n`` of the inputs), or shifted, :math:`g = e + c`;
- another output's value (the return order swapped);
- in time, one step late (:math:`g^{\langle t\rangle} = e^{\langle t-1\rangle}`), one step early,
  or reversed; otherwise the time step where it departs (for a backward recursion, the last one:
  where backpropagation starts);
- per-case *probes* (cases labelled ``"probe TERM: …"``, where all but one term of a formula are
  switched off): the first probe that is wrong names the term; all right means the terms are
  combined wrong;
- a cache, item by item or key by key (the gate that differs, by name), its length for one cache
  per time step, its items in the wrong order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from rnncourse.checks.collect import inexact, kind, same

RTOL, ATOL = 1e-6, 1e-8


def close(a: Any, b: Any) -> bool:
    """Whether two outputs agree to the checks' tolerance (never raises)."""
    try:
        return same(a, b, RTOL, ATOL)
    except Exception:  # untrusted data of any shape: not equal
        return False


def _arrays(e: Any, g: Any) -> bool:
    return isinstance(e, np.ndarray) and isinstance(g, np.ndarray)


def _numeric(a: np.ndarray) -> bool:
    return bool(np.issubdtype(a.dtype, np.number)) and a.size > 0


def _fmt(v: Any) -> str:
    try:
        return f"{v:.6g}"
    except (TypeError, ValueError):
        return repr(v)[:80]


# --- one array against the expected one ------------------------------------------------------


def permuted(e: np.ndarray, g: np.ndarray) -> tuple[int, ...] | None:
    """The axes order ``p`` with ``g == e.transpose(p)`` (not the identity), or None."""
    if e.ndim < 2 or e.ndim > 4 or sorted(g.shape) != sorted(e.shape) or g.dtype != e.dtype:
        return None
    for p in itertools.permutations(range(e.ndim)):
        if p != tuple(range(e.ndim)) and tuple(e.shape[i] for i in p) == g.shape:
            if close(g, np.ascontiguousarray(e.transpose(p))):
                return p
    return None


def reshaped(e: np.ndarray, g: np.ndarray) -> tuple[int, ...] | None:
    """The axes order ``p`` with ``g == e.transpose(p).reshape(e.shape)`` (a reshape where a
    transpose belongs: the right values, moved between axes), or None."""
    if e.ndim < 2 or e.ndim > 4 or g.shape != e.shape or g.dtype != e.dtype or e.size < 2:
        return None
    for p in itertools.permutations(range(e.ndim)):
        if p != tuple(range(e.ndim)) and close(g, np.transpose(e, p).reshape(e.shape)):
            return p
    return None


def factor(e: np.ndarray, g: np.ndarray) -> float | None:
    """The constant ``c`` with ``g == c * e`` (``c`` not 1), or None."""
    if e.shape != g.shape or not (_numeric(e) and inexact(e) and inexact(g)) or e.size < 2:
        return None
    with np.errstate(all="ignore"):
        k = int(np.argmax(np.abs(e)))
        if not np.isfinite(g).all() or abs(e.flat[k]) < 1e-12:
            return None
        c = float(g.flat[k] / e.flat[k])
        if abs(c - 1.0) < 1e-6 or not np.isfinite(c):
            return None
        return c if np.allclose(g, c * e, rtol=1e-6, atol=1e-9) else None


def offset(e: np.ndarray, g: np.ndarray) -> float | None:
    """The constant ``c`` with ``g == e + c`` (``c`` not 0), or None."""
    if e.shape != g.shape or not (_numeric(e) and inexact(e) and inexact(g)) or e.size < 2:
        return None
    with np.errstate(all="ignore"):
        c = float((g - e).flat[0])
        if abs(c) < 1e-9 or not np.isfinite(c):
            return None
        return c if np.allclose(g, e + c, rtol=1e-6, atol=1e-9) else None


def time_relation(e: np.ndarray, g: np.ndarray, axis: int) -> str:
    """How ``g`` relates to ``e`` along the time ``axis``: 'late', 'early', 'reversed' or ''."""
    if e.shape != g.shape or e.ndim <= axis or e.shape[axis] < 2:
        return ""
    T = e.shape[axis]

    def cut(a: np.ndarray, s: slice) -> np.ndarray:
        index: list[Any] = [slice(None)] * a.ndim
        index[axis] = s
        return a[tuple(index)]

    if close(cut(g, slice(1, T)), cut(e, slice(0, T - 1))):
        return "late"
    if close(cut(g, slice(0, T - 1)), cut(e, slice(1, T))):
        return "early"
    if close(g, np.flip(e, axis=axis)):
        return "reversed"
    return ""


def first_difference(k: str, e: np.ndarray, g: np.ndarray, time_axis: int | None,
                     backward: bool) -> str:  # fmt: skip
    """Where ``g`` first differs from ``e``: the index (and time step), expected and got."""
    with np.errstate(all="ignore"):
        bad = ~np.isclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True) if inexact(e) else g != e
    if not np.any(bad):
        return f"{k} is wrong"
    if bad.ndim == 0:
        return f"{k} is wrong: expected {_fmt(e[()])}, got {_fmt(g[()])}"
    wrong = np.argwhere(bad)
    if time_axis is not None and backward:
        wrong = wrong[wrong[:, time_axis] == wrong[:, time_axis].max()]  # backprop reaches it first
    idx = tuple(int(i) for i in wrong[0])
    if not idx:
        return f"{k} is wrong: expected {_fmt(e[idx])}, got {_fmt(g[idx])}"
    when = ""
    if time_axis is not None:
        t, T = idx[time_axis] + 1, e.shape[time_axis]
        when = f" at time step t={t}"
        if backward:
            when += f", the first step where it departs going backwards from t={T} (where backprop starts)"
        elif t > 1:
            when += f" (steps 1 to {t - 1} are right)"
    return (
        f"{k} is wrong{when}: first difference at index {idx}, expected {_fmt(e[idx])}, "
        f"got {_fmt(g[idx])} ({int(bad.sum())} of {bad.size} values differ)"
    )


# --- names for the findings --------------------------------------------------------------------


def explain_array(k: str, e: np.ndarray, g: np.ndarray, sizes: Sequence[int],
                  time_axis: int | None) -> str:  # fmt: skip
    """A relation between a wrong array and the expected one, in words ('' if none holds)."""
    p = permuted(e, g)
    if p is not None:
        if e.ndim == 2 and p == (1, 0):
            return f"{k} is transposed: it has shape {g.shape}, expected {e.shape} (its rows and columns swapped)"
        if time_axis is not None and p[: time_axis + 1] == (time_axis, *range(time_axis)):
            return (f"{k} has its time axis first, shape {g.shape}: the layout is batch first, "
                    f"{e.shape}; stack the steps along axis {time_axis}")  # fmt: skip
        return f"{k} has its axes in the wrong order: shape {g.shape} is the expected {e.shape} with axes permuted {p}"
    q = reshaped(e, g)
    if q is not None:
        return (f"{k} holds the right values in the wrong places: it is the expected array with "
                f"its axes in the order {q}, then reshaped to {e.shape}. A reshape never moves "
                "values between axes: reorder axes with np.transpose or np.moveaxis (or build "
                "the array in its own layout)")  # fmt: skip
    if e.shape == g.shape and e.dtype == g.dtype:
        c = factor(e, g)
        if c is not None:
            if abs(c + 1.0) < 1e-6:
                return f"{k} has the wrong sign: every value is the negative of the expected one (a minus sign?)"
            means = [n for n in sorted(set(sizes)) if n > 1 and abs(c * n - 1.0) < 1e-6]
            if means:
                return (f"{k} is {_fmt(c)} times the expected value, 1/{means[0]}: a mean "
                        f"(divided by {means[0]}) where a sum belongs?")  # fmt: skip
            return f"{k} is scaled: every value is {_fmt(c)} times the expected one (a constant factor too many or too few)"
        d = offset(e, g)
        if d is not None:
            return f"{k} is shifted: every value is the expected one plus {_fmt(d)} (a constant added or left out)"
        if inexact(e) and inexact(g):
            with np.errstate(all="ignore"):
                bad = ~np.isclose(g, e, rtol=RTOL, atol=ATOL)
                if bad.any() and np.allclose(g[bad], -e[bad], rtol=RTOL, atol=ATOL):
                    return (f"{k} has the wrong sign where it is wrong ({int(bad.sum())} of "
                            f"{bad.size} values are the negative of the expected ones): a minus "
                            "sign on one of the terms?")  # fmt: skip
        if time_axis is not None:
            rel = time_relation(e, g, time_axis)
            if rel == "late":
                return (f"{k} is off by one step in time: at step t it holds the expected value "
                        "of step t−1 (it stores the state from before the step, or starts one "
                        "step late); store each step's new value at its own position")  # fmt: skip
            if rel == "early":
                return f"{k} is off by one step in time: at step t it holds the expected value of step t+1"
            if rel == "reversed":
                return f"{k} is reversed in time: its step t holds the expected step T_x − t + 1"
    return ""


def explain_structure(k: str, e: Any, g: Any) -> str:
    """What is wrong with the type or shape of an output ('' if the structure is right)."""
    if isinstance(e, np.ndarray):
        if isinstance(g, np.ndarray) and e.ndim == 0 and g.ndim > 0:
            return (f"{k} should be one number, got an array of shape {g.shape}: reduce it to "
                    "the one value asked for (the largest? the sum?)")  # fmt: skip
        if isinstance(g, int | float | complex) and not isinstance(g, bool) and e.ndim:
            return (f"{k} should be a NumPy array of shape {e.shape}, got one number: keep one "
                    "value per entry (per example, per step) instead of a sum or mean over all")  # fmt: skip
        if not isinstance(g, np.ndarray):
            return f"{k} should be a NumPy array, got {kind(g)}"
        if g.shape != e.shape:
            return f"{k} has shape {g.shape}, expected {e.shape}"
        if g.dtype != e.dtype:
            return f"{k} has dtype {g.dtype}, expected {e.dtype}"
        return ""
    if isinstance(e, list) and not isinstance(g, list):
        return f"{k} should be a list, got {kind(g)}"
    if isinstance(e, str) and not isinstance(g, str):
        return f"{k} should be a string (str), got {kind(g)}"
    if isinstance(e, dict) and not isinstance(g, dict):
        return f"{k} should be a dict with keys {', '.join(repr(x) for x in e)}, got {kind(g)}"
    return ""


def explain_plain(k: str, e: Any, g: Any) -> str:
    """Where two plain values (strings, lists) differ."""
    if isinstance(e, int) and isinstance(g, float) and not isinstance(e, bool):
        return (
            f"{k} is a float, {g!r}: expected an int, {e!r} (a count is a whole number: int(...))"
        )
    if isinstance(e, str) and isinstance(g, str):
        if g.lower() == e.lower():
            return f"{k} differs only in upper and lower case: expected {e!r}, got {g!r}"[:600]
        if g.split() == e.split() or [w.strip(",;") for w in g.split()] == e.split():
            return (f"{k} has the right words, joined differently: expected one space between "
                    f"words, {e!r}, got {g!r}")[:600]  # fmt: skip
    if isinstance(e, list) and isinstance(g, list):
        if len(g) != len(e):
            return f"{k} has {len(g)} items, expected {len(e)}" + _extra_items(e, g)
        reordered = _same_items(e, g)
        for i, (x, y) in enumerate(zip(e, g, strict=True)):
            if not close(x, y):
                what = "has the right items in another order" if reordered else "is wrong"
                return f"{k} {what}: first difference at position {i}, expected {x!r}, got {y!r}"[
                    :600
                ]
    return f"{k} is wrong: expected {e!r}, got {g!r}"[:600]


def _same_items(e: list[Any], g: list[Any]) -> bool:
    """Whether two lists of strings or numbers hold the same items, each as often."""
    plain = (str, int, float)
    if not all(isinstance(x, plain) and not isinstance(x, bool) for x in e + g):
        return False
    try:
        return sorted(map(repr, e)) == sorted(map(repr, g))
    except TypeError:
        return False


def _extra_items(e: list[Any], g: list[Any]) -> str:
    """The items of ``g`` that ``e`` does not hold, and what they have in common, in words."""
    if not all(isinstance(x, str) for x in e + g):
        return ""
    extra = [x for x in g if x not in e]
    missing = [x for x in e if x not in g]
    notes = []
    twice = [x for x in dict.fromkeys(g) if g.count(x) > e.count(x) and x in e]
    if twice:
        notes.append("more often than expected: " + ", ".join(repr(x) for x in twice[:5]))
    if extra:
        notes.append("unexpected " + ", ".join(repr(x) for x in extra[:5]))
    if missing:
        notes.append("missing " + ", ".join(repr(x) for x in missing[:5]))
    if any(x == "" or any(c.isspace() for c in x) for x in extra):
        notes.append("items that are empty or hold spaces, tabs or newlines: split on any "
                     "whitespace with str.split(), not split(' ')")  # fmt: skip
    lowered = {x.lower() for x in e}
    if any(x != x.lower() and x.lower() in lowered for x in extra):
        notes.append(
            "items that differ from expected ones only in upper/lower case: lower-case first"
        )
    return f" ({'; '.join(notes)})" if notes else ""


def explain_cache(k: str, e: Any, g: Any, items: tuple[str, ...], per_step: bool = False) -> str:
    """What is wrong with a cache: its length, the order of its items, the first wrong gate.

    ``per_step``: ``e`` is a list of caches, one per time step, each with ``items``.
    """
    if per_step and isinstance(e, list):
        if not isinstance(g, list):
            return f"{k} should be a list with one cache per time step, got {kind(g)}"
        if len(g) != len(e):
            return (f"{k} has {len(g)} items, expected {len(e)}: one cache per time step, "
                    f"T_x = {len(e)} (append every step's cache, not only the last)")  # fmt: skip
        for t, (x, y) in enumerate(zip(e, g, strict=True)):
            if not close(x, y):
                return (
                    explain_cache(f"{k}[{t}]", x, y, items) + f" (the cache of time step t={t + 1})"
                )
        return f"{k} is wrong"
    if isinstance(e, dict):
        if not isinstance(g, dict):
            return f"{k} should be a dict with keys {', '.join(repr(x) for x in e)}, got {kind(g)}"
        missing = [x for x in e if x not in g]
        if missing:
            return f"{k} is missing the keys {missing}: the cache holds {', '.join(repr(x) for x in e)}"
        for x in e:
            if not close(e[x], g[x]):
                return _explain_item(k, x, e, g, repr(x))
        return f"{k} is wrong"
    if isinstance(e, list):
        if not isinstance(g, list):
            return f"{k} should be a tuple ({', '.join(items)}), got {kind(g)}"
        if len(g) != len(e):
            return f"{k} has {len(g)} items, expected {len(e)}: ({', '.join(items)})"
        right = [any(close(y, x) for x in e) for y in g]
        if all(right):
            return f"{k} holds the right values in the wrong order: the cache is ({', '.join(items)}), in that order"
        for i, x in enumerate(e):
            if not close(x, g[i]):
                name = items[i] if i < len(items) else str(i)
                return _explain_item(k, i, dict(enumerate(e)), dict(enumerate(g)), name)
    return f"{k} is wrong"


GATES = {  # what a cache entry is, in the course's notation
    "i": "the update (input) gate Γ_u = σ(i's block)",
    "f": "the forget gate Γ_f = σ(f's block)",
    "g": "the candidate c̃ = tanh(g's block)",
    "o": "the output gate Γ_o = σ(o's block)",
    "c_next": "the new cell state c⟨t⟩ = Γ_u ⊙ c̃ + Γ_f ⊙ c⟨t−1⟩",
    "r": "the reset gate Γ_r = σ(r's blocks)",
    "z": "z = σ(z's blocks) = 1 − Γ_u",
    "c_tilde": "the candidate c̃ = tanh(…), where Γ_r acts",
}


def _explain_item(k: str, x: Any, e: dict[Any, Any], g: dict[Any, Any], name: str) -> str:
    got, want = g[x], e[x]
    where = f"{k}[{name}]" if name.startswith("'") else f"{k}'s {name}"
    if isinstance(x, str) and x in GATES:
        where += f" ({GATES[x]})"
    for other in e:
        if other != x and close(got, e[other]):
            label = repr(other) if isinstance(other, str) else str(other)
            return f"{where} holds the value that belongs in {label}: the entries are mixed up"
    if _arrays(want, got) and want.shape == got.shape and inexact(want) and inexact(got):
        with np.errstate(all="ignore"):
            if np.allclose(got, 1.0 - want, rtol=RTOL, atol=ATOL):
                return f"{where} holds 1 − {name.strip(chr(39))} instead of {name.strip(chr(39))}"
    structure = explain_structure(where, want, got)
    if structure:
        return structure
    others = [
        repr(o) if isinstance(o, str) else str(o) for o in e if o != x and close(e[o], g.get(o))
    ]
    rest = f" ({', '.join(others)} right)" if others else ""
    return f"{where} is wrong{rest}"
