"""The package's architecture: course content never imports the grading stack or the command."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnncourse"
CONTENT = sorted(
    p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in ("grading", "cli.py")
)


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code (lazy imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", CONTENT, ids=[str(p.relative_to(PACKAGE)) for p in CONTENT])
def test_course_content_never_imports_grading(path):
    wrong = {
        name for name in _imported(path) if name.startswith(("rnncourse.grading", "rnncourse.cli"))
    }
    assert not wrong, f"{path.relative_to(PACKAGE)} imports {sorted(wrong)}"


def test_the_content_list_is_not_empty():
    names = {str(p.relative_to(PACKAGE)) for p in CONTENT}
    assert {"nn.py", "reference/rnn.py", "experiments.py"} <= names
