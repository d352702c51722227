r"""Random inputs for the checks: sizes that expose layout mistakes, and well-scaled parameters.

The first size set is square (``n_x = n_a = n_y``): there a transposed weight runs without error
and gives wrong values, so the check can name the mistake. Then batch 1 with T 1, then random
non-square sizes, where a transposed weight can no longer hide. Weights are scaled so that
``tanh`` and ``σ`` stay away from saturation and every term (each bias included) changes the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Sizes = dict[str, int]


def sizes(rng: np.random.Generator) -> list[Sizes]:
    """Four size sets: square, batch 1 and T 1, and two random non-square ones."""
    out = [
        {"m": 2, "n_x": 4, "n_a": 4, "n_y": 4, "T": 3},
        {"m": 1, "n_x": 3, "n_a": 5, "n_y": 2, "T": 1},
    ]
    for _ in range(2):
        n_x, n_a, n_y = (int(n) for n in rng.choice(np.arange(2, 9), size=3, replace=False))
        out.append(
            {
                "m": int(rng.integers(2, 6)),
                "n_x": n_x,
                "n_a": n_a,
                "n_y": n_y,
                "T": int(rng.integers(2, 7)),
            }
        )
    return out


def label(s: Sizes, keys: str = "m n_x n_a n_y T") -> str:
    """``"m=2, n_x=4, ..."`` for the named keys."""
    return ", ".join(f"{k}={s[k]}" for k in keys.split())


def normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(0.0, scale, size=shape)


def state(rng: np.random.Generator, m: int, n_a: int) -> np.ndarray:
    """A hidden (or cell) state, inside (-1, 1) like a real tanh output."""
    return rng.uniform(-0.9, 0.9, size=(m, n_a))


def rnn_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int) -> dict[str, np.ndarray]:
    """``W_ax, W_aa, b_a, W_ya, b_y`` of the vanilla RNN with a softmax head."""
    return {
        "W_ax": normal(rng, n_a, n_x, scale=0.6),
        "W_aa": normal(rng, n_a, n_a, scale=0.6),
        "b_a": normal(rng, n_a, scale=0.5),
        "W_ya": normal(rng, n_y, n_a, scale=0.8),
        "b_y": normal(rng, n_y, scale=0.5),
    }


def gru_params(rng: np.random.Generator, n_x: int, n_a: int) -> dict[str, np.ndarray]:
    """``W_ax, W_aa, b_ax, b_aa`` of a GRU, gates stacked r | z | c̃."""
    return {
        "W_ax": normal(rng, 3 * n_a, n_x, scale=0.6),
        "W_aa": normal(rng, 3 * n_a, n_a, scale=0.6),
        "b_ax": normal(rng, 3 * n_a, scale=0.5),
        "b_aa": normal(rng, 3 * n_a, scale=0.5),
    }


def lstm_params(rng: np.random.Generator, n_x: int, n_a: int) -> dict[str, np.ndarray]:
    """``W_ax, W_aa, b_a`` of an LSTM, gates stacked i | f | g | o."""
    return {
        "W_ax": normal(rng, 4 * n_a, n_x, scale=0.6),
        "W_aa": normal(rng, 4 * n_a, n_a, scale=0.6),
        "b_a": normal(rng, 4 * n_a, scale=0.5),
    }


def probabilities(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Rows of a softmax output: positive, summing to 1 over the last axis, none near 0 or 1."""
    z = normal(rng, *shape)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def labels(rng: np.random.Generator, n_y: int, *shape: int) -> np.ndarray:
    """Integer class labels in ``[0, n_y)``, int64."""
    return rng.integers(0, n_y, size=shape, dtype=np.int64)


def mask(rng: np.random.Generator, m: int, T: int) -> np.ndarray:
    """A padding mask ``(m, T)``: row 0 is full, the last row stops early when ``T > 1``.

    Every row keeps at least one real step; the rows between get random lengths in ``[1, T]``.
    """
    lengths = rng.integers(1, T + 1, size=m)
    lengths[0] = T
    if m > 1 and T > 1:
        lengths[-1] = rng.integers(1, T)
    return np.arange(T) < lengths[:, None]


def probes(args: tuple, at: int, plan: Sequence[tuple[str, str, str, tuple[str, ...]]]) -> list:
    """Term isolation: copies of ``args`` with some parameters ``args[at][key]`` zeroed.

    Each ``(term, how, expect, keys)`` of ``plan`` gives the case ``"probe TERM: HOW; EXPECT"``
    in which zeroing ``keys`` leaves only ``term`` of the formula (``expect``: what the answer
    is then). A check names the first term whose probe the answer gets wrong, from the outputs
    alone.
    """
    from rnncourse.checks.framework import Case  # the framework's users import this module

    out = []
    for term, how, expect, keys in plan:
        params = {k: (np.zeros_like(v) if k in keys else v.copy()) for k, v in args[at].items()}
        new = tuple(params if i == at else (a.copy() if isinstance(a, np.ndarray) else a)
                    for i, a in enumerate(args))  # fmt: skip
        out.append(Case(f"probe {term}: {how}; {expect}", new))
    return out


# --- text: the corpora of notebook 00's vocabulary exercises

# Words of the drawn corpora: lower-case letters only, or one punctuation mark, so that
# `s.lower().split()` and Vocab's tokenizer give the same tokens. UNSEEN never enter a vocabulary.
WORDS = (
    "the", "a", "owl", "cat", "wand", "spell", "castle", "broom", "potion", "door", "old",
    "green", "quiet", "flew", "saw", "opened", "found", "and", "over", ".", ",", "!",
)  # fmt: skip
UNSEEN = ("dragon", "quidditch", "phoenix", "troll", "goblet", "Basilisk")


def _sentence(rng: np.random.Generator, weights: np.ndarray, length: int) -> str:
    words = [WORDS[k] for k in rng.choice(len(WORDS), size=length, p=weights)]
    if rng.random() < 0.7:  # most sentences start with a capital, as in real text
        words[0] = words[0].capitalize()
    return " ".join(words)


def corpus(rng: np.random.Generator, n: int, max_len: int) -> list[str]:
    """``n`` sentences of 1 to ``max_len`` words of :data:`WORDS`, some capitalised."""
    # Zipf-like frequencies over a random order of WORDS: a few frequent words, many rare, ties
    weights = 1.0 / (1.0 + rng.permutation(len(WORDS)))
    weights /= weights.sum()
    return [_sentence(rng, weights, int(rng.integers(1, max_len + 1))) for _ in range(n)]


def with_unseen(rng: np.random.Generator, itos: list[str], length: int) -> str:
    """A sentence of ``itos``'s words (after its 3 specials) with at least one word of :data:`UNSEEN`."""
    known = itos[3:]
    words = [known[k] for k in rng.integers(len(known), size=length)]
    words[0] = words[0].capitalize()
    words[int(rng.integers(length))] = UNSEEN[int(rng.integers(len(UNSEEN)))]
    return " ".join(words)
