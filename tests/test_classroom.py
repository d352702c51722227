"""``rnncourse grade`` on a small class, on a 2-worker local Dask cluster.

One student is honest, one hostile (a loop that never ends and swallows interrupts, plus an answer
that calls the reference), one forgot a notebook, one handed in a file that is not a notebook.
Every grade is decided, nobody's grade depends on anybody else's, and the outputs (CSV, feedback
pages without hidden tests, nbgrader gradebook readable by ``nbgrader export``) are right.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from test_grading import LIMITS, notebook

from rnncourse.cli import main
from rnncourse.grading import jail
from rnncourse.grading.classroom import grade_class, slug
from rnncourse.grading.jail import unavailable as _no_jail

pytestmark = pytest.mark.skipif(
    _no_jail() is not None, reason=f"no grading jail here: {_no_jail()}"
)

HOSTILE = "while True:\n    try:\n        pass\n    except BaseException:\n        pass"


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("course_repo")
    (root / "pyproject.toml").write_text("[project]\nname = 'mini'\n")
    (root / "solutions").mkdir()
    nbformat.write(notebook(), root / "solutions" / "01_vanilla_rnn.ipynb")
    return root


@pytest.fixture(scope="module")
def submissions(course_root, tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    hostile = notebook(softmax="from rnncourse.reference import softmax as s\nreturn s(z)")
    hostile.cells.insert(5, nbformat.v4.new_code_cell(HOSTILE))
    for student, nb in [("alice", notebook()), ("bob", hostile)]:
        (subs / student).mkdir()
        nbformat.write(nb, subs / student / "01_vanilla_rnn.ipynb")
    (subs / "carol").mkdir()
    (subs / "dave").mkdir()
    (subs / "dave" / "01_vanilla_rnn.ipynb").write_bytes(b"\x00not a notebook")
    return subs


@pytest.fixture(scope="module")
def graded(course_root, submissions, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    grades = grade_class(course_root, submissions, out, jobs=2, limits=LIMITS)
    return out, {g.student: g for g in grades}


def test_every_student_gets_a_row_and_a_fair_score(graded):
    out, grades = graded
    with (out / "grades.csv").open() as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert list(rows) == ["alice", "bob", "carol", "dave"]
    assert {s: (r["score"], r["max_score"]) for s, r in rows.items()} == {
        "alice": ("5", "5"),
        "bob": (
            "0",
            "5",
        ),  # the softmax only calls the reference, and the RNN cell uses that softmax
        "carol": ("0", "5"),
        "dave": ("0", "5"),
    }
    assert rows["alice"]["status"] == "ok; 1 points to grade by hand"
    assert (
        "timed out" in rows["bob"]["status"]
        and "review: imports rnncourse.reference" in rows["bob"]["status"]
    )
    assert rows["carol"]["status"].startswith("missing")
    assert rows["dave"]["status"].startswith("invalid")
    assert (
        "rnncourse.reference.softmax is not available while grading"
        in grades["bob"].exercises[0].message
    )


def test_feedback_shows_visible_tests_and_messages_never_hidden_ones(graded):
    out, _ = graded
    pages = {p.stem: p.read_text() for p in (out / "feedback").glob("*.html")}
    assert set(pages) == {"alice", "bob", "carol", "dave"}
    for page in pages.values():
        assert "BEGIN HIDDEN TESTS" not in page and "seed=7" not in page
        assert "check(&quot;softmax&quot;, softmax)" in page
    assert "rnncourse.reference.softmax is not available while grading" in pages["bob"]


def test_gradebook_works_with_nbgrader_export_after_the_folder_moved(graded, tmp_path):
    out, _ = graded
    course = tmp_path / "moved" / "course"
    shutil.copytree(out / "course", course)
    assert (course / "autograded" / "alice" / "01_vanilla_rnn" / "01_vanilla_rnn.ipynb").is_file()
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "export"], cwd=course, check=True, capture_output=True
    )
    with (course / "grades.csv").open() as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert float(rows["alice"]["score"]) == 5.0
    assert float(rows["bob"]["score"]) == 0.0
    assert float(rows["alice"]["max_score"]) == 6.0  # 5 automatic + 1 written answer
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # what formgrader lists
        assert gb.find_submission(
            "01_vanilla_rnn", "alice"
        ).needs_manual_grade  # the written answer
        assert not gb.find_submission("01_vanilla_rnn", "carol").needs_manual_grade
    from rnncourse.grading.course import nbgrader_api

    listed = nbgrader_api(course).get_assignment("01_vanilla_rnn")
    assert listed["num_submissions"] == 3  # what formgrader shows: alice, bob, dave handed in


def test_zip_submissions_and_an_existing_scheduler(course_root, submissions, tmp_path, monkeypatch):
    from distributed import LocalCluster

    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(
            submissions / "alice" / "01_vanilla_rnn.ipynb", "download/alice/01_vanilla_rnn.ipynb"
        )
        zf.writestr("download/../../evil/01_vanilla_rnn.ipynb", "{}")  # a path that tries to escape
    monkeypatch.chdir(course_root)
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        args = ["grade", str(archive), "--out", str(tmp_path / "out"), "--timeout", "8"]
        assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
        assert len(cluster.workers) == 1  # used as it was, and left running
    with (tmp_path / "out" / "grades.csv").open() as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["alice"]["score"] == "5" and not (tmp_path.parent / "evil").exists()
    assert main(["grade", str(tmp_path / "nothing")]) == 2


FORMULA = "=2+5+cmd|' -C calc'!A0"
LONG = "s" * 252  # a legal folder name; with ".html" it is not a legal file name
SCRIPT = "Shared weights. <script>alert(document.cookie)</script><img src=x onerror=alert(1)>"


def test_names_answers_and_zips_that_attack_the_instructor(course_root, tmp_path):
    archive = tmp_path / "class.zip"
    good, wrong = nbformat.writes(notebook()), nbformat.writes(notebook(softmax="return z"))
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("download/alice/01_vanilla_rnn.ipynb", good)
        zf.writestr("download/bob/alice/01_vanilla_rnn.ipynb", wrong)  # Bob's, not Alice's
        zf.writestr(f"download/{FORMULA}/01_vanilla_rnn.ipynb", good)
        zf.writestr(f"download/{LONG}/01_vanilla_rnn.ipynb", good)
        zf.writestr(
            "download/mallory/01_vanilla_rnn.ipynb", nbformat.writes(notebook(answer=SCRIPT))
        )
    out = tmp_path / "out"
    grades = {g.student: g for g in grade_class(course_root, archive, out, jobs=1, limits=LIMITS)}
    assert grades["alice"].score == 5  # not replaced by the notebook nested in Bob's folder
    assert "nested below the student's folder" in grades["bob"].status
    text = (out / "grades.csv").read_text()
    assert f"'{FORMULA}" in text and f",{FORMULA}" not in text
    pages = {p.name for p in (out / "feedback").iterdir()}
    assert {"alice.html", "mallory.html", f"{slug(LONG)}.html", f"{slug(FORMULA)}.html"} <= pages
    graded_nb = (
        out / "course" / "autograded" / "mallory" / "01_vanilla_rnn" / "01_vanilla_rnn.ipynb"
    )
    answer = graded_nb.read_text()
    assert "Shared weights." in answer and "<script" not in answer and "onerror" not in answer
    assert "sanitize_html = True" in (out / "course" / "nbgrader_config.py").read_text()


def test_grading_is_refused_without_a_jail(course_root, submissions, monkeypatch, capsys):
    monkeypatch.chdir(course_root)
    monkeypatch.setattr(jail, "unavailable", lambda: "bubblewrap is not installed")
    assert main(["grade", str(submissions)]) == 2
    assert "bubblewrap is not installed" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="--unsafe-no-sandbox"):
        grade_class(course_root, submissions, course_root / "out", limits=LIMITS)


@pytest.mark.skipif(os.geteuid() != 0, reason="as root only")
def test_unsafe_grading_never_runs_student_code_as_root(
    course_root, submissions, monkeypatch, capsys
):
    monkeypatch.chdir(course_root)
    assert main(["grade", str(submissions), "--unsafe-no-sandbox"]) == 2
    assert "never runs student code as root" in capsys.readouterr().err


def test_grade_by_absolute_path_without_an_activated_environment(course_root, tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    nbformat.write(notebook(), subs / "alice" / "01_vanilla_rnn.ipynb")
    command = str(Path(sys.executable).parent / "rnncourse")
    done = subprocess.run(
        [command, "grade", str(subs), "--out", str(tmp_path / "out"), "--timeout", "8"],
        cwd=course_root, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "alice,01_vanilla_rnn,5,5" in (tmp_path / "out" / "grades.csv").read_text()


def test_layout_problems_are_reported_per_file_and_only_assigned_work_is_graded(
    course_root, tmp_path, monkeypatch, capsys
):
    subs = tmp_path / "subs"
    (subs / "erin" / "week1").mkdir(parents=True)
    nbformat.write(notebook(), subs / "erin" / "01_vanilla_rnn (1).ipynb")  # renamed by a browser
    nbformat.write(
        notebook(), subs / "erin" / "week1" / "01_vanilla_rnn.ipynb"
    )  # one level too deep
    out = tmp_path / "out"
    (g,) = grade_class(course_root, subs, out, limits=LIMITS, notebooks=["01_vanilla_rnn"])
    assert g.status.startswith("missing")
    assert (
        "01_vanilla_rnn (1).ipynb ignored: not a course notebook (rename it to 01_vanilla_rnn.ipynb)"
        in g.status
    )
    assert "week1/ ignored: notebooks go right in the student's folder" in g.status
    monkeypatch.chdir(course_root)
    assert main(["grade", str(subs), "--notebooks", "01_vanilla_rnn,99_nothing"]) == 2
    assert "99_nothing not in this course" in capsys.readouterr().err


def test_nbgrader_feedback_loads_mathjax_from_disk_first(graded, tmp_path):
    """``nbgrader generate_feedback`` in the course rnncourse wrote: math renders offline, and a
    student who opens the page on another machine gets it from the CDN."""
    import re
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    out, _ = graded
    course_dir = tmp_path / "course"
    shutil.copytree(out / "course", course_dir)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", "01_vanilla_rnn", "--force"],
                          cwd=course_dir, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (
        course_dir / "feedback" / "alice" / "01_vanilla_rnn" / "01_vanilla_rnn.html"
    ).read_text()
    sources = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", page)
    mathjax = [s for s in sources if "mathjax" in s.lower()]
    assert len(mathjax) == 1, sources
    url = urlparse(mathjax[0])
    assert url.scheme == "file", mathjax[0]
    assert Path(url2pathname(url.path)).is_file()
    # the CDN only where the page is read on a machine without that copy (a student's), after it
    first_cdn = re.search(r"https?://[^\"' ]*mathjax", page, re.IGNORECASE)
    assert first_cdn is None or (
        page.index(mathjax[0]) < first_cdn.start() and "if (!window.MathJax)" in page
    )
