r"""Tests for :mod:`rnncourse.train`: device, seeding, the training loop, sampling."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncourse.train import device, fit, sample_next, sample_sequence, seed_everything

# --------------------------------------------------------------------------- device


def test_device_falls_back_to_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert device() == torch.device("cpu")


def test_device_prefers_cuda_then_mps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device() == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device() == torch.device("mps")


def test_device_here_matches_torch() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and torch.backends.mps.is_available():
        expected = "mps"
    assert device().type == expected


# --------------------------------------------------------------------------- seeding


def _draw_everything(g: torch.Generator) -> tuple:
    return (
        random.random(),
        float(np.random.rand()),
        float(torch.rand(())),
        float(torch.rand((), generator=g)),
    )


def test_seed_everything_is_reproducible() -> None:
    first = _draw_everything(seed_everything(123))
    second = _draw_everything(seed_everything(123))
    other = _draw_everything(seed_everything(124))
    assert first == second
    assert all(a != b for a, b in zip(first, other, strict=True))


def test_seed_everything_returns_a_generator_seeded_with_the_seed() -> None:
    g = seed_everything(7)
    assert isinstance(g, torch.Generator)
    assert g.initial_seed() == 7


@pytest.mark.parametrize(
    ("seed", "error"), [(-1, ValueError), (2**32, ValueError), (1.5, TypeError)]
)
def test_seed_everything_rejects_bad_seeds(seed: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="seed"):
        seed_everything(seed)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- fit


def _regression(seed: int = 0, scale: float = 1.0) -> tuple[torch.nn.Module, list]:
    g = torch.Generator().manual_seed(seed)
    w = torch.tensor([[2.0, -3.0, 0.5]])
    X = torch.randn(64, 3, generator=g)
    Y = scale * (X @ w.T + 1.0)
    batches = [(X[i : i + 16], Y[i : i + 16]) for i in range(0, 64, 16)]
    torch.manual_seed(seed)
    return torch.nn.Linear(3, 1), batches


def test_fit_decreases_the_loss_on_linear_regression() -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, batches, torch.nn.functional.mse_loss, opt, epochs=10, progress=False)
    assert len(history) == 10 * len(batches)
    assert all(isinstance(v, float) for v in history)
    assert history[-1] < 1e-3 * history[0], (history[0], history[-1])


def test_fit_accepts_a_callable_returning_one_epoch() -> None:
    model, batches = _regression()
    calls = []

    def one_epoch() -> list:
        calls.append(1)
        return batches

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, one_epoch, torch.nn.functional.mse_loss, opt, epochs=3, progress=False)
    assert len(calls) == 3
    assert len(history) == 3 * len(batches)


def test_fit_rejects_a_one_shot_iterator() -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="one-shot iterator"):
        fit(model, iter(batches), torch.nn.functional.mse_loss, opt, progress=False)


def _grad_norms_at_step(optimizer: torch.optim.Optimizer) -> list[float]:
    # a pre-step hook sees the gradients exactly as the optimizer will use them
    norms: list[float] = []

    def hook(opt: torch.optim.Optimizer, args: tuple, kwargs: dict) -> None:
        grads = [p.grad for group in opt.param_groups for p in group["params"]]
        norms.append(float(torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))))

    optimizer.register_step_pre_hook(hook)
    return norms


@pytest.mark.parametrize("clip_norm", [0.5, 1.0, 3.0])
def test_fit_clips_the_gradient_norm(clip_norm: float) -> None:
    model, batches = _regression(scale=1e4)  # a huge loss, gradients in the thousands
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)
    norms = _grad_norms_at_step(opt)
    fit(model, batches, torch.nn.functional.mse_loss, opt, clip_norm=clip_norm, progress=False)
    assert len(norms) == len(batches)
    assert max(norms) <= clip_norm * (1 + 1e-5), norms
    assert min(norms) > 0.99 * clip_norm  # the clipped norm is exactly clip_norm


def test_fit_without_clipping_keeps_huge_gradients() -> None:
    model, batches = _regression(scale=1e4)
    opt = torch.optim.SGD(model.parameters(), lr=1e-9)
    norms = _grad_norms_at_step(opt)
    fit(model, batches, torch.nn.functional.mse_loss, opt, progress=False)
    assert min(norms) > 100.0


def test_fit_progress_false_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, batches, torch.nn.functional.mse_loss, opt, epochs=2, progress=False)
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_fit_progress_true_shows_a_bar(capsys: pytest.CaptureFixture[str]) -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, batches, torch.nn.functional.mse_loss, opt, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "8/8" in err  # 2 epochs of 4 batches, counted in steps


def test_fit_moves_model_and_batches_to_device() -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(
        model, batches, torch.nn.functional.mse_loss, opt, progress=False, device=device()
    )
    assert next(model.parameters()).device.type == device().type
    assert len(history) == len(batches)


def test_fit_trains_a_tiny_rnn() -> None:
    # many-to-one: predict the sum of a sequence; the loss of a recurrent model must go down too
    g = torch.Generator().manual_seed(0)
    X = torch.randn(32, 5, 1, generator=g)  # (N, L, H_in)
    Y = X.sum(dim=1)  # (N, 1)
    torch.manual_seed(0)
    rnn = torch.nn.RNN(1, 8, batch_first=True)
    head = torch.nn.Linear(8, 1)

    class SumModel(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn, self.head = rnn, head

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.rnn(x)[0][:, -1])

    model = SumModel()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    history = fit(
        model,
        [(X, Y)],
        torch.nn.functional.mse_loss,
        opt,
        epochs=150,
        clip_norm=5.0,
        progress=False,
    )
    assert history[-1] < 0.05 * history[0], (history[0], history[-1])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 1.5}, TypeError, "epochs must be an int"),
        ({"clip_norm": 0.0}, ValueError, "clip_norm"),
        ({"clip_norm": -1.0}, ValueError, "clip_norm"),
        ({"clip_norm": float("inf")}, ValueError, "clip_norm"),
        ({"clip_norm": "1"}, TypeError, "clip_norm must be a number"),
    ],
)
def test_fit_rejects_bad_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(error, match=match):
        fit(model, batches, torch.nn.functional.mse_loss, opt, progress=False, **kwargs)


def test_fit_rejects_a_non_scalar_loss() -> None:
    model, batches = _regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    per_example = torch.nn.MSELoss(reduction="none")
    with pytest.raises(ValueError, match=r"loss_fn's result must have shape \(\), got \(16, 1\)"):
        fit(model, batches, per_example, opt, progress=False)


def test_fit_stops_on_a_non_finite_loss_before_stepping() -> None:
    model, batches = _regression()
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def nan_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.mse_loss(y_hat, y) * float("nan")

    with pytest.raises(FloatingPointError, match="step 0"):
        fit(model, batches, nan_loss, opt, progress=False)
    for b, p in zip(before, model.parameters(), strict=True):
        assert torch.equal(b, p)


# --------------------------------------------------------------------------- sample_next


def test_sample_next_is_reproducible_with_the_same_generator_seed() -> None:
    logits = torch.randn(200, 7, generator=torch.Generator().manual_seed(1))
    a = sample_next(logits, generator=torch.Generator().manual_seed(5))
    b = sample_next(logits, generator=torch.Generator().manual_seed(5))
    c = sample_next(logits, generator=torch.Generator().manual_seed(6))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_sample_next_shapes_and_dtype() -> None:
    g = torch.Generator().manual_seed(0)
    one = sample_next(torch.randn(5), generator=g)
    many = sample_next(torch.randn(3, 5), generator=g)
    assert one.shape == () and one.dtype == torch.int64
    assert many.shape == (3,) and many.dtype == torch.int64
    assert 0 <= int(one) < 5 and bool(((many >= 0) & (many < 5)).all())


def _frequencies(logits: torch.Tensor, n: int, **kwargs: object) -> torch.Tensor:
    rows = logits.expand(n, -1)  # (n, V): n independent draws at once
    idx = sample_next(rows, generator=torch.Generator().manual_seed(0), **kwargs)
    return torch.bincount(idx, minlength=logits.numel()).double() / n


def test_sample_next_at_temperature_one_follows_the_softmax() -> None:
    logits = torch.tensor([1.0, 0.5, 0.0, -1.0])
    freq = _frequencies(logits, 20_000)
    expected = torch.softmax(logits.double(), dim=0)
    torch.testing.assert_close(freq, expected, atol=0.015, rtol=0)


def test_low_temperature_concentrates_on_the_argmax() -> None:
    logits = torch.tensor([0.2, 1.0, 0.5, 0.0])  # argmax 1 has p = 0.37 at temperature 1
    at_one = _frequencies(logits, 5000)[1]
    cold = _frequencies(logits, 5000, temperature=0.05)[1]
    assert at_one < 0.45
    assert cold > 0.99


def test_high_temperature_flattens_towards_uniform() -> None:
    logits = torch.tensor([3.0, 0.0, -3.0])
    freq = _frequencies(logits, 20_000, temperature=100.0)
    torch.testing.assert_close(
        freq, torch.full((3,), 1 / 3, dtype=torch.float64), atol=0.02, rtol=0
    )


def test_temperature_zero_is_greedy() -> None:
    logits = torch.randn(50, 9, generator=torch.Generator().manual_seed(2))
    g = torch.Generator().manual_seed(0)
    assert torch.equal(sample_next(logits, temperature=0, generator=g), logits.argmax(dim=-1))


def test_top_k_one_is_the_argmax() -> None:
    logits = torch.randn(100, 6, generator=torch.Generator().manual_seed(3))
    g = torch.Generator().manual_seed(0)
    assert torch.equal(sample_next(logits, top_k=1, generator=g), logits.argmax(dim=-1))


@settings(deadline=None, max_examples=40)
@given(
    V=st.integers(1, 12),
    data=st.data(),
    temperature=st.sampled_from([0.5, 1.0, 5.0]),
)
def test_top_k_never_returns_an_index_outside_the_top_k(
    V: int, data: st.DataObject, temperature: float
) -> None:
    k = data.draw(st.integers(1, V))
    seed = data.draw(st.integers(0, 2**31))
    logits = torch.randn(V, generator=torch.Generator().manual_seed(seed))
    drawn = sample_next(
        logits.expand(500, V),
        top_k=k,
        temperature=temperature,
        generator=torch.Generator().manual_seed(seed),
    )
    allowed = set(logits.topk(k).indices.tolist())
    assert set(drawn.tolist()) <= allowed


def test_top_k_keeps_exactly_k_on_ties() -> None:
    logits = torch.zeros(10)  # all tied: exactly 3 indices may ever come out
    drawn = sample_next(
        logits.expand(2000, 10), top_k=3, generator=torch.Generator().manual_seed(0)
    )
    assert len(set(drawn.tolist())) == 3


def test_sample_next_respects_minus_infinity() -> None:
    logits = torch.tensor([0.0, -float("inf"), 0.0])
    drawn = sample_next(logits.expand(1000, 3), generator=torch.Generator().manual_seed(0))
    assert 1 not in drawn.tolist()


@pytest.mark.parametrize(
    ("logits", "kwargs", "error", "match"),
    [
        (torch.randn(4), {"temperature": -0.1}, ValueError, "temperature"),
        (torch.randn(4), {"temperature": float("nan")}, ValueError, "temperature"),
        (torch.randn(4), {"temperature": "hot"}, TypeError, "temperature"),
        (torch.randn(4), {"top_k": 0}, ValueError, r"top_k must be in \[1, 4\], got 0"),
        (torch.randn(4), {"top_k": 5}, ValueError, r"top_k must be in \[1, 4\], got 5"),
        (torch.randn(4), {"top_k": 2.0}, TypeError, "top_k"),
        (torch.randn(2, 3, 4), {}, ValueError, "logits must have 1 or 2 dimensions, got 3"),
        (torch.randn(()), {}, ValueError, "logits must have 1 or 2 dimensions, got 0"),
        (torch.arange(4), {}, TypeError, "logits must have a floating dtype"),
        (torch.empty(0), {}, ValueError, "logits must not be empty"),
        (torch.tensor([0.0, float("nan")]), {}, ValueError, "NaN"),
        (np.zeros(4), {}, TypeError, "logits must be a torch.Tensor"),
    ],
)
def test_sample_next_rejects_bad_input(
    logits: object, kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        sample_next(logits, generator=torch.Generator().manual_seed(0), **kwargs)  # type: ignore[arg-type]


def test_sample_next_requires_a_generator() -> None:
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        sample_next(torch.randn(3), generator=None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sample_sequence

EOS = 0


def _counting_step(eos_at: int | None, V: int = 5):
    """A fake model: the state counts steps; the logits put all mass on EOS at step ``eos_at``."""

    def step(token: int, state: int) -> tuple[torch.Tensor, int]:
        t = state + 1
        logits = torch.zeros(1, V)  # (1, V) like a batch-of-one model
        logits[0, EOS] = 100.0 if t == eos_at else -100.0
        return logits, t

    return step


def test_sample_sequence_stops_at_eos() -> None:
    tokens = sample_sequence(
        _counting_step(eos_at=4),
        0,
        EOS,
        eos_id=EOS,
        max_len=50,
        generator=torch.Generator().manual_seed(0),
    )
    assert len(tokens) == 4 and tokens[-1] == EOS and EOS not in tokens[:-1]


def test_sample_sequence_respects_max_len() -> None:
    tokens = sample_sequence(
        _counting_step(eos_at=None),
        0,
        EOS,
        eos_id=EOS,
        max_len=7,
        generator=torch.Generator().manual_seed(0),
    )
    assert len(tokens) == 7 and EOS not in tokens


def _bigram_numpy_step(V: int = 6):
    """A NumPy 'model': logits depend on the previous token; the state counts tokens seen."""
    table = np.random.default_rng(0).normal(size=(V, V))  # (V, V) bigram logits

    def step(token: int, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return table[token], state + 1

    return step


def test_sample_sequence_accepts_numpy_models_and_is_reproducible() -> None:
    step = _bigram_numpy_step()

    def run(seed: int) -> list[int]:
        return sample_sequence(
            step,
            np.zeros(1),
            1,
            eos_id=EOS,
            max_len=30,
            temperature=1.5,
            top_k=4,
            generator=torch.Generator().manual_seed(seed),
        )

    assert run(3) == run(3)
    assert any(run(3) != run(s) for s in range(4, 8))
    assert all(0 <= t < 6 for t in run(3))


def test_sample_sequence_passes_tokens_and_state_through() -> None:
    seen = []

    def step(token: int, state: tuple) -> tuple[torch.Tensor, tuple]:
        seen.append((token, state))
        return torch.tensor([0.0, 0.0, 10.0, 0.0]), (state[0] + 1, "c")

    tokens = sample_sequence(
        step, (0, "c"), 3, eos_id=1, max_len=3, temperature=0, generator=torch.Generator()
    )
    assert tokens == [2, 2, 2]
    assert seen == [(3, (0, "c")), (2, (1, "c")), (2, (2, "c"))]


def test_sample_sequence_runs_without_gradients() -> None:
    W = torch.randn(4, 4, requires_grad=True)
    grad_modes = []

    def step(token: int, state: None) -> tuple[torch.Tensor, None]:
        grad_modes.append(torch.is_grad_enabled())
        return W[token], None

    sample_sequence(step, None, 0, eos_id=99, max_len=3, generator=torch.Generator())
    assert grad_modes == [False, False, False]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_len": 0}, ValueError, "max_len must be >= 1"),
        ({"max_len": 2.0}, TypeError, "max_len must be an int"),
        ({"eos_id": None}, TypeError, "eos_id must be an int"),
        ({"start_token": "a"}, TypeError, "start_token must be an int"),
        ({"temperature": -1.0}, ValueError, "temperature"),
        ({"top_k": 9}, ValueError, "top_k"),
    ],
)
def test_sample_sequence_rejects_bad_arguments(
    kwargs: dict, error: type[Exception], match: str
) -> None:
    args = {"start_token": 0, "eos_id": EOS, "max_len": 5} | kwargs
    start_token = args.pop("start_token")
    with pytest.raises(error, match=match):
        sample_sequence(
            _counting_step(eos_at=None),
            0,
            start_token,
            generator=torch.Generator().manual_seed(0),
            **args,
        )


def test_sample_sequence_rejects_bad_logits_from_step() -> None:
    def batch_of_two(token: int, state: None) -> tuple[torch.Tensor, None]:
        return torch.zeros(2, 5), None

    with pytest.raises(ValueError, match=r"step's logits must have shape \(1, V\) = \(1, \*\)"):
        sample_sequence(batch_of_two, None, 0, eos_id=0, max_len=3, generator=torch.Generator())

    with pytest.raises(TypeError, match="step must be callable"):
        sample_sequence(None, None, 0, eos_id=0, max_len=3, generator=torch.Generator())  # type: ignore[arg-type]
