"""``cd tests && python -m wrong_answers [-v]``: the share of held-out wrong answers rejected and named."""

from __future__ import annotations

import sys

from rnncourse.checks import EXERCISES
from wrong_answers import all_wrong, outcome

rows: dict[str, list[int]] = {}
for name, wrongs in all_wrong().items():
    for w in wrongs:
        rejected, named, message = outcome(name, w, (0, 1, 2))
        row = rows.setdefault(EXERCISES[name].notebook, [0, 0, 0])
        row[0], row[1], row[2] = row[0] + 1, row[1] + rejected, row[2] + (rejected and named)
        if "-v" in sys.argv or ("-f" in sys.argv and not (rejected and named)):
            print(
                f"{name:28s} {w.fn.__name__:32s} rejected={rejected:d} named={named:d}\n    {message!r}"
            )
total = [0, 0, 0]
for nb, (n, r, k) in rows.items():
    print(
        f"{nb:24s} {n:3d} wrong answers, rejected {r:3d} ({100 * r / n:3.0f}%), named {k:3d} ({100 * k / n:3.0f}%)"
    )
    total = [a + b for a, b in zip(total, (n, r, k), strict=True)]
n, r, k = total
print(
    f"{'all':24s} {n:3d} wrong answers, rejected {r:3d} ({100 * r / n:3.0f}%), named {k:3d} ({100 * k / n:3.0f}%)"
)
