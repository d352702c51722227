r"""Run a student's notebook in a fresh jail per attempt and bring back plain data, trusting none of it.

The grader (:mod:`rnncourse.grading.grader`) decides every score itself; this module only runs code
it does not trust. One attempt is one jail (:mod:`rnncourse.grading.jail`) running
:mod:`rnncourse.grading.runner` on the package a run sees (:mod:`rnncourse.grading.jailpkg`). The
parent here:

- starts each jail ahead of its run, so that the interpreter and the course's imports (about
  1.5 s) happen while the previous run works; the job (cells, inputs, limits) then goes into the
  waiting run's stdin. Each jail serves one run, and before its job it ran only those imports;
- drains the run's output pipe (keeping the first ``output_cap`` bytes) and its results pipe at
  once, so nothing the run writes or withholds can block the grader; every message is parsed by
  :func:`rnncourse.grading.plaindata.loads` (caps on size and depth, no pickle), and a run that
  sends more than ``MAX_RESULTS_BYTES`` is killed;
- lets the run stop its own cells: a test cell at its exercise's ``budget_s``, any other cell at
  ``cell_timeout`` (or at the budget, after a test that ran past it: such a cell most likely calls
  the function that loops), by an alarm inside the run, which then goes on with the next cell;
- kills the whole jail (its PID namespace dies with it) when a cell overruns its limit by
  ``GRACE_S`` (code that ignores, blocks or swallows the run's alarm), or the notebook its
  ``total_timeout``; a cell that hangs, kills the process (``os._exit``, a
  segfault, a memory bomb) or overruns is skipped and the notebook run again, in a new jail with a
  new scratch, keeping every output already collected.

Without a jail (``unsafe=True``, the instructor's explicit choice) the runner is started directly,
with the same limits and never as root.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnncourse.checks.collect import budget_message, budget_s
from rnncourse.grading import jail, jailpkg, plaindata

MAX_RESULTS_BYTES = 128 * 1024 * 1024  # all messages of one attempt
GRACE_S = 5.0  # a cell past its limit (budget or timeout) by this much: its jail is killed


@dataclass(frozen=True)
class Limits:
    """What one notebook run may use."""

    cell_timeout: float = 60.0  # wall-clock seconds per cell
    # wall-clock seconds for all the inputs of one exercise (its test cell): RNNCOURSE_BUDGET_S,
    # else checks.collect.BUDGET_S, the budget the notebook's own check gives it
    budget_s: float = field(default_factory=budget_s)
    total_timeout: float = 300.0  # wall-clock seconds for the notebook, restarts included
    memory_mb: int = 3072  # address space (torch alone maps ~0.7 GB)
    file_mb: int = 64  # largest file it may write
    scratch_mb: int = 256  # all files it may write together (its tmpfs)
    processes: int = 256  # processes and threads of the run's user
    max_restarts: int = 3  # notebook re-runs after a cell that hangs or kills the process
    output_cap: int = 64 * 1024  # bytes of printed output kept for the report


@dataclass
class RunResult:
    """What came back from running one notebook: untrusted data, already parsed and capped."""

    collected: dict[str, list[Any]] = field(
        default_factory=dict
    )  # exercise -> per case outputs|str
    failed_cells: list[tuple[int, str]] = field(default_factory=list)  # (cell index, why)
    compile_errors: dict[int, str] = field(default_factory=dict)  # answer cell index -> words
    output: str = ""  # the first output_cap bytes the run printed
    malformed: int = 0  # messages that were not plain data, or not what was asked


@functools.cache
def package(also_withheld: tuple[str, ...] = ()) -> Path:
    """The package a run sees (built once per process and set of withheld modules)."""
    return jailpkg.build(_scratch("package"), also_withheld)


@functools.cache
def mpl_cache() -> Path:
    """Matplotlib's font cache, built once here by trusted code, copied into each run's scratch."""
    path = _scratch("matplotlib")
    path.mkdir(exist_ok=True)
    env = {**os.environ, "MPLCONFIGDIR": str(path), "MPLBACKEND": "Agg"}
    code = "import matplotlib.font_manager"
    subprocess.run([sys.executable, "-c", code], env=env, check=False, capture_output=True)
    for p in [path, *path.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return path


@functools.cache
def _base() -> Path:
    base = Path(tempfile.mkdtemp(prefix="rnncourse-grader-"))
    base.chmod(0o755)  # the jail's binds are read as nobody; nothing secret is kept here
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    return base


def _scratch(name: str) -> Path:
    path = _base() / f"{name}-{os.urandom(6).hex()}"
    return path


def _env(results_fd: int, home: str, package_path: str, mpl_seed: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "NBGRADER_EXECUTION": "autograde",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",  # what it printed before a crash still reaches the report
        "PYTHONPATH": package_path,
        "RNNCOURSE_RESULTS_FD": str(results_fd),
        "RNNCOURSE_MPL_SEED": mpl_seed,
    }


def _argv() -> list[str]:
    flags = ["-P"] if sys.version_info >= (3, 11) else []  # no cwd on sys.path
    return [sys.executable, *flags, "-s", "-m", "rnncourse.grading.runner"]


class _Attempt:
    """One jail running one job once: the process, its two pipes, what came back.

    It starts without its job: the runner imports what every run needs, then waits for the job
    on stdin (:meth:`start`). So the next attempt can warm up while this one runs (:func:`_take`).
    """

    def __init__(self, limits: Limits, pkg: Path, unsafe: bool) -> None:
        self.limits = limits
        self.key = (pkg, limits.scratch_mb, unsafe)
        read_fd, write_fd = os.pipe()
        self.home: Path | None = None
        if unsafe:
            self.home = _scratch("run")
            self.home.mkdir(mode=0o700)
            env = _env(write_fd, str(self.home), str(pkg), str(mpl_cache()))
            argv, cwd = _argv(), str(self.home)
        else:
            env = _env(write_fd, jail.SCRATCH, jail.PACKAGE_MOUNT, jail.MPL_MOUNT)
            argv = jail.command(_argv(), pkg, mpl_cache(), limits.scratch_mb, env)
            env, cwd = {"PATH": "/usr/bin:/bin"}, "/"
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(write_fd,), env=env, cwd=cwd, start_new_session=True,
        )  # fmt: skip
        os.close(write_fd)
        self.results = read_fd
        assert self.proc.stdout is not None
        self.out = os.dup(self.proc.stdout.fileno())  # read raw, closed here
        self.proc.stdout.close()
        self.output = bytearray()
        self.buffer = bytearray()
        self.received = 0
        self.messages: list[dict[str, Any]] = []
        self.malformed = 0
        self.flooded = False

    def start(self, job: bytes, limits: Limits) -> None:
        """Hand the run its job (written by a thread: a run that never reads cannot block us)."""
        self.limits = limits
        threading.Thread(target=self._feed, args=(job,), daemon=True).start()

    def _feed(self, job: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        with contextlib.suppress(OSError):
            stdin.write(job)
        with contextlib.suppress(OSError):
            stdin.close()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # bwrap; the PID namespace dies with it

    def pump(self, timeout: float) -> bool:
        """Read whatever is ready within ``timeout``; ``False`` once both pipes are closed."""
        open_fds = [fd for fd in (self.out, self.results) if fd >= 0]
        if not open_fds:
            return False
        with selectors.DefaultSelector() as sel:
            for fd in open_fds:
                sel.register(fd, selectors.EVENT_READ)
            for key, _ in sel.select(timeout):
                chunk = os.read(key.fd, 1 << 16)
                if key.fd == self.results:
                    if chunk:
                        self._take(chunk)
                    else:
                        os.close(self.results)
                        self.results = -1
                elif not chunk:
                    os.close(self.out)
                    self.out = -1
                elif len(self.output) < self.limits.output_cap:
                    self.output += chunk[: self.limits.output_cap - len(self.output)]
        return self.out >= 0 or self.results >= 0

    def _take(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > MAX_RESULTS_BYTES:
            self.flooded = True
            self.kill()
            return
        self.buffer += chunk
        while len(self.buffer) >= 8:
            n = int.from_bytes(self.buffer[:8], "big")
            if n > plaindata.MAX_MESSAGE_BYTES:
                self.flooded = True
                self.kill()
                return
            if len(self.buffer) < 8 + n:
                return
            frame = bytes(self.buffer[8 : 8 + n])
            del self.buffer[: 8 + n]
            try:
                message = plaindata.loads(frame)
            except ValueError:
                self.malformed += 1
                continue
            if isinstance(message, dict):
                self.messages.append(message)
            else:
                self.malformed += 1

    def close(self) -> int:
        """Kill what is left, close the pipes; the exit code (negative: the signal)."""
        self.kill()
        code = self.proc.wait()
        for fd in (self.out, self.results):
            if fd >= 0:
                os.close(fd)
        self.out = self.results = -1
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
        return code


_spare = threading.local()  # per grading thread, the next attempt, warming up
_waiting: set[_Attempt] = set()
atexit.register(lambda: _close_waiting())


def _take(limits: Limits, pkg: Path, unsafe: bool) -> _Attempt:
    """A fresh attempt, warm when one was started ahead; another starts warming for the next run.

    Each jail is still used for one run only: it ran nothing but the course's imports before.
    """
    ready: _Attempt | None = getattr(_spare, "attempt", None)
    _spare.attempt = None
    if ready is not None:
        _waiting.discard(ready)
    if ready is not None and (
        ready.key != (pkg, limits.scratch_mb, unsafe) or ready.proc.poll() is not None
    ):
        ready.close()
        ready = None
    attempt = ready or _Attempt(limits, pkg, unsafe)
    _spare.attempt = _Attempt(limits, pkg, unsafe)
    _waiting.add(_spare.attempt)
    return attempt


def _close_waiting() -> None:
    """The grader's end ends the jails still waiting for a job."""
    for attempt in list(_waiting):
        attempt.close()


def run(cells: list[dict[str, Any]], limits: Limits, also_withheld: Iterable[str] = (),
        unsafe: bool = False) -> RunResult:  # fmt: skip
    """Run ``cells`` in order; each is ``{"kind": "code"|"answer", "source": ...}`` or
    ``{"kind": "collect", "exercise": name, "signature": {...}, "cases": [[label, args], ...]}``.

    Returns, per exercise, what the student's function gave on each input, the cells that had to
    be skipped and why, and the answer cells that do not compile.
    """
    if unsafe and os.geteuid() == 0:
        raise PermissionError("student code never runs as root: without the jail, grade as a user")
    if not unsafe and (why := jail.unavailable()):
        raise RuntimeError(why)
    pkg = package(tuple(sorted(set(also_withheld))))
    expected = {c["exercise"]: len(c["cases"]) for c in cells if c["kind"] == "collect"}
    result = RunResult()
    deadline = time.monotonic() + limits.total_timeout
    skip: set[int] = set()
    output = bytearray()
    for _ in range(limits.max_restarts + 1):
        job = {
            "cells": cells,
            "skip": sorted(skip),
            "done": sorted(result.collected),
            "loops_from": _loops_from(cells, result, limits),
            "limits": {
                "memory_mb": limits.memory_mb,
                "cpu_s": int(limits.total_timeout) + 5,
                "file_mb": limits.file_mb,
                "budget_s": limits.budget_s,
                "cell_s": limits.cell_timeout,
                "processes": -1 if unsafe else limits.processes,  # outside a user namespace,
                # the count is all of the instructor's processes: left as it is
            },
        }
        attempt = _take(limits, pkg, unsafe)
        attempt.start(plaindata.dumps(job), limits)
        tests = {k for k, c in enumerate(cells) if c["kind"] == "collect"}
        finished, failed = _watch(attempt, limits, deadline, expected, result, tests)
        if len(output) < limits.output_cap:
            output += attempt.output[: limits.output_cap - len(output)]
        if finished or failed is None:
            break
        result.failed_cells.append(failed)
        skip.add(failed[0])
        if time.monotonic() >= deadline:
            break
    result.output = output.decode("utf-8", errors="replace")
    return result


def over_budget(limits: Limits) -> str:
    """Why a test cell was skipped when its jail was killed for running past the budget."""
    return f"ran past its {limits.budget_s:g} s budget"


def _watch(attempt: _Attempt, limits: Limits, deadline: float, expected: dict[str, int],
           result: RunResult, tests: set[int]) -> tuple[bool, tuple[int, str] | None]:  # fmt: skip
    """Follow one attempt to its end; (it ran every cell, the cell that failed and why).

    ``tests``: the cells that collect an exercise; each may take its budget and the grace.
    """
    test_limit = min(limits.cell_timeout, limits.budget_s) + GRACE_S
    cell_limit = limits.cell_timeout + GRACE_S
    cell, started, why, finished = -1, time.monotonic(), "", False
    seen, exited_at = 0, 0.0
    try:
        while True:
            still_open = attempt.pump(0.05)
            if not still_open:
                time.sleep(0.05)
            for message in attempt.messages[seen:]:
                seen += 1
                finished |= _record(message, expected, result)
                if isinstance(message.get("cell"), int) and not isinstance(message["cell"], bool):
                    cell, started = message["cell"], time.monotonic()
                if message.get("out_of_memory") == cell:
                    why = f"ran out of memory ({limits.memory_mb} MB)"
            now = time.monotonic()
            if attempt.flooded:
                why = "sent more data than a grader accepts"
                attempt.kill()
            elif cell in tests and now - started > test_limit and now <= deadline:
                why = over_budget(limits) if limits.budget_s < limits.cell_timeout else (
                    f"timed out after {limits.cell_timeout:g} s")  # fmt: skip
                attempt.kill()
            elif now - started > cell_limit or now > deadline:
                why = (
                    f"timed out after {limits.cell_timeout:g} s"
                    if now <= deadline
                    else "the notebook ran out of time"
                )
                attempt.kill()
            if attempt.proc.poll() is not None:  # pipes a stray process holds: 1 s, then gone
                exited_at = exited_at or now
                if not still_open or now - exited_at > 1.0:
                    break
    finally:
        code = attempt.close()
    for message in attempt.messages[seen:]:
        finished |= _record(message, expected, result)
    result.malformed += attempt.malformed
    if finished and code == 0 and not why:
        return True, None
    if cell < 0:
        return False, None  # it died before running anything: nothing to skip, nothing to retry
    if not why:
        why = _exit_words(code)
    return False, (cell, why)


def _loops_from(cells: list[dict[str, Any]], result: RunResult, limits: Limits) -> int:
    """The first test cell whose exercise ran past its budget (``len(cells)`` if none yet): later
    cells of a re-run get the budget, not the cell timeout, as in the run that found it."""
    for k, c in enumerate(cells):
        if c["kind"] != "collect":
            continue
        outputs = result.collected.get(c["exercise"]) or [None]
        if outputs[0] == budget_message(c["exercise"], limits.budget_s) or (
            (k, over_budget(limits)) in result.failed_cells
        ):
            return k
    return len(cells)


def _exit_words(code: int) -> str:
    """How a run ended, in words: bwrap reports a child killed by signal N as 128 + N."""
    signum = -code if code < 0 else code - 128 if 128 < code < 128 + 65 else 0
    try:
        return f"killed by signal {signal.Signals(signum).name}"
    except ValueError:
        return f"the process exited with code {code}"


def _record(message: dict[str, Any], expected: dict[str, int], result: RunResult) -> bool:
    """Keep what a message validly says; ``True`` if it says the run finished."""
    name = message.get("collected")
    if isinstance(name, str):
        outputs = message.get("outputs")
        if name not in expected or name in result.collected:
            result.malformed += 1
        elif not isinstance(outputs, list) or len(outputs) != expected[name]:
            result.malformed += 1
            result.collected[name] = ["the outputs that came back were malformed"] * expected[name]
        else:
            result.collected[name] = outputs
    k = message.get("stopped")
    seconds = message.get("seconds")
    if (isinstance(k, int) and not isinstance(k, bool) and isinstance(seconds, int | float)
            and not any(j == k for j, _ in result.failed_cells)):  # fmt: skip
        result.failed_cells.append((k, f"timed out after {float(seconds):g} s"))
    k = message.get("compile_error")
    if isinstance(k, int) and isinstance(message.get("error"), str):
        result.compile_errors.setdefault(k, message["error"][:4000])
    return message.get("finished") is True
