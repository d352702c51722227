r"""Notebook 04 (GRU): the cell with the reset gate before the matmul (lecture, Cho et al. 2014),
``gru_cell_forward``, and after it (PyTorch, cuDNN), ``gru_cell_forward_reset_after``.

Gates are stacked ``r | z | c̃`` in the rows of ``W_ax``, ``W_aa``, ``b_ax``, ``b_aa``, and
:math:`z = 1 - \Gamma_u`.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, Mistake

NB = "04_gru"


def _gru_cell(
    x_t: np.ndarray, a_prev: np.ndarray, p: dict[str, np.ndarray], reset_after: bool, bug: str
) -> tuple[np.ndarray, dict]:
    n_a = a_prev.shape[1]
    order = [1, 0, 2] if bug == "swapped_rz" else [0, 1, 2]
    W_ax, W_aa, b_ax, b_aa = (
        np.concatenate([np.split(p[k], 3)[i] for i in order]) for k in R._GRU_KEYS
    )
    if bug == "missing_b_aa":
        b_aa = np.zeros_like(b_aa)
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
    if bug == "z_flipped":
        return z * c_tilde + (1.0 - z) * a_prev, {}
    return (1.0 - z) * c_tilde + z * a_prev, {}


def _cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (
            inputs.normal(rng, s["m"], s["n_x"]),
            inputs.state(rng, s["m"], s["n_a"]),
            inputs.gru_params(rng, s["n_x"], s["n_a"]),
        )
        out.append(Case(inputs.label(s, "m n_x n_a"), args))
    return out


_UPDATE = "a⟨t⟩ = Γ_u ⊙ c̃ + (1 − Γ_u) ⊙ a⟨t−1⟩ with Γ_u = 1 − z, i.e. (1 − z) ⊙ c̃ + z ⊙ a⟨t−1⟩"
_COMMON = [
    ("z_flipped", f"swapped z and 1 − z: {_UPDATE}."),
    (
        "swapped_rz",
        "took the gate blocks in the wrong order: the rows are stacked r | z | c̃ (PyTorch's order).",
    ),
    ("no_reset", "left out the reset gate Γ_r in the candidate c̃."),
    ("sigmoid_candidate", "applied sigmoid to the candidate: c̃ = tanh(…); only the gates use σ."),
    ("missing_b_aa", "left out the recurrent bias b_aa (it is added to W_aa a⟨t−1⟩)."),
]
_HINT = (
    "x_t (m, n_x) @ W_ax.T → (m, 3n_a); a_prev (m, n_a) @ W_aa.T → (m, 3n_a); split into r | z | c̃."
)


def _exercise(name: str, reset_after: bool, specific: list[tuple[str, str]]) -> Exercise:
    return Exercise(
        name=name,
        notebook=NB,
        reference=partial(R.gru_cell_forward, reset_after=reset_after),
        make_cases=_cases,
        returns="tuple",
        outputs=("a_next", "cache"),
        graded=("a_next",),
        hint=_HINT,
        mistakes=tuple(
            Mistake(bug, msg, partial(_gru_cell, reset_after=reset_after, bug=bug))
            for bug, msg in specific + _COMMON
        ),
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

EXERCISES = (GRU_CELL_FORWARD, GRU_CELL_FORWARD_RESET_AFTER)
