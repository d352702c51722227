"""Shared fixtures: a toy course repository for the pipeline tests, nbval's output timeout, and
the notebooks' markers."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from rnncourse.notebooks import NOTEBOOKS, marker


def pytest_sessionstart(session):
    """CI sets ``RNNCOURSE_REQUIRE_JAIL=1``: there, a grader test may not skip for want of a jail."""
    import os

    from rnncourse.grading.jail import unavailable

    if os.environ.get("RNNCOURSE_REQUIRE_JAIL") == "1" and (why := unavailable()):
        raise pytest.UsageError(f"RNNCOURSE_REQUIRE_JAIL=1 but no grading jail here: {why}")


def pytest_configure(config):
    # one marker per notebook, from the course's one list: `pytest -m nb05_lstm`
    for stem in NOTEBOOKS:
        config.addinivalue_line("markers", f"{marker(stem)}: the tests of notebook {stem}")


def pytest_collection_modifyitems(items):
    # nbval waits a hard-coded 5 s for each output message; on a loaded 2-core machine that flakes
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = 60


def _cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    cell = (
        nbformat.v4.new_code_cell(source)
        if kind == "code"
        else nbformat.v4.new_markdown_cell(source)
    )
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def toy_notebook() -> nbformat.NotebookNode:
    """A small nbgrader source notebook: two exercises (3 points), a free-text answer (1 point)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    solution = dict(grade=False, solution=True, locked=False)
    test = dict(grade=True, solution=False, locked=True)
    nb.cells = [
        _cell("markdown", "# Toy notebook"),
        _cell("code", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", grade_id="double", **solution),
        _cell(
            "code",
            '"""double doubles."""\nassert double(2) == 4, "double(2) should be 4"\n'
            "### BEGIN HIDDEN TESTS\nassert double(-3) == -6\n### END HIDDEN TESTS",
            grade_id="test_double", points=2, **test,
        ),
        _cell("code", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION", grade_id="square", **solution),
        _cell("code", '"""square squares."""\nassert square(3) == 9, "square(3) should be 9"', grade_id="test_square", points=1, **test),
        _cell("markdown", "Why is doubling linear?", grade=False, solution=False, locked=True, grade_id="question_linear"),
        _cell("markdown", "Because 2(x + y) = 2x + 2y.", grade=True, solution=True, locked=False, grade_id="answer_linear", points=1),
    ]  # fmt: skip
    return nb


@pytest.fixture
def toy_repo(tmp_path: Path) -> Path:
    """A repository with pyproject.toml and one toy notebook as solutions/00_notation.ipynb."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'toy'\n")
    (tmp_path / "solutions").mkdir()
    nbformat.write(toy_notebook(), tmp_path / "solutions" / "00_notation.ipynb")
    return tmp_path
