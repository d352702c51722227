r"""Notebook 00 (sequences, notation, encodings): vocabulary, one-hot, padding, embeddings."""

from __future__ import annotations

from rnncourse.checks.framework import Exercise

EXERCISES: tuple[Exercise, ...] = ()
