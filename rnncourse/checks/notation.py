r"""Notebook 00 (sequences, notation, encodings): vocabulary, encode/decode, one-hot, padding, embeddings.

The text exercises (``build_vocab``, ``encode``, ``decode``) follow the rules of
:class:`rnncourse.data.Vocab`, which is their reference: ids 0, 1, 2 are ``<PAD>``, ``<UNK>``,
``<EOS>``; then the words seen at least ``min_freq`` times, by descending count, equal counts in
order of first appearance. A token is a word of ``sentence.lower().split()``: the inputs drawn
here put punctuation between spaces (``"The owl flew ."``), where that split and ``Vocab``'s
word-level tokenizer agree. The references of ``one_hot`` and ``pad_batch`` are
``rnncourse.data.one_hot`` and ``rnncourse.data.pad_batch``; ``embedding_lookup``'s is ``E[ids]``.

Each mistake is a small function that makes it, so that the check can recognise it in a
student's output and tests can prove the check catches it. This notebook's ready-made answers
live in ``rnncourse.data``, so its exercises forbid that module (``forbid_modules``) on top of
the references the framework always forbids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from rnncourse import data
from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "00_notation"
SPECIALS = [data.PAD, data.UNK, data.EOS]  # ids 0, 1, 2

# --- build_vocab ---------------------------------------------------------------------------------


def _build_vocab(sentences: list[str], min_freq: int, bug: str) -> list[str]:
    counts: Counter[str] = Counter()  # insertion order = order of first appearance
    for sentence in sentences:
        tokens = sentence.split() if bug == "not_lowered" else sentence.lower().split()
        counts.update(list(dict.fromkeys(tokens)) if bug == "per_sentence" else tokens)
    order = {
        "alphabetical": lambda ws: sorted(ws),
        "first_appearance": lambda ws: list(ws),
        "ascending": lambda ws: sorted(ws, key=counts.__getitem__),
        "ties_alphabetical": lambda ws: sorted(ws, key=lambda w: (-counts[w], w)),
        "reversed_ties": lambda ws: sorted(ws, key=counts.__getitem__)[::-1],
    }.get(bug, lambda ws: sorted(ws, key=lambda w: -counts[w]))
    least = {"strict_min_freq": min_freq + 1, "ignored_min_freq": 1}.get(bug, min_freq)
    words = [w for w in order(counts) if counts[w] >= least]
    specials = {"no_specials": [], "no_pad": [data.UNK, data.EOS]}.get(bug, SPECIALS)
    return words + specials if bug == "specials_last" else specials + words


def _build_vocab_cases(rng: np.random.Generator) -> list[Case]:
    # the first case separates every catalogued mistake: capitals, a word repeated inside one
    # sentence, counts of exactly min_freq, and ties whose first-appearance order is not alphabetical
    first = [
        "The cat saw the owl and the owl saw the cat .",
        "An owl flew over the castle .",
        "The cat slept .",
        "Wands and owls .",
    ]
    spaced = ["The owl  saw the\tcat", "the cat\nsaw  an owl ."]  # split() treats all alike
    cases = [
        Case("4 hand-written sentences, min_freq=2", (first, 2)),
        Case("2 sentences with double spaces, a tab and a newline, min_freq=1", (spaced, 1)),
    ]
    cases.append(Case("1 sentence, min_freq=1", (inputs.corpus(rng, 1, 8), 1)))
    cases.append(Case("1 sentence of 1 word, min_freq=1", (inputs.corpus(rng, 1, 1), 1)))
    for min_freq in (2, 3):
        n = int(rng.integers(4, 9))
        cases.append(
            Case(f"{n} sentences, min_freq={min_freq}", (inputs.corpus(rng, n, 9), min_freq))
        )
    return cases


_ORDER = (
    "ids 0, 1, 2 are <PAD>, <UNK>, <EOS>, then the words by descending count, "
    "equal counts in order of first appearance"
)

BUILD_VOCAB = Exercise(
    name="build_vocab",
    notebook=NB,
    forbid_modules=("rnncourse.data",),
    reference=R.build_vocab,
    make_cases=_build_vocab_cases,
    hand=(
        Case(
            "['b a B', 'A c'], min_freq=1: 'b' and 'a' both twice, 'b' first", (["b a B", "A c"], 1)
        ),
    ),
    returns="array",
    outputs=("itos",),
    hint="itos is <PAD>, <UNK>, <EOS> (ids 0, 1, 2), then every word seen min_freq times or more, "
    "by descending count, equal counts in order of first appearance; tokens are "
    "sentence.lower().split(), and a collections.Counter counts them.",
    mistakes=catalogue(
        _build_vocab,
        [
            ("no_specials", f"left out the special tokens: {_ORDER}."),
            (
                "no_pad",
                "left out <PAD>: it gets id 0 although no sentence contains it, so that the "
                "padding after a short sentence is never mistaken for a word.",
            ),
            ("specials_last", f"put the special tokens after the words: {_ORDER}."),
            (
                "strict_min_freq",
                "kept only words seen more than min_freq times (count > min_freq): min_freq is "
                "the least count a word needs, keep it when count >= min_freq.",
            ),
            (
                "ignored_min_freq",
                "kept every word: words seen fewer than min_freq times get no id of their own "
                "(encode turns them into <UNK>).",
            ),
            (
                "per_sentence",
                "counted in how many sentences a word appears: count every occurrence, "
                "repeats inside one sentence included.",
            ),
            (
                "not_lowered",
                "did not lower-case the sentences: 'The' and 'the' are the same word; "
                "the tokens are sentence.lower().split().",
            ),
            (
                "alphabetical",
                f"sorted the words alphabetically: {_ORDER} (Counter.most_common gives that order).",
            ),
            (
                "first_appearance",
                "kept the words in order of first appearance without sorting by count: the most "
                "frequent word gets id 3, the next id 4, ...",
            ),
            ("ascending", "sorted by ascending count: the most frequent word gets id 3."),
            (
                "ties_alphabetical",
                "broke ties between equal counts alphabetically: equal counts keep their order "
                "of first appearance (sorted() is stable, and Counter.most_common keeps it too).",
            ),
            (
                "reversed_ties",
                "reversed an ascending sort: that also reverses the order of equal counts. Sort "
                "with reverse=True or use Counter.most_common: both keep first-appearance order "
                "for ties.",
            ),
        ],
    ),
)

# --- encode ----------------------------------------------------------------------------------------


def _encode(sentence: str, itos: list[str], bug: str) -> list[int]:
    stoi = {w: i for i, w in enumerate(itos)}
    tokens = sentence.split() if bug == "not_lowered" else sentence.lower().split()
    unk = {"unk_as_pad": 0, "unk_minus_one": -1}.get(bug, 1)
    ids = [stoi.get(w, unk) for w in tokens if bug != "unk_dropped" or w in stoi]
    if bug == "no_eos":
        return ids
    return [2, *ids] if bug == "eos_first" else [*ids, 2]


def _vocab_of(rng: np.random.Generator) -> list[str]:
    return R.build_vocab(inputs.corpus(rng, int(rng.integers(3, 7)), 8), 1)


def _encode_cases(rng: np.random.Generator) -> list[Case]:
    first = [*SPECIALS, "the", "owl", "cat", "saw", "."]
    cases = [
        Case("'The owl saw a dragon .', 8 tokens in itos", ("The owl saw a dragon .", first)),
        Case("'owl' (1 word), 8 tokens in itos", ("owl", first)),
        Case(
            "'the owl saw the owl .' (repeated words), 8 tokens in itos",
            ("the owl saw the owl .", first),
        ),
        Case("'Quidditch' (1 unknown word), 8 tokens in itos", ("Quidditch", first)),
        Case(
            "'The  owl\tsaw .' (two spaces and a tab), 8 tokens in itos", ("The  owl\tsaw .", first)
        ),
    ]
    for _ in range(2):
        itos = _vocab_of(rng)
        sentence = inputs.with_unseen(rng, itos, int(rng.integers(3, 9)))
        cases.append(Case(f"{sentence!r}, {len(itos)} tokens in itos", (sentence, itos)))
    return cases


ENCODE = Exercise(
    name="encode",
    notebook=NB,
    forbid_modules=("rnncourse.data",),
    reference=R.encode,
    make_cases=_encode_cases,
    hand=(
        Case(
            "'Owl ate', itos ['<PAD>', '<UNK>', '<EOS>', 'owl']",
            ("Owl ate", ["<PAD>", "<UNK>", "<EOS>", "owl"]),
        ),
    ),
    returns="array",
    outputs=("ids",),
    hint=(
        "look each token up in a dict built from itos, {w: i for i, w in enumerate(itos)}, "
        "with .get(w, 1) so that a word that is not there becomes <UNK> (id 1); "
        "itos.index(w) raises for it."
    ),
    mistakes=catalogue(
        _encode,
        [
            (
                "no_eos",
                "left out <EOS>: append its id, 2, after the last word, so that a model can "
                "learn where a sentence ends.",
            ),
            ("eos_first", "put <EOS> first: it marks the end, so it goes after the last word."),
            (
                "unk_dropped",
                "dropped the words that are not in the vocabulary: each becomes <UNK> (id 1), "
                "so that the sentence keeps its length T_x and every word its position.",
            ),
            (
                "unk_as_pad",
                "mapped unknown words to 0, <PAD>: an unknown word is <UNK>, id 1; <PAD> only "
                "fills the space after a sentence.",
            ),
            (
                "unk_minus_one",
                "mapped unknown words to -1: that is not an id (as an index it silently picks "
                "the last token); an unknown word is <UNK>, id 1.",
            ),
            (
                "not_lowered",
                "did not lower-case the sentence: 'The' is not in the vocabulary, 'the' is; "
                "the tokens are sentence.lower().split().",
            ),
        ],
    ),
)

# --- decode ----------------------------------------------------------------------------------------


def _decode(ids: Sequence[int] | np.ndarray, itos: list[str], bug: str) -> str:
    skip = {"kept_specials": set(), "kept_eos": {0}, "kept_pad": {2}}.get(bug, {0, 2})
    if bug == "dropped_unk":
        skip = {0, 1, 2}
    words = [itos[i] for i in ids if i not in skip]
    if bug == "trailing_space":
        return "".join(w + " " for w in words)
    return ("" if bug == "no_spaces" else " ").join(words)


def _decode_cases(rng: np.random.Generator) -> list[Case]:
    first = [*SPECIALS, "the", "owl", "cat", "saw", "."]
    cases = [
        Case("ids [3, 4, 6, 1, 7, 2, 0, 0], 8 tokens in itos", ([3, 4, 6, 1, 7, 2, 0, 0], first)),
        Case("ids [4, 2] (1 word), 8 tokens in itos", ([4, 2], first)),
        Case("ids [1, 2] (1 unknown word), 8 tokens in itos", ([1, 2], first)),
    ]
    for _ in range(2):  # a row of a padded batch, as a NumPy array
        itos = _vocab_of(rng)
        ids = R.encode(inputs.with_unseen(rng, itos, int(rng.integers(3, 9))), itos)
        row = np.array(ids + [0] * int(rng.integers(1, 4)), dtype=np.int64)
        cases.append(
            Case(f"ids {row.tolist()} (a NumPy row), {len(itos)} tokens in itos", (row, itos))
        )
    return cases


DECODE = Exercise(
    name="decode",
    notebook=NB,
    forbid_modules=("rnncourse.data",),
    reference=R.decode,
    make_cases=_decode_cases,
    hand=(
        Case(
            "ids [3, 1, 2, 0], itos ['<PAD>', '<UNK>', '<EOS>', 'owl']",
            ([3, 1, 2, 0], ["<PAD>", "<UNK>", "<EOS>", "owl"]),
        ),
    ),
    returns="array",
    outputs=("text",),
    hint="itos[i] is the token with id i; ' '.join(words) puts one space between words.",
    mistakes=catalogue(
        _decode,
        [
            (
                "kept_specials",
                "wrote out <PAD> and <EOS>: leave both out, they mark where a sentence ends, "
                "not words. Only <UNK> is written, as '<UNK>'.",
            ),
            ("kept_eos", "wrote out <EOS>: leave out <PAD> (id 0) and <EOS> (id 2)."),
            ("kept_pad", "wrote out <PAD>: leave out <PAD> (id 0) and <EOS> (id 2)."),
            (
                "dropped_unk",
                "left out <UNK>: write it as '<UNK>'; it stands for a word that was there.",
            ),
            ("no_spaces", "joined the words without spaces: ' '.join(words)."),
            (
                "trailing_space",
                "left a space after the last word: ' '.join(words) puts spaces only between words.",
            ),
        ],
    ),
)

# --- one_hot ---------------------------------------------------------------------------------------


def _one_hot(ids: np.ndarray, n_x: int, bug: str) -> np.ndarray:
    if bug == "index_all":
        x = np.zeros((*ids.shape, n_x))
        x[:, :, ids] = 1.0
        return x
    # row k of the identity is the one-hot vector of id k
    x = np.eye(n_x)[ids - 1 if bug == "off_by_one" else ids]  # (m, T_x, n_x)
    return {
        "time_first": lambda: x.transpose(1, 0, 2),
        "channels_middle": lambda: x.transpose(0, 2, 1),
        "bag_of_words": lambda: x.sum(axis=1),
    }.get(bug, lambda: x)()


def _ids(rng: np.random.Generator, m: int, T: int, n_x: int) -> np.ndarray:
    ids = rng.integers(n_x, size=(m, T))
    ids.flat[rng.permutation(m * T)[: min(2, m * T)]] = [n_x - 1, 0][: min(2, m * T)]  # both ends
    return ids


def _one_hot_sizes(rng: np.random.Generator) -> list[tuple[int, int, int]]:
    sizes = [(2, 3, 5), (1, 1, 3)]
    for _ in range(2):
        sizes.append((int(rng.integers(2, 6)), int(rng.integers(2, 7)), int(rng.integers(3, 10))))
    return sizes


def _one_hot_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case(f"m={m}, T={T}, n_x={n_x}", (_ids(rng, m, T, n_x), n_x))
        for m, T, n_x in _one_hot_sizes(rng)
    ]
    low = rng.integers(0, 3, size=(2, 4))  # ids 0..2 of a vocabulary of 7: the top ids unused
    return [*cases, Case("m=2, T=4, n_x=7, ids only in 0..2 (the top ids unused)", (low, 7))]


ONE_HOT = Exercise(
    name="one_hot",
    notebook=NB,
    forbid_modules=("rnncourse.data",),
    reference=R.one_hot,
    make_cases=_one_hot_cases,
    hand=(Case("ids [[2, 0]], n_x=3", (np.array([[2, 0]]), 3)),),
    returns="array",
    outputs=("x",),
    hint="ids is (m, T_x); the result is (m, T_x, n_x) float64 with x[i, t, ids[i, t]] = 1.",
    mistakes=catalogue(
        _one_hot,
        [
            (
                "time_first",
                "put time first, (T_x, m, n_x): the course's layout is batch first, "
                "(m, T_x, n_x), and x[i, t] is the one-hot vector of ids[i, t].",
            ),
            (
                "channels_middle",
                "put the one-hot axis in the middle, (m, n_x, T_x): it is the last axis, "
                "(m, T_x, n_x).",
            ),
            (
                "index_all",
                "set x[:, :, ids] = 1: that marks every id of the whole batch at every "
                "position. Set one entry per (i, t), x[i, t, ids[i, t]] = 1; np.eye(n_x)[ids] "
                "does it in one step.",
            ),
            (
                "off_by_one",
                "shifted the ids by one: id k sets entry k (0-based), so <PAD>, id 0, sets "
                "entry 0.",
            ),
            (
                "bag_of_words",
                "summed over time (a bag of words): keep one vector per time step, (m, T_x, n_x).",
            ),
        ],
    ),
)

# --- pad_batch -------------------------------------------------------------------------------------


def _pad_batch(seqs: list[list[int]], bug: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)  # (m,)
    T_x = int(lengths.max()) + (bug == "extra_column")
    pad = -1 if bug == "pad_minus_one" else data.Vocab.pad_id
    padded = np.full((len(seqs), T_x), pad, dtype=np.int64)  # (m, T_x)
    for i, s in enumerate(seqs):
        if bug == "pad_front":
            padded[i, T_x - len(s) :] = s
        else:
            padded[i, : len(s)] = s
    mask = np.arange(T_x) < lengths[:, None]  # (m, T_x): (T_x,) against (m, 1)
    if bug in ("pad_front", "mask_from_padding"):
        mask = padded != pad
    elif bug == "mask_inverted":
        mask = ~mask
    if bug == "lengths_argmin":
        lengths = mask.argmin(axis=1)
    elif bug == "lengths_minus_one":
        lengths = lengths - 1
    return padded, mask, lengths


def _seq(rng: np.random.Generator, length: int) -> list[int]:
    # an encoded sentence: word ids >= 3, then <EOS>; never <PAD> inside
    return [*(int(i) for i in rng.integers(3, 20, size=length - 1)), data.Vocab.eos_id]


def _pad_batch_cases(rng: np.random.Generator) -> list[Case]:
    shapes = [[4, 1, 6, 3], [1], [5], [2, 2, 2]]
    shapes.append([int(n) for n in rng.integers(1, 8, size=int(rng.integers(2, 6)))])
    cases = [Case(f"m={len(ls)}, lengths {ls}", ([_seq(rng, n) for n in ls],)) for ls in shapes]
    labels = [[1, 0, 1], [0], [0, 1, 1, 0]]  # 0/1 labels, as the notebook pads: real zeros inside
    return [*cases, Case("m=3, 0/1 labels [[1, 0, 1], [0], [0, 1, 1, 0]] (real zeros)", (labels,))]


PAD_BATCH = Exercise(
    name="pad_batch",
    notebook=NB,
    forbid_modules=("rnncourse.data",),
    reference=R.pad_batch,
    make_cases=_pad_batch_cases,
    hand=(Case("seqs [[5, 2], [7, 8, 9, 2]]", ([[5, 2], [7, 8, 9, 2]],)),),
    returns="tuple",
    outputs=("padded", "mask", "lengths"),
    time_axis={"padded": 1, "mask": 1},
    hint=(
        "T_x = max(len(s) for s in seqs); padded = np.full((m, T_x), 0, dtype=np.int64), "
        "then copy each sequence into the start of its row."
    ),
    mistakes=catalogue(
        _pad_batch,
        [
            (
                "mask_inverted",
                "inverted the mask: True marks a real token (t <= T_x^(i)), False the padding.",
            ),
            (
                "pad_front",
                "padded at the front: the real tokens come first, at t = 1, ..., T_x^(i), "
                "then <PAD> up to T_x.",
            ),
            (
                "pad_minus_one",
                "padded with -1: pad with <PAD>'s id, 0. -1 is not an id (as an index it "
                "silently picks the last row of an embedding matrix).",
            ),
            (
                "extra_column",
                "made one column too many: T_x = max_i T_x^(i), so the longest sequence has no "
                "padding at all.",
            ),
            (
                "lengths_argmin",
                "computed the lengths with argmin over the mask: a row without padding has no "
                "False, so argmin gives 0. Count the True entries: mask.sum(axis=1).",
            ),
            (
                "mask_from_padding",
                "computed the mask from the padded values (padded != 0): a real token can be 0 "
                "too (the notebook pads 0/1 labels). The mask comes from the lengths: "
                "np.arange(T_x) < lengths[:, None].",
            ),
            (
                "lengths_minus_one",
                "gave the index of the last token (len - 1) as the length: T_x^(i) counts the "
                "tokens, len(seq).",
            ),
        ],
    ),
)

# --- embedding_lookup ------------------------------------------------------------------------------


def _columns(ids: np.ndarray, E: np.ndarray) -> np.ndarray:
    # an id >= n_e has no column: NumPy raises IndexError, and a ValueError says the same to the
    # generic tests ("this mistake crashes on this case, it shows on another")
    if ids.max() >= E.shape[1]:
        raise ValueError(f"index {ids.max()} is out of bounds for axis 1 with size {E.shape[1]}")
    return E[:, ids]  # (n_e, m, T_x)


def _embedding_lookup(ids: np.ndarray, E: np.ndarray, bug: str) -> np.ndarray:
    return {
        "one_hot_times_E_T": lambda: np.eye(E.shape[0])[ids] @ E.T,  # raises unless n_x == n_e
        "one_hot_product": lambda: np.eye(E.shape[0])[ids] @ E,
        "columns": lambda: _columns(ids, E),
        "off_by_one": lambda: E[ids - 1],
        "time_first": lambda: E[ids.T],
    }.get(bug, lambda: E[ids])()


def _embedding_cases(rng: np.random.Generator) -> list[Case]:
    sizes = [(2, 3, 4, 4), (1, 1, 3, 5)]  # square first: there a transposed E gives values
    for _ in range(2):
        n_x, n_e = (int(n) for n in rng.choice(np.arange(2, 10), size=2, replace=False))
        sizes.append((int(rng.integers(2, 6)), int(rng.integers(2, 7)), n_x, n_e))
    cases = [
        Case(
            f"m={m}, T={T}, n_x={n_x}, n_e={n_e}",
            (_ids(rng, m, T, n_x), rng.normal(size=(n_x, n_e))),
        )
        for m, T, n_x, n_e in sizes
    ]
    E = rng.normal(size=(6, 3))
    E[5] = np.inf  # a row no id picks: a lookup never touches it, a one-hot product does (0·inf)
    ids = rng.integers(0, 5, size=(2, 3))
    return [*cases, Case("m=2, T=3, n_x=6, n_e=3, E's unused last row inf", (ids, E))]


EMBEDDING_LOOKUP = Exercise(
    name="embedding_lookup",
    notebook=NB,
    forbid_modules=("rnncourse.data",),
    reference=R.embedding_lookup,
    make_cases=_embedding_cases,
    hand=(
        Case(
            "ids [[4, 0, 2]], E = arange(15).reshape(5, 3)",
            (np.array([[4, 0, 2]]), np.arange(15.0).reshape(5, 3)),
        ),
    ),
    returns="array",
    outputs=("e",),
    hint="E is (n_x, n_e), one row per token: index its rows with the (m, T_x) array of ids.",
    mistakes=catalogue(
        _embedding_lookup,
        [
            (
                "one_hot_times_E_T",
                "multiplied the one-hot vectors by E.T: E is (n_x, n_e), so one_hot(ids) @ E "
                "picks row k of E for id k; the lookup is E[ids].",
            ),
            (
                "columns",
                "indexed the columns of E, E[:, ids] (the lecture's E is (n_e, n_x) and E o_w "
                "picks a column): here E is stored like torch.nn.Embedding.weight, (n_x, n_e), "
                "one row per token, so the lookup is E[ids].",
            ),
            (
                "one_hot_product",
                "built one-hot vectors and multiplied them by E: the result is the same row, "
                "but the exercise is the lookup without one-hot vectors, E[ids] (a product "
                "costs n_x multiplications per entry and touches every row of E: here an "
                "unused row of inf gives 0 · inf = NaN).",
            ),
            ("off_by_one", "shifted the ids by one (E[ids - 1]): id k is row k of E."),
            (
                "time_first",
                "returned (T_x, m, n_e): keep the batch first, E[ids] is (m, T_x, n_e).",
            ),
        ],
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    BUILD_VOCAB,
    ENCODE,
    DECODE,
    ONE_HOT,
    PAD_BATCH,
    EMBEDDING_LOOKUP,
)
