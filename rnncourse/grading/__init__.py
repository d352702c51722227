r"""The grading stack: nbgrader's course directory, the student's preview, and the grader.

Course content (:mod:`rnncourse.data`, :mod:`rnncourse.nn`, :mod:`rnncourse.checks`, …) never
imports this package; it imports course content (the registry of exercises). A test keeps that
direction. From the top down:

- :mod:`~rnncourse.grading.classroom` — a class at once: submissions folder or zip, Dask tasks,
  ``grades.csv``, HTML feedback, the nbgrader gradebook for formgrader
- :mod:`~rnncourse.grading.grader`    — one notebook: the student's answers, run in the jail,
  judged here against the references; the score never comes from a process that ran student code
- :mod:`~rnncourse.grading.scan`      — reads the answers for code that reaches for a reference: a
  flag for review
- :mod:`~rnncourse.grading.sandbox`   — runs a notebook in a fresh jail per attempt: limits,
  deadlines, re-runs, what came back read as untrusted data
- :mod:`~rnncourse.grading.jail`      — the jail of one run, built by bubblewrap (namespaces,
  read-only interpreter, tmpfs scratch, ``nobody``)
- :mod:`~rnncourse.grading.jailpkg`   — the package as a run sees it: helpers, no reference
- :mod:`~rnncourse.grading.runner`    — the side inside the jail: runs cells, calls the student's
  functions, sends plain data
- :mod:`~rnncourse.grading.confine`   — Linux Landlock inside the jail, as defence in depth
- :mod:`~rnncourse.grading.plaindata` — the exchange format between a run and the grader: JSON and
  an uncompressed ``.npz``, never pickle, checked before it is loaded
- :mod:`~rnncourse.grading.preview`   — ``rnncourse check``: the visible tests and the points, for
  a student before handing in
- :mod:`~rnncourse.grading.course`    — the nbgrader course directory bridge, ``rnncourse release``,
  nbgrader's own autograde
"""
