r"""Notebook 03 (vanishing and exploding gradients): ``gradient_norms_through_time``,
``spectral_radius``, ``clip_by_value``, ``clip_by_norm``.

The gradient that reaches :math:`a^{\langle k\rangle}` from a loss on :math:`a^{\langle T_x\rangle}`
is a product of one Jacobian per step, :math:`\partial a^{\langle t\rangle} / \partial
a^{\langle t-1\rangle} = \operatorname{diag}(1 - (a^{\langle t\rangle})^2)\, W_{aa}` (Bengio et
al. 1994; Pascanu et al. 2013, "On the difficulty of training recurrent neural networks", which
also introduces clipping by norm). Each mistake is a small function that makes it, so that the
check can recognise it in a student's output and tests can prove the check catches it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "03_vanishing_gradients"

# --- gradient_norms_through_time -----------------------------------------------------------------


def _norms(da_T: np.ndarray, a: np.ndarray, W_aa: np.ndarray, bug: str) -> np.ndarray:
    T = a.shape[1]
    da_k = da_T  # (m, n_a): ∂L/∂a<T_x>
    grads = [da_k]  # ∂L/∂a<k> for k = T_x, T_x - 1, ..., 0
    for k in range(T, 0, -1):  # one step back, from a<k> (stored in a[:, k - 1]) to a<k-1>
        t = {"forward_order": T - k, "a_prev_in_derivative": k - 2}.get(bug, k - 1)
        dz = da_k if bug == "no_tanh_derivative" else da_k * (1.0 - a[:, t] ** 2)  # (m, n_a)
        da_k = dz @ (W_aa.T if bug == "transposed_W_aa" else W_aa)  # (m, n_a)
        grads.append(da_k)
    if bug != "by_distance":
        grads = grads[::-1]  # column k holds a<k>
    if bug == "no_a0":
        grads = grads[1:]
    G = np.stack(grads, axis=1)  # (m, T_x + 1, n_a)
    if bug == "squared":
        return (G**2).sum(axis=-1)
    if bug == "batch_axis":
        return np.linalg.norm(G, axis=0).T  # (n_a, T_x + 1)
    if bug == "whole_batch":
        return np.sqrt((G**2).sum(axis=(0, 2)))  # (T_x + 1,)
    return np.linalg.norm(G, axis=-1)  # (m, T_x + 1)


def _norms_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        params = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        x = inputs.normal(rng, s["m"], s["T"], s["n_x"])
        a, _, _ = R.rnn_forward(x, inputs.state(rng, s["m"], s["n_a"]), params)  # (m, T_x, n_a)
        da_T = inputs.normal(rng, s["m"], s["n_a"])
        out.append(Case(inputs.label(s, "m T n_x n_a"), (da_T, a, params["W_aa"])))
    return out


_STEP = "da_prev = (da * (1 - a_k**2)) @ W_aa, with a_k = a⟨k⟩ = a[:, k − 1]"

GRADIENT_NORMS_THROUGH_TIME = Exercise(
    name="gradient_norms_through_time",
    notebook=NB,
    reference=R.gradient_norms_through_time,
    make_cases=_norms_cases,
    hand=(
        Case(
            "da_T [[3, 4], [0, 1]], a = 0, W_aa = 0.5 I: each step back halves the norm",
            (np.array([[3.0, 4.0], [0.0, 1.0]]), np.zeros((2, 3, 2)), 0.5 * np.eye(2)),
        ),
        Case(
            "da_T [[3, 4], [0, 1]], a = 0.6 everywhere, W_aa = I: each step back multiplies by 0.64",
            (np.array([[3.0, 4.0], [0.0, 1.0]]), np.full((2, 2, 2), 0.6), np.eye(2)),
        ),
    ),
    returns="array",
    outputs=("norms",),
    time_axis={"norms": 1},
    backward_in_time=True,
    hint=(
        "start from da = da_T (m, n_a) and go back T_x steps; one step back from a⟨k⟩ is "
        f"{_STEP}: (m, n_a) @ (n_a, n_a). Keep every da, then np.linalg.norm(..., axis=-1)."
    ),
    mistakes=catalogue(
        _norms,
        [
            (
                "no_tanh_derivative",
                "left out the derivative of tanh: each step back multiplies by "
                f"diag(1 − (a⟨k⟩)²) before W_aa, {_STEP}.",
            ),
            (
                "transposed_W_aa",
                "multiplied by W_aa.T: the column form W_aaᵀ dz becomes dz @ W_aa for a batch "
                f"of rows, {_STEP}.",
            ),
            (
                "a_prev_in_derivative",
                "used a⟨k−1⟩ in the derivative of the step from a⟨k⟩ back to a⟨k−1⟩: the tanh "
                f"that produced a⟨k⟩ has the derivative 1 − (a⟨k⟩)², {_STEP}.",
            ),
            (
                "forward_order",
                "applied the Jacobians in the wrong order, walking through a from the first "
                "step: going back from a⟨T_x⟩ the first factor uses a⟨T_x⟩ = a[:, -1], then "
                "a⟨T_x−1⟩, and so on down to a⟨1⟩.",
            ),
            (
                "by_distance",
                "stored the norms by distance from the end: column k must hold ‖∂L/∂a⟨k⟩‖, so "
                "column 0 is a⟨0⟩ and the last column is ‖da_T‖.",
            ),
            (
                "no_a0",
                "left out a⟨0⟩: there are T_x + 1 norms, k = 0, 1, …, T_x, and column 0 is "
                "‖∂L/∂a⟨0⟩‖, one step back from a⟨1⟩.",
            ),
            (
                "batch_axis",
                "took the norm over the batch axis (axis 0): every example has its own "
                "gradient, so take the norm of each row, over the n_a units (axis=-1).",
            ),
            (
                "whole_batch",
                "took one norm over the whole batch at each step: the result has one norm per "
                "example and per step, shape (m, T_x + 1), the norm over axis=-1.",
            ),
            (
                "squared",
                "returned the squared norm Σ_j v_j²: the norm is its square root, "
                "np.linalg.norm(v, axis=-1).",
            ),
        ],
    ),
)

# --- spectral_radius ------------------------------------------------------------------------------


def _radius(W: np.ndarray, bug: str) -> Any:
    if bug == "largest_singular_value":
        return float(np.linalg.norm(W, 2))
    if bug == "frobenius_norm":
        return float(np.linalg.norm(W))
    if bug == "max_abs_entry":
        return float(np.abs(W).max())
    eigenvalues = np.linalg.eigvals(W)  # (n,), complex when W has complex pairs
    if bug == "no_abs":
        return eigenvalues.max()  # complex, or the most positive one when all are real
    if bug == "max_real_part":
        return float(eigenvalues.real.max())
    if bug == "real_part_only":
        return float(np.abs(eigenvalues.real).max())
    return float(np.abs(eigenvalues).max())


def _similar(rng: np.random.Generator, block: np.ndarray) -> np.ndarray:
    """A non-symmetric matrix with ``block``'s eigenvalues: P @ block @ P⁻¹ for a random P."""
    n = block.shape[0]
    P = np.eye(n) + inputs.normal(rng, n, n, scale=0.3)
    return P @ block @ np.linalg.inv(P)


def _radius_cases(rng: np.random.Generator) -> list[Case]:
    r, theta = rng.uniform(1.1, 1.6), rng.uniform(0.6, 2.4)
    rotation = r * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    complex_top = np.zeros((4, 4))
    complex_top[:2, :2] = rotation  # eigenvalues r e^{±iθ}: a complex pair on top
    complex_top[2:, 2:] = np.diag(rng.uniform(-0.8, 0.8, size=2))
    negative_top = np.diag([-rng.uniform(1.2, 1.8), rng.uniform(0.3, 0.9), rng.uniform(-0.5, 0.5)])
    n = int(rng.integers(5, 9))
    return [
        Case("W (4, 4), its largest eigenvalues a complex pair", (_similar(rng, complex_top),)),
        Case("W (3, 3), its largest eigenvalue negative", (_similar(rng, negative_top),)),
        Case("W (1, 1)", (np.array([[-rng.uniform(0.5, 2.0)]]),)),
        Case(f"W ({n}, {n}), Gaussian entries", (inputs.normal(rng, n, n, scale=0.6),)),
    ]


_RHO = (
    "ρ(W) = max_i |λ_i|, the largest modulus of an eigenvalue: np.abs(np.linalg.eigvals(W)).max()"
)

SPECTRAL_RADIUS = Exercise(
    name="spectral_radius",
    notebook=NB,
    reference=R.spectral_radius,
    make_cases=_radius_cases,
    hand=(
        Case("W [[0, -2], [2, 0]], eigenvalues ±2i", (np.array([[0.0, -2.0], [2.0, 0.0]]),)),
        Case("W [[-3, 1], [0, 1]], triangular", (np.array([[-3.0, 1.0], [0.0, 1.0]]),)),
    ),
    returns="array",
    outputs=("the spectral radius",),
    number_as_array=True,  # two correct radii (np.abs, or sqrt(re² + im²)) differ in the last bit
    hint="np.linalg.eigvals(W) gives the n eigenvalues, complex in general; np.abs takes moduli.",
    mistakes=catalogue(
        _radius,
        [
            (
                "largest_singular_value",
                "computed the largest singular value ‖W‖₂: it bounds how much W can stretch "
                f"a vector once, but the growth of W^n is governed by the eigenvalues, {_RHO}.",
            ),
            ("frobenius_norm", f"computed the Frobenius norm of W: {_RHO}."),
            ("max_abs_entry", f"took the largest entry of |W|, not of its eigenvalues: {_RHO}."),
            (
                "no_abs",
                "took the largest eigenvalue without its modulus (np.max of complex numbers "
                f"compares real parts first, and −2 counts as smaller than 1): {_RHO}.",
            ),
            (
                "max_real_part",
                "took the largest real part: an eigenvalue −1.5 or 1.2i grows as fast as "
                f"1.5 or 1.2, only its size counts, {_RHO}.",
            ),
            (
                "real_part_only",
                "took |Re λ|: a complex eigenvalue λ = x + iy has modulus |λ| = sqrt(x² + y²), "
                f"larger than |x|, {_RHO}.",
            ),
        ],
    ),
)

# --- clip_by_value and clip_by_norm ---------------------------------------------------------------

_KEYS = ("dW_ax", "dW_aa", "db_a", "dW_ya", "db_y")


def _grads(rng: np.random.Generator, scale: float) -> tuple[dict[str, np.ndarray], str]:
    """The gradients of an RNN with a softmax head, and their shapes as a label."""
    n_x, n_a, n_y = (int(n) for n in rng.choice(np.arange(2, 7), size=3, replace=False))
    shapes = ((n_a, n_x), (n_a, n_a), (n_a,), (n_y, n_a), (n_y,))
    grads = {
        k: inputs.normal(rng, *shape, scale=scale) for k, shape in zip(_KEYS, shapes, strict=True)
    }
    return grads, "grads of shapes " + ", ".join(str(shape) for shape in shapes)


def _hand_grads(dW_ax: list, dW_aa: list | None = None) -> dict[str, np.ndarray]:
    """Hand-worked gradients: ``dW_ax`` (and ``dW_aa``) given, every other array small or zero."""
    grads: dict[str, np.ndarray] = {k: np.zeros((1, 1)) for k in _KEYS}
    grads["dW_ax"] = np.array(dW_ax)
    grads["db_a"] = np.array([-0.2])
    if dW_aa is not None:
        grads["dW_aa"], grads["db_a"] = np.array(dW_aa), np.zeros(1)
    return grads


def _clip_value(grads: dict[str, np.ndarray], max_value: float, bug: str) -> dict[str, np.ndarray]:
    c = max_value
    clip = {
        "upper_only": lambda g: np.minimum(g, c),
        "lower_bound_zero": lambda g: np.clip(g, 0.0, c),
        "lost_sign": lambda g: np.where(np.abs(g) > c, c, g),
        "rescaled": lambda g: g * min(1.0, c / np.abs(g).max()),
    }.get(bug, lambda g: np.clip(g, -c, c))
    return {k: clip(g) for k, g in grads.items()}


def _clip_value_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for max_value in (1.0, float(rng.uniform(0.3, 0.8)), 2.5, 100.0):
        grads, label = _grads(rng, scale=2.0)
        out.append(Case(f"{label}; max_value={max_value:.3g}", (grads, max_value)))
    return out


_CLIP = (
    "each entry on its own is capped to [−max_value, max_value]: np.clip(g, -max_value, max_value)"
)

CLIP_BY_VALUE = Exercise(
    name="clip_by_value",
    notebook=NB,
    reference=R.clip_by_value,
    make_cases=_clip_value_cases,
    hand=(
        Case(
            "dW_ax [[-5, 0.5, 3]], others inside ±1, max_value=1",
            (_hand_grads([[-5.0, 0.5, 3.0]]), 1.0),
        ),
    ),
    shared=f"the clipping rule: {_CLIP}",
    returns="dict",
    outputs=_KEYS,
    hint="build a new dict: {name: np.clip(g, -max_value, max_value) for name, g in grads.items()}.",
    mistakes=catalogue(
        _clip_value,
        [
            (
                "upper_only",
                f"clipped only from above: large negative entries must be cut too, {_CLIP}.",
            ),
            (
                "lower_bound_zero",
                f"clipped to [0, max_value]: a negative gradient is as valid as a positive one, {_CLIP}.",
            ),
            ("lost_sign", f"replaced every large entry by +max_value, losing its sign: {_CLIP}."),
            (
                "rescaled",
                "rescaled each array so that its largest entry is max_value: that keeps the "
                f"direction, which clipping by value does not try to do; {_CLIP}.",
            ),
        ],
    ),
)


def _clip_norm(grads: dict[str, np.ndarray], max_norm: float, bug: str) -> dict[str, np.ndarray]:
    if bug == "per_array":
        return {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}
    if bug == "clipped_entries":
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}
    squares = sum(float((g**2).sum()) for g in grads.values())
    norms: dict[str, float] = {
        "squared_norm": squares,
        "sum_of_norms": sum(float(np.linalg.norm(g)) for g in grads.values()),
        "max_abs": max(float(np.abs(g).max()) for g in grads.values()),
    }
    norm = norms.get(bug, float(np.sqrt(squares)))  # ‖g‖ over every entry of every array
    scales: dict[str, float] = {
        "always_rescaled": max_norm / norm,
        "reversed_condition": max_norm / norm if norm < max_norm else 1.0,
        "inverted_ratio": norm / max_norm if norm > max_norm else 1.0,
    }
    scale = scales.get(bug, max_norm / norm if norm > max_norm else 1.0)
    return {k: g * scale for k, g in grads.items()}


def _clip_norm_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for scale, max_norm in ((1.0, 1.0), (0.5, None), (3.0, 5.0), (0.2, 10.0)):
        grads, label = _grads(rng, scale)
        norms = [float(np.linalg.norm(g)) for g in grads.values()]
        norm = float(np.sqrt(sum(n**2 for n in norms)))  # above every array's own norm
        if max_norm is None:  # between them: only the global norm is above max_norm
            max_norm = (max(norms) + norm) / 2
        out.append(Case(f"{label}; ‖g‖ = {norm:.3g}, max_norm={max_norm:.3g}", (grads, max_norm)))
    return out


_GLOBAL = (
    "‖g‖ = sqrt(Σ over every entry of every array of g²), one number for all of them; if it is "
    "above max_norm, multiply every array by max_norm / ‖g‖"
)

CLIP_BY_NORM = Exercise(
    name="clip_by_norm",
    notebook=NB,
    reference=R.clip_by_norm,
    make_cases=_clip_norm_cases,
    hand=(
        Case(
            "global norm 5, max_norm=1: every array times 1/5",
            (_hand_grads([[3.0, 0.0]], [[0.0], [4.0]]), 1.0),
        ),
        Case(
            "global norm 5, max_norm=10: nothing changes",
            (_hand_grads([[3.0, 0.0]], [[0.0], [4.0]]), 10.0),
        ),
    ),
    returns="dict",
    outputs=_KEYS,
    hint="first the global norm, sqrt(sum((g**2).sum() for g in grads.values())), then one scale.",
    mistakes=catalogue(
        _clip_norm,
        [
            (
                "per_array",
                "clipped each array by its own norm: that changes the direction of the whole "
                f"gradient, since arrays get different factors. {_GLOBAL}.",
            ),
            (
                "always_rescaled",
                "rescaled the gradient also when its norm is below max_norm, blowing small "
                f"gradients up to max_norm: clip only when needed. {_GLOBAL}.",
            ),
            (
                "reversed_condition",
                f"clipped when the norm is below max_norm and left large gradients alone: {_GLOBAL}.",
            ),
            ("inverted_ratio", f"multiplied by ‖g‖ / max_norm, the inverse factor: {_GLOBAL}."),
            ("squared_norm", f"used the squared norm Σ g² without the square root: {_GLOBAL}."),
            (
                "sum_of_norms",
                "added the arrays' norms: norms do not add, their squares do, "
                f"‖g‖² = Σ_arrays ‖g_i‖². {_GLOBAL}.",
            ),
            ("max_abs", f"used the largest entry |g| as the norm: {_GLOBAL}."),
            (
                "clipped_entries",
                f"clipped each entry by value to [−max_norm, max_norm]: that is clip by value. {_GLOBAL}.",
            ),
        ],
    ),
)

EXERCISES = (GRADIENT_NORMS_THROUGH_TIME, SPECTRAL_RADIUS, CLIP_BY_VALUE, CLIP_BY_NORM)
