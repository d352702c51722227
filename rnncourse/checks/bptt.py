r"""Notebook 02 (backpropagation through time): the losses, the output layer's gradients,
``rnn_cell_backward`` and ``rnn_backward``.

The per-step losses are the cross-entropy of a softmax output, :math:`-\log \hat y_{y}`, and its
binary form for a sigmoid output (the NER labels of notebook 00); the sequence loss sums them over
the real (unpadded) steps. The backward inputs are built with the reference forward pass, so the
caches have the layout the notebook defines: ``cache = (a_next, a_prev, x_t, params)``.

Backpropagation runs from :math:`t = T_x` down to 1, so a wrong ``dx`` is reported at the *last*
time step where it differs: the first one the backward pass reaches, from which an error spreads
to every earlier step.
"""

from __future__ import annotations

import numpy as np

from rnncourse import reference as R
from rnncourse.checks import inputs
from rnncourse.checks.framework import Case, Exercise, catalogue

NB = "02_bptt"
_GRADS = ("dW_ax", "dW_aa", "db_a")


# --- cross_entropy_step ---------------------------------------------------------------------------


def _ce_step(y_hat_t: np.ndarray, y_t: np.ndarray, bug: str) -> np.ndarray:
    m, n_y = y_hat_t.shape
    onehot = np.eye(n_y)[y_t]  # (m, n_y)
    if bug == "all_classes":
        return -np.log(y_hat_t).sum(axis=1)
    if bug == "binary_form":
        return -(onehot * np.log(y_hat_t) + (1 - onehot) * np.log(1 - y_hat_t)).sum(axis=1)
    if bug == "every_label_every_row":
        return -np.log(y_hat_t[:, y_t])  # (m, m)
    picked = y_hat_t[np.arange(m), y_t]  # (m,): the probability of the true class
    if bug == "no_minus":
        return np.log(picked)
    if bug == "log10":
        return -np.log10(picked)
    if bug == "one_minus":
        return -np.log(1 - picked)
    return -np.log(picked)


def _ce_step_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        args = (inputs.probabilities(rng, s["m"], s["n_y"]), inputs.labels(rng, s["n_y"], s["m"]))
        out.append(Case(inputs.label(s, "m n_y"), args))
    return out


_CE = "L⟨t⟩ = −log ŷ⟨t⟩[y⟨t⟩], minus the log of the probability given to the true class"

CROSS_ENTROPY_STEP = Exercise(
    name="cross_entropy_step",
    notebook=NB,
    reference=R.cross_entropy_step,
    make_cases=_ce_step_cases,
    hand=(
        Case(
            "y_hat_t [[0.25, 0.75], [0.5, 0.5], [0.1, 0.9]], y_t [1, 0, 0]",
            (np.array([[0.25, 0.75], [0.5, 0.5], [0.1, 0.9]]), np.array([1, 0, 0])),
        ),
    ),
    returns="array",
    outputs=("L_t",),
    hint="y_hat_t[np.arange(m), y_t] picks one entry per row: row i, column y_t[i]; shape (m,).",
    mistakes=catalogue(
        _ce_step,
        [
            ("no_minus", f"forgot the minus sign: the loss is never negative, {_CE}."),
            (
                "all_classes",
                f"summed −log ŷ over every class: only the true class counts, {_CE}.",
            ),
            (
                "binary_form",
                "applied the binary cross-entropy to every class: for a softmax output "
                f"the loss is the true class's term only, {_CE}.",
            ),
            (
                "every_label_every_row",
                "indexed y_hat_t[:, y_t], which takes every label for every row, (m, m): "
                "y_hat_t[np.arange(m), y_t] takes row i's own label, (m,).",
            ),
            ("log10", f"used log base 10: the cross-entropy uses the natural log, np.log. {_CE}."),
            ("one_minus", f"took −log(1 − ŷ) of the true class: {_CE}."),
        ],
    ),
)

# --- binary_cross_entropy ---------------------------------------------------------------------------


def _bce(y_hat: np.ndarray, y: np.ndarray, bug: str) -> np.ndarray:
    if bug == "sigmoid_again":
        y_hat = 1.0 / (1.0 + np.exp(-y_hat))
    if bug == "swapped":
        y_hat = 1.0 - y_hat
    pos, neg = y * np.log(y_hat), (1 - y) * np.log(1 - y_hat)  # each (m, T)
    if bug == "positive_term_only":
        return -pos
    if bug == "negative_term_only":
        return -neg
    if bug == "no_minus":
        return pos + neg
    return -(pos + neg)


def _bce_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        y_hat = rng.uniform(0.05, 0.95, size=(s["m"], s["T"]))  # sigmoid outputs
        y = rng.integers(0, 2, size=(s["m"], s["T"]), dtype=np.int64)
        y[0, 0], y[-1, -1] = 1, 0  # both labels in every case
        out.append(Case(inputs.label(s, "m T"), (y_hat, y)))
    return out


_BCE = "L⟨t⟩ = −[y⟨t⟩ log ŷ⟨t⟩ + (1 − y⟨t⟩) log(1 − ŷ⟨t⟩)]"

BINARY_CROSS_ENTROPY = Exercise(
    name="binary_cross_entropy",
    notebook=NB,
    reference=R.binary_cross_entropy,
    make_cases=_bce_cases,
    hand=(
        Case(
            "y_hat [[0.8, 0.8, 0.5]], y [[1, 0, 1]]",
            (np.array([[0.8, 0.8, 0.5]]), np.array([[1, 0, 1]])),
        ),
    ),
    returns="array",
    outputs=("L",),
    time_axis={"L": 1},
    hint="elementwise, no sum: y_hat and y have the same shape, and so does the result.",
    mistakes=catalogue(
        _bce,
        [
            (
                "positive_term_only",
                f"kept only the y log ŷ term: when y = 0 that term is 0, and a confident wrong "
                f"ŷ would cost nothing. {_BCE}.",
            ),
            (
                "negative_term_only",
                f"kept only the (1 − y) log(1 − ŷ) term: when y = 1 it is 0. {_BCE}.",
            ),
            ("swapped", f"swapped log ŷ and log(1 − ŷ): {_BCE}."),
            ("no_minus", f"forgot the minus sign: the loss is never negative, {_BCE}."),
            (
                "sigmoid_again",
                f"applied σ to ŷ again: ŷ already is the probability σ(z) of label 1. {_BCE}.",
            ),
        ],
    ),
)

# --- sequence_loss ----------------------------------------------------------------------------------


def _seq_loss(y_hat: np.ndarray, y: np.ndarray, mask: np.ndarray, bug: str) -> np.ndarray:
    L = _ce_step(y_hat.reshape(-1, y_hat.shape[-1]), y.reshape(-1), "").reshape(y.shape)  # (m, T)
    if bug == "mask_ignored":
        return L.sum(axis=1)
    if bug == "last_step_only":
        return L[:, -1] * mask[:, -1]
    if bug == "first_step_only":
        return L[:, 0]
    kept = L * mask  # (m, T): 0 at padded steps
    if bug == "mean_over_real_steps":
        return kept.sum(axis=1) / mask.sum(axis=1)
    if bug == "mean_over_T":
        return kept.mean(axis=1)
    if bug == "summed_over_batch":
        return kept.sum(axis=0)
    return kept.sum(axis=1)


def _seq_loss_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        m, T, n_y = s["m"], s["T"], s["n_y"]
        args = (
            inputs.probabilities(rng, m, T, n_y),
            inputs.labels(rng, n_y, m, T),
            inputs.mask(rng, m, T),
        )
        out.append(Case(inputs.label(s, "m T n_y"), args))
    return out


_SUM = "L = Σ_t mask⟨t⟩ L⟨t⟩, one sum over time per sequence, shape (m,)"

SEQUENCE_LOSS = Exercise(
    name="sequence_loss",
    notebook=NB,
    reference=R.sequence_loss,
    make_cases=_seq_loss_cases,
    hand=(
        Case(
            "one sequence of 3 steps, the last padded",
            (
                np.array([[[0.5, 0.5], [0.25, 0.75], [0.999, 0.001]]]),
                np.array([[0, 1, 1]]),
                np.array([[True, True, False]]),
            ),
        ),
    ),
    helpers=("cross_entropy_step",),
    returns="array",
    outputs=("L",),
    hint="y_hat[:, t] (m, n_y) and y[:, t] (m,) are step t; your cross_entropy_step gives (m,) "
    "losses; multiply by mask[:, t] and add up over t.",
    mistakes=catalogue(
        _seq_loss,
        [
            (
                "mask_ignored",
                f"counted the padded steps: multiply each L⟨t⟩ by the mask (1 for a real "
                f"token, 0 for <PAD>) before adding. {_SUM}.",
            ),
            ("last_step_only", f"used only the last step's loss: every step has a loss. {_SUM}."),
            ("first_step_only", f"used only the first step's loss: every step has a loss. {_SUM}."),
            (
                "mean_over_real_steps",
                f"averaged over the real steps: the sequence loss is a sum. {_SUM}.",
            ),
            ("mean_over_T", f"averaged over time (divided by T_y): the loss is a sum. {_SUM}."),
            (
                "summed_over_batch",
                f"summed over the batch (axis 0) instead of over time (axis 1). {_SUM}.",
            ),
        ],
    ),
)

# --- output_backward --------------------------------------------------------------------------------


def _out_bwd(
    y_hat: np.ndarray, y: np.ndarray, a: np.ndarray, W_ya: np.ndarray, mask: np.ndarray, bug: str
) -> dict[str, np.ndarray]:
    onehot = np.eye(y_hat.shape[-1])[y]  # (m, T, n_y)
    dlogits = {
        "no_onehot": y_hat,
        "sign_flipped": onehot - y_hat,
        "softmax_derivative_again": (y_hat - onehot) * y_hat * (1 - y_hat),
    }.get(bug, y_hat - onehot)
    if bug != "mask_ignored":
        dlogits = dlogits * mask[..., None]  # (m, T, n_y): no loss at <PAD>, so no gradient
    steps = slice(-1, None) if bug == "last_step_only" else slice(None)
    dlogits_flat = dlogits[:, steps].reshape(
        -1, dlogits.shape[-1]
    )  # (m T, n_y): every (example, step) a row
    a_flat = a[:, steps].reshape(-1, a.shape[-1])  # (m T, n_a)
    return {
        "da": dlogits @ (W_ya.T if bug == "transposed_W_ya" else W_ya),  # (m, T, n_a)
        "dW_ya": a_flat.T @ dlogits_flat if bug == "transposed_dW_ya" else dlogits_flat.T @ a_flat,
        "db_y": dlogits_flat.mean(axis=0) if bug == "mean_db_y" else dlogits_flat.sum(axis=0),
    }


def _out_bwd_cases(rng: np.random.Generator) -> list[Case]:
    out: list[Case] = []
    for s in inputs.sizes(rng):
        m, T, n_a, n_y = s["m"], s["T"], s["n_a"], s["n_y"]
        a = inputs.normal(rng, m, T, n_a).clip(-0.95, 0.95)  # hidden states, inside (-1, 1)
        W_ya = inputs.rnn_params(rng, s["n_x"], n_a, n_y)["W_ya"]
        y_hat = R.softmax(a @ W_ya.T + inputs.normal(rng, n_y, scale=0.5))  # (m, T, n_y)
        y = inputs.labels(rng, n_y - 1 if len(out) == 0 else n_y, m, T)  # case 1: no top class
        args = (y_hat, y, a, W_ya, inputs.mask(rng, m, T))
        out.append(Case(f"y_hat of shape {y_hat.shape}, a of shape {a.shape}", args))
    return out


_DLOGITS = "dlogits⟨t⟩ = (ŷ⟨t⟩ − onehot(y⟨t⟩)) ⊙ mask⟨t⟩"

OUTPUT_BACKWARD = Exercise(
    name="output_backward",
    notebook=NB,
    reference=R.output_backward,
    make_cases=_out_bwd_cases,
    returns="dict",
    outputs=("da", "dW_ya", "db_y"),
    time_axis={"da": 1},
    hint="with dlogits = (y_hat − onehot(y)) ⊙ mask, (m, T_y, n_y): da = dlogits @ W_ya (m, T_y, n_a); dW_ya sums dlogits⟨t⟩.T @ a⟨t⟩ over t "
    "(n_y, n_a); db_y sums dlogits over the batch and time (n_y,).",
    mistakes=catalogue(
        _out_bwd,
        [
            (
                "no_onehot",
                f"left out the − onehot(y): the gradient of −log ŷ_y with respect to the "
                f"logits is ŷ − onehot(y). {_DLOGITS}.",
            ),
            (
                "sign_flipped",
                f"flipped the sign: ∂L/∂logits = ŷ − onehot(y), not onehot(y) − ŷ. {_DLOGITS}.",
            ),
            (
                "softmax_derivative_again",
                f"multiplied by the softmax's derivative ŷ(1 − ŷ) again: softmax and "
                f"cross-entropy together give ∂L/∂logits = ŷ − onehot(y), nothing more. {_DLOGITS}.",
            ),
            (
                "mask_ignored",
                f"ignored the mask: a padded step has no loss, so it sends no gradient. {_DLOGITS}.",
            ),
            (
                "transposed_W_ya",
                "multiplied by W_ya.T for da: in row layout da = dlogits @ W_ya, "
                "(m, T_y, n_y) @ (n_y, n_a).",
            ),
            (
                "transposed_dW_ya",
                "computed dW_ya transposed: dW_ya = Σ_t dlogits⟨t⟩.T @ a⟨t⟩ has W_ya's shape (n_y, n_a).",
            ),
            (
                "last_step_only",
                "kept only the last step's dW_ya and db_y: W_ya and b_y are used at every step, "
                "so their gradients are sums over all steps.",
            ),
            (
                "mean_db_y",
                "averaged db_y: the loss is a sum, so db_y = Σ over the batch and time of dlogits.",
            ),
        ],
    ),
)

# --- rnn_cell_backward --------------------------------------------------------------------------


def _cell_bwd(da_next: np.ndarray, cache: R.RnnCache, bug: str) -> dict[str, np.ndarray]:
    a_next, a_prev, x_t, p = cache
    deriv = {
        "no_tanh_derivative": 1.0,
        "one_minus_a": 1.0 - a_next,
        "tanh_of_a": 1.0 - np.tanh(a_next) ** 2,
        "a_prev_in_derivative": 1.0 - a_prev**2,
    }.get(bug, 1.0 - a_next**2)
    dz = da_next * deriv  # (m, n_a)
    return {
        "dx_t": dz @ p["W_ax"],
        "da_prev": dz @ (p["W_aa"].T if bug == "transposed_W_aa" else p["W_aa"]),
        "dW_ax": dz.T @ x_t,
        "dW_aa": a_prev.T @ dz if bug == "transposed_dW_aa" else dz.T @ a_prev,
        "db_a": dz.mean(axis=0) if bug == "mean_db" else dz.sum(axis=0),
    }


def _cell_bwd_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        x_t, a_prev = inputs.normal(rng, s["m"], s["n_x"]), inputs.state(rng, s["m"], s["n_a"])
        params = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        _, _, cache = R.rnn_cell_forward(x_t, a_prev, params)
        da_next = inputs.normal(rng, s["m"], s["n_a"])
        out.append(Case(inputs.label(s, "m n_x n_a"), (da_next, cache)))
    return out


RNN_CELL_BACKWARD = Exercise(
    name="rnn_cell_backward",
    notebook=NB,
    reference=R.rnn_cell_backward,
    make_cases=_cell_bwd_cases,
    shared="dz = da_next ⊙ (1 − a⟨t⟩²), the gradient through the tanh (its derivative 1 − a⟨t⟩²)",
    returns="dict",
    outputs=("dx_t", "da_prev", *_GRADS),
    hint="with dz = da_next * (1 - a_next**2) of shape (m, n_a): dx_t = dz @ W_ax (m, n_x), "
    "da_prev = dz @ W_aa (m, n_a), dW_ax = dz.T @ x_t (n_a, n_x), dW_aa = dz.T @ a_prev (n_a, n_a).",
    mistakes=catalogue(
        _cell_bwd,
        [
            ("no_tanh_derivative", "left out the derivative of tanh: dz = da_next ⊙ (1 − a⟨t⟩²)."),
            (
                "one_minus_a",
                "used (1 − a⟨t⟩) for the derivative of tanh: it is 1 − a⟨t⟩², squared.",
            ),
            ("tanh_of_a", "applied tanh again: a⟨t⟩ already is tanh(z), so tanh'(z) = 1 − a⟨t⟩²."),
            (
                "a_prev_in_derivative",
                "used a⟨t−1⟩ in the derivative: tanh'(z) = 1 − a⟨t⟩², the new state.",
            ),
            (
                "transposed_W_aa",
                "multiplied by W_aa.T for da_prev: in row layout da_prev = dz @ W_aa.",
            ),
            (
                "transposed_dW_aa",
                "computed dW_aa transposed: dW_aa = dz.T @ a_prev has W_aa's shape (out, in).",
            ),
            (
                "mean_db",
                "averaged db_a over the batch: the loss is a sum, so db_a = Σ over the batch of dz.",
            ),
        ],
    ),
)

# --- rnn_backward ----------------------------------------------------------------------------------


def _seq_bwd(da: np.ndarray, caches: list[R.RnnCache], bug: str) -> dict[str, np.ndarray]:
    T = da.shape[1]
    grads = {k: np.zeros_like(caches[0][3][k[1:]]) for k in _GRADS}
    dx = [np.zeros_like(cache[2]) for cache in caches]  # (m, n_x) per step
    da_prev = np.zeros_like(da[:, 0])
    first = 1 if bug == "stopped_early" else 0  # the loop that never reaches t = 1
    for t in range(T) if bug == "forward_in_time" else reversed(range(first, T)):
        upstream = {
            "no_recurrent": da[:, t],
            "only_recurrent": da_prev if t < T - 1 else da[:, t],
        }.get(bug, da[:, t] + da_prev)
        step = R.rnn_cell_backward(upstream, caches[t])
        da_prev, dx[t] = step["da_prev"], step["dx_t"]
        for k in grads:
            grads[k] = step[k] if bug == "not_accumulated" else grads[k] + step[k]
    if bug == "dx_reversed":
        dx = dx[::-1]
    return {"dx": np.stack(dx, axis=1), "da0": da_prev, **grads}


def _seq_bwd_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for s in inputs.sizes(rng):
        x, a0 = inputs.normal(rng, s["m"], s["T"], s["n_x"]), inputs.state(rng, s["m"], s["n_a"])
        params = inputs.rnn_params(rng, s["n_x"], s["n_a"], s["n_y"])
        _, _, caches = R.rnn_forward(x, a0, params)
        da = inputs.normal(rng, s["m"], s["T"], s["n_a"])
        out.append(Case(inputs.label(s, "m T n_x n_a"), (da, caches)))
    return out


RNN_BACKWARD = Exercise(
    name="rnn_backward",
    backward_in_time=True,
    notebook=NB,
    helpers=("rnn_cell_backward",),
    reference=R.rnn_backward,
    make_cases=_seq_bwd_cases,
    returns="dict",
    outputs=("dx", "da0", *_GRADS),
    time_axis={"dx": 1},
    hint="go t = T_x−1 … 0; at each step call your rnn_cell_backward with da[:, t] + da_prev, "
    "store dx_t in dx[:, t] and add the step's parameter gradients.",
    mistakes=catalogue(
        _seq_bwd,
        [
            (
                "not_accumulated",
                "kept one step's parameter gradient: dW_ax, dW_aa and db_a are sums "
                "over all time steps (+=).",
            ),
            (
                "no_recurrent",
                "did not add the gradient coming back from step t+1: the upstream gradient "
                "at step t is da[:, t] + da_prev.",
            ),
            (
                "only_recurrent",
                "used da[:, t] only at the last step: every step's output sends its own "
                "gradient, so add da[:, t] at each t.",
            ),
            (
                "forward_in_time",
                "went forward in time: backpropagation through time runs t = T_x, …, 1.",
            ),
            ("dx_reversed", "stored dx in reverse order: dx[:, t] is the gradient on x⟨t⟩."),
            (
                "stopped_early",
                "stopped before the first step: the loop must run t = T_x−1, …, 0 "
                "(reversed(range(T_x))), so that dx[:, 0] and da0 come from step 1.",
            ),
        ],
    ),
)

EXERCISES = (
    CROSS_ENTROPY_STEP,
    BINARY_CROSS_ENTROPY,
    SEQUENCE_LOSS,
    OUTPUT_BACKWARD,
    RNN_CELL_BACKWARD,
    RNN_BACKWARD,
)
