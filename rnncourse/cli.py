r"""The ``rnncourse`` command.

- ``rnncourse release [--check]``: regenerate ``notebooks/`` from ``solutions/`` with nbgrader;
  ``--check`` changes nothing and fails when ``notebooks/`` is out of date.
- ``rnncourse check NOTEBOOK``: run a notebook's visible tests and print a per-exercise table.
- ``rnncourse grade SUBMISSIONS [--out DIR] [--jobs N] [--timeout S] [--scheduler ADDRESS]``:
  grade a class (``SUBMISSIONS/<student>/<notebook>.ipynb`` or a zip of that) on Dask.
- ``rnncourse info``: versions and the device the course's training code will use.
- ``rnncourse exercises [--notebook STEM]``: the graded functions in ``EXERCISES``, with their
  notebook and how many mistakes each check can name.

A misuse (a path that is not a course notebook, a command run outside the repository, a bad option)
ends in one or two lines on stderr that say what was wrong and what to do, and exit status 2;
``--debug`` shows the traceback of an unexpected error instead of its one-line summary.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import rnncourse


class UsageError(Exception):
    """The user asked for something that cannot work: the message says what and what to do."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line (what was wrong, where the help is), not the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    """An argparse type: a number above 0 (0 workers would wait forever, a negative timeout is none)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
        return value

    return parse


def _root() -> Path:
    from rnncourse.grading.course import find_root

    try:
        return find_root()
    except FileNotFoundError:
        raise UsageError(
            f"{Path.cwd()} is not inside the course repository: run this from the folder that "
            "holds solutions/ and pyproject.toml (or one below it)"
        ) from None


def _known_tests(path: Path) -> set[str]:
    """The test cells of the course repository ``path`` sits in, if it sits in one."""
    import nbformat

    from rnncourse.grading.course import find_root

    try:
        root = find_root(path.resolve().parent)
    except FileNotFoundError:
        return set()
    return {
        c.metadata["nbgrader"]["grade_id"]
        for source in (root / "solutions").glob("*.ipynb")
        for c in nbformat.read(source, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }


def _course_notebook(path: Path) -> None:
    """Raise ``UsageError`` unless ``path`` is a readable notebook with this course's tests: those of
    the registry, or of the course repository the notebook sits in."""
    import nbformat

    from rnncourse.checks import EXERCISES

    if not path.exists():
        raise UsageError(
            f"no file at {path}: give the path of your notebook, e.g. notebooks/00_notation.ipynb"
        )
    if not path.is_file() or path.suffix != ".ipynb":
        raise UsageError(f"{path} is not a notebook (.ipynb): give the notebook you worked in")
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError) as e:
        raise UsageError(
            f"{path} cannot be read as a notebook ({type(e).__name__}): open it in JupyterLab and "
            "save it again, or take a fresh copy from the release"
        ) from None
    except Exception as e:  # nbformat's validation and version errors
        raise UsageError(f"{path} is not a valid notebook: {e}".splitlines()[0]) from None
    ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if not ids & (_known_tests(path) | {f"test_{name}" for name in EXERCISES}):
        raise UsageError(
            f"{path} is not one of this course's notebooks: none of its cells is a test of a "
            "course exercise (`rnncourse exercises` lists them)"
        )


def _info(_: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from rnncourse.train import device

    print(f"rnncourse {rnncourse.__version__}")
    print(f"python    {sys.version.split()[0]}")
    print(f"numpy     {np.__version__}")
    print(f"torch     {torch.__version__}")
    print(f"device    {device()}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from rnncourse.grading.course import release

    changed = release(_root(), check=args.check)
    if args.check:
        if changed:
            print(
                f"notebooks/ is out of date for: {', '.join(changed)}; run `rnncourse release`",
                file=sys.stderr,
            )
            return 1
        print("notebooks/ is up to date")
    else:
        print(f"released {', '.join(changed)}" if changed else "notebooks/ was already up to date")
    return 0


def _check(args: argparse.Namespace) -> int:
    from rnncourse.grading.preview import MANUAL, PASSED, report, run_checks

    path = Path(args.notebook)
    _course_notebook(path)
    results = run_checks(path, timeout=args.timeout)
    print(report(path.name, results))
    return 0 if all(r.status in (PASSED, MANUAL) for r in results) else 1


def _grade(args: argparse.Namespace) -> int:
    from rnncourse.grading.classroom import grade_class
    from rnncourse.grading.jail import unavailable
    from rnncourse.grading.sandbox import Limits

    root = _root()
    submissions = Path(args.submissions)
    layout = "SUBMISSIONS/<student>/<notebook>.ipynb, or a .zip of that"
    if not submissions.exists():
        raise UsageError(f"no submissions at {submissions}: give a folder or a zip of {layout}")
    if submissions.is_file() and submissions.suffix.lower() != ".zip":
        raise UsageError(
            f"{submissions} is a file but not a .zip: give a folder or a zip of {layout}"
        )
    if submissions.is_dir() and not any(submissions.glob("*/*.ipynb")):
        raise UsageError(f"no student folder in {submissions} holds a notebook: expected {layout}")
    limits = Limits(cell_timeout=args.timeout, total_timeout=5 * args.timeout)
    if args.budget is not None:
        limits = dataclasses.replace(limits, budget_s=args.budget)
    notebooks = None
    if args.notebooks:
        from rnncourse.grading.course import solution_stems

        notebooks = [
            n.strip().removesuffix(".ipynb") for n in args.notebooks.split(",") if n.strip()
        ]
        unknown = sorted(set(notebooks) - set(solution_stems(root)))
        if unknown or not notebooks:
            raise UsageError(
                f"--notebooks: {', '.join(unknown) or 'none given'} not in this course; its notebooks "
                f"are {', '.join(solution_stems(root))}"
            )
    if not args.unsafe_no_sandbox and (why := unavailable()):
        raise UsageError(
            f"cannot grade safely on this machine: {why}. The README says what a grading machine "
            "needs; --unsafe-no-sandbox grades anyway, without the jail (never as root)"
        )
    if args.unsafe_no_sandbox and os.geteuid() == 0:
        raise UsageError("--unsafe-no-sandbox never runs student code as root: run as a user")
    grades = grade_class(
        root,
        submissions,
        Path(args.out),
        jobs=args.jobs,
        scheduler=args.scheduler,
        limits=limits,
        unsafe=args.unsafe_no_sandbox,
        notebooks=notebooks,
    )
    failed = [g for g in grades if g.status.startswith("grader error")]
    students = len({g.student for g in grades})
    print(f"graded {len(grades)} notebooks of {students} students into {args.out}/grades.csv")
    for g in failed:
        print(f"{g.student}/{g.notebook}: {g.status}", file=sys.stderr)
    return 1 if failed else 0


def _exercises(args: argparse.Namespace) -> int:
    from rnncourse.checks import EXERCISES

    rows = [e for e in EXERCISES.values() if args.notebook in (None, e.notebook)]
    if not rows:
        print(f"no exercises for notebook {args.notebook!r}", file=sys.stderr)
        return 1
    width = max(len(e.name) for e in rows)
    for e in rows:
        print(f"{e.name:<{width}}  {e.notebook:<24}  {len(e.mistakes):>2} named mistakes")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rnncourse`` console command."""
    parser = _Parser(prog="rnncourse", description="An open course on recurrent neural networks.")
    parser.add_argument("--version", action="version", version=f"rnncourse {rnncourse.__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="versions and the device in use").set_defaults(run=_info)
    rel = sub.add_parser("release", help="regenerate notebooks/ from solutions/ with nbgrader")
    rel.add_argument(
        "--check", action="store_true", help="change nothing; fail if notebooks/ is stale"
    )
    rel.set_defaults(run=_release)
    chk = sub.add_parser("check", help="run a notebook's visible tests before handing it in")
    chk.add_argument("notebook", help="path to your .ipynb")
    chk.add_argument(
        "--timeout", type=_positive(int), default=120, help="seconds allowed per cell (default 120)"
    )
    chk.set_defaults(run=_check)
    grd = sub.add_parser("grade", help="grade a class of submissions in parallel")
    grd.add_argument("submissions", help="folder of <student>/<notebook>.ipynb, or a zip of it")
    grd.add_argument("--out", default="graded", help="where grades.csv, feedback/ and course/ go")
    grd.add_argument(
        "--jobs", type=_positive(int), default=1, help="Dask workers of the local cluster"
    )
    grd.add_argument(
        "--timeout",
        type=_positive(float),
        default=60.0,
        help="seconds per cell (a notebook gets 5x)",
    )
    grd.add_argument(
        "--budget",
        type=_positive(float),
        help="seconds for all the inputs of one exercise (default 5, or RNNCOURSE_BUDGET_S; "
        "set that variable where nbgrader runs too, so both agree)",
    )
    grd.add_argument("--scheduler", help="address of an existing Dask scheduler to use instead")
    grd.add_argument(
        "--notebooks",
        help="only these, comma-separated (the assigned ones), e.g. 01_vanilla_rnn,02_bptt",
    )
    grd.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="grade where no jail can be built: student code then reads what you can read",
    )
    grd.set_defaults(run=_grade)
    ex = sub.add_parser("exercises", help="list the graded functions and their checks")
    ex.add_argument("--notebook", help="only this notebook's stem, e.g. 01_vanilla_rnn")
    ex.set_defaults(run=_exercises)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as e:
        print(f"rnncourse {args.command}: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `rnncourse exercises | head` closed the pipe: nothing went wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit's flush
        return 0
    except Exception as e:
        if args.debug:
            raise
        print(
            f"rnncourse {args.command}: unexpected error, {type(e).__name__}: {e}".splitlines()[0],
            file=sys.stderr,
        )
        print("run it again with --debug for the traceback, and report it", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
