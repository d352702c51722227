r"""The course's notebooks and the nbgrader course directory behind them.

The repository keeps flat files: ``solutions/NN_name.ipynb`` are nbgrader *source* notebooks
(solutions, visible and hidden tests, stored outputs) and ``notebooks/NN_name.ipynb`` the student
release generated from them. nbgrader wants ``source/<assignment>/<notebook>.ipynb``; this module
bridges the two with one assignment per notebook, named by its stem, so that plain nbgrader
(formgrader, ``generate_feedback``, ``export``) works on a course directory made by
:func:`make_course_dir`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rnncourse.notebooks import NOTEBOOKS

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"  # the configuration jupyter-server-mathjax ships
CELL_TIMEOUT_S = 120  # nbgrader's per-cell limit (``c.Execute.timeout``) while grading

_CONFIG = """\
# Written by rnncourse: one nbgrader assignment per course notebook, named by its stem.
import os

c = get_config()  # noqa: F821
here = os.path.dirname(os.path.abspath(__file__))  # the folder may be moved: paths from here
c.CourseDirectory.root = here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
c.Exchange.root = os.path.join(here, "exchange")  # unused, but formgrader warns without one
c.Execute.timeout = {timeout}
# formgrader shows students' written answers: render them without scripts or event handlers
c.HTMLExporter.sanitize_html = True
# math renders offline: MathJax from the jupyter-server-mathjax package, never from a CDN
from rnncourse.grading.course import mathjax_templates, mathjax_url  # noqa: E402

c.HTMLExporter.mathjax_url = mathjax_url()
# nbgrader's formgrade and feedback pages call nbconvert's mathjax() macro without that URL
c.HTMLExporter.extra_template_basedirs = mathjax_templates()
c.HTMLExporter.filters = {{"rnncourse_mathjax_url": "rnncourse.grading.course.mathjax_url"}}
"""


def mathjax_url(_: object = None) -> str:
    """Where the HTML nbgrader makes loads MathJax from: the copy jupyter-server-mathjax installs.

    Inside a Jupyter server (formgrader) the path the server serves that copy at; anywhere else
    (``nbgrader generate_feedback``: pages opened from disk) the installed file's ``file://`` URL.
    """
    import jupyter_server_mathjax

    static = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
    server = sys.modules.get("jupyter_server.serverapp")
    app = getattr(server.ServerApp, "_instance", None) if server is not None else None
    if server is not None and isinstance(app, server.ServerApp):  # not a sibling app (nbgrader's)
        base = str(app.base_url).rstrip("/")
        return f"{base}/static/jupyter_server_mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    return f"{static.as_uri()}?config={MATHJAX_CONFIG}"


def mathjax_templates() -> list[str]:
    """Template folders for nbgrader's pages: rnncourse's ``base/mathjax.html.j2`` (the macro with
    :func:`mathjax_url` as its default) first, then nbgrader's own formgrade and feedback."""
    from nbgrader.server_extensions.formgrader import handlers

    return [str(Path(__file__).parent / "templates"), str(handlers.template_path)]


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder at or above ``start`` that has ``solutions/``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError(
        f"no course repository (a folder with solutions/ and pyproject.toml) at or above {here}"
    )


def solution_stems(root: Path) -> list[str]:
    """Stems of the notebooks in ``root/solutions``, in course order."""
    present = {p.stem for p in (root / "solutions").glob("*.ipynb")}
    unknown = present - set(NOTEBOOKS)
    if unknown:
        raise ValueError(f"solutions/ holds notebooks outside the course map: {sorted(unknown)}")
    return [s for s in NOTEBOOKS if s in present]


def make_course_dir(root: Path, course: Path) -> Path:
    """Lay out an nbgrader course directory at ``course`` from ``root/solutions``.

    ``course/source/<stem>/<stem>.ipynb`` for each solution notebook, the course's data files
    beside none of them (the notebooks import ``rnncourse``), and ``nbgrader_config.py`` with a
    SQLite gradebook inside ``course``, both found from the config's own place (the folder can move).
    """
    course = course.resolve()
    for stem in solution_stems(root):
        dest = course / "source" / stem
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "solutions" / f"{stem}.ipynb", dest / f"{stem}.ipynb")
    text = _CONFIG.format(timeout=CELL_TIMEOUT_S)
    (course / "exchange").mkdir(exist_ok=True)
    (course / "nbgrader_config.py").write_text(text)
    return course


def nbgrader_api(course: Path):  # -> nbgrader.apps.NbGraderAPI (imported lazily: it is slow)
    """An ``NbGraderAPI`` configured by ``course/nbgrader_config.py``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader

    config: Config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic`: find it without a venv
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _normalise(text: str) -> str:
    """A stable serialisation, so that a release is byte-identical from run to run.

    Cells lose their ``execution`` metadata (the kernel's timestamps of the author's last run),
    and the notebook its saved widget state (a progress bar's random model ids and timings):
    they change with every run and tell a student nothing.
    """
    notebook = json.loads(text)
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def build_release(root: Path) -> dict[str, str]:
    """Generate the student release of every solution notebook with nbgrader; stem → notebook JSON."""
    released = {}
    with tempfile.TemporaryDirectory(prefix="rnncourse-release-") as tmp:
        course = make_course_dir(root, Path(tmp))
        api = nbgrader_api(course)
        for stem in solution_stems(root):
            result = api.generate_assignment(stem, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(f"nbgrader could not generate {stem}:\n{result['error']}")
            text = _normalise((course / "release" / stem / f"{stem}.ipynb").read_text())
            leaked = [m for m in MARKERS if m in text]
            if leaked:
                raise RuntimeError(f"{stem}: the release still contains {leaked}")
            released[stem] = text
    return released


def release(root: Path, check: bool = False) -> list[str]:
    """Regenerate ``notebooks/`` from ``solutions/``; with ``check``, write nothing.

    Returns the stems whose release differs from what ``notebooks/`` holds (and, with
    ``check``, stale extra notebooks there).
    """
    released = build_release(root)
    out = root / "notebooks"
    stale = [
        s
        for s, text in released.items()
        if not (out / f"{s}.ipynb").is_file() or (out / f"{s}.ipynb").read_text() != text
    ]
    extra = sorted(p.stem for p in out.glob("*.ipynb") if p.stem not in released)
    if not check:
        out.mkdir(exist_ok=True)
        for stem in stale:
            (out / f"{stem}.ipynb").write_text(released[stem])
        for stem in extra:
            (out / f"{stem}.ipynb").unlink()
    return stale + extra


@dataclass(frozen=True)
class CellScore:
    """What nbgrader recorded for one graded cell of a submission."""

    grade_id: str
    kind: str  # "test" (a test cell, graded automatically) or "answer" (free text, graded by hand)
    points: float
    score: float | None  # None: waiting for a manual grade


def autograde(course: Path, stem: str, student: str) -> list[CellScore]:
    """Autograde ``course/submitted/<student>/<stem>/<stem>.ipynb`` with nbgrader; the cells' scores.

    The assignment must have been generated in ``course`` first (:func:`build_release` does it in a
    temporary course; :func:`make_course_dir` plus ``generate_assignment`` in a kept one).
    """
    import warnings

    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    api = nbgrader_api(course)
    with warnings.catch_warnings():  # nbgrader's own use of its ORM: nothing an instructor acts on
        warnings.simplefilter("ignore", SAWarning)
        result = api.autograde(stem, student, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader could not autograde {student}/{stem}:\n{result['error']}")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(stem, stem, student)
        return [
            CellScore(
                grade_id=g.name,
                kind="answer" if g.cell.cell_type == "markdown" else "test",
                points=float(g.max_score),
                score=None if g.needs_manual_grade else float(g.auto_score or 0.0),
            )
            for g in notebook.grades
        ]
