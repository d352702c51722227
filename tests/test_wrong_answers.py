"""The held-out wrong answers (``tests/wrong_answers``, written before the diagnosis existed):
every one is rejected on every seed, most are named by cause, and a grader that only has the
outputs says exactly what the notebook's check says."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from wrong_answers import Wrong, all_wrong

from rnncourse.checks import EXERCISES, collect
from rnncourse.notebooks import marker

WRONG = [
    pytest.param(name, w, id=f"{name}-{w.fn.__name__}",
                 marks=getattr(pytest.mark, marker(EXERCISES[name].notebook)))
    for name, ws in all_wrong().items()
    for w in ws
]  # fmt: skip
SEEDS = (0, 1, 2, 7, 2024)


def _message(name: str, w: Wrong, seed: int) -> str | None:
    """The check's message for ``w`` (None if it passed)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            EXERCISES[name].check(w.fn, seed=seed, quiet=True)
        except AssertionError as e:
            return str(e)
    return None


def test_there_are_at_least_three_per_graded_function():
    counts = {name: len(ws) for name, ws in all_wrong().items()}
    assert set(counts) == set(EXERCISES)
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize(("name", "w"), WRONG)
def test_every_held_out_wrong_answer_is_rejected_on_every_seed(name, w):
    for seed in SEEDS:
        message = _message(name, w, seed)
        assert message is not None, f"{w.fn.__name__} ({w.cause}) passes with seed {seed}"
        assert "Traceback" not in message and "could not be compared" not in message, message


def test_most_held_out_wrong_answers_are_named_by_cause(capsys):
    rows: dict[str, list[int]] = {}
    unnamed = []
    for name, ws in all_wrong().items():
        row = rows.setdefault(EXERCISES[name].notebook, [0, 0])
        for w in ws:
            named = all(w.named_by(_message(name, w, seed) or "", name) for seed in (0, 1))
            row[0] += 1
            row[1] += named
            if not named:
                unnamed.append(f"{name}/{w.fn.__name__}")
    with capsys.disabled():
        for nb, (n, k) in rows.items():
            print(f"\n{nb}: {k}/{n} named ({100 * k / n:.0f}%)", end="")
        print()
    n = sum(r[0] for r in rows.values())
    k = sum(r[1] for r in rows.values())
    assert k / n >= 0.8, f"only {k}/{n} named; not named: {unnamed}"


@pytest.mark.parametrize(("name", "w"), WRONG)
def test_the_grader_and_the_notebook_say_the_same(name, w):
    """``verdict`` on outputs collected as the jail collects them == the notebook's check."""
    e = EXERCISES[name]
    cases = e.cases(3)
    outputs: list = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for case in cases:
            try:
                outputs.append(collect.collect(e.signature, w.fn, case.args, case.label))
            except AssertionError as err:
                outputs.append(str(err))
        failed = e.failed_helpers(w.fn, 3)
        assert e.verdict(cases, outputs, failed) == _message(name, w, 3)
