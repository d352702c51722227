"""The ``rnncourse`` command."""

from __future__ import annotations

import shutil
import subprocess
import sys

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
