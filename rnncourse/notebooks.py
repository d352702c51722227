r"""The course's notebooks, in order: the one list that the checks, the grader, the release and the
tests read.

A notebook's stem names its solution (``solutions/<stem>.ipynb``), its student release
(``notebooks/<stem>.ipynb``), its nbgrader assignment, and, as ``nb<stem>``, the pytest marker
that selects every test of its exercises (``pytest -m nb05_lstm``).
"""

from __future__ import annotations

NOTEBOOKS: tuple[str, ...] = (
    "00_notation",
    "01_vanilla_rnn",
    "02_bptt",
    "03_vanishing_gradients",
    "04_gru",
    "05_lstm",
    "06_bidirectional",
    "07_deep_rnns",
)


def marker(stem: str) -> str:
    r"""The pytest marker of notebook ``stem``: ``marker("05_lstm") == "nb05_lstm"``."""
    if stem not in NOTEBOOKS:
        raise ValueError(f"stem must be one of the course's notebooks {NOTEBOOKS}, got {stem!r}")
    return f"nb{stem}"
