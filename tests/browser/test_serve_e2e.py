"""``netwarp serve`` end to end: a real server (the CLI, uvicorn, worker processes) on
127.0.0.1 at a free port, driven in headless Chromium.

Open the app, pick ``disk_annulus`` (its recommended hidden layer of 3), train, watch the
epoch counter and the view advance live from the run's stream (its scene once, then chunks:
the page never refetches the run), scrub the finished run with the view's controls, train a
second run, switch between them and compare them side by side. Every wait is on an event
(a condition in the page), never on a clock.

``test_view_keeps_pace_mid_training`` checks the view follows a long run while it trains and
screenshots it; ``NETWARP_SERVE_SCREENSHOT=docs/img/serve.png`` keeps that screenshot.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytestmark = [pytest.mark.browser, pytest.mark.slow]
EPOCHS = 800


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``netwarp serve --port 0`` in a subprocess; yields its URL and stops it afterwards."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "netwarp.apps.cli", "serve", "--port", "0", "--no-open", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert match, f"unexpected first line from netwarp serve: {line!r}"
        url = match.group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "api/limits", timeout=2) as r:
                    assert json.load(r)["workers"] == 2
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _api(url: str, path: str) -> Any:
    with urllib.request.urlopen(url + path.lstrip("/"), timeout=10) as r:
        return json.load(r)


def _hook(page: Any, expr: str) -> Any:
    return page.evaluate(f"() => {{ const h = document.getElementById('view').__netwarp; return {expr}; }}")


def _wait_view_epoch(page: Any, epoch: int) -> None:
    try:
        page.wait_for_function(
            "(e) => { const h = document.getElementById('view').__netwarp; return h && h.state.epoch === e; }",
            arg=epoch, timeout=60_000,
        )  # fmt: skip
    except Exception as exc:
        seen = page.evaluate(
            "() => { const h = document.getElementById('view').__netwarp; return [h && h.state, location.href,"
            " document.getElementById('run-title').textContent, document.getElementById('message').textContent,"
            " (({shown, selected, compare, frames}) => ({shown, selected, compare, frames: frames.length}))"
            "(window.__netwarpApp)]; }"
        )
        raise AssertionError(f"the view did not reach epoch {epoch}: {seen}") from exc


def _epoch(page: Any) -> int:
    return int(page.locator("#epoch").inner_text())


def _wait_done(page: Any, run_id: str, timeout: float = 120) -> str:
    """Wait (on the page's run list) until the run has ended; returns its status."""
    page.wait_for_selector(f"#runs .run[data-id='{run_id}']:is(.done, .failed, .cancelled)", timeout=timeout * 1000)
    status: str = page.evaluate("(id) => window.__netwarpApp.runs.find((r) => r.id === id).status", run_id)
    return status


def test_train_live_scrub_switch_compare(server: str, watched: Any) -> None:
    page = watched.page
    page.goto(server)
    page.wait_for_selector("#dataset option[value=disk_annulus]", state="attached")
    page.select_option("#dataset", "disk_annulus")
    page.fill("#hidden", "3")
    page.fill("#n", "2000")
    page.fill("#batch_size", "8")  # small batches: a few seconds of training to watch
    page.fill("#learning_rate_init", "0.005")
    page.fill("#max_iter", str(EPOCHS))
    page.uncheck("#early_stop")
    page.dispatch_event("#max_iter", "change")
    query = page.evaluate("() => location.search")
    # the configuration is in the URL: what differs from disk_annulus's recommended settings
    assert "dataset=disk_annulus" in query and "n=2000" in query and "hidden" not in query
    assert page.input_value("#hidden") == "3"

    page.click("#train")
    # The view draws epochs while the run trains: two distinct epochs shown while it runs.
    page.wait_for_function(
        """() => {
          const h = document.getElementById('view').__netwarp, app = window.__netwarpApp;
          if (!h || !document.querySelector('#runs .run.running')) return false;
          (app.seenEpochs ||= new Set()).add(h.state.epoch);
          return app.seenEpochs.size >= 2 && h.state.epoch > 0;
        }""", timeout=120_000, polling="raf",
    )  # fmt: skip
    first = page.locator("#runs .run").first.get_attribute("data-id")
    assert first
    assert _wait_done(page, first) == "done"
    _wait_view_epoch(page, EPOCHS)
    assert _epoch(page) == EPOCHS
    # one stream: the scene once, then chunks in order, ending at the last epoch; no view refetch
    frames = page.evaluate("() => window.__netwarpApp.frames.map((f) => f.epoch)")
    assert frames[0] == 0 and frames == sorted(frames) and frames[-1] == EPOCHS and len(frames) >= 3
    assert not [u for u in watched.requests if "/api/view" in u], "the page refetched a run it held"

    # Scrub the finished run with the view's own controls.
    slider = page.locator("#view input[aria-label=epoch]")
    assert slider.get_attribute("max") == str(EPOCHS)
    slider.fill("100")
    page.wait_for_function("() => document.getElementById('view').__netwarp.state.epoch === 100")
    assert "100" in page.locator("#view .nw-epoch").inner_text()
    page.locator("#view input[aria-label=morph]").fill("1.5")
    page.wait_for_function("() => document.getElementById('view').__netwarp.state.morph === 1.5")
    page.wait_for_function("() => location.hash.includes('e=100')")  # the view state lives in the hash

    # A second run; then switch between the two.
    page.select_option("#activation", "relu")
    page.fill("#max_iter", "300")
    page.click("#train")
    page.wait_for_function("() => document.querySelectorAll('#runs .run').length === 2")
    second = page.locator("#runs .run").first.get_attribute("data-id")
    assert second and second != first
    assert _wait_done(page, second) == "done"
    _wait_view_epoch(page, 300)
    assert "relu" in page.locator("#run-title").inner_text()

    page.locator(f"#runs .run[data-id='{first}'] .run-name").click()
    _wait_view_epoch(page, EPOCHS)
    assert "tanh" in page.locator("#run-title").inner_text()
    assert page.locator("#epoch").inner_text() == str(EPOCHS)
    page.locator(f"#runs .run[data-id='{second}'] .run-name").click()
    page.wait_for_function("() => document.getElementById('view').__netwarp.state.epoch === 300")

    # Compare both side by side.
    page.locator(f"#runs .run[data-id='{first}'] input[type=checkbox]").check()
    page.locator(f"#runs .run[data-id='{second}'] input[type=checkbox]").check()
    page.wait_for_function("() => document.getElementById('view').__netwarp.state.compare === true")
    assert page.locator("#view [aria-label='compare']").is_checked()

    # Downloads are real files.
    with page.expect_download() as download:
        page.locator(f"#runs .run[data-id='{first}'] a", has_text=".npz").click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"

    assert not watched.errors, watched.errors
    foreign = [u for u in watched.requests if not u.startswith(server) and not u.startswith(("data:", "blob:"))]
    assert not foreign, foreign


def test_a_link_reproduces_a_run(server: str, watched: Any) -> None:
    page = watched.page
    before = {r["id"] for r in _api(server, "/api/runs")}
    # 1500 points: more than the page trains itself (inpage.js), so the server trains it
    page.goto(server + "?dataset=moons&n=1500&hidden=4,4&activation=relu&max_iter=40&random_state=7&train=1")
    page.wait_for_function("() => document.getElementById('message').textContent.includes('press Train')")
    assert not [r for r in _api(server, "/api/runs") if r["id"] not in before], "a link started work"
    assert page.input_value("#hidden") == "4,4" and "train=1" not in page.evaluate("() => location.search")
    page.click("#train")
    page.wait_for_function(
        "(before) => (window.__netwarpApp.runs || []).some((r) => !before.includes(r.id))", arg=sorted(before)
    )
    new = [r for r in _api(server, "/api/runs") if r["id"] not in before]
    assert len(new) == 1
    cfg = new[0]["config"]
    assert (cfg["dataset"], cfg["hidden"], cfg["activation"], cfg["max_iter"], cfg["random_state"]) == (
        "moons", [4, 4], "relu", 40, 7,
    )  # fmt: skip
    assert page.input_value("#hidden") == "4,4" and "train=1" not in page.evaluate("() => location.search")
    assert not watched.errors, watched.errors


@pytest.mark.parametrize(
    "path",
    ["/app/../serve/api.py", "/app/..%2fapi.py", "/app/%2e%2e/%2e%2e/cli.py", "/static/../_bundle.py",
     "/app/..\\api.py", "/app/app.js/../../api.py", "//etc/passwd", "/app/%00"],
)  # fmt: skip
def test_raw_path_traversal_on_the_real_server(server: str, path: str) -> None:
    host, port = re.match(r"http://([\d.]+):(\d+)/", server).groups()  # type: ignore[union-attr]
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status in (400, 404), (path, r.status)
    assert b"import " not in body and b"root:" not in body


def test_view_keeps_pace_mid_training(server: str, watched: Any, tmp_path: Path) -> None:
    """The app while a run trains: the view shows the newest epoch the stream brought, mid-run."""
    shot = os.environ.get("NETWARP_SERVE_SCREENSHOT") or str(tmp_path / "serve.png")
    page = watched.page
    page.goto(server + "?dataset=disk_annulus&n=2000&hidden=3&activation=relu&batch_size=8&learning_rate_init=0.005"
              "&max_iter=1000&early_stop=0")  # fmt: skip
    page.wait_for_selector("#dataset option[value=disk_annulus]", state="attached")
    page.click("#train")
    page.wait_for_function(
        """() => {
          const h = document.getElementById('view').__netwarp, app = window.__netwarpApp;
          const e = Number(document.getElementById('epoch').textContent);
          return h && document.querySelector('#runs .run.running') && 300 < e && e < 900
            && app.frames.length && h.state.epoch === app.frames.at(-1).epoch;
        }""", timeout=120_000, polling="raf",
    )  # fmt: skip
    page.evaluate("() => document.getElementById('view').__netwarp.nextFrame()")
    page.screenshot(path=shot)
    run_id = page.locator("#runs .run").first.get_attribute("data-id")
    urllib.request.urlopen(urllib.request.Request(f"{server}api/runs/{run_id}", method="DELETE"), timeout=10).close()
    assert not watched.errors, watched.errors
