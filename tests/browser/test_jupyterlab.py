"""The widget in a real JupyterLab, end to end.

A ``jupyter lab`` server (this venv's) runs on 127.0.0.1 at a free port with a token, a
temporary root dir and temporary Jupyter config/data/runtime dirs, so nothing comes from
or goes to the user's home. Headless Chromium opens a notebook that trains a tiny run and
displays ``netwarp.explore(traj)``, runs all cells from JupyterLab's Run menu, and checks
that the view draws, that ``w.epoch = 5`` typed into a cell and run moves the view, that
dragging the view's epoch slider with the mouse changes ``w.epoch`` in the kernel, and that
the page logs no error and fetches nothing from outside the server.

``NETWARP_JUPYTERLAB_SCREENSHOT=docs/img/jupyterlab.png`` keeps a screenshot of the page.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("jupyterlab")
pytest.importorskip("ipykernel")
pytest.importorskip("anywidget")
pytestmark = [pytest.mark.browser, pytest.mark.slow]
Watched = Any  # tests/browser/conftest.py's Watched: a page with its requests and errors

START_TIMEOUT = 60.0  # the server answering /api/status
IDLE_SHUTDOWN = 300  # a server left behind by a killed test run stops itself after this many idle seconds
EPOCHS = 30
RUN = re.compile(r"\[\d+\]")  # a cell's prompt once it has run
QUEUED = re.compile(r"\[(\*|\d+)\]")  # ... or while it waits or runs

SETUP = f"""\
import warnings
import netwarp

d = netwarp.data.datasets.load("interval1d", n=300)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    traj = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test,
                         max_iter={EPOCHS}, early_stop=False, name="tanh")
w = netwarp.explore(traj)
w"""

# the view's test hook in the notebook's output (the only netwarp view on the page)
HOOK = "document.querySelector('.jp-OutputArea-output .netwarp').parentElement.__netwarp"


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}lab/tree/{name}?token={self.token}"

    def log_tail(self) -> str:
        return _read(self.log)[-4000:]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _notebook(*sources: str) -> dict[str, Any]:
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {}, "outputs": [], "source": src}
        for i, src in enumerate(sources)
    ]
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server and its kernels: SIGTERM to the process group it leads, then SIGKILL."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # kernels it did not reap
    proc.wait(timeout=5)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """``jupyter lab`` in a subprocess of its own session; yields where it listens, stops it afterwards."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root, config, data, runtime, ipython = (base / d for d in ("root", "config", "data", "runtime", "ipython"))
    for d in (root, config, data, runtime, ipython):
        d.mkdir()
    # no news feed, no update check: nothing to fetch, no toast over the notebook
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    token = secrets.token_hex(16)
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "IPYTHONDIR": str(ipython),
        "JUPYTER_PLATFORM_DIRS": "1",
        "MPLBACKEND": "Agg",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    log = base / "server.log"
    args = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--ServerApp.shutdown_no_activity_timeout={IDLE_SHUTDOWN}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    if os.geteuid() == 0:
        args.append("--ServerApp.allow_root=True")  # e.g. in a container
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{_read(log)}")
            try:
                req = urllib.request.Request(url + "api/status", headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    assert "started" in json.load(r)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer in {START_TIMEOUT:.0f} s:\n{_read(log)}")
                time.sleep(0.2)
        yield Lab(url, token, root, log)
    finally:
        _stop(proc)


def _cell(page: Any, i: int) -> Any:
    return page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(i)


def _run_in_cell(page: Any, i: int, code: str) -> None:
    """Type ``code`` into the (empty) cell ``i`` and run it with Shift+Enter."""
    editor = _cell(page, i).locator(".jp-InputArea-editor .cm-content")
    editor.click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")


def _wait_prompt(page: Any, i: int, pattern: re.Pattern[str], timeout: float = 30_000) -> None:
    """Wait until cell ``i``'s prompt matches ``pattern``."""
    _cell(page, i).locator(".jp-InputArea-prompt", has_text=pattern).wait_for(timeout=timeout)


def _wait_sent(page: Any, sent: list[bytes], needle: bytes, timeout: float = 10.0) -> None:
    """Wait until a websocket frame the page sent contains ``needle``."""
    deadline = time.monotonic() + timeout
    while not any(needle in f for f in sent):
        assert time.monotonic() < deadline, f"the page sent no {needle!r} in {timeout:.0f} s"
        page.wait_for_timeout(50)  # lets Playwright deliver the frame events


def _menu(page: Any, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-content .lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                 has_text=item).first.click()  # fmt: skip


def _drawn_pixels(page: Any, panel: str) -> int:
    """How many pixels of a panel's canvas differ from its top-left (background) pixel."""
    return int(page.evaluate(
        """(id) => {
            const c = document.querySelector(`.jp-OutputArea-output [data-panel="${id}"] canvas.nw-canvas`);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
                if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) n++;
            }
            return n;
        }""", panel))  # fmt: skip


def test_widget_in_jupyterlab(lab: Lab, watched: Watched) -> None:
    (lab.root / "widget.ipynb").write_text(json.dumps(_notebook(SETUP, "", "")))
    page = watched.page
    page.set_default_timeout(30_000)
    sent: list[bytes] = []  # what the page sends the server over websockets (the kernel's channels)
    page.on(
        "websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f if isinstance(f, bytes) else f.encode()))
    )
    try:
        page.goto(lab.notebook_url("widget.ipynb"))
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(2).wait_for()
        # the kernel is connected and idle before anything runs. (The toolbar's execution indicator is no
        # signal: it reads "idle" before the session has a kernel, and cells run then are dropped.)
        page.locator(".jp-StatusBar-TextItem", has_text="Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
        _menu(page, "Run", "Run All Cells")
        _wait_prompt(page, 0, QUEUED, timeout=10_000)  # Run All reached the cell

        # the widget renders in the first cell's output and draws
        page.locator(".jp-OutputArea-output .netwarp canvas.nw-canvas").first.wait_for(timeout=60_000)
        page.wait_for_function(f"() => {{ const h = {HOOK}; return h && h.frame > 0; }}")
        hook = page.evaluate(
            f"() => {{ const h = {HOOK}; return {{ epoch: h.state.epoch, panels: Object.keys(h.panels) }}; }}"
        )
        assert hook["epoch"] == EPOCHS  # the last epoch by default
        assert {"r0-l0", "r0-l1", "r0-l2"} <= set(hook["panels"])
        assert page.evaluate(f"() => {HOOK}.panels['r0-l1'].n") == 300  # the notebook's 150 train + 150 test points
        assert page.evaluate(f"() => {HOOK}.panels['r0-l1'].coords.length") == 600  # drawn at 2-D positions
        assert _drawn_pixels(page, "r0-l1") > 500
        assert page.locator(".jp-OutputArea-output .nw-error").count() == 0
        _wait_prompt(page, 0, RUN)

        # Python -> front end: a cell sets the trait, the view follows and draws the new epoch
        before = watched.pixels("r0-l1")
        _run_in_cell(page, 1, "w.epoch = 5")
        page.wait_for_function(
            f"() => {{ const h = {HOOK}; return h.state.epoch === 5 && h.panels['r0-l1'].epoch === 5; }}"
        )
        assert page.locator(".jp-OutputArea-output input[aria-label='epoch']").input_value() == "5"
        assert watched.pixels("r0-l1") != before
        _wait_prompt(page, 1, RUN)

        # front end -> Python: drag the epoch slider's thumb with the mouse, the kernel sees where it stopped
        slider = page.locator(".jp-OutputArea-output input[aria-label='epoch']")
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        assert box is not None
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 5 / EPOCHS, y)
        page.mouse.down()
        for frac in (0.2, 0.3, 0.4):
            page.mouse.move(box["x"] + box["width"] * frac, y, steps=4)
        page.mouse.up()
        epoch = int(slider.input_value())
        assert 10 <= epoch <= 14, epoch
        page.wait_for_function(
            f"(e) => {{ const h = {HOOK}; return h.state.epoch === e && h.panels['r0-l1'].epoch === e; }}", arg=epoch
        )
        # the view writes to the model 80 ms after the last move; wait for that comm message to leave
        _wait_sent(page, sent, b'"state":{"epoch":%d}' % epoch)
        _run_in_cell(page, 2, 'print("epoch", w.epoch)')
        output = _cell(page, 2).locator(".jp-OutputArea-output")
        output.filter(has_text="epoch").first.wait_for()
        assert output.first.inner_text().strip() == f"epoch {epoch}"
        page.keyboard.press("Escape")

        screenshot = os.environ.get("NETWARP_JUPYTERLAB_SCREENSHOT")
        if screenshot:
            page.set_viewport_size({"width": 1400, "height": 1150})
            page.evaluate("() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTo(0, 0)")
            page.evaluate(f"() => {HOOK}.nextFrame()")
            page.screenshot(path=screenshot)
    except Exception:
        shot = lab.root.parent / "failure.png"
        with contextlib.suppress(Exception):
            page.screenshot(path=shot)
            print(f"--- the page: {shot} ---")
        print("--- jupyter lab log ---\n" + lab.log_tail())
        print("--- page errors ---\n" + "\n".join(watched.errors))
        raise
    assert watched.errors == []  # no uncaught exception and no console error, from the widget or JupyterLab
    assert [u for u in watched.requests if not u.startswith((lab.url, "data:", "blob:"))] == []  # nothing fetched
