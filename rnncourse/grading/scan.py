r"""Read a submission's answers for code that reaches for a reference or the grader: a flag for review.

The jail already makes such code useless (no reference, no grader, no course file is in a run),
so a flag takes no points: it tells the instructor where to look. :func:`flags` reads each answer
cell (and each cell the student added) as a syntax tree, and its string literals for what hides in them:

- an import of, or attribute on, ``rnncourse.reference``, ``rnncourse.nn``, ``rnncourse.checks``,
  ``rnncourse.experiments`` or ``rnncourse.grading``, or the name ``EXERCISES``;
- torch's recurrent layers and kernels (``torch.nn.RNN``/``GRU``/``LSTM`` and their cells,
  ``torch._VF``, ``_VF``);
- the interpreter's hooks and internals: ``sys.setprofile``, ``sys.settrace``,
  ``threading.setprofile``, ``gc.get_objects``, ``ctypes``, ``inspect.getsource``;
- the file system outside the run: ``solutions/``, ``/proc/``, ``os.setsid``, ``fork``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

_MODULES = ("rnncourse.reference", "rnncourse.nn", "rnncourse.checks", "rnncourse.experiments",
            "rnncourse.grading")  # fmt: skip
_NAMES = {
    "EXERCISES": "the exercise registry",
    "_VF": "torch's compiled kernels",
    "setprofile": "a profiling hook",
    "settrace": "a tracing hook",
    "get_objects": "the garbage collector's objects",
    "getsource": "reading source code",
    "setsid": "a process of its own",
    "fork": "a process of its own",
    "ctypes": "ctypes",
    "RNN": "torch.nn's recurrent layers",
    "GRU": "torch.nn's recurrent layers",
    "LSTM": "torch.nn's recurrent layers",
    "RNNCell": "torch.nn's recurrent layers",
    "GRUCell": "torch.nn's recurrent layers",
    "LSTMCell": "torch.nn's recurrent layers",
}
_LAYERS = frozenset(
    {"RNN", "GRU", "LSTM", "RNNCell", "GRUCell", "LSTMCell"}
)  # as nn.RNN, not a bare name
_TEXT = {
    r"solutions/": "the solutions folder",
    r"/proc/": "/proc",
    r"rnncourse[./](reference|nn|checks|experiments|grading)\b": "a reference module",
}


def _dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _in_tree(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for m in modules:
            if any(m == x or m.startswith(x + ".") for x in _MODULES):
                found.add(f"imports {m}")
            if m.split(".")[0] == "ctypes":
                found.add("imports ctypes")
        name = ""
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
            dotted = _dotted(node)
            if any(dotted == x or dotted.startswith(x + ".") for x in _MODULES):
                found.add(f"uses {dotted}")
        if name in _NAMES and (name not in _LAYERS or isinstance(node, ast.Attribute)):
            found.add(f"uses {name} ({_NAMES[name]})")
    return found


def _in_text(texts: Iterable[str]) -> set[str]:
    return {
        f"mentions {what}"
        for t in texts
        for pattern, what in _TEXT.items()
        if re.search(pattern, t)
    }


def flags(sources: Iterable[str]) -> list[str]:
    """What in these answers deserves a look, in words (empty: nothing).

    Text is read in string literals (a path, a module name to import); comments are not code.
    """
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            found |= _in_text([source])  # magics, or an answer that does not compile: read it all
            continue
        found |= _in_tree(tree)
        found |= _in_text(
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return sorted(found)
