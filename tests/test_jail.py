"""The units of grading containment: the exchange format, the package a run sees, the static scan,
Landlock, and the jail's command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import rnncourse
from rnncourse import reference
from rnncourse.checks.lstm import BUGS
from rnncourse.grading import confine, jail, jailpkg, plaindata, scan

ROOT = Path(__file__).resolve().parents[1]


def _message(
    structure: object, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED
) -> bytes:
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    text = json.dumps(structure).encode()
    return len(text).to_bytes(8, "big") + text + blob.getvalue()


def _npy(array: np.ndarray, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, **kwargs)  # type: ignore[arg-type]
    return buffer.getvalue()


# --- plaindata ------------------------------------------------------------------------------------


def test_plain_data_round_trips():
    value = {
        "a": [np.arange(6.0).reshape(2, 3), (1, "x", None, True)],
        "b": np.array([True, False]),
    }
    back = plaindata.loads(plaindata.dumps(value))
    assert back["a"][1] == (1, "x", None, True)
    np.testing.assert_array_equal(back["a"][0], value["a"][0])
    assert back["b"].dtype == np.bool_


@pytest.mark.parametrize(
    "value", [object(), {1: 2}, np.array(["a"]), np.array([1, "x"], dtype=object), 1j]
)
def test_what_is_not_plain_data_is_refused_at_the_sender(value):
    with pytest.raises(TypeError):
        plaindata.dumps(value)


def test_hostile_messages_are_refused_before_they_cost_anything():
    ref = {"__array__": "a0"}
    deep = b"[" * 100_000 + b"]" * 100_000
    cases = {
        "deflated bomb": _message(ref, {"a0.npy": _npy(np.zeros(10**6))}, zipfile.ZIP_DEFLATED),
        "object dtype": _message(ref, {"a0.npy": _npy(np.array([1, "x"], dtype=object), allow_pickle=True)}),
        "header that lies": _message(ref, {"a0.npy": _npy(np.zeros(10))[:-40]}),
        "not an npz": _message(ref, {})[:-5] + b"junk!",
        "deep JSON": len(deep).to_bytes(8, "big") + deep,
        "nested beyond the cap": _message(json.loads("[" * 40 + "]" * 40), {}),
        "a name it does not hold": _message({"__array__": "a9"}, {}),
        "a length beyond the data": (10**6).to_bytes(8, "big") + b"{}",
        "empty": b"",
    }  # fmt: skip
    for what, data in cases.items():
        with pytest.raises(ValueError):
            plaindata.loads(data)
            pytest.fail(what)


# --- the package a run sees -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    return jailpkg.build(tmp_path_factory.mktemp("standin"), ("rnncourse.data",))


def _run_in(standin: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-s", "-c", code], cwd=standin, capture_output=True, text=True,
        env={"PYTHONPATH": str(standin), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}, check=False,
    )  # fmt: skip


def test_the_package_a_run_sees_holds_no_reference(standin):
    sources = "\n".join(p.read_text() for p in standin.rglob("*.py"))
    for exercise_code in ("def rnn_cell_forward", "def lstm_cell_forward", "def _maker", "def one_hot",
                          "def gru_cell_forward", "SUSPECTS: dict", "def build_vocab"):  # fmt: skip
        assert exercise_code not in sources, exercise_code
    assert not (standin / "rnncourse" / "data" / "vocab.py").exists()  # withheld for notebook 00


def test_its_stand_ins_import_keep_plain_constants_and_allowed_helpers(standin):
    code = (
        "import numpy as np, rnncourse.nn, rnncourse.experiments\n"
        "from rnncourse.reference import params_from_torch, sigmoid, rnn_forward\n"
        "from rnncourse.checks.lstm import BUGS, SUSPECTS\n"
        "from rnncourse import viz, train, gradcheck\n"
        "print(repr(sigmoid(np.array([-800.0, 0.0, 3.0])).tolist()))\n"
        "print(sorted(BUGS))\n"
        "try:\n    rnn_forward(1, 2, 3)\nexcept RuntimeError as e:\n    print(e)\n"
        "class Model(rnncourse.nn.RNN):\n    pass\n"
        "print(rnncourse.__file__)\n"
    )
    done = _run_in(standin, code)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == repr(reference.sigmoid(np.array([-800.0, 0.0, 3.0])).tolist())
    assert lines[1] == str(sorted(BUGS))
    assert "rnncourse.reference.rnn_forward is not available while grading" in lines[2]
    assert lines[3].startswith(str(standin))


# --- the static scan ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "flag"),
    [
        ("from rnncourse.reference import softmax", "imports rnncourse.reference"),
        ("import rnncourse.nn as n", "imports rnncourse.nn"),
        ("import rnncourse\nrnncourse.checks.EXERCISES", "EXERCISES"),
        ("import sys\nsys.setprofile(None)", "setprofile"),
        ("torch._VF.rnn_tanh(x)", "_VF"),
        ("cell = torch.nn.RNNCell(3, 4)", "torch.nn's recurrent layers"),
        ("open('../../solutions/01_vanilla_rnn.ipynb')", "solutions"),
        ("open('/proc/1/cmdline')", "/proc"),
        ("__import__('rnncourse.reference')", "reference module"),
        ("import ctypes", "ctypes"),
    ],
)
def test_the_scan_flags_what_reaches_for_a_reference_or_the_grader(source, flag):
    assert any(flag in f for f in scan.flags([source])), scan.flags([source])


def test_the_scan_leaves_honest_answers_alone():
    honest = [
        "def softmax(z):\n    e = np.exp(z - z.max(axis=-1, keepdims=True))\n    return e / e.sum(axis=-1, keepdims=True)",
        "a_next = np.tanh(x_t @ params['W_ax'].T + a_prev @ params['W_aa'].T + params['b_a'])",
        "gru = sigmoid(z)  # from rnncourse.reference's allowed helper, imported by the notebook",
        "def broken(:\n    pass",
    ]
    assert scan.flags(honest) == []


# --- Landlock, and the jail's command line --------------------------------------------------------


@pytest.mark.skipif(confine.abi_version() < 1, reason="needs Linux Landlock")
def test_landlock_confines_writes_to_the_folders_given(tmp_path):
    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    code = (
        "import sys; from pathlib import Path; from rnncourse.grading import confine\n"
        f"confine.confine([Path({str(inside)!r})])\n"
        f"Path({str(inside)!r}, 'ok').write_text('ok')\n"
        f"try:\n    Path({str(outside)!r}, 'no').write_text('no')\nexcept PermissionError:\n    print('refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "refused", done.stderr
    assert (inside / "ok").exists() and not (outside / "no").exists()


def test_the_jail_binds_no_course_file():
    command = jail.command([sys.executable, "-c", "pass"], Path("/nonexistent/pkg"), None, 16, {})
    package = str(Path(rnncourse.__file__).resolve().parent)
    binds = [command[i + 1] for i, a in enumerate(command) if a in ("--ro-bind", "--bind")]
    assert not any(
        b == str(ROOT) or b.startswith((package, str(ROOT / "solutions"))) for b in binds
    )
    assert (
        "--unshare-net" in command and "--unshare-pid" in command and "--die-with-parent" in command
    )
    assert "--bind" not in command  # nothing of the host is writable


@pytest.mark.skipif(jail.unavailable() is not None, reason="no grading jail here (bubblewrap)")
def test_a_jail_runs_as_nobody_in_its_own_namespaces(tmp_path):
    code = (
        "import os, socket; print(os.getuid(), os.getpid(), sorted(p for p in os.listdir('/proc') if p.isdigit()));"
        f"print([os.path.exists(p) for p in ({str(ROOT / 'solutions')!r}, {str(ROOT / 'pyproject.toml')!r}, '/etc/shadow', '/home')]);"
        "print([n for i, n in socket.if_nameindex()])"
    )
    done = subprocess.run(
        jail.command([sys.executable, "-S", "-c", code], tmp_path, None, 16, {"PATH": "/usr/bin"}),
        capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ids, seen, nics = done.stdout.splitlines()
    assert ids.startswith(f"{jail.NOBODY} ") and ids.endswith("['1', '2']")
    assert seen == "[False, False, False, False]"
    assert nics == "['lo']"
