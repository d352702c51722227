r"""How an exercise is checked: inputs, reference, comparison, and mistakes that get a name.

An :class:`Exercise` keeps three steps apart, so that a grader can run the student's function in
another process and compare only the plain data that comes back:

1. :meth:`Exercise.cases` draws fresh random inputs of several shapes (batch 1, T 1, square and
   non-square sizes so that a transposed weight shows);
2. :meth:`Exercise.collect` calls the student's function on copies of them (twice, to catch hidden
   state), verifies it did not modify its inputs or call a reference, and picks the graded outputs;
3. :meth:`Exercise.judge` compares those with the reference: structure, shape, dtype, finiteness,
   values. When values are wrong it runs the exercise's catalogued :class:`Mistake`\ s on the same
   inputs; if one reproduces the student's output, the message names it. Otherwise it reports
   the first differing entry (and time step) with expected and received values.

:meth:`Exercise.check` does all three in one process: what a notebook's test cell calls.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

import numpy as np
import torch

from rnncourse.checks import collect
from rnncourse.checks.collect import Data, Returns, Signature, inexact, kind, same


@dataclass(frozen=True)
class Case:
    """One set of inputs for an exercise: positional arguments, as plain data."""

    label: str  # the sizes, e.g. "m=1, n_x=3, n_a=5", shown in messages
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Mistake:
    """A mistake students make, as a function with the student's signature that makes it."""

    name: str  # short identifier, e.g. "sigmoid_for_tanh"
    message: str  # what the student reads, e.g. "applied sigmoid where tanh belongs: ..."
    fn: Callable[..., Any]


def catalogue(make: Callable[..., Any], mistakes: Sequence[tuple[str, str]]) -> tuple[Mistake, ...]:
    """The mistakes ``(name, message)`` made by one function: ``make(*args, bug=name)`` makes each."""
    return tuple(
        Mistake(bug, message, functools.partial(make, bug=bug)) for bug, message in mistakes
    )


@dataclass(frozen=True)
class Exercise:
    r"""A graded function: where it lives, its reference, its inputs and its catalogued mistakes.

    Args:
        name: the function's name in the notebook (the key in ``EXERCISES``).
        notebook: the notebook's stem, e.g. ``"01_vanilla_rnn"``.
        reference: a correct implementation with the student's signature.
        make_cases: draws the inputs from a ``numpy.random.Generator``.
        returns: ``"array"`` (one value), ``"tuple"`` or ``"dict"``.
        outputs: the names of the returned values (tuple positions, or dict keys to grade).
        graded: which of ``outputs`` are compared (default: all); a cache is returned, not graded.
        time_axis: for outputs that are sequences, the axis of time, so a message can say "t=3".
        mistakes: the catalogue, in the order they are tried.
        hint: shown when the student's code raises (e.g. the shapes of each product).
        allowed: reference functions the student may call (helpers the notebook provides).
        backward_in_time: the function runs from t = T_x down to 1 (backpropagation through
            time), so a wrong sequence output is reported at its *last* wrong step.
        number_as_array: the answer is one real number, compared with ``rtol``/``atol`` like an
            array (two correct computations may differ in the last bit); a complex one keeps its
            dtype, so a check can name the mistake that made it.
        forbid_modules: more modules whose functions (and classes' methods) the answer must not
            call, e.g. ``("rnncourse.data",)`` where the exercise rebuilds what that module does.
    """

    name: str
    notebook: str
    reference: Callable[..., Any]
    make_cases: Callable[[np.random.Generator], list[Case]]
    returns: Returns
    outputs: tuple[str, ...]
    graded: tuple[str, ...] = ()
    time_axis: dict[str, int] = field(default_factory=dict)
    mistakes: tuple[Mistake, ...] = ()
    hint: str = ""
    allowed: tuple[str, ...] = ("sigmoid",)
    forbid_modules: tuple[str, ...] = ()
    backward_in_time: bool = False  # report a sequence's last wrong step: where backprop starts
    number_as_array: bool = False  # a returned number is graded like a 0-d array (rtol, atol)
    rtol: float = 1e-6
    atol: float = 1e-8

    @property
    def graded_outputs(self) -> tuple[str, ...]:
        return self.graded or self.outputs

    # --- 1. inputs ---------------------------------------------------------------------------

    def cases(self, seed: int | None = None) -> list[Case]:
        """Fresh random inputs (``seed=None``: fresh entropy every call)."""
        return self.make_cases(np.random.default_rng(seed))

    def expected(self, case: Case) -> list[Data]:
        """The reference's graded outputs on ``case``."""
        return self.pick(self.reference(*copy.deepcopy(case.args)))

    # --- 2. running the student's function ---------------------------------------------------

    @property
    def signature(self) -> Signature:
        """What the function takes and returns: what a grader sends into the jail with the inputs."""
        return Signature(
            name=self.name,
            params=tuple(inspect.signature(self.reference).parameters),
            returns=self.returns,
            outputs=self.outputs,
            graded=self.graded_outputs,
            hint=self.hint,
            number_as_array=self.number_as_array,
        )

    def pick(self, result: Any) -> list[Data]:
        """The graded outputs of a return value, as arrays or plain data; ``AssertionError`` if malformed."""
        return collect.pick(self.signature, result)

    def collect(self, fn: Callable[..., Any], case: Case) -> list[Data]:
        """Run ``fn`` twice on copies of ``case``; return its graded outputs.

        Raises ``AssertionError`` when ``fn`` raises, modifies an input, calls a reference
        implementation, returns the wrong structure, or gives different answers to the same input
        (:func:`rnncourse.checks.collect.collect`, guarded against calls to a reference).
        """
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's

        def guard() -> AbstractContextManager[None]:
            return _forbid_references(self.name, self.allowed, self.forbid_modules)

        return collect.collect(self.signature, fn, case.args, case.label, guard)

    # --- 3. judging ---------------------------------------------------------------------------

    def judge(self, case: Case, got: list[Data]) -> None:
        """Compare graded outputs with the reference; ``AssertionError`` naming what is wrong."""
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        expected = self.expected(case)
        for k, e, g in zip(self.graded_outputs, expected, got, strict=True):
            if not isinstance(e, np.ndarray):
                if g != e:
                    self._diagnose(case, got, _plain_difference(k, e, g))
                continue
            if not isinstance(g, np.ndarray):
                raise AssertionError(f"{self.name}: {k} should be a NumPy array, got {kind(g)}")
            if g.shape != e.shape:
                self._diagnose(case, got, f"{k} has shape {g.shape}, expected {e.shape}")
            if g.dtype != e.dtype:
                self._diagnose(case, got, f"{k} has dtype {g.dtype}, expected {e.dtype}")
            if inexact(g) and not np.isfinite(g).all() and np.isfinite(e).all():
                self._diagnose(case, got, f"{k} contains NaN or inf")
            if not same(g, e, self.rtol, self.atol):
                self._diagnose(case, got, self._first_difference(k, e, g))

    def _diagnose(self, case: Case, got: list[Data], what: str) -> None:
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        for mistake in self.mistakes:
            try:
                with np.errstate(all="ignore"):
                    theirs = self.pick(mistake.fn(*copy.deepcopy(case.args)))
            except Exception:  # a mistake that cannot run on these inputs cannot be the one
                continue
            if all(same(g, m, self.rtol, self.atol) for g, m in zip(got, theirs, strict=True)):
                raise AssertionError(
                    f"{self.name}: {what} (inputs: {case.label}).\nLooks like you {mistake.message}"
                )
        raise AssertionError(f"{self.name}: {what} (inputs: {case.label}).")

    def _first_difference(self, k: str, e: np.ndarray, g: np.ndarray) -> str:
        bad = ~np.isclose(g, e, rtol=self.rtol, atol=self.atol) if inexact(e) else g != e
        wrong = np.argwhere(bad)  # indices in C order: by time step when time is the axis after m
        if k in self.time_axis and self.backward_in_time:
            axis = self.time_axis[k]
            wrong = wrong[wrong[:, axis] == wrong[:, axis].max()]  # the step backprop reaches first
        idx = tuple(int(i) for i in wrong[0])
        if not idx:  # one number
            return f"{k} is wrong: expected {e[idx]:.6g}, got {g[idx]:.6g}"
        when = ""
        if k in self.time_axis:
            t = idx[self.time_axis[k]] + 1
            going = f", the first step where it departs going backwards from t={e.shape[self.time_axis[k]]}"
            when = f" at time step t={t}" + (going if self.backward_in_time else "")
        return (
            f"{k} is wrong{when}: first difference at index {idx}, expected {e[idx]:.6g}, "
            f"got {g[idx]:.6g} ({int(bad.sum())} of {bad.size} values differ)"
        )

    # --- all three ------------------------------------------------------------------------------

    def check(self, fn: Callable[..., Any], seed: int | None = None, quiet: bool = False) -> None:
        """Check ``fn`` on fresh inputs; ``AssertionError`` naming the mistake on any wrong answer."""
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        if not callable(fn):
            raise AssertionError(f"expected the function {self.name}, got {kind(fn)}")
        cases = self.cases(seed)
        for case in cases:
            self.judge(case, self.collect(fn, case))
        if not quiet:
            print(f"{self.name}: all {len(cases)} checks passed.")

    def _describe_returns(self) -> str:
        if self.returns == "array":
            return "one NumPy array"
        if self.returns == "tuple":
            return "(" + ", ".join(self.outputs) + ")"
        return "a dict with keys " + ", ".join(repr(k) for k in self.outputs)


# --- helpers ----------------------------------------------------------------------------------


def _plain_difference(k: str, e: Any, g: Any) -> str:
    if isinstance(e, list) and isinstance(g, list):
        if len(g) != len(e):
            return f"{k} has {len(g)} items, expected {len(e)}"
        i = next(i for i, (x, y) in enumerate(zip(e, g, strict=True)) if x != y)
        return f"{k} is wrong: first difference at position {i}, expected {e[i]!r}, got {g[i]!r}"
    return f"{k} is wrong: expected {e!r}, got {g!r}"


# --- the guard against calling a reference --------------------------------------------------


def _module_code(module: Any, skip: tuple[str, ...] = ()) -> dict[CodeType, str]:
    """Code objects of a module's own functions and of its classes' methods, named.

    For a package, "its own" includes what it re-exports from its submodules (``rnncourse.data``'s
    ``one_hot`` lives in ``rnncourse.data.vocab``), named by the package.
    """
    found: dict[CodeType, str] = {}
    for name, obj in vars(module).items():
        home = getattr(obj, "__module__", None) or ""
        if name in skip or not (home == module.__name__ or home.startswith(f"{module.__name__}.")):
            continue
        if inspect.isfunction(obj):
            found[obj.__code__] = f"{module.__name__}.{name}"
        elif inspect.isclass(obj):
            for attr, member in vars(obj).items():
                fn = member.fget if isinstance(member, property) else member
                fn = fn.__func__ if isinstance(fn, classmethod | staticmethod) else fn
                if inspect.isfunction(fn):
                    found[fn.__code__] = f"{module.__name__}.{name}.{attr}"
    return found


@functools.cache
def _forbidden_code(allowed: tuple[str, ...], modules: tuple[str, ...]) -> dict[CodeType, str]:
    """Code objects of every implementation a student's answer must not call.

    Everything in ``rnncourse.reference`` but ``allowed``, the ``forward`` of ``rnncourse.nn``'s
    and ``torch.nn``'s recurrent modules, every exercise's ``.reference``, and ``modules``.
    """
    import importlib

    import rnncourse.nn as ours
    import rnncourse.reference as ref
    from rnncourse.checks import EXERCISES

    found = _module_code(ref, skip=allowed)
    found.update(collect.torch_layers())
    for module in (ours,):
        for cls_name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, torch.nn.Module):
                fwd = cls.__dict__.get("forward")
                if inspect.isfunction(fwd):
                    found[fwd.__code__] = f"{module.__name__}.{cls_name}"
    for name, e in EXERCISES.items():
        fn = e.reference.func if isinstance(e.reference, functools.partial) else e.reference
        if inspect.isfunction(fn):
            found.setdefault(fn.__code__, f"EXERCISES[{name!r}].reference")
    for module_name in modules:
        found.update(_module_code(importlib.import_module(module_name)))
    return found


def _forbid_references(
    exercise: str, allowed: tuple[str, ...], modules: tuple[str, ...] = ()
) -> AbstractContextManager[None]:
    """Fail if code run inside calls a reference implementation or torch.nn's recurrent layers."""
    return collect.refuse_calls(exercise, _forbidden_code(allowed, modules))
