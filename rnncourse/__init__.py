"""rnncourse: the helper package of an open Jupyter course on recurrent neural networks.

Two halves, and the dependency runs one way: grading imports course content, never the reverse.

Course content, what the notebooks import, one concept a module:

- :mod:`rnncourse.data`       vocabularies, one-hot, padding and masks, the course's data sets
- :mod:`rnncourse.reference`  NumPy references for the step-by-step exercises
- :mod:`rnncourse.nn`         ``RNN``/``GRU``/``LSTM`` and cells, a drop-in for ``torch.nn``
- :mod:`rnncourse.checks`     the checks the notebooks' test cells call, and ``EXERCISES``
- :mod:`rnncourse.gradcheck`  numerical gradients by central differences
- :mod:`rnncourse.viz`        the course's figures, drawn from code
- :mod:`rnncourse.train`      small training loops, seeding, sampling, ``device()``
- :mod:`rnncourse.experiments` the long-range agreement experiment of notebooks 03–05 and its
  shipped five-seed sweep

Grading infrastructure, what instructors and the ``rnncourse`` command use:

- :mod:`rnncourse.grading`    nbgrader course directory, student preview, the sandboxed grader,
  class grading (see its own docstring)
- :mod:`rnncourse.cli`        the ``rnncourse`` command
"""

__version__ = "0.1.0"
