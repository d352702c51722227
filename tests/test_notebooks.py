"""The real notebooks: release in sync, registry ↔ notebook agreement, and nbgrader autograde.

The solution must earn every automatic point and the untouched student release none, both through
nbgrader's own autograde. (nbval, run by the same ``pytest`` command over ``solutions/``, checks that
each solution notebook reproduces its stored outputs.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

from rnncourse.checks import EXERCISES
from rnncourse.grading import course, grader, jail, sandbox
from rnncourse.notebooks import marker

ROOT = Path(__file__).resolve().parents[1]
STEMS = course.solution_stems(ROOT)
PARAMS = [pytest.param(s, marks=getattr(pytest.mark, marker(s)), id=s) for s in STEMS]


def _grade_cells(stem: str) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def test_release_is_in_sync():
    assert course.release(ROOT, check=True) == [], "notebooks/ is stale: run `rnncourse release`"


def _other_cpu_paths() -> list[str]:
    """torch's x86 kernel paths below the one it picks on this CPU (the plain nbval run's)."""
    order = ["default", "avx2", "avx512"]
    best = torch.backends.cpu.get_cpu_capability().lower()
    return order[: order.index(best)] if best in order else ["default"]


def test_stored_outputs_reproduce_on_every_cpu_path():
    """nbval over solutions/ once more under each other ATEN_CPU_CAPABILITY, all at once.

    torch picks its vectorised kernels by CPU, so float results differ in the last bits from
    machine to machine, and a chaotic experiment prints different numbers. A notebook that
    passes nbval here but stores such a number fails on the next machine; this makes it fail
    here. (A CPU without AVX-512 runs the avx2 and default paths the same way.)
    """
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="]
    command += ["-p", "conftest", "--nbval", "--nbval-current-env"]  # conftest: nbval's timeout
    command += ["--nbval-sanitize-with", ".nbval_sanitize.cfg", "solutions"]
    runs = {}
    for path in _other_cpu_paths():
        env = os.environ | {
            "ATEN_CPU_CAPABILITY": path,
            "OMP_NUM_THREADS": "1",  # the runs share the cores
            "PYTHONPATH": str(ROOT / "tests"),
        }
        runs[path] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    failed = {path: run.communicate()[0][-3000:] for path, run in runs.items()}
    failed = {path: out for path, out in failed.items() if runs[path].returncode != 0}
    assert not failed, "stored outputs differ on other CPU paths:\n" + "\n".join(
        f"--- ATEN_CPU_CAPABILITY={path}\n{out}" for path, out in failed.items()
    )


@pytest.mark.parametrize("stem", PARAMS)
@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_no_cell_stores_execution_timestamps(stem, folder):
    """Timestamps change with every run and machine; students should never receive them."""
    nb = nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4)
    stamped = [k for k, c in enumerate(nb.cells) if "execution" in c.metadata]
    assert stamped == [], f"{folder}/{stem}.ipynb cells {stamped} store execution timestamps"


@pytest.mark.parametrize("stem", PARAMS)
def test_training_demos_show_a_bar_whose_stored_text_is_its_first_frame(stem):
    """tqdm's bar in JupyterLab; stored, only its first frame (no timings) and no widget state."""
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    assert "widgets" not in nb.metadata, "stored widget state: run with store_widget_state=False"
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        quiet = [ln for ln in cell.source.splitlines() if "progress=False" in ln and "#" not in ln]
        assert quiet == [], f"cell {k} trains without a bar and says not why: {quiet}"
        for out in cell.get("outputs", []):
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {}):
                text = out["data"]["text/plain"]
                assert re.fullmatch(r"training: +0(%\|.*| ?step) \[00:00[^\]]*\]", text), text


@pytest.mark.parametrize("stem", PARAMS)
def test_every_exercise_of_the_notebook_is_registered_and_tested(stem):
    cells = _grade_cells(stem)
    registered = {n for n, e in EXERCISES.items() if e.notebook == stem}
    solutions = {
        g
        for g, c in cells.items()
        if c.metadata["nbgrader"].get("solution") and c.cell_type == "code"
    }
    assert solutions == registered, "solution cells and EXERCISES disagree"
    for name in registered:
        test = cells.get(f"test_{name}")
        assert test is not None and test.metadata["nbgrader"]["grade"], f"no test cell test_{name}"
        assert f'check("{name}", {name}' in test.source, f"test_{name} does not call the check"
        assert "### BEGIN HIDDEN TESTS" in test.source, f"test_{name} has no hidden tests"
    answers = [
        g
        for g, c in cells.items()
        if c.cell_type == "markdown" and c.metadata["nbgrader"].get("grade")
    ]
    assert answers, "each notebook has at least one free-text question graded by hand"


@pytest.mark.parametrize("stem", PARAMS)
def test_the_readme_course_map_lists_the_notebook_and_its_graded_functions(stem):
    readme = (ROOT / "README.md").read_text()
    row = next((line for line in readme.splitlines() if line.startswith(f"| `{stem}` |")), None)
    assert row is not None, f"README's course map has no row for {stem}"
    written = set(re.findall(r"`(\w+)`", row.rsplit("|", 2)[1]))
    registered = {n for n, e in EXERCISES.items() if e.notebook == stem}
    assert written == registered, (
        f"README lists {sorted(written)}, the registry {sorted(registered)}"
    )


def test_the_readme_says_which_notebooks_exist():
    last = re.search(r"Notebooks 00 to (\d\d) are here", (ROOT / "README.md").read_text())
    assert last and last[1] == STEMS[-1][:2], f"README should say notebooks 00 to {STEMS[-1][:2]}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[tuple[str, str], list[course.CellScore]]:
    """Autograde every notebook twice: the solution, and the untouched release."""
    c = course.make_course_dir(ROOT, tmp_path_factory.mktemp("course"))
    api = course.nbgrader_api(c)
    scores = {}
    for stem in STEMS:
        assert api.generate_assignment(stem, force=True, create=True)["success"]
        for student, src in [("solution", c / "source"), ("untouched", c / "release")]:
            dest = c / "submitted" / student / stem
            dest.mkdir(parents=True)
            shutil.copyfile(src / stem / f"{stem}.ipynb", dest / f"{stem}.ipynb")
            scores[student, stem] = course.autograde(c, stem, student)
    return scores


@pytest.mark.parametrize("stem", PARAMS)
def test_solution_earns_every_automatic_point(graded, stem):
    tests = [s for s in graded["solution", stem] if s.kind == "test"]
    assert tests
    missed = [s.grade_id for s in tests if s.score != s.points]
    assert not missed, f"the solution loses points in {missed}"


@pytest.mark.parametrize("stem", PARAMS)
def test_untouched_release_earns_zero(graded, stem):
    earned = [(s.grade_id, s.score) for s in graded["untouched", stem] if s.score]
    assert not earned, f"the untouched release earns points: {earned}"


@pytest.mark.skipif(jail.unavailable() is not None, reason="no grading jail here (bubblewrap)")
@pytest.mark.parametrize("stem", PARAMS)
def test_rnncourse_grade_gives_the_solution_full_marks_and_the_release_zero(stem):
    """The same two submissions through the course's own sandboxed grader (`rnncourse grade`)."""
    source = (ROOT / "solutions" / f"{stem}.ipynb").read_text()
    limits = sandbox.Limits(cell_timeout=60, total_timeout=300)
    full = grader.grade_notebook("solution", stem, source.encode(), source, limits, seed=7)
    assert full.status == "ok", full.status
    assert full.score == full.max_score > 0, [e.message for e in full.exercises if not e.score]
    release = (ROOT / "notebooks" / f"{stem}.ipynb").read_bytes()
    zero = grader.grade_notebook("untouched", stem, release, source, limits, seed=7)
    assert zero.score == 0 and all("not implemented" in e.message for e in zero.exercises)
