r"""Tests of rnncourse.data: vocabularies, one-hot, padding, batches, shipped data, generators."""

from __future__ import annotations

import re
import socket
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncourse import data as d

# ---------------------------------------------------------------------------------------------
# Vocab


def test_specials_have_fixed_ids():
    v = d.Vocab(["a", "b"], level="char")
    assert (d.PAD, d.UNK, d.EOS) == ("<PAD>", "<UNK>", "<EOS>")
    assert v.itos[:3] == d.SPECIALS == (d.PAD, d.UNK, d.EOS)
    assert (v.pad_id, v.unk_id, v.eos_id) == (0, 1, 2)
    assert [v.token_to_id(s) for s in d.SPECIALS] == [0, 1, 2]
    assert v.itos[3:] == ("a", "b") and len(v) == 5
    assert "a" in v and d.UNK in v and "c" not in v
    assert v.stoi == {d.PAD: 0, d.UNK: 1, d.EOS: 2, "a": 3, "b": 4}
    with pytest.raises(TypeError):
        v.stoi["c"] = 5  # read-only


def test_build_orders_by_count_then_first_appearance():
    v = d.Vocab.build(["b a b c", "a d c e"], level="word")
    # counts: b 2, a 2, c 2, d 1, e 1; ties keep the order of first appearance
    assert v.itos[3:] == ("b", "a", "c", "d", "e")
    assert d.Vocab.build(["zzy", "yx"], level="char").itos[3:] == ("z", "y", "x")


def test_min_freq_maps_rare_tokens_to_unk():
    v = d.Vocab.build(["the cat and the dog", "the cat"], min_freq=2)
    assert v.itos[3:] == ("the", "cat")
    assert "dog" not in v
    assert v.encode("the dog ate the cat") == [3, 1, 1, 3, 4]
    assert v.decode(v.encode("the dog")) == "the <UNK>"


def test_word_tokenize_rule():
    v = d.Vocab([], level="word")
    assert v.tokenize("Don't panic!") == ["don", "'", "t", "panic", "!"]
    assert v.tokenize("  Hello,\tWORLD...  x_1 ") == ["hello", ",", "world", ".", ".", ".", "x_1"]
    assert v.tokenize("") == []


def test_char_tokenize_keeps_case_and_spaces():
    assert d.Vocab([], level="char").tokenize("Ab c") == ["A", "b", " ", "c"]


def test_encode_eos_and_token_lists():
    v = d.Vocab.build(["ab"], level="char")
    assert v.encode("abz", add_eos=True) == [3, 4, 1, 2]
    w = d.Vocab(["the", "cat"])
    assert w.encode(["the", "cat", "sat"]) == [3, 4, 1]  # a token list is used as it is
    assert w.encode(["The"]) == [1]  # ... not lower-cased


def test_decode_joins_by_level_and_strips_specials():
    c = d.Vocab(["a", "b"], level="char")
    assert c.decode([3, 4, 1, 2, 0, 0]) == "ab<UNK>"
    assert c.decode([3, 4, 2, 0], strip_specials=False) == "ab<EOS><PAD>"
    w = d.Vocab(["the", "cat"], level="word")
    assert w.decode(np.array([3, 4, 2])) == "the cat"
    assert w.decode(torch.tensor([4, 3])) == "cat the"
    assert w.decode([]) == ""


@settings(deadline=None)
@given(st.text())
def test_char_round_trip(text):
    v = d.Vocab.build([text], level="char")
    assert d.UNK not in v.itos[3:]
    assert v.decode(v.encode(text)) == text
    assert len(v) == 3 + len(set(text))


@settings(deadline=None)
@given(st.text(), st.data())
def test_word_round_trip(text, data):
    v = d.Vocab.build([text], level="word")
    ids = v.encode(text)
    assert 1 not in ids  # every token of the training text is known
    assert v.decode(ids) == " ".join(v.tokenize(text))
    # any ids of ordinary tokens survive decode -> encode
    others = data.draw(st.lists(st.integers(3, max(3, len(v) - 1)), max_size=20))
    if len(v) > 3:
        assert v.encode(v.decode(others)) == others


def test_vocab_rejects_bad_tokens():
    with pytest.raises(ValueError, match="repeated"):
        d.Vocab(["a", "a"])
    with pytest.raises(ValueError, match="special"):
        d.Vocab(["a", d.EOS])
    with pytest.raises(ValueError, match="'ab'"):
        d.Vocab(["ab"], level="char")
    with pytest.raises(ValueError, match="'Cat'"):
        d.Vocab(["Cat"], level="word")
    with pytest.raises(ValueError, match="'a b'"):
        d.Vocab(["a b"], level="word")
    with pytest.raises(TypeError, match="int"):
        d.Vocab(["a", 3])
    with pytest.raises(TypeError, match="single str"):
        d.Vocab("abc")
    with pytest.raises(ValueError, match="level"):
        d.Vocab(["a"], level="byte")


def test_build_rejects_bad_input():
    with pytest.raises(ValueError, match="min_freq must be >= 1, got 0"):
        d.Vocab.build(["a"], min_freq=0)
    with pytest.raises(TypeError, match="min_freq"):
        d.Vocab.build(["a"], min_freq=1.5)
    with pytest.raises(TypeError, match="single str"):
        d.Vocab.build("a text")
    with pytest.raises(TypeError, match="texts"):
        d.Vocab.build(["a", None])


def test_id_lookups_reject_bad_input():
    v = d.Vocab(["a", "b"], level="char")
    assert v.token_to_id("z") == v.unk_id
    assert v.id_to_token(4) == "b" and v.id_to_token(np.int64(3)) == "a"
    with pytest.raises(ValueError, match=r"index 5 .* size 5"):
        v.id_to_token(5)
    with pytest.raises(ValueError, match=r"index -1 .* size 5"):
        v.id_to_token(-1)
    with pytest.raises(TypeError):
        v.id_to_token(True)
    with pytest.raises(TypeError):
        v.id_to_token(1.0)
    with pytest.raises(TypeError):
        v.token_to_id(3)
    with pytest.raises(ValueError, match=r"id 7 at position 1.*size 5"):
        v.decode([3, 7])
    with pytest.raises(TypeError, match="integer"):
        v.decode([3.0])
    with pytest.raises(ValueError, match="1-D"):
        v.decode([[3]])
    with pytest.raises(TypeError):
        v.encode(3)
    with pytest.raises(TypeError):
        v.tokenize(["a"])


# ---------------------------------------------------------------------------------------------
# one_hot, pad_batch, batches

_shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3)


@settings(deadline=None)
@given(_shapes, st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_one_hot_any_shape(shape, num_classes, seed):
    ids = np.random.default_rng(seed).integers(num_classes, size=shape)
    y = d.one_hot(ids, num_classes)
    assert y.shape == (*shape, num_classes) and y.dtype == np.float64
    assert np.array_equal(y.sum(-1), np.ones(shape))
    if ids.size:
        assert np.array_equal(y.argmax(-1), ids)


def test_one_hot_lists_and_embedding_lookup():
    assert np.array_equal(d.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert d.one_hot([], 4).shape == (0, 4)
    ids = np.array([[1, 3, 3], [0, 2, 1]])
    E = np.random.default_rng(0).normal(size=(4, 5))
    # one-hot times the embedding matrix is the row lookup E[ids]
    np.testing.assert_allclose(d.one_hot(ids, 4) @ E, E[ids])


def test_one_hot_rejects_bad_input():
    with pytest.raises(ValueError, match=r"id 3 at position \(1, 0\).*\[0, 2\]"):
        d.one_hot([[0, 1], [3, 0]], 3)
    with pytest.raises(ValueError, match="id -1"):
        d.one_hot([-1], 3)
    with pytest.raises(TypeError, match="integer"):
        d.one_hot([0.0, 1.0], 3)
    with pytest.raises(TypeError, match="integer"):
        d.one_hot(np.array([True]), 3)
    with pytest.raises(TypeError, match="torch"):
        d.one_hot(torch.tensor([0]), 3)
    with pytest.raises(ValueError, match="num_classes must be >= 1"):
        d.one_hot([0], 0)
    with pytest.raises(ValueError, match="rectangular"):
        d.one_hot([[0, 1], [1]], 3)


@settings(deadline=None)
@given(
    st.lists(st.lists(st.integers(-5, 50), max_size=6), min_size=1, max_size=5), st.integers(-1, 3)
)
def test_pad_batch(seqs, pad_id):
    padded, mask, lengths = d.pad_batch(seqs, pad_id=pad_id)
    T = max(len(s) for s in seqs)
    assert padded.shape == mask.shape == (len(seqs), T)
    assert (padded.dtype, mask.dtype, lengths.dtype) == (np.int64, np.bool_, np.int64)
    assert lengths.tolist() == [len(s) for s in seqs]
    for i, s in enumerate(seqs):
        assert padded[i, : len(s)].tolist() == s
        assert (padded[i, len(s) :] == pad_id).all()
        assert mask[i].tolist() == [True] * len(s) + [False] * (T - len(s))


def test_pad_batch_feeds_pack_padded_sequence():
    padded, _, lengths = d.pad_batch([[1, 2, 3], [4], [5, 6]])
    x = torch.from_numpy(padded).unsqueeze(-1).double()  # (m, T_x, 1)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        x, lengths, batch_first=True, enforce_sorted=False
    )
    back, back_lengths = torch.nn.utils.rnn.pad_packed_sequence(packed, batch_first=True)
    assert torch.equal(back.squeeze(-1).long(), torch.from_numpy(padded))
    assert back_lengths.tolist() == [3, 1, 2]


def test_pad_batch_empty_sequences_and_arrays():
    padded, mask, lengths = d.pad_batch([[], []])
    assert padded.shape == mask.shape == (2, 0) and lengths.tolist() == [0, 0]
    padded, mask, _ = d.pad_batch([np.array([7, 8]), (9,)])
    assert padded.tolist() == [[7, 8], [9, 0]] and mask.tolist() == [[True, True], [True, False]]


def test_pad_batch_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        d.pad_batch([])
    with pytest.raises(TypeError, match="seqs"):
        d.pad_batch("abc")
    with pytest.raises(TypeError, match=r"seqs\[1\]"):
        d.pad_batch([[1], [2.5]])
    with pytest.raises(ValueError, match=r"seqs\[0\] must be a 1-D .* shape \(1, 2\)"):
        d.pad_batch([[[1, 2]]])
    with pytest.raises(TypeError, match="pad_id"):
        d.pad_batch([[1]], pad_id=0.0)


@settings(deadline=None)
@given(st.integers(0, 40), st.integers(1, 12), st.booleans(), st.integers(0, 2**32 - 1))
def test_batches_cover_every_row_once(m, batch_size, shuffle, seed):
    X = np.arange(m * 2).reshape(m, 2)
    y = torch.arange(m)
    rng = np.random.default_rng(seed) if shuffle else None
    out = list(d.batches(X, y, batch_size=batch_size, shuffle=shuffle, rng=rng))
    sizes = [len(b[1]) for b in out]
    assert sizes == [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    rows = np.concatenate([b[1].numpy() for b in out]) if out else np.array([], dtype=int)
    assert sorted(rows.tolist()) == list(range(m))
    if not shuffle:
        assert rows.tolist() == list(range(m))
    for xb, yb in out:  # rows stay aligned across arrays
        assert np.array_equal(xb[:, 0], 2 * yb.numpy())


def test_batches_shuffle_is_reproducible():
    X = np.arange(100)

    def order(seed):
        return np.concatenate(
            [
                b
                for (b,) in d.batches(
                    X, batch_size=7, shuffle=True, rng=np.random.default_rng(seed)
                )
            ]
        )

    assert np.array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    assert not np.array_equal(order(1), X)


def test_batches_rejects_bad_input_at_the_call():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="at least one"):
        d.batches(batch_size=2)
    with pytest.raises(ValueError, match=r"arrays\[1\] must have 4 rows .* \(3,\)"):
        d.batches(X, np.zeros(3), batch_size=2)
    with pytest.raises(TypeError, match=r"arrays\[0\]"):
        d.batches([1, 2, 3], batch_size=2)
    with pytest.raises(ValueError, match="scalar"):
        d.batches(np.array(1.0), batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        d.batches(X, batch_size=0)
    with pytest.raises(TypeError, match="batch_size"):
        d.batches(X, batch_size=2.0)
    with pytest.raises(ValueError, match="needs rng"):
        d.batches(X, batch_size=2, shuffle=True)
    with pytest.raises(ValueError, match="only used with shuffle"):
        d.batches(X, batch_size=2, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        d.batches(X, batch_size=2, shuffle=True, rng=0)


# ---------------------------------------------------------------------------------------------
# shipped data


def test_load_names():
    names = d.load_names()
    assert len(names) == 5163 and len(set(names)) == len(names)
    assert names[:6] == ["mary", "james", "patricia", "john", "linda", "robert"]
    assert all(re.fullmatch(r"[a-z]{2,11}", n) for n in names)
    assert {"emma", "oliver", "zachary"} <= set(names)
    names.append("mutated")
    assert d.load_names()[-1] != "mutated"  # a fresh list each call
    v = d.Vocab.build(d.load_names(), level="char")
    assert len(v) == 3 + 26


def test_load_co2_shape_and_calendar():
    co2 = d.load_co2()
    assert isinstance(co2, d.CO2Series)
    assert co2.year.dtype == co2.month.dtype == np.int64
    assert co2.ppm.dtype == np.float64 and co2.filled.dtype == np.bool_
    assert co2.year.shape == co2.month.shape == co2.ppm.shape == co2.filled.shape == (526,)
    assert (co2.year[0], co2.month[0], co2.year[-1], co2.month[-1]) == (1958, 3, 2001, 12)
    assert (np.diff(co2.year * 12 + co2.month - 1) == 1).all()  # every month once, in order
    np.testing.assert_allclose(co2.time, co2.year + (co2.month - 0.5) / 12)
    filled = list(zip(co2.year[co2.filled].tolist(), co2.month[co2.filled].tolist(), strict=True))
    assert filled == [(1958, 6), (1958, 10), (1964, 2), (1964, 3), (1964, 4)]
    assert co2.ppm.min() == pytest.approx(312.86) and co2.ppm.max() == pytest.approx(373.82)


def test_load_co2_rises_with_a_yearly_cycle():
    co2 = d.load_co2()
    full = (co2.year >= 1959) & (co2.year <= 2001)
    yearly = co2.ppm[full].reshape(-1, 12).mean(axis=1)  # (43,) calendar-year means
    assert (np.diff(yearly) > 0).all()
    slope = np.polyfit(co2.time, co2.ppm, 1)[0]
    assert 1.2 < slope < 1.5  # ppm per year
    t = np.arange(len(co2.ppm))
    r = co2.ppm - np.polyval(np.polyfit(t, co2.ppm, 2), t)  # (T,) detrended
    r = r - r.mean()
    acf = np.array([r[:-k] @ r[k:] / (r @ r) for k in range(1, 31)])  # lags 1..30
    assert int(np.argmax(acf[1:])) + 2 == 12  # beyond lag 1, the strongest lag is a year
    assert acf[11] > 0.8 and acf[5] < -0.5  # in phase after 12 months, opposite after 6
    # the peak of the cycle is in May, the trough in September or October
    season = r[full].reshape(-1, 12).mean(axis=0)
    assert int(np.argmax(season)) + 1 == 5 and int(np.argmin(season)) + 1 in (9, 10)


def test_provenance_note_ships_with_the_data():
    from importlib import resources

    folder = resources.files("rnncourse") / "datasets"
    note = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    for fact in (
        "public domain",
        "1990",
        "Census",
        "Mauna Loa",
        "Scripps",
        "names.txt",
        "co2_monthly.csv",
    ):
        assert fact in note


# ---------------------------------------------------------------------------------------------
# generators


_GENERATORS = {
    "agreement": lambda seed: d.agreement_task(40, 6, seed),
    "tagging": lambda seed: d.next_token_tagging_task(40, 9, seed),
    "sentiment": lambda seed: d.sentiment_task(40, seed),
    "negation": lambda seed: d.negation_task(40, 9, 4, seed),
}


@pytest.mark.parametrize("task", sorted(_GENERATORS))
def test_generators_are_seeded(task):
    make = _GENERATORS[task]
    words, labels = make(3)
    again, labels_again = make(3)
    assert words == again and np.array_equal(labels, labels_again)
    from_generator, labels_generator = make(np.random.default_rng(3))
    assert from_generator == words and np.array_equal(labels_generator, labels)
    other, _ = make(4)
    assert other != words
    assert labels.dtype == np.int64
    vocab = d.task_vocab(task)
    assert all(vocab.unk_id not in vocab.encode(s) for s in words)


@pytest.mark.parametrize("task", sorted(_GENERATORS))
def test_task_vocab_is_fixed(task):
    v = d.task_vocab(task)
    assert v.itos == d.task_vocab(task).itos and v.level == "word"


def test_generators_reject_bad_input():
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        d.agreement_task(0, 3, 0)
    with pytest.raises(TypeError, match="n must be an int"):
        d.sentiment_task(2.0, 0)
    with pytest.raises(TypeError, match="n must be an int"):
        d.sentiment_task(True, 0)
    with pytest.raises(ValueError, match="distance must be >= 0"):
        d.agreement_task(4, -1, 0)
    with pytest.raises(ValueError, match="length must be >= 2"):
        d.next_token_tagging_task(4, 1, 0)
    with pytest.raises(TypeError, match="seed"):
        d.sentiment_task(4, "0")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        d.sentiment_task(4, -1)
    with pytest.raises(ValueError, match="task must be one of"):
        d.task_vocab("translation")
    with pytest.raises(ValueError, match="max_distance must be >= 1, got 0"):
        d.negation_task(4, 9, 0, 0)
    with pytest.raises(ValueError, match="length must be >= 9, got 8"):
        d.negation_task(4, 8, 4, 0)  # no room for "the plot was very good" and a "not" 4 after
    with pytest.raises(TypeError, match="max_distance must be an int"):
        d.negation_task(4, 9, 2.0, 0)
    with pytest.raises(TypeError, match="length must be an int"):
        d.negation_task(4, None, 2, 0)


def test_agreement_label_is_only_in_the_subject():
    nouns = set(d.AGREEMENT_SINGULAR) | set(d.AGREEMENT_PLURAL)
    fillers = set(d.AGREEMENT_FILLERS)
    assert len(d.AGREEMENT_SINGULAR) == len(d.AGREEMENT_PLURAL) == len(set(d.AGREEMENT_PLURAL))
    assert not fillers & nouns and not fillers & set(d.AGREEMENT_VERBS)
    assert len(fillers) == len(d.AGREEMENT_FILLERS)
    sentences, labels = d.agreement_task(4001, 10, seed=0)
    assert labels.shape == (4001,) and labels.sum() == 2000
    assert all(len(s) == 11 and set(s[1:]) <= fillers for s in sentences)
    assert [int(s[0] in d.AGREEMENT_PLURAL) for s in sentences] == labels.tolist()
    # fillers are equally frequent in both classes: a model that forgets the subject is at chance
    freq = [
        Counter(w for s, y in zip(sentences, labels, strict=True) if y == c for w in s[1:])
        for c in (0, 1)
    ]
    totals = [sum(f.values()) for f in freq]
    gap = max(abs(freq[0][w] / totals[0] - freq[1][w] / totals[1]) for w in fillers)
    assert gap < 0.01
    # and at every position
    for t in range(1, 11):
        counts = [
            Counter(s[t] for s, y in zip(sentences, labels, strict=True) if y == c) for c in (0, 1)
        ]
        assert (
            max(abs(counts[0][w] - counts[1][w]) for w in fillers) < 45
        )  # of ~56 per word and class
    assert [len(s) for s in d.agreement_task(3, 0, 0)[0]] == [1, 1, 1]


def _tag_by_rule(words):
    person_next = set(d.TAGGING_SURNAMES) | set(d.TAGGING_PERSON_VERBS)
    return [
        int(words[t + 1] in person_next)
        if w in d.TAGGING_AMBIGUOUS
        else int(w in d.TAGGING_SURNAMES)
        for t, w in enumerate(words)
    ]


def test_tagging_tags_follow_the_next_word():
    groups = [
        set(d.TAGGING_AMBIGUOUS),
        {w for things in d.TAGGING_THINGS.values() for w in things},
        set(d.TAGGING_SURNAMES),
        set(d.TAGGING_PERSON_VERBS),
        set(d.TAGGING_FILLERS),
    ]
    assert sum(len(g) for g in groups) == len(set().union(*groups))  # disjoint word lists
    sentences, tags = d.next_token_tagging_task(3000, 12, seed=0)
    assert tags.shape == (3000, 12) and set(np.unique(tags)) == {0, 1}
    for words, row in zip(sentences, tags.tolist(), strict=True):
        assert len(words) == 12
        assert words[-1] not in d.TAGGING_AMBIGUOUS
        assert _tag_by_rule(words) == row


def _ambiguous_contexts(seed):
    # (previous word, ambiguous word) -> [count, how many of them are names]
    sentences, tags = d.next_token_tagging_task(4000, 12, seed=seed)
    stats: dict[tuple[str, str], list[int]] = {}
    for words, row in zip(sentences, tags.tolist(), strict=True):
        for t, w in enumerate(words):
            if w in d.TAGGING_AMBIGUOUS:
                entry = stats.setdefault((words[t - 1] if t else "<start>", w), [0, 0])
                entry[0] += 1
                entry[1] += row[t]
    return stats


def test_tagging_left_context_says_nothing_about_ambiguous_words():
    train, test = _ambiguous_contexts(1), _ambiguous_contexts(2)
    total = sum(c for c, _ in test.values())
    assert 0.25 < total / (4000 * 12) < 0.31  # about 2/7 of the words are ambiguous
    assert abs(sum(p for _, p in test.values()) / total - 0.5) < 0.02  # unidirectional ceiling
    for w in d.TAGGING_AMBIGUOUS:
        counts = [(c, p) for (_, a), (c, p) in test.items() if a == w]
        assert abs(sum(p for _, p in counts) / sum(c for c, _ in counts) - 0.5) < 0.05, w
    # whatever the previous word, an ambiguous word is a name half of the time
    by_previous: dict[str, list[int]] = {}
    for (previous, _), (c, p) in test.items():
        by_previous.setdefault(previous, [0, 0])
        by_previous[previous][0] += c
        by_previous[previous][1] += p
    checked = 0
    for previous, (c, p) in by_previous.items():
        if c >= 100:
            checked += 1
            assert abs(p / c - 0.5) < 4 * np.sqrt(0.25 / c), previous  # 4 standard errors
    assert checked >= 40
    # a left-to-right tagger that memorised the majority tag of every (previous word, word) on
    # one sample is still at chance on another
    correct = 0
    for key, (c, p) in test.items():
        c_train, p_train = train.get(key, (0, 0))
        correct += p if 2 * p_train > c_train else c - p
    assert abs(correct / total - 0.5) < 0.03


def _sentiment_by_rule(words):
    last = words[len(words) - words[::-1].index("but") :] if "but" in words else words
    positive = last[-1] in d.SENTIMENT_POSITIVE
    return int(positive != ("not" in last))


def test_sentiment_labels_follow_negation_and_but():
    sentences, labels = d.sentiment_task(3001, seed=0)
    assert labels.shape == (3001,) and labels.sum() == 1500
    assert [_sentiment_by_rule(s) for s in sentences] == labels.tolist()
    clause = re.compile(r"the \w+ (was|is)( not)?( (very|really|extremely|truly))? \w+")
    with_but = 0
    for words, y in zip(sentences, labels.tolist(), strict=True):
        text = " ".join(words)
        parts = text.split(" but ")
        assert len(parts) in (1, 2) and all(clause.fullmatch(p) for p in parts)
        if len(parts) == 2:
            with_but += 1
            assert _sentiment_by_rule(parts[0].split()) == 1 - y  # a contrast
            assert parts[0].split()[1] != parts[1].split()[1]
        assert 4 <= len(words) <= 13
    assert 0.45 < with_but / 3001 < 0.55
    # negation is independent of the label, so the last adjective alone is at chance
    negated = [("not" in s[-3:]) for s in sentences]
    for c in (0, 1):
        rate = np.mean([n for n, y in zip(negated, labels, strict=True) if y == c])
        assert 0.45 < rate < 0.55


_SENTIMENT_WORDS = set(d.SENTIMENT_POSITIVE) | set(d.SENTIMENT_NEGATIVE)


def _negation_cue(words):
    """(the sentiment word's index, where the "not" is: "before", "none" or its distance after)."""
    p = next(t for t, w in enumerate(words) if w in _SENTIMENT_WORDS)
    if "not" not in words:
        return p, "none"
    q = words.index("not")
    return p, ("before" if q < p else q - p)


def test_negation_labels_follow_the_adjective_and_any_not():
    sentences, labels = d.negation_task(4001, 10, 4, seed=0)
    assert labels.shape == (4001,) and labels.dtype == np.int64 and labels.sum() == 2000
    opening = re.compile(r"the \w+ (was|is)( not)?( (very|really|extremely|truly))? \w+")
    cues = {"before": 0, "none": 0, 1: 0, 2: 0, 3: 0, 4: 0}
    for words, y in zip(sentences, labels.tolist(), strict=True):
        assert len(words) == 10 and words.count("not") <= 1
        assert sum(w in _SENTIMENT_WORDS for w in words) == 1
        p, cue = _negation_cue(words)
        assert opening.fullmatch(" ".join(words[: p + 1]))
        assert all(w in d.NEGATION_FILLERS or w == "not" for w in words[p + 1 :])
        assert y == int((words[p] in d.SENTIMENT_POSITIVE) != ("not" in words))
        cues[cue] += 1
    share = {k: v / 4001 for k, v in cues.items()}
    assert abs(share["before"] - 0.25) < 0.03 and abs(share["none"] - 0.5) < 0.03
    for k in (1, 2, 3, 4):  # the distance after the adjective: uniform on 1 … max_distance
        assert abs(share[k] - 0.0625) < 0.015, share


def test_negation_left_to_right_ceiling_is_three_quarters():
    """The best rule on x<1..p> (the review up to the adjective; what matters in it is whether a
    "not" came and the adjective's polarity), learned on one sample and scored on another: 3/4
    overall, every review with a "not" after the adjective wrong."""

    def prefixes(seed):
        out = []
        for words, y in zip(*d.negation_task(6000, 10, 4, seed), strict=True):
            p, cue = _negation_cue(words)
            seen = words[: p + 1]  # all a left-to-right model has read at the adjective
            out.append((("not" in seen, seen[-1] in d.SENTIMENT_POSITIVE), cue, y))
        return out

    votes: dict[tuple[str, ...], list[int]] = {}
    for prefix, _, y in prefixes(1):
        votes.setdefault(prefix, [0, 0])[y] += 1
    right = {"before": [], "none": [], "after": []}
    for prefix, cue, y in prefixes(2):
        v = votes[prefix]
        guess = int(v[1] > v[0])
        right["after" if isinstance(cue, int) else cue].append(guess == y)
    overall = np.mean([r for rs in right.values() for r in rs])
    assert abs(overall - 0.75) < 0.02, overall
    assert np.mean(right["before"]) > 0.98 and np.mean(right["none"]) > 0.95
    assert np.mean(right["after"]) < 0.05


# ---------------------------------------------------------------------------------------------
# offline


def test_nothing_opens_a_network_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("rnncourse.data tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(AssertionError, match="network"):  # the guard is live
        socket.create_connection(("127.0.0.1", 9))
    assert len(d.load_names()) == 5163
    assert len(d.load_co2().ppm) == 526
    for task, make in _GENERATORS.items():
        words, _ = make(0)
        ids = [d.task_vocab(task).encode(s) for s in words]
        padded, _, _ = d.pad_batch(ids)
        assert d.one_hot(padded, len(d.task_vocab(task))).shape[0] == 40
        assert len(list(d.batches(padded, batch_size=16))) == 3
    assert len(d.Vocab.build(d.load_names(), level="char")) == 29
