"""The ``rnncourse`` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from rnncourse.checks import EXERCISES
from rnncourse.cli import main


def test_exercises_lists_the_registry(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    for name, e in EXERCISES.items():
        assert name in out and e.notebook in out


def test_exercises_for_one_notebook(capsys):
    assert main(["exercises", "--notebook", "02_bptt"]) == 0
    out = capsys.readouterr().out
    assert "rnn_backward" in out and "lstm_cell_forward" not in out
    assert main(["exercises", "--notebook", "99_nothing"]) == 1


def test_info_names_versions_and_cpu_device(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "device" in out


def test_unknown_command_is_a_usage_error():
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_console_script_is_installed():
    exe = shutil.which("rnncourse")
    cmd = [exe] if exe else [sys.executable, "-m", "rnncourse.cli"]
    out = subprocess.run([*cmd, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("rnncourse ")


# --------------------------------------------------------------------------- misuse


def _run(args, cwd, stdin=None):
    exe = shutil.which("rnncourse")
    cmd = [exe] if exe else [sys.executable, "-m", "rnncourse.cli"]
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def _test_cell(grade_id):
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": grade_id,
        "points": 1,
        "solution": False,
    }
    return cell


MISUSES = {
    # name: (arguments, files to create in the working folder, what stderr must say)
    "no such file": (["check", "missing.ipynb"], {}, "no file at missing.ipynb"),
    "a Python file": (["check", "answer.py"], {"answer.py": "x = 1\n"}, "is not a notebook (.ipynb)"),
    "bad JSON": (["check", "nb.ipynb"], {"nb.ipynb": "{not json"}, "cannot be read as a notebook"),
    "a binary file": (["check", "nb.ipynb"], {"nb.ipynb": b"\x89PNG\r\n\x00\xff"}, "cannot be read"),
    "a plain notebook": (["check", "plain.ipynb"], {"plain.ipynb": []}, "not one of this course's"),
    "another course's notebook": (
        ["check", "other.ipynb"], {"other.ipynb": ["test_double"]}, "not one of this course's",
    ),
    "check with a negative timeout": (["check", "x.ipynb", "--timeout", "-5"], {}, "must be above 0"),
    "release outside the repository": (["release"], {}, "is not inside the course repository"),
    "grade outside the repository": (["grade", "subs"], {}, "is not inside the course repository"),
    "grade with no workers": (["grade", "subs", "--jobs", "0"], {}, "must be above 0"),
    "grade with a negative timeout": (["grade", "subs", "--timeout", "-1"], {}, "must be above 0"),
}  # fmt: skip


@pytest.mark.parametrize("name", MISUSES)
def test_a_misuse_ends_in_a_short_message_and_status_2(name, tmp_path):
    args, files, expected = MISUSES[name]
    for filename, content in files.items():
        if isinstance(content, list):  # a notebook with test cells of these grade_ids
            _notebook(tmp_path / filename, [_test_cell(g) for g in content])
        elif isinstance(content, bytes):
            (tmp_path / filename).write_bytes(content)
        else:
            (tmp_path / filename).write_text(content)
    result = _run(args, cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr


@pytest.mark.parametrize("layout", ["empty", "flat", "plain file"])
def test_grade_refuses_a_submission_folder_without_student_folders(layout, tmp_path):
    subs = tmp_path / "subs"
    if layout == "plain file":
        subs.write_text("grades?")
    else:
        subs.mkdir()
        if layout == "flat":  # notebooks right in SUBMISSIONS, no <student>/ folder
            _notebook(subs / "01_vanilla_rnn.ipynb", [_test_cell("test_softmax")])
    root = Path(__file__).resolve().parents[1]
    result = _run(["grade", str(subs), "--out", str(tmp_path / "out")], cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "SUBMISSIONS/<student>/<notebook>.ipynb" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_closed_pipe_is_not_an_error(tmp_path):
    exe = shutil.which("rnncourse")
    cmd = " ".join([exe] if exe else [sys.executable, "-m", "rnncourse.cli"])
    result = subprocess.run(
        f"{cmd} exercises | head -n 1", shell=True, capture_output=True, text=True, check=False
    )
    assert result.stdout.count("\n") == 1 and result.stderr == "", result.stderr


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    import rnncourse.cli as cli

    def broken(_):
        raise KeyError("boom")

    monkeypatch.setattr(cli, "_info", broken)
    assert main(["info"]) == 1
    err = capsys.readouterr().err
    assert "unexpected error, KeyError" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(KeyError):
        main(["--debug", "info"])
