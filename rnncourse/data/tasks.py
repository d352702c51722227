r"""Seeded synthetic tasks whose best possible accuracy is known exactly, and their vocabularies.

:func:`agreement_task` (subject-verb agreement across ``distance`` filler words, notebooks 03–05),
:func:`next_token_tagging_task` (tags that depend on the *next* word, notebook 06) and
:func:`sentiment_task` (short reviews with negation and "but", notebook 04) and
:func:`negation_task` (a review's sentiment word negated before *or after* it, notebook 06);
:func:`task_vocab` gives each task's fixed vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import numpy as np

from rnncourse._validate import require_int
from rnncourse.data.vocab import Vocab

Seed = int | np.random.Generator  # a seed, or a generator to draw from (shared streams)

# ---------------------------------------------------------------------------------------------
# seeded synthetic tasks


def _generator(seed: Seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(require_int("seed", seed, 0))


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
    n = require_int("n", n, 1)
    distance = require_int("distance", distance, 0)
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
    n = require_int("n", n, 1)
    length = require_int("length", length, 2)
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
    n = require_int("n", n, 1)
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


# neutral words that follow the sentiment word: none of them is a sentiment word or "not"
NEGATION_FILLERS = (
    "i", "think", "to", "me", "so", "honestly", "overall", "at", "all", "in", "my", "view",
    "and", "yes",
)  # fmt: skip
_P_NOT_BEFORE, _P_NOT_AFTER = 0.25, 0.25  # else no "not" at all, with probability 1/2


def negation_task(
    n: int, length: int, max_distance: int, seed: Seed
) -> tuple[list[list[str]], np.ndarray]:
    r"""One-word sentiment that a "not" flips, where the "not" may come *after* the word.

    Each review is "the plot was [not] [very] good" followed by neutral words
    (``NEGATION_FILLERS``) up to ``length`` words. It holds exactly one sentiment word (from
    ``SENTIMENT_POSITIVE`` or ``SENTIMENT_NEGATIVE``) and at most one "not": with probability
    1/4 right before the adjective (and its intensifier), with probability 1/4 among the words
    after it, at a distance :math:`d` drawn uniformly from ``1 … max_distance`` ("the plot was
    good i think not"), and with probability 1/2 nowhere. The label is the adjective's polarity,
    flipped by the "not":

    .. math:: y = \operatorname{pol}(\text{adjective}) \oplus [\text{"not" in the review}],
              \qquad \operatorname{pol}(\text{good}) = 1,\ \operatorname{pol}(\text{bad}) = 0

    The task is to give :math:`y` at the adjective's own step, as a tagger must. What a model
    can reach there: a bidirectional one 100 %. A left-to-right one has read
    :math:`x^{\langle 1\rangle} \dots x^{\langle p\rangle}` up to the adjective: after a "not"
    it knows the label (1/4 of the reviews); otherwise a "not" still follows with probability
    :math:`\tfrac{1/4}{3/4} = \tfrac13`, so its best guess is the adjective's own polarity,
    right with probability 2/3. Its ceiling is :math:`\tfrac14 + \tfrac34 \cdot \tfrac23 =
    \tfrac34`, and at that ceiling it gets every review with a "not" after the adjective wrong.

    Args:
        n: number of reviews, >= 1; labels are balanced (``n // 2`` positive).
        length: words per review, >= ``max_distance + 5`` (room for the longest opening,
            "the plot was very good", and the farthest "not").
        max_distance: the farthest a "not" after the adjective can be, >= 1.
        seed: an int seed or a ``np.random.Generator``; the same seed gives the same data.

    Shape: ``n`` reviews of ``length`` words; labels :math:`(n,)` int64.
    """
    n = require_int("n", n, 1)
    max_distance = require_int("max_distance", max_distance, 1)
    length = require_int("length", length, max_distance + 5)
    rng = _generator(seed)
    labels = _balanced_labels(n, rng)
    sentences = []
    for y in labels.tolist():
        u = rng.random()
        before, after = u < _P_NOT_BEFORE, _P_NOT_BEFORE <= u < _P_NOT_BEFORE + _P_NOT_AFTER
        subject = SENTIMENT_SUBJECTS[rng.integers(len(SENTIMENT_SUBJECTS))]
        words = ["the", subject, ("was", "is")[rng.integers(2)]]
        if before:
            words.append("not")
        if rng.random() < 0.5:
            words.append(SENTIMENT_INTENSIFIERS[rng.integers(len(SENTIMENT_INTENSIFIERS))])
        adjectives = (SENTIMENT_NEGATIVE, SENTIMENT_POSITIVE)[y ^ (before or after)]
        words.append(adjectives[rng.integers(len(adjectives))])
        where = len(words) - 1 + int(rng.integers(1, max_distance + 1))  # the "not" after it
        while len(words) < length:
            if after and len(words) == where:
                words.append("not")
            else:
                words.append(NEGATION_FILLERS[rng.integers(len(NEGATION_FILLERS))])
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
    "negation": (
        *_SENTIMENT_OTHER,
        *SENTIMENT_SUBJECTS,
        *SENTIMENT_POSITIVE,
        *SENTIMENT_NEGATIVE,
        *SENTIMENT_INTENSIFIERS,
        *NEGATION_FILLERS,
    ),
}


def task_vocab(task: Literal["agreement", "tagging", "sentiment", "negation"]) -> Vocab:
    r"""The fixed word-level vocabulary of one synthetic task: every word it can generate.

    The ids do not depend on the data drawn (3 specials, then the task's word lists in the
    order they are defined above), so a model trained on one seed reads another seed's data.
    ``"agreement"`` also holds the two verbs ``"was"`` and ``"were"``; ``"negation"`` is
    ``"sentiment"``'s words and ``NEGATION_FILLERS``.
    """
    if task not in _TASK_WORDS:
        raise ValueError(f"task must be one of {sorted(_TASK_WORDS)}, got {task!r}")
    return Vocab(_TASK_WORDS[task], level="word")
