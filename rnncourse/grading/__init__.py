r"""The grading stack: nbgrader's course directory, the student's preview, and the grader.

Course content (:mod:`rnncourse.data`, :mod:`rnncourse.nn`, :mod:`rnncourse.checks`, …) never
imports this package; it imports course content (the registry of exercises). A test keeps that
direction. From the top down:

- :mod:`~rnncourse.grading.classroom` — a class at once: submissions folder or zip, Dask tasks,
  ``grades.csv``, HTML feedback, the nbgrader gradebook for formgrader
- :mod:`~rnncourse.grading.grader`    — one notebook: the student's answers, run in the sandbox,
  judged here against the references; the score never comes from a process that ran student code
- :mod:`~rnncourse.grading.sandbox`   — runs student code: a fork server, one confined process a
  run, limits on time, memory, files and output, plain data back
- :mod:`~rnncourse.grading.confine`   — the OS confinement of a run (Linux Landlock)
- :mod:`~rnncourse.grading.plaindata` — the exchange format between a run and the grader: JSON and
  ``.npz``, never pickle
- :mod:`~rnncourse.grading.preview`   — ``rnncourse check``: the visible tests and the points, for
  a student before handing in
- :mod:`~rnncourse.grading.course`    — the nbgrader course directory bridge, ``rnncourse release``,
  nbgrader's own autograde
"""
