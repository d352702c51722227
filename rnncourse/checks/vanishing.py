r"""Notebook 03 (vanishing and exploding gradients): gradient norms through time, clipping."""

from __future__ import annotations

from rnncourse.checks.framework import Exercise

EXERCISES: tuple[Exercise, ...] = ()
