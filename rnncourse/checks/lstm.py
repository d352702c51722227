r"""Notebook 05 (LSTM): ``lstm_cell_forward``, ``lstm_forward`` and ``diagnose_lstm_cell``.

Gates are stacked ``i | f | g | o`` = :math:`\Gamma_u | \Gamma_f | \tilde c | \Gamma_o` (PyTorch's
order). The catalogue includes the formulas that circulating lecture notes get wrong; the same
wrong cells are the suspects of the notebook's spot-the-bug exercise (:data:`SUSPECTS`,
:data:`BUGS`), in which the student names the wrong formula of a cell from its outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs, sequence
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "05_lstm"


def _lstm_cell(
    x_t: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, p: dict[str, np.ndarray], bug: str
) -> tuple[np.ndarray, np.ndarray, dict]:
    blocks = np.split(x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"], 4, axis=1)
    orders = {"order_ifog": [0, 1, 3, 2], "order_figo": [1, 0, 2, 3], "order_igfo": [0, 2, 1, 3]}
    order = orders.get(bug, [0, 1, 2, 3])  # which block each of i, f, g, o is read from
    i, f, g, o = (blocks[k] for k in order)
    i, f, o = R.sigmoid(i), R.sigmoid(f), R.sigmoid(o)
    g = R.sigmoid(g) if bug == "sigmoid_candidate" else np.tanh(g)
    c_next = c_prev + i * g if bug == "no_forget" else i * g + f * c_prev
    if bug == "tanh_on_c":
        c_next = np.tanh(c_next)
    if bug == "no_tanh_on_c":
        a_next = o * c_next
    else:
        a_next = o * np.tanh(c_prev if bug == "a_from_c_prev" else c_next)
    cache = {"i": i, "f": f, "g": g, "o": o, "x_t": x_t, "a_prev": a_prev, "c_prev": c_prev,
             "c_next": c_next, "params": p}  # fmt: skip
    return a_next, c_next, cache


def _cell_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        m, n_x, n_a = s["m"], s["n_x"], s["n_a"]
        args = (
            inputs.normal(rng, m, n_x),
            inputs.state(rng, m, n_a),
            inputs.normal(rng, m, n_a, scale=1.5),  # a cell state is not bounded by 1
            inputs.lstm_params(rng, n_x, n_a),
        )
        out.append(Case(inputs.label(s, "m n_x n_a"), args))
    return out + inputs.probes(out[0].args, 3, _LSTM_PROBES)


_LSTM_PROBES = [
    ("the bias b_a", "W_ax = 0 and W_aa = 0", "every gate is σ or tanh of its block of b_a",
     ("W_ax", "W_aa")),
    ("the input term W_ax x⟨t⟩", "W_aa = 0 and b_a = 0", "the gates see only x⟨t⟩", ("W_aa", "b_a")),
    ("the recurrent term W_aa a⟨t−1⟩ (a_prev)", "W_ax = 0 and b_a = 0", "the gates see only a⟨t−1⟩",
     ("W_ax", "b_a")),
]  # fmt: skip
_LSTM_CACHE = ("i", "f", "g", "o", "x_t", "a_prev", "c_prev", "c_next", "params")

LSTM_CELL_FORWARD = Exercise(
    name="lstm_cell_forward",
    notebook=NB,
    reference=R.lstm_cell_forward,
    make_cases=_cell_cases,
    hand=(
        Case(
            "zero weights: Γ_u = 0.5, Γ_f = 0.75, c̃ = 0.5, Γ_o = 0.5, c_prev = 2",
            (
                np.ones((1, 3)),
                np.zeros((1, 2)),
                np.full((1, 2), 2.0),
                {
                    "W_ax": np.zeros((8, 3)),
                    "W_aa": np.zeros((8, 2)),
                    "b_a": np.repeat([0.0, np.log(3.0), np.arctanh(0.5), 0.0], 2),
                },
            ),
        ),
    ),
    returns="tuple",
    outputs=("a_next", "c_next", "cache"),
    graded=("a_next", "c_next", "cache"),
    cache_items={"cache": _LSTM_CACHE},
    hint="x_t (m, n_x) @ W_ax.T → (m, 4n_a); a_prev (m, n_a) @ W_aa.T → (m, 4n_a); split into i | f | g | o.",
    mistakes=catalogue(
        _lstm_cell,
        [
            (
                "no_tanh_on_c",
                "computed a⟨t⟩ = Γ_o ⊙ c⟨t⟩: the hidden state is a⟨t⟩ = Γ_o ⊙ tanh(c⟨t⟩) "
                "(some lecture notes drop this tanh).",
            ),
            (
                "sigmoid_candidate",
                "applied sigmoid to the candidate: c̃⟨t⟩ = tanh(…); only the gates use σ.",
            ),
            (
                "no_forget",
                "wrote c⟨t⟩ = c⟨t−1⟩ + Γ_u ⊙ c̃⟨t⟩, the 1997 LSTM without a forget gate: "
                "the course's (and torch.nn.LSTM's) keeps it, c⟨t⟩ = Γ_u ⊙ c̃⟨t⟩ + Γ_f ⊙ c⟨t−1⟩.",
            ),
            (
                "order_ifog",
                "took the gates in the order i | f | o | g: PyTorch stacks them i | f | g | o "
                "(Γ_u, Γ_f, c̃, Γ_o).",
            ),
            (
                "order_figo",
                "swapped the update (input) and forget gates: the stacking is i | f | g | o, Γ_u first.",
            ),
            (
                "a_from_c_prev",
                "computed a⟨t⟩ from c⟨t−1⟩: a⟨t⟩ = Γ_o ⊙ tanh(c⟨t⟩) uses the new cell state.",
            ),
            (
                "order_igfo",
                "took the gates in the order i | g | f | o (TensorFlow 1's LSTMCell stacks "
                "i, j = c̃, f, o): PyTorch stacks them i | f | g | o (Γ_u, Γ_f, c̃, Γ_o).",
            ),
            (
                "tanh_on_c",
                "squashed the cell state, c⟨t⟩ = tanh(Γ_u ⊙ c̃⟨t⟩ + Γ_f ⊙ c⟨t−1⟩): the cell state "
                "is a plain sum, c⟨t⟩ = Γ_u ⊙ c̃⟨t⟩ + Γ_f ⊙ c⟨t−1⟩ (that is what lets it carry "
                "a value unchanged); the tanh comes on the way out, a⟨t⟩ = Γ_o ⊙ tanh(c⟨t⟩).",
            ),
        ],
    ),
)


def _lstm_seq(
    x: np.ndarray, a0: np.ndarray, c0: np.ndarray, p: dict[str, np.ndarray], bug: str
) -> tuple[np.ndarray, np.ndarray, list]:
    def step(x_t: np.ndarray, state: tuple[np.ndarray, np.ndarray]) -> tuple[Any, dict]:
        a_prev, c_prev = state
        a_prev = a0 if bug == "a_not_carried" else a_prev
        c_prev = c0 if bug == "c_not_carried" else c_prev
        a_next, c_next, cache = R.lstm_cell_forward(x_t, a_prev, c_prev, p)
        return (a_next, c_next), cache

    start = (a0, np.zeros_like(c0) if bug == "c_zeros" else c0)
    states, caches = sequence.unroll(step, x, start, bug)
    a, c = [s[0] for s in states], [s[1] for s in states]
    return sequence.stacked(a, bug), sequence.stacked(c, bug), caches


def _seq_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        m, n_x, n_a = s["m"], s["n_x"], s["n_a"]
        args = (
            inputs.normal(rng, m, s["T"], n_x),
            inputs.state(rng, m, n_a),
            inputs.normal(rng, m, n_a, scale=1.5),
            inputs.lstm_params(rng, n_x, n_a),
        )
        out.append(Case(inputs.label(s, "m T n_x n_a"), args))
    return out


LSTM_FORWARD = Exercise(
    name="lstm_forward",
    notebook=NB,
    reference=R.lstm_forward,
    make_cases=_seq_cases,
    hand=(
        Case(
            "Γ_u ≈ 0 and Γ_f ≈ 1: every c⟨t⟩ equals c0",
            (
                np.random.default_rng(3).normal(size=(2, 6, 2)),
                np.zeros((2, 3)),
                np.random.default_rng(4).normal(size=(2, 3)),
                {
                    "W_ax": np.zeros((12, 2)),
                    "W_aa": np.zeros((12, 3)),
                    "b_a": np.repeat([-30.0, 30.0, 0.0, 0.0], 3),
                },
            ),
        ),
    ),
    returns="tuple",
    outputs=("a", "c", "caches"),
    graded=("a", "c", "caches"),
    cache_items={"caches": _LSTM_CACHE},
    per_step=("caches",),
    helpers=("lstm_cell_forward",),
    time_axis={"a": 1, "c": 1},
    hint="x is (m, T_x, n_x): step t reads x[:, t, :]; a and c are (m, T_x, n_a).",
    mistakes=catalogue(
        _lstm_seq,
        [
            *sequence.mistakes(
                "LSTM", start="a0 and c0", prev="a⟨t−1⟩ and c⟨t−1⟩", new="states a⟨t⟩ and c⟨t⟩"
            ),
            ("a_not_carried", "passed a0 to every step: a⟨t⟩ must feed step t+1."),
            (
                "c_not_carried",
                "passed c0 to every step: the cell state c⟨t⟩ must be carried to step t+1.",
            ),
            ("c_zeros", "started the cell state from zeros instead of the given c0."),
        ],
    ),
)

# --- spot the bug: name the wrong formula of a cell from its outputs -----------------------------

BUGS: dict[str, str] = {
    "correct": "no formula is wrong",
    "candidate_sigmoid": "c̃⟨t⟩ = σ(…): sigmoid instead of tanh on the candidate",
    "forget_gate_missing": "c⟨t⟩ = c⟨t−1⟩ + Γ_u ⊙ c̃⟨t⟩: no forget gate",
    "update_forget_swapped": "Γ_u and Γ_f swapped: c⟨t⟩ = Γ_f ⊙ c̃⟨t⟩ + Γ_u ⊙ c⟨t−1⟩",
    "candidate_output_swapped": "blocks read as i | f | o | g: c̃ and Γ_o swapped",
    "output_tanh_missing": "a⟨t⟩ = Γ_o ⊙ c⟨t⟩: no tanh on the way out",
    "output_from_c_prev": "a⟨t⟩ = Γ_o ⊙ tanh(c⟨t−1⟩): the old cell state on the way out",
}
_CELL_BUG = {  # each label's wrong cell, as made by _lstm_cell
    "correct": "",
    "candidate_sigmoid": "sigmoid_candidate",
    "forget_gate_missing": "no_forget",
    "update_forget_swapped": "order_figo",
    "candidate_output_swapped": "order_ifog",
    "output_tanh_missing": "no_tanh_on_c",
    "output_from_c_prev": "a_from_c_prev",
}


def _suspect(bug: str) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    def cell(
        x_t: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, params: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """An LSTM step with one wrong formula: ``(a_next, c_next)``, each ``(m, n_a)``."""
        a_next, c_next, _ = _lstm_cell(x_t, a_prev, c_prev, params, bug=bug)
        return a_next, c_next

    return cell


# the notebook's four suspects, as black boxes: the bugs that circulating notes and code contain
SUSPECTS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    name: _suspect(_CELL_BUG[label])
    for name, label in zip(
        "ABCD",
        ("output_tanh_missing", "update_forget_swapped", "candidate_sigmoid",
         "candidate_output_swapped"),
        strict=True,
    )
}  # fmt: skip


def _diagnose(
    x_t: np.ndarray,
    a_prev: np.ndarray,
    c_prev: np.ndarray,
    params: dict[str, np.ndarray],
    a_next: np.ndarray,
    c_next: np.ndarray,
) -> str | None:
    """The exercise's answer: the label whose cell (one wrong formula, or none) predicts both outputs.

    The hypotheses are the suspects' cells, so this reference is built from the catalogue's
    wrong cells by nature; the mistakes of the diagnosis itself are :func:`_diagnosis`'s.
    """
    for label, cell_bug in _CELL_BUG.items():
        a, c, _ = _lstm_cell(x_t, a_prev, c_prev, params, bug=cell_bug)
        if np.allclose(a, a_next) and np.allclose(c, c_next):
            return label
    return None


def _diagnosis(
    x_t: np.ndarray,
    a_prev: np.ndarray,
    c_prev: np.ndarray,
    params: dict[str, np.ndarray],
    a_next: np.ndarray,
    c_next: np.ndarray,
    bug: str,
) -> str | None:
    if bug == "returns_none":
        return None
    predictions = {  # every hypothesis predicts (a_next, c_next) for these inputs
        label: _lstm_cell(x_t, a_prev, c_prev, params, bug=cell_bug)[:2]
        for label, cell_bug in _CELL_BUG.items()
    }
    for label, (a, c) in predictions.items():
        a_matches = bug == "compared_c_only" or np.allclose(a, a_next)
        if a_matches and np.allclose(c, c_next):
            swaps = {
                "output_bugs_mixed": ("output_tanh_missing", "output_from_c_prev"),
                "order_bugs_mixed": ("update_forget_swapped", "candidate_output_swapped"),
                "forget_bugs_mixed": ("forget_gate_missing", "update_forget_swapped"),
            }.get(bug, ())
            if label in swaps:
                return swaps[1 - swaps.index(label)]
            return label
    return None


def _diagnosis_cases(rng: np.random.Generator) -> list[Case]:
    labels = list(BUGS)
    rng.shuffle(labels)  # a fresh order every seed: no position gives the answer away
    size_sets = inputs.sizes(rng) + inputs.sizes(rng)[2:] + inputs.sizes(rng)[2:3]
    out = []  # one case per label; sizes: square, m=1, then 5 random
    for k, (label, s) in enumerate(zip(labels, size_sets, strict=True)):
        m, n_x, n_a = s["m"], s["n_x"], s["n_a"]
        x_t, a_prev = inputs.normal(rng, m, n_x), inputs.state(rng, m, n_a)
        c_prev, params = inputs.normal(rng, m, n_a, scale=1.5), inputs.lstm_params(rng, n_x, n_a)
        a_next, c_next, _ = _lstm_cell(x_t, a_prev, c_prev, params, bug=_CELL_BUG[label])
        args = (x_t, a_prev, c_prev, params, a_next, c_next)
        out.append(Case(f"suspect {k + 1}: " + inputs.label(s, "m n_x n_a"), args))
    return out


_HYPOTHESES = (
    "for each label, compute the (a_next, c_next) that a cell with that one wrong formula "
    "would return for these inputs, and return the label whose prediction matches both outputs"
)

DIAGNOSE_LSTM_CELL = Exercise(
    name="diagnose_lstm_cell",
    notebook=NB,
    reference=_diagnose,
    make_cases=_diagnosis_cases,
    returns="array",
    outputs=("the diagnosis",),
    hint=f"{_HYPOTHESES}. Pre-activations: x_t @ W_ax.T + a_prev @ W_aa.T + b_a, (m, 4n_a).",
    mistakes=catalogue(
        _diagnosis,
        [
            (
                "compared_c_only",
                "compared only c⟨t⟩: the two bugs on the output path leave c⟨t⟩ right and change "
                f"only a⟨t⟩, so such a cell looks correct. Compare both outputs: {_HYPOTHESES}.",
            ),
            (
                "output_bugs_mixed",
                "mixed up the two output bugs: 'output_tanh_missing' is a⟨t⟩ = Γ_o ⊙ c⟨t⟩, "
                "'output_from_c_prev' is a⟨t⟩ = Γ_o ⊙ tanh(c⟨t−1⟩); the correct a⟨t⟩ is "
                "Γ_o ⊙ tanh(c⟨t⟩).",
            ),
            (
                "order_bugs_mixed",
                "mixed up the two gate-order bugs: 'update_forget_swapped' reads the blocks as "
                "f | i | g | o (Γ_f multiplies c̃, Γ_u keeps c⟨t−1⟩), 'candidate_output_swapped' "
                "as i | f | o | g (c̃ = tanh of Γ_o's block, Γ_o = σ of c̃'s block).",
            ),
            (
                "forget_bugs_mixed",
                "mixed up the two forget-gate bugs: 'forget_gate_missing' is c⟨t⟩ = c⟨t−1⟩ + "
                "Γ_u ⊙ c̃⟨t⟩ (no Γ_f at all), 'update_forget_swapped' is c⟨t⟩ = Γ_f ⊙ c̃⟨t⟩ + "
                "Γ_u ⊙ c⟨t−1⟩ (both gates there, in each other's place).",
            ),
            (
                "returns_none",
                "returned None: return one of the labels, as a string. If no hypothesis "
                "matched, compare with np.allclose rather than == (two correct computations "
                f"can differ in the last bits); {_HYPOTHESES}.",
            ),
        ],
    ),
)

EXERCISES = (LSTM_CELL_FORWARD, LSTM_FORWARD, DIAGNOSE_LSTM_CELL)
