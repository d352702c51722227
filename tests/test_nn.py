r"""``rnncourse.nn`` is a drop-in for ``torch.nn``: same outputs and gradients, keys, errors.

The proof is minGPT's: load torch's weights into ours by key and compare, in float64, outputs and
the gradients of a random projection of every output with respect to the input, the initial
state and every parameter, to 1e-10 relative error. torch has no reset-before GRU; that variant
is checked against the equations written out below, against finite differences, and against
running each sequence of a packed batch on its own.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from rnncourse import nn as rnn

F64 = torch.float64
KINDS = {  # id: (class name, extra constructor arguments)
    "rnn_tanh": ("RNN", {"nonlinearity": "tanh"}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "gru": ("GRU", {}),
    "lstm": ("LSTM", {}),
}
L, N, I, H = 5, 4, 3, 2  # H != I, so a transposed weight cannot pass unnoticed
LENGTHS = torch.tensor([3, 5, 3, 1])  # unsorted, with a tie and a length-1 sequence


def _pair(kind: str, device: str = "cpu", **kwargs) -> tuple[torch.nn.Module, torch.nn.Module]:
    r"""torch's module and ours, float64, ours holding a copy of torch's random weights."""
    name, extra = KINDS[kind]
    ref = getattr(torch.nn, name)(I, H, **extra, **kwargs, dtype=F64, device=device)
    ours = getattr(rnn, name)(I, H, **extra, **kwargs, dtype=F64, device=device)
    ours.load_state_dict(ref.state_dict())
    return ref, ours


def _flat(output) -> list[torch.Tensor]:
    r"""Every tensor a forward returned: output (its ``.data`` if packed), h_n[, c_n]."""
    out, state = output
    tensors = [out.data if isinstance(out, PackedSequence) else out]
    return tensors + (list(state) if isinstance(state, tuple) else [state])


def _outputs_and_grads(module, call, leaves: list[torch.Tensor]) -> list[torch.Tensor]:
    r"""The outputs of ``call(module)`` and d(Σ outputs * R)/d(leaves, parameters), R fixed."""
    outputs = _flat(call(module))
    gen = torch.Generator().manual_seed(1)
    loss = sum(
        (o * torch.randn(o.shape, generator=gen, dtype=o.dtype).to(o.device)).sum() for o in outputs
    )
    params = list(module.parameters())
    grads = torch.autograd.grad(loss, leaves + params)
    return [o.detach() for o in outputs] + list(grads)


def _assert_same(ref_module, ours_module, call, leaves, what: str) -> None:
    r"""Outputs and gradients of ours equal torch's to 1e-10 relative error, named on failure."""
    names = ["output", "h_n", "c_n"][: len(_flat(call(ref_module)))]
    names += [f"d/d input {i}" for i in range(len(leaves))]
    names += [f"d/d {n}" for n, _ in ref_module.named_parameters()]
    expected = _outputs_and_grads(ref_module, call, leaves)
    actual = _outputs_and_grads(ours_module, call, leaves)
    assert len(actual) == len(expected) == len(names)
    for name, a, e in zip(names, actual, expected, strict=True):
        torch.testing.assert_close(
            a, e, rtol=1e-10, atol=1e-12, msg=lambda m, name=name: f"{what}, {name}: {m}"
        )


def _initial_state(kind: str, layers_x_dirs: int, batch: tuple[int, ...], device: str = "cpu"):
    r"""Random ``hx`` (and the leaves it is made of) for ``kind``: h_0, or (h_0, c_0)."""
    shape = (layers_x_dirs, *batch, H)
    h0 = torch.randn(shape, dtype=F64, device=device, requires_grad=True)
    if kind == "lstm":
        c0 = torch.randn(shape, dtype=F64, device=device, requires_grad=True)
        return (h0, c0), [h0, c0]
    return h0, [h0]


def _grid_case(kind, num_layers, bidirectional, batch_first, bias, given_state, packed, device):
    kwargs = {"num_layers": num_layers, "bidirectional": bidirectional, "bias": bias}
    ref, ours = _pair(kind, device, batch_first=batch_first, **kwargs)
    x = torch.randn((N, L, I) if batch_first else (L, N, I), dtype=F64, device=device)
    x.requires_grad_()
    hx, state_leaves = _initial_state(kind, num_layers * (2 if bidirectional else 1), (N,), device)

    def sequence():  # a fresh pack per call, so each module gets its own graph
        if packed:
            return pack_padded_sequence(x, LENGTHS, batch_first=batch_first, enforce_sorted=False)
        return x

    def call(module):
        return module(sequence(), hx if given_state else None)

    leaves = [x] + (state_leaves if given_state else [])
    _assert_same(ref, ours, call, leaves, f"{kind} on {device}")
    if packed:  # the output is packed exactly like the input
        out, expected = ours(sequence())[0], sequence()
        assert torch.equal(out.batch_sizes, expected.batch_sizes)
        assert torch.equal(out.sorted_indices, expected.sorted_indices)
        assert torch.equal(out.unsorted_indices, expected.unsorted_indices)


GRID = pytest.mark.parametrize
PACKED = GRID("packed", [False, True], ids=["padded", "packed"])
GIVEN = GRID("given_state", [False, True], ids=["no_hx", "hx"])
BIAS = GRID("bias", [True, False], ids=["bias", "no_bias"])
BATCH_FIRST = GRID("batch_first", [False, True], ids=["seq_first", "batch_first"])
BIDIRECTIONAL = GRID("bidirectional", [False, True], ids=["uni", "bi"])
LAYERS = GRID("num_layers", [1, 2, 3], ids=lambda k: f"{k}_layers")
KIND = GRID("kind", list(KINDS))


@KIND
@LAYERS
@BIDIRECTIONAL
@BATCH_FIRST
@BIAS
@GIVEN
@PACKED
def test_sequence_matches_torch(
    kind, num_layers, bidirectional, batch_first, bias, given_state, packed
):
    _grid_case(kind, num_layers, bidirectional, batch_first, bias, given_state, packed, "cpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@KIND
@GRID("num_layers", [1, 2], ids=lambda k: f"{k}_layers")
@BIDIRECTIONAL
@BATCH_FIRST
@GIVEN
@PACKED
def test_sequence_matches_torch_on_cuda(
    kind, num_layers, bidirectional, batch_first, given_state, packed
):
    _grid_case(kind, num_layers, bidirectional, batch_first, True, given_state, packed, "cuda")


@KIND
def test_packed_with_sorted_lengths_matches_torch(kind):
    ref, ours = _pair(kind, num_layers=2, bidirectional=True)
    x = torch.randn(L, N, I, dtype=F64, requires_grad=True)
    lengths = LENGTHS.sort(descending=True).values
    hx, leaves = _initial_state(kind, 4, (N,))

    def call(module):
        return module(pack_padded_sequence(x, lengths), hx)

    _assert_same(ref, ours, call, [x, *leaves], kind)
    assert ours(pack_padded_sequence(x, lengths))[0].sorted_indices is None


@GRID("kind", [*KINDS, "gru_reset_before"])
def test_packed_equals_each_sequence_run_alone(kind):
    r"""Independent of torch: sequence i of a packed batch is the sequence i run unbatched."""
    name, extra = KINDS[kind] if kind in KINDS else ("GRU", {"reset_after": False})
    ours = getattr(rnn, name)(I, H, num_layers=2, bidirectional=True, dtype=F64, **extra)
    x = torch.randn(L, N, I, dtype=F64)
    hx, _ = _initial_state(kind, 4, (N,))
    out, state = ours(pack_padded_sequence(x, LENGTHS, enforce_sorted=False), hx)
    padded, _ = torch.nn.utils.rnn.pad_packed_sequence(out)
    assert out.data.shape == (LENGTHS.sum(), 2 * H)
    states = state if isinstance(state, tuple) else (state,)
    for i, n in enumerate(LENGTHS.tolist()):
        hx_i = tuple(h[:, i] for h in hx) if kind == "lstm" else hx[:, i]
        out_i, state_i = ours(x[:n, i], hx_i)
        torch.testing.assert_close(padded[:n, i], out_i, rtol=1e-12, atol=1e-14)
        for s, s_i in zip(
            states, state_i if isinstance(state_i, tuple) else (state_i,), strict=True
        ):
            torch.testing.assert_close(s[:, i], s_i, rtol=1e-12, atol=1e-14)


@KIND
@BIDIRECTIONAL
@GRID("batch_first", [False, True], ids=["seq_first", "batch_first_ignored"])
@GIVEN
def test_unbatched_sequence_matches_torch(kind, bidirectional, batch_first, given_state):
    ref, ours = _pair(kind, num_layers=2, bidirectional=bidirectional, batch_first=batch_first)
    x = torch.randn(L, I, dtype=F64, requires_grad=True)
    hx, leaves = _initial_state(kind, 4 if bidirectional else 2, ())

    def call(module):
        return module(x, hx if given_state else None)

    _assert_same(ref, ours, call, [x] + (leaves if given_state else []), kind)
    out, _ = ours(x)
    assert out.shape == (L, (2 if bidirectional else 1) * H)


CELLS = {  # id: (class name, extra constructor arguments)
    "rnn_tanh": ("RNNCell", {"nonlinearity": "tanh"}),
    "rnn_relu": ("RNNCell", {"nonlinearity": "relu"}),
    "gru": ("GRUCell", {}),
    "lstm": ("LSTMCell", {}),
}


@GRID("kind", list(CELLS))
@GRID("batched", [True, False], ids=["batched", "unbatched"])
@GIVEN
@BIAS
def test_cell_matches_torch(kind, batched, given_state, bias):
    name, extra = CELLS[kind]
    ref = getattr(torch.nn, name)(I, H, bias=bias, **extra, dtype=F64)
    ours = getattr(rnn, name)(I, H, bias=bias, **extra, dtype=F64)
    ours.load_state_dict(ref.state_dict())
    batch = (N,) if batched else ()
    x = torch.randn(*batch, I, dtype=F64, requires_grad=True)
    h0 = torch.randn(*batch, H, dtype=F64, requires_grad=True)
    c0 = torch.randn(*batch, H, dtype=F64, requires_grad=True)
    hx, leaves = ((h0, c0), [h0, c0]) if kind == "lstm" else (h0, [h0])

    def call(module):  # shaped like a sequence module's (output, state) for _flat
        out = module(x, hx if given_state else None)
        return (out[0], out[1]) if kind == "lstm" else (out, ())

    _assert_same(ref, ours, call, [x] + (leaves if given_state else []), name)
    assert _flat(call(ours))[0].shape == (*batch, H)


# ---- the reset-before GRU, which torch does not have: the equations written out ----


def _gru_reset_before(x, a, w_ih, w_hh, b_ih, b_hh):
    r"""Cho et al.'s GRU over ``x`` (L, N, I) from ``a`` (N, H), gate by gate, for the test."""
    W_rx, W_zx, W_cx = w_ih.chunk(3)
    W_ra, W_za, W_ca = w_hh.chunk(3)
    b_r, b_z, b_c = (b_ih + b_hh).chunk(3)
    outputs = []
    for t in range(x.shape[0]):
        gamma_r = torch.sigmoid(a @ W_ra.T + x[t] @ W_rx.T + b_r)
        gamma_u = 1 - torch.sigmoid(a @ W_za.T + x[t] @ W_zx.T + b_z)
        c_tilde = torch.tanh((gamma_r * a) @ W_ca.T + x[t] @ W_cx.T + b_c)
        a = gamma_u * c_tilde + (1 - gamma_u) * a
        outputs.append(a)
    return torch.stack(outputs), a


def test_gru_reset_before_follows_the_equations():
    gru = rnn.GRU(I, H, num_layers=2, bidirectional=True, reset_after=False, dtype=F64)
    x = torch.randn(L, N, I, dtype=F64)
    h0 = torch.randn(4, N, H, dtype=F64)
    out, h_n = gru(x, h0)
    layer_input, finals = x, []
    for layer in range(2):
        directions = []
        for k, suffix in enumerate(["", "_reverse"]):
            w = [
                getattr(gru, f"{n}_l{layer}{suffix}")
                for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            seq = layer_input.flip(0) if suffix else layer_input
            o, a = _gru_reset_before(seq, h0[2 * layer + k], *w)
            directions.append(o.flip(0) if suffix else o)
            finals.append(a)
        layer_input = torch.cat(directions, dim=2)
    torch.testing.assert_close(out, layer_input, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(h_n, torch.stack(finals), rtol=1e-12, atol=1e-14)
    after = rnn.GRU(I, H, num_layers=2, bidirectional=True, dtype=F64)
    after.load_state_dict(gru.state_dict())
    assert (after(x, h0)[0] - out).abs().max() > 1e-3, "reset_after must change the model"


@GIVEN
@BIAS
def test_gru_cell_reset_before_follows_the_equations(given_state, bias):
    cell = rnn.GRUCell(I, H, bias=bias, reset_after=False, dtype=F64)
    x = torch.randn(N, I, dtype=F64)
    a = torch.randn(N, H, dtype=F64) if given_state else torch.zeros(N, H, dtype=F64)
    zero = torch.zeros(3 * H, dtype=F64)
    b_ih, b_hh = (cell.bias_ih, cell.bias_hh) if bias else (zero, zero)
    _, expected = _gru_reset_before(x[None], a, cell.weight_ih, cell.weight_hh, b_ih, b_hh)
    torch.testing.assert_close(
        cell(x, a if given_state else None), expected, rtol=1e-12, atol=1e-14
    )
    torch.testing.assert_close(
        cell(x[0], a[0] if given_state else None), expected[0], rtol=1e-12, atol=1e-14
    )


def test_gru_reset_before_gradients_match_finite_differences():
    gru = rnn.GRU(I, H, num_layers=2, bidirectional=True, reset_after=False, dtype=F64)
    x = torch.randn(L, N, I, dtype=F64, requires_grad=True)
    h0 = torch.randn(4, N, H, dtype=F64, requires_grad=True)
    params = dict(gru.named_parameters())

    def f(x, h0, *values):
        out, h_n = torch.func.functional_call(gru, dict(zip(params, values, strict=True)), (x, h0))
        return out, h_n

    assert torch.autograd.gradcheck(f, (x, h0, *params.values()))
    packed = pack_padded_sequence(x, LENGTHS, enforce_sorted=False)
    assert torch.autograd.gradcheck(
        lambda data: gru(packed._replace(data=data), h0)[0].data, packed.data
    )


# ---- dropout ----


@KIND
def test_dropout_in_eval_mode_matches_torch(kind):
    ref, ours = _pair(kind, num_layers=3, dropout=0.5, bidirectional=True)
    ref.eval()
    ours.eval()
    x = torch.randn(L, N, I, dtype=F64, requires_grad=True)
    _assert_same(ref, ours, lambda m: m(x), [x], f"{kind}, eval")


@KIND
@PACKED
def test_dropout_in_training_draws_torchs_masks(kind, packed):
    r"""Same seed, same masks: like torch, we call dropout once per layer on its packed output.

    This leans on torch's implementation (one ``dropout`` call per inter-layer output, of the
    same size); the structural test below does not.
    """
    ref, ours = _pair(kind, num_layers=3, dropout=0.5, bidirectional=True)
    x = torch.randn(L, N, I, dtype=F64, requires_grad=True)

    def call(module):
        torch.manual_seed(7)  # before every call, so both draw the same masks
        seq = pack_padded_sequence(x, LENGTHS, enforce_sorted=False) if packed else x
        return module(seq)

    _assert_same(ref, ours, call, [x], f"{kind}, training")
    out_train = _flat(call(ours))[0]
    ours.eval()
    assert (_flat(call(ours))[0] - out_train).abs().max() > 1e-3, "dropout must act in training"


@KIND
def test_dropout_acts_between_layers_not_after_the_last(kind):
    r"""p = 1 zeroes layer 1's output: layer 2 sees only zeros, yet its own output is kept."""
    name, extra = KINDS[kind]
    ours = getattr(rnn, name)(I, H, num_layers=2, dropout=1.0, **extra, dtype=F64)
    out, _ = ours(torch.randn(L, N, I, dtype=F64))
    zeros_in = getattr(rnn, name)(H, H, **extra, dtype=F64)
    zeros_in.load_state_dict(
        {k.replace("_l1", "_l0"): v for k, v in ours.state_dict().items() if "_l1" in k}
    )
    expected, _ = zeros_in(torch.zeros(L, N, H, dtype=F64))
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-14)
    assert out.abs().max() > 1e-3, "the last layer's output must not be dropped"


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="dropout"):
        torch.nn.GRU(I, H, dropout=0.5)
    with pytest.warns(UserWarning, match="dropout"):
        rnn.GRU(I, H, dropout=0.5)


# ---- parameters: names, shapes, initialisation, dtype and device ----


@KIND
@LAYERS
@BIDIRECTIONAL
@BIAS
def test_state_dict_is_torchs_and_loads_both_ways(kind, num_layers, bidirectional, bias):
    name, extra = KINDS[kind]
    kwargs = {"num_layers": num_layers, "bidirectional": bidirectional, "bias": bias, **extra}
    ref = getattr(torch.nn, name)(I, H, **kwargs)
    ours = getattr(rnn, name)(I, H, **kwargs)
    ref_shapes = {k: v.shape for k, v in ref.state_dict().items()}
    assert list(ours.state_dict()) == list(ref_shapes)
    assert {k: v.shape for k, v in ours.state_dict().items()} == ref_shapes
    ours.load_state_dict(ref.state_dict())
    assert all(torch.equal(a, b) for a, b in zip(ours.parameters(), ref.parameters(), strict=True))
    other = getattr(rnn, name)(I, H, **kwargs)
    ref.load_state_dict(other.state_dict())
    assert all(torch.equal(a, b) for a, b in zip(other.parameters(), ref.parameters(), strict=True))
    assert [[p.shape for p in ps] for ps in ours.all_weights] == [
        [p.shape for p in ps] for ps in ref.all_weights
    ]
    assert repr(ours) == repr(ref)


@GRID("kind", list(CELLS))
@BIAS
def test_cell_state_dict_is_torchs_and_loads_both_ways(kind, bias):
    name, extra = CELLS[kind]
    ref = getattr(torch.nn, name)(I, H, bias=bias, **extra)
    ours = getattr(rnn, name)(I, H, bias=bias, **extra)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {
        k: v.shape for k, v in ref.state_dict().items()
    }
    assert list(ours.state_dict()) == list(ref.state_dict())
    ours.load_state_dict(ref.state_dict())
    ref.load_state_dict(getattr(rnn, name)(I, H, bias=bias, **extra).state_dict())
    assert (ours.bias_ih is None) == (not bias)
    assert repr(ours) == repr(ref)


@GRID("name", ["RNN", "GRU", "LSTM", "RNNCell", "GRUCell", "LSTMCell"])
def test_initialisation_is_torchs(name):
    r"""U(−1/√H, 1/√H) for every parameter, drawn in torch's order: same seed, same weights."""
    hidden = 50
    kwargs = {} if name.endswith("Cell") else {"num_layers": 2, "bidirectional": True}
    torch.manual_seed(3)
    ref = getattr(torch.nn, name)(I, hidden, **kwargs)
    torch.manual_seed(3)
    ours = getattr(rnn, name)(I, hidden, **kwargs)
    bound = 1 / math.sqrt(hidden)
    for (key, a), b in zip(ours.named_parameters(), ref.parameters(), strict=True):
        assert torch.equal(a, b), key
        assert a.abs().max() <= bound and a.abs().max() > 0.9 * bound, key


@KIND
def test_to_float64_and_back(kind):
    name, extra = KINDS[kind]
    ref = getattr(torch.nn, name)(I, H, num_layers=2, **extra)
    ours = getattr(rnn, name)(I, H, num_layers=2, **extra)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(L, N, I, dtype=F64)
    out = ours.to(F64)(x)[0]
    assert out.dtype == F64 and all(p.dtype == F64 for p in ours.parameters())
    torch.testing.assert_close(out, ref.double()(x)[0], rtol=1e-10, atol=1e-12)
    out32 = ours.float()(x.float())[0]
    assert out32.dtype == torch.float32
    torch.testing.assert_close(out32, ref.float()(x.float())[0], rtol=1e-5, atol=1e-6)


@KIND
def test_runs_under_autocast_like_torch(kind):
    ref, ours = _pair(kind, num_layers=2)
    ref.float()
    ours.float()
    x = torch.randn(L, N, I)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        expected, _ = ref(x)
        out, _ = ours(x)
    torch.testing.assert_close(out.float(), expected.float(), rtol=0.05, atol=0.02)


@KIND
def test_empty_batch_gives_empty_outputs_like_torch(kind):
    ref, ours = _pair(kind, bidirectional=True)
    x = torch.randn(L, 0, I, dtype=F64)
    assert [t.shape for t in _flat(ours(x))] == [t.shape for t in _flat(ref(x))]


def test_flatten_parameters_changes_nothing():
    ours = rnn.LSTM(I, H, num_layers=2, dtype=F64)
    x = torch.randn(L, N, I, dtype=F64)
    before = ours(x)[0]
    ours.flatten_parameters()
    assert torch.equal(ours(x)[0], before)


@settings(deadline=None, max_examples=25)
@given(
    kind=st.sampled_from(list(KINDS)),
    length=st.integers(1, 6),
    batch=st.integers(1, 4),
    input_size=st.integers(1, 5),
    hidden_size=st.integers(1, 5),
    num_layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_any_shape_matches_torch(
    kind, length, batch, input_size, hidden_size, num_layers, bidirectional, seed
):
    torch.manual_seed(seed)
    name, extra = KINDS[kind]
    kwargs = {"num_layers": num_layers, "bidirectional": bidirectional, "dtype": F64, **extra}
    ref = getattr(torch.nn, name)(input_size, hidden_size, **kwargs)
    ours = getattr(rnn, name)(input_size, hidden_size, **kwargs)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(length, batch, input_size, dtype=F64, requires_grad=True)
    lengths = torch.randint(1, length + 1, (batch,))

    def call(module):
        return module(pack_padded_sequence(x, lengths, enforce_sorted=False))

    _assert_same(ref, ours, lambda m: m(x), [x], kind)
    _assert_same(ref, ours, call, [x], f"{kind}, packed")


# ---- bad input: torch raises, and so do we, naming the argument and both shapes ----


def _bad_calls():
    x = torch.randn(L, N, I)
    h = torch.randn(1, N, H)
    return [  # (id, class name, call, exception, message pattern)
        ("not_a_tensor", "GRU", lambda m: m(x.tolist()), TypeError, r"input must be a torch.Tensor, got list"),
        ("integer_input", "GRU", lambda m: m(x.long()), TypeError, r"input must have a floating dtype"),
        ("4d_input", "GRU", lambda m: m(x[None]), ValueError, r"input must have 2 or 3 dimensions, got 4"),
        ("1d_input", "RNN", lambda m: m(x[0, 0]), ValueError, r"input must have 2 or 3 dimensions, got 1"),
        ("empty_sequence", "GRU", lambda m: m(x[:0]), ValueError, r"input must hold at least one time step, got shape \(0, 4, 3\)"),
        ("input_size", "GRU", lambda m: m(x[..., :2]), ValueError, r"input must have shape \(L, N, H_in\) = \(\*, \*, 3\), got \(5, 4, 2\)"),
        ("unbatched_input_size", "RNN", lambda m: m(x[:, 0, :2]), ValueError, r"input must have shape \(L, H_in\) = \(\*, 3\), got \(5, 2\)"),
        ("dtype", "GRU", lambda m: m(x.double()), TypeError, r"input must have the weights' dtype torch.float32, got torch.float64"),
        ("hx_shape", "GRU", lambda m: m(x, h[:, :2]), ValueError, r"hx must have shape \(D \* num_layers, N, H_out\) = \(1, 4, 2\), got \(1, 2, 2\)"),
        ("hx_layers", "RNN", lambda m: m(x, torch.randn(2, N, H)), ValueError, r"hx must have shape .* = \(1, 4, 2\), got \(2, 4, 2\)"),
        ("hx_2d_for_batched", "RNN", lambda m: m(x, h[0]), ValueError, r"hx must have shape .* = \(1, 4, 2\), got \(4, 2\)"),
        ("hx_3d_for_unbatched", "GRU", lambda m: m(x[:, 0], h), ValueError, r"hx must have shape \(D \* num_layers, H_out\) = \(1, 2\), got \(1, 4, 2\)"),
        ("hx_dtype", "RNN", lambda m: m(x, h.double()), TypeError, r"hx must have the weights' dtype"),
        ("lstm_hx_not_a_tuple", "LSTM", lambda m: m(x, h), TypeError, r"hx must be a tuple \(h_0, c_0\)"),
        ("lstm_c0_shape", "LSTM", lambda m: m(x, (h, h[:, :3])), ValueError, r"hx\[1\] must have shape .* = \(1, 4, 2\), got \(1, 3, 2\)"),
        ("packed_input_size", "LSTM", lambda m: m(pack_padded_sequence(x[..., :2], LENGTHS, enforce_sorted=False)), ValueError, r"input.data must have shape \(\*, H_in\) = \(\*, 3\), got \(12, 2\)"),
        ("cell_3d_input", "GRUCell", lambda m: m(x), ValueError, r"input must have 1 or 2 dimensions, got 3"),
        ("cell_input_size", "RNNCell", lambda m: m(x[0, :, :2]), ValueError, r"input must have shape \(N, H_in\) = \(\*, 3\), got \(4, 2\)"),
        ("cell_hx_batch", "GRUCell", lambda m: m(x[0], h[0, :3]), ValueError, r"hx must have shape \(N, H_out\) = \(4, 2\), got \(3, 2\)"),
        ("cell_1d_hx_for_batched", "RNNCell", lambda m: m(x[0], h[0, 0]), ValueError, r"hx must have shape \(N, H_out\) = \(4, 2\), got \(2,\)"),
        ("cell_dtype", "LSTMCell", lambda m: m(x[0].double()), TypeError, r"input must have the weights' dtype"),
        ("cell_c_shape", "LSTMCell", lambda m: m(x[0], (h[0], h[0, :1])), ValueError, r"hx\[1\] must have shape \(N, H_out\) = \(4, 2\), got \(1, 2\)"),
    ]  # fmt: skip


@GRID(
    ("name", "call", "error", "match"),
    [c[1:] for c in _bad_calls()],
    ids=[c[0] for c in _bad_calls()],
)
def test_bad_input_raises_naming_argument_and_shapes(name, call, error, match):
    with pytest.raises(Exception):  # noqa: B017 — torch raises too, with its own types
        call(getattr(torch.nn, name)(I, H))
    with pytest.raises(error, match=match):
        call(getattr(rnn, name)(I, H))


@GRID(
    ("make", "error", "match"),
    [
        (lambda: rnn.RNN(I, H, nonlinearity="sigmoid"), ValueError, r"nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"),
        (lambda: rnn.RNNCell(I, H, nonlinearity="sigmoid"), ValueError, r"nonlinearity must be"),
        (lambda: rnn.GRU(I, H, dropout=1.5), ValueError, r"dropout must be a probability in \[0, 1\], got 1.5"),
        (lambda: rnn.LSTM(0, H), ValueError, r"input_size must be greater than zero, got 0"),
        (lambda: rnn.LSTMCell(I, 2.5), TypeError, r"hidden_size must be an int, got float"),
        (lambda: rnn.GRU(I, H, num_layers=0), ValueError, r"num_layers must be greater than zero"),
        (lambda: rnn.RNN(I, H, bias="yes"), TypeError, r"bias must be a bool, got str"),
        (lambda: rnn.GRU(I, H, reset_after=1), TypeError, r"reset_after must be a bool, got int"),
        (lambda: rnn.LSTM(I, H, proj_size=1), NotImplementedError, r"proj_size=1 is not supported"),
    ],
    ids=["nonlinearity", "cell_nonlinearity", "dropout", "input_size", "hidden_size", "num_layers", "bias", "reset_after", "proj_size"],
)  # fmt: skip
def test_bad_constructor_arguments_raise(make, error, match):
    with pytest.raises(error, match=match):
        make()
