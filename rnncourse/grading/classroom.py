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
import hashlib
import html
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import nbformat
import nh3

from rnncourse.grading import course, grader, jail, sandbox

MAX_ZIP_MEMBER = grader.MAX_NOTEBOOK_BYTES
MAX_ZIP_MEMBERS = 10_000


def _entries(names: list[str]) -> tuple[int, list[tuple[str, PurePosixPath]]]:
    """How many leading folders wrap the class (0 or 1), and every notebook entry as a path."""
    paths = [
        (n, PurePosixPath(n)) for n in names
        if n.endswith(".ipynb") and "__MACOSX" not in n and not n.endswith("/")
    ]  # fmt: skip
    tops = {p.parts[0] for _, p in paths if len(p.parts) > 1}
    wrapped = len(tops) == 1 and all(len(p.parts) >= 3 for _, p in paths)
    return (1 if wrapped else 0), paths


def extract_zip(archive: Path, dest: Path) -> tuple[Path, list[tuple[str, str]]]:
    """Unpack ``<student>/<notebook>.ipynb`` (optionally inside one top folder) into ``dest``.

    The student is the folder right under the top: an entry nested deeper (``bob/alice/x.ipynb``
    is Bob's, not Alice's) or given twice is refused. Returns ``dest`` and the refusals as
    ``(student, why)``.
    """
    refused: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    with zipfile.ZipFile(archive) as zf:
        infos = {i.filename: i for i in zf.infolist()[:MAX_ZIP_MEMBERS]}
        skip, paths = _entries(list(infos))
        for filename, path in paths:
            parts = path.parts[skip:]
            if len(parts) < 2 or parts[0] in ("", ".", "..") or parts[0].startswith("."):
                continue
            student, name = parts[0], parts[-1]
            if len(parts) > 2 or ".." in parts:
                refused.append(
                    (student, f"zip entry {filename!r} refused: nested below the student's folder")
                )
                continue
            if (student, name) in seen:
                refused.append(
                    (student, f"zip entry {filename!r} refused: the notebook is in the zip twice")
                )
                continue
            seen.add((student, name))
            target = dest / student / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with (
                zf.open(infos[filename]) as src,
                target.open("wb") as out,
            ):  # never more than the cap
                out.write(src.read(MAX_ZIP_MEMBER + 1))
    return dest, refused


def slug(student: str) -> str:
    """A file name for a student's feedback: the name itself when it is short and plain, else a
    plain prefix and a hash (a folder name may be 255 bytes of anything but ``/``)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", student):
        return student
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._-")[:40] or "student"
    return f"{plain}-{hashlib.sha256(student.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}"


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting with ``= + - @``, tab or CR gets a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


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


def layout_problems(submissions: Path, stems: Sequence[str]) -> list[tuple[str, str]]:
    """What in each student's folder is not graded, and why: ``(student, why)`` per file."""
    problems: list[tuple[str, str]] = []
    for folder in sorted(
        p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")
    ):
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and any(entry.rglob("*.ipynb")):
                problems.append(
                    (
                        folder.name,
                        f"{entry.name}/ ignored: notebooks go right in the student's folder",
                    )
                )
            elif entry.suffix == ".ipynb" and entry.is_symlink():
                problems.append((folder.name, f"{entry.name} ignored: a link, not a file"))
            elif entry.suffix == ".ipynb" and entry.stem not in stems:
                near = [s for s in stems if entry.stem.startswith(s)]
                hint = f" (rename it to {near[0]}.ipynb)" if near else ""
                problems.append((folder.name, f"{entry.name} ignored: not a course notebook{hint}"))
    return problems


def run_tasks(
    work: list[tuple[str, str, bytes | None]], sources: dict[str, str], limits: sandbox.Limits,
    jobs: int, scheduler: str | None, unsafe: bool = False,
) -> list[grader.NotebookGrade]:  # fmt: skip
    """Grade every task on Dask: a local cluster of ``jobs`` workers, or the one at ``scheduler``.

    Each task draws its own secret inputs (:func:`rnncourse.grading.grader.grade_notebook`).
    """
    from distributed import Client, LocalCluster

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
                    limits,
                    unsafe=unsafe,
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
            row = [g.student, g.notebook, f"{g.score:g}", f"{g.max_score:g}", status]
            writer.writerow([csv_cell(x) for x in row])


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
            text = grader.cell_source(mine) if mine is not None else ""
            # a written answer is rendered as HTML in the instructor's formgrader: no scripts
            cell.source = nh3.clean(text) if cell.cell_type == "markdown" else text
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
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():  # nbgrader's own use of its ORM: nothing an instructor acts on
        warnings.simplefilter("ignore", SAWarning)
        _write_gradebook(root, course_dir, grades, raw)


def _write_gradebook(
    root: Path,
    course_dir: Path,
    grades: list[grader.NotebookGrade],
    raw: dict[tuple[str, str], bytes | None],
) -> None:
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
            data = raw[g.student, g.notebook]
            if data is not None:  # formgrader counts a submission by its folder in submitted/
                handed_in = course_dir / "submitted" / g.student / g.notebook
                handed_in.mkdir(parents=True, exist_ok=True)
                (handed_in / f"{g.notebook}.ipynb").write_bytes(data)


def grade_class(
    root: Path, submissions: Path, out: Path, *, jobs: int = 1, scheduler: str | None = None,
    limits: sandbox.Limits = sandbox.Limits(),  # noqa: B008 (frozen dataclass: an immutable default)
    unsafe: bool = False, notebooks: Sequence[str] | None = None,
) -> list[grader.NotebookGrade]:  # fmt: skip
    """Grade every student's every course notebook (or only ``notebooks``, the assigned ones); write
    ``out/grades.csv``, feedback and the gradebook, for the assigned notebooks only.

    Refuses (``RuntimeError``) where no jail can be built, unless ``unsafe``: then student code
    runs with limits only, never as root, and every status says so.
    """
    if unsafe:
        print("WARNING: grading WITHOUT the jail (--unsafe-no-sandbox): student code can read "
              "every file this user can, and reach the network.", file=sys.stderr)  # fmt: skip
    elif why := jail.unavailable():
        raise RuntimeError(f"cannot grade safely here: {why}. Pass --unsafe-no-sandbox to grade "
                           "anyway (never as root).")  # fmt: skip
    every = course.solution_stems(root)
    unknown = sorted(set(notebooks or ()) - set(every))
    if unknown:
        raise ValueError(f"not course notebooks: {', '.join(unknown)}; known: {', '.join(every)}")
    stems = [s for s in every if notebooks is None or s in notebooks]
    sources = {s: (root / "solutions" / f"{s}.ipynb").read_text() for s in stems}
    refused: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="rnncourse-zip-") as tmp:
        if submissions.is_file() and zipfile.is_zipfile(submissions):
            submissions, refused = extract_zip(submissions, Path(tmp))
        refused += layout_problems(submissions, every)
        work = tasks(submissions, stems)
    grades = run_tasks(work, sources, limits, jobs, scheduler, unsafe)
    for student, why in refused:
        for g in grades:
            if g.student == student:
                g.status += f"; {why}"
                break
        else:
            grades.append(grader.NotebookGrade(student, "-", why))
    out.mkdir(parents=True, exist_ok=True)
    write_csv(grades, out / "grades.csv")
    feedback = out / "feedback"
    shutil.rmtree(feedback, ignore_errors=True)
    feedback.mkdir()
    known = [g for g in grades if g.notebook in sources]
    for student in sorted({g.student for g in known}):
        mine = [g for g in known if g.student == student]
        try:
            write_feedback(student, mine, sources, feedback / f"{slug(student)}.html")
        except Exception as e:  # one student's page never costs the class its gradebook
            print(f"feedback for {student!r} not written: {type(e).__name__}: {e}", file=sys.stderr)
    write_gradebook(root, out / "course", known, {(s, n): d for s, n, d in work})
    return grades
