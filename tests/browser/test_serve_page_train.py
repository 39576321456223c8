"""The web app trains a small run in the page: the server only sends its points (POST
/api/page-scene) and queues nothing; the view trains it live and it downloads as a trajectory."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest

import netwarp

pytest.importorskip("fastapi")

from test_serve_e2e import _api, server  # noqa: F401  (the module's server fixture)


def test_a_small_run_trains_in_the_page(server: str, watched: Any, tmp_path: Path) -> None:  # noqa: F811
    page = watched.page
    before = _api(server, "/api/runs")
    page.goto(server + "?dataset=xor&hidden=4,4&max_iter=60&early_stop=0")
    page.wait_for_selector("#dataset option[value=xor]", state="attached")
    page.click("#train")
    hook = "document.getElementById('view').__netwarp"
    page.wait_for_function(f"() => {{ const h = {hook}; return h && h.trainer.stats.epochs >= 1; }}")
    assert _api(server, "/api/runs") == before  # nothing queued on the server
    view = page.locator("#view")  # the app has a Pause of its own, for server runs
    view.get_by_role("button", name="Play", exact=True).wait_for()  # it stops after max_iter
    assert page.evaluate(f"() => {hook}.trainer.runIndex") == 0  # the untrained placeholder gave way
    assert page.evaluate(f"() => {hook}.trainer.settings().hidden") == [4, 4]
    assert page.evaluate(f"() => {hook}.state.epoch") == 60
    # the header takes the server runs' path, fed from the view: scrubbing moves its numbers too
    view.locator("input[aria-label=epoch]").fill("7")
    page.wait_for_function("() => document.getElementById('epoch').textContent === '7'")
    chart = f"{hook}.charts[{hook}.state.run]"
    shown = page.evaluate(f"() => {{ const c = {chart}; return [c.epoch, c.loss, c.train, c.test]; }}")
    head = page.evaluate("() => ['epoch-of', 'loss', 'acc'].map((id) => document.getElementById(id).textContent)")
    assert shown[0] == 7 and head == [" / 60", f"{shown[1]:.4f}", f"{shown[2]:.3f} / {shown[3]:.3f}"], (shown, head)
    assert page.locator("#progress-bar").evaluate("(e) => [e.style.width, e.className]") == ["100%", "done"]
    assert page.locator("#pause").is_disabled() and page.locator("#cancel").is_disabled()  # they act on server runs
    # the app's form is where settings change: the view shows its run bar, not a second settings bar
    assert view.locator(".nw-trainbar").is_visible() and view.locator(".nw-settings").is_hidden()
    with page.expect_download() as info:
        view.get_by_role("button", name="Download run", exact=True).click()
    info.value.save_as(tmp_path / "page.npz")
    traj = netwarp.load(tmp_path / "page.npz")
    assert traj.layer_sizes == (2, 4, 4, 1) and traj.n_epochs == 60
    d = netwarp.data.datasets.load("xor")
    assert traj.data is not None and len(traj.data.X_train) == len(d.X_train)  # the server's points
    assert not watched.errors, watched.errors


def test_the_form_offers_the_feature_crosses_of_the_table(server: str, watched: Any, tmp_path: Path) -> None:  # noqa: F811
    page = watched.page
    table = _api(server, "/api/spec")
    page.goto(server + "?dataset=xor&hidden=3&max_iter=20&early_stop=0&crosses=x1x2")
    page.wait_for_selector("#dataset option[value=xor]", state="attached")
    group = page.get_by_role("group", name="Feature crosses", exact=True)
    labels = [b.get_attribute("aria-label") for b in group.get_by_role("checkbox").all()]
    assert labels == [f["label"] for f in table["crosses"].values()]  # from the table, in its order
    assert group.get_by_role("checkbox", name="x1·x2", exact=True).is_checked()  # from the link
    group.get_by_role("checkbox", name="x1²", exact=True).check()
    assert "crosses=x1sq%2Cx1x2" in page.url or "crosses=x1sq,x1x2" in page.url  # the link follows the form
    page.click("#train")
    hook = "document.getElementById('view').__netwarp"
    page.wait_for_function(f"() => {{ const h = {hook}; return h && h.trainer.stats.epochs >= 20; }}")
    assert page.evaluate(f"() => {hook}.trainer.settings().crosses") == ["x1sq", "x1x2"]
    # the header names the page run and follows the view (not "No run yet")
    page.wait_for_function(f"() => document.getElementById('epoch').textContent === String({hook}.state.epoch)")
    assert page.locator("#run-title").inner_text().startswith("page")
    assert "in this page" in page.locator("#run-detail").inner_text()
    with page.expect_download() as info:
        page.locator("#view").get_by_role("button", name="Download run", exact=True).click()
    info.value.save_as(tmp_path / "crossed.npz")
    traj = netwarp.load(tmp_path / "crossed.npz")
    assert traj.layer_sizes == (2, 4, 3, 1) and traj.activations[0] == "features:x1sq,x1x2"
    assert not watched.errors, watched.errors


def test_a_page_run_takes_over_the_header_from_a_paused_server_run(server: str, watched: Any) -> None:  # noqa: F811
    page = watched.page
    # a server run (more points than the page trains), paused: the header offers to resume it
    page.goto(server + "?dataset=moons&n=5000&hidden=32,32&max_iter=3000&early_stop=0")
    page.wait_for_selector("#dataset option[value=moons]", state="attached")
    page.click("#train")
    page.wait_for_selector("#pause:enabled")
    page.click("#pause")
    page.wait_for_function("() => document.getElementById('pause').textContent === 'Resume'")
    run_id = page.evaluate("() => window.__netwarpApp.selected")
    # then a small run trains in the page: the header describes it, and the server run's buttons go
    page.fill("#n", "300")
    page.fill("#hidden", "4")
    page.fill("#max_iter", "30")
    page.click("#train")
    hook = "document.getElementById('view').__netwarp"
    page.wait_for_function(f"() => {{ const h = {hook}; return h && h.trainer && h.trainer.stats.epochs >= 1; }}")
    page.wait_for_function("() => document.getElementById('run-title').textContent.startsWith('page')")
    assert "in this page" in page.locator("#run-detail").inner_text()
    assert page.locator("#pause").is_disabled() and page.locator("#cancel").is_disabled()
    request = urllib.request.Request(f"{server}api/runs/{run_id}/cancel", method="POST")
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200
    assert not watched.errors, watched.errors
