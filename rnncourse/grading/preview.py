r"""``rnncourse check NOTEBOOK``: what a student runs before handing in.

The notebook is executed the way ``nbgrader validate`` does (``NBGRADER_EXECUTION=validate``, so
demo cells skip their long parts), every cell runs even after an error, and each graded cell is
reported: passed, failed with the check's message, not attempted, edited (a test cell that no
longer matches the release), or graded by hand. Only the visible tests run: the hidden ones are
added when the instructor grades.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from rnncourse.grading.course import CELL_TIMEOUT_S

PASSED, FAILED, NOT_ATTEMPTED, EDITED, MANUAL = (
    "passed",
    "failed",
    "not attempted",
    "edited",
    "graded by hand",
)


@dataclass(frozen=True)
class CellResult:
    """The outcome of one graded cell."""

    grade_id: str
    points: float
    status: str
    message: str = ""

    @property
    def earned(self) -> float:
        return self.points if self.status == PASSED else 0.0


def _status(cell: nbformat.NotebookNode) -> tuple[str, str]:
    from nbgrader.utils import compute_checksum

    meta = cell.metadata["nbgrader"]
    if meta.get("solution"):
        return MANUAL, ""
    if "checksum" in meta and compute_checksum(cell) != meta["checksum"]:
        return EDITED, "this test cell was changed; reset it from the release before handing in"
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            first = (out.evalue.strip().splitlines() or [out.ename])[0]
            if (
                out.ename in ("NotImplementedError", "NameError")
                or "not implemented yet" in out.evalue
            ):
                return NOT_ATTEMPTED, first
            return FAILED, f"{out.ename}: {out.evalue.strip()}"
    return PASSED, ""


def run_checks(path: Path, timeout: int = CELL_TIMEOUT_S) -> list[CellResult]:
    """Execute a copy of the notebook at ``path`` and report every graded cell."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, allow_errors=True, kernel_name="python3",
        resources={"metadata": {"path": str(path.resolve().parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not the kernel's TCP notice
    )  # fmt: skip
    saved = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "validate"  # the kernel inherits it
    try:
        client.execute()
    finally:
        if saved is None:
            os.environ.pop("NBGRADER_EXECUTION")
        else:
            os.environ["NBGRADER_EXECUTION"] = saved
    return [
        CellResult(
            c.metadata["nbgrader"]["grade_id"],
            float(c.metadata["nbgrader"].get("points", 0)),
            *_status(c),
        )
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]


def report(name: str, results: list[CellResult]) -> str:
    """The table a student reads."""
    width = max([len(r.grade_id) for r in results] + [10])
    lines = [name, f"  {'cell':<{width}}  points  status"]
    for r in results:
        got = "-" if r.status == MANUAL else f"{r.earned:g}"
        text = r.status + (f": {r.message}" if r.message else "")
        lines.append(f"  {r.grade_id:<{width}}  {got:>3}/{r.points:<3g} {text}")
    auto = [r for r in results if r.status != MANUAL]
    manual = sum(r.points for r in results if r.status == MANUAL)
    lines.append(
        f"  total: {sum(r.earned for r in auto):g}/{sum(r.points for r in auto):g} points from the visible tests"
        + (f", plus {manual:g} graded by hand" if manual else "")
    )
    return "\n".join(lines)
