r"""Data for the course: vocabularies, one-hot vectors, padding and masks, and the data sets.

Everything here works offline; nothing is ever downloaded.

- :class:`Vocab` maps tokens to ids with the specials ``<PAD>`` = 0, ``<UNK>`` = 1, ``<EOS>`` = 2;
  :func:`one_hot` turns ids into the vectors :math:`x^{\langle t\rangle} \in \{0, 1\}^{n_x}` of
  notebook 00; :func:`pad_batch` and :func:`batches` make mini-batches of sequences of different
  lengths.
- Two real data sets ship inside the package (``rnncourse/datasets/PROVENANCE.md`` gives their
  sources, licences and the exact processing): :func:`load_names`, 5,163 first names from the
  1990 US Census, for a character-level language model; :func:`load_co2`, the monthly mean CO2
  concentration at Mauna Loa from March 1958 to December 2001, for forecasting.
- Three seeded generators make synthetic tasks whose best possible accuracy is known exactly:
  :func:`agreement_task` (subject-verb agreement across ``distance`` filler words, notebooks 03
  and 04), :func:`next_token_tagging_task` (tags that depend on the *next* word, notebook 06) and
  :func:`sentiment_task` (short reviews with negation and "but", notebook 04).
  :func:`task_vocab` gives each task's fixed vocabulary.

Notation: ``m`` sequences in a batch, ``T_x`` time steps, ``n_x`` the vocabulary size; sequence
``i`` holds :math:`T_x^{(i)}` tokens :math:`x^{(i)\langle 1\rangle}, \dots,
x^{(i)\langle T_x^{(i)}\rangle}`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import ClassVar, Literal

import numpy as np
import torch

PAD = "<PAD>"
UNK = "<UNK>"
EOS = "<EOS>"
SPECIALS = (PAD, UNK, EOS)

Level = Literal["char", "word"]
Seed = int | np.random.Generator

# A word-level token is a maximal run of word characters (Unicode letters, digits, underscore)
# or one character that is neither a word character nor whitespace (punctuation, symbols).
_WORD_TOKEN = re.compile(r"\w+|[^\w\s]")


def _require_int(name: str, value: object, minimum: int | None) -> int:
    # bool is an int subclass: True as a batch size or seed is always a mistake
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


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
        min_freq = _require_int("min_freq", min_freq, 1)
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
        index = _require_int("index", index, None)
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
    num_classes = _require_int("num_classes", num_classes, 1)
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
    pad_id = _require_int("pad_id", pad_id, None)
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
    batch_size = _require_int("batch_size", batch_size, 1)
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


# ---------------------------------------------------------------------------------------------
# shipped data sets


def _read_dataset(filename: str) -> str:
    # importlib.resources reads package data from a source tree, a wheel or a zip alike
    return (resources.files("rnncourse") / "datasets" / filename).read_text(encoding="utf-8")


def load_names() -> list[str]:
    r"""5,163 real first names, lower-case ``a``-``z``, most frequent first.

    The 1990 US Census first-name lists (US Census Bureau, public domain), female and male
    interleaved by rank (``mary``, ``james``, ``patricia``, ``john``, ...), each name once. For
    a character-level language model: ``Vocab.build(names, level="char")`` has 26 letters, and
    each name ends with ``<EOS>`` via ``encode(name, add_eos=True)``. Source and processing:
    ``rnncourse/datasets/PROVENANCE.md``.
    """
    return _read_dataset("names.txt").split()


@dataclass(frozen=True)
class CO2Series:
    r"""Monthly mean atmospheric CO2 at Mauna Loa, one row per month, without gaps.

    Attributes:
        year: calendar year of each month, int64.
        month: month 1-12, int64.
        ppm: CO2 mole fraction in dry air, parts per million (Scripps 1999 calibration scale),
            float64.
        filled: ``True`` for the 5 months without any measurement, whose value was interpolated
            (see ``rnncourse/datasets/PROVENANCE.md``), bool.

    Shape: every attribute is :math:`(T,)` with :math:`T = 526` (March 1958 - December 2001).
    """

    year: np.ndarray
    month: np.ndarray
    ppm: np.ndarray
    filled: np.ndarray

    @property
    def time(self) -> np.ndarray:
        r"""Decimal years at the middle of each month.

        .. math:: t = \text{year} + (\text{month} - 0.5) / 12
        """
        return self.year + (self.month - 0.5) / 12


def load_co2() -> CO2Series:
    r"""Monthly mean CO2 at Mauna Loa, March 1958 - December 2001 (526 months), for forecasting.

    .. math:: \text{ppm}_{\text{month}} = \frac{\sum_w d_w\, c_w}{\sum_w d_w}

    over the weekly averages :math:`c_w` dated in that month, each weighted by its number of
    measured days :math:`d_w` (Scripps Institution of Oceanography continuous measurements;
    public domain). Five months have no measurement and are interpolated (``filled``). The
    series rises by about 1.3 ppm a year with a seasonal cycle of period 12 months. Source and
    processing: ``rnncourse/datasets/PROVENANCE.md``.
    """
    header, *rows = _read_dataset("co2_monthly.csv").splitlines()
    columns = dict(
        zip(header.split(","), zip(*(r.split(",") for r in rows), strict=True), strict=True)
    )
    return CO2Series(
        year=np.array(columns["year"], dtype=np.int64),
        month=np.array(columns["month"], dtype=np.int64),
        ppm=np.array(columns["ppm"], dtype=np.float64),
        filled=np.array(columns["filled"], dtype=np.int64).astype(bool),
    )


# ---------------------------------------------------------------------------------------------
# seeded synthetic tasks


def _generator(seed: Seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(_require_int("seed", seed, 0))


def _balanced_labels(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.permutation(np.arange(n, dtype=np.int64) % 2)  # (n,): n // 2 ones


AGREEMENT_SINGULAR = (
    "cat", "dog", "key", "child", "man", "woman", "mouse", "author", "box", "bird",
)  # fmt: skip
AGREEMENT_PLURAL = (
    "cats", "dogs", "keys", "children", "men", "women", "mice", "authors", "boxes", "birds",
)  # fmt: skip
AGREEMENT_VERBS = ("was", "were")
# words that say nothing about the number of anything: no nouns, no verbs that agree
AGREEMENT_FILLERS = (
    "the", "which", "already", "ate", "in", "old", "garden", "near", "red", "after",
    "long", "quietly", "slept", "under", "warm", "sun", "on", "big", "wooden", "table",
    "with", "great", "care", "by", "river", "yesterday", "very", "and", "then", "from",
    "kitchen", "every", "morning", "still", "happily", "there",
)  # fmt: skip


def agreement_task(n: int, distance: int, seed: Seed) -> tuple[list[list[str]], np.ndarray]:
    r"""Long-range subject-verb agreement: remember the subject's number across filler words.

    Each sentence is a subject noun followed by exactly ``distance`` filler words; the task is
    the verb that comes next, ``"was"`` (label 0, singular subject) or ``"were"`` (label 1,
    plural), ``AGREEMENT_VERBS[label]``. As in "the cat, which already ate ..., was full" and
    "the cats, which already ate ..., were full", but the fillers are drawn uniformly and
    independently from ``AGREEMENT_FILLERS``, whatever the label, so they carry no information
    about it: the only signal is the first word, ``distance`` steps before the verb.

    .. math:: y^{(i)} = [x^{(i)\langle 1\rangle} \in \texttt{AGREEMENT\_PLURAL}], \qquad
              T_x = 1 + \texttt{distance}

    What a model can reach: 100 % if it carries the first word's number to the end; exactly
    the chance level, 50 % in expectation, if it forgets it (labels are balanced and the
    fillers independent of them). A vanilla RNN's gradient from the verb back to the subject
    vanishes as ``distance`` grows; a GRU or LSTM keeps it, most reliably when its gates start
    biased towards keeping the state (update gate of the GRU, forget gate of the LSTM).

    Args:
        n: number of sentences, >= 1; labels are balanced (``n // 2`` plural).
        distance: filler words between the subject and the verb, >= 0.
        seed: an int seed or a ``np.random.Generator``; the same seed gives the same data.

    Shape: ``n`` sentences of :math:`T_x = 1 + \texttt{distance}` words; labels :math:`(n,)`
    int64. ``task_vocab("agreement").encode(sentence)`` gives ids.
    """
    n = _require_int("n", n, 1)
    distance = _require_int("distance", distance, 0)
    rng = _generator(seed)
    labels = _balanced_labels(n, rng)
    nouns = rng.integers(len(AGREEMENT_SINGULAR), size=n)
    fillers = rng.integers(len(AGREEMENT_FILLERS), size=(n, distance))  # drawn without the labels
    nouns_by_label = (AGREEMENT_SINGULAR, AGREEMENT_PLURAL)
    sentences = [
        [nouns_by_label[y][k], *(AGREEMENT_FILLERS[j] for j in row)]
        for y, k, row in zip(labels.tolist(), nouns.tolist(), fillers.tolist(), strict=True)
    ]
    return sentences, labels


# ambiguous word -> what follows it when it is *not* a person's name ("teddy bears")
TAGGING_THINGS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "teddy": ("bears", "bear"),
        "april": ("showers", "rain"),
        "jordan": ("river", "valley"),
        "rose": ("petals", "bushes"),
        "paris": ("streets", "metro"),
        "georgia": ("peaches", "pines"),
        "sydney": ("harbour", "ferries"),
        "florence": ("cathedral", "museums"),
    }
)
TAGGING_AMBIGUOUS = tuple(TAGGING_THINGS)
TAGGING_SURNAMES = ("roosevelt", "smith", "garcia", "johnson", "lee", "brown", "nguyen", "martin")
TAGGING_PERSON_VERBS = ("said", "smiled", "laughed", "waved", "replied", "sang")
TAGGING_FILLERS = (
    "the", "a", "on", "in", "sale", "are", "was", "is", "we", "saw", "today", "near", "new",
    "big", "and", "president", "visited", "yesterday", "very", "old", "photo", "of", "with",
    "city", "last", "year",
)  # fmt: skip
_P_AMBIGUOUS_CHUNK = 0.4  # chance that the next chunk is an ambiguous word and its successor


def next_token_tagging_task(n: int, length: int, seed: Seed) -> tuple[list[list[str]], np.ndarray]:
    r"""Sequence tagging where an ambiguous word's tag is decided by the word *after* it.

    Tag 1 marks a word that is part of a person's name, 0 anything else. The words of
    ``TAGGING_AMBIGUOUS`` ("teddy", "april", "jordan", ...) are names only when the next word is
    a surname or a person's verb ("teddy roosevelt", "april said": tags 1 1 and 1 0) and not
    otherwise ("teddy bears": 0 0). A sentence is a run of chunks: with probability 0.4 an
    ambiguous word and its successor (a name with probability 1/2, then a surname or a verb
    with probability 1/2 each; else one of the word's own ``TAGGING_THINGS``), otherwise one
    filler word (tag 0); an ambiguous word never ends a sentence. Surnames are always tagged 1.

    .. math:: y^{\langle t\rangle} = \begin{cases}
              [x^{\langle t+1\rangle} \in \texttt{SURNAMES} \cup \texttt{PERSON\_VERBS}] &
              x^{\langle t\rangle} \in \texttt{AMBIGUOUS} \\
              [x^{\langle t\rangle} \in \texttt{SURNAMES}] & \text{otherwise} \end{cases}

    What a model can reach: a bidirectional tagger 100 %. A unidirectional (left-to-right)
    tagger has seen nothing that depends on an ambiguous word's reading when it must tag it
    (the reading is drawn after everything before it), so on ambiguous words its ceiling is
    50 % in expectation; every other tag follows from the word itself. Overall, its ceiling is
    :math:`1 - \tfrac12 \cdot` (fraction of ambiguous words), about 2/7 of the words for long
    sentences, so about 86 %.

    Args:
        n: number of sentences, >= 1.
        length: words per sentence, >= 2.
        seed: an int seed or a ``np.random.Generator``; the same seed gives the same data.

    Shape: ``n`` sentences of ``length`` words; tags :math:`(n, \texttt{length})` int64.
    """
    n = _require_int("n", n, 1)
    length = _require_int("length", length, 2)
    rng = _generator(seed)
    sentences = []
    tags = np.zeros((n, length), dtype=np.int64)
    for i in range(n):
        words: list[str] = []
        while len(words) < length:
            t = len(words)
            if length - t >= 2 and rng.random() < _P_AMBIGUOUS_CHUNK:
                word = TAGGING_AMBIGUOUS[rng.integers(len(TAGGING_AMBIGUOUS))]
                if rng.random() < 0.5:  # a person: "teddy roosevelt" or "teddy said"
                    if rng.random() < 0.5:
                        words += [word, TAGGING_SURNAMES[rng.integers(len(TAGGING_SURNAMES))]]
                        tags[i, t : t + 2] = 1
                    else:
                        verb = TAGGING_PERSON_VERBS[rng.integers(len(TAGGING_PERSON_VERBS))]
                        words += [word, verb]
                        tags[i, t] = 1
                else:  # a thing: "teddy bears"
                    things = TAGGING_THINGS[word]
                    words += [word, things[rng.integers(len(things))]]
            else:
                words.append(TAGGING_FILLERS[rng.integers(len(TAGGING_FILLERS))])
        sentences.append(words)
    return sentences, tags


SENTIMENT_SUBJECTS = ("movie", "film", "plot", "acting", "story", "music", "ending", "cast")
SENTIMENT_POSITIVE = ("good", "great", "excellent", "wonderful", "fun", "enjoyable", "brilliant")
SENTIMENT_NEGATIVE = ("bad", "terrible", "boring", "awful", "dull", "poor", "disappointing")
SENTIMENT_INTENSIFIERS = ("very", "really", "extremely", "truly")
_SENTIMENT_OTHER = ("the", "was", "is", "not", "but")


def _sentiment_clause(subject: str, polarity: int, rng: np.random.Generator) -> list[str]:
    # "the plot was [not] [very] good": the adjective's polarity xor the negation gives `polarity`
    negated = bool(rng.random() < 0.5)
    adjectives = (SENTIMENT_NEGATIVE, SENTIMENT_POSITIVE)[polarity ^ negated]
    words = ["the", subject, ("was", "is")[rng.integers(2)]]
    if negated:
        words.append("not")
    if rng.random() < 0.5:
        words.append(SENTIMENT_INTENSIFIERS[rng.integers(len(SENTIMENT_INTENSIFIERS))])
    words.append(adjectives[rng.integers(len(adjectives))])
    return words


def sentiment_task(n: int, seed: Seed) -> tuple[list[list[str]], np.ndarray]:
    r"""Short reviews, label 1 positive and 0 negative, where negation and "but" decide the label.

    A review is one clause, "the plot was [not] [very] good", or, with probability 1/2, two
    clauses of opposite sentiment about different subjects joined by "but", of which the second
    decides: "the acting was great but the ending was not good" is negative. In each clause
    "not" appears with probability 1/2 and flips the adjective; an intensifier ("very",
    "really", ...) appears with probability 1/2 and changes nothing.

    .. math:: y = \operatorname{pol}(\text{last adjective}) \oplus [\text{"not" in the last
              clause}], \qquad \operatorname{pol}(\text{good}) = 1,\ \operatorname{pol}(\text{bad}) = 0

    What a model can reach: 100 % (the label is a function of the word sequence). A model that
    reads only the last adjective gets 50 % in expectation (negation is independent of the
    label). A bag of words cannot reach 100 %: "the plot was good but the music was bad" and
    "the music was bad but the plot was good" have the same words and opposite labels.

    Args:
        n: number of reviews, >= 1; labels are balanced (``n // 2`` positive).
        seed: an int seed or a ``np.random.Generator``; the same seed gives the same data.

    Shape: ``n`` reviews of 4 to 13 words; labels :math:`(n,)` int64.
    """
    n = _require_int("n", n, 1)
    rng = _generator(seed)
    labels = _balanced_labels(n, rng)
    sentences = []
    for y in labels.tolist():
        first, second = rng.choice(len(SENTIMENT_SUBJECTS), size=2, replace=False).tolist()
        words = _sentiment_clause(SENTIMENT_SUBJECTS[second], y, rng)
        if rng.random() < 0.5:
            words = [*_sentiment_clause(SENTIMENT_SUBJECTS[first], 1 - y, rng), "but", *words]
        sentences.append(words)
    return sentences, labels


_TASK_WORDS = {
    "agreement": (*AGREEMENT_SINGULAR, *AGREEMENT_PLURAL, *AGREEMENT_FILLERS, *AGREEMENT_VERBS),
    "tagging": (
        *TAGGING_AMBIGUOUS,
        *(w for things in TAGGING_THINGS.values() for w in things),
        *TAGGING_SURNAMES,
        *TAGGING_PERSON_VERBS,
        *TAGGING_FILLERS,
    ),
    "sentiment": (
        *_SENTIMENT_OTHER,
        *SENTIMENT_SUBJECTS,
        *SENTIMENT_POSITIVE,
        *SENTIMENT_NEGATIVE,
        *SENTIMENT_INTENSIFIERS,
    ),
}


def task_vocab(task: Literal["agreement", "tagging", "sentiment"]) -> Vocab:
    r"""The fixed word-level vocabulary of one synthetic task: every word it can generate.

    The ids do not depend on the data drawn (3 specials, then the task's word lists in the
    order they are defined above), so a model trained on one seed reads another seed's data.
    ``"agreement"`` also holds the two verbs ``"was"`` and ``"were"``.
    """
    if task not in _TASK_WORDS:
        raise ValueError(f"task must be one of {sorted(_TASK_WORDS)}, got {task!r}")
    return Vocab(_TASK_WORDS[task], level="word")
