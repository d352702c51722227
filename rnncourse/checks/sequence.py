r"""The mistakes of a loop over time, one set for every sequence exercise.

A sequence function (``rnn_forward``, ``gru_forward``, ``lstm_forward``) runs its cell once per
step, :math:`t = 1, \dots, T_x`, carries the state from each step to the next, and stacks what the
steps give along axis 1, ``(m, T_x, ·)``. Its mistakes are in that loop, not in the cell, so they
are written once here: :func:`unroll` runs a cell with one of them, :func:`stacked` stacks the
steps with one of them, and :func:`mistakes` says each in the words of the exercise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# (name, message) of every sequence-level mistake; {cell}, {start}, {prev} and {new} are filled in
_MESSAGES = (
    (
        "not_carried",
        "passed {start} to every step: the state must be carried, a⟨t⟩ feeds step t+1.",
    ),
    ("zeros_not_a0", "started from zeros instead of the given {start}."),
    ("stored_prev", "stored {prev} at position t (off by one in time): store the new {new}."),
    ("reversed", "went through the sequence backwards: the forward {cell} reads t = 1, 2, …, T_x."),
    (
        "last_everywhere",
        "stored the same (last) array at every step: append each step's new array, or write it "
        "into a[:, t].",
    ),
    (
        "only_last",
        "returned only the last step, (m, n_a): return every step, stacked along axis 1, "
        "(m, T_x, n_a).",
    ),
    (
        "time_first",
        "stacked the steps along axis 0, (T_x, m, n_a): the course's sequences are batch first, "
        "np.stack(..., axis=1) gives (m, T_x, n_a).",
    ),
)
NAMES = tuple(name for name, _ in _MESSAGES)


def mistakes(
    cell: str, start: str = "a0", prev: str = "a⟨t−1⟩", new: str = "state a⟨t⟩"
) -> list[tuple[str, str]]:
    """The catalogue entries of a loop over ``cell`` (e.g. ``"GRU"``) whose state starts at ``start``."""
    return [
        (name, text.format(cell=cell, start=start, prev=prev, new=new)) for name, text in _MESSAGES
    ]


def unroll(
    step: Callable[[np.ndarray, Any], tuple[Any, Any]], x: np.ndarray, state0: Any, bug: str
) -> tuple[list[Any], list[Any]]:
    """Run ``step(x_t, state) -> (new_state, extra)`` over the time axis of ``x`` (axis 1).

    Returns the state stored for each step and what else each step gave, in time order. A state
    may be an array or a tuple of arrays (the LSTM's ``(a, c)``). ``bug``: one of :data:`NAMES`
    that lives in the loop (``not_carried``, ``zeros_not_a0``, ``stored_prev``, ``reversed``), or
    anything else for the correct loop.
    """
    T_x = x.shape[1]
    order = range(T_x - 1, -1, -1) if bug == "reversed" else range(T_x)
    zeros = (
        tuple(np.zeros_like(s) for s in state0)
        if isinstance(state0, tuple)
        else np.zeros_like(state0)
    )
    state = zeros if bug == "zeros_not_a0" else state0
    states: list[Any] = [None] * T_x
    extras: list[Any] = [None] * T_x
    for t in order:
        new, extras[t] = step(x[:, t], state0 if bug == "not_carried" else state)
        states[t] = state if bug == "stored_prev" else new
        state = new
    return states, extras


def stacked(steps: list[np.ndarray], bug: str) -> np.ndarray:
    """The steps stacked along axis 1, ``(m, T_x, ·)``; ``bug``: ``last_everywhere``,
    ``only_last`` or ``time_first`` where it belongs to the stacking, else the correct stack."""
    if bug == "only_last":
        return steps[-1]
    if bug == "last_everywhere":
        steps = [steps[-1]] * len(steps)
    return np.stack(steps, axis=0 if bug == "time_first" else 1)
