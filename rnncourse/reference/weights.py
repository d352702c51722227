r"""The weights of a torch.nn recurrent module, as the references' float64 dicts."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse.reference._common import (
    Params,
)


def params_from_torch(module: Any, layer: int = 0, reverse: bool = False) -> Params:
    r"""The weights of a ``torch.nn`` (or ``rnncourse.nn``) RNN/GRU/LSTM, as this module's float64 dict.

    Works for the cells and for one layer/direction of the sequence modules. Biases that this
    module keeps as one vector are the sum :math:`b_a = b_{ih} + b_{hh}`, which is what the cell
    adds; a module built with ``bias=False`` gives zero biases.

    Args:
        module: an ``RNN``/``GRU``/``LSTM`` or ``RNNCell``/``GRUCell``/``LSTMCell``.
        layer: which layer of a sequence module.
        reverse: the backward direction of a bidirectional module.
    """
    kind = type(module).__name__.removesuffix("Cell")
    if kind not in ("RNN", "GRU", "LSTM"):
        raise TypeError(
            f"module must be an RNN, GRU or LSTM (or cell), got {type(module).__name__}"
        )
    state = {k: v.detach().cpu().double().numpy().copy() for k, v in module.state_dict().items()}
    suffix = (
        ""
        if type(module).__name__.endswith("Cell")
        else f"_l{layer}" + ("_reverse" if reverse else "")
    )
    if f"weight_ih{suffix}" not in state:
        raise ValueError(f"module has no weights for layer={layer}, reverse={reverse}")
    W_ax, W_aa = state[f"weight_ih{suffix}"], state[f"weight_hh{suffix}"]
    zeros = np.zeros(W_aa.shape[0])
    b_ih, b_hh = state.get(f"bias_ih{suffix}", zeros), state.get(f"bias_hh{suffix}", zeros)
    if kind == "GRU":
        return {"W_ax": W_ax, "W_aa": W_aa, "b_ax": b_ih, "b_aa": b_hh}
    return {"W_ax": W_ax, "W_aa": W_aa, "b_a": b_ih + b_hh}
