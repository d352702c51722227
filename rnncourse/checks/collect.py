r"""Call a student's function and take what it returns as plain data: the only step of a check
that runs where the student's code runs.

A grader runs this module inside the jail that executes a submission (it holds no reference,
no catalogue of mistakes and no inputs generator, and imports nothing from ``rnncourse``); a
notebook's test cell runs it in the kernel through :meth:`rnncourse.checks.Exercise.collect`.
Both get the same outputs and the same messages, so both graders agree.

For one set of inputs, :func:`collect` calls the function twice on fresh deep copies, and raises
``AssertionError`` when it raises, modifies an input in place, returns the wrong structure, or
answers the same inputs differently. The graded outputs come back as NumPy arrays (a tensor is
detached and moved to the CPU) or plain Python values.

:func:`collect_all` collects every case of one exercise within one time budget (``BUDGET_S``
seconds of wall time for all of them together): a function that never returns costs its budget
once, and every grader reads the same :func:`budget_message`.
"""

from __future__ import annotations

import contextlib
import copy
import math
import numbers
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any, Literal, TypeVar

import numpy as np

Returns = Literal["array", "tuple", "dict"]
Data = Any  # a graded output: a NumPy array, or plain Python data (numbers, strings, lists, dicts)

# Wall-clock seconds for all the cases of one exercise together. An honest answer needs well
# under 0.1 s (the slowest reference, lstm_forward, 11 ms on one core: benchmarks/bench_budget.py),
# a slow but honest one a second; nbgrader's cell timeout is far above (course.CELL_TIMEOUT_S).
BUDGET_S = 5.0
REFIRE_S = 0.1  # once spent, the alarm rings again this often: one swallowed ring is not the end


@dataclass(frozen=True)
class Signature:
    """What a graded function takes and returns: all :func:`collect` needs to know about it.

    Plain data, so a grader can send it into the jail with the inputs.
    """

    name: str  # the function's name in the notebook
    params: tuple[str, ...]  # its parameters, to name an input it modified
    returns: Returns  # one value, a tuple, or a dict
    outputs: tuple[str, ...]  # tuple positions or dict keys, by name
    graded: tuple[str, ...]  # which of outputs are compared
    hint: str = ""  # shown when the function raises
    number_as_array: bool = False  # a returned real or complex number becomes a 0-d array
    # for a returned cache (a dict, or a list of dicts), the keys that are graded: other entries
    # a student adds are dropped before they could fail the plain-data rules
    cache_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def describe(self) -> str:
        """What the function should return, in words."""
        if self.returns == "array":
            return "one NumPy array" if not self.number_as_array else "one number"
        if self.returns == "tuple":
            return "a tuple (" + ", ".join(self.outputs) + ")"
        return "a dict with keys " + ", ".join(repr(k) for k in self.outputs)


def collect(
    sig: Signature,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    label: str,
    guard: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
) -> list[Data]:
    """Run ``fn`` twice on copies of ``args``; its graded outputs, or ``AssertionError`` saying why not.

    ``guard`` wraps each call (a notebook's check passes one that refuses calls to a reference);
    ``label`` names the inputs in messages, e.g. ``"m=1, n_x=3, n_a=5"``.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
    first = _call(sig, fn, args, label, guard)
    second = _call(sig, fn, args, label, guard)
    for k, a, b in zip(sig.graded, first, second, strict=True):
        if not same(a, b, rtol=0.0, atol=0.0):
            raise AssertionError(
                f"{sig.name} returned a different {k} when called twice with the same inputs "
                f"({label}): does it use randomness, or a variable from outside the function?"
            )
    return first


class OutOfTime(BaseException):
    """An exercise's budget is spent: raised into the student's code by the alarm of
    :func:`collect_all` (a ``BaseException``, so that ``except Exception`` does not swallow it)."""


def budget_message(name: str, seconds: float) -> str:
    """What a student reads when ``name`` ran past its budget: the same words in every grader."""
    return f"{name} did not finish within its {seconds:g} s budget (a loop that never ends?)"


def budget_s() -> float:
    """The budget of one exercise: ``RNNCOURSE_BUDGET_S`` from the environment, else ``BUDGET_S``.

    An instructor who grades with another budget (``rnncourse grade --budget``) sets the variable
    where nbgrader or ``rnncourse check`` runs, so that those agree.
    """
    try:
        seconds = float(os.environ.get("RNNCOURSE_BUDGET_S", BUDGET_S))
    except ValueError:
        return BUDGET_S
    return seconds if math.isfinite(seconds) and seconds > 0 else BUDGET_S


def collect_all(
    sig: Signature,
    fn: Callable[..., Any],
    cases: Sequence[tuple[tuple[Any, ...], str]],
    guard: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
    budget: float = BUDGET_S,
    catch: tuple[type[BaseException], ...] = (),
) -> list[list[Data] | str]:
    """Per case ``(args, label)``, what :func:`collect` returns or the message it raised, all the
    cases together within ``budget`` seconds of wall time (:func:`run_within`).

    When the budget is spent, *every* case reads :func:`budget_message`, however many had
    finished, so the message does not depend on the machine's speed. ``catch``: more exceptions
    to report as a message rather than let through (the jail catches every ``BaseException``: a
    ``SystemExit`` from the student's code is the student's).
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
    out: list[list[Data] | str] = []

    def every_case() -> None:  # a frame of this module: the alarm never raises into it
        __tracebackhide__ = True
        for args, label in cases:
            try:
                out.append(collect(sig, fn, args, label, guard))
            except AssertionError as e:
                out.append(str(e))
            except catch as e:
                if isinstance(e, OutOfTime):
                    raise
                out.append(f"{sig.name} raised {type(e).__name__}: {_short(e)}")

    _, rung = run_within(budget, every_case)
    return [budget_message(sig.name, budget) for _ in cases] if rung else out


T = TypeVar("T")


def run_within(seconds: float, work: Callable[[], T]) -> tuple[T | None, bool]:
    """``work()`` with an alarm after ``seconds`` of wall time: (what it returned, whether it rang).

    A ``SIGALRM`` timer (``signal.setitimer``) raises :class:`OutOfTime` into the code running
    when it rings, and again every ``REFIRE_S`` should that code swallow it, but never into this
    module's own frames (the loop over the cases, the guard's clean-up: they notice it at the next
    case); the value is ``None`` when ``work`` was stopped. Where no timer can be set (Windows, or
    not the main thread) ``work`` runs without one. Code that ignores, blocks or keeps swallowing
    the alarm is ended by whoever runs it: the grader kills its jail soon after, nbgrader at its
    cell timeout.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
    rung = False

    def ring(signum: int, frame: FrameType | None) -> None:
        nonlocal rung
        rung = True
        if frame is None or frame.f_code.co_filename != _HERE:
            raise OutOfTime

    try:
        previous = signal.signal(signal.SIGALRM, ring)
        armed = True
    except (AttributeError, ValueError):  # no SIGALRM (Windows), or not the main thread
        previous, armed = None, False
    profile = sys.getprofile()
    before = signal.setitimer(signal.ITIMER_REAL, seconds, REFIRE_S) if armed else (0.0, 0.0)
    value: T | None = None
    try:  # no context manager: its __exit__ would run outside this frame, where a ring raises
        value = work()
    except OutOfTime:
        value = None
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
            if before[0] > 0:  # someone else's timer, paused while this ran: it runs on
                signal.setitimer(signal.ITIMER_REAL, *before)
        sys.setprofile(profile)  # a guard stopped before its own clean-up leaves no hook behind
    return value, rung


_HERE = run_within.__code__.co_filename


def _call(
    sig: Signature,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    label: str,
    guard: Callable[[], AbstractContextManager[object]],
) -> list[Data]:
    __tracebackhide__ = True  # IPython shows the student's frames, not the framework's
    mine = copy.deepcopy(args)
    try:
        with guard():
            result = fn(*mine)
    except AssertionError:
        raise
    except NotImplementedError as e:
        raise AssertionError(
            f"{sig.name} is not implemented yet (it raised NotImplementedError)"
        ) from e
    except Exception as e:
        hint = f"\nHint: {sig.hint}" if sig.hint else ""
        raise AssertionError(
            f"{sig.name} raised {type(e).__name__}: {_short(e)} (inputs: {label}){hint}"
        ) from e
    for name, before, after in zip(sig.params, args, mine, strict=False):
        where = first_change(before, after, name)
        if where:
            raise AssertionError(
                f"{sig.name} modified its input {where} in place. Compute new arrays instead "
                "(x = x * y, not x *= y), and copy before writing into an array you were given."
            )
    return pick(sig, result)


def pick(sig: Signature, result: Any) -> list[Data]:
    """The graded outputs of a return value, as arrays or plain data; ``AssertionError`` if malformed."""
    want = sig.describe()
    if sig.returns == "array":
        if (
            sig.number_as_array
            and isinstance(result, numbers.Number)
            and not isinstance(result, bool)
        ):
            result = np.asarray(result)  # () float64, or complex128 for a complex answer
        values = [result]
    elif sig.returns == "tuple":
        if not isinstance(result, tuple | list) or len(result) != len(sig.outputs):
            raise AssertionError(f"{sig.name} returned {kind(result)}, expected {want}")
        values = [result[sig.outputs.index(k)] for k in sig.graded]
    else:
        if not isinstance(result, dict):
            raise AssertionError(f"{sig.name} returned {kind(result)}, expected {want}")
        missing = [k for k in sig.graded if k not in result]
        if missing:
            raise AssertionError(f"{sig.name}'s result is missing {missing}; expected {want}")
        values = [result[k] for k in sig.graded]
    keep = {str(k): tuple(keys) for k, keys in sig.cache_keys}
    values = [
        _keep(v, keep[k]) if k in keep else v for k, v in zip(sig.graded, values, strict=True)
    ]
    return [as_data(sig.name, k, v) for k, v in zip(sig.graded, values, strict=True)]


def _keep(value: Any, keys: tuple[str, ...]) -> Any:
    """A cache with only the graded ``keys`` of each dict in it (a dict, or a list of dicts)."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in keys}
    if isinstance(value, list | tuple) and all(isinstance(v, dict) for v in value):
        return [_keep(v, keys) for v in value]
    return value


def kind(x: Any) -> str:
    """What ``x`` is, in words: ``"a tuple of length 2"``, ``"an ndarray of shape (3, 4)"``."""
    if isinstance(x, tuple | list):
        return f"a {type(x).__name__} of length {len(x)}"
    if isinstance(x, np.ndarray):
        return f"an ndarray of shape {x.shape}"
    if x is None:
        return "None"
    name = type(x).__name__
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def as_data(name: str, key: str, value: Any) -> Data:
    """A returned value as data a grader can compare: a NumPy array, or plain Python values."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        value = value.detach().cpu().numpy()  # a tensor, on any device
        if not isinstance(value, np.ndarray):
            raise AssertionError(f"{name}: {key} should be an array, got {kind(value)}")
    if isinstance(value, np.ndarray):
        if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_):
            raise AssertionError(f"{name}: {key} should hold numbers, got dtype {value.dtype}")
        return value
    try:
        return plain(value)
    except TypeError:
        raise AssertionError(
            f"{name}: {key} should be an array, a number, a string or a list of those, got {kind(value)}"
        ) from None


def plain(v: Any) -> Any:
    """``v`` as plain Python data (tuples become lists, arrays inside stay arrays); ``TypeError`` else."""
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray) and (np.issubdtype(v.dtype, np.number) or v.dtype == np.bool_):
        return v
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {plain(k): plain(x) for k, x in v.items()}
    raise TypeError(type(v).__name__)


def inexact(a: np.ndarray) -> bool:
    return bool(np.issubdtype(a.dtype, np.inexact))


def same(a: Data, b: Data, rtol: float, atol: float) -> bool:
    """Whether two graded outputs agree: arrays to ``rtol``/``atol`` (NaN equals NaN), else exactly."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if inexact(a) or inexact(b):
            return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, rtol, atol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], rtol, atol) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return False
    if isinstance(a, float) != isinstance(b, float) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b)
    ):
        return False  # a count or an index is an int: 5920.0 is not 5920
    return bool(a == b)


def first_change(before: Any, after: Any, name: str) -> str:
    """The name of the first array inside ``after`` that differs from ``before`` ('' if none)."""
    if isinstance(before, np.ndarray):
        same_ = isinstance(after, np.ndarray) and np.array_equal(before, after, equal_nan=True)
        return "" if same_ else name
    if isinstance(before, dict):
        for k, v in before.items():
            where = first_change(
                v, after.get(k) if isinstance(after, dict) else None, f"{name}[{k!r}]"
            )
            if where:
                return where
    if isinstance(before, list | tuple):
        for i, v in enumerate(before):
            other = after[i] if isinstance(after, list | tuple) and i < len(after) else None
            where = first_change(v, other, f"{name}[{i}]")
            if where:
                return where
    return ""


# torch's compiled recurrent kernels, reached through torch.nn's RNN/GRU/LSTM (and cells)
TORCH_KERNELS = frozenset(
    {
        "rnn_tanh",
        "rnn_relu",
        "lstm",
        "gru",
        "rnn_tanh_cell",
        "rnn_relu_cell",
        "lstm_cell",
        "gru_cell",
    }
)


def torch_layers() -> dict[CodeType, str]:
    """The ``forward`` code of torch.nn's recurrent modules, named; empty if torch is not imported."""
    rnn = sys.modules.get("torch.nn.modules.rnn")
    found: dict[CodeType, str] = {}
    for cls_name, cls in vars(rnn).items() if rnn is not None else ():
        forward = getattr(cls, "__dict__", {}).get("forward")
        if isinstance(cls, type) and callable(forward) and hasattr(forward, "__code__"):
            found[forward.__code__] = f"torch.nn.modules.rnn.{cls_name}"
    return found


@contextlib.contextmanager
def refuse_calls(name: str, forbidden: dict[CodeType, str]) -> Iterator[None]:
    """Fail (``AssertionError``) if the code run inside calls any of ``forbidden`` or torch's
    recurrent kernels: the exercise asks for the computation, not a library's."""
    called: list[str] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in forbidden:
            called.append(forbidden[frame.f_code])
        elif event == "c_call" and getattr(arg, "__name__", "") in TORCH_KERNELS:
            called.append(f"torch's {arg.__name__} kernel")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)
    if called:
        raise AssertionError(
            f"{name} calls {called[0]}: the exercise asks you to write the computation yourself "
            "(NumPy operations and your own functions from this notebook)."
        )


def _short(e: BaseException, limit: int = 500) -> str:
    text = str(e)
    return text if len(text) <= limit else text[:limit] + " …"
