"""A student's first steps in a real browser: JupyterLab opens a course notebook and runs it.

JupyterLab is started on 127.0.0.1 with a token, in a scratch folder, and driven through its menus
by Playwright in headless Chromium (Debian's ``chromium``; Playwright never downloads a browser).
The solution of notebook 00, its outputs cleared, must run to the end with no error output and
with its figures rendered. Skipped, with the reason, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
    pytest.mark.nb00_notation,
]
ROOT = Path(__file__).resolve().parents[1]
STEM = "00_notation"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 over a scratch folder holding notebook 00, outputs cleared."""
    nb = json.loads((ROOT / "solutions" / f"{STEM}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (tmp_path / f"{STEM}.ipynb").write_text(json.dumps(nb))
    port, token = _free_port(), secrets.token_hex(16)
    state = tmp_path / ".jupyter-state"  # config, runtime files and workspaces stay in the scratch
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
    }
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1"]
    command += [f"--port={port}", f"--IdentityProvider.token={token}"]
    command += [f"--ServerApp.root_dir={tmp_path}"] + (["--allow-root"] if os.getuid() == 0 else [])
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):  # up to 2 minutes to listen
            assert server.poll() is None, (tmp_path / "lab.log").read_text()[-2000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/lab/tree/{STEM}.ipynb?token={token}", tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_a_course_notebook_runs_in_jupyterlab_through_the_menus(lab):
    url, folder = lab
    code_cells = sum(
        c["cell_type"] == "code"
        for c in json.loads((folder / f"{STEM}.ipynb").read_text())["cells"]
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=90_000)
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
            )
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            stderr = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            # every code cell numbered, or an error (Run All stops at the first one)
            done = f"""n => document.querySelector("{stderr}") !== null ||
                [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                    .filter(e => /\\[\\d+\\]/.test(e.textContent)).length >= n"""
            page.wait_for_function(done, arg=code_cells, timeout=120_000)
            page.screenshot(path=str(folder / "after_run_all.png"))
            errors = page.locator(stderr).count()
            widths = page.eval_on_selector_all(
                ".jp-OutputArea-output img", "imgs => imgs.map(i => i.naturalWidth)"
            )
        finally:
            browser.close()
    assert errors == 0, f"{errors} error outputs in the browser: see {folder}/after_run_all.png"
    assert widths and all(w > 100 for w in widths), f"figures not rendered: widths {widths}"
