r"""``RNN``, ``GRU``, ``LSTM`` and their cells: a readable drop-in for ``torch.nn``.

Same constructor arguments, ``forward`` inputs and outputs (padded or ``PackedSequence``,
batched or unbatched, ``batch_first``, ``bidirectional``, inter-layer ``dropout``) and
``state_dict`` keys as ``torch.nn.RNN``/``GRU``/``LSTM``/``RNNCell``/``GRUCell``/``LSTMCell``,
so weights load both ways and outputs agree with torch to rounding (the tests check < 1e-10
relative error in float64). The math is the lecture's (Elman 1990; Cho et al. 2014;
Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000); the layout is torch's.

Naming, course ↔ torch (``k`` the layer, ``G`` the number of gates, ``H`` = ``hidden_size``)::

    W_ax, all gates stacked        weight_ih_l{k}[_reverse]   (G*H, H_in)   input weights
    W_aa, all gates stacked        weight_hh_l{k}[_reverse]   (G*H, H)      recurrent weights
    b_a (one bias per gate)        bias_ih_l{k} + bias_hh_l{k}              (torch keeps two)
    a^{<t>}, c^{<t>}               h_t (output[t]), c_t
    LSTM  Γ_u, Γ_f, c̃, Γ_o          i, f, g, o   (rows in this order)     G = 4
    GRU   Γ_r, 1 − Γ_u, c̃           r, z, n      (rows in this order)     G = 3

How it runs: the input projection :math:`W_{ax} x^{<t>} + b_a` of every time step is one
matmul before the loop; the loop does one fused recurrent matmul per step (two for the
reset-before GRU, whose second needs the reset gate) and a few elementwise ops: the step
functions below, which the cells share. Time steps are stored *packed*, as
``torch.nn.utils.rnn`` does: step ``t`` owns ``batch_sizes[t]`` rows, the sequences still
running at ``t``, longest first. A padded batch is the case ``batch_sizes = [N] * L``, so one
loop serves both, and a sequence's state stops at its own last step (forward) or starts
there (reverse).

Differences from ``torch.nn``, on purpose:

- ``GRU``/``GRUCell`` take ``reset_after`` (default ``True``, torch's GRU). ``False`` is Cho et
  al.'s GRU, the lecture's: the reset gate multiplies :math:`a^{<t-1>}` *before* the recurrent
  matmul.
- ``LSTM(proj_size=...)`` with a non-zero value raises ``NotImplementedError``.
- Bad input raises ``ValueError``/``TypeError`` naming the argument and the expected and actual
  shape or dtype, where torch raises ``RuntimeError`` (shapes) or ``ValueError`` (dtype).
- ``flatten_parameters()`` exists (torch code calls it) and does nothing: there is no cuDNN
  weight buffer to compact. TorchScript is not supported.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from rnncourse._validate import require_shape, require_tensor

State = tuple[Tensor, ...]  # (a,) for RNN and GRU, (a, c) for LSTM; each (N, H)
Step = Callable[..., State]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "GRU_RESET_BEFORE": 3, "LSTM": 4}


# One time step of each kind. `gx` is the step's input projection W_ax x<t> + b, computed for
# all steps before the loop; the recurrent weights come pre-transposed (see `_step_and_args`).


def _rnn_tanh_step(gx: Tensor, state: State, w_hh_t: Tensor) -> State:
    r"""One Elman step with :math:`g = \tanh`.

    .. math::
        a^{<t>} = \tanh(W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a)

    ``gx`` holds :math:`W_{ax} x^{<t>} + b_a` with :math:`b_a` = ``b_ih + b_hh``; ``w_hh_t`` is
    :math:`W_{aa}^T`. Shapes: ``gx`` (N, H), ``state`` ((N, H),), ``w_hh_t`` (H, H).
    """
    (a_prev,) = state
    return (torch.tanh(torch.addmm(gx, a_prev, w_hh_t)),)


def _rnn_relu_step(gx: Tensor, state: State, w_hh_t: Tensor) -> State:
    r"""One Elman step with :math:`g = \mathrm{ReLU}`; arguments as in ``_rnn_tanh_step``.

    .. math::
        a^{<t>} = \max(0, W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a)
    """
    (a_prev,) = state
    return (torch.relu(torch.addmm(gx, a_prev, w_hh_t)),)


def _lstm_step(gx: Tensor, state: State, w_hh_t: Tensor) -> State:
    r"""One LSTM step; the four gates come out of one matmul, rows ``i|f|g|o``.

    .. math::
        \begin{aligned}
        \Gamma_u &= \sigma(W_{ua} a^{<t-1>} + W_{ux} x^{<t>} + b_u) && (i)\\
        \Gamma_f &= \sigma(W_{fa} a^{<t-1>} + W_{fx} x^{<t>} + b_f) && (f)\\
        \tilde c^{<t>} &= \tanh(W_{ca} a^{<t-1>} + W_{cx} x^{<t>} + b_c) && (g)\\
        \Gamma_o &= \sigma(W_{oa} a^{<t-1>} + W_{ox} x^{<t>} + b_o) && (o)\\
        c^{<t>} &= \Gamma_u * \tilde c^{<t>} + \Gamma_f * c^{<t-1>}\\
        a^{<t>} &= \Gamma_o * \tanh(c^{<t>})
        \end{aligned}

    ``gx`` (N, 4H) holds the ``x`` terms and biases, ``w_hh_t`` (H, 4H) the four
    :math:`W_{\cdot a}` stacked and transposed; ``state`` is ``(a_prev, c_prev)``, each (N, H).
    """
    a_prev, c_prev = state
    gates = torch.addmm(gx, a_prev, w_hh_t)  # (N, 4H)
    i, f, g, o = gates.chunk(4, dim=1)  # pre-activations of Γ_u, Γ_f, c̃, Γ_o; each (N, H)
    # Γ_f * c_prev + Γ_u * c̃: the forget gate stays (c_prev + Γ_u * c̃ is a common mistake)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    a = torch.sigmoid(o) * torch.tanh(c)  # the tanh bounds a to (-1, 1); Γ_o * c would not
    return a, c


def _gru_step(gx: Tensor, state: State, w_hh_t: Tensor, b_hh: Tensor) -> State:
    r"""One GRU step, reset gate *after* the recurrent matmul (PyTorch, cuDNN, Keras' default).

    .. math::
        \begin{aligned}
        \Gamma_r &= \sigma(W_{ir} x^{<t>} + b_{ir} + W_{hr} a^{<t-1>} + b_{hr}) && (r)\\
        z &= 1 - \Gamma_u = \sigma(W_{iz} x^{<t>} + b_{iz} + W_{hz} a^{<t-1>} + b_{hz}) && (z)\\
        \tilde c^{<t>} &= \tanh(W_{in} x^{<t>} + b_{in} + \Gamma_r * (W_{hn} a^{<t-1>} + b_{hn})) && (n)\\
        a^{<t>} &= (1 - z) * \tilde c^{<t>} + z * a^{<t-1>}
                 = \Gamma_u * \tilde c^{<t>} + (1 - \Gamma_u) * a^{<t-1>}
        \end{aligned}

    ``gx`` (N, 3H) holds the ``x`` terms with ``b_ih``; ``w_hh_t`` (H, 3H) is
    :math:`[W_{hr}; W_{hz}; W_{hn}]^T`. :math:`b_{hn}` sits inside :math:`\Gamma_r * (\dots)`,
    so ``b_hh`` (3H,) cannot join ``gx`` and rides in the recurrent matmul instead.
    """
    (a_prev,) = state
    H = a_prev.shape[1]
    gx_rz, gx_n = gx.split((2 * H, H), dim=1)  # (N, 2H), (N, H)
    gh_rz, gh_n = torch.addmm(b_hh, a_prev, w_hh_t).split((2 * H, H), dim=1)
    r, z = torch.sigmoid(gx_rz + gh_rz).chunk(2, dim=1)  # one sigmoid for both gates
    c_tilde = torch.tanh(torch.addcmul(gx_n, r, gh_n))  # gx_n + Γ_r * (W_hn a_prev + b_hn)
    return (torch.lerp(c_tilde, a_prev, z),)  # c̃ + z * (a_prev − c̃)


def _gru_reset_before_step(gx: Tensor, state: State, w_hrz_t: Tensor, w_hn_t: Tensor) -> State:
    r"""One GRU step, reset gate *before* the recurrent matmul (Cho et al. 2014, the lecture's).

    .. math::
        \begin{aligned}
        \Gamma_r &= \sigma(W_r [a^{<t-1>}, x^{<t>}] + b_r) && (r)\\
        z &= 1 - \Gamma_u = \sigma(W_z [a^{<t-1>}, x^{<t>}] + b_z) && (z)\\
        \tilde c^{<t>} &= \tanh(W_c [\Gamma_r * a^{<t-1>}, x^{<t>}] + b_c) && (n)\\
        a^{<t>} &= \Gamma_u * \tilde c^{<t>} + (1 - \Gamma_u) * a^{<t-1>}
        \end{aligned}

    with torch's parameters :math:`W_c [\Gamma_r * a, x] = W_{hn} (\Gamma_r * a) + W_{in} x` and
    :math:`b_c = b_{in} + b_{hn}`. ``gx`` (N, 3H) holds the ``x`` terms and all biases;
    ``w_hrz_t`` (H, 2H) is :math:`[W_{hr}; W_{hz}]^T`, ``w_hn_t`` (H, H) is :math:`W_{hn}^T`:
    two recurrent matmuls, because the second needs :math:`\Gamma_r` from the first.
    """
    (a_prev,) = state
    H = a_prev.shape[1]
    gx_rz, gx_n = gx.split((2 * H, H), dim=1)  # (N, 2H), (N, H)
    r, z = torch.sigmoid(torch.addmm(gx_rz, a_prev, w_hrz_t)).chunk(2, dim=1)
    c_tilde = torch.tanh(torch.addmm(gx_n, r * a_prev, w_hn_t))  # Γ_r gates a_prev, then W_hn
    return (torch.lerp(c_tilde, a_prev, z),)  # c̃ + z * (a_prev − c̃)


def _step_and_args(
    kind: str, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None
) -> tuple[Step, Tensor | None, tuple[Tensor, ...]]:
    r"""Return ``kind``'s step, the bias of the input projection, and the step's weights.

    The course has one bias per gate, :math:`b = b_{ih} + b_{hh}`; it joins the input
    projection (one add for all steps, not one per step) everywhere except in torch's GRU.
    Transposes and slices are views, taken once per forward rather than once per step.
    """
    w_hh_t = w_hh.t()  # (H, G*H): a_prev @ w_hh_t is W_aa a for a batch of rows, without a copy
    b = None if b_ih is None or b_hh is None else b_ih + b_hh
    if kind == "GRU":
        b_hh = w_hh.new_zeros(w_hh.shape[0]) if b_hh is None else b_hh  # addmm needs a bias
        return _gru_step, b_ih, (w_hh_t, b_hh)
    if kind == "GRU_RESET_BEFORE":
        H = w_hh.shape[1]
        return _gru_reset_before_step, b, (w_hh_t[:, : 2 * H], w_hh_t[:, 2 * H :])
    steps = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step, "LSTM": _lstm_step}
    return steps[kind], b, (w_hh_t,)


def _run(
    step: Step,
    gx: Tensor,
    batch_sizes: list[int],
    state: State,
    weights: tuple[Tensor, ...],
    reverse: bool,
) -> tuple[Tensor, State]:
    r"""Run ``step`` over time for one layer and direction: the loop over :math:`t`.

    Rows are packed: step ``t`` owns the next ``batch_sizes[t]`` rows of ``gx``, the sequences
    still running at ``t`` (longest first), so only the first ``n`` rows of the state take part
    and the others wait: finished sequences (forward) or ones not started yet (reverse, which
    therefore starts every sequence at its own last element, from its initial state).

    Args:
        step: one of the ``_*_step`` functions.
        gx: the input projections of all steps, packed.
        batch_sizes: how many sequences run at each step, non-increasing.
        state: the initial state, each tensor (N, H) with ``N = batch_sizes[0]``.
        weights: the step's recurrent weights (``_step_and_args``).
        reverse: run from the last step to the first.

    Shape:
        ``gx`` (sum(batch_sizes), G*H) → output (sum(batch_sizes), H), packed like ``gx``,
        and the final state, each (N, H).
    """
    N = batch_sizes[0]
    state = tuple(s.to(gx.dtype) for s in state)  # a no-op, except under autocast
    gx_steps = gx.split(batch_sizes)  # views; one backward node (slicing gx[t] per step is O(L²))
    outputs = []
    for gx_t in reversed(gx_steps) if reverse else gx_steps:
        n = gx_t.shape[0]
        if n == N:  # every sequence runs: the padded case, and most steps of a packed batch
            state = step(gx_t, state, *weights)
            outputs.append(state[0])
        else:
            new = step(gx_t, tuple(s[:n] for s in state), *weights)
            state = tuple(torch.cat((s_new, s[n:])) for s_new, s in zip(new, state, strict=True))
            outputs.append(new[0])
    if reverse:
        outputs.reverse()
    return torch.cat(outputs), state


def _check_input(
    name: str, x: Tensor, expected: tuple[int | None, ...], letters: str, weight: Tensor
) -> None:
    r"""Raise unless ``x`` has shape ``expected`` and the weights' dtype (torch's own checks)."""
    require_shape(name, x.shape, expected, letters)
    if x.dtype != weight.dtype and not torch.is_autocast_enabled(x.device.type):
        raise TypeError(
            f"{name} must have the weights' dtype {weight.dtype}, got {x.dtype}; "
            f"convert the input with .to({weight.dtype}) or the model with .to({x.dtype})"
        )


def _check_arguments(**arguments: object) -> None:
    r"""Raise unless sizes are positive ints and flags are bools (torch checks the same)."""
    for name, value in arguments.items():
        if name in ("input_size", "hidden_size", "num_layers"):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be greater than zero, got {value}")
        elif not isinstance(value, bool):
            raise TypeError(f"{name} must be a bool, got {type(value).__name__}")


class _RNNBase(nn.Module):
    r"""Parameters, checks and the layer/direction loop shared by ``RNN``, ``GRU`` and ``LSTM``."""

    _state_names: tuple[str, ...]  # ("hx",), or ("hx[0]", "hx[1]") for the LSTM's (h_0, c_0)

    def __init__(
        self,
        kind: str,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        bias: bool,
        batch_first: bool,
        dropout: float,
        bidirectional: bool,
        device: torch.device | str | None,
        dtype: torch.dtype | None,
    ) -> None:
        super().__init__()
        _check_arguments(
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bias=bias,
            batch_first=batch_first,
            bidirectional=bidirectional,
        )
        if isinstance(dropout, bool) or not isinstance(dropout, int | float):
            raise TypeError(f"dropout must be a number in [0, 1], got {type(dropout).__name__}")
        if not 0 <= dropout <= 1:
            raise ValueError(f"dropout must be a probability in [0, 1], got {dropout}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"dropout={dropout} acts between layers only, so it does nothing with num_layers=1",
                stacklevel=3,
            )
        self.mode = "GRU" if kind == "GRU_RESET_BEFORE" else kind  # torch's attribute
        self._kind = kind
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0

        # torch's order and names, so state_dict keys and reset_parameters' draws match it
        gate_rows = _GATES[kind] * hidden_size
        num_directions = 2 if bidirectional else 1
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input_size = input_size if layer == 0 else hidden_size * num_directions
            for direction in range(num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (gate_rows, layer_input_size),
                    "weight_hh": (gate_rows, hidden_size),
                }
                if bias:
                    shapes |= {"bias_ih": (gate_rows,), "bias_hh": (gate_rows,)}
                for name, shape in shapes.items():
                    param = nn.Parameter(torch.empty(shape, device=device, dtype=dtype))
                    self.register_parameter(name + suffix, param)
                self._all_weights.append([name + suffix for name in shapes])
        self.reset_parameters()

    def reset_parameters(self) -> None:
        r"""Draw every parameter from :math:`U(-1/\sqrt{H}, 1/\sqrt{H})`, as torch does."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            nn.init.uniform_(param, -bound, bound)

    def flatten_parameters(self) -> None:
        r"""Do nothing: torch compacts weights for cuDNN here; the parameters are plain tensors."""

    @property
    def all_weights(self) -> list[list[nn.Parameter]]:
        r"""The parameters per layer and direction, in torch's order (``w_ih, w_hh[, b_ih, b_hh]``)."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _packed_rows(self, input: Tensor | PackedSequence) -> tuple[Tensor, list[int], bool]:
        r"""Check ``input``; return its rows packed, the steps' batch sizes, and if it is batched.

        Rows are (sum(lengths), H_in); a padded batch packs as ``batch_sizes = [N] * L``.
        """
        w = self.get_parameter("weight_ih_l0")  # the dtype and device every input must match
        if isinstance(input, PackedSequence):
            require_tensor("input.data", input.data, ndims=(2,))
            _check_input("input.data", input.data, (None, self.input_size), "(*, H_in)", w)
            return input.data, input.batch_sizes.tolist(), True
        require_tensor("input", input, ndims=(2, 3))
        batched = input.dim() == 3
        letters = "(L, H_in)"
        if batched:
            letters = "(N, L, H_in)" if self.batch_first else "(L, N, H_in)"
        expected = (None,) * (input.dim() - 1) + (self.input_size,)
        _check_input("input", input, expected, letters, w)
        if not batched:  # batch_first does not apply to an unbatched (L, H_in) input
            x = input.unsqueeze(1)
        else:
            x = input.transpose(0, 1) if self.batch_first else input  # (L, N, H_in)
        if x.shape[0] == 0:
            raise ValueError(
                f"input must hold at least one time step, got shape {tuple(input.shape)}"
            )
        return x.reshape(-1, self.input_size), [x.shape[1]] * x.shape[0], batched

    def _initial_state(
        self, hx: State | None, input: Tensor | PackedSequence, N: int, batched: bool
    ) -> State:
        r"""Check ``hx`` (zeros if ``None``); return it batched, in the packed rows' order."""
        shape = (self.num_layers * (2 if self.bidirectional else 1), N, self.hidden_size)
        w = self.get_parameter("weight_ih_l0")  # the dtype and device every input must match
        if hx is None:
            return tuple(w.new_zeros(shape) for _ in self._state_names)
        for name, h in zip(self._state_names, hx, strict=True):
            require_tensor(name, h)
            if batched:
                _check_input(name, h, shape, "(D * num_layers, N, H_out)", w)
            else:
                _check_input(name, h, shape[::2], "(D * num_layers, H_out)", w)
        hx = tuple(h if batched else h.unsqueeze(1) for h in hx)
        if isinstance(input, PackedSequence) and input.sorted_indices is not None:
            # hx follows the caller's batch order; packed rows are sorted longest first
            hx = tuple(h.index_select(1, input.sorted_indices) for h in hx)
        return hx

    def _forward(
        self, input: Tensor | PackedSequence, hx: State | None
    ) -> tuple[Tensor | PackedSequence, State]:
        r"""The forward pass on states as tuples; ``RNN``/``GRU``/``LSTM.forward`` wrap it."""
        x, batch_sizes, batched = self._packed_rows(input)  # x: (rows, H_in)
        hx = self._initial_state(hx, input, batch_sizes[0], batched)
        initial = list(zip(*(h.unbind(0) for h in hx), strict=True))  # [layer*D + direction]
        D = 2 if self.bidirectional else 1
        finals: list[State] = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(D):
                k = layer * D + direction
                w_ih, w_hh, *biases = self.all_weights[k]
                b_ih, b_hh = biases if self.bias else (None, None)
                step, b_in, weights = _step_and_args(self._kind, w_hh, b_ih, b_hh)
                gx = F.linear(x, w_ih, b_in)  # (rows, G*H): all time steps in one matmul
                out, final = _run(step, gx, batch_sizes, initial[k], weights, direction == 1)
                outputs.append(out)
                finals.append(final)
            # (rows, D*H): [forward, backward], the next layer's input
            x = torch.cat(outputs, dim=1) if D == 2 else outputs[0]
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        h_n = tuple(torch.stack(s) for s in zip(*finals, strict=True))  # each (D*num_layers, N, H)

        if isinstance(input, PackedSequence):
            if input.unsorted_indices is not None:
                h_n = tuple(h.index_select(1, input.unsorted_indices) for h in h_n)
            packed = PackedSequence(
                x, input.batch_sizes, input.sorted_indices, input.unsorted_indices
            )
            return packed, h_n
        output = x.view(len(batch_sizes), batch_sizes[0], D * self.hidden_size)  # (L, N, D*H)
        if not batched:
            return output.squeeze(1), tuple(h.squeeze(1) for h in h_n)
        return (output.transpose(0, 1) if self.batch_first else output), h_n


class RNN(_RNNBase):
    r"""Multi-layer Elman RNN, a drop-in for ``torch.nn.RNN``.

    .. math::
        a^{<t>} = g(W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a), \qquad g = \tanh \text{ or ReLU}

    with :math:`W_{ax}` = ``weight_ih_l{k}``, :math:`W_{aa}` = ``weight_hh_l{k}``,
    :math:`b_a` = ``bias_ih_l{k} + bias_hh_l{k}``.

    Args:
        input_size: :math:`H_{in}` (:math:`n_x`), features of :math:`x^{<t>}`.
        hidden_size: :math:`H` (:math:`n_a`), features of :math:`a^{<t>}`.
        num_layers: stacked layers; layer :math:`l > 0` reads :math:`a^{[l-1]<t>}`.
        nonlinearity: ``'tanh'`` or ``'relu'``.
        bias: if ``False``, no ``bias_ih_l{k}``/``bias_hh_l{k}``.
        batch_first: if ``True``, batched input and output are (N, L, ·), not (L, N, ·).
        dropout: probability of zeroing each output of every layer but the last, in training.
        bidirectional: if ``True``, each layer also runs from the last step to the first with
            its own ``*_reverse`` weights; outputs are concatenated ``[forward, backward]``.
        device, dtype: where and in what precision to create the parameters.

    Shape (``D`` = 2 if bidirectional else 1; ``forward``'s argument names are torch's):
        - input: (L, N, H_in), (N, L, H_in) with ``batch_first``, (L, H_in) unbatched, or a
          ``PackedSequence`` of variable-length sequences.
        - hx: (D * num_layers, N, H), or (D * num_layers, H) unbatched; zeros if omitted.
        - output: (L, N, D * H), batch first, unbatched or packed like the input: the last
          layer's :math:`a^{<t>}` at every step.
        - h_n: (D * num_layers, N, H), index ``layer * D + direction``: each sequence's state
          after its own last step (after its first, for the reverse direction).
    """

    _state_names = ("hx",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        kind = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            kind,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
        )
        self.nonlinearity = nonlinearity

    def forward(
        self, input: Tensor | PackedSequence, hx: Tensor | None = None
    ) -> tuple[Tensor | PackedSequence, Tensor]:
        r"""Run the sequence; return ``(output, h_n)``. See the class docstring for shapes."""
        output, (h_n,) = self._forward(input, None if hx is None else (hx,))
        return output, h_n


class GRU(_RNNBase):
    r"""Multi-layer GRU, a drop-in for ``torch.nn.GRU``, plus Cho et al.'s variant.

    .. math::
        \begin{aligned}
        \Gamma_r &= \sigma(W_{ir} x^{<t>} + W_{hr} a^{<t-1>} + b_r), \quad
        z = 1 - \Gamma_u = \sigma(W_{iz} x^{<t>} + W_{hz} a^{<t-1>} + b_z)\\
        \tilde c^{<t>} &= \tanh(W_{in} x^{<t>} + b_{in} + \Gamma_r * (W_{hn} a^{<t-1>} + b_{hn}))
            && \text{reset\_after=True (torch)}\\
        \tilde c^{<t>} &= \tanh(W_{in} x^{<t>} + W_{hn} (\Gamma_r * a^{<t-1>}) + b_{in} + b_{hn})
            && \text{reset\_after=False (lecture)}\\
        a^{<t>} &= \Gamma_u * \tilde c^{<t>} + (1 - \Gamma_u) * a^{<t-1>}
        \end{aligned}

    Rows ``r|z|n`` of ``weight_ih_l{k}`` are :math:`W_{ir}, W_{iz}, W_{in}`, of
    ``weight_hh_l{k}`` :math:`W_{hr}, W_{hz}, W_{hn}`; :math:`b_r = b_{ir} + b_{hr}`, likewise
    :math:`b_z`. torch's ``z`` is the *keep* gate: :math:`\Gamma_u = 1 - z`.

    Args:
        input_size: :math:`H_{in}` (:math:`n_x`), features of :math:`x^{<t>}`.
        hidden_size: :math:`H` (:math:`n_a`), features of :math:`a^{<t>}`.
        num_layers: stacked layers; layer :math:`l > 0` reads :math:`a^{[l-1]<t>}`.
        bias: if ``False``, no ``bias_ih_l{k}``/``bias_hh_l{k}``.
        batch_first: if ``True``, batched input and output are (N, L, ·), not (L, N, ·).
        dropout: probability of zeroing each output of every layer but the last, in training.
        bidirectional: if ``True``, each layer also runs from the last step to the first with
            its own ``*_reverse`` weights; outputs are concatenated ``[forward, backward]``.
        device, dtype: where and in what precision to create the parameters.
        reset_after: keyword only; ``False`` applies :math:`\Gamma_r` before the recurrent
            matmul (same parameters, a different model).

    Shape (``D`` = 2 if bidirectional else 1; ``forward``'s argument names are torch's):
        - input: (L, N, H_in), (N, L, H_in) with ``batch_first``, (L, H_in) unbatched, or a
          ``PackedSequence`` of variable-length sequences.
        - hx: (D * num_layers, N, H), or (D * num_layers, H) unbatched; zeros if omitted.
        - output: (L, N, D * H), batch first, unbatched or packed like the input: the last
          layer's :math:`a^{<t>}` at every step.
        - h_n: (D * num_layers, N, H), index ``layer * D + direction``: each sequence's state
          after its own last step (after its first, for the reverse direction).
    """

    _state_names = ("hx",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        reset_after: bool = True,
    ) -> None:
        _check_arguments(reset_after=reset_after)
        kind = "GRU" if reset_after else "GRU_RESET_BEFORE"
        super().__init__(
            kind,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
        )
        self.reset_after = reset_after

    def forward(
        self, input: Tensor | PackedSequence, hx: Tensor | None = None
    ) -> tuple[Tensor | PackedSequence, Tensor]:
        r"""Run the sequence; return ``(output, h_n)``. See the class docstring for shapes."""
        output, (h_n,) = self._forward(input, None if hx is None else (hx,))
        return output, h_n

    def extra_repr(self) -> str:
        return super().extra_repr() + ("" if self.reset_after else ", reset_after=False")


class LSTM(_RNNBase):
    r"""Multi-layer LSTM, a drop-in for ``torch.nn.LSTM`` (without ``proj_size``).

    .. math::
        \begin{aligned}
        \Gamma_u &= \sigma(W_{ua} a^{<t-1>} + W_{ux} x^{<t>} + b_u), \quad
        \Gamma_f = \sigma(W_{fa} a^{<t-1>} + W_{fx} x^{<t>} + b_f)\\
        \tilde c^{<t>} &= \tanh(W_{ca} a^{<t-1>} + W_{cx} x^{<t>} + b_c), \quad
        \Gamma_o = \sigma(W_{oa} a^{<t-1>} + W_{ox} x^{<t>} + b_o)\\
        c^{<t>} &= \Gamma_u * \tilde c^{<t>} + \Gamma_f * c^{<t-1>}, \qquad
        a^{<t>} = \Gamma_o * \tanh(c^{<t>})
        \end{aligned}

    Rows ``i|f|g|o`` of ``weight_ih_l{k}`` are :math:`W_{ux}, W_{fx}, W_{cx}, W_{ox}`, of
    ``weight_hh_l{k}`` the matching :math:`W_{\cdot a}`; :math:`b = b_{ih} + b_{hh}`.

    Args:
        input_size: :math:`H_{in}` (:math:`n_x`), features of :math:`x^{<t>}`.
        hidden_size: :math:`H` (:math:`n_a`), features of :math:`a^{<t>}`.
        num_layers: stacked layers; layer :math:`l > 0` reads :math:`a^{[l-1]<t>}`.
        bias: if ``False``, no ``bias_ih_l{k}``/``bias_hh_l{k}``.
        batch_first: if ``True``, batched input and output are (N, L, ·), not (L, N, ·).
        dropout: probability of zeroing each output of every layer but the last, in training.
        bidirectional: if ``True``, each layer also runs from the last step to the first with
            its own ``*_reverse`` weights; outputs are concatenated ``[forward, backward]``.
        proj_size: only 0; torch's projected LSTM raises ``NotImplementedError``.
        device, dtype: where and in what precision to create the parameters.

    Shape (``D`` = 2 if bidirectional else 1; ``forward``'s argument names are torch's):
        - input: (L, N, H_in), (N, L, H_in) with ``batch_first``, (L, H_in) unbatched, or a
          ``PackedSequence`` of variable-length sequences.
        - hx = (h_0, c_0), each: (D * num_layers, N, H), or (D * num_layers, H) unbatched; zeros if omitted.
        - output: (L, N, D * H), batch first, unbatched or packed like the input: the last
          layer's :math:`a^{<t>}` at every step.
        - (h_n, c_n), each: (D * num_layers, N, H), index ``layer * D + direction``: each sequence's state
          after its own last step (after its first, for the reverse direction).
    """

    _state_names = ("hx[0]", "hx[1]")

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        if proj_size != 0:
            raise NotImplementedError(
                f"proj_size={proj_size} is not supported by rnncourse.nn.LSTM; use torch.nn.LSTM"
            )
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
        )

    def forward(
        self, input: Tensor | PackedSequence, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor | PackedSequence, tuple[Tensor, Tensor]]:
        r"""Run the sequence; return ``(output, (h_n, c_n))``. See the class docstring for shapes."""
        if hx is not None and (not isinstance(hx, tuple | list) or len(hx) != 2):
            raise TypeError(f"hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
        output, (h_n, c_n) = self._forward(input, None if hx is None else tuple(hx))
        return output, (h_n, c_n)


class _CellBase(nn.Module):
    r"""Parameters and checks shared by the cells; ``forward`` is one step of ``_run``'s loop."""

    _state_names: tuple[str, ...]

    def __init__(
        self,
        kind: str,
        input_size: int,
        hidden_size: int,
        bias: bool,
        device: torch.device | str | None,
        dtype: torch.dtype | None,
    ) -> None:
        super().__init__()
        _check_arguments(input_size=input_size, hidden_size=hidden_size, bias=bias)
        self._kind = kind
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        rows = _GATES[kind] * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size, device=device, dtype=dtype))
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size, device=device, dtype=dtype))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(rows, device=device, dtype=dtype))
            self.bias_hh = nn.Parameter(torch.empty(rows, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        r"""Draw every parameter from :math:`U(-1/\sqrt{H}, 1/\sqrt{H})`, as torch does."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            nn.init.uniform_(param, -bound, bound)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")

    def _forward(self, input: Tensor, hx: State | None) -> State:
        r"""One step on states as tuples; the cells' ``forward`` wraps it."""
        require_tensor("input", input, ndims=(1, 2))
        batched = input.dim() == 2
        w = self.weight_ih
        if batched:
            _check_input("input", input, (None, self.input_size), "(N, H_in)", w)
        else:
            _check_input("input", input, (self.input_size,), "(H_in)", w)
        x = input if batched else input.unsqueeze(0)  # (N, H_in)
        shape = (x.shape[0], self.hidden_size)
        if hx is None:
            state = tuple(x.new_zeros(shape) for _ in self._state_names)
        else:
            for name, h in zip(self._state_names, hx, strict=True):
                require_tensor(name, h)
                if batched:
                    _check_input(name, h, shape, "(N, H_out)", w)
                else:
                    _check_input(name, h, shape[1:], "(H_out)", w)
            state = tuple(h if batched else h.unsqueeze(0) for h in hx)
        step, b_in, weights = _step_and_args(self._kind, self.weight_hh, self.bias_ih, self.bias_hh)
        gx = F.linear(x, self.weight_ih, b_in)  # (N, G*H)
        new = step(gx, tuple(s.to(gx.dtype) for s in state), *weights)  # .to: for autocast
        return new if batched else tuple(s.squeeze(0) for s in new)


class RNNCell(_CellBase):
    r"""One Elman step, a drop-in for ``torch.nn.RNNCell``.

    .. math::
        a^{<t>} = g(W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a), \qquad g = \tanh \text{ or ReLU}

    with :math:`W_{ax}` = ``weight_ih``, :math:`W_{aa}` = ``weight_hh``,
    :math:`b_a` = ``bias_ih + bias_hh``.

    Args:
        input_size: :math:`H_{in}` (:math:`n_x`).
        hidden_size: :math:`H` (:math:`n_a`).
        bias: if ``False``, no ``bias_ih``/``bias_hh``.
        nonlinearity: ``'tanh'`` or ``'relu'``.
        device, dtype: where and in what precision to create the parameters.

    Shape:
        input (N, H_in) or (H_in); hx (N, H) or (H), zeros if omitted; returns
        :math:`a^{<t>}` shaped like hx.
    """

    _state_names = ("hx",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        kind = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(kind, input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        r"""Return :math:`a^{<t>}` from ``input`` = :math:`x^{<t>}` and ``hx`` = :math:`a^{<t-1>}`."""
        (a,) = self._forward(input, None if hx is None else (hx,))
        return a

    def extra_repr(self) -> str:
        return super().extra_repr() + (
            "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity}"
        )


class GRUCell(_CellBase):
    r"""One GRU step, a drop-in for ``torch.nn.GRUCell``, plus Cho et al.'s variant.

    .. math::
        \begin{aligned}
        \Gamma_r &= \sigma(W_{ir} x + W_{hr} a^{<t-1>} + b_r), \quad
        z = 1 - \Gamma_u = \sigma(W_{iz} x + W_{hz} a^{<t-1>} + b_z)\\
        \tilde c &= \tanh(W_{in} x + b_{in} + \Gamma_r * (W_{hn} a^{<t-1>} + b_{hn}))
            && \text{reset_after=True (torch)}\\
        \tilde c &= \tanh(W_{in} x + W_{hn} (\Gamma_r * a^{<t-1>}) + b_{in} + b_{hn})
            && \text{reset_after=False (lecture)}\\
        a^{<t>} &= \Gamma_u * \tilde c + (1 - \Gamma_u) * a^{<t-1>}
        \end{aligned}

    Args:
        input_size: :math:`H_{in}` (:math:`n_x`).
        hidden_size: :math:`H` (:math:`n_a`).
        bias: if ``False``, no ``bias_ih``/``bias_hh``.
        device, dtype: where and in what precision to create the parameters.
        reset_after: keyword only; ``False`` applies :math:`\Gamma_r` before the recurrent matmul.

    Shape:
        input (N, H_in) or (H_in); hx (N, H) or (H), zeros if omitted; returns
        :math:`a^{<t>}` shaped like hx.
    """

    _state_names = ("hx",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        reset_after: bool = True,
    ) -> None:
        _check_arguments(reset_after=reset_after)
        kind = "GRU" if reset_after else "GRU_RESET_BEFORE"
        super().__init__(kind, input_size, hidden_size, bias, device, dtype)
        self.reset_after = reset_after

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        r"""Return :math:`a^{<t>}` from ``input`` = :math:`x^{<t>}` and ``hx`` = :math:`a^{<t-1>}`."""
        (a,) = self._forward(input, None if hx is None else (hx,))
        return a

    def extra_repr(self) -> str:
        return super().extra_repr() + ("" if self.reset_after else ", reset_after=False")


class LSTMCell(_CellBase):
    r"""One LSTM step, a drop-in for ``torch.nn.LSTMCell``.

    .. math::
        \begin{aligned}
        \Gamma_u, \Gamma_f, \Gamma_o &= \sigma(W_{\cdot a} a^{<t-1>} + W_{\cdot x} x^{<t>} + b_\cdot),
        \quad \tilde c^{<t>} = \tanh(W_{ca} a^{<t-1>} + W_{cx} x^{<t>} + b_c)\\
        c^{<t>} &= \Gamma_u * \tilde c^{<t>} + \Gamma_f * c^{<t-1>}, \qquad
        a^{<t>} = \Gamma_o * \tanh(c^{<t>})
        \end{aligned}

    Rows ``i|f|g|o`` of ``weight_ih``/``weight_hh`` are :math:`\Gamma_u, \Gamma_f, \tilde c,
    \Gamma_o`'s; :math:`b = b_{ih} + b_{hh}`.

    Args:
        input_size: :math:`H_{in}` (:math:`n_x`).
        hidden_size: :math:`H` (:math:`n_a`).
        bias: if ``False``, no ``bias_ih``/``bias_hh``.
        device, dtype: where and in what precision to create the parameters.

    Shape:
        input (N, H_in) or (H_in); hx = (a_prev, c_prev), each (N, H) or (H), zeros if omitted;
        returns (:math:`a^{<t>}`, :math:`c^{<t>}`) shaped like them.
    """

    _state_names = ("hx[0]", "hx[1]")

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        r"""Return :math:`(a^{<t>}, c^{<t>})` from :math:`x^{<t>}` and ``hx`` = :math:`(a^{<t-1>}, c^{<t-1>})`."""
        if hx is not None and (not isinstance(hx, tuple | list) or len(hx) != 2):
            raise TypeError(f"hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
        a, c = self._forward(input, None if hx is None else tuple(hx))
        return a, c
