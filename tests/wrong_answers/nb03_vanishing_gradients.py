"""Wrong answers to notebook 03 (gradient norms through time, spectral radius, clipping)."""

from __future__ import annotations

import numpy as np

from wrong_answers import wrong


def _grads_back(da_T, a, W_aa, deriv_after=False):
    da, out = da_T, [da_T]
    for k in range(a.shape[1], 0, -1):
        a_k = a[:, k - 1]
        da = (da @ W_aa) * (1 - a_k**2) if deriv_after else (da * (1 - a_k**2)) @ W_aa
        out.append(da)
    return np.stack(out[::-1], axis=1)  # (m, T_x + 1, n_a)


def norms_rms(da_T, a, W_aa):
    return np.sqrt(np.mean(_grads_back(da_T, a, W_aa) ** 2, axis=-1))


def norms_derivative_after(da_T, a, W_aa):
    return np.linalg.norm(_grads_back(da_T, a, W_aa, deriv_after=True), axis=-1)


def norms_l1(da_T, a, W_aa):
    return np.abs(_grads_back(da_T, a, W_aa)).sum(axis=-1)


def norms_transposed(da_T, a, W_aa):
    return np.linalg.norm(_grads_back(da_T, a, W_aa), axis=-1).T


def radius_eigvalsh(W):
    return float(np.abs(np.linalg.eigvalsh(W)).max())


def radius_sum(W):
    return float(np.abs(np.linalg.eigvals(W)).sum())


def radius_eigenvectors(W):
    return float(np.abs(np.linalg.eig(W)[1]).max())


def radius_all_moduli(W):
    return np.abs(np.linalg.eigvals(W))


def clip_value_in_place(grads, max_value):
    return {k: np.clip(g, -max_value, max_value, out=g) for k, g in grads.items()}


def clip_value_swapped_min_max(grads, max_value):
    return {k: np.minimum(np.maximum(g, max_value), -max_value) for k, g in grads.items()}


def clip_value_list(grads, max_value):
    return [np.clip(g, -max_value, max_value) for g in grads.values()]


def clip_value_only_clipped(grads, max_value):
    return {k: np.clip(g, -max_value, max_value) for k, g in grads.items()
            if np.abs(g).max() > max_value}  # fmt: skip


def clip_norm_rms(grads, max_norm):
    norm = np.sqrt(np.mean(np.concatenate([g.ravel() for g in grads.values()]) ** 2))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}


def clip_norm_ratio_inverted_min(grads, max_norm):
    norm = np.sqrt(sum((g**2).sum() for g in grads.values()))
    return {k: g * min(1.0, norm / max_norm) for k, g in grads.items()}


def clip_norm_in_place(grads, max_norm):
    norm = np.sqrt(sum((g**2).sum() for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return dict(grads)


def clip_norm_weights_only(grads, max_norm):
    norm = np.sqrt(sum((g**2).sum() for g in grads.values() if g.ndim == 2))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}


WRONG = {
    "gradient_norms_through_time": [
        wrong(norms_rms, "root-mean-square, not the norm", "norm", "scale|factor|mean|sqrt|root"),
        wrong(
            norms_derivative_after,
            "tanh derivative after W_aa",
            "derivative|order|before|1 − (a⟨k⟩)²",
        ),
        wrong(norms_l1, "L1 norm", "norm", "square|L2|np.linalg.norm"),
        wrong(norms_transposed, "(T_x + 1, m)", "transpose|shape|(m, T_x + 1)"),
    ],
    "spectral_radius": [
        wrong(radius_eigvalsh, "eigvalsh assumes a symmetric matrix", "eigvals|symmetric"),
        wrong(radius_sum, "sum of moduli", "max|largest"),
        wrong(radius_eigenvectors, "eigenvectors, not eigenvalues", "eigenvalue"),
        wrong(radius_all_moduli, "every modulus, not the largest", "one number|max|largest"),
    ],
    "clip_by_value": [
        wrong(clip_value_in_place, "clipped in place", "in place"),
        wrong(
            clip_value_swapped_min_max,
            "min and max swapped",
            "np.clip|[−max_value, max_value]|-max_value",
        ),
        wrong(clip_value_list, "returned a list", "dict"),
        wrong(clip_value_only_clipped, "dropped arrays that needed no clipping", "key|missing"),
    ],
    "clip_by_norm": [
        wrong(
            clip_norm_rms,
            "RMS instead of the global norm",
            "norm",
            "mean|root-mean-square|rms|divide|factor",
        ),
        wrong(
            clip_norm_ratio_inverted_min,
            "multiplied by min(1, ‖g‖/max_norm)",
            "inverse|norm / max_norm|‖g‖ / max_norm",
        ),
        wrong(clip_norm_in_place, "rescaled in place", "in place"),
        wrong(clip_norm_weights_only, "norm of the weight matrices only", "every array|bias|all"),
    ],
}
