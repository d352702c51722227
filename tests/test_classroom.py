"""``rnncourse grade`` on a small class, on a 2-worker local Dask cluster.

One student is honest, one hostile (a loop that never ends and swallows interrupts, plus an answer
that calls the reference), one forgot a notebook, one handed in a file that is not a notebook.
Every grade is decided, nobody's grade depends on anybody else's, and the outputs (CSV, feedback
pages without hidden tests, nbgrader gradebook readable by ``nbgrader export``) are right.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile

import nbformat
import pytest
from test_grading import LIMITS, notebook

from rnncourse.cli import main
from rnncourse.grading.classroom import grade_class

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
    assert "timed out" in rows["bob"]["status"]
    assert rows["carol"]["status"].startswith("missing")
    assert rows["dave"]["status"].startswith("invalid")
    assert "calls rnncourse.reference.softmax" in grades["bob"].exercises[0].message


def test_feedback_shows_visible_tests_and_messages_never_hidden_ones(graded):
    out, _ = graded
    pages = {p.stem: p.read_text() for p in (out / "feedback").glob("*.html")}
    assert set(pages) == {"alice", "bob", "carol", "dave"}
    for page in pages.values():
        assert "BEGIN HIDDEN TESTS" not in page and "seed=7" not in page
        assert "check(&quot;softmax&quot;, softmax)" in page
    assert "calls rnncourse.reference.softmax" in pages["bob"]


def test_gradebook_works_with_nbgrader_export(graded):
    out, _ = graded
    course = out / "course"
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
