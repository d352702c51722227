r"""How an exercise is checked: inputs, reference, comparison, and mistakes that get a name.

An :class:`Exercise` keeps three steps apart, so that a grader can run the student's function in
another process and compare only the plain data that comes back:

1. :meth:`Exercise.cases` draws fresh random inputs of several shapes (batch 1, T 1, square and
   non-square sizes so that a transposed weight shows);
2. :meth:`Exercise.collect` calls the student's function on copies of them (twice, to catch hidden
   state), verifies it did not modify its inputs or call a reference, and picks the graded outputs;
3. :meth:`Exercise.verdict` judges the outputs of every case (or the message its collection
   raised) against the reference, from the outputs alone: structure, shape, dtype, values, and
   caches item by item. A catalogued :class:`Mistake` is named only when it reproduces the
   answer on *every* case; otherwise :mod:`rnncourse.checks.diagnosis` localises the error
   (which outputs are wrong, which term from the probe cases, which gate from the cache, which
   time step, a transpose, scale, shift or swap), and a helper that fails its own check is
   named first.

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

from rnncourse.checks import collect, diagnosis
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
    helpers: tuple[str, ...] = ()  # exercises this function usually calls (rnn_forward: the cell)
    cache_items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a cache's items/keys
    per_step: tuple[str, ...] = ()  # outputs that are a list of caches, one per time step
    shared: str = ""  # what every output is computed from, named when all of them are wrong
    hand: tuple[Case, ...] = ()  # hand-worked cases, after the drawn ones (once hidden asserts)

    @property
    def graded_outputs(self) -> tuple[str, ...]:
        return self.graded or self.outputs

    # --- 1. inputs ---------------------------------------------------------------------------

    def cases(self, seed: int | None = None) -> list[Case]:
        """Fresh random inputs (``seed=None``: fresh entropy every call), then the hand-worked ones."""
        return [*self.make_cases(np.random.default_rng(seed)), *copy.deepcopy(self.hand)]

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
            cache_keys=tuple(self.cache_items.items()),
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

    def verdict(
        self,
        cases: list[Case],
        outputs: list[list[Data] | str],
        failed_helpers: frozenset[str] = frozenset(),
    ) -> str:
        """``"passed"``, or what is wrong, from the outputs of every case alone.

        ``outputs[i]`` is what :func:`~rnncourse.checks.collect.collect` returned for
        ``cases[i]``, or the message it raised (a ``str``). ``failed_helpers``: the exercises
        whose check the student's own helpers fail. Needs no function, so a grader that ran the
        student's code elsewhere gets the very message a notebook shows; never raises, whatever
        the outputs hold.
        """
        try:
            with np.errstate(all="ignore"):
                return self._verdict(list(cases), outputs, failed_helpers)
        except Exception as e:  # untrusted data of a shape nobody foresaw: a message, never a crash
            return (
                f"{self.name}: its outputs could not be compared ({type(e).__name__}); "
                f"it should return {self.signature.describe()}."
            )

    def _verdict(self, cases: list[Case], outputs: Any, failed_helpers: frozenset[str]) -> str:
        if not isinstance(outputs, list | tuple) or len(outputs) != len(cases):
            return f"{self.name}: not graded, the outputs that came back were malformed."
        n = len(self.graded_outputs)
        got: list[list[Data] | str] = []
        for out in outputs:
            if isinstance(out, str):
                got.append(out[:2000])
            elif not isinstance(out, list | tuple) or len(out) != n:
                got.append(f"{self.name} returned outputs of the wrong structure ({kind(out)})")
            else:
                got.append(list(out))
        expected = [self.expected(c) for c in cases]
        wrong = [
            i for i, (e, g) in enumerate(zip(expected, got, strict=True))
            if isinstance(g, str) or not all(self._same(x, y) for x, y in zip(e, g, strict=True))
        ]  # fmt: skip
        if not wrong:
            return "passed"
        first = wrong[0]
        if isinstance(got[first], str) and "is not implemented yet" in got[first]:
            return str(got[first])  # not attempted: its helpers are not the point yet
        broken = [h for h in self.helpers if h in failed_helpers]
        if broken:
            return (
                f"{self.name} is wrong, and your {broken[0]} fails its own check: fix "
                f"{broken[0]} first (run its test cell), then test {self.name} again."
            )
        mistake = self._matching_mistake(cases, got, expected)
        data = [i for i in wrong if not isinstance(got[i], str)]
        if mistake is not None:
            i = data[0]
            what = self._what(expected[i], got[i])  # type: ignore[arg-type]
            return (
                f"{self.name}: {what} (inputs: {cases[i].label}).\nLooks like you {mistake.message}"
            )
        if isinstance(got[first], str):
            return str(got[first])
        return self._localise(cases, expected, got, data)

    def _same(self, e: Data, g: Data) -> bool:
        try:
            return same(g, e, self.rtol, self.atol)
        except Exception:
            return False

    def _matching_mistake(
        self, cases: list[Case], got: list[list[Data] | str], expected: list[list[Data]]
    ) -> Mistake | None:
        """The first catalogued mistake that reproduces the answer on *every* case.

        On a case where the student's function raised, the mistake must raise too; it must
        reproduce at least one case where the answer is wrong and returned values.
        """
        for mistake in self.mistakes:
            shown = False
            for case, g, e in zip(cases, got, expected, strict=True):
                try:
                    with np.errstate(all="ignore"):
                        theirs: list[Data] | None = self.pick(mistake.fn(*copy.deepcopy(case.args)))
                except Exception:  # this mistake cannot run on these inputs
                    theirs = None
                if isinstance(g, str):
                    if theirs is not None and not all(
                        self._same(m, x) for m, x in zip(theirs, e, strict=True)
                    ):
                        break  # the mistake gives (wrong) values where the answer raised
                    continue
                if theirs is None or not all(
                    self._same(m, x) for m, x in zip(theirs, g, strict=True)
                ):
                    break
                shown = shown or not all(self._same(x, y) for x, y in zip(e, g, strict=True))
            else:
                if shown:
                    return mistake
        return None

    def _what(self, e: list[Data], g: list[Data]) -> str:
        """The first wrong output of one case, in words."""
        for k, x, y in zip(self.graded_outputs, e, g, strict=True):
            if self._same(x, y):
                continue
            return self._problem(k, x, y)
        return "the outputs are wrong"

    def _sized_by(self, e: np.ndarray, g: np.ndarray, args: tuple[Any, ...]) -> str:
        """Which input gives the size of each axis that came out wrong (e.g. ``n_x = 7``)."""
        if g.ndim != e.ndim:
            return ""
        names = self.signature.params
        notes = []
        for axis, (want, have) in enumerate(zip(e.shape, g.shape, strict=True)):
            if want == have:
                continue
            for name, arg in zip(names, args, strict=False):
                if isinstance(arg, int) and not isinstance(arg, bool) and arg == want:
                    notes.append(f"axis {axis} has {have} entries, expected {want} = {name}")
                    break
                if isinstance(arg, np.ndarray) and want in arg.shape:
                    notes.append(
                        f"axis {axis} has {have} entries, expected {want} = {name}.shape[{arg.shape.index(want)}]"
                    )
                    break
        return f" ({'; '.join(notes)})" if notes else ""

    def _problem(
        self, k: str, e: Data, g: Data, sizes: tuple[int, ...] = (), args: tuple[Any, ...] = ()
    ) -> str:
        if k in self.cache_items:
            return diagnosis.explain_cache(k, e, g, self.cache_items[k], k in self.per_step)
        structure = diagnosis.explain_structure(k, e, g)
        if (
            structure
            and isinstance(e, np.ndarray)
            and isinstance(g, np.ndarray)
            and g.shape != e.shape
        ):
            if diagnosis.permuted(e, g) is not None:
                return diagnosis.explain_array(k, e, g, sizes, self.time_axis.get(k))
            return structure + self._sized_by(e, g, args)
        if structure:
            return structure
        if not isinstance(e, np.ndarray):
            return diagnosis.explain_plain(k, e, g)
        if inexact(g) and not np.isfinite(g).all() and np.isfinite(e).all():
            return (
                f"{k} contains NaN or inf where every expected value is finite: an overflow "
                "(e.g. np.exp of a large number) or a division by zero"
            )
        axis = self.time_axis.get(k)
        relation = diagnosis.explain_array(k, e, g, sizes, axis)
        return relation or diagnosis.first_difference(k, e, g, axis, self.backward_in_time)

    def _localise(
        self,
        cases: list[Case],
        expected: list[list[Data]],
        got: list[list[Data] | str],
        wrong: list[int],
    ) -> str:
        """Which outputs are wrong, which term (from the probes), and how (no mistake matched)."""
        ks = self.graded_outputs
        ok = {k: True for k in ks}
        for e, g in zip(expected, got, strict=True):
            if isinstance(g, str):
                continue
            for k, x, y in zip(ks, e, g, strict=True):
                ok[k] = ok[k] and self._same(x, y)
        bad = [k for k in ks if not ok[k]] or list(ks)
        i = wrong[0]
        probe_note = self._probe_note(cases, expected, got, bad[0])
        if probe_note:  # a random case shows it more plainly than a probe: report that one
            plain = [j for j in wrong if not cases[j].label.startswith("probe")]
            i = plain[0] if plain else i
        g_i = got[i]
        assert not isinstance(g_i, str)
        k = bad[0]
        swapped = self._swapped(k, expected[i], g_i)
        what = swapped or self._problem(
            k, expected[i][ks.index(k)], g_i[ks.index(k)], _sizes(cases[i]), cases[i].args
        )
        notes = probe_note
        caches = [c for c in bad if c in self.cache_items and c != k and c not in self.per_step]
        if caches:  # gate by gate: the first wrong entry of the returned cache
            c = caches[0]
            j = ks.index(c)
            notes += (
                "\nGate by gate, from your cache: "
                + diagnosis.explain_cache(c, expected[i][j], g_i[j], self.cache_items[c])
                + "."
            )
        if self.shared and len(bad) == len(ks) > 1:
            notes += f"\nEvery output is wrong: look first at what they all share, {self.shared}."
        elif (
            not swapped
            and self.hint
            and any(
                w in what
                for w in ("first difference", "is scaled", "is shifted", "NaN", "is wrong:")
            )
        ):
            notes += f"\nHint: {self.hint}"
        status = ""
        if len(ks) > 1:
            right = [x for x in ks if ok[x]]
            status = (
                f" ({', '.join(right)} {'is' if len(right) == 1 else 'are'} right; "
                f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} wrong)"
                if right
                else f" ({', '.join(bad)}: all wrong)"
            )
        return f"{self.name}: {what}{status} (inputs: {cases[i].label}).{notes}"

    def _swapped(self, k: str, e: list[Data], g: list[Data]) -> str:
        """'' unless output ``k`` holds another output's expected value (the return order)."""
        ks = self.graded_outputs
        j = ks.index(k)
        for other, x in zip(ks, e, strict=True):
            if other != k and self._same(x, g[j]):
                return (
                    f"{k} holds the value of {other}: return them in the order "
                    f"{self.signature.describe()} (swapped?)"
                )
        return ""

    def _probe_note(
        self, cases: list[Case], expected: list[list[Data]], got: list[list[Data] | str], k: str
    ) -> str:
        """Term isolation: which probe (all but one term switched off) is the first one wrong."""
        j = self.graded_outputs.index(k)
        probes = [
            (c.label, self._same(e[j], g[j]) if not isinstance(g, str) else False)
            for c, e, g in zip(cases, expected, got, strict=True)
            if c.label.startswith("probe ")
        ]
        if not probes:
            return ""
        for label, right in probes:
            if not right:
                term, _, tail = label.removeprefix("probe ").partition(": ")
                how, _, expect = tail.partition("; ")
                good = [lab.removeprefix("probe ").partition(": ")[0] for lab, r in probes if r]
                also = f"; with only {' or only '.join(good)} left it is right" if good else ""
                return (
                    f"\nTerm by term: with {how} only {term} is left ({expect}), and your {k} "
                    f"is wrong{also}. Look at {term}."
                )
        return (
            "\nTerm by term: with all but one term switched off ("
            + "; ".join(
                lab.removeprefix("probe ").partition(": ")[2].partition("; ")[0]
                for lab, _ in probes
            )
            + f") your {k} is right each time: each term alone is right, so the way they are "
            "combined is wrong (an activation, a gate, a sum or a product of the terms)."
        )

    def judge(self, case: Case, got: list[Data]) -> None:
        """Judge one case; ``AssertionError`` with :meth:`verdict`'s message if it is wrong."""
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        message = self.verdict([case], [got])
        if message != "passed":
            raise AssertionError(message)

    # --- all three ------------------------------------------------------------------------------

    def outputs_of(self, fn: Callable[..., Any], cases: list[Case]) -> list[list[Data] | str]:
        """What :meth:`collect` returns for each case, or the message it raised, within one budget.

        :func:`rnncourse.checks.collect.collect_all` does it, as in the grader's jail: all the
        cases together get ``collect.budget_s()`` seconds, then every one reads the budget's message.
        """
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's

        def guard() -> AbstractContextManager[None]:
            return _forbid_references(self.name, self.allowed, self.forbid_modules)

        with np.errstate(all="ignore"):
            return collect.collect_all(
                self.signature, fn, [(c.args, c.label) for c in cases], guard, collect.budget_s()
            )

    def failed_helpers(self, fn: Callable[..., Any], seed: int | None) -> frozenset[str]:
        """The helper exercises whose check the student's own helper (in ``fn``'s globals) fails."""
        from rnncourse.checks import EXERCISES  # the registry imports this module

        found = getattr(fn, "__globals__", {})
        failed = set()
        for h in self.helpers:
            helper = found.get(h)
            if callable(helper) and h in EXERCISES:
                cases = EXERCISES[h].cases(seed)
                verdict = EXERCISES[h].verdict(
                    cases,
                    EXERCISES[h].outputs_of(helper, cases),
                    EXERCISES[h].failed_helpers(helper, seed),
                )
                if verdict != "passed":
                    failed.add(h)
        return frozenset(failed)

    def check(self, fn: Callable[..., Any], seed: int | None = None, quiet: bool = False) -> None:
        """Check ``fn`` on fresh inputs; ``AssertionError`` naming the mistake on any wrong answer.

        The message is :meth:`verdict`'s on the collected outputs: what a grader says too.
        """
        __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
        if not callable(fn):
            raise AssertionError(f"expected the function {self.name}, got {kind(fn)}")
        if seed is None:
            seed = int(np.random.default_rng().integers(2**62))
        cases = self.cases(seed)
        outputs = self.outputs_of(fn, cases)
        message = self.verdict(cases, outputs)
        if message != "passed" and self.helpers:  # only a wrong answer asks about its helpers
            message = self.verdict(cases, outputs, self.failed_helpers(fn, seed))
        if message != "passed":
            raise AssertionError(message)
        if not quiet:
            print(f"{self.name}: all {len(cases)} checks passed.")

    def _describe_returns(self) -> str:
        if self.returns == "array":
            return "one NumPy array"
        if self.returns == "tuple":
            return "(" + ", ".join(self.outputs) + ")"
        return "a dict with keys " + ", ".join(repr(k) for k in self.outputs)


# --- helpers ----------------------------------------------------------------------------------


def _sizes(case: Case) -> tuple[int, ...]:
    """Every size in a case's inputs (the dimensions of its arrays), for 'a mean over n'."""
    out: list[int] = []

    def walk(v: Any) -> None:
        if isinstance(v, np.ndarray):
            out.extend(int(n) for n in v.shape)
        elif isinstance(v, list | tuple):
            out.append(len(v))
            for x in v[:50]:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    walk(case.args)
    return tuple(out)


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

    Everything in ``rnncourse.reference`` (and its modules) but ``allowed``, the ``forward`` of
    ``rnncourse.nn``'s and ``torch.nn``'s recurrent modules, every exercise's ``.reference`` and
    the functions that make its catalogued mistakes (each holds a correct path), and ``modules``.
    """
    import importlib
    import pkgutil

    import rnncourse.nn as ours
    import rnncourse.reference as ref
    from rnncourse.checks import EXERCISES

    found = _module_code(ref, skip=allowed)
    for sub in pkgutil.iter_modules(ref.__path__, f"{ref.__name__}."):
        for code, name in _module_code(importlib.import_module(sub.name), skip=allowed).items():
            found.setdefault(code, name)  # named as the package re-exports it
    found.update(collect.torch_layers())
    for module in (ours,):
        for cls_name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, torch.nn.Module):
                fwd = cls.__dict__.get("forward")
                if inspect.isfunction(fwd):
                    found[fwd.__code__] = f"{module.__name__}.{cls_name}"
    for name, e in EXERCISES.items():
        for made in (e.reference, *(m.fn for m in e.mistakes)):
            fn = made.func if isinstance(made, functools.partial) else made
            if inspect.isfunction(fn):
                what = ".reference" if made is e.reference else f"'s mistake maker {fn.__name__}"
                found.setdefault(fn.__code__, f"EXERCISES[{name!r}]{what}")
    for module_name in modules:
        found.update(_module_code(importlib.import_module(module_name)))
    return found


def _forbid_references(
    exercise: str, allowed: tuple[str, ...], modules: tuple[str, ...] = ()
) -> AbstractContextManager[None]:
    """Fail if code run inside calls a reference implementation or torch.nn's recurrent layers."""
    return collect.refuse_calls(exercise, _forbidden_code(allowed, modules))
