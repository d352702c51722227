r"""The jail a graded run lives in, built by the OS with bubblewrap: it sees its answers and nothing else.

:func:`command` is the command line of one run. Bubblewrap (``bwrap``, Debian package
``bubblewrap``) makes, for that one process tree:

- new PID, mount, network, IPC and UTS namespaces: the run sees only its own processes, has a
  private loopback and no network at all, and shares no System V IPC with anyone;
- a root file system of its own: read-only binds of ``/usr`` (system libraries), the Python
  interpreter's prefix and the environment's prefix (its site-packages), a few files of ``/etc``
  (the loader cache, fonts), the package a run sees (:mod:`rnncourse.grading.jailpkg`) at
  ``/opt/rnncourse``; a fresh size-limited tmpfs ``/tmp`` for scratch, new every run and re-run.
  Course files, ``solutions/``, the submissions, other runs, the gradebook, ``/root``, ``/home``
  and the rest of ``/etc`` do not exist there;
- an unprivileged user: as root, the run becomes ``nobody`` (uid 65534) with no capabilities
  and ``no_new_privs`` before Python starts; as another user, it stays that user, without
  capabilities, in a user namespace;
- ``--die-with-parent`` and the PID namespace: when the run's first process ends or the grader
  kills the jail, every process the run started ends too; ``--new-session``: no terminal.

Inherited file descriptors: only 0, 1, 2 and the results pipe (3) reach the run
(:mod:`subprocess` closes the rest).

:func:`unavailable` says why a jail cannot be built here (``None`` when it can); the grader then
refuses, unless told ``--unsafe-no-sandbox``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

NOBODY = 65534
PACKAGE_MOUNT = "/opt/rnncourse"  # where the package a run sees is mounted
MPL_MOUNT = "/opt/matplotlib"  # matplotlib's font cache, built once by the grader
SCRATCH = "/tmp"


def _prefixes() -> list[Path]:
    """Folders the interpreter and its libraries live in: base prefix, environment, site-packages."""
    found: list[Path] = []
    for p in (sys.base_prefix, sys.prefix, sys.exec_prefix, *_site_dirs()):
        path = Path(p).resolve()
        if path.is_dir() and not any(path == q or q in path.parents for q in found):
            found = [q for q in found if path not in q.parents] + [path]
    return found


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return [paths[k] for k in ("purelib", "platlib") if k in paths]


def _dirs(path: Path, made: set[Path]) -> list[str]:
    """``--dir`` for every ancestor of ``path`` not yet made, world-traversable (0755)."""
    args: list[str] = []
    for parent in reversed(path.parents):
        if parent != Path("/") and parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _root_links() -> list[str]:
    """``/bin``, ``/lib``, ``/lib64``, ``/sbin`` as on the host: links into ``/usr``, or read-only binds."""
    args: list[str] = []
    for name in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def command(
    argv: list[str], package: Path, mpl_cache: Path | None, scratch_mb: int, env: dict[str, str]
) -> list[str]:
    """The ``bwrap`` command line that runs ``argv`` (an interpreter command) in a fresh jail."""
    bwrap = shutil.which("bwrap") or "bwrap"
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--clearenv"]  # fmt: skip
    root = os.geteuid() == 0
    if not root:
        args += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    args += ["--ro-bind", "/usr", "/usr", *_root_links()]
    for etc in ("/etc/ld.so.cache", "/etc/fonts", "/etc/localtime"):
        if Path(etc).exists():
            args += ["--ro-bind", etc, etc]
    # the scratch first: an environment that lives under /tmp is bound on top of it, not hidden
    args += ["--perms", "1777", "--size", str(scratch_mb * 1024 * 1024), "--tmpfs", SCRATCH]
    made: set[Path] = {Path("/usr"), Path("/etc"), Path("/opt"), Path(SCRATCH)}
    args += ["--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/opt"]
    for prefix in _prefixes():
        if prefix == Path("/usr") or Path("/usr") in prefix.parents:
            continue  # already there
        args += [*_dirs(prefix, made), "--ro-bind", str(prefix), str(prefix)]
        made.add(prefix)
    for site in map(Path, _site_dirs()):
        if (site / "rnncourse").is_dir():  # an installed copy of the real package: hidden
            args += ["--tmpfs", str(site / "rnncourse")]
    args += ["--ro-bind", str(package), PACKAGE_MOUNT]
    if mpl_cache is not None:
        args += ["--ro-bind", str(mpl_cache), MPL_MOUNT]
    args += ["--proc", "/proc", "--dev", "/dev", "--chdir", SCRATCH]
    for k, v in env.items():
        args += ["--setenv", k, v]
    args.append("--")
    if root:  # become nobody before the interpreter starts: no capability, no way back
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        args += [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                 "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]  # fmt: skip
    return args + argv


@functools.cache
def unavailable() -> str | None:
    """Why no jail can be built on this machine, or ``None`` when one can (tried for real, once)."""
    if not sys.platform.startswith("linux"):
        return "the grading jail needs Linux (bubblewrap)"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (util-linux) is missing: a run cannot drop root"
    probe = Path(sys.executable)
    argv = [str(probe), "-S", "-c", "import os; print(os.getuid())"]
    try:
        done = subprocess.run(
            command(argv, Path("/usr"), None, 8, {"PATH": "/usr/bin:/bin"}),
            capture_output=True, timeout=60, check=False, text=True,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bubblewrap could not start a jail ({e})"
    if done.returncode != 0 or done.stdout.strip() != str(NOBODY):
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap could not build a jail here: {why}"
    return None
