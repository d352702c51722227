r"""NumPy references for the step-by-step exercises: one correct answer per graded function.

Everything here is float64 NumPy in the course's array layout: a batch of ``m`` row vectors,
``x_t: (m, n_x)``, ``a: (m, n_a)``, weights ``(out, in)`` so the column-vector math
:math:`W_{ax} x^{\langle t\rangle}` reads ``x_t @ W_ax.T``; sequences are ``(m, T_x, n_x)``.

Parameters live in dicts keyed by the course names. The gated cells stack their gates in
PyTorch's order so that their weights *are* ``torch.nn``'s:

====================  =======================================  ===============================
cell                  keys and shapes                          torch.nn equivalent
====================  =======================================  ===============================
RNN                   ``W_ax (n_a, n_x)``, ``W_aa (n_a, n_a)``,  ``weight_ih``, ``weight_hh``,
                      ``b_a (n_a,)``; head ``W_ya (n_y, n_a)``,  ``bias_ih + bias_hh``
                      ``b_y (n_y,)``
GRU (r|z|n)           ``W_ax (3n_a, n_x)``, ``W_aa (3n_a, n_a)``,  ``weight_ih``, ``weight_hh``,
                      ``b_ax (3n_a,)``, ``b_aa (3n_a,)``         ``bias_ih``, ``bias_hh``
LSTM (i|f|g|o)        ``W_ax (4n_a, n_x)``, ``W_aa (4n_a, n_a)``,  ``weight_ih``, ``weight_hh``,
                      ``b_a (4n_a,)``                            ``bias_ih + bias_hh``
====================  =======================================  ===============================

The GRU keeps two biases because with the reset gate applied *after* the recurrent matmul
(PyTorch) ``b_aa``'s candidate part is multiplied by :math:`\Gamma_r`. Gate names: GRU
``r`` = :math:`\Gamma_r`, ``z`` = :math:`1-\Gamma_u`, ``n`` = :math:`\tilde c`; LSTM ``i`` =
:math:`\Gamma_u`, ``f`` = :math:`\Gamma_f`, ``g`` = :math:`\tilde c`, ``o`` = :math:`\Gamma_o`.

A *backward* function takes the gradient of the loss with respect to a cell's outputs and the
cache its forward returned, and gives the gradients with respect to its inputs and parameters.
Equations: the lecture's RNN/GRU/LSTM; the two GRU variants are Cho et al. (2014) and PyTorch's
``torch.nn.GRUCell`` documentation.

One module per concept; every function is re-exported here, so ``rnncourse.reference.X`` works:

=================  ==========================================================================
``activations``    ``sigmoid``, ``softmax``
``losses``         ``cross_entropy`` and its backward; notebook 02's ``cross_entropy_step``,
                   ``binary_cross_entropy``, ``sequence_loss``, ``output_backward``
``encoding``       notebook 00: ``build_vocab``, ``encode``, ``decode``, ``one_hot``,
                   ``pad_batch``, ``embedding_lookup``
``rnn``            the RNN cell and sequence, forward and backward; notebook 01's
                   ``many_to_one_forward``, ``stack_weights``, ``rnn_cell_forward_stacked``
``gradients``      notebook 03: ``gradient_norms_through_time``, ``spectral_radius``,
                   ``clip_by_value``, ``clip_by_norm``
``gru``            the GRU (both reset placements), forward and backward; notebook 04's
                   ``simplified_gru_cell_forward``, ``gru_forward_update_gates``
``lstm``           the LSTM cell and sequence, forward and backward
``bidirectional``  notebook 06: ``reverse_padded``, ``rnn_states`` (one direction, RNN or GRU),
                   ``birnn_forward``, ``birnn_output``, ``birnn_h_n``
``deep``           notebook 07: ``cell_step``, ``deep_rnn_forward``, ``rnn_parameter_count``,
                   ``layer_dropout``
``weights``        ``params_from_torch``: a ``torch.nn`` module's weights as a dict
=================  ==========================================================================

A catalogued mistake (``rnncourse.checks``) is made by its own function; none of them is a
reference called with "no bug".
"""

from rnncourse.reference._common import Grads, Params
from rnncourse.reference.activations import sigmoid, softmax
from rnncourse.reference.bidirectional import (
    birnn_forward,
    birnn_h_n,
    birnn_output,
    reverse_padded,
    rnn_states,
)
from rnncourse.reference.deep import cell_step, deep_rnn_forward, layer_dropout, rnn_parameter_count
from rnncourse.reference.encoding import (
    build_vocab,
    decode,
    embedding_lookup,
    encode,
    one_hot,
    pad_batch,
)
from rnncourse.reference.gradients import (
    clip_by_norm,
    clip_by_value,
    gradient_norms_through_time,
    spectral_radius,
)
from rnncourse.reference.gru import (
    GruCache,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_forward_update_gates,
    simplified_gru_cell_forward,
)
from rnncourse.reference.losses import (
    binary_cross_entropy,
    cross_entropy,
    cross_entropy_backward,
    cross_entropy_step,
    output_backward,
    sequence_loss,
)
from rnncourse.reference.lstm import (
    LstmCache,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)
from rnncourse.reference.rnn import (
    RnnCache,
    many_to_one_forward,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_cell_forward_stacked,
    rnn_forward,
    stack_weights,
)
from rnncourse.reference.weights import params_from_torch

__all__ = [
    "Grads",
    "GruCache",
    "LstmCache",
    "Params",
    "RnnCache",
    "binary_cross_entropy",
    "birnn_forward",
    "birnn_h_n",
    "birnn_output",
    "build_vocab",
    "cell_step",
    "clip_by_norm",
    "clip_by_value",
    "cross_entropy",
    "cross_entropy_backward",
    "cross_entropy_step",
    "decode",
    "deep_rnn_forward",
    "embedding_lookup",
    "encode",
    "gradient_norms_through_time",
    "gru_cell_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_forward_update_gates",
    "layer_dropout",
    "lstm_backward",
    "lstm_cell_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "many_to_one_forward",
    "one_hot",
    "output_backward",
    "pad_batch",
    "params_from_torch",
    "reverse_padded",
    "rnn_backward",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "rnn_cell_forward_stacked",
    "rnn_forward",
    "rnn_parameter_count",
    "rnn_states",
    "sequence_loss",
    "sigmoid",
    "simplified_gru_cell_forward",
    "softmax",
    "spectral_radius",
    "stack_weights",
]  # fmt: skip
