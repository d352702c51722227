"""Wrong answers to notebook 00 (vocabulary, encode/decode, one-hot, padding, embeddings)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from wrong_answers import wrong

SPECIALS = ["<PAD>", "<UNK>", "<EOS>"]


def vocab_split_space(sentences, min_freq):
    counts = Counter()
    for s in sentences:
        counts.update(s.lower().split(" "))
    return SPECIALS + [w for w, c in counts.most_common() if c >= min_freq]


def vocab_set_order(sentences, min_freq):
    tokens = [w for s in sentences for w in s.lower().split()]
    counts = Counter(tokens)
    words = sorted(set(tokens), key=lambda w: -counts[w])  # a set has no first-appearance order
    return SPECIALS + [w for w in words if counts[w] >= min_freq]


def vocab_specials_order(sentences, min_freq):
    counts = Counter(w for s in sentences for w in s.lower().split())
    return ["<UNK>", "<PAD>", "<EOS>"] + [w for w, c in counts.most_common() if c >= min_freq]


def vocab_lowered_after_counting(sentences, min_freq):
    counts = Counter(w for s in sentences for w in s.split())
    return SPECIALS + [w.lower() for w, c in counts.most_common() if c >= min_freq]


def encode_ndarray(sentence, itos):
    stoi = {w: i for i, w in enumerate(itos)}
    return np.array([stoi.get(w, 1) for w in sentence.lower().split()] + [2])


def encode_unknown_new_id(sentence, itos):
    stoi = {w: i for i, w in enumerate(itos)}
    return [stoi.get(w, len(itos)) for w in sentence.lower().split()] + [2]


def encode_split_space(sentence, itos):
    stoi = {w: i for i, w in enumerate(itos)}
    return [stoi.get(w, 1) for w in sentence.lower().split(" ")] + [2]


def encode_dedup(sentence, itos):
    stoi = {w: i for i, w in enumerate(itos)}
    return [stoi.get(w, 1) for w in dict.fromkeys(sentence.lower().split())] + [2]


def decode_words(ids, itos):
    return [itos[i] for i in ids if i not in (0, 2)]


def decode_off_by_one(ids, itos):
    return " ".join(itos[i - 1] for i in ids if i not in (0, 2))


def decode_comma(ids, itos):
    return ", ".join(itos[i] for i in ids if i not in (0, 2))


def decode_capitalised(ids, itos):
    return " ".join(itos[i] for i in ids if i not in (0, 2)).capitalize()


def one_hot_width_from_ids(ids, n_x):
    return np.eye(ids.max() + 1)[ids]


def one_hot_int(ids, n_x):
    return np.eye(n_x, dtype=np.int64)[ids]


def one_hot_square_batch(ids, n_x):
    m = ids.shape[0]
    x = np.zeros((m, m, n_x))
    for i in range(m):
        for t in range(min(m, ids.shape[1])):
            x[i, t, ids[i, t]] = 1.0
    return x


def one_hot_reshaped(ids, n_x):
    m, T = ids.shape
    return np.eye(n_x)[ids.T].reshape(m, T, n_x)


def pad_mask_from_zeros(seqs):
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    padded = np.zeros((len(seqs), lengths.max()), dtype=np.int64)
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
    return padded, padded != 0, lengths


def pad_float(seqs):
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    padded = np.zeros((len(seqs), lengths.max()))
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
    return padded, np.arange(lengths.max()) < lengths[:, None], lengths


def pad_lengths_list(seqs):
    lengths = [len(s) for s in seqs]
    padded = np.zeros((len(seqs), max(lengths)), dtype=np.int64)
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
    return padded, np.arange(max(lengths)) < np.array(lengths)[:, None], lengths


def pad_lengths_wrong_axis(seqs):
    T = max(len(s) for s in seqs)
    padded = np.zeros((len(seqs), T), dtype=np.int64)
    mask = np.zeros((len(seqs), T), dtype=bool)
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
        mask[i, : len(s)] = True
    return padded, mask, mask.sum(axis=0)


def embed_one_hot(ids, E):
    return np.eye(E.shape[0])[ids] @ E


def embed_mean(ids, E):
    return E[ids].mean(axis=1)


def embed_float32(ids, E):
    return E[ids].astype(np.float32)


def embed_loop_first_row(ids, E):
    e = np.zeros((*ids.shape, E.shape[1]))
    for i in range(ids.shape[0]):
        for t in range(ids.shape[1]):
            e[i, t] = E[ids[0, t]]  # row 0 of the batch for every example
    return e


WRONG = {
    "build_vocab": [
        wrong(
            vocab_split_space, "split(' ') keeps empty tokens and tabs", "split()|whitespace|space"
        ),
        wrong(vocab_set_order, "a set loses first-appearance order of ties", "tie|equal count"),
        wrong(vocab_specials_order, "specials in the wrong order", "<PAD>", "id 0|ids 0"),
        wrong(vocab_lowered_after_counting, "lower-cased after counting", "lower"),
    ],
    "encode": [
        wrong(encode_ndarray, "returned an ndarray, not a list", "list"),
        wrong(encode_unknown_new_id, "unknown words get a new id", "<UNK>|id 1"),
        wrong(encode_split_space, "split(' ') instead of split()", "split()|whitespace|space"),
        wrong(encode_dedup, "dropped repeated words", "repeat|every token|occurrence|length|items"),
    ],
    "decode": [
        wrong(decode_words, "returned the list of words", "str"),
        wrong(decode_off_by_one, "itos[i - 1]", "shift|off by one|itos[i]|id k"),
        wrong(decode_comma, "joined with ', '", "join|space"),
        wrong(decode_capitalised, "capitalised the text", "capital|lower|case"),
    ],
    "one_hot": [
        wrong(one_hot_width_from_ids, "width from ids.max() + 1, not n_x", "n_x"),
        wrong(one_hot_int, "integer dtype", "dtype|float64"),
        wrong(one_hot_square_batch, "(m, m, n_x) instead of (m, T_x, n_x)", "shape", "T_x|(m, T"),
        wrong(one_hot_reshaped, "reshaped a time-major array", "order|reshape|transpose|time"),
    ],
    "pad_batch": [
        wrong(pad_mask_from_zeros, "mask from padded != 0", "mask", "length|real token|id 0|zero"),
        wrong(pad_float, "padded is float", "dtype|int64"),
        wrong(pad_lengths_list, "lengths as a list", "array|ndarray"),
        wrong(
            pad_lengths_wrong_axis, "lengths summed over the batch axis", "lengths", "axis|shape"
        ),
    ],
    "embedding_lookup": [
        wrong(embed_one_hot, "the one-hot product, not the lookup", "one-hot|one_hot", "E[ids]"),
        wrong(embed_mean, "averaged over time", "shape|time|T_x"),
        wrong(embed_float32, "float32", "dtype|float32"),
        wrong(embed_loop_first_row, "used row 0 of ids for every example", "ids[i, t]|example|row"),
    ],
}
