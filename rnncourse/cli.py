r"""The ``rnncourse`` command.

- ``rnncourse release [--check]``: regenerate ``notebooks/`` from ``solutions/`` with nbgrader;
  ``--check`` changes nothing and fails when ``notebooks/`` is out of date.
- ``rnncourse check NOTEBOOK``: run a notebook's visible tests and print a per-exercise table.
- ``rnncourse grade SUBMISSIONS [--out DIR] [--jobs N] [--timeout S] [--scheduler ADDRESS]``:
  grade a class (``SUBMISSIONS/<student>/<notebook>.ipynb`` or a zip of that) on Dask.
- ``rnncourse info``: versions and the device the course's training code will use.
- ``rnncourse exercises [--notebook STEM]``: the graded functions in ``EXERCISES``, with their
  notebook and how many mistakes each check can name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import rnncourse


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
    from rnncourse.grading.course import find_root, release

    root = find_root()
    changed = release(root, check=args.check)
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
    from pathlib import Path

    from rnncourse.grading.preview import MANUAL, PASSED, report, run_checks

    path = Path(args.notebook)
    if not path.is_file():
        print(f"no notebook at {path}", file=sys.stderr)
        return 2
    results = run_checks(path, timeout=args.timeout)
    print(report(path.name, results))
    return 0 if all(r.status in (PASSED, MANUAL) for r in results) else 1


def _grade(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rnncourse.grading.classroom import grade_class
    from rnncourse.grading.course import find_root
    from rnncourse.grading.sandbox import Limits

    submissions = Path(args.submissions)
    if not submissions.exists():
        print(f"no submissions at {submissions}", file=sys.stderr)
        return 2
    limits = Limits(cell_timeout=args.timeout, total_timeout=5 * args.timeout)
    grades = grade_class(
        find_root(),
        submissions,
        Path(args.out),
        jobs=args.jobs,
        scheduler=args.scheduler,
        limits=limits,
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
    parser = argparse.ArgumentParser(
        prog="rnncourse", description="An open course on recurrent neural networks."
    )
    parser.add_argument("--version", action="version", version=f"rnncourse {rnncourse.__version__}")
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
        "--timeout", type=int, default=120, help="seconds allowed per cell (default 120)"
    )
    chk.set_defaults(run=_check)
    grd = sub.add_parser("grade", help="grade a class of submissions in parallel")
    grd.add_argument("submissions", help="folder of <student>/<notebook>.ipynb, or a zip of it")
    grd.add_argument("--out", default="graded", help="where grades.csv, feedback/ and course/ go")
    grd.add_argument("--jobs", type=int, default=1, help="Dask workers of the local cluster")
    grd.add_argument(
        "--timeout", type=float, default=60.0, help="seconds per cell (a notebook gets 5x)"
    )
    grd.add_argument("--scheduler", help="address of an existing Dask scheduler to use instead")
    grd.set_defaults(run=_grade)
    ex = sub.add_parser("exercises", help="list the graded functions and their checks")
    ex.add_argument("--notebook", help="only this notebook's stem, e.g. 01_vanilla_rnn")
    ex.set_defaults(run=_exercises)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
