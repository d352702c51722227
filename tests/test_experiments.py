r"""Tests for :mod:`rnncourse.experiments`: the agreement classifier, the accuracy experiment and
the shipped sweep.

The runs here are tiny (a few dozen sentences, a few epochs) so that the file takes seconds; the
notebooks show the real curves from the shipped sweep, and three of its runs are repeated here at
full size to prove that the shipped numbers are what the code gives.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncourse.data import task_vocab
from rnncourse.experiments import (
    KINDS,
    SWEEP_DISTANCES,
    SWEEP_MODELS,
    SWEEP_SEEDS,
    AgreementClassifier,
    agreement_accuracy,
    agreement_sweep,
    load_agreement_sweep,
)

N_VOCAB = len(task_vocab("agreement"))
TINY = {"n_train": 64, "n_test": 40, "epochs": 2, "hidden_size": 8, "embedding_size": 4}
SMALL = {"n_train": 256, "n_test": 100, "epochs": 10, "hidden_size": 16, "embedding_size": 8}


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --------------------------------------------------------------------------- the classifier


@settings(deadline=None, max_examples=15)
@given(
    kind=st.sampled_from(KINDS),
    N=st.integers(1, 4),
    L=st.integers(1, 6),
    hidden_size=st.integers(1, 5),
)
def test_classifier_gives_two_logits_per_sentence(kind, N, L, hidden_size):
    model = AgreementClassifier(kind, N_VOCAB, embedding_size=3, hidden_size=hidden_size)
    ids = torch.randint(N_VOCAB, (N, L))
    assert model(ids).shape == (N, 2)


def test_classifier_predicts_from_the_last_state_only():
    torch.manual_seed(0)
    model = AgreementClassifier("rnn", N_VOCAB, embedding_size=4, hidden_size=6)
    ids = torch.randint(N_VOCAB, (3, 5))
    a, _ = model.rnn(model.embedding(ids))  # (3, 5, 6)
    torch.testing.assert_close(model(ids), model.head(a[:, -1]))


def test_keep_bias_opens_the_gru_update_gate():
    """z = 1 − Γ_u near 1 keeps a⟨0⟩ = 0: the second block of r|z|n is the one set."""
    torch.manual_seed(0)
    model = AgreementClassifier("gru", N_VOCAB, hidden_size=5, keep_bias=40.0)
    ids = torch.randint(N_VOCAB, (2, 7))
    a, _ = model.rnn(model.embedding(ids))
    assert a.abs().max() < 1e-6, "with z = 1 the GRU must keep its initial state"
    free = AgreementClassifier("gru", N_VOCAB, hidden_size=5, keep_bias=0.0)
    assert free.rnn(free.embedding(ids))[0].abs().max() > 1e-2


def test_keep_bias_sets_the_lstm_forget_gate_and_leaves_the_rnn_alone():
    lstm = AgreementClassifier("lstm", N_VOCAB, hidden_size=4, keep_bias=2.0)
    assert torch.all(lstm.rnn.bias_ih_l0[4:8] == 2.0)  # i|f|g|o: f is the second block
    assert torch.all(lstm.rnn.bias_hh_l0[4:8] == 0.0)
    assert not torch.any(lstm.rnn.bias_ih_l0[:4] == 2.0)
    torch.manual_seed(1)
    rnn = AgreementClassifier("rnn", N_VOCAB, hidden_size=4, keep_bias=2.0)
    torch.manual_seed(1)
    plain = AgreementClassifier("rnn", N_VOCAB, hidden_size=4, keep_bias=0.0)
    torch.testing.assert_close(rnn.rnn.bias_ih_l0, plain.rnn.bias_ih_l0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kind": "transformer"}, ValueError, "kind must be one of"),
        ({"vocab_size": 0}, ValueError, "vocab_size must be >= 1, got 0"),
        ({"hidden_size": 2.0}, TypeError, "hidden_size must be an int, got float"),
        ({"keep_bias": "2"}, TypeError, "keep_bias must be a number"),
        ({"keep_bias": float("nan")}, ValueError, "keep_bias must be finite"),
    ],
)
def test_classifier_rejects_bad_arguments(kwargs, error, match):
    args = {"kind": "gru", "vocab_size": N_VOCAB} | kwargs
    with pytest.raises(error, match=match):
        AgreementClassifier(**args)


@pytest.mark.parametrize(
    ("ids", "error", "match"),
    [
        (torch.zeros(3, 4), TypeError, "ids must be int64 token ids, got torch.float32"),
        (torch.zeros(3, 4, dtype=torch.int32), TypeError, "ids must be int64 token ids, got"),
        (torch.zeros(4, dtype=torch.int64), ValueError, r"ids must have 2 dimensions, got 1"),
        ([[1, 2]], TypeError, "ids must be a torch.Tensor, got list"),
    ],
)
def test_classifier_rejects_bad_ids(ids, error, match):
    with pytest.raises(error, match=match):
        AgreementClassifier("rnn", N_VOCAB)(ids)


# --------------------------------------------------------------------------- the experiment


def test_accuracy_is_a_fraction_and_repeats_exactly_per_seed():
    first = agreement_accuracy("rnn", 3, seed=0, **TINY)
    assert isinstance(first, float) and 0.0 <= first <= 1.0
    assert first * TINY["n_test"] == pytest.approx(round(first * TINY["n_test"]))  # k / n_test
    assert agreement_accuracy("rnn", 3, seed=0, **TINY) == first
    others = {agreement_accuracy("rnn", 3, seed=s, **TINY) for s in (1, 2, 3)}
    assert others != {first}, "different seeds must draw different data and weights"


def test_accuracy_leaves_the_callers_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    agreement_accuracy("lstm", 2, seed=5, **TINY)
    torch.testing.assert_close(torch.rand(3), expected)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_gru_solves_a_short_distance(seed):
    assert agreement_accuracy("gru", 3, batch_size=32, seed=seed, **SMALL) == 1.0


def test_clipping_is_passed_to_the_training_loop():
    """Gradients clipped to a norm of 1e-12 barely move the weights: the GRU stays near chance."""
    clipped = agreement_accuracy("gru", 3, batch_size=32, clip_norm=1e-12, seed=0, **SMALL)
    assert clipped < 0.75


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kind": "cnn"}, ValueError, "kind must be one of"),
        ({"distance": -1}, ValueError, "distance must be >= 0, got -1"),
        ({"distance": 2.5}, TypeError, "distance must be an int, got float"),
        ({"n_train": 0}, ValueError, "n_train must be >= 1, got 0"),
        ({"epochs": True}, TypeError, "epochs must be an int, got bool"),
        ({"lr": 0.0}, ValueError, "lr must be positive and finite, got 0.0"),
        ({"seed": -3}, ValueError, "seed must be >= 0, got -3"),
        ({"clip_norm": -1.0}, ValueError, "clip_norm must be positive"),
    ],
)
def test_accuracy_rejects_bad_arguments(kwargs, error, match):
    args = {"kind": "rnn", "distance": 2} | TINY | kwargs
    with pytest.raises(error, match=match):
        agreement_accuracy(**args)


# --------------------------------------------------------------------------- the shipped sweep


def test_the_shipped_sweep_covers_every_model_distance_and_seed():
    sweep = load_agreement_sweep()
    assert sweep.distances == SWEEP_DISTANCES and sweep.seeds == SWEEP_SEEDS
    assert set(sweep.accuracy) == set(SWEEP_MODELS)
    assert len(SWEEP_SEEDS) >= 3 and {20, 25} <= set(SWEEP_DISTANCES)
    for model, accuracy in sweep.accuracy.items():
        assert accuracy.shape == (len(SWEEP_SEEDS), len(SWEEP_DISTANCES)), model
        correct = accuracy * 500  # 500 test sentences: a count of right answers
        assert ((accuracy >= 0) & (accuracy <= 1)).all() and np.allclose(correct, correct.round())
    assert sweep.learned("GRU").tolist() == [5] * len(SWEEP_DISTANCES)  # the notebooks' claim


@pytest.mark.parametrize(
    ("model", "distance", "seed"),
    [("vanilla RNN", 5, 0), ("vanilla RNN", 40, 1), ("GRU", 10, 2)],
)
def test_the_shipped_sweep_is_what_the_code_gives(model, distance, seed):
    # Learned (>= 0.9) or not must agree exactly; the value itself to a few sentences, since
    # another CPU's float32 kernels train a slightly different model.
    sweep = load_agreement_sweep()
    shipped = sweep.accuracy[model][sweep.seeds.index(seed), sweep.distances.index(distance)]
    again = agreement_sweep([model], [distance], [seed]).accuracy[model][0, 0]
    assert (again >= 0.9) == (shipped >= 0.9), (again, shipped)
    assert abs(again - shipped) <= 0.05, (again, shipped)


def test_sweep_rejects_an_unknown_model():
    with pytest.raises(ValueError, match="models must be labels of SWEEP_MODELS"):
        agreement_sweep(["transformer"], [5], [0])


def test_the_sweep_table_counts_learned_seeds_per_distance():
    sweep = load_agreement_sweep()
    header, rnn, gru = sweep.table(["vanilla RNN", "GRU"]).splitlines()
    assert header.split()[-len(SWEEP_DISTANCES) :] == [str(d) for d in SWEEP_DISTANCES]
    assert rnn.startswith("vanilla RNN") and [int(n) for n in rnn.split()[-7:]] == list(
        sweep.learned("vanilla RNN")
    )
    assert gru.split()[-7:] == ["5"] * 7
