"""The pipeline on a toy course: release, staleness, markers, and nbgrader autograde."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from rnncourse.cli import main
from rnncourse.grading import course


def test_release_writes_a_clean_student_notebook_and_check_detects_staleness(toy_repo):
    assert course.release(toy_repo, check=True) == ["00_notation"]  # nothing released yet
    assert course.release(toy_repo) == ["00_notation"]
    text = (toy_repo / "notebooks" / "00_notation.ipynb").read_text()
    for marker in (*course.MARKERS, "return 2 * x", "double(-3)", "2(x + y)"):
        assert marker not in text
    assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text
    assert all(not c.get("outputs") for c in json.loads(text)["cells"])
    assert course.release(toy_repo, check=True) == []  # byte-identical when rebuilt

    nb = nbformat.read(toy_repo / "solutions" / "00_notation.ipynb", 4)
    nb.cells[0].source = "# Toy notebook, edited"
    nbformat.write(nb, toy_repo / "solutions" / "00_notation.ipynb")
    assert course.release(toy_repo, check=True) == ["00_notation"]
    shutil.copyfile(
        toy_repo / "notebooks" / "00_notation.ipynb",
        toy_repo / "notebooks" / "01_vanilla_rnn.ipynb",
    )
    assert course.release(toy_repo, check=True) == ["00_notation", "01_vanilla_rnn"]
    course.release(toy_repo)
    assert sorted(p.name for p in (toy_repo / "notebooks").iterdir()) == ["00_notation.ipynb"]


def test_cli_release_check_exit_codes(toy_repo, monkeypatch, capsys):
    monkeypatch.chdir(toy_repo)
    assert main(["release", "--check"]) == 1
    assert "out of date for: 00_notation" in capsys.readouterr().err
    assert main(["release"]) == 0
    assert main(["release", "--check"]) == 0


def test_a_leaked_marker_stops_the_release(toy_repo):
    nb = nbformat.read(toy_repo / "solutions" / "00_notation.ipynb", 4)
    nb.cells[
        0
    ].source = (
        "# Toy\n\nThis prose mentions BEGIN HIDDEN TESTS."  # nbgrader refuses it, or it would leak
    )
    nbformat.write(nb, toy_repo / "solutions" / "00_notation.ipynb")
    with pytest.raises(RuntimeError, match=r"could not generate|still contains"):
        course.release(toy_repo)


def test_unknown_notebook_names_are_refused(toy_repo):
    shutil.copyfile(
        toy_repo / "solutions" / "00_notation.ipynb", toy_repo / "solutions" / "notes.ipynb"
    )
    with pytest.raises(ValueError, match="outside the course map"):
        course.solution_stems(toy_repo)


def test_find_root(toy_repo, tmp_path_factory):
    (toy_repo / "solutions" / "deep").mkdir()
    assert course.find_root(toy_repo / "solutions" / "deep") == toy_repo.resolve()
    with pytest.raises(FileNotFoundError, match="no course repository"):
        course.find_root(tmp_path_factory.mktemp("empty"))


@pytest.fixture
def toy_course(toy_repo, tmp_path_factory):
    """A kept nbgrader course directory with the toy assignment generated."""
    c = course.make_course_dir(toy_repo, tmp_path_factory.mktemp("course"))
    assert course.nbgrader_api(c).generate_assignment("00_notation", force=True, create=True)[
        "success"
    ]
    return c


def _submit(course_dir, student, notebook_path):
    dest = course_dir / "submitted" / student / "00_notation"
    dest.mkdir(parents=True)
    shutil.copyfile(notebook_path, dest / "00_notation.ipynb")


def test_autograde_solution_full_marks_release_zero(toy_course):
    _submit(toy_course, "sol", toy_course / "source" / "00_notation" / "00_notation.ipynb")
    _submit(toy_course, "blank", toy_course / "release" / "00_notation" / "00_notation.ipynb")
    sol = {s.grade_id: s for s in course.autograde(toy_course, "00_notation", "sol")}
    assert {k: (s.kind, s.score, s.points) for k, s in sol.items()} == {
        "test_double": ("test", 2.0, 2.0),
        "test_square": ("test", 1.0, 1.0),
        "answer_linear": ("answer", None, 1.0),  # a written answer waits for the instructor
    }
    blank = course.autograde(toy_course, "00_notation", "blank")
    assert all(s.score == 0.0 for s in blank), blank


def test_the_course_config_points_mathjax_at_the_installed_copy(toy_repo, tmp_path, monkeypatch):
    """formgrader and ``nbgrader generate_feedback`` read HTMLExporter.mathjax_url from here."""
    import sys
    import types
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    from traitlets.config import PyFileConfigLoader

    c = course.make_course_dir(toy_repo, tmp_path / "course")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(c)).load_config()
    url = urlparse(config.HTMLExporter.mathjax_url)
    assert url.scheme == "file" and url.query == f"config={course.MATHJAX_CONFIG}"
    static = Path(url2pathname(url.path))
    assert (
        static.is_file() and (static.parent / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
    )

    class Server:  # a Jupyter server running under a prefix, as JupyterHub runs one
        base_url = "/user/ada/"
        _instance = None

    Server._instance = Server()

    monkeypatch.setitem(
        sys.modules, "jupyter_server.serverapp", types.SimpleNamespace(ServerApp=Server)
    )
    assert course.mathjax_url() == (
        f"/user/ada/static/jupyter_server_mathjax/MathJax.js?config={course.MATHJAX_CONFIG}"
    )
