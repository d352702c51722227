r"""``rnncourse grade``: grade a whole class on Dask, then write grades, feedback and the gradebook.

Submissions are ``SUBMISSIONS/<student>/<notebook>.ipynb`` (or a zip with that layout, as an LMS
download). Every (student, course notebook) pair is one task, missing notebooks included; each
task runs :func:`rnncourse.grading.grader.grade_notebook` on a Dask worker, which starts a sandboxed
process for the student's code. Only this driver writes: ``grades.csv``, one HTML feedback page
per student (visible tests and the checks' messages, never hidden tests), and an nbgrader
course directory whose gradebook formgrader and ``nbgrader export`` read.
"""

from __future__ import annotations

import csv
import html
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import nbformat

from rnncourse.grading import course, grader, sandbox

MAX_ZIP_MEMBER = grader.MAX_NOTEBOOK_BYTES


def extract_zip(archive: Path, dest: Path) -> Path:
    """Unpack ``<student>/<notebook>.ipynb`` entries (at any depth) safely into ``dest``."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            parts = Path(info.filename).parts
            if info.is_dir() or len(parts) < 2 or not parts[-1].endswith(".ipynb"):
                continue
            student, name = parts[-2], parts[-1]
            if student in ("", ".", "..") or student.startswith(".") or "__MACOSX" in parts:
                continue
            target = dest / student / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as out:  # never more than the cap
                out.write(src.read(MAX_ZIP_MEMBER + 1))
    return dest


def tasks(submissions: Path, stems: Sequence[str]) -> list[tuple[str, str, bytes | None]]:
    """One (student, notebook, raw bytes or None) per student folder and course notebook."""
    students = sorted(
        p.name for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    found = []
    for student in students:
        for stem in stems:
            path = submissions / student / f"{stem}.ipynb"
            data = None
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as f:
                    data = f.read(grader.MAX_NOTEBOOK_BYTES + 1)
            found.append((student, stem, data))
    return found


def run_tasks(
    work: list[tuple[str, str, bytes | None]], sources: dict[str, str], limits: sandbox.Limits,
    jobs: int, scheduler: str | None,
) -> list[grader.NotebookGrade]:  # fmt: skip
    """Grade every task on Dask: a local cluster of ``jobs`` workers, or the one at ``scheduler``."""
    from distributed import Client, LocalCluster

    seed = secrets.randbits(32)  # the inputs every student is checked on; no student sees it
    cluster = (
        None
        if scheduler
        else LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
        )
    )
    try:
        with Client(scheduler or cluster) as client:
            futures = [
                client.submit(
                    grader.grade_notebook,
                    student,
                    stem,
                    data,
                    sources[stem],
                    seed,
                    limits,
                    pure=False,
                )
                for student, stem, data in work
            ]
            grades = []
            for (student, stem, _), future in zip(work, futures, strict=True):
                try:
                    grades.append(future.result())
                except Exception as e:  # the grader failed, not the student: say so, score nothing
                    grades.append(
                        grader.NotebookGrade(
                            student, stem, f"grader error: {type(e).__name__}: {e}"
                        )
                    )
            return grades
    finally:
        if cluster is not None:
            cluster.close()


def write_csv(grades: list[grader.NotebookGrade], path: Path) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "notebook", "score", "max_score", "status"])
        for g in grades:
            status = g.status + (
                f"; {g.manual_points:g} points to grade by hand" if g.manual_points else ""
            )
            writer.writerow([g.student, g.notebook, f"{g.score:g}", f"{g.max_score:g}", status])


def _visible(source: str) -> str:
    """A test cell's source without its hidden tests."""
    return source.split("### BEGIN HIDDEN TESTS")[0].rstrip()


def write_feedback(
    student: str, grades: list[grader.NotebookGrade], sources: dict[str, str], path: Path
) -> None:
    """One HTML page: per notebook, each visible test with its result; written answers pending."""
    e = html.escape
    parts = [f"<!doctype html><meta charset='utf-8'><title>Feedback for {e(student)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto}pre{background:#f4f4f4;padding:.5em;"
             "white-space:pre-wrap}td,th{padding:.2em .6em;text-align:left;vertical-align:top}</style>",
             f"<h1>Feedback for {e(student)}</h1>"]  # fmt: skip
    for g in grades:
        nb = nbformat.reads(sources[g.notebook], as_version=4)
        visible = {
            c.metadata["nbgrader"]["grade_id"]: _visible(c.source)
            for c in nb.cells
            if "nbgrader" in c.metadata
        }
        parts.append(
            f"<h2>{e(g.notebook)}: {g.score:g} / {g.max_score:g}</h2><p>Status: {e(g.status)}</p><table>"
        )
        parts.append("<tr><th>test</th><th>points</th><th>result</th></tr>")
        for x in g.exercises:
            parts.append(
                f"<tr><td>{e(x.grade_id)}<pre>{e(visible.get(x.grade_id, ''))}</pre></td>"
                f"<td>{x.score:g} / {x.points:g}</td><td><pre>{e(x.message)}</pre></td></tr>"
            )
        parts.append("</table>")
        for a in g.answers:
            state = "answered, graded by the instructor" if a.answered else "not answered"
            parts.append(f"<p>{e(a.grade_id)} ({a.points:g} points): {state}.</p>")
    path.write_text("\n".join(parts) + "\n")


def _autograded_notebook(
    source_json: str, data: bytes | None, grade: grader.NotebookGrade
) -> nbformat.NotebookNode:
    """The notebook formgrader shows: the instructor's cells with the student's answers and results."""
    nb = nbformat.reads(source_json, as_version=4)
    cells, _ = grader.parse_submission(data)
    theirs = grader.answers_by_key(cells or [])
    results = {x.grade_id: x for x in grade.exercises}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        mine = theirs.get("gid:" + str(meta.get("grade_id"))) or theirs.get(
            "id:" + str(cell.get("id"))
        )
        if meta.get("solution"):
            cell.source = grader.cell_source(mine) if mine is not None else ""
        elif meta.get("grade_id") in results:
            cell.source = _visible(cell.source)
            cell.outputs = [
                nbformat.v4.new_output(
                    "stream", name="stdout", text=results[meta["grade_id"]].message + "\n"
                )
            ]
    return nb


def write_gradebook(
    root: Path,
    course_dir: Path,
    grades: list[grader.NotebookGrade],
    raw: dict[tuple[str, str], bytes | None],
) -> None:
    """Record every score in an nbgrader gradebook (``course_dir/gradebook.db``) for formgrader and export."""
    from nbgrader.api import Gradebook, MissingEntry

    course.make_course_dir(root, course_dir)
    api = course.nbgrader_api(course_dir)
    for stem in {g.notebook for g in grades}:
        if not api.generate_assignment(stem, force=True, create=True)["success"]:
            raise RuntimeError(f"nbgrader could not register {stem}")
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        for g in grades:
            gb.update_or_create_student(g.student)
            try:
                gb.find_submission(g.notebook, g.student)
            except MissingEntry:
                gb.add_submission(g.notebook, g.student)
            scores = {x.grade_id: x.score for x in g.exercises}
            answered = {a.grade_id: a.answered for a in g.answers}
            for cell_grade in gb.find_submission_notebook(g.notebook, g.notebook, g.student).grades:
                if cell_grade.name in scores:
                    cell_grade.auto_score, cell_grade.needs_manual_grade = (
                        scores[cell_grade.name],
                        False,
                    )
                elif answered.get(cell_grade.name):
                    cell_grade.auto_score, cell_grade.needs_manual_grade = None, True
                else:
                    cell_grade.auto_score, cell_grade.needs_manual_grade = 0.0, False
            gb.db.commit()
            dest = course_dir / "autograded" / g.student / g.notebook
            dest.mkdir(parents=True, exist_ok=True)
            source_json = (root / "solutions" / f"{g.notebook}.ipynb").read_text()
            nbformat.write(
                _autograded_notebook(source_json, raw[g.student, g.notebook], g),
                dest / f"{g.notebook}.ipynb",
            )


def grade_class(
    root: Path, submissions: Path, out: Path, *, jobs: int = 1, scheduler: str | None = None,
    limits: sandbox.Limits = sandbox.Limits(),  # noqa: B008 (frozen dataclass: an immutable default)
) -> list[grader.NotebookGrade]:  # fmt: skip
    """Grade every student's every course notebook; write ``out/grades.csv``, feedback, gradebook."""
    stems = course.solution_stems(root)
    sources = {s: (root / "solutions" / f"{s}.ipynb").read_text() for s in stems}
    with tempfile.TemporaryDirectory(prefix="rnncourse-zip-") as tmp:
        if submissions.is_file() and zipfile.is_zipfile(submissions):
            submissions = extract_zip(submissions, Path(tmp))
        work = tasks(submissions, stems)
    grades = run_tasks(work, sources, limits, jobs, scheduler)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(grades, out / "grades.csv")
    feedback = out / "feedback"
    shutil.rmtree(feedback, ignore_errors=True)
    feedback.mkdir()
    for student in sorted({g.student for g in grades}):
        write_feedback(
            student,
            [g for g in grades if g.student == student],
            sources,
            feedback / f"{student}.html",
        )
    write_gradebook(root, out / "course", grades, {(s, n): d for s, n, d in work})
    return grades
