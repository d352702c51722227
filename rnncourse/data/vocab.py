r"""Vocabularies, one-hot vectors, padding and masks, mini-batches.

- :class:`Vocab` maps tokens to ids with the specials ``<PAD>`` = 0, ``<UNK>`` = 1, ``<EOS>`` = 2;
  :func:`one_hot` turns ids into the vectors :math:`x^{\langle t\rangle} \in \{0, 1\}^{n_x}` of
  notebook 00; :func:`pad_batch` and :func:`batches` make mini-batches of sequences of different
  lengths.

Notation: ``m`` sequences in a batch, ``T_x`` time steps, ``n_x`` the vocabulary size; sequence
``i`` holds :math:`T_x^{(i)}` tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import ClassVar, Literal

import numpy as np
import torch

from rnncourse._validate import require_int

PAD = "<PAD>"
UNK = "<UNK>"
EOS = "<EOS>"
SPECIALS = (PAD, UNK, EOS)

Level = Literal["char", "word"]

# A word-level token is a maximal run of word characters (Unicode letters, digits, underscore)
# or one character that is neither a word character nor whitespace (punctuation, symbols).
_WORD_TOKEN = re.compile(r"\w+|[^\w\s]")


def _int_array(name: str, x: object) -> np.ndarray:
    # ids arrive as lists, NumPy arrays or (CPU or GPU) tensors; empty lists count as integers
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must hold integer ids, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be rectangular (all rows the same length): {err}") from None
    if arr.size == 0 and arr.dtype == np.float64:
        arr = arr.astype(np.int64)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer ids, got dtype {arr.dtype}")
    return arr


def _check_range(name: str, ids: np.ndarray, size: int, what: str) -> None:
    bad = np.flatnonzero((ids < 0) | (ids >= size))
    if bad.size:
        where = tuple(int(i) for i in np.unravel_index(bad[0], ids.shape))
        position = where[0] if len(where) == 1 else where
        raise ValueError(
            f"{name} holds id {ids[where]} at position {position}, out of range for {what} "
            f"(ids must lie in [0, {size - 1}])"
        )


# ---------------------------------------------------------------------------------------------
# vocabulary


class Vocab:
    r"""Token <-> id table: ``<PAD>`` = 0, ``<UNK>`` = 1, ``<EOS>`` = 2, then ``tokens``.

    .. math::
        \operatorname{id}(w) =
        \begin{cases} 3 + k & w = \texttt{tokens}[k] \\ \text{the special's id} & w \in
        \{\texttt{<PAD>}, \texttt{<UNK>}, \texttt{<EOS>}\} \\
        1\ (\texttt{<UNK>}) & \text{otherwise} \end{cases}

    Tokenisation (:meth:`tokenize`): at the ``"char"`` level a text is the list of its characters,
    as they are (no lower-casing, spaces included). At the ``"word"`` level the text is
    lower-cased with ``str.lower`` and split into maximal runs of word characters (regex ``\w``:
    Unicode letters, digits, underscore) and single characters that are neither word characters
    nor whitespace (punctuation, symbols: one token each); whitespace only separates. So
    ``"Don't panic!"`` becomes ``["don", "'", "t", "panic", "!"]``.

    Args:
        tokens: the ordinary tokens in id order; they get ids 3, 4, ... . No duplicates, no
            specials (they are always added), and each must be a token that :meth:`tokenize` can
            produce at this level: one character at the ``"char"`` level, a lower-case word or a
            single punctuation character at the ``"word"`` level.
        level: ``"char"`` or ``"word"``; decides :meth:`tokenize` and how :meth:`decode` joins.

    Shape: ``len(vocab)`` is :math:`n_x`, the size of a one-hot vector, ``3 + len(tokens)``.
    """

    pad_id: ClassVar[int] = 0
    unk_id: ClassVar[int] = 1
    eos_id: ClassVar[int] = 2

    def __init__(self, tokens: Iterable[str], level: Level = "word") -> None:
        if level not in ("char", "word"):
            raise ValueError(f"level must be 'char' or 'word', got {level!r}")
        if isinstance(tokens, str):
            raise TypeError(
                "tokens must be an iterable of str, got a single str; wrap it in a list"
            )
        self._level: Level = level
        itos = list(SPECIALS)
        stoi = {w: i for i, w in enumerate(SPECIALS)}
        for token in tokens:
            if not isinstance(token, str):
                raise TypeError(f"tokens must hold str, got {type(token).__name__} {token!r}")
            if token in stoi:
                what = "is a special, added automatically" if token in SPECIALS else "is repeated"
                raise ValueError(f"token {token!r} {what}")
            if self.tokenize(token) != [token]:
                raise ValueError(
                    f"token {token!r} can never come out of {level}-level tokenize; "
                    f"it must be one character ('char') or one lower-case word or symbol ('word')"
                )
            stoi[token] = len(itos)
            itos.append(token)
        self._itos = tuple(itos)
        self._stoi = MappingProxyType(stoi)

    @classmethod
    def build(cls, texts: Iterable[str], level: Level = "word", min_freq: int = 1) -> Vocab:
        r"""The vocabulary of ``texts``: every token seen at least ``min_freq`` times.

        .. math:: \text{keep } w \iff \operatorname{count}(w) \ge \texttt{min\_freq}

        Order of ids (deterministic): descending count; equal counts in order of first
        appearance in ``texts``. Rarer tokens are left out, so :meth:`encode` maps them to
        ``<UNK>``.

        Args:
            texts: the training texts (an iterable of str; a single str is rejected because it
                would be read character by character as texts).
            level: ``"char"`` or ``"word"``, see :class:`Vocab`.
            min_freq: the least count a token needs to get its own id, >= 1.
        """
        min_freq = require_int("min_freq", min_freq, 1)
        if isinstance(texts, str):
            raise TypeError("texts must be an iterable of str, got a single str; wrap it in a list")
        probe = cls((), level)  # a specials-only vocabulary, to tokenize with the right level
        counts: Counter[str] = Counter()  # insertion order = order of first appearance
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"texts must hold str, got {type(text).__name__} {text!r}")
            counts.update(probe.tokenize(text))
        # sorted() is stable, so equal counts keep their first-appearance order
        kept = [w for w in sorted(counts, key=lambda w: -counts[w]) if counts[w] >= min_freq]
        return cls(kept, level)

    @property
    def level(self) -> Level:
        r"""``"char"`` or ``"word"``."""
        return self._level

    @property
    def itos(self) -> tuple[str, ...]:
        r"""Token of each id: ``itos[i]`` is the token with id ``i``."""
        return self._itos

    @property
    def stoi(self) -> Mapping[str, int]:
        r"""Id of each token (read-only): ``stoi[w]`` is the id of ``w``."""
        return self._stoi

    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, token: object) -> bool:
        return token in self._stoi

    def __repr__(self) -> str:
        return f"Vocab(level={self._level!r}, size={len(self)})"

    def tokenize(self, text: str) -> list[str]:
        r"""Split ``text`` into tokens, by the rule of this vocabulary's level (see :class:`Vocab`)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if self._level == "char":
            return list(text)
        return _WORD_TOKEN.findall(text.lower())

    def token_to_id(self, token: str) -> int:
        r"""The id of ``token``; ``<UNK>``'s id (1) for a token not in the vocabulary."""
        if not isinstance(token, str):
            raise TypeError(f"token must be a str, got {type(token).__name__}")
        return self._stoi.get(token, self.unk_id)

    def id_to_token(self, index: int) -> str:
        r"""The token with id ``index``, which must lie in ``[0, len(self) - 1]``."""
        index = require_int("index", index, None)
        if not 0 <= index < len(self):
            raise ValueError(
                f"index {index} is out of range for a vocabulary of size {len(self)} "
                f"(ids must lie in [0, {len(self) - 1}])"
            )
        return self._itos[index]

    def encode(self, text: str | Sequence[str], add_eos: bool = False) -> list[int]:
        r"""The ids of the tokens of ``text`` (unknown ones as ``<UNK>``), optionally with ``<EOS>``.

        .. math:: [\operatorname{id}(w_1), \dots, \operatorname{id}(w_{T_x})]
                  \;(\,\Vert\, [\operatorname{id}(\texttt{<EOS>})] \text{ if add\_eos})

        Args:
            text: a str, split with :meth:`tokenize`, or an already tokenised list of str (the
                generators' output), used as it is.
            add_eos: append ``<EOS>``'s id (2), so that a language model learns where to stop.

        Shape: a list of :math:`T_x` ids, :math:`T_x + 1` with ``add_eos``.
        """
        if isinstance(text, str):
            tokens = self.tokenize(text)
        elif isinstance(text, Sequence) and all(isinstance(w, str) for w in text):
            tokens = list(text)
        else:
            raise TypeError(f"text must be a str or a sequence of str, got {type(text).__name__}")
        ids = [self._stoi.get(w, self.unk_id) for w in tokens]
        return [*ids, self.eos_id] if add_eos else ids

    def decode(
        self, ids: Sequence[int] | np.ndarray | torch.Tensor, strip_specials: bool = True
    ) -> str:
        r"""The text of ``ids``: tokens joined with ``""`` (char level) or ``" "`` (word level).

        .. math:: \operatorname{join}(\texttt{itos}[i_1], \dots, \texttt{itos}[i_{T_x}])

        Args:
            ids: 1-D integer ids (list, NumPy array or tensor), each in ``[0, len(self) - 1]``.
            strip_specials: leave out every ``<PAD>`` and ``<EOS>``. ``<UNK>`` is always written
                out, as ``"<UNK>"``, because it stands for a real token that was there.

        Shape: ``ids`` is :math:`(T_x,)`.
        """
        arr = _int_array("ids", ids)
        if arr.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {arr.shape}")
        _check_range("ids", arr, len(self), f"a vocabulary of size {len(self)}")
        drop = {self.pad_id, self.eos_id} if strip_specials else set()
        tokens = [self._itos[i] for i in arr.tolist() if i not in drop]
        return ("" if self._level == "char" else " ").join(tokens)


# ---------------------------------------------------------------------------------------------
# encodings and batches


def one_hot(
    ids: Sequence[int] | Sequence[Sequence[int]] | np.ndarray, num_classes: int
) -> np.ndarray:
    r"""One-hot vectors of integer ids, on a new last axis.

    .. math:: Y_{\dots, k} = \mathbb{1}[\texttt{ids}_{\dots} = k], \qquad k = 0, \dots,
              \texttt{num\_classes} - 1

    Args:
        ids: integer ids of any shape (nested lists or a NumPy array), each in
            ``[0, num_classes - 1]``.
        num_classes: the length :math:`n_x` of a one-hot vector, usually ``len(vocab)``.

    Shape: ``ids`` :math:`(*)` gives :math:`(*, n_x)`, float64; e.g. :math:`(m, T_x)` ids give
    the course's :math:`(m, T_x, n_x)` input.
    """
    if isinstance(ids, torch.Tensor):
        raise TypeError(
            "ids must be a list or a NumPy array, got a torch.Tensor "
            "(use torch.nn.functional.one_hot, or .numpy())"
        )
    arr = _int_array("ids", ids)
    num_classes = require_int("num_classes", num_classes, 1)
    _check_range("ids", arr, num_classes, f"num_classes = {num_classes}")
    return np.eye(num_classes, dtype=np.float64)[arr]


def pad_batch(
    seqs: Sequence[Sequence[int]] | np.ndarray, pad_id: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Pad sequences of ids to a common length, with the mask of real tokens and the lengths.

    .. math::
        \text{padded}^{(i)\langle t\rangle} =
        \begin{cases} x^{(i)\langle t\rangle} & t \le T_x^{(i)} \\
        \texttt{pad\_id} & t > T_x^{(i)} \end{cases}, \qquad
        \text{mask}^{(i)\langle t\rangle} = [t \le T_x^{(i)}], \qquad
        T_x = \max_i T_x^{(i)}

    Empty sequences are allowed: their row is all ``pad_id`` and their mask all ``False`` (a
    batch of only empty sequences has :math:`T_x = 0`); ``pack_padded_sequence`` rejects length
    0, so drop them before packing. The batch itself must not be empty.

    Args:
        seqs: ``m`` sequences of integer ids (lists, tuples or 1-D arrays; or the rows of a 2-D
            array).
        pad_id: the id written after the end of each sequence, ``Vocab.pad_id`` (0) by default.

    Shape: ``padded`` :math:`(m, T_x)` int64, ``mask`` :math:`(m, T_x)` bool, ``lengths``
    :math:`(m,)` int64, in the order of ``seqs`` (what ``pack_padded_sequence`` expects with
    ``enforce_sorted=False``).
    """
    if isinstance(seqs, str | bytes) or not isinstance(seqs, Sequence | np.ndarray | torch.Tensor):
        raise TypeError(f"seqs must be a list of sequences of ids, got {type(seqs).__name__}")
    if len(seqs) == 0:
        raise ValueError("seqs must hold at least one sequence, got an empty batch")
    pad_id = require_int("pad_id", pad_id, None)
    rows = []
    for i, seq in enumerate(seqs):
        row = _int_array(f"seqs[{i}]", seq)
        if row.ndim != 1:
            raise ValueError(f"seqs[{i}] must be a 1-D sequence of ids, got shape {row.shape}")
        rows.append(row)
    lengths = np.array([len(r) for r in rows], dtype=np.int64)  # (m,)
    padded = np.full((len(rows), int(lengths.max())), pad_id, dtype=np.int64)  # (m, T_x)
    for i, row in enumerate(rows):
        padded[i, : len(row)] = row
    mask = np.arange(padded.shape[1]) < lengths[:, None]  # (m, T_x): broadcast (T_x,) vs (m, 1)
    return padded, mask, lengths


def batches(
    *arrays: np.ndarray | torch.Tensor,
    batch_size: int,
    shuffle: bool = False,
    rng: np.random.Generator | None = None,
) -> Iterator[tuple[np.ndarray | torch.Tensor, ...]]:
    r"""Mini-batches of rows, the same rows from every array; the last batch may be smaller.

    .. math:: \text{batch } k = \big(A[\pi(kB)], \dots, A[\pi(\min((k+1)B, m) - 1)]\big)
              \text{ for every array } A

    where :math:`B` is ``batch_size`` and :math:`\pi` is the identity, or with ``shuffle`` one
    random permutation of the ``m`` rows drawn from ``rng``. Every row appears exactly once.
    Arguments are checked at the call, not at the first ``next()``.

    Args:
        *arrays: NumPy arrays or tensors with the same first dimension ``m`` (e.g. ``X``, ``Y``
            and a mask).
        batch_size: rows per batch, >= 1.
        shuffle: visit the rows in a random order.
        rng: the ``np.random.Generator`` that draws that order (required with ``shuffle``, so
            that a run can be repeated; not allowed without it).

    Shape: each array :math:`(m, *)` gives batches :math:`(B, *)`, the last :math:`(m - B
    \lfloor (m-1)/B \rfloor, *)`; always a tuple, also for one array.
    """
    if not arrays:
        raise ValueError("batches needs at least one array")
    for k, a in enumerate(arrays):
        if not isinstance(a, np.ndarray | torch.Tensor):
            raise TypeError(
                f"arrays[{k}] must be a NumPy array or a torch.Tensor, got {type(a).__name__}"
            )
        if a.ndim == 0:
            raise ValueError(f"arrays[{k}] must have at least 1 dimension, got a scalar")
    m = len(arrays[0])
    for k, a in enumerate(arrays):
        if len(a) != m:
            raise ValueError(
                f"arrays[{k}] must have {m} rows like arrays[0], got shape {tuple(a.shape)}"
            )
    batch_size = require_int("batch_size", batch_size, 1)
    if shuffle and rng is None:
        raise ValueError("shuffle=True needs rng, e.g. rng=np.random.default_rng(0)")
    if not shuffle and rng is not None:
        raise ValueError("rng is only used with shuffle=True; pass shuffle=True or drop rng")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")
    order = rng.permutation(m) if rng is not None else np.arange(m)

    def generate() -> Iterator[tuple[np.ndarray | torch.Tensor, ...]]:
        for start in range(0, m, batch_size):
            idx = order[start : start + batch_size]
            yield tuple(
                a[torch.as_tensor(idx, device=a.device)] if isinstance(a, torch.Tensor) else a[idx]
                for a in arrays
            )

    return generate()
