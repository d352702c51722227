"""``rnncourse check``: the student's preview of the visible tests."""

from __future__ import annotations

import nbformat
import pytest

from rnncourse.cli import main
from rnncourse.grading import course, preview


@pytest.fixture
def released(toy_repo):
    course.release(toy_repo)
    return toy_repo / "notebooks" / "00_notation.ipynb"


def _answer(path, double_body, square_body=None):
    nb = nbformat.read(path, 4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "double":
            cell.source = f"def double(x):\n    {double_body}"
        if gid == "square" and square_body:
            cell.source = f"def square(x):\n    {square_body}"
    nbformat.write(nb, path)


def test_untouched_release_is_not_attempted(released):
    results = {r.grade_id: r for r in preview.run_checks(released)}
    assert results["test_double"].status == preview.NOT_ATTEMPTED
    assert results["test_square"].status == preview.NOT_ATTEMPTED
    assert results["answer_linear"].status == preview.MANUAL


def test_passed_failed_and_edited_cells(released, capsys):
    _answer(released, "return x + x", "return x + 1")
    results = {r.grade_id: r for r in preview.run_checks(released)}
    assert results["test_double"].status == preview.PASSED
    assert results["test_square"].status == preview.FAILED
    assert "square(3) should be 9" in results["test_square"].message
    assert main(["check", str(released)]) == 1
    out = capsys.readouterr().out
    assert "total: 2/3 points from the visible tests, plus 1 graded by hand" in out

    nb = nbformat.read(released, 4)
    test_cell = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_square"
    )
    test_cell.source = "pass"  # a student "fixing" the test
    nbformat.write(nb, released)
    results = {r.grade_id: r for r in preview.run_checks(released)}
    assert results["test_square"].status == preview.EDITED


def test_all_passing_exits_zero_and_prints_only_the_table(released, capfd):
    _answer(released, "return 2 * x", "return x ** 2")
    assert main(["check", str(released)]) == 0
    out, err = capfd.readouterr()  # file descriptors: the kernel's own stderr included
    assert "total: 3/3" in out
    assert "WARNING" not in err, err


def test_missing_notebook(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.ipynb")]) == 2
