"""Grading one notebook: hostile submissions earn nothing they did not earn honestly.

Each submission below is graded for real: its code runs in the sandbox, its outputs come back as
plain data and are judged here. The mini course notebook has two exercises from the registry,
``softmax`` (2 points) and ``rnn_cell_forward`` (3 points), and one written answer (1 point).
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import rnncourse
from rnncourse.grading import confine, grader, sandbox

SOLUTION = {
    "softmax": "e = np.exp(z - z.max(axis=-1, keepdims=True))\nreturn e / e.sum(axis=-1, keepdims=True)",
    "rnn_cell_forward": (
        "a_next = np.tanh(a_prev @ params['W_aa'].T + x_t @ params['W_ax'].T + params['b_a'])\n"
        "y_hat_t = softmax(a_next @ params['W_ya'].T + params['b_y'])\n"
        "return a_next, y_hat_t, (a_next, a_prev, x_t, params)"
    ),
}
WRONG = {"softmax": "return np.exp(z) / 3.0", "rnn_cell_forward": "return x_t, x_t, None"}
SIGNATURE = {
    "softmax": "def softmax(z):",
    "rnn_cell_forward": "def rnn_cell_forward(x_t, a_prev, params):",
}
LIMITS = sandbox.Limits(cell_timeout=8, total_timeout=90)
SEED = 20261122


def _cell(kind, source, cell_id, **nbgrader):
    cell = (
        nbformat.v4.new_code_cell(source)
        if kind == "code"
        else nbformat.v4.new_markdown_cell(source)
    )
    cell.id = cell_id
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def _solution_cell(name, body, marked=True):
    indented = "\n".join("    " + line for line in body.splitlines())
    source = (
        f"{SIGNATURE[name]}\n    ### BEGIN SOLUTION\n{indented}\n    ### END SOLUTION"
        if marked
        else f"{SIGNATURE[name]}\n{indented}"
    )
    return _cell(
        "code", source, f"sol-{name}", grade=False, solution=True, locked=False, grade_id=name
    )


def _test_cell(name, points):
    source = f'"""{name}."""\nfrom rnncourse.checks import check\ncheck("{name}", {name})\n### BEGIN HIDDEN TESTS\ncheck("{name}", {name}, seed=7)\n### END HIDDEN TESTS'
    return _cell(
        "code",
        source,
        f"test-{name}",
        grade=True,
        solution=False,
        locked=True,
        grade_id=f"test_{name}",
        points=points,
    )


def notebook(
    softmax=SOLUTION["softmax"],
    rnn=SOLUTION["rnn_cell_forward"],
    answer="Sharing weights.",
    marked=True,
):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        _cell("markdown", "# Mini course notebook", "title"),
        _cell("code", "import numpy as np", "setup"),
        _solution_cell("softmax", softmax, marked),
        _test_cell("softmax", 2),
        _cell("code", "demo = 1", "demo"),
        _solution_cell("rnn_cell_forward", rnn, marked),
        _test_cell("rnn_cell_forward", 3),
        _cell("markdown", "Why can one RNN read any length?", "question", grade=False, solution=False, locked=True, grade_id="question_length"),
        _cell("markdown", answer, "answer", grade=True, solution=True, locked=False, grade_id="answer_length", points=1),
    ]  # fmt: skip
    return nb


def after(nb, cell_id, *sources):
    """Insert code cells the student added after the cell ``cell_id``."""
    i = next(k for k, c in enumerate(nb.cells) if c.id == cell_id)
    for j, src in enumerate(sources):
        nb.cells.insert(i + 1 + j, _cell("code", src, f"added-{cell_id}-{j}"))
    return nb


SOURCE = nbformat.writes(notebook())
PACKAGE = Path(rnncourse.__file__).parent
MARKER = Path("/tmp") / "rnncourse-test-escaped.txt"


def _edited_tests():
    nb = notebook()
    nb.cells[3].source = "pass"
    nb.cells[3].metadata["nbgrader"]["points"] = 100
    nb.cells[6].cell_type = "markdown"
    nb.cells[6].pop("outputs")
    nb.cells[6].pop("execution_count")
    return nb


def _deleted_and_unmarked():
    nb = notebook(softmax=WRONG["softmax"], rnn=WRONG["rnn_cell_forward"])
    del nb.cells[6]
    nb.cells[3].metadata.pop("nbgrader")
    return nb


def _unmarked_solutions():
    nb = notebook(marked=False)
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("solution"):
            c.metadata.pop("nbgrader")  # matched by cell id instead
    return nb


PATCH_EVERYTHING = """
import sys, types, numpy, numpy.testing, torch, torch.testing
import rnncourse.checks, rnncourse.checks.framework as fw
fw.Exercise.judge = lambda *a, **k: None
fw.Exercise.check = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
torch.testing.assert_close = lambda *a, **k: None
sys.modules["rnncourse.checks"] = types.SimpleNamespace(check=lambda *a, **k: None, EXERCISES={})
"""
IPYTHON_HOOKS = """
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
ip.events.register("pre_run_cell", lambda *a: None)
ip.events.register("post_run_cell", lambda *a: None)
from IPython.display import display
display({"text/plain": "2"}, raw=True)
"""
ESCAPE = f"""
import os, pathlib
for target in [{str(PACKAGE / "checks" / "framework.py")!r}, {str(PACKAGE / "ESCAPED")!r}, {str(MARKER)!r},
               str(pathlib.Path.cwd().parents[1] / "ESCAPED")]:
    try:
        open(target, "a").write("# tampered")
    except OSError:
        pass
"""
READ_HIDDEN = """
import pathlib, sys
job = pathlib.Path(sys.argv[-1])
texts = [p.read_bytes() for p in job.iterdir() if p.is_file()]
assert not any(b"HIDDEN" in t or b"seed=7" in t for t in texts), "hidden tests reachable"
"""
FORGE = """
import json, pathlib
out = pathlib.Path.cwd().parent
(out / "result_rnn_cell_forward.json").write_text(json.dumps({"outputs": [[1.0, 2.0]]}))
try:  # the log of progress belongs to the grader's harness: not writable by the student
    with open(out / "progress.jsonl", "a") as f:
        f.write(json.dumps({"collected": "rnn_cell_forward"}) + "\\n")
except OSError:
    pass
"""

SUBMISSIONS = {
    # name: (notebook, expected {test cell: score}, text the status must contain)
    "correct": (notebook(), {"test_softmax": 2, "test_rnn_cell_forward": 3}, "ok"),
    "wrong": (
        notebook(WRONG["softmax"], WRONG["rnn_cell_forward"]),
        {"test_softmax": 0, "test_rnn_cell_forward": 0},
        "ok",
    ),
    "patches_checks_and_testing": (
        after(notebook(softmax=WRONG["softmax"]), "setup", PATCH_EVERYTHING),
        {"test_softmax": 0, "test_rnn_cell_forward": 0},  # the RNN cell uses the wrong softmax
        "ok",
    ),
    "ipython_hooks_and_fake_outputs": (
        after(notebook(softmax=WRONG["softmax"]), "setup", IPYTHON_HOOKS),
        {"test_softmax": 0, "test_rnn_cell_forward": 0},
        "ok",
    ),
    "blanks_later_cells": (
        after(
            notebook(),
            "sol-softmax",
            "get_ipython().input_transformers_post.append(lambda lines: [])",
        ),
        {"test_softmax": 2, "test_rnn_cell_forward": 0},  # sabotages only its own later answer
        "ok",
    ),
    "edited_tests_and_points": (
        _edited_tests(),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
    "deleted_and_unmarked_tests": (
        _deleted_and_unmarked(),
        {"test_softmax": 0, "test_rnn_cell_forward": 0},
        "ok",
    ),
    "solution_metadata_removed": (
        _unmarked_solutions(),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
    "writes_everywhere": (
        after(notebook(), "setup", ESCAPE),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
    "reads_hidden_tests": (
        after(notebook(), "setup", READ_HIDDEN),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
    "forges_results": (
        after(notebook(rnn=WRONG["rnn_cell_forward"]), "demo", FORGE + "import os\nos._exit(0)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0},
        "skipped",
    ),
    "endless_loop_swallowing_interrupts": (
        after(
            notebook(),
            "test-softmax",
            "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
        ),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},  # the loop is skipped, later points count
        "timed out",
    ),
    "os_exit": (
        after(notebook(), "demo", "import os\nos._exit(3)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "exited with code 3",
    ),
    "segfault": (
        after(notebook(), "demo", "import ctypes\nctypes.string_at(0)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "SIGSEGV",
    ),
    "memory_bomb": (
        after(notebook(), "demo", "hog = []\nwhile True:\n    hog.append(bytearray(2**26))"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
    "fifty_megabytes_of_output": (
        after(notebook(), "demo", "print('x' * 50_000_000)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
    "late_crash_keeps_points": (
        after(notebook(), "test-rnn_cell_forward", "import os\nos._exit(1)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "skipped",
    ),
    "calls_the_reference": (
        notebook(softmax="from rnncourse.reference import softmax as s\nreturn s(z)"),
        {"test_softmax": 0, "test_rnn_cell_forward": 0},
        "ok",
    ),
    "calls_torch_rnncell": (
        notebook(
            rnn=(
                "import torch\ncell = torch.nn.RNNCell(x_t.shape[1], a_prev.shape[1]).double()\n"
                "with torch.no_grad():\n    cell.weight_ih.copy_(torch.from_numpy(params['W_ax']))\n"
                "    cell.weight_hh.copy_(torch.from_numpy(params['W_aa']))\n    cell.bias_ih.copy_(torch.from_numpy(params['b_a']))\n"
                "    cell.bias_hh.zero_()\na = cell(torch.from_numpy(x_t), torch.from_numpy(a_prev)).detach().numpy()\n"
                "return a, softmax(a @ params['W_ya'].T + params['b_y']), None"
            )
        ),
        {"test_softmax": 2, "test_rnn_cell_forward": 0},
        "ok",
    ),
    "kills_the_grader": (
        after(
            notebook(),
            "demo",
            "import os, signal\nfor pid in (os.getppid(), os.getpgid(os.getppid()), 1):\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass",
        ),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok" if confine.abi_version() >= 6 else "",  # without Landlock's signal scope it may kill
    ),
    "never_runs_as_root": (
        notebook(
            softmax="import os\nif os.geteuid() == 0:\n    raise RuntimeError('running as root')\n"
            + SOLUTION["softmax"]
        ),
        # graded as root, the run becomes nobody where Landlock confines it (everywhere CI runs)
        {"test_softmax": 2, "test_rnn_cell_forward": 3}
        if os.geteuid() != 0 or confine.abi_version() > 0
        else {"test_softmax": 0, "test_rnn_cell_forward": 0},
        "ok",
    ),
    "warnings_and_stderr_are_fine": (
        notebook(
            softmax="import sys, warnings\nwarnings.warn('careful')\nprint('note', file=sys.stderr)\n"
            + SOLUTION["softmax"]
        ),
        {"test_softmax": 2, "test_rnn_cell_forward": 3},
        "ok",
    ),
}


@pytest.fixture(scope="module")
def grades():
    MARKER.unlink(missing_ok=True)
    before = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}

    def grade(item):
        name, (nb, _, _) = item
        return name, grader.grade_notebook(
            name, "01_vanilla_rnn", nbformat.writes(nb).encode(), SOURCE, SEED, LIMITS
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        result = dict(pool.map(grade, SUBMISSIONS.items()))
    after_ = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}
    result["_package_unchanged"] = before == after_ and not (PACKAGE / "ESCAPED").exists()
    return result


@pytest.mark.parametrize("name", SUBMISSIONS)
def test_hostile_submission_earns_only_what_it_earned(grades, name):
    _, expected, status = SUBMISSIONS[name]
    grade = grades[name]
    assert {e.grade_id: e.score for e in grade.exercises} == expected, [
        e.message for e in grade.exercises
    ]
    assert grade.max_score == 5.0
    assert status in grade.status, grade.status


def test_reference_calls_are_named(grades):
    messages = {e.exercise: e.message for e in grades["calls_the_reference"].exercises}
    assert "calls rnncourse.reference.softmax" in messages["softmax"]
    messages = {e.exercise: e.message for e in grades["calls_torch_rnncell"].exercises}
    assert "calls torch.nn.modules.rnn.RNNCell" in messages["rnn_cell_forward"]


def test_output_is_capped(grades):
    assert len(grades["fifty_megabytes_of_output"].output) <= sandbox.OUTPUT_CAP


@pytest.mark.skipif(confine.abi_version() < 1, reason="needs Linux Landlock to confine writes")
def test_nothing_outside_the_sandbox_was_written(grades):
    assert grades["_package_unchanged"]
    assert not MARKER.exists()


def test_written_answers_are_kept_for_manual_grading(grades):
    (answer,) = grades["correct"].answers
    assert (answer.grade_id, answer.points, answer.answered) == ("answer_length", 1.0, True)
    assert "Sharing weights" in answer.text


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (None, "missing"),
        (b"this is not json", "invalid"),
        (b'{"cells": 3}', "invalid"),
        (b"\xff\xfe", "invalid"),
    ],
)
def test_missing_and_malformed_notebooks_score_zero(data, status):
    grade = grader.grade_notebook("x", "01_vanilla_rnn", data, SOURCE, SEED, LIMITS)
    assert grade.status.startswith(status) and grade.score == 0 and grade.max_score == 5


def test_unanswered_release_scores_zero(tmp_path):
    nb = notebook(
        softmax="# YOUR CODE HERE\nraise NotImplementedError()",
        rnn="# YOUR CODE HERE\nraise NotImplementedError()",
        answer="YOUR ANSWER HERE",
    )
    grade = grader.grade_notebook(
        "x", "01_vanilla_rnn", nbformat.writes(nb).encode(), SOURCE, SEED, LIMITS
    )
    assert grade.score == 0 and not grade.answers[0].answered
    assert all("not implemented yet" in e.message for e in grade.exercises)


def test_the_sandbox_leaves_no_files_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    grader.grade_notebook(
        "x", "01_vanilla_rnn", nbformat.writes(notebook()).encode(), SOURCE, SEED, LIMITS
    )
    assert list(tmp_path.iterdir()) == []
    shutil.rmtree(tmp_path, ignore_errors=True)
    assert os.path.exists(PACKAGE)


def test_a_dead_fork_server_is_replaced_and_the_run_goes_on():
    import signal
    import threading

    zygote = sandbox._zygote()
    timer = threading.Timer(3.0, lambda: os.kill(zygote.proc.pid, signal.SIGKILL))
    timer.start()
    cells = [
        {"kind": "code", "source": "import time\ntime.sleep(20)"},
        {"kind": "code", "source": "print('after')"},
    ]
    result = sandbox.run(cells, {}, sandbox.Limits(cell_timeout=15, total_timeout=40))
    timer.join()
    assert result.failed_cells == [(0, "killed by signal SIGKILL")]
    assert "after" in result.output and sandbox._zygote() is not zygote
