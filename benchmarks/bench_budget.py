"""How long an honest answer takes to be collected: what ``checks.collect.BUDGET_S`` is based on.

For every exercise, the reference (a correct answer) is collected as the grader's jail collects a
student's function (each case called twice, under the guard against torch.nn's recurrent layers),
on three seeds; the slowest of the three is printed, slowest exercise first, with the budget's
margin over it. Run from the repository root:

    python benchmarks/bench_budget.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from rnncourse.checks import EXERCISES, collect


def main() -> None:
    warnings.simplefilter("ignore")
    rows = []
    for name, e in EXERCISES.items():
        slowest = 0.0
        for seed in (1, 2, 3):
            cases = [(c.args, c.label) for c in e.cases(seed)]
            start = time.perf_counter()
            with np.errstate(all="ignore"):
                out = collect.collect_all(
                    e.signature,
                    e.reference,
                    cases,
                    lambda name=name: collect.refuse_calls(name, collect.torch_layers()),
                )
            slowest = max(slowest, time.perf_counter() - start)
            assert not any(isinstance(o, str) for o in out), (name, out)
        rows.append((slowest, name, len(cases)))
    for seconds, name, n in sorted(rows, reverse=True):
        print(f"{name:<30} {n:3d} cases  {seconds * 1000:7.1f} ms")
    worst = max(rows)[0]
    print(
        f"budget {collect.BUDGET_S:g} s: {collect.BUDGET_S / worst:.0f}x the slowest honest exercise"
    )


if __name__ == "__main__":
    main()
