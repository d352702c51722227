r"""The side of a graded run inside the jail: execute the cells, call the student's functions, send plain data.

Started by :mod:`rnncourse.grading.sandbox` as ``python -m rnncourse.grading.runner`` inside the
jail (:mod:`rnncourse.grading.jail`), where ``rnncourse`` is the package a run sees
(:mod:`rnncourse.grading.jailpkg`): no reference, no mistake-maker, no grader. This module imports
nothing else from the course but :mod:`rnncourse.checks.collect` and the exchange format.

It reads one job (:mod:`rnncourse.grading.plaindata`) on stdin: the cells in order (code to run,
or a point where an exercise is collected, with its :class:`~rnncourse.checks.collect.Signature`
and inputs), the cells to skip and the exercises already collected. It sends one message per event (on the fd ``RNNCOURSE_RESULTS_FD`` names, 3 unless told): ``{"cell": k}`` when cell k starts, ``{"collected": name, "outputs": [...]}`` (per
input, the graded outputs or the message :func:`~rnncourse.checks.collect.collect` raised; all
inputs of one exercise within the job's ``budget_s``, so a loop costs its budget and the run goes on),
``{"compile_error": k, "error": ...}`` for an answer cell that does not compile,
``{"stopped": k, "seconds": s}`` for a cell stopped by its alarm after ``s`` seconds (the job's
``cell_s``, or its ``budget_s`` after the test of an exercise that ran past its budget, at cell
``loops_from`` or later: such a cell most likely calls the function that loops), and
``{"finished": true}``. Its own stdout and stderr are the run's printed output.

Everything here is defence in depth; the jail is the wall: the run lowers its own limits (memory,
CPU time, file size, open files, processes), closes every inherited fd but 0–2 and the results pipe, and confines itself with
Landlock where the kernel has it, before any student code runs.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import sys
from pathlib import Path
from typing import Any

from rnncourse.checks.collect import (
    Signature,
    budget_message,
    collect_all,
    refuse_calls,
    run_within,
    torch_layers,
)
from rnncourse.grading import confine, plaindata

RESULTS_FD = int(os.environ.get("RNNCOURSE_RESULTS_FD", "3"))
MAX_MESSAGE = 4000  # characters of an error message sent back


def _limit(limits: dict[str, int]) -> None:
    mb = 1024 * 1024
    for what, value in (
        (resource.RLIMIT_AS, limits["memory_mb"] * mb),
        (resource.RLIMIT_CPU, limits["cpu_s"]),
        (resource.RLIMIT_FSIZE, limits["file_mb"] * mb),
        (resource.RLIMIT_NOFILE, 256),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, limits["processes"]),
    ):
        if value >= 0:  # -1: leave this limit as it is
            resource.setrlimit(what, (value, value))


def _send(message: dict[str, Any]) -> None:
    data = plaindata.dumps(message)
    frame = len(data).to_bytes(8, "big") + data
    view = memoryview(frame)
    while view:
        view = view[os.write(RESULTS_FD, view) :]


def _read_job() -> dict[str, Any]:
    chunks = []
    while chunk := os.read(0, 1 << 20):
        chunks.append(chunk)
    os.close(0)
    job = plaindata.loads(b"".join(chunks))
    if not isinstance(job, dict):
        raise ValueError("a job that is not a dict")
    return job


def _collect(name: str, sig: dict[str, Any], cases: list[Any], namespace: dict[str, Any],
             broken: list[str], budget: float) -> list[Any]:  # fmt: skip
    """Per case, the outputs of the student's function or why there are none, all within ``budget``
    seconds (:func:`~rnncourse.checks.collect.collect_all`, as the notebook's check does)."""
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in sig.items()}
    signature = Signature(**fields)
    fn = namespace.get(name)
    if not callable(fn):
        why = f"{name} is not defined: run the cell that defines it"
        if broken:
            why = f"{name} is not defined: {broken[-1]}"
        return [why for _ in cases]

    # torch.nn's recurrent layers are in reach (torch is): the rule is the notebook check's
    def guard() -> Any:
        return refuse_calls(name, torch_layers())

    # the student's code may raise anything, even SystemExit: that is its message, not our end
    outputs = collect_all(signature, fn, [(tuple(args), label) for label, args in cases], guard,
                          budget, catch=(BaseException,))  # fmt: skip
    return [out[:MAX_MESSAGE] if isinstance(out, str) else out for out in outputs]


def _warm_up() -> Any:
    """What every run needs, imported before the job arrives (a run can wait, warm, for its job)."""
    seed = Path(os.environ.get("RNNCOURSE_MPL_SEED", "/nonexistent"))
    mpl = Path(os.environ.get("HOME", "/tmp")) / ".matplotlib"
    if seed.is_dir():
        shutil.copytree(seed, mpl, dirs_exist_ok=True)  # the font cache, built once outside
    os.environ["MPLCONFIGDIR"] = str(mpl)
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import torch  # noqa: F401
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance(colors="NoColor")


def main() -> None:
    for fd in os.listdir("/proc/self/fd"):  # keep 0–2 and the results pipe, nothing inherited
        if int(fd) > 2 and int(fd) != RESULTS_FD:
            with contextlib.suppress(OSError):
                os.close(int(fd))
    home = Path(os.environ.get("HOME", "/tmp"))
    if confine.abi_version() > 0:
        confine.confine([home])
    shell = _warm_up()
    reserve = [bytearray(16 * 1024 * 1024)]  # freed to report a cell that ran out of memory
    job = _read_job()
    _limit(job["limits"])
    broken: list[str] = []  # answer cells that do not compile, in words
    budget = float(job["limits"]["budget_s"])
    # after a test whose exercise ran past its budget, a cell that hangs most likely calls that
    # function: it gets the budget too, not a whole cell timeout
    loops_from = int(job["loops_from"])
    for k, cell in enumerate(job["cells"]):
        if k in job["skip"]:
            continue
        _send({"cell": k})
        if cell["kind"] == "collect":
            name = cell["exercise"]
            if name not in job["done"]:
                outputs = _collect(name, cell["signature"], cell["cases"], shell.user_ns, broken,
                                   budget)  # fmt: skip
                _send({"collected": name, "outputs": outputs})
                if outputs and outputs[0] == budget_message(name, budget):
                    loops_from = min(loops_from, k)
            continue
        limit = budget if k > loops_from else float(job["limits"]["cell_s"])
        result, rang = run_within(
            limit,
            functools.partial(shell.run_cell, cell["source"], store_history=False, silent=True),
        )
        if rang or result is None:
            _send({"stopped": k, "seconds": limit})  # the run goes on with the next cell
            continue
        if isinstance(
            result.error_in_exec, MemoryError
        ):  # what it holds may starve every later cell
            reserve.clear()
            _send({"out_of_memory": k})
            os._exit(3)  # the grader skips this cell and runs the notebook again without it
        error = result.error_before_exec
        if cell["kind"] == "answer" and error is not None:
            line = getattr(error, "lineno", None)
            where = f", line {line}" if line else ""
            words = f"your answer cell {k + 1} does not compile ({type(error).__name__}: "
            words += f"{getattr(error, 'msg', error)}{where})"
            broken.append(words)
            _send({"compile_error": k, "error": words[:MAX_MESSAGE]})
    _send({"finished": True})
    sys.stdout.flush()
    sys.stderr.flush()


if __name__ == "__main__":
    code = 0
    try:
        main()
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    os._exit(code)  # skip interpreter teardown: atexit hooks are the student's, not ours
