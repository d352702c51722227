"""How long grading takes: per notebook, a student's full series, and a class on a local Dask cluster.

Each simulated student hands in every course notebook: even-numbered students the solution (full
marks), odd-numbered ones the untouched release (zero). Run from the repository root:

    python benchmarks/bench_grade.py [--students 6] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rnncourse.grading import classroom, course, grader, sandbox


def make_class(root: Path, dest: Path, students: int) -> None:
    released = course.build_release(root)
    for k in range(students):
        folder = dest / f"student{k:02d}"
        folder.mkdir(parents=True)
        for stem, text in released.items():
            solution = (root / "solutions" / f"{stem}.ipynb").read_text()
            (folder / f"{stem}.ipynb").write_text(solution if k % 2 == 0 else text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    root = course.find_root()
    stems = course.solution_stems(root)
    limits = sandbox.Limits()
    print(f"notebooks: {', '.join(stems)}")

    series = []
    for stem in stems:
        source = (root / "solutions" / f"{stem}.ipynb").read_text()
        times = []
        for _ in range(3):
            start = time.perf_counter()
            g = grader.grade_notebook("s", stem, source.encode(), source, limits, seed=0)
            times.append(time.perf_counter() - start)
        assert g.score == g.max_score, g.status
        series.append(statistics.median(times))
        print(f"{stem:<24} one notebook, solution: median {series[-1]:.2f} s of 3")
    print(f"full series of one student, one job: {sum(series):.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        make_class(root, subs, args.students)
        for jobs in args.jobs:
            start = time.perf_counter()
            classroom.grade_class(root, subs, Path(tmp) / f"out{jobs}", jobs=jobs, limits=limits)
            took = time.perf_counter() - start
            per = took / (args.students * len(stems))
            print(
                f"class of {args.students} x {len(stems)} notebooks, --jobs {jobs}: {took:.1f} s ({per:.2f} s per notebook)"
            )


if __name__ == "__main__":
    main()
