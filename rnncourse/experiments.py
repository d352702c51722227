r"""The long-range agreement experiment, shared by notebooks 03 (RNN), 04 (GRU) and 05 (LSTM).

A many-to-one classifier reads "the cat/cats" followed by ``distance`` filler words
(:func:`rnncourse.data.agreement_task`) and predicts the verb, "was" or "were", from its last
hidden state. The subject's number is the only signal, ``distance`` steps before the verb, so the
test accuracy says how far back the model can carry one bit: 1.0 when it carries it to the end,
0.5 (chance) when it loses it. The gradient that teaches it to keep the bit travels the same
distance backwards, through :math:`\prod_t \operatorname{diag}(1 - (a^{\langle t\rangle})^2)
W_{aa}` for the vanilla RNN (Bengio et al. 1994; Pascanu et al. 2013), which vanishes as the
distance grows; the gated cells have an additive path that keeps it (Hochreiter & Schmidhuber
1997; Cho et al. 2014), most reliably when the gate that keeps the state starts open.

Every run is seeded: the same arguments give the same accuracy on the same machine. One seed
proves little (the vanilla RNN at distance 20 learns on one seed and stays at chance on another),
so the notebooks show :func:`agreement_sweep`: every model at every distance on five seeds. It
takes about ten minutes on two cores, so its result ships with the package
(``rnncourse/results/agreement_sweep.json``, read by :func:`load_agreement_sweep`) and
``python -m rnncourse.experiments`` regenerates it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, cast

import numpy as np
import torch
import torch.nn.functional as F

import rnncourse.nn
from rnncourse._validate import require_int, require_positive, require_tensor
from rnncourse.data import agreement_task, batches, task_vocab
from rnncourse.train import fit

Kind = Literal["rnn", "gru", "lstm"]
KINDS: tuple[Kind, ...] = ("rnn", "gru", "lstm")
_LAYERS = {"rnn": rnncourse.nn.RNN, "gru": rnncourse.nn.GRU, "lstm": rnncourse.nn.LSTM}


def _require_kind(kind: object) -> Kind:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return cast(Kind, kind)


class AgreementClassifier(torch.nn.Module):
    r"""Embedding → one recurrent layer → a linear head on the last hidden state: two logits.

    .. math::
        x^{\langle t\rangle} = E[\text{id}^{\langle t\rangle}], \qquad
        a^{\langle t\rangle} = \text{cell}(x^{\langle t\rangle}, a^{\langle t-1\rangle}),
        \qquad a^{\langle 0\rangle} = 0, \qquad
        z = W_{ya} a^{\langle T_x\rangle} + b_y

    where the cell is ``rnncourse.nn.RNN`` (tanh), ``GRU`` (reset after the matmul, PyTorch's) or
    ``LSTM``; ``softmax(z)`` gives P("was"), P("were").

    Args:
        kind: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        vocab_size: the number of token ids, :math:`n_{vocab}`.
        embedding_size: :math:`n_x`, the size of each word vector.
        hidden_size: :math:`n_a`.
        keep_bias: the initial bias of the gate that keeps the state, ignored for ``"rnn"``: the
            GRU's :math:`z = 1 - \Gamma_u` (``bias_ih`` rows :math:`[n_a, 2n_a)`, ``bias_hh``'s set
            to 0), the LSTM's forget gate :math:`\Gamma_f` (the same rows, likewise). At +2 the
            gate starts at :math:`\sigma(2) \approx 0.88`: the state is mostly kept from the start.

    Shape:
        ids ``(N, L)`` int64 (every sequence the same length, no padding) → logits ``(N, 2)``.
    """

    def __init__(
        self,
        kind: Kind,
        vocab_size: int,
        embedding_size: int = 16,
        hidden_size: int = 32,
        keep_bias: float = 2.0,
    ) -> None:
        super().__init__()
        self.kind = _require_kind(kind)
        vocab_size = require_int("vocab_size", vocab_size, 1)
        embedding_size = require_int("embedding_size", embedding_size, 1)
        hidden_size = require_int("hidden_size", hidden_size, 1)
        if isinstance(keep_bias, bool) or not isinstance(keep_bias, int | float):
            raise TypeError(f"keep_bias must be a number, got {type(keep_bias).__name__}")
        if not np.isfinite(keep_bias):
            raise ValueError(f"keep_bias must be finite, got {keep_bias}")
        self.embedding = torch.nn.Embedding(vocab_size, embedding_size)
        self.rnn = _LAYERS[kind](embedding_size, hidden_size, batch_first=True)
        self.head = torch.nn.Linear(hidden_size, 2)
        if kind != "rnn":
            keep = slice(hidden_size, 2 * hidden_size)  # GRU r|z|n and LSTM i|f|g|o: 2nd block
            with torch.no_grad():
                self.rnn.bias_ih_l0[keep] = keep_bias
                self.rnn.bias_hh_l0[keep] = 0.0

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        r"""The two logits of each sentence, from its last hidden state. ``(N, L)`` → ``(N, 2)``."""
        require_tensor("ids", ids, ndims=(2,), floating=False)
        if ids.dtype != torch.int64:
            raise TypeError(f"ids must be int64 token ids, got {ids.dtype}")
        a, _ = self.rnn(self.embedding(ids))  # (N, L, n_a): every hidden state
        return self.head(a[:, -1])  # (N, 2): from a<T_x>, the only state that has read it all


def agreement_accuracy(
    kind: Kind,
    distance: int,
    *,
    n_train: int = 2000,
    n_test: int = 500,
    epochs: int = 30,
    hidden_size: int = 32,
    embedding_size: int = 16,
    batch_size: int = 64,
    lr: float = 1e-2,
    keep_bias: float = 2.0,
    clip_norm: float | None = None,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> float:
    r"""Train an :class:`AgreementClassifier` on the agreement task; return its test accuracy.

    Trains with Adam on the mean cross-entropy of the verb,

    .. math::
        \mathcal{L} = -\frac{1}{B} \sum_{i=1}^{B} \log \operatorname{softmax}(z^{(i)})_{y^{(i)}}

    over ``n_train`` sentences of ``distance`` fillers, for ``epochs`` passes in shuffled
    batches of ``batch_size``, then returns the fraction of ``n_test`` fresh sentences whose verb
    it predicts correctly (argmax of the logits). 1.0: it carried the subject's number across
    ``distance`` words; about 0.5: chance, it did not.

    Deterministic: ``seed`` fixes the data (training and test sentences), the initial weights
    and the batch order, without touching torch's global random state. Run single-threaded
    (``torch.set_num_threads(1)``) to repeat results exactly.

    Args:
        kind: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        distance: filler words between the subject and the verb, >= 0.
        n_train: training sentences, >= 1.
        n_test: test sentences, >= 1.
        epochs: passes over the training sentences, >= 1.
        hidden_size: :math:`n_a`.
        embedding_size: :math:`n_x`.
        batch_size: sentences per step.
        lr: Adam's learning rate.
        keep_bias: see :class:`AgreementClassifier` (GRU and LSTM only).
        clip_norm: if given, clip the gradient's global norm to it at every step (see
            :func:`rnncourse.train.fit`); ``None``, the default, does not clip.
        seed: an int >= 0.
        device: where to train (e.g. :func:`rnncourse.train.device`); the CPU by default, where
            a seed repeats exactly. Another device gives other, equally valid, numbers.

    Returns:
        The test accuracy, a float in :math:`[0, 1]`.

    Shape:
        sentences of :math:`T_x = 1 + \texttt{distance}` words; batches of ids ``(batch_size,
        T_x)``.
    """
    kind = _require_kind(kind)
    distance = require_int("distance", distance, 0)
    n_train = require_int("n_train", n_train, 1)
    n_test = require_int("n_test", n_test, 1)
    epochs = require_int("epochs", epochs, 1)
    batch_size = require_int("batch_size", batch_size, 1)
    lr = require_positive("lr", lr)
    seed = require_int("seed", seed, 0)

    vocab = task_vocab("agreement")
    rng = np.random.default_rng(seed)  # one stream: training data, test data, batch order
    sentences, labels = agreement_task(n_train, distance, seed=rng)
    X = torch.tensor([vocab.encode(s) for s in sentences], dtype=torch.int64)  # (n_train, T_x)
    Y = torch.from_numpy(labels)  # (n_train,)
    sentences, labels = agreement_task(n_test, distance, seed=rng)
    X_test = torch.tensor([vocab.encode(s) for s in sentences], dtype=torch.int64)
    Y_test = torch.from_numpy(labels)

    with torch.random.fork_rng(devices=[]):  # seed the initial weights, leave the caller's RNG be
        torch.manual_seed(seed)
        model = AgreementClassifier(kind, len(vocab), embedding_size, hidden_size, keep_bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    fit(
        model,
        lambda: batches(X, Y, batch_size=batch_size, shuffle=True, rng=rng),
        F.cross_entropy,
        optimizer,
        epochs=epochs,
        clip_norm=clip_norm,
        progress=False,
        device=device,
    )
    model.eval()
    with torch.no_grad():
        predicted = model(X_test.to(device)).argmax(dim=1).cpu()  # (n_test,)
    return float((predicted == Y_test).double().mean())


# The sweep: label -> (kind, keep_bias, clip_norm). The controls differ from their model in one
# argument only: the GRU and LSTM without the head start of an open keep gate, the RNN clipped.
SWEEP_MODELS: dict[str, tuple[Kind, float, float | None]] = {
    "vanilla RNN": ("rnn", 0.0, None),
    "vanilla RNN, clipped to norm 1": ("rnn", 0.0, 1.0),
    "GRU": ("gru", 2.0, None),
    "GRU, keep bias 0": ("gru", 0.0, None),
    "LSTM": ("lstm", 2.0, None),
    "LSTM, forget bias 0": ("lstm", 0.0, None),
}
SWEEP_DISTANCES: tuple[int, ...] = (5, 10, 15, 20, 25, 30, 40)
SWEEP_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
_SWEEP_FILE = "agreement_sweep.json"


@dataclass(frozen=True)
class AgreementSweep:
    r"""Test accuracies of :func:`agreement_accuracy` (default arguments) over models × seeds × distances.

    Attributes:
        distances: the distances, ``(D,)``.
        seeds: the seeds, ``(S,)``.
        accuracy: ``{model label: accuracies (S, D)}``, row ``s`` for ``seeds[s]``; the labels and
            arguments are those of :data:`SWEEP_MODELS`.
        made_with: how the numbers were made (torch version, threads, the command).
    """

    distances: tuple[int, ...]
    seeds: tuple[int, ...]
    accuracy: dict[str, np.ndarray]
    made_with: str

    def learned(self, model: str, threshold: float = 0.9) -> np.ndarray:
        r"""How many seeds reached ``threshold`` at each distance: ints ``(D,)``."""
        return (self.accuracy[model] >= threshold).sum(axis=0)

    def table(self, models: Sequence[str]) -> str:
        r""":meth:`learned` for each of ``models`` at every distance, as text: one row a model."""
        header = f"seeds that learned (of {len(self.seeds)}) at distance"
        rows = [f"{header} " + "".join(f"{d:4d}" for d in self.distances)]
        rows += [f"{m:<38} " + "".join(f"{n:4d}" for n in self.learned(m)) for m in models]
        return "\n".join(rows)


def _sweep_run(model: str, distance: int, seed: int) -> float:
    kind, keep_bias, clip_norm = SWEEP_MODELS[model]
    return agreement_accuracy(kind, distance, keep_bias=keep_bias, clip_norm=clip_norm, seed=seed)


def agreement_sweep(
    models: Sequence[str] = tuple(SWEEP_MODELS),
    distances: Sequence[int] = SWEEP_DISTANCES,
    seeds: Sequence[int] = SWEEP_SEEDS,
    processes: int = 1,
) -> AgreementSweep:
    r"""Run :func:`agreement_accuracy` for every model of ``models`` (labels of
    :data:`SWEEP_MODELS`), distance and seed, each run single-threaded, in ``processes``
    processes (``1``: in this one). Returns an :class:`AgreementSweep`.
    """
    for model in models:
        if model not in SWEEP_MODELS:
            raise ValueError(
                f"models must be labels of SWEEP_MODELS {tuple(SWEEP_MODELS)}, got {model!r}"
            )
    distances = tuple(require_int("distance", d, 0) for d in distances)
    seeds = tuple(require_int("seed", s, 0) for s in seeds)
    processes = require_int("processes", processes, 1)
    jobs = [(m, d, s) for m in models for s in seeds for d in distances]
    if processes == 1:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # single-threaded like the workers, then as the caller had it
        try:
            results = [_sweep_run(*job) for job in jobs]
        finally:
            torch.set_num_threads(threads)
    else:
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads
        # one thread per worker process: the runs repeat exactly and do not fight for the cores
        with ProcessPoolExecutor(
            processes, mp_context=spawn, initializer=torch.set_num_threads, initargs=(1,)
        ) as pool:
            results = list(pool.map(_sweep_run, *zip(*jobs, strict=True)))
    shape = (len(seeds), len(distances))
    per_model = len(seeds) * len(distances)
    accuracy = {
        m: np.array(results[k * per_model : (k + 1) * per_model]).reshape(shape)
        for k, m in enumerate(models)
    }
    made_with = f"torch {torch.__version__}, one thread per run, python -m rnncourse.experiments"
    return AgreementSweep(distances, seeds, accuracy, made_with)


def load_agreement_sweep() -> AgreementSweep:
    r"""The shipped :func:`agreement_sweep` over :data:`SWEEP_MODELS`, :data:`SWEEP_DISTANCES`
    and :data:`SWEEP_SEEDS`."""
    text = (resources.files("rnncourse") / "results" / _SWEEP_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    return AgreementSweep(
        tuple(raw["distances"]),
        tuple(raw["seeds"]),
        {m: np.array(a, dtype=np.float64) for m, a in raw["accuracy"].items()},
        raw["made_with"],
    )


def main(argv: Sequence[str] | None = None) -> None:
    r"""``python -m rnncourse.experiments [--processes N] [--out FILE]``: run the full sweep."""
    parser = argparse.ArgumentParser(description="Regenerate the shipped agreement sweep.")
    parser.add_argument("--processes", type=int, default=2)
    default = Path(__file__).parent / "results" / _SWEEP_FILE
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args(argv)
    sweep = agreement_sweep(processes=args.processes)
    raw = {
        "made_with": sweep.made_with,
        "distances": list(sweep.distances),
        "seeds": list(sweep.seeds),
        "accuracy": {m: a.tolist() for m, a in sweep.accuracy.items()},
    }
    args.out.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
