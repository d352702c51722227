r"""Run a student's notebook code in a separate, limited process and bring back plain data only.

The grader (:mod:`rnncourse.grading.grader`) decides every score itself; this module only runs code it
does not trust. The child process:

- runs the notebook's code cells in order in an IPython shell (magics and ``display`` work), with
  ``NBGRADER_EXECUTION=autograde`` so demo cells skip their long parts;
- at each test cell, instead of running the test, calls the student's function on the grader's
  inputs (:meth:`rnncourse.checks.Exercise.collect`) and writes the outputs as plain data
  (:mod:`rnncourse.grading.plaindata`: JSON and ``.npz``, never pickle);
- logs each cell it starts, so the parent knows where it is.

Runs are forked from a fork server that has imported Python, IPython, NumPy, torch and
matplotlib once, so a run starts in milliseconds instead of ~2 s; every run is still a fresh
process that no earlier run touched. The parent (:func:`run`) gives each run its own session and
limits on memory, CPU time, file size (its printed output goes to a capped file) and open files.
Before any student code runs, the run confines itself for good (:mod:`rnncourse.grading.confine`, Linux
Landlock): its own folder is the only place it can write, it has no TCP and cannot signal
processes outside, and when grading as root it becomes ``nobody``. The parent kills a run whose
cell overruns its time or whose notebook overruns its budget; a cell that hangs, crashes the
process (``os._exit``, a segfault, a memory bomb) or overruns is skipped and the notebook run
again without it, keeping every output already collected.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnncourse.checks.framework import Case
from rnncourse.grading import confine, plaindata

OUTPUT_CAP = 64 * 1024  # bytes of the child's stdout/stderr kept for the report


@dataclass(frozen=True)
class Limits:
    """What one notebook run may use."""

    cell_timeout: float = 60.0  # wall-clock seconds per cell
    total_timeout: float = 300.0  # wall-clock seconds for the notebook, restarts included
    memory_mb: int = 3072  # address space (torch alone maps ~0.7 GB)
    file_mb: int = 64  # largest file it may write
    max_restarts: int = 3  # notebook re-runs after a cell that hangs or kills the process


@dataclass
class RunResult:
    """What came back from running one notebook."""

    collected: dict[str, dict[str, Any]] = field(default_factory=dict)  # exercise -> outputs|error
    failed_cells: list[tuple[int, str]] = field(default_factory=list)  # (cell index, why)
    output: str = ""  # the first OUTPUT_CAP bytes the child printed
    confined: bool = True  # False: Landlock missing, only resource limits applied


# --- parent -------------------------------------------------------------------------------------


def _limit_child(limits: Limits) -> None:
    """The resource limits of a run, set in the run's own process before any of its code."""
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
    cpu = int(limits.total_timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _progress(path: Path) -> list[dict[str, Any]]:
    """The child's progress records; whatever it wrote that is not one is ignored."""
    records = []
    if path.is_file():
        for line in path.read_bytes()[: plaindata.MAX_JSON_BYTES].splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def _collected(out: Path, name: str) -> dict[str, Any] | None:
    try:
        result = plaindata.load(out / f"result_{name}")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if isinstance(result, dict) and (
        isinstance(result.get("error"), str) or isinstance(result.get("outputs"), list)
    ):
        return result
    return None


def run(cells: list[dict[str, str]], cases: dict[str, list[Case]], limits: Limits) -> RunResult:
    """Run ``cells`` (``{"kind": "code", "source": ...}`` or ``{"kind": "collect", "exercise": ...}``).

    ``cases`` holds the inputs for every exercise collected. Returns the outputs collected per
    exercise (or the error the student's function raised), and the cells that had to be skipped.
    """
    drop_to = confine.NOBODY if os.geteuid() == 0 else None
    result = RunResult(confined=confine.abi_version() > 0)
    base = Path(tempfile.mkdtemp(prefix="rnncourse-sandbox-"))
    try:
        base.chmod(0o711)  # others may enter, not list: one student cannot find another's folder
        job, out = base / "job", base / os.urandom(8).hex()
        job.mkdir()
        out.mkdir(mode=0o700)
        (out / "scratch").mkdir()
        if drop_to is not None:
            for p in (out, out / "scratch"):
                os.chown(p, drop_to, drop_to)
        for name, exercise_cases in cases.items():
            plaindata.save(job / f"cases_{name}", [(c.label, c.args) for c in exercise_cases])
        job.chmod(0o755)
        for p in job.iterdir():
            p.chmod(0o644)
        deadline = time.monotonic() + limits.total_timeout
        skip: set[int] = set()
        for _ in range(limits.max_restarts + 1):
            done = sorted(result.collected)
            spec = {
                "cells": cells,
                "skip": sorted(skip),
                "done": done,
                "out": str(out),
                "confine": result.confined,
            }
            (job / "job.json").write_text(json.dumps(spec))
            (job / "job.json").chmod(0o644)
            finished, failed = _run_once(job, out, limits, deadline)
            for record in _progress(out / "progress.jsonl"):
                done_name = record.get("collected")
                if (
                    isinstance(done_name, str)
                    and done_name in cases
                    and done_name not in result.collected
                ):
                    got = _collected(out, done_name)
                    if got is not None:
                        result.collected[done_name] = got
            (out / "progress.jsonl").unlink(missing_ok=True)
            if finished or failed is None:
                break
            result.failed_cells.append(failed)
            skip.add(failed[0])
            if time.monotonic() >= deadline:
                break
        if (out / "output.txt").is_file():
            with (out / "output.txt").open("rb") as f:
                result.output = f.read(OUTPUT_CAP).decode("utf-8", errors="replace")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return result


_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "MPLBACKEND": "Agg",
    "NBGRADER_EXECUTION": "autograde",
    "OMP_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",  # what it printed before a crash still reaches the report
    "PYTHONPATH": str(Path(__file__).resolve().parents[2]),  # the folder above the package
}


class _Zygote:
    """A process that imports Python, IPython, NumPy, torch and matplotlib once (~2 s), then forks a
    fresh child for every run. Children share those pages copy-on-write and nothing else: each is
    a new process that no earlier run has touched. One per grading thread."""

    def __init__(self) -> None:
        env = {**_ENV, "HOME": "/nonexistent"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rnncourse.grading.sandbox", "--zygote"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd="/", start_new_session=True,
        )  # fmt: skip
        self.buffer = b""
        self.exits: dict[int, int] = {}
        self.running: set[int] = set()

    def _read(self, timeout: float) -> list[dict[str, int]]:
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        if select.select([fd], [], [], timeout)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:  # it died (killed from outside): end its runs, report them killed
                self.proc.wait()
                for pid in self.running:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                return [{"exit": pid, "code": -signal.SIGKILL} for pid in self.running]
            self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines]

    def spawn(self, job: Path, out: Path, limits: Limits) -> int:
        request = {"job": str(job), "out": str(out), "limits": limits.__dict__}
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for message in self._read(1.0):
                if "pid" in message:
                    self.running.add(message["pid"])
                    return message["pid"]
                self.exits[message["exit"]] = message["code"]
        raise RuntimeError("the sandbox's fork server did not answer")

    def exit_code(self, pid: int, timeout: float) -> int | None:
        """The run's exit code once it has ended, else ``None`` after ``timeout`` seconds."""
        if pid not in self.exits:
            for message in self._read(timeout):
                self.exits[message["exit"]] = message["code"]
                self.running.discard(message["exit"])
        return self.exits.pop(pid, None)


_local = threading.local()


def _zygote() -> _Zygote:
    zygote = getattr(_local, "zygote", None)
    if zygote is None or zygote.proc.poll() is not None:
        zygote = _local.zygote = _Zygote()
    return zygote


def _run_once(
    job: Path, out: Path, limits: Limits, deadline: float
) -> tuple[bool, tuple[int, str] | None]:
    """One child process; returns (ran every cell, the cell that failed and why)."""
    zygote = _zygote()
    pid = zygote.spawn(job, out, limits)
    cell, started, why = -1, time.monotonic(), ""
    while (code := zygote.exit_code(pid, 0.05)) is None:
        records = _progress(out / "progress.jsonl")
        cells = [r["cell"] for r in records if isinstance(r.get("cell"), int)]
        if cells and cells[-1] != cell:
            cell, started = cells[-1], time.monotonic()
        now = time.monotonic()
        if now - started > limits.cell_timeout or now > deadline:
            why = (
                f"timed out after {limits.cell_timeout:g} s"
                if now <= deadline
                else "the notebook ran out of time"
            )
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)  # its session: the run and anything it started
    records = _progress(out / "progress.jsonl")
    if any(r.get("finished") is True for r in records) and code == 0:
        return True, None
    cells = [r["cell"] for r in records if isinstance(r.get("cell"), int)]
    if not cells:
        return False, None  # it died before running anything: nothing to skip, nothing to retry
    if not why:
        why = (
            f"killed by signal {signal.Signals(-code).name}"
            if code < 0
            else f"the process exited with code {code}"
        )
    return False, (cells[-1], why)


# --- child ----------------------------------------------------------------------------------------


def _child(job_dir: Path) -> None:
    job = json.loads((job_dir / "job.json").read_text())
    out = Path(job["out"])
    from IPython.core.interactiveshell import InteractiveShell

    from rnncourse.checks import EXERCISES

    shell = InteractiveShell.instance(colors="NoColor")
    progress = (out / "progress.jsonl").open("a", buffering=1)
    if job["confine"]:
        confine.confine([out])
    for k, cell in enumerate(job["cells"]):
        if k in job["skip"]:
            continue
        progress.write(json.dumps({"cell": k}) + "\n")
        if cell["kind"] == "code":
            shell.run_cell(cell["source"], store_history=False, silent=True)
            continue
        name = cell["exercise"]
        if name in job["done"]:
            continue
        exercise = EXERCISES[name]
        cases = [
            Case(label, tuple(args)) for label, args in plaindata.load(job_dir / f"cases_{name}")
        ]
        fn = shell.user_ns.get(name)
        try:
            if not callable(fn):
                raise AssertionError(f"{name} is not defined: run the cell that defines it")
            result: dict[str, Any] = {"outputs": [exercise.collect(fn, case) for case in cases]}
            plaindata.save(out / f"result_{name}", result)
        except BaseException as e:  # the student's code may raise anything, even SystemExit
            message = (
                str(e)
                if isinstance(e, AssertionError)
                else f"{name} raised {type(e).__name__}: {e}"
            )
            plaindata.save(out / f"result_{name}", {"error": message[:4000]})
        progress.write(json.dumps({"collected": name}) + "\n")
    progress.write(json.dumps({"finished": True}) + "\n")
    progress.close()


def _start_child(request: dict[str, Any]) -> int:
    """Fork one run: its own session, limits, output file and folder; then :func:`_child`."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.setsid()
        out = Path(request["out"])
        fd = os.open(out / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        # fresh stream objects: a lock held in the fork server at fork time must not bind the run
        sys.stdout = open(1, "w", buffering=1, closefd=False, encoding="utf-8", errors="replace")
        sys.stderr = open(2, "w", buffering=1, closefd=False, encoding="utf-8", errors="replace")
        scratch = out / "scratch"
        os.chdir(scratch)
        os.environ.update(HOME=str(scratch), TMPDIR=str(scratch), MPLCONFIGDIR=str(scratch))
        tempfile.tempdir = None
        _limit_child(Limits(**request["limits"]))
        _child(Path(request["job"]))
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)  # skip interpreter teardown: atexit hooks are the student's, not ours


def _fork_server() -> None:
    """Import what every run needs once, then start a run per request line on stdin.

    Replies on stdout: ``{"pid": P}`` when run P starts, ``{"exit": P, "code": C}`` when it ends.
    Single-threaded (a pidfd per run), so a fork never copies a lock another thread holds.
    """
    # matplotlib's config folder while importing: one per user, reused, never a run's to write
    config = Path(tempfile.gettempdir()) / f"rnncourse-forkserver-{os.getuid()}"
    config.mkdir(mode=0o700, exist_ok=True)
    os.environ["MPLCONFIGDIR"] = str(config)
    import IPython.core.interactiveshell  # noqa: F401  (imported once, shared by every run)
    import matplotlib.pyplot  # noqa: F401

    import rnncourse.checks  # noqa: F401  (NumPy and torch)

    _serve()


def _serve() -> None:
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, None)
    buffer = b""

    def send(message: dict[str, int]) -> None:
        os.write(1, json.dumps(message).encode() + b"\n")

    while True:
        for key, _ in selector.select():
            if key.data is None:
                chunk = os.read(0, 65536)
                if not chunk:
                    return  # the grader has gone
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    pid = _start_child(json.loads(line))
                    selector.register(os.pidfd_open(pid), selectors.EVENT_READ, pid)
                    send({"pid": pid})
            else:
                selector.unregister(key.fd)
                os.close(key.fd)
                _, status = os.waitpid(key.data, 0)
                send({"exit": key.data, "code": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    _fork_server()
