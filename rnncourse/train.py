r"""Small training utilities: the device, seeding, a minimal training loop, and sampling.

Everything a notebook needs around a model, and nothing more:

- :func:`device` picks CUDA, then Apple's MPS, then the CPU;
- :func:`seed_everything` seeds every global random number generator and hands back an explicit
  ``torch.Generator`` (prefer passing that generator around to relying on global state);
- :func:`fit` is the training loop of every deep-learning tutorial — forward, loss, backward,
  optional gradient clipping by norm (Pascanu et al. 2013, "On the difficulty of training recurrent
  neural networks"), optimizer step — with a ``tqdm`` progress bar;
- :func:`sample_next` and :func:`sample_sequence` draw tokens from a language model's logits with a
  temperature and top-:math:`k` filtering, as in the character-level models of notebooks 01 and 02.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from rnncourse._validate import require_int, require_positive, require_shape, require_tensor

Batches = Iterable[tuple[Any, ...]] | Callable[[], Iterable[tuple[Any, ...]]]  # (input, target)


def device() -> torch.device:
    r"""The best available device: CUDA if there is a GPU, then Apple's MPS, then the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> torch.Generator:
    r"""Seed Python's ``random``, NumPy's global RNG and torch's (CPU and CUDA); return a generator.

    The returned ``torch.Generator`` (on the CPU) is seeded with ``seed`` too. Prefer passing it
    explicitly (``torch.randn(..., generator=g)``, :func:`sample_next`) to relying on the global
    state, which any other line of code can advance.

    Args:
        seed: an integer in :math:`[0, 2^{32})` (NumPy's legacy seeding accepts no more).
    """
    seed = require_int("seed", seed, 0, 2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds the CPU and every CUDA device
    return torch.Generator().manual_seed(seed)


def fit(
    model: torch.nn.Module,
    batches: Batches,
    loss_fn: Callable[[Any, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int = 1,
    clip_norm: float | None = None,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> list[float]:
    r"""Train ``model`` for ``epochs`` passes over ``batches``; return the loss of every step.

    Each step computes, for one batch :math:`(X, Y)` and parameters :math:`\theta`,

    .. math::

        \mathcal{L} = \mathrm{loss\_fn}(\mathrm{model}(X), Y), \qquad
        g = \nabla_\theta \mathcal{L}, \qquad
        g \leftarrow g \cdot \min\!\left(1, \frac{\mathrm{clip\_norm}}{\lVert g \rVert_2}\right),
        \qquad \theta \leftarrow \mathrm{optimizer.step}(\theta, g)

    where :math:`\lVert g \rVert_2` is the norm of all parameters' gradients taken together
    (``torch.nn.utils.clip_grad_norm_``); clipping is skipped when ``clip_norm`` is ``None``.

    Args:
        model: called as ``model(inputs)``; its output goes to ``loss_fn``.
        batches: the data of one epoch, as ``(inputs, targets)`` pairs. Either re-iterable (a list,
            a ``DataLoader``), or a zero-argument callable returning a fresh iterable each epoch
            (e.g. a function that reshuffles). A one-shot iterator (a generator object) is rejected:
            it would silently be empty from the second epoch on.
        loss_fn: ``loss_fn(model(inputs), targets)`` must return a scalar tensor.
        optimizer: any ``torch.optim`` optimizer over ``model``'s parameters.
        epochs: number of passes over the data, at least 1.
        clip_norm: if given (positive), the largest allowed gradient norm.
        progress: show a ``tqdm`` progress bar (``False`` prints nothing, e.g. for stored outputs).
        device: if given, ``model`` is moved there and so are ``inputs`` and ``targets`` of every
            batch (tensors only); if ``None``, nothing is moved.

    Returns:
        The loss of every step in order, as Python floats: ``epochs * len(batches)`` values.

    Raises:
        FloatingPointError: the loss became NaN or infinite (lower the learning rate or clip).

    Shape:
        Whatever ``model`` and ``loss_fn`` agree on; the loss is a scalar, shape ``()``.
    """
    if isinstance(batches, Iterator):
        raise TypeError(
            "batches must be re-iterable (a list, a DataLoader) or a callable returning an "
            "iterable per epoch, got a one-shot iterator (it would be empty after one epoch)"
        )
    if not callable(batches) and not isinstance(batches, Iterable):
        raise TypeError(f"batches must be iterable or callable, got {type(batches).__name__}")
    epochs = require_int("epochs", epochs, 1)
    if clip_norm is not None:
        clip_norm = require_positive("clip_norm", clip_norm)

    if device is not None:
        model.to(device)
    model.train()
    history: list[float] = []
    total = epochs * len(batches) if isinstance(batches, Sized) else None  # unknown for a callable
    with tqdm(total=total, disable=not progress, unit="step", desc="training") as bar:
        for epoch in range(epochs):
            for inputs, targets in batches() if callable(batches) else batches:
                if device is not None:
                    inputs = inputs.to(device) if isinstance(inputs, torch.Tensor) else inputs
                    targets = targets.to(device) if isinstance(targets, torch.Tensor) else targets
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(inputs), targets)
                require_tensor("loss_fn's result", loss)
                require_shape("loss_fn's result", loss.shape, ())
                value = loss.item()
                if not math.isfinite(value):  # stop before the step spreads NaN into the weights
                    raise FloatingPointError(
                        f"the loss became {value} at step {len(history)} (epoch {epoch}); "
                        "lower the learning rate or set clip_norm"
                    )
                loss.backward()
                if clip_norm is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
                optimizer.step()
                history.append(value)
                bar.update(1)
                bar.set_postfix(epoch=epoch, loss=f"{value:.4f}", refresh=False)
    return history


def sample_next(
    logits: torch.Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator,
) -> torch.Tensor:
    r"""Draw one token index per row of ``logits`` from the softmax at ``temperature``.

    With :math:`z` the logits, :math:`\tau` the temperature and :math:`K` the ``top_k`` largest
    entries of :math:`z` (all :math:`V` when ``top_k`` is ``None``):

    .. math::

        P(i) = \frac{\exp(z_i / \tau)}{\sum_{j \in K} \exp(z_j / \tau)} \ \text{ for } i \in K,
        \qquad P(i) = 0 \ \text{ otherwise.}

    :math:`\tau < 1` sharpens the distribution towards the most likely token, :math:`\tau > 1`
    flattens it towards uniform. :math:`\tau = 0` is the limit: greedy decoding,
    :math:`\arg\max_i z_i` (the first one on ties), no randomness drawn.

    Args:
        logits: unnormalised scores, floating; ``-inf`` marks a forbidden token.
        temperature: :math:`\tau \ge 0`.
        top_k: keep only the ``top_k`` largest logits, :math:`1 \le k \le V`; exactly ``top_k``
            even on ties.
        generator: the random number generator to draw with (explicit, for reproducibility).

    Returns:
        The sampled indices, ``int64``, on ``logits``' device.

    Shape:
        logits ``(V,)`` → ``()``; logits ``(N, V)`` → ``(N,)``, with ``V`` the vocabulary size.
    """
    require_tensor("logits", logits, ndims=(1, 2))
    V = logits.shape[-1]
    if V == 0 or logits.numel() == 0:
        raise ValueError(f"logits must not be empty, got shape {tuple(logits.shape)}")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not (math.isfinite(temperature) and temperature >= 0):
        raise ValueError(f"temperature must be finite and >= 0, got {temperature}")
    if top_k is not None:
        top_k = require_int("top_k", top_k, 1, V)
    if torch.isnan(logits).any():
        raise ValueError("logits must not contain NaN")

    z = logits.detach().to(torch.promote_types(logits.dtype, torch.float32))  # (N, V) or (V,)
    if top_k is not None:
        values, indices = z.topk(top_k, dim=-1)  # scatter keeps exactly k, even on ties
        z = torch.full_like(z, -math.inf).scatter(-1, indices, values)
    if temperature == 0:
        return z.argmax(dim=-1)
    probs = torch.softmax(z / temperature, dim=-1)
    # the generator lives on one device; draw there and bring the indices back
    drawn = torch.multinomial(probs.to(generator.device), 1, generator=generator)
    return drawn.squeeze(-1).to(logits.device)


def sample_sequence(
    step: Callable[[int, Any], tuple[torch.Tensor | np.ndarray, Any]],
    start_state: Any,
    start_token: int,
    *,
    eos_id: int,
    max_len: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator,
) -> list[int]:
    r"""Generate tokens one at a time, feeding each sampled token back in, until ``<EOS>``.

    Starting from :math:`y^{\langle 0\rangle} =` ``start_token`` and :math:`a^{\langle 0\rangle} =`
    ``start_state``, for :math:`t = 1, 2, \dots`:

    .. math::

        (z^{\langle t\rangle}, a^{\langle t\rangle})
            = \mathrm{step}(y^{\langle t-1\rangle}, a^{\langle t-1\rangle}), \qquad
        y^{\langle t\rangle} \sim \mathrm{sample\_next}(z^{\langle t\rangle}, \tau, k)

    stopping after the first :math:`y^{\langle t\rangle} =` ``eos_id`` or after ``max_len``
    tokens. Runs under ``torch.no_grad()``: sampling needs no gradients.

    Args:
        step: ``step(token, state) -> (logits, state)``, any model, NumPy or torch; ``logits`` of
            shape ``(V,)`` or ``(1, V)``, a tensor or a NumPy array. The state is passed through
            untouched, so it can be anything (an array, a tuple ``(a, c)`` for an LSTM, ``None``).
        start_state: the initial state :math:`a^{\langle 0\rangle}`.
        start_token: the first input token (e.g. the ``<EOS>`` or a start-of-sequence index).
        eos_id: the index of ``<EOS>``; generation stops after it is sampled.
        max_len: the most tokens to generate, at least 1.
        temperature: see :func:`sample_next` (``0`` is greedy).
        top_k: see :func:`sample_next`.
        generator: the random number generator; the same seed gives the same sequence.

    Returns:
        The generated token indices, without ``start_token``; the last one is ``eos_id`` if the
        model stopped by itself, and there are ``max_len`` of them otherwise.
    """
    if not callable(step):
        raise TypeError(f"step must be callable, got {type(step).__name__}")
    start_token = require_int("start_token", start_token)
    eos_id = require_int("eos_id", eos_id)
    max_len = require_int("max_len", max_len, 1)

    tokens: list[int] = []
    token, state = start_token, start_state
    with torch.no_grad():
        while len(tokens) < max_len:
            logits, state = step(token, state)
            if isinstance(logits, np.ndarray):
                logits = torch.from_numpy(logits)
            require_tensor("step's logits", logits, ndims=(1, 2))
            if logits.dim() == 2:
                require_shape("step's logits", logits.shape, (1, None), "(1, V)")
            token = int(
                sample_next(
                    logits.reshape(-1), temperature=temperature, top_k=top_k, generator=generator
                )
            )
            tokens.append(token)
            if token == eos_id:
                break
    return tokens
