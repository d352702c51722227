r"""The ``rnncourse`` package as a graded run sees it: the course's helpers, and no reference.

A run executes every cell of a notebook, so ``import rnncourse.nn`` or ``from rnncourse.reference
import sigmoid`` must work there; but the run must hold no correct implementation of anything it
is graded on. :func:`build` writes a copy of the package in which

- the helpers the notebooks use stay real: ``data`` (its vocabulary, data sets and tasks),
  ``viz``, ``train``, ``gradcheck``, ``_validate``, ``notebooks``, and what the jail itself runs
  (``checks.collect``, ``grading.runner``, ``grading.plaindata``, ``grading.confine``);
- every module that holds a reference, a mistake-maker or the grader — ``reference``, ``nn``,
  ``experiments``, ``checks`` and its per-notebook modules, the rest of ``grading``, ``cli`` — is
  replaced by a stand-in module: its plain-data constants (strings, numbers and containers of
  them, e.g. ``checks.lstm.BUGS``) are copied, the reference helpers an exercise may call
  (``allowed``, e.g. ``sigmoid``) keep their source, and any other name is a :class:`Withheld`
  object that raises, naming itself, when it is called;
- a module an exercise of this notebook rebuilds (its ``forbid_modules``, e.g. ``rnncourse.data``
  for notebook 00) is withheld too.

So a demo cell that trains ``rnncourse.nn.GRU`` fails in a graded run (demo cells are not graded),
and an answer that calls a reference fails for lack of one: by construction, not by a guard.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import rnncourse
from rnncourse import checks, reference
from rnncourse.checks import EXERCISES

PACKAGE = Path(rnncourse.__file__).resolve().parent

REAL = (  # files and folders of the package a run gets as they are
    "__init__.py",
    "_validate.py",
    "notebooks.py",
    "gradcheck.py",
    "train.py",
    "viz",
    "data",
    "datasets",
    "checks/collect.py",
    "grading/runner.py",
    "grading/plaindata.py",
    "grading/confine.py",
)
WITHHELD = (  # modules replaced by a stand-in; any module in neither list is absent from a run
    "rnncourse.reference",
    *(f"rnncourse.reference.{m.name}" for m in pkgutil.iter_modules(reference.__path__)),
    "rnncourse.nn",
    "rnncourse.experiments",
    "rnncourse.cli",
    "rnncourse.checks",
    *(
        f"rnncourse.checks.{m.name}"
        for m in pkgutil.iter_modules(checks.__path__)
        if m.name != "collect"
    ),
    "rnncourse.grading",
)

_WITHHELD_SOURCE = '''\
"""What a graded run gets in place of an implementation it must not hold."""


class Withheld:
    """A name of a withheld module: any attribute is withheld too; calling it raises."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> "Withheld":
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Withheld(f"{self._name}.{attr}")

    def __call__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError(
            f"{self._name} is not available while grading: a graded run holds no reference "
            "implementation. Write the computation yourself."
        )

    def __mro_entries__(self, bases: tuple) -> tuple:
        return ()

    def __repr__(self) -> str:
        return f"<withheld {self._name}>"


def module_getattr(module: str):
    def __getattr__(name: str) -> Withheld:
        if name.startswith("__"):
            raise AttributeError(name)
        return Withheld(f"{module}.{name}")

    return __getattr__
'''


def _is_plain(value: Any, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, tuple | list | frozenset):
        return all(_is_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(_is_plain(k, depth + 1) and _is_plain(v, depth + 1) for k, v in value.items())
    return False


def stand_in(module_name: str, keep: Iterable[str] = ()) -> str:
    """The source of the stand-in of ``module_name``: its plain constants, ``keep``'s source, the rest withheld."""
    module = importlib.import_module(module_name)
    lines = [
        f'"""{module_name} as a graded run sees it: withheld, but for its plain constants."""',
        "import numpy as np  # noqa: F401",
        "from rnncourse._validate import *  # noqa: F403",
        "from rnncourse._withheld import module_getattr",
        "",
        f"__getattr__ = module_getattr({module_name!r})",
    ]
    for name, value in vars(module).items():
        if not name.startswith("_") and name.isupper() and _is_plain(value):
            lines.append(f"{name} = {value!r}")
    for name in sorted(keep):
        fn = getattr(module, name, None)
        if inspect.isfunction(fn) and (fn.__module__ + ".").startswith(module_name + "."):
            lines += ["", "", inspect.getsource(fn).rstrip()]
    return "\n".join(lines) + "\n"


def _module_path(root: Path, module_name: str) -> Path:
    parts = module_name.split(".")
    as_package = PACKAGE.joinpath(*parts[1:])
    if as_package.is_dir():
        return root.joinpath(*parts, "__init__.py")
    return root.joinpath(*parts[:-1], parts[-1] + ".py")


def build(dest: Path, also_withheld: Iterable[str] = ()) -> Path:
    """Write the package a run sees under ``dest`` (``dest/rnncourse``); return ``dest``.

    ``also_withheld``: modules an exercise of the notebook rebuilds (``forbid_modules``).
    """
    extra = set(also_withheld)
    root = dest / "rnncourse"
    root.mkdir(parents=True)
    for rel in REAL:
        src, dst = PACKAGE / rel, root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst)
    (root / "_withheld.py").write_text(_WITHHELD_SOURCE)
    allowed = {n for e in EXERCISES.values() for n in e.allowed}  # reference helpers, e.g. sigmoid
    for name in (*WITHHELD, *sorted(extra)):
        path = _module_path(dest, name)
        if name in extra and path.parent.is_dir() and path.name == "__init__.py":
            shutil.rmtree(path.parent)  # the real package goes, its stand-in comes
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "__init__.py" and name == "rnncourse.grading":
            path.write_text('"""What a graded run holds of the grader: its own side only."""\n')
            continue
        keep = allowed if name.startswith("rnncourse.reference") else ()
        path.write_text(stand_in(name, keep))
    for p in [dest, *dest.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return dest
