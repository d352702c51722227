"""rnncourse: the helper package of an open Jupyter course on recurrent neural networks.

Modules, one concept each:

- :mod:`rnncourse.data`       vocabularies, one-hot, padding and masks, the course's data sets
- :mod:`rnncourse.reference`  NumPy references for the step-by-step exercises
- :mod:`rnncourse.nn`         ``RNN``/``GRU``/``LSTM`` and cells, a drop-in for ``torch.nn``
- :mod:`rnncourse.checks`     the checks the notebooks' test cells call, and ``EXERCISES``
- :mod:`rnncourse.gradcheck`  numerical gradients by central differences
- :mod:`rnncourse.viz`        the course's figures, drawn from code
- :mod:`rnncourse.train`      small training loops, seeding, sampling, ``device()``
"""

__version__ = "0.1.0"
