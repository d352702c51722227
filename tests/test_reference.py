"""The NumPy references agree with torch.nn and with autograd in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncourse import reference as R
from rnncourse.gradcheck import assert_gradient_close, numerical_gradient

TOL = 1e-10


def close(name: str, expected, received, tol: float = TOL) -> None:
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    assert_gradient_close(name, expected, received, tol)


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


SIZES = [(1, 3, 5), (4, 2, 3), (3, 6, 6)]  # (m, n_x, n_a): batch 1, non-square, square


# --- activations and loss -------------------------------------------------------------------


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 5), st.integers(1, 7), st.floats(0.1, 800))
def test_softmax_matches_torch_and_is_stable(m, n, scale):
    z = np.random.default_rng(m * 31 + n).normal(size=(m, n)) * scale
    p = R.softmax(z)
    assert np.isfinite(p).all()
    close("softmax", torch.softmax(t(z), -1), p)
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-12)


def test_softmax_along_other_axis():
    z = np.random.default_rng(0).normal(size=(3, 4, 5))
    close("softmax axis 1", torch.softmax(t(z), 1), R.softmax(z, axis=1))


def test_sigmoid_matches_torch_without_overflow():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 40.0, 1000.0])
    with np.errstate(over="raise"):
        s = R.sigmoid(z)
    close("sigmoid", torch.sigmoid(t(z)), s)


def test_cross_entropy_and_its_gradient_match_autograd():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(2, 3, 5))
    y = rng.integers(0, 5, size=(2, 3))
    y_hat = R.softmax(z)
    zt = t(z, grad=True)
    loss = torch.nn.functional.cross_entropy(
        zt.reshape(-1, 5), torch.tensor(y.reshape(-1)), reduction="none"
    )
    close("cross_entropy", loss.reshape(2, 3), R.cross_entropy(y_hat, y))
    loss.sum().backward()
    close("dz", zt.grad, R.cross_entropy_backward(y_hat, y))


def test_cross_entropy_rejects_bad_labels():
    y_hat = R.softmax(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="integer"):
        R.cross_entropy(y_hat, np.zeros(2))
    with pytest.raises(ValueError, match=r"y must be in \[0, 3\)"):
        R.cross_entropy(y_hat, np.array([0, 3]))
    with pytest.raises(ValueError, match="y must have shape"):
        R.cross_entropy(y_hat, np.array([0, 1, 2]))


# --- RNN --------------------------------------------------------------------------------------


def rnn_setup(m, n_x, n_a, n_y=4, seed=0):
    rng = np.random.default_rng(seed)
    cell = torch.nn.RNNCell(n_x, n_a).double()
    params = R.params_from_torch(cell)
    params |= {"W_ya": rng.normal(size=(n_y, n_a)), "b_y": rng.normal(size=n_y)}
    return rng, cell, params


@pytest.mark.parametrize("m,n_x,n_a", SIZES)
def test_rnn_cell_forward_matches_torch_rnncell(m, n_x, n_a):
    rng, cell, params = rnn_setup(m, n_x, n_a)
    x, a_prev = rng.normal(size=(m, n_x)), rng.normal(size=(m, n_a))
    a_next, y_hat, cache = R.rnn_cell_forward(x, a_prev, params)
    a_ref = cell(t(x), t(a_prev))
    close("a_next", a_ref, a_next)
    logits = a_ref @ t(params["W_ya"]).T + t(params["b_y"])
    close("y_hat", torch.softmax(logits, -1), y_hat)
    assert cache[0] is a_next and cache[1] is a_prev and cache[2] is x


@pytest.mark.parametrize("m,n_x,n_a", SIZES)
@pytest.mark.parametrize("T", [1, 4])
def test_rnn_forward_and_backward_match_torch_rnn(m, n_x, n_a, T):
    rng = np.random.default_rng(2)
    rnn = torch.nn.RNN(n_x, n_a, batch_first=True).double()
    params = R.params_from_torch(rnn) | {
        "W_ya": rng.normal(size=(3, n_a)),
        "b_y": rng.normal(size=3),
    }
    x, a0, G = rng.normal(size=(m, T, n_x)), rng.normal(size=(m, n_a)), rng.normal(size=(m, T, n_a))
    a, y_hat, caches = R.rnn_forward(x, a0, params)
    xt, a0t = t(x, True), t(a0, True)
    a_ref, _ = rnn(xt, a0t[None])
    close("a", a_ref, a)
    assert y_hat.shape == (m, T, 3) and len(caches) == T
    (a_ref * t(G)).sum().backward()  # loss whose gradient on a<t> is G[:, t]
    grads = R.rnn_backward(G, caches)
    close("dx", xt.grad, grads["dx"])
    close("da0", a0t.grad, grads["da0"])
    close("dW_ax", rnn.weight_ih_l0.grad, grads["dW_ax"])
    close("dW_aa", rnn.weight_hh_l0.grad, grads["dW_aa"])
    close("db_a", rnn.bias_hh_l0.grad, grads["db_a"])


def test_rnn_cell_backward_matches_autograd_and_finite_differences():
    rng, cell, params = rnn_setup(3, 4, 5)
    x, a_prev, G = rng.normal(size=(3, 4)), rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    _, _, cache = R.rnn_cell_forward(x, a_prev, params)
    grads = R.rnn_cell_backward(G, cache)
    xt, at = t(x, True), t(a_prev, True)
    (cell(xt, at) * t(G)).sum().backward()
    close("dx_t", xt.grad, grads["dx_t"])
    close("da_prev", at.grad, grads["da_prev"])
    close("dW_aa", cell.weight_hh.grad, grads["dW_aa"])

    def loss() -> float:
        return float((R.rnn_cell_forward(x, a_prev, params)[0] * G).sum())

    for key in ("W_ax", "W_aa", "b_a"):
        close("d" + key, numerical_gradient(loss, params[key]), grads["d" + key], tol=1e-8)


# --- GRU --------------------------------------------------------------------------------------


def gru_torch_reset_before(x, h, cell):
    """The reset-before GRU written out from Cho et al. (2014) in torch, for autograd."""
    n_a = h.shape[1]
    gx = x @ cell.weight_ih.T + cell.bias_ih
    W_hh, b_hh = cell.weight_hh, cell.bias_hh
    r = torch.sigmoid(gx[:, :n_a] + h @ W_hh[:n_a].T + b_hh[:n_a])
    z = torch.sigmoid(gx[:, n_a : 2 * n_a] + h @ W_hh[n_a : 2 * n_a].T + b_hh[n_a : 2 * n_a])
    n = torch.tanh(gx[:, 2 * n_a :] + (r * h) @ W_hh[2 * n_a :].T + b_hh[2 * n_a :])
    return (1 - z) * n + z * h


@pytest.mark.parametrize("m,n_x,n_a", SIZES)
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_cell_forward_and_backward_match_autograd(m, n_x, n_a, reset_after):
    rng = np.random.default_rng(3)
    cell = torch.nn.GRUCell(n_x, n_a).double()
    params = R.params_from_torch(cell)
    x, a_prev, G = rng.normal(size=(m, n_x)), rng.normal(size=(m, n_a)), rng.normal(size=(m, n_a))
    a_next, cache = R.gru_cell_forward(x, a_prev, params, reset_after=reset_after)
    xt, at = t(x, True), t(a_prev, True)
    a_ref = cell(xt, at) if reset_after else gru_torch_reset_before(xt, at, cell)
    close("a_next", a_ref, a_next)
    (a_ref * t(G)).sum().backward()
    grads = R.gru_cell_backward(G, cache)
    close("dx_t", xt.grad, grads["dx_t"])
    close("da_prev", at.grad, grads["da_prev"])
    for ours, theirs in [
        ("W_ax", "weight_ih"),
        ("W_aa", "weight_hh"),
        ("b_ax", "bias_ih"),
        ("b_aa", "bias_hh"),
    ]:
        close("d" + ours, getattr(cell, theirs).grad, grads["d" + ours])


def test_gru_variants_differ_and_forward_matches_torch_gru():
    rng = np.random.default_rng(4)
    gru = torch.nn.GRU(3, 4, batch_first=True).double()
    params = R.params_from_torch(gru)
    x, a0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4))
    a, _ = R.gru_forward(x, a0, params)
    close("a", gru(t(x), t(a0)[None])[0], a)
    a_before, _ = R.gru_forward(x, a0, params, reset_after=False)
    assert np.abs(a_before - a).max() > 1e-3  # the reset placement is a different model


# --- LSTM -------------------------------------------------------------------------------------


@pytest.mark.parametrize("m,n_x,n_a", SIZES)
def test_lstm_cell_forward_and_backward_match_autograd(m, n_x, n_a):
    rng = np.random.default_rng(5)
    cell = torch.nn.LSTMCell(n_x, n_a).double()
    params = R.params_from_torch(cell)
    x, a_prev, c_prev = (rng.normal(size=s) for s in [(m, n_x), (m, n_a), (m, n_a)])
    Ga, Gc = rng.normal(size=(m, n_a)), rng.normal(size=(m, n_a))
    a_next, c_next, cache = R.lstm_cell_forward(x, a_prev, c_prev, params)
    xt, at, ct = t(x, True), t(a_prev, True), t(c_prev, True)
    a_ref, c_ref = cell(xt, (at, ct))
    close("a_next", a_ref, a_next)
    close("c_next", c_ref, c_next)
    ((a_ref * t(Ga)).sum() + (c_ref * t(Gc)).sum()).backward()
    grads = R.lstm_cell_backward(Ga, Gc, cache)
    for name, ref in [("dx_t", xt), ("da_prev", at), ("dc_prev", ct)]:
        close(name, ref.grad, grads[name])
    close("dW_ax", cell.weight_ih.grad, grads["dW_ax"])
    close("dW_aa", cell.weight_hh.grad, grads["dW_aa"])
    close("db_a", cell.bias_ih.grad, grads["db_a"])


@pytest.mark.parametrize("T", [1, 6])
def test_lstm_forward_and_backward_match_torch_lstm(T):
    rng = np.random.default_rng(6)
    lstm = torch.nn.LSTM(3, 5, batch_first=True).double()
    params = R.params_from_torch(lstm)
    x, a0, c0, G = (rng.normal(size=s) for s in [(2, T, 3), (2, 5), (2, 5), (2, T, 5)])
    a, c, caches = R.lstm_forward(x, a0, c0, params)
    xt, a0t, c0t = t(x, True), t(a0, True), t(c0, True)
    out, (_, c_n) = lstm(xt, (a0t[None], c0t[None]))
    close("a", out, a)
    close("c[:, -1]", c_n[0], c[:, -1])
    (out * t(G)).sum().backward()
    grads = R.lstm_backward(G, caches)
    for name, ref in [("dx", xt), ("da0", a0t), ("dc0", c0t)]:
        close(name, ref.grad, grads[name])
    close("dW_aa", lstm.weight_hh_l0.grad, grads["dW_aa"])
    close("db_a", lstm.bias_ih_l0.grad, grads["db_a"])


# --- weights from torch and bad input -----------------------------------------------------------


def test_params_from_torch_layers_directions_and_no_bias():
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, bias=False)
    p = R.params_from_torch(lstm, layer=1, reverse=True)
    np.testing.assert_array_equal(p["W_ax"], lstm.weight_ih_l1_reverse.detach().double().numpy())
    assert p["W_ax"].shape == (16, 8) and not p["b_a"].any()
    with pytest.raises(ValueError, match="layer=2"):
        R.params_from_torch(lstm, layer=2)
    with pytest.raises(TypeError, match="Linear"):
        R.params_from_torch(torch.nn.Linear(2, 2))


def test_bad_input_names_the_argument_and_shapes():
    _, _, params = rnn_setup(2, 3, 4)
    x, a = np.zeros((2, 3)), np.zeros((2, 4))
    with pytest.raises(
        ValueError, match=r"a_prev must have shape \(m, n_a\) = \(2, 4\), got \(2, 5\)"
    ):
        R.rnn_cell_forward(x, np.zeros((2, 5)), params)
    with pytest.raises(
        ValueError, match=r"params\['W_ax'\] must have shape \(n_a, n_x\) = \(4, 2\)"
    ):
        R.rnn_cell_forward(np.zeros((2, 2)), a, params)
    with pytest.raises(TypeError, match=r"x_t must be a NumPy array, got a torch\.Tensor"):
        R.rnn_cell_forward(torch.zeros(2, 3), a, params)
    with pytest.raises(TypeError, match="floating dtype"):
        R.rnn_cell_forward(np.zeros((2, 3), dtype=int), a, params)
    with pytest.raises(ValueError, match="missing"):
        R.rnn_cell_forward(x, a, {"W_ax": params["W_ax"]})
    with pytest.raises(ValueError, match="x must have 3 dimensions"):
        R.rnn_forward(x, a, params)
    with pytest.raises(ValueError, match=r"a0 must have shape \(m, n_a\)"):
        R.rnn_forward(np.zeros((2, 5, 3)), np.zeros((3, 4)), params)
    gru = R.params_from_torch(torch.nn.GRUCell(3, 4))
    with pytest.raises(ValueError, match=r"params\['W_aa'\] must have shape \(3n_a, n_a\)"):
        R.gru_cell_forward(x, a, gru | {"W_aa": np.zeros((4, 4))})
    lstm = R.params_from_torch(torch.nn.LSTMCell(3, 4))
    with pytest.raises(ValueError, match=r"c_prev must have shape"):
        R.lstm_cell_forward(x, a, np.zeros((1, 4)), lstm)
