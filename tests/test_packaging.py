"""The project's own files: conda and pip agree, the code is ruff clean and mypy clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; on 3.10 these file checks are skipped

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch", "playwright-python": "playwright"}  # conda-forge -> PyPI


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower(), spec.replace(" ", "")


def _conda_dependencies() -> tuple[dict[str, str], list[str]]:
    """The plain dependencies of environment.yml, and its pip section (a tiny YAML subset)."""
    deps, pip, section = {}, [], None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            section = line.split(":")[0]
            continue
        item = line.strip().removeprefix("- ").strip()
        if section != "dependencies":
            continue
        if line.startswith("      - "):
            pip.append(item)
        elif item != "pip:":
            name, spec = _split(item)
            deps[CONDA_NAMES.get(name, name)] = spec
    return deps, pip


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(
        _split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )
    deps, pip = _conda_dependencies()
    python = deps.pop("python")
    assert python == project["requires-python"]
    assert deps.pop("pip") == ""
    assert deps == wanted, "environment.yml and pyproject.toml list different dependencies"
    assert pip == ["-e ."], "environment.yml must install the package itself"


def test_torch_requirement_admits_the_cpu_build_ci_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    spec = dict(_split(r) for r in project["dependencies"])["torch"]
    minimum = re.fullmatch(r">=(\d+)\.(\d+)", spec)
    assert minimum and (int(minimum[1]), int(minimum[2])) <= (2, 13)
    assert "torch==2.13.0" in (ROOT / ".ci" / "run").read_text()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"## Run the tests.*?```(?:bash)?\n(.*?)\n```", readme, re.S)[1].strip()
    assert command in ci.splitlines()


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
    reason="ruff not installed",
)
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    # the package's types (pyproject.toml's [tool.mypy] says which files and which libraries
    # come without stubs); tests and notebooks are not type-checked
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_hides_nbgrader_plugins_that_exist():
    # the student section's loop disables these lab plugins; a renamed plugin would do nothing
    import nbgrader

    readme = (ROOT / "README.md").read_text()
    plugins = re.search(r"for plugin in ([a-z -]+); do", readme)
    assert plugins, "README's student section lost the command that hides nbgrader's tools"
    static = Path(nbgrader.__file__).parent / "labextension" / "static"
    code = "".join(p.read_text(errors="ignore") for p in static.glob("*.js"))
    for plugin in plugins[1].split():
        assert f"nbgrader:{plugin}" in code, f"nbgrader has no lab plugin {plugin!r}"
