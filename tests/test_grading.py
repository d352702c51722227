"""Grading one notebook: hostile submissions earn nothing they did not earn honestly.

Each submission below is graded for real: its code runs in the jail, its outputs come back as
plain data and are judged here. Many attacks are written as *conditional answers*: the answer is
right only if the attack worked (it could read the solutions, reach the network, see another
process…), so a score of zero proves the attack failed. The mini course notebook has two exercises from the registry,
``softmax`` (2 points) and ``rnn_cell_forward`` (3 points), and one written answer (1 point).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import rnncourse
from rnncourse.checks import collect
from rnncourse.grading import grader, sandbox
from rnncourse.grading.jail import unavailable as _no_jail

pytestmark = pytest.mark.skipif(
    _no_jail() is not None, reason=f"no grading jail here: {_no_jail()}"
)

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
    "forges_results": (
        after(notebook(rnn=WRONG["rnn_cell_forward"]), "demo", FORGE + "import os\nos._exit(0)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0},
        "ok",  # it cannot write where results were once kept: the cell fails before its exit
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
        "ran out of memory",
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
        "review: imports rnncourse.reference",
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


ROOT = Path(__file__).resolve().parents[1]
ESCAPED = Path("/tmp") / "rnncourse-test-symlinked.txt"
TOKEN = (
    "rnncourse-test-outliver-7f3a"  # in the command line of a process that tries to outlive its run
)
PROBES = """
import glob, os, socket, sys


def reads(path):
    try:
        with open(path, "rb") as f:
            return len(f.read(1)) == 1
    except OSError:
        return False


def udp_leaves():
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"x", ("1.1.1.1", 53))
        return True
    except OSError:
        return False


def a_reference_source():
    for d in sys.path:
        for f in glob.glob(os.path.join(d, "rnncourse", "**", "*.py"), recursive=True):
            try:
                if "def rnn_cell_forward" in open(f).read():
                    return True
            except OSError:
                pass
    return False
"""


def if_attack(condition):
    """A submission whose RNN cell is right only if ``condition`` holds in the run: 3 points mean the
    attack worked."""
    nb = notebook(
        rnn=f"if not ({condition}):\n    return x_t, x_t, None\n" + SOLUTION["rnn_cell_forward"]
    )
    return after(nb, "setup", PROBES)


def _frames(*payloads):
    """Code that writes raw frames to the run's results pipe, as a hostile run would."""
    return "import os\nfd = int(os.environ.get('RNNCOURSE_RESULTS_FD', '3'))\n" + "".join(
        f"os.write(fd, {p})\n" for p in payloads
    )


def _duplicated_answer():
    nb = notebook(softmax=WRONG["softmax"])
    copy = _solution_cell("softmax", SOLUTION["softmax"])
    copy.id = "sol-softmax-copy"
    nb.cells.insert(3, copy)  # the copy, answered, comes last: nbgrader grades the last one
    return nb


FORGED = "from rnncourse.grading import plaindata\nimport numpy as np\n" + _frames(
    "(lambda d: len(d).to_bytes(8, 'big') + d)(plaindata.dumps({'collected': 'rnn_cell_forward', "
    "'outputs': [[np.zeros((1, 1))] * 2] * 50}))"
)
BOMB = (
    "import io, json, zipfile\nimport numpy as np\nb = io.BytesIO(); np.save(b, np.zeros(10**7))\n"
    "z = io.BytesIO()\nwith zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as f:\n    f.writestr('a0.npy', b.getvalue())\n"
    "s = json.dumps({'collected': 'softmax', 'outputs': {'__array__': 'a0'}}).encode()\n"
    "d = len(s).to_bytes(8, 'big') + s + z.getvalue()\ndeep = b'[' * 100000 + b']' * 100000\n"
    "e = len(deep).to_bytes(8, 'big') + deep\n"
    + _frames("len(d).to_bytes(8, 'big') + d", "len(e).to_bytes(8, 'big') + e")
)

SECOND = {
    # what the run can see
    "reads_the_solutions": (
        if_attack(f"reads({str(ROOT / 'solutions' / '01_vanilla_rnn.ipynb')!r})"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "finds_a_reference_source": (
        if_attack("a_reference_source()"), {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "reads_root_only_files": (
        if_attack("reads('/etc/shadow') or reads('/root/.bash_history') or os.path.exists('/etc/passwd')"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "sees_other_processes": (
        if_attack("len([p for p in os.listdir('/proc') if p.isdigit()]) > 3"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "reaches_the_network": (
        if_attack("udp_leaves()"), {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "is_root_or_has_capabilities": (
        if_attack("os.getuid() == 0 or open('/proc/self/status').read().split('CapEff:')[1].split()[0] != '0000000000000000'"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "sees_the_grader_course_or_home": (
        if_attack(f"os.path.exists({str(ROOT)!r} + '/pyproject.toml') or os.path.exists('/home') or reads('/proc/1/environ')"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    # full marks without the work
    "switches_the_guard_off_then_calls_the_reference": (
        notebook(softmax="import sys, threading\nsys.setprofile(None); threading.setprofile(None)\n"
                 "from rnncourse.reference import softmax as s\nreturn s(z)"),
        {"test_softmax": 0, "test_rnn_cell_forward": 0}, "review",
    ),
    "calls_the_reference_from_a_thread": (
        notebook(softmax="import threading\nfrom rnncourse import reference\nbox = []\n"
                 "t = threading.Thread(target=lambda: box.append(reference.softmax(z)))\nt.start(); t.join()\n"
                 "return box[0] if box else None"),
        {"test_softmax": 0, "test_rnn_cell_forward": 0}, "review",
    ),
    "patches_the_runner": (
        after(notebook(softmax=WRONG["softmax"]), "setup",
              "import __main__, numpy as np\n__main__._collect = lambda *a: [[np.zeros((1, 1))]] * 100"),
        {"test_softmax": 0, "test_rnn_cell_forward": 0}, "ok",
    ),
    "forges_result_messages": (
        after(notebook(rnn=WRONG["rnn_cell_forward"]), "setup", FORGED),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "a_copied_answer_cell_answered_in_the_copy": (
        _duplicated_answer(), {"test_softmax": 2, "test_rnn_cell_forward": 3}, "ok",
    ),
    # what the run can do to the grader
    "compressed_and_deep_messages": (
        after(notebook(), "setup", BOMB), {"test_softmax": 2, "test_rnn_cell_forward": 3}, "ok",
    ),
    "floods_the_results_pipe": (
        after(notebook(), "demo", _frames("b'\\x00\\x00\\x00\\x00\\x01\\x00\\x00\\x00' + b'x' * (1 << 24)") * 3
              + "for _ in range(20):\n    os.write(fd, b'y' * (1 << 24))"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3}, "sent more data than a grader accepts",
    ),
    "breaks_its_own_channel_and_waits": (
        after(notebook(), "demo", _frames("(10**6).to_bytes(8, 'big')")),
        {"test_softmax": 2, "test_rnn_cell_forward": 3}, "skipped",  # its run never says it finished: the cell is skipped in a re-run
    ),
    "symlinks_out_of_its_scratch_then_crashes": (
        after(notebook(), "demo", f"import os\nfor link in ('/tmp/.ipython', '/tmp/out.txt', os.path.expanduser('~/.matplotlib/x')):\n"
              f"    try:\n        os.symlink({str(ESCAPED)!r}, link)\n    except OSError:\n        pass\nos._exit(1)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3}, "exited with code 1",
    ),
    "a_helper_that_outlives_the_run": (
        after(notebook(), "demo", f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
              f"'import time; time.sleep(120)', {TOKEN!r}], start_new_session=True)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3}, "ok",
    ),
    "fork_bomb": (
        after(notebook(), "demo", "import os, time\nkids = 0\nwhile kids < 100000:\n    try:\n        pid = os.fork()\n"
              "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n    kids += 1\nprint('forked', kids)"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3}, "ok",
    ),
    "fills_the_disk": (
        after(notebook(), "demo", "for i in range(10):\n    try:\n        open(f'/tmp/big{i}', 'wb').write(b'x' * 60_000_000)\n"
              "    except OSError as e:\n        print('refused', i, e)\n        break"),
        {"test_softmax": 2, "test_rnn_cell_forward": 3}, "ok",
    ),
    "returns_megabytes_of_text": (
        notebook(rnn="return 'x' * 3_000_000, 'y' * 3_000_000, None"),
        {"test_softmax": 2, "test_rnn_cell_forward": 0}, "ok",
    ),
    "answer_that_does_not_compile": (
        notebook(softmax="e = np.exp(z\nreturn e e"),
        {"test_softmax": 0, "test_rnn_cell_forward": 0}, "does not compile",
    ),
}  # fmt: skip
SUBMISSIONS.update(SECOND)


def _outlivers() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if TOKEN.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def grades():
    MARKER.unlink(missing_ok=True)
    ESCAPED.unlink(missing_ok=True)
    before = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}

    def grade(item):
        name, (nb, _, _) = item
        return name, grader.grade_notebook(
            name, "01_vanilla_rnn", nbformat.writes(nb).encode(), SOURCE, LIMITS, seed=SEED
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        result = dict(pool.map(grade, SUBMISSIONS.items()))
    after_ = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}
    result["_package_unchanged"] = before == after_ and not (PACKAGE / "ESCAPED").exists()
    result["_outlivers"] = _outlivers()
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


def test_reference_calls_fail_for_want_of_a_reference(grades):
    messages = {e.exercise: e.message for e in grades["calls_the_reference"].exercises}
    assert "rnncourse.reference.softmax is not available while grading" in messages["softmax"]
    messages = {e.exercise: e.message for e in grades["calls_torch_rnncell"].exercises}
    assert "calls torch.nn.modules.rnn.RNNCell" in messages["rnn_cell_forward"]
    assert "review" in grades["calls_torch_rnncell"].status


def test_output_and_messages_are_capped(grades):
    assert len(grades["fifty_megabytes_of_output"].output) <= LIMITS.output_cap
    (_, rnn) = grades["returns_megabytes_of_text"].exercises
    assert len(rnn.message) <= grader.MAX_MESSAGE_CHARS + 20


def test_nothing_outside_the_jail_was_written_or_left_running(grades):
    assert grades["_package_unchanged"]
    assert not MARKER.exists() and not ESCAPED.exists()
    assert grades["_outlivers"] == []


def test_a_compile_error_is_reported_where_it_is(grades):
    g = grades["answer_that_does_not_compile"]
    softmax = g.exercises[0].message
    assert "does not compile" in softmax and "SyntaxError" in softmax, softmax
    assert "line" in g.status


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
    grade = grader.grade_notebook("x", "01_vanilla_rnn", data, SOURCE, LIMITS, seed=SEED)
    assert grade.status.startswith(status) and grade.score == 0 and grade.max_score == 5


def test_unanswered_release_scores_zero():
    nb = notebook(
        softmax="# YOUR CODE HERE\nraise NotImplementedError()",
        rnn="# YOUR CODE HERE\nraise NotImplementedError()",
        answer="YOUR ANSWER HERE",
    )
    grade = grader.grade_notebook(
        "x", "01_vanilla_rnn", nbformat.writes(nb).encode(), SOURCE, LIMITS, seed=SEED
    )
    assert grade.score == 0 and not grade.answers[0].answered
    assert all("not implemented yet" in e.message for e in grade.exercises)


def test_every_student_and_run_gets_secret_inputs_of_its_own():
    nb = after(
        notebook(softmax="print('seen', float(np.abs(z).sum()))\n" + SOLUTION["softmax"]), "demo"
    )
    data = nbformat.writes(nb).encode()
    seen = [
        {line for line in grader.grade_notebook("x", "01_vanilla_rnn", data, SOURCE, LIMITS).output.splitlines()
         if line.startswith("seen")}
        for _ in range(2)
    ]  # fmt: skip
    assert seen[0] and seen[1] and seen[0] != seen[1]


def test_the_jail_leaves_no_files_behind():
    base = sandbox._base()
    before = sorted(base.iterdir())
    grader.grade_notebook(
        "x", "01_vanilla_rnn", nbformat.writes(notebook()).encode(), SOURCE, LIMITS, seed=SEED
    )
    assert (
        sorted(base.iterdir()) == before
    )  # the package and font cache, built once; no run's files
    assert os.path.exists(PACKAGE)


def test_no_jail_means_no_grading_unless_told(monkeypatch):
    from rnncourse.grading import jail

    monkeypatch.setattr(jail, "unavailable", lambda: "bubblewrap is not installed")
    with pytest.raises(RuntimeError, match="bubblewrap is not installed"):
        sandbox.run([], LIMITS)
    if os.geteuid() == 0:
        with pytest.raises(PermissionError, match="never runs as root"):
            sandbox.run([], LIMITS, unsafe=True)


# --- the time budget of an exercise ---------------------------------------------------------------

BUDGET = sandbox.Limits(cell_timeout=40, total_timeout=150, budget_s=2)
OVER = collect.budget_message("rnn_cell_forward", 2)
INLINE_SOFTMAX = SOLUTION["rnn_cell_forward"].replace(
    "softmax(a_next @ params['W_ya'].T + params['b_y'])",
    "np.exp(a_next @ params['W_ya'].T + params['b_y'])\ny_hat_t = y_hat_t / y_hat_t.sum(axis=1, keepdims=True)",
)
LOOPS = {
    # (the answer's body, whether the run itself stops it: no jail killed, the same run goes on)
    "loops": ("while True:\n    pass", True),
    "sleeps_in_c": ("import time\ntime.sleep(1e6)", True),
    "ignores_the_alarm": ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass", False),
    "disarms_the_timer": ("import signal\nsignal.setitimer(signal.ITIMER_REAL, 0)\nwhile True:\n    pass", False),
    "blocks_the_alarm": ("import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\nwhile True:\n    pass", None),
    "swallows_the_alarm": ("while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass", False),
    "holds_the_gil_in_c": ("return sum(range(10**15))", False),
    "raises_an_assertion_when_stopped": ("try:\n    while True:\n        pass\nexcept BaseException:\n    raise AssertionError('fine')", True),
}  # fmt: skip


@pytest.fixture(scope="module")
def looping():
    def grade(item):
        name, (body, _) = item
        nb = notebook(rnn=body)
        return name, grader.grade_notebook("x", "01_vanilla_rnn", nbformat.writes(nb).encode(),
                                           SOURCE, BUDGET, seed=SEED)  # fmt: skip

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(grade, LOOPS.items()))


@pytest.mark.parametrize("name", LOOPS)
def test_a_looping_answer_costs_its_budget_and_says_so(looping, name):
    grade = looping[name]
    softmax, rnn = grade.exercises
    assert (softmax.score, rnn.score) == (2, 0), [softmax.message, rnn.message]
    assert rnn.message == OVER, rnn.message
    stopped_inside = LOOPS[name][1]
    if stopped_inside:  # the run ended the loop itself and went on: no re-run
        assert grade.status == "ok", grade.status
    elif stopped_inside is False:  # the jail was killed soon after the budget, then a re-run
        assert "the test of rnn_cell_forward ran past its 2 s budget" in grade.status, grade.status


def test_a_slow_but_honest_answer_passes():
    nb = notebook(rnn="import time\ntime.sleep(0.03)\n" + SOLUTION["rnn_cell_forward"])
    grade = grader.grade_notebook(
        "x", "01_vanilla_rnn", nbformat.writes(nb).encode(), SOURCE, BUDGET, seed=SEED
    )
    assert grade.score == 5 and grade.status == "ok", [e.message for e in grade.exercises]


def test_a_loop_costs_its_budget_once_and_every_other_exercise_is_collected_in_the_same_run():
    """softmax loops; a demo cell after its test calls it (it gets the budget, not a cell timeout,
    and the run goes on); rnn_cell_forward, which does not call it, earns its points."""
    nb = after(notebook(softmax="while True:\n    pass", rnn=INLINE_SOFTMAX), "demo",
               "softmax(np.zeros((2, 3)))")  # fmt: skip
    grade = grader.grade_notebook(
        "x", "01_vanilla_rnn", nbformat.writes(nb).encode(), SOURCE, BUDGET, seed=SEED
    )
    softmax, rnn = grade.exercises
    assert (softmax.score, rnn.score) == (0, 3), [softmax.message, rnn.message]
    assert softmax.message == collect.budget_message("softmax", 2)
    assert grade.status == "ok, skipped: a cell after the test of softmax timed out after 2 s"


def test_the_budget_is_the_graders_limit_and_the_environments(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_BUDGET_S", "3.5")
    assert sandbox.Limits().budget_s == 3.5 == collect.budget_s()
    for bad in ("-1", "nan", "soon", "0"):
        monkeypatch.setenv("RNNCOURSE_BUDGET_S", bad)
        assert collect.budget_s() == collect.BUDGET_S


@pytest.mark.parametrize("name", ["loops", "sleeps_in_c"])
def test_nbgrader_rnncourse_grade_and_check_give_a_loop_the_same_score_and_words(
    name, tmp_path, monkeypatch
):
    """Plain nbgrader (the hidden tests in the student's kernel), ``rnncourse grade`` (the jail)
    and ``rnncourse check`` (the visible tests): 0 for the loop, 2 for softmax, the same words."""
    from rnncourse.grading import course, preview

    monkeypatch.setenv("RNNCOURSE_BUDGET_S", "2")
    stem, student = "01_vanilla_rnn", "loopy"
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mini'\n")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / f"{stem}.ipynb").write_text(SOURCE)
    course_dir = course.make_course_dir(tmp_path, tmp_path / "course")
    assert course.nbgrader_api(course_dir).generate_assignment(stem, force=True, create=True)[
        "success"
    ]
    handed_in = nbformat.read(course_dir / "release" / stem / f"{stem}.ipynb", as_version=4)
    for cell in handed_in.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in SOLUTION:
            body = SOLUTION[gid] if gid == "softmax" else LOOPS[name][0]
            cell.source = (
                SIGNATURE[gid] + "\n" + "\n".join("    " + line for line in body.splitlines())
            )
    dest = course_dir / "submitted" / student / stem
    dest.mkdir(parents=True)
    nbformat.write(handed_in, dest / f"{stem}.ipynb")

    plain = {c.grade_id: c.score for c in course.autograde(course_dir, stem, student)}
    graded = grader.grade_notebook(student, stem, nbformat.writes(handed_in).encode(), SOURCE,
                                   sandbox.Limits(cell_timeout=40, total_timeout=150), seed=SEED)  # fmt: skip
    checked = {r.grade_id: r for r in preview.run_checks(dest / f"{stem}.ipynb")}
    ours = {e.grade_id: e.score for e in graded.exercises}
    assert plain["test_softmax"] == ours["test_softmax"] == checked["test_softmax"].earned == 2
    assert plain["test_rnn_cell_forward"] == ours["test_rnn_cell_forward"] == 0
    assert checked["test_rnn_cell_forward"].earned == 0
    assert graded.exercises[1].message == OVER
    assert checked["test_rnn_cell_forward"].message == f"AssertionError: {OVER}"
    autograded = nbformat.read(course_dir / "autograded" / student / stem / f"{stem}.ipynb", 4)
    errors = [o.evalue for c in autograded.cells for o in c.get("outputs", [])
              if o.output_type == "error"]  # fmt: skip
    assert errors == [OVER], errors
