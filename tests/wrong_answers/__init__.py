r"""Held-out wrong answers: what students write, kept apart from the checks' catalogues.

Written before the checks' diagnosis was built, from how students get these exercises wrong
(off by one, the wrong axis, a forgotten term, a transpose, a cache in the wrong order, …), not
from the catalogues in ``rnncourse.checks``. Each :class:`Wrong` is a function with the student's
signature, the cause in one line, and the words a good message must contain: ``keys`` is a tuple
of groups, every group must match, a group matches when one of its ``|``-separated alternatives
occurs in the message (case-insensitive).

One module per notebook, each with ``WRONG = {exercise name: [Wrong, ...]}``.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Wrong:
    fn: Callable[..., Any]
    cause: str  # the cause, in one line
    keys: tuple[str, ...]  # every group must occur in a message that names the cause

    def named_by(self, message: str, name: str = "") -> bool:
        """Whether ``message`` names the cause; the function's name and the inputs' label, which
        every message holds, do not count."""
        text = re.sub(r"\(inputs: [^\n]*?\)(?=[.\n]|$)", "", message)
        text = (text.replace(name, "") if name else text).lower()
        return all(any(alt.lower() in text for alt in group.split("|")) for group in self.keys)


def wrong(fn: Callable[..., Any], cause: str, *keys: str) -> Wrong:
    return Wrong(fn, cause, keys)


def calling(fn: Callable[..., Any], **helpers: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with some of the functions it calls by name replaced (a notebook's wrong helper)."""
    out = types.FunctionType(fn.__code__, {**fn.__globals__, **helpers}, fn.__name__)
    return out


def all_wrong() -> dict[str, list[Wrong]]:
    """Every held-out wrong answer, by exercise, in course order."""
    from wrong_answers import (
        nb00_notation,
        nb01_vanilla_rnn,
        nb02_bptt,
        nb03_vanishing_gradients,
        nb04_gru,
        nb05_lstm,
        nb06_bidirectional,
        nb07_deep_rnns,
    )

    out: dict[str, list[Wrong]] = {}
    for module in (nb00_notation, nb01_vanilla_rnn, nb02_bptt, nb03_vanishing_gradients,
                   nb04_gru, nb05_lstm, nb06_bidirectional, nb07_deep_rnns):  # fmt: skip
        out.update(module.WRONG)
    return out


def outcome(name: str, w: Wrong, seeds: tuple[int, ...]) -> tuple[bool, bool, str]:
    """(rejected on every seed, named on every seed, the first seed's message)."""
    import warnings

    import numpy as np

    from rnncourse.checks import EXERCISES

    rejected, named, first = True, True, ""
    for seed in seeds:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                EXERCISES[name].check(w.fn, seed=seed, quiet=True)
        except AssertionError as e:
            message = str(e)
            first = first or message
            named = named and w.named_by(message, name)
        except (
            Exception
        ) as e:  # the check itself crashed: neither rejected as it should be nor named
            first = first or f"CHECK CRASHED: {type(e).__name__}: {e}"
            rejected = named = False
        else:
            rejected = named = False
    return rejected, named, first


def table(seeds: tuple[int, ...] = (0, 1, 2)) -> dict[str, tuple[int, int, int]]:
    """Per notebook: (wrong answers, rejected on every seed, named on every seed)."""
    from rnncourse.checks import EXERCISES

    out: dict[str, list[int]] = {}
    for name, wrongs in all_wrong().items():
        row = out.setdefault(EXERCISES[name].notebook, [0, 0, 0])
        for w in wrongs:
            rejected, named, _ = outcome(name, w, seeds)
            row[0] += 1
            row[1] += rejected
            row[2] += rejected and named
    return {nb: (n, r, k) for nb, (n, r, k) in out.items()}
