r"""Speed of ``rnncourse.nn`` against ``torch.nn``: RNN, GRU, LSTM on CPU, float32.

For each kind and size, times ``forward`` (under ``torch.no_grad``, inference) and
``forward + backward`` (loss ``output.sum() + h_n.sum()``, gradients for every parameter, none
for the input) of our module and of ``torch.nn``'s with the same weights. Timings are
interleaved: every repetition runs each contender once, in an order that alternates, so a slow
spell of a shared machine hits both; the table shows the median per-call time and the ratio
ours / torch.

The LSTM has two torch references: the default, which on CPU runs oneDNN's fused LSTM kernel,
and the plain-op path with ``torch.backends.mkldnn.flags(enabled=False)`` (what any loop of
matmuls and elementwise ops, ours included, can be compared with).

Usage, with ``rnncourse`` importable (``pip install -e .``, or ``PYTHONPATH=.`` from the root)::

    python benchmarks/bench_rnn.py             # all sizes, torch's default thread count
    python benchmarks/bench_rnn.py --threads 1
    python benchmarks/bench_rnn.py --quick     # smoke run: smallest size, few repetitions
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import torch

from rnncourse import nn as rnn

SIZES = [(1, 20, 10, 16), (32, 50, 64, 128), (64, 100, 256, 256)]  # (B, T, I, H)
KINDS = ["RNN", "GRU", "LSTM"]


def _forward(module: torch.nn.Module, x: torch.Tensor) -> Callable[[], None]:
    def run() -> None:
        with torch.no_grad():
            module(x)

    return run


def _forward_backward(module: torch.nn.Module, x: torch.Tensor) -> Callable[[], None]:
    def run() -> None:
        output, h_n = module(x)
        states = h_n if isinstance(h_n, tuple) else (h_n,)
        loss = output.sum() + sum(h.sum() for h in states)
        loss.backward()
        for p in module.parameters():
            p.grad = None

    return run


def _without_mkldnn(run: Callable[[], None]) -> Callable[[], None]:
    def wrapped() -> None:
        with torch.backends.mkldnn.flags(enabled=False):
            run()

    return wrapped


def _time(
    contenders: dict[str, Callable[[], None]], repeats: int, budget: float
) -> dict[str, float]:
    r"""Median seconds per call of each contender, interleaved and alternating order."""
    number = {}
    for name, run in contenders.items():  # warm up, then calls per repetition ≈ budget seconds
        run()
        start = time.perf_counter()
        run()
        number[name] = max(1, int(budget / max(time.perf_counter() - start, 1e-6)))
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for rep in range(repeats):
        for name in names if rep % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            for _ in range(number[name]):
                contenders[name]()
            samples[name].append((time.perf_counter() - start) / number[name])
    return {name: statistics.median(s) for name, s in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest size, 3 repetitions")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads(N)")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--budget", type=float, default=0.05, help="seconds per measurement")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="TF32 acceleration")  # from mkldnn.flags on CPU
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    sizes = SIZES[:1] if args.quick else SIZES
    repeats = 3 if args.quick else args.repeats
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), float32, CPU")
    print(f"median of {repeats} interleaved repetitions; ratio = ours / torch (lower is better)")
    header = f"{'kind':5} {'B·T·I·H':16} {'pass':8} {'ours ms':>9} {'torch ms':>9} {'ratio':>6}"
    print(header + f" {'no-oneDNN ms':>13} {'ratio':>6}")
    torch.manual_seed(0)
    for kind in KINDS:
        for B, T, I, H in sizes:
            ref = getattr(torch.nn, kind)(I, H)
            ours = getattr(rnn, kind)(I, H)
            ours.load_state_dict(ref.state_dict())
            x = torch.randn(T, B, I)
            for label, make in (("forward", _forward), ("fwd+bwd", _forward_backward)):
                contenders = {"ours": make(ours, x), "torch": make(ref, x)}
                if kind == "LSTM":
                    contenders["plain"] = _without_mkldnn(make(ref, x))
                t = _time(contenders, repeats, args.budget)
                row = f"{kind:5} {f'{B}·{T}·{I}·{H}':16} {label:8} {t['ours'] * 1e3:9.3f} "
                row += f"{t['torch'] * 1e3:9.3f} {t['ours'] / t['torch']:6.2f}"
                if "plain" in t:
                    row += f" {t['plain'] * 1e3:13.3f} {t['ours'] / t['plain']:6.2f}"
                print(row, flush=True)


if __name__ == "__main__":
    main()
