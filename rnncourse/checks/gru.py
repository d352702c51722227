r"""Notebook 04 (GRU): ``simplified_gru_cell_forward`` (update gate only), the full cell with the
reset gate before the matmul (lecture, Cho et al. 2014), ``gru_cell_forward``, and after it
(PyTorch, cuDNN), ``gru_cell_forward_reset_after``, and the sequence, ``gru_forward``.

The full GRU stacks its gates ``r | z | c̃`` in the rows of ``W_ax``, ``W_aa``, ``b_ax``, ``b_aa``,
with PyTorch's :math:`z = 1 - \Gamma_u`. The simplified cell has no reset gate and one bias; it
stacks ``Γ_u | c̃`` in the rows of ``W_ax``, ``W_aa``, ``b_a``, the lecture's update gate itself:

.. math::
    \Gamma_u = \sigma(W_{ux} x^{\langle t\rangle} + W_{ua} a^{\langle t-1\rangle} + b_u), \qquad
    \tilde c = \tanh(W_{cx} x^{\langle t\rangle} + W_{ca} a^{\langle t-1\rangle} + b_c), \qquad
    a^{\langle t\rangle} = \Gamma_u \odot \tilde c + (1 - \Gamma_u) \odot a^{\langle t-1\rangle}

Each mistake is a small function that makes it, so that the check can recognise it in a
student's output and tests can prove the check catches it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs, sequence
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "04_gru"

_UPDATE = "a⟨t⟩ = Γ_u ⊙ c̃ + (1 − Γ_u) ⊙ a⟨t−1⟩"

# --- simplified_gru_cell_forward ------------------------------------------------------------------


def _simplified_cell(
    x_t: np.ndarray, a_prev: np.ndarray, p: dict[str, np.ndarray], bug: str
) -> np.ndarray:
    n_a = a_prev.shape[1]
    W_ax, W_aa, b_a = p["W_ax"], p["W_aa"], p["b_a"]
    if bug == "swapped_blocks":
        W_ax, W_aa, b_a = (np.concatenate(np.split(v, 2)[::-1]) for v in (W_ax, W_aa, b_a))
    if bug == "transposed_blocks":  # each (n_a, n_x) block used as if it were (n_x, n_a)
        W_ax, W_aa = (np.concatenate([B.T for B in np.split(W, 2)]) for W in (W_ax, W_aa))
    pre = x_t @ W_ax.T + a_prev @ W_aa.T  # (m, 2n_a): Γ_u | c̃ before their activations
    if bug != "missing_bias":
        pre = pre + b_a
    gate_act: Callable[..., Any] = R.sigmoid
    cand_act: Callable[..., Any] = np.tanh
    if bug in ("tanh_gate", "swapped_activations"):
        gate_act = np.tanh
    if bug in ("sigmoid_candidate", "swapped_activations"):
        cand_act = R.sigmoid
    gamma_u, c_tilde = gate_act(pre[:, :n_a]), cand_act(pre[:, n_a:])
    if bug == "no_gate":
        return c_tilde
    if bug == "u_flipped":
        return (1.0 - gamma_u) * c_tilde + gamma_u * a_prev
    if bug == "kept_all_of_a_prev":
        return gamma_u * c_tilde + a_prev
    return gamma_u * c_tilde + (1.0 - gamma_u) * a_prev


def _simplified_params(rng: np.random.Generator, n_x: int, n_a: int) -> dict[str, np.ndarray]:
    """``W_ax (2n_a, n_x), W_aa (2n_a, n_a), b_a (2n_a,)``, rows stacked Γ_u | c̃."""
    return {
        "W_ax": inputs.normal(rng, 2 * n_a, n_x, scale=0.6),
        "W_aa": inputs.normal(rng, 2 * n_a, n_a, scale=0.6),
        "b_a": inputs.normal(rng, 2 * n_a, scale=0.5),
    }


def _simplified_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (
            inputs.normal(rng, s["m"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            _simplified_params(rng, s["n_x"], s["n_a"]),
        )
        out.append(Case(inputs.label(s, "m n_x n_a"), args))
    return out + inputs.probes(out[0].args, 2, _SIMPLE_PROBES)


_SIMPLE_PROBES = [
    ("the bias b_a", "W_ax = 0 and W_aa = 0", "Γ_u = σ(b_u), c̃ = tanh(b_c)", ("W_ax", "W_aa")),
    ("the input term W_ax x⟨t⟩", "W_aa = 0 and b_a = 0", "Γ_u and c̃ see only x⟨t⟩ (W_ux x⟨t⟩, W_cx x⟨t⟩)",
     ("W_aa", "b_a")),
    ("the recurrent term W_aa a⟨t−1⟩ (a_prev)", "W_ax = 0 and b_a = 0",
     "Γ_u and c̃ see only a⟨t−1⟩ (W_ua a⟨t−1⟩, W_ca a⟨t−1⟩)", ("W_ax", "b_a")),
]  # fmt: skip


SIMPLIFIED_GRU_CELL_FORWARD = Exercise(
    name="simplified_gru_cell_forward",
    notebook=NB,
    reference=R.simplified_gru_cell_forward,
    make_cases=_simplified_cases,
    hand=(
        Case(
            "gate shut, b_u = -50: a_next = a_prev",
            (
                np.ones((3, 3)),
                np.full((3, 2), 0.3),
                {
                    "W_ax": np.zeros((4, 3)),
                    "W_aa": np.zeros((4, 2)),
                    "b_a": np.array([-50, -50, 0.5, -1.0]),
                },
            ),
        ),
        Case(
            "gate open, b_u = 50: a_next = c̃ = tanh(b_c)",
            (
                np.ones((3, 3)),
                np.full((3, 2), 0.3),
                {
                    "W_ax": np.zeros((4, 3)),
                    "W_aa": np.zeros((4, 2)),
                    "b_a": np.array([50, 50, 0.5, -1.0]),
                },
            ),
        ),
    ),
    returns="array",
    outputs=("a_next",),
    hint=(
        "x_t (m, n_x) @ W_ax.T → (m, 2n_a); a_prev (m, n_a) @ W_aa.T → (m, 2n_a); add b_a (2n_a,), "
        "then the first n_a columns are Γ_u's, the last n_a c̃'s."
    ),
    mistakes=catalogue(
        _simplified_cell,
        [
            (
                "u_flipped",
                f"swapped Γ_u and 1 − Γ_u: the gate says how much of the candidate comes in, "
                f"{_UPDATE}.",
            ),
            (
                "no_gate",
                f"returned the candidate c̃ itself, as a vanilla RNN would: {_UPDATE}.",
            ),
            (
                "kept_all_of_a_prev",
                f"added all of a⟨t−1⟩: the GRU mixes old and new, {_UPDATE}, "
                "so a⟨t⟩ stays in (−1, 1).",
            ),
            (
                "sigmoid_candidate",
                "applied sigmoid to the candidate: c̃ = tanh(…), only the gate uses σ.",
            ),
            ("tanh_gate", "applied tanh to the update gate: Γ_u = σ(…), a number in (0, 1)."),
            (
                "swapped_activations",
                "swapped the activations: the gate is Γ_u = σ(…), the candidate c̃ = tanh(…).",
            ),
            (
                "swapped_blocks",
                "took the blocks in the wrong order: the first n_a rows of W_ax, W_aa and b_a "
                "belong to Γ_u, the last n_a to c̃.",
            ),
            (
                "missing_bias",
                "left out the bias b_a: Γ_u = σ(W_ux x⟨t⟩ + W_ua a⟨t−1⟩ + b_u), likewise c̃.",
            ),
            (
                "transposed_blocks",
                "multiplied by a block of W instead of its transpose: weights are (out, in), so "
                "x_t @ W_ax.T and a_prev @ W_aa.T, then split the 2n_a columns.",
            ),
        ],
    ),
)

# --- gru_cell_forward and gru_cell_forward_reset_after ---------------------------------------------


def _gru_cell(
    x_t: np.ndarray, a_prev: np.ndarray, p: dict[str, np.ndarray], reset_after: bool, bug: str
) -> tuple[np.ndarray, dict]:
    n_a = a_prev.shape[1]
    order = [1, 0, 2] if bug == "swapped_rz" else [0, 1, 2]
    W_ax, W_aa, b_ax, b_aa = (
        np.concatenate([np.split(p[k], 3)[i] for i in order])
        for k in ("W_ax", "W_aa", "b_ax", "b_aa")
    )
    if bug == "transposed_blocks":  # each (n_a, n_x) block used as if it were (n_x, n_a)
        W_ax, W_aa = (np.concatenate([B.T for B in np.split(W, 3)]) for W in (W_ax, W_aa))
    if bug == "missing_b_aa":
        b_aa = np.zeros_like(b_aa)
    if bug == "missing_b_ax":
        b_ax = np.zeros_like(b_ax)
    gx = x_t @ W_ax.T + b_ax  # (m, 3n_a)
    r, z = np.split(
        R.sigmoid(gx[:, : 2 * n_a] + a_prev @ W_aa[: 2 * n_a].T + b_aa[: 2 * n_a]), 2, axis=1
    )
    if bug == "no_reset":
        r = np.ones_like(r)
    W_ca, b_ca = W_aa[2 * n_a :], b_aa[2 * n_a :]
    if reset_after != (bug == "other_variant"):
        hc = a_prev @ W_ca.T
        pre = gx[:, 2 * n_a :] + (r * hc + b_ca if bug == "reset_not_on_bias" else r * (hc + b_ca))
    else:
        pre = gx[:, 2 * n_a :] + (r * a_prev) @ W_ca.T + b_ca
    c_tilde = R.sigmoid(pre) if bug == "sigmoid_candidate" else np.tanh(pre)
    cache = {"r": r, "z": z, "c_tilde": c_tilde}
    if bug == "z_flipped":
        return z * c_tilde + (1.0 - z) * a_prev, cache
    return (1.0 - z) * c_tilde + z * a_prev, cache


def _cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (
            inputs.normal(rng, s["m"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            inputs.gru_params(rng, s["n_x"], s["n_a"]),
        )
        out.append(Case(inputs.label(s, "m n_x n_a"), args))
    return out + inputs.probes(out[0].args, 2, _GRU_PROBES)


_GRU_PROBES = [
    ("the biases b_ax and b_aa", "W_ax = 0 and W_aa = 0", "the gates and c̃ see only the biases",
     ("W_ax", "W_aa")),
    ("the input term W_ax x⟨t⟩ (and b_ax)", "W_aa = 0 and b_aa = 0", "the gates and c̃ see only x⟨t⟩",
     ("W_aa", "b_aa")),
    ("the recurrent term W_aa a⟨t−1⟩ (and b_aa)", "W_ax = 0 and b_ax = 0",
     "the gates and c̃ see only a⟨t−1⟩", ("W_ax", "b_ax")),
]  # fmt: skip
_Z_UPDATE = f"{_UPDATE} with Γ_u = 1 − z, i.e. (1 − z) ⊙ c̃ + z ⊙ a⟨t−1⟩"
_COMMON = [
    ("z_flipped", f"swapped z and 1 − z: {_Z_UPDATE}."),
    (
        "swapped_rz",
        "took the gate blocks in the wrong order: the rows are stacked r | z | c̃ (PyTorch's order).",
    ),
    ("no_reset", "left out the reset gate Γ_r in the candidate c̃."),
    ("sigmoid_candidate", "applied sigmoid to the candidate: c̃ = tanh(…); only the gates use σ."),
    ("missing_b_aa", "left out the recurrent bias b_aa (it is added to W_aa a⟨t−1⟩)."),
    ("missing_b_ax", "left out the input bias b_ax (it is added to W_ax x⟨t⟩)."),
    (
        "transposed_blocks",
        "multiplied by a block of W instead of its transpose: weights are (out, in), so "
        "x_t @ W_ax.T and a_prev @ W_aa.T.",
    ),
]
_HINT = (
    "x_t (m, n_x) @ W_ax.T → (m, 3n_a); a_prev (m, n_a) @ W_aa.T → (m, 3n_a); split into r | z | c̃."
)


def _gru_hand() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    p = {
        "W_ax": np.zeros((6, 3)),
        "W_aa": np.zeros((6, 2)),
        "b_ax": np.zeros(6),
        "b_aa": np.zeros(6),
    }
    p["W_aa"][4:] = np.eye(2)
    p["b_aa"][4:] = 1.0  # gated by r after the matmul, not before: the two variants differ here
    return np.ones((1, 3)), np.array([[0.4, -0.8]]), p


_GRU_HAND = _gru_hand()


def _exercise(name: str, reset_after: bool, specific: list[tuple[str, str]]) -> Exercise:
    return Exercise(
        name=name,
        notebook=NB,
        reference=partial(R.gru_cell_forward, reset_after=reset_after),
        make_cases=_cases,
        hand=(Case("zero weights but W_ca = I, b_ca = 1: r = z = 0.5", _GRU_HAND),),
        returns="tuple",
        outputs=("a_next", "cache"),
        graded=("a_next", "cache"),
        cache_items={"cache": ("r", "z", "c_tilde")},
        hint=_HINT,
        mistakes=catalogue(partial(_gru_cell, reset_after=reset_after), specific + _COMMON),
    )


GRU_CELL_FORWARD = _exercise(
    "gru_cell_forward",
    reset_after=False,
    specific=[
        (
            "other_variant",
            "applied the reset gate after the recurrent matmul (PyTorch's variant): this "
            "exercise is the lecture's c̃ = tanh(W_cx x⟨t⟩ + W_ca (Γ_r ⊙ a⟨t−1⟩) + b_c).",
        ),
    ],
)

GRU_CELL_FORWARD_RESET_AFTER = _exercise(
    "gru_cell_forward_reset_after",
    reset_after=True,
    specific=[
        (
            "other_variant",
            "applied the reset gate to a⟨t−1⟩ before the matmul (the lecture's variant): "
            "PyTorch applies it after, Γ_r ⊙ (W_ca a⟨t−1⟩ + b_ca).",
        ),
        (
            "reset_not_on_bias",
            "applied Γ_r to W_ca a⟨t−1⟩ but not to its bias: PyTorch computes "
            "Γ_r ⊙ (W_ca a⟨t−1⟩ + b_ca).",
        ),
    ],
)

# --- gru_forward ----------------------------------------------------------------------------------


def _gru_seq(x: np.ndarray, a0: np.ndarray, p: dict[str, np.ndarray], bug: str) -> tuple[Any, ...]:
    def step(x_t: np.ndarray, a_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a_next, cache = R.gru_cell_forward(x_t, a_prev, p, reset_after=bug != "reset_before")
        return a_next, cache["z"] if bug == "z_for_gamma_u" else 1.0 - cache["z"]

    a, gamma_u = sequence.unroll(step, x, a0, bug)
    return sequence.stacked(a, bug), sequence.stacked(gamma_u, bug)


def _seq_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (
            inputs.normal(rng, s["m"], s["T"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            inputs.gru_params(rng, s["n_x"], s["n_a"]),
        )
        out.append(Case(inputs.label(s, "m T n_x n_a"), args))
    return out


GRU_FORWARD = Exercise(
    name="gru_forward",
    notebook=NB,
    reference=R.gru_forward_update_gates,
    make_cases=_seq_cases,
    helpers=("gru_cell_forward_reset_after",),
    returns="tuple",
    outputs=("a", "gamma_u"),
    time_axis={"a": 1, "gamma_u": 1},
    hint=(
        "x is (m, T_x, n_x): step t reads x[:, t, :]; call your gru_cell_forward_reset_after; "
        "a and gamma_u are (m, T_x, n_a), with gamma_u[:, t] = 1 − cache['z'] of step t."
    ),
    mistakes=catalogue(
        _gru_seq,
        [
            *sequence.mistakes("GRU"),
            (
                "z_for_gamma_u",
                "returned PyTorch's z as gamma_u: z is the gate that keeps the old state, "
                "the update gate is Γ_u = 1 − z.",
            ),
            (
                "reset_before",
                "used the lecture's cell, reset before the matmul: gru_forward runs "
                "PyTorch's, gru_cell_forward_reset_after.",
            ),
        ],
    ),
)

EXERCISES = (
    SIMPLIFIED_GRU_CELL_FORWARD,
    GRU_CELL_FORWARD,
    GRU_CELL_FORWARD_RESET_AFTER,
    GRU_FORWARD,
)
