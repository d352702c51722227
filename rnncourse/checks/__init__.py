r"""What the notebooks' test cells call: one check per graded function, and the registry.

``EXERCISES`` maps each graded function's name to its :class:`~rnncourse.checks.framework.Exercise`:
``.notebook`` (the stem), ``.reference`` (a correct implementation with the student's signature),
``.check(fn)`` (raises ``AssertionError`` naming the mistake on any wrong answer), and the
separable steps a grader uses to run the student's code elsewhere: ``.cases(seed)``,
``.signature`` (for :func:`rnncourse.checks.collect.collect` in the jail) and
``.verdict(cases, outputs, failed_helpers)``, which judges from the outputs alone; ``.check``
goes through the same ``verdict``, so every grader says the same. It is the one place an
exercise is defined.

In a notebook::

    from rnncourse.checks import check
    check("rnn_cell_forward", rnn_cell_forward)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnncourse.checks import bidirectional, bptt, deep, gru, lstm, notation, rnn, vanishing
from rnncourse.checks.framework import Case, Exercise, Mistake

# one module per notebook, each ending with its EXERCISES tuple, in course order
EXERCISES: dict[str, Exercise] = {
    e.name: e
    for module in (notation, rnn, bptt, vanishing, gru, lstm, bidirectional, deep)
    for e in module.EXERCISES
}


def check(name: str, fn: Callable[..., Any], seed: int | None = None) -> None:
    """Check the student's ``fn`` for exercise ``name``; ``AssertionError`` says what is wrong."""
    __tracebackhide__ = True  # a failing test cell shows the message, not the framework's frames
    if name not in EXERCISES:
        raise KeyError(f"no exercise named {name!r}; known: {', '.join(sorted(EXERCISES))}")
    EXERCISES[name].check(fn, seed=seed)


__all__ = ["EXERCISES", "Case", "Exercise", "Mistake", "check"]
