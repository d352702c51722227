r"""Data for the course: vocabularies, one-hot vectors, padding and masks, and the data sets.

Everything here works offline; nothing is ever downloaded. Three modules, every name importable
from here: :mod:`rnncourse.data.vocab` (vocabulary, encodings and batches),
:mod:`rnncourse.data.datasets` (the shipped real data) and :mod:`rnncourse.data.tasks` (seeded
synthetic tasks).

- :class:`Vocab` maps tokens to ids with the specials ``<PAD>`` = 0, ``<UNK>`` = 1, ``<EOS>`` = 2;
  :func:`one_hot` turns ids into the vectors :math:`x^{\langle t\rangle} \in \{0, 1\}^{n_x}` of
  notebook 00; :func:`pad_batch` and :func:`batches` make mini-batches of sequences of different
  lengths.
- Two real data sets ship inside the package (``rnncourse/datasets/PROVENANCE.md`` gives their
  sources, licences and the exact processing): :func:`load_names`, 5,163 first names from the
  1990 US Census, for a character-level language model; :func:`load_co2`, the monthly mean CO2
  concentration at Mauna Loa from March 1958 to December 2001, for forecasting.
- Four seeded generators make synthetic tasks whose best possible accuracy is known exactly:
  :func:`agreement_task` (subject-verb agreement across ``distance`` filler words, notebooks 03
  and 04), :func:`next_token_tagging_task` (tags that depend on the *next* word, notebook 06) and
  :func:`sentiment_task` (short reviews with negation and "but", notebook 04), and
  :func:`negation_task` (a sentiment word that a later "not" may flip, notebook 06).
  :func:`task_vocab` gives each task's fixed vocabulary.

Notation: ``m`` sequences in a batch, ``T_x`` time steps, ``n_x`` the vocabulary size; sequence
``i`` holds :math:`T_x^{(i)}` tokens :math:`x^{(i)\langle 1\rangle}, \dots,
x^{(i)\langle T_x^{(i)}\rangle}`.
"""

from rnncourse.data.datasets import (
    CO2Series,
    load_co2,
    load_names,
)
from rnncourse.data.tasks import (
    AGREEMENT_FILLERS,
    AGREEMENT_PLURAL,
    AGREEMENT_SINGULAR,
    AGREEMENT_VERBS,
    NEGATION_FILLERS,
    SENTIMENT_INTENSIFIERS,
    SENTIMENT_NEGATIVE,
    SENTIMENT_POSITIVE,
    SENTIMENT_SUBJECTS,
    TAGGING_AMBIGUOUS,
    TAGGING_FILLERS,
    TAGGING_PERSON_VERBS,
    TAGGING_SURNAMES,
    TAGGING_THINGS,
    Seed,
    agreement_task,
    negation_task,
    next_token_tagging_task,
    sentiment_task,
    task_vocab,
)
from rnncourse.data.vocab import (
    EOS,
    PAD,
    SPECIALS,
    UNK,
    Level,
    Vocab,
    batches,
    one_hot,
    pad_batch,
)

__all__ = [
    "AGREEMENT_FILLERS",
    "AGREEMENT_PLURAL",
    "AGREEMENT_SINGULAR",
    "AGREEMENT_VERBS",
    "EOS",
    "NEGATION_FILLERS",
    "PAD",
    "SENTIMENT_INTENSIFIERS",
    "SENTIMENT_NEGATIVE",
    "SENTIMENT_POSITIVE",
    "SENTIMENT_SUBJECTS",
    "SPECIALS",
    "TAGGING_AMBIGUOUS",
    "TAGGING_FILLERS",
    "TAGGING_PERSON_VERBS",
    "TAGGING_SURNAMES",
    "TAGGING_THINGS",
    "UNK",
    "CO2Series",
    "Level",
    "Seed",
    "Vocab",
    "agreement_task",
    "batches",
    "load_co2",
    "load_names",
    "negation_task",
    "next_token_tagging_task",
    "one_hot",
    "pad_batch",
    "sentiment_task",
    "task_vocab",
]
