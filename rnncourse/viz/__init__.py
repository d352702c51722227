r"""The course's figures, drawn from code with matplotlib.

Three kinds of figure, one module each, on a shared drawing kit (:mod:`rnncourse.viz.kit`: the
palette, argument checks, boxes and arrows); every figure is importable from here:

- **diagrams** of whole networks (:mod:`rnncourse.viz.diagrams`) — :func:`unrolled_rnn`,
  :func:`architectures`, :func:`bidirectional_rnn`, :func:`deep_rnn` — and
- **cells** (:mod:`rnncourse.viz.cells`) — :func:`rnn_cell`, :func:`gru_cell`, :func:`lstm_cell` —
  both in the lecture's notation (:math:`x^{\langle t\rangle}`,
  :math:`a^{\langle t\rangle}`, :math:`\hat{y}^{\langle t\rangle}`, :math:`W_{aa}`, the gates
  :math:`\Gamma`), in the visual language of C. Olah's "Understanding LSTM Networks" (2015): a
  yellow box is a learned layer (a :math:`\sigma` or :math:`\tanh` of an affine map of its
  inputs), a pink circle a pointwise operation, a line a vector; lines that join are concatenated;
- **plots** of what the notebooks measure (:mod:`rnncourse.viz.plots`) — :func:`gate_heatmap`, :func:`gradient_norms`,
  :func:`training_curves`, :func:`accuracy_vs_distance`, :func:`accuracy_by_group`, :func:`forecast`.

Every function returns a new :class:`matplotlib.figure.Figure`, drawn with the object-oriented API
and not kept by ``pyplot`` (nothing is shown twice, nothing leaks, no ``plt.show()``). In a notebook
make it the cell's last expression (or call ``display(fig)``); elsewhere ``fig.savefig("f.png")``.
Figures are small (at most 9 inches wide), and deterministic: the same input draws the same picture.
"""

from rnncourse.viz.cells import gru_cell, lstm_cell, rnn_cell
from rnncourse.viz.diagrams import architectures, bidirectional_rnn, deep_rnn, unrolled_rnn
from rnncourse.viz.kit import (
    CELL,
    GRADIENT,
    INK,
    INPUT,
    LAYER,
    MAX_WIDTH,
    MUTED,
    OUTPUT,
    POINTWISE,
    STATE,
)
from rnncourse.viz.plots import (
    accuracy_by_group,
    accuracy_vs_distance,
    forecast,
    gate_heatmap,
    gradient_norms,
    training_curves,
)

__all__ = [
    "CELL",
    "GRADIENT",
    "INK",
    "INPUT",
    "LAYER",
    "MAX_WIDTH",
    "MUTED",
    "OUTPUT",
    "POINTWISE",
    "STATE",
    "accuracy_by_group",
    "accuracy_vs_distance",
    "architectures",
    "bidirectional_rnn",
    "deep_rnn",
    "forecast",
    "gate_heatmap",
    "gradient_norms",
    "gru_cell",
    "lstm_cell",
    "rnn_cell",
    "training_curves",
    "unrolled_rnn",
]
