r"""Grade one submitted notebook: the score is decided here, never in a process that ran student code.

The instructor's source notebook is the authority on structure: which cells are tests, their
points, their order. From the submission the grader takes only the student's *answers*: the code
of each solution cell and the text of each written answer (matched by nbgrader ``grade_id``, or
by cell id), plus code cells the student added. Test cells, points and cell types in the
submission are never read, so editing, deleting or un-marking them changes nothing.

The student's code runs in a jail (:mod:`rnncourse.grading.sandbox`) that holds no reference; at
each test cell it calls the student's function on inputs drawn here from a secret seed, new for
every student and run, and sends back the outputs as plain data, which
:meth:`rnncourse.checks.Exercise.verdict` compares with the reference, here. Where nbgrader
keeps the *last* of two cells with one ``grade_id`` (a copied solution cell), so does this grader.
Before anything runs, :mod:`rnncourse.grading.scan` reads the answers for code that reaches for a
reference or the grader, and flags the notebook for review in its status.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

import nbformat

from rnncourse.checks import EXERCISES
from rnncourse.checks.collect import budget_message
from rnncourse.checks.framework import Case
from rnncourse.grading import sandbox, scan

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_MESSAGE_CHARS = 2000  # of one check's message in a report
NOT_ATTEMPTED = "# YOUR CODE HERE\nraise NotImplementedError()"


@dataclass(frozen=True)
class ExerciseGrade:
    """The grade of one test cell: the exercise it checks, its points, what it earned and why."""

    grade_id: str  # the test cell's
    exercise: str
    points: float
    score: float
    message: str  # "passed", or what the check said


@dataclass(frozen=True)
class AnswerCell:
    """A written answer, graded by hand later: its points, the student's text, whether it is one."""

    grade_id: str
    points: float
    text: str
    answered: bool


@dataclass
class NotebookGrade:
    """One student's grade for one notebook: status, every test cell, every written answer, the cells
    skipped (index, reason) and the run's captured output."""

    student: str
    notebook: str
    status: str
    exercises: list[ExerciseGrade] = field(default_factory=list)
    answers: list[AnswerCell] = field(default_factory=list)
    skipped_cells: list[tuple[int, str]] = field(default_factory=list)
    output: str = ""

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def manual_points(self) -> float:
        return sum(a.points for a in self.answers)


def _meta(cell: Any) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
    return meta if isinstance(meta, dict) else {}


def parse_submission(data: bytes | None) -> tuple[list[dict[str, Any]] | None, str]:
    """The submission's cells, or ``None`` and why it cannot be graded."""
    if data is None:
        return None, "missing"
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"invalid: larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except (
        Exception
    ) as e:  # not UTF-8, not JSON, not a notebook: all are the student's file's fault
        return None, f"invalid: not a readable notebook ({type(e).__name__})"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return None, "invalid: no cells"
    return [c for c in cells if isinstance(c, dict)], "ok"


def answers_by_key(cells: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The student's cells by ``grade_id`` and by cell id (a cell whose metadata was removed).

    Of two cells with one key the last wins, as in nbgrader (a copied cell answered in the copy).
    """
    found: dict[str, dict[str, Any]] = {}
    for cell in cells:
        if isinstance(cell.get("id"), str):
            found["id:" + cell["id"]] = cell
        gid = _meta(cell).get("grade_id")
        if isinstance(gid, str):
            found["gid:" + gid] = cell
    return found


def cell_source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src if isinstance(src, str) else ""


def plan(
    source_nb: nbformat.NotebookNode, student_cells: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[AnswerCell]]:
    """The cells to run, in the instructor's order, and the written answers.

    Solution cells carry the student's code (kind ``answer``); test cells become collection points
    (``collect``); other instructor cells run as written; code cells the student added run where
    the student put them.
    """
    theirs = answers_by_key(student_cells)
    source_ids = {c.get("id") for c in source_nb.cells}
    run: list[dict[str, Any]] = []
    answers: list[AnswerCell] = []
    added_after = _added_cells(student_cells, source_ids)
    for cell in source_nb.cells:
        meta = _meta(cell)
        mine = theirs.get("gid:" + str(meta.get("grade_id"))) or theirs.get(
            "id:" + str(cell.get("id"))
        )
        if meta.get("solution") and cell.cell_type == "markdown" and meta.get("grade"):
            text = cell_source(mine) if mine is not None else ""
            answered = bool(text.strip()) and text.strip() != "YOUR ANSWER HERE"
            answers.append(
                AnswerCell(meta["grade_id"], float(meta.get("points", 0)), text, answered)
            )
        elif meta.get("solution") and cell.cell_type == "code":
            run.append(
                {
                    "kind": "answer",
                    "source": cell_source(mine) if mine is not None else NOT_ATTEMPTED,
                }
            )
        elif meta.get("grade") and cell.cell_type == "code":
            run.append({"kind": "collect", "exercise": meta["grade_id"].removeprefix("test_")})
        elif cell.cell_type == "code":
            run.append({"kind": "code", "source": cell.source})
        run.extend(
            {"kind": "code", "source": s, "added": True}
            for s in added_after.get(cell.get("id"), [])
        )
    return run, answers


def _added_cells(student_cells: list[dict[str, Any]], source_ids: set[Any]) -> dict[Any, list[str]]:
    """Code cells the student added, keyed by the id of the instructor cell they follow."""
    added: dict[Any, list[str]] = {}
    anchor = None
    for cell in student_cells:
        if cell.get("id") in source_ids:
            anchor = cell.get("id")
        elif cell.get("cell_type") == "code" and not _meta(cell):
            added.setdefault(anchor, []).append(cell_source(cell))
    return added


def _where(run: list[dict[str, Any]], k: int) -> str:
    """A cell as a student finds it: the test of an exercise, or the cell after the last test."""
    if 0 <= k < len(run) and run[k]["kind"] == "collect":
        return f"the test of {run[k]['exercise']}"
    before = [c["exercise"] for c in run[:k] if c["kind"] == "collect"]
    where = f"after the test of {before[-1]}" if before else "before the first test"
    return f"a cell {where}"


def verdict(exercise: str, cases: list[Case], collected: list[Any] | None,
            failed_helpers: frozenset[str]) -> str:  # fmt: skip
    """``"passed"`` or what is wrong, from the outputs the jail sent back (untrusted data)."""
    if collected is None:
        return "not graded: the notebook stopped before this test (see the skipped cells)"
    return EXERCISES[exercise].verdict(cases, collected, failed_helpers)


def grade_notebook(
    student: str, stem: str, data: bytes | None, source_json: str, limits: sandbox.Limits,
    seed: int | None = None, unsafe: bool = False,
) -> NotebookGrade:  # fmt: skip
    """Grade one submission (its raw bytes) against the instructor's source notebook.

    ``seed`` draws the inputs; by default a new secret one for this student and run.
    """
    source_nb = nbformat.reads(source_json, as_version=4)
    tests = [c for c in source_nb.cells if _meta(c).get("grade") and not _meta(c).get("solution")]
    cells, status = parse_submission(data)
    grade = NotebookGrade(student, stem, status)
    if cells is None:
        grade.exercises = [
            ExerciseGrade(c.metadata.nbgrader["grade_id"], c.metadata.nbgrader["grade_id"].removeprefix("test_"),
                          float(c.metadata.nbgrader["points"]), 0.0, status)
            for c in tests
        ]  # fmt: skip
        return grade
    run, grade.answers = plan(source_nb, cells)
    flags = scan.flags([c["source"] for c in run if c["kind"] == "answer" or c.get("added")])
    seed = secrets.randbits(63) if seed is None else seed
    names = [c["exercise"] for c in run if c["kind"] == "collect"]
    cases = {n: EXERCISES[n].cases(seed) for n in names}
    for c in run:
        if c["kind"] == "collect":
            c["signature"] = asdict(EXERCISES[c["exercise"]].signature)
            c["cases"] = [[case.label, tuple(case.args)] for case in cases[c["exercise"]]]
    withheld = {m for n in names for m in EXERCISES[n].forbid_modules}
    result = sandbox.run(run, limits, withheld, unsafe)
    grade.skipped_cells, grade.output = result.failed_cells, result.output
    failed: set[str] = set()
    for cell in tests:
        gid = cell.metadata.nbgrader["grade_id"]
        name, points = gid.removeprefix("test_"), float(cell.metadata.nbgrader["points"])
        stopped = [why for k, why in grade.skipped_cells if run[k].get("exercise") == name]
        if stopped and name not in result.collected:  # its jail was killed while it collected
            message = (
                budget_message(name, limits.budget_s)
                if stopped[0] == sandbox.over_budget(limits)
                else f"{name} did not finish: its test {stopped[0]} (a loop that never ends?)"
            )
        else:
            message = verdict(name, cases[name], result.collected.get(name), frozenset(failed))
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS] + " … (cut)"
        if message != "passed":
            failed.add(name)
        grade.exercises.append(
            ExerciseGrade(gid, name, points, points if message == "passed" else 0.0, message)
        )
    notes = [f"{_where(run, k)} {why}" for k, why in grade.skipped_cells]
    if notes:
        grade.status = "ok, skipped: " + "; ".join(notes)
    if result.compile_errors:
        grade.status += "; " + "; ".join(
            result.compile_errors[k] for k in sorted(result.compile_errors)
        )
    if flags:
        grade.status += "; review: " + ", ".join(flags)
    if unsafe:
        grade.status += "; UNSAFE: graded without the jail"
    return grade
