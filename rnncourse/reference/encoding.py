r"""Notebook 00's references: a word vocabulary, encode and decode, one-hot, padding, embeddings.

The text functions follow :class:`rnncourse.data.Vocab`'s rules: ids 0, 1, 2 are ``<PAD>``,
``<UNK>``, ``<EOS>``; then the words seen at least ``min_freq`` times, by descending count, equal
counts in order of first appearance; a token is a word of ``sentence.lower().split()``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnncourse import data

_SPECIALS = 3  # <PAD>, <UNK>, <EOS>: ids 0, 1, 2


def build_vocab(sentences: list[str], min_freq: int) -> list[str]:
    """``itos``: the specials, then each word seen ``min_freq`` times or more, most frequent first."""
    return list(data.Vocab.build(sentences, level="word", min_freq=min_freq).itos)


def encode(sentence: str, itos: list[str]) -> list[int]:
    """The ids of ``sentence``'s words (``<UNK>`` = 1 for a word not in ``itos``), then ``<EOS>`` = 2."""
    return data.Vocab(itos[_SPECIALS:]).encode(sentence, add_eos=True)


def decode(ids: Sequence[int] | np.ndarray, itos: list[str]) -> str:
    """The words of ``ids`` joined by single spaces, ``<PAD>`` and ``<EOS>`` left out."""
    return data.Vocab(itos[_SPECIALS:]).decode(ids)


def one_hot(ids: np.ndarray, n_x: int) -> np.ndarray:
    r"""``x[i, t]`` is the one-hot vector of ``ids[i, t]``: :math:`x^{(i)\langle t\rangle}_k = [k = \text{id}]`.

    Shape: ``ids (m, T_x)`` → ``(m, T_x, n_x)``.
    """
    return data.one_hot(ids, n_x)


def pad_batch(seqs: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(padded (m, T_x), mask (m, T_x), lengths (m,))``: ``<PAD>`` = 0 after each sequence's end."""
    return data.pad_batch(seqs, pad_id=data.Vocab.pad_id)


def embedding_lookup(ids: np.ndarray, E: np.ndarray) -> np.ndarray:
    r"""Row ``ids[i, t]`` of ``E`` for every position: :math:`e^{\langle t\rangle} = E^\top o^{\langle t\rangle}`.

    Shape: ``ids (m, T_x)``, ``E (n_x, n_e)`` → ``(m, T_x, n_e)``.
    """
    return E[ids]
