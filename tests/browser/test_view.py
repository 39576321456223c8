"""The interactive view in real headless Chromium: offline, correct, and interactive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from netwarp.apps.export import export_html
from netwarp.core.trajectory import Trajectory
from netwarp.view import envelope, geometry
from netwarp.view.scene import Scene

pytestmark = pytest.mark.browser
Watched = Any  # tests/browser/conftest.py's Watched: a page with its requests and errors


def points(runs: list[Trajectory]) -> np.ndarray[Any, Any]:
    """The points in the view's order (the scene's: training then test points)."""
    spec = envelope.decode(envelope.encode(Scene.from_trajectories(runs, diagnostics=False)))[1]
    return spec["data"]["X"].reshape(spec["data"]["n"], -1)


def panel(w: Watched, pid: str) -> dict[str, Any]:
    return w.page.evaluate(  # type: ignore[no-any-return]
        """(id) => { const p = window.__netwarp.panels[id];
            return { k: p.k, epoch: p.epoch, t: p.t ?? null, layer: p.layer, width: p.width,
                     coords: Array.from(p.coords), values: Array.from(p.values),
                     jitter: p.jitter ? Array.from(p.jitter) : null, sx: Array.from(p.sx),
                     grid: p.grid ? Array.from(p.grid) : null,
                     sy: Array.from(p.sy) }; }""",
        pid,
    )


def set_range(w: Watched, label: str, value: float) -> None:
    w.page.locator(f'input[aria-label="{label}"]').fill(str(value))
    w.settle()


def test_demo_is_offline_and_clean(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    set_range(watched, "epoch", 10)
    set_range(watched, "morph", 2.5)
    watched.page.locator('select[aria-label="run"]').select_option("2")
    watched.settle()
    assert watched.requests and all(u.startswith("file:") for u in watched.requests[:1])
    assert watched.foreign_requests() == []
    assert watched.errors == []
    ids = watched.hook("Object.keys(h.panels).sort()")
    assert ids == ["r2-l0", "r2-l1", "r2-l2", "r2-morph"]
    assert watched.page.locator('select[aria-label="run"] option').all_inner_texts() == ["tanh", "identity", "relu"]


def test_drawn_positions_match_python(watched: Watched, demo_html: Path, demo_runs: list[Trajectory]) -> None:
    watched.open(demo_html)
    X = points(demo_runs)
    tanh = demo_runs[0]
    jitter = geometry.jitter(len(X))
    lines = geometry.grid(geometry.domain(X), n_samples=401)  # the input line, densely sampled
    for epoch in (0, 100, tanh.n_epochs):
        set_range(watched, "epoch", epoch)
        ref = tanh.forward(X, epoch)
        bent = geometry.push_grid(tanh, lines, epoch)[1].reshape(-1, 2)  # the line, bent
        np.testing.assert_allclose(np.reshape(panel(watched, "r0-l1")["grid"], (-1, 2)), bent, atol=1e-9, rtol=0)
        for layer in range(3):
            p = panel(watched, f"r0-l{layer}")
            assert p["epoch"] == epoch
            np.testing.assert_allclose(np.reshape(p["values"], ref[layer].shape), ref[layer], rtol=0, atol=1e-9)
            np.testing.assert_allclose(np.reshape(p["coords"], ref[layer].shape), ref[layer], rtol=0, atol=1e-9)
            if layer != 1:  # 1-D panels draw the seed's jitter as y
                np.testing.assert_allclose(p["jitter"], jitter, rtol=0, atol=1e-15)
        for t in (0.0, 1.25, 2.5, 3.0, 4.75, 6.0):
            set_range(watched, "morph", t)
            p = panel(watched, "r0-morph")
            want = geometry.embed(geometry.morph(tanh, X, epoch, t), 2)
            assert p["t"] == pytest.approx(t)
            np.testing.assert_allclose(np.reshape(p["coords"], want.shape), want, rtol=0, atol=1e-9)


def test_epoch_and_morph_controls_change_the_drawing(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html, "e=0&m=1")  # at t = 0 the morph shows the input, the same at every epoch
    before = {pid: watched.pixels(pid) for pid in ("r0-l1", "r0-l2", "r0-morph")}
    frame = watched.hook("h.frame")
    set_range(watched, "epoch", 200)
    assert watched.hook("h.frame") > frame
    after = {pid: watched.pixels(pid) for pid in before}
    assert all(before[p] != after[p] for p in before)
    set_range(watched, "morph", 1.5)
    assert watched.pixels("r0-morph") != after["r0-morph"]
    assert watched.pixels("r0-l1") == after["r0-l1"]  # the morph leaves layer panels alone
    assert watched.hook("h.state.epoch") == 200
    watched.page.wait_for_function("() => location.hash.includes('m=1.5')")  # the state lives in the URL


def test_keys_and_play(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html, "e=50")
    page = watched.page
    page.locator(".netwarp").focus()
    page.keyboard.press("ArrowLeft")
    watched.settle()
    assert watched.hook("h.state.epoch") == 49
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    watched.settle()
    assert watched.hook("h.state.epoch") == 51
    page.keyboard.press("Space")
    assert watched.hook("h.state.playing") is True
    page.wait_for_function("() => window.__netwarp.state.epoch >= 56")
    page.keyboard.press("Space")
    stopped = watched.hook("h.state.epoch")
    assert watched.hook("h.state.playing") is False
    page.wait_for_timeout(300)
    assert watched.hook("h.state.epoch") == stopped
    assert page.locator('button[aria-label="play"]').get_attribute("aria-pressed") == "false"


def test_run_selector_and_side_by_side(watched: Watched, demo_html: Path, demo_runs: list[Trajectory]) -> None:
    watched.open(demo_html, "e=20")
    X = points(demo_runs)
    watched.page.locator('select[aria-label="run"]').select_option("1")
    watched.settle()
    assert watched.hook("h.state.run") == 1
    ident = demo_runs[1]
    p = panel(watched, "r1-l1")
    np.testing.assert_allclose(np.reshape(p["values"], (-1, 2)), ident.forward(X, 20)[1], atol=1e-9, rtol=0)
    assert "identity" in watched.page.locator(".nw-rowhead").inner_text()
    watched.page.locator('input[aria-label="compare"]').check()
    set_range(watched, "epoch", 100)
    ids = watched.hook("Object.keys(h.panels)")
    assert {f"r{r}-l1" for r in range(3)} <= set(ids)
    epochs = [panel(watched, f"r{r}-l1")["epoch"] for r in range(3)]
    assert epochs == [min(100, r.n_epochs) for r in demo_runs]  # identity stopped at 33


def test_hover_shows_a_points_values(watched: Watched, demo_html: Path, demo_runs: list[Trajectory]) -> None:
    watched.open(demo_html)
    p = panel(watched, "r0-l1")
    i = 1234
    box = watched.page.locator('[data-panel="r0-l1"] canvas.nw-overlay').bounding_box()
    watched.page.mouse.move(box["x"] + p["sx"][i], box["y"] + p["sy"][i])
    tip = watched.page.locator(".nw-tip")
    tip.wait_for(state="visible")
    hover = watched.hook("h.hover")
    j = hover["index"]
    text = tip.inner_text()
    assert text == hover["text"]
    X = points(demo_runs)
    h1 = demo_runs[0].forward(X)[1][j]
    assert f"point {j} · class " in text
    line = next(s for s in text.splitlines() if s.startswith("hidden layer 1 (tanh):"))
    np.testing.assert_allclose([float(v) for v in line.split(":")[1].split(",")], h1, rtol=1e-3)
    # the nearest point to the cursor is the one under it (or one drawn at the same place)
    assert abs(p["sx"][j] - p["sx"][i]) < 3 and abs(p["sy"][j] - p["sy"][i]) < 3
    watched.page.mouse.move(1, 1)
    tip.wait_for(state="hidden")


def test_3d_panel_rotates_on_drag(watched: Watched, disk_run: Trajectory, tmp_path: Path) -> None:
    path = export_html(disk_run, tmp_path / "disk.html")
    watched.open(path)
    before = panel(watched, "r0-l1")
    assert before["k"] == 3
    pixels = watched.pixels("r0-l1")
    state = watched.hook("h.state")
    box = watched.page.locator('[data-panel="r0-l1"] canvas.nw-overlay').bounding_box()
    mouse = watched.page.mouse
    mouse.move(box["x"] + 60, box["y"] + 100)
    mouse.down()
    mouse.move(box["x"] + 120, box["y"] + 130, steps=5)
    mouse.up()
    watched.settle()
    after = panel(watched, "r0-l1")
    rotated = watched.hook("h.state")
    assert rotated["yaw"] == pytest.approx(state["yaw"] + 0.6, abs=0.02)
    assert rotated["pitch"] == pytest.approx(state["pitch"] + 0.3, abs=0.02)
    assert watched.pixels("r0-l1") != pixels
    assert after["coords"] == before["coords"]  # same data, seen from elsewhere
    assert after["sx"] != before["sx"]
    X = points([disk_run])
    np.testing.assert_allclose(np.reshape(after["coords"], (-1, 3)), disk_run.forward(X)[1], atol=1e-9, rtol=0)
    lattice = geometry.push_grid(disk_run, geometry.grid(geometry.domain(X)), None)[1]  # 22 lines, bent in 3-D
    np.testing.assert_allclose(np.reshape(after["grid"], (-1, 3)), lattice.reshape(-1, 3), atol=1e-9, rtol=0)
    assert watched.errors == []


def test_wide_layer_projection_and_unit_choice(watched: Watched, wide_run: Trajectory, tmp_path: Path) -> None:
    path = export_html(wide_run, tmp_path / "wide.html")
    watched.open(path)
    X = points([wide_run])
    proj = Scene.from_trajectories(wide_run, diagnostics=False).tree()["runs"][0]["projections"][1]
    h = wide_run.forward(X)[1]
    p = panel(watched, "r0-l1")
    assert p["k"] == 3
    want = (h - np.array(proj["mean"])) @ np.array(proj["components"])
    np.testing.assert_allclose(np.reshape(p["coords"], (-1, 3)), want, atol=1e-9, rtol=0)
    watched.page.locator('select[aria-label="projection wide hidden layer 1"]').select_option("u1.4")
    watched.settle()
    p = panel(watched, "r0-l1")
    assert p["k"] == 2
    np.testing.assert_allclose(np.reshape(p["coords"], (-1, 2)), h[:, [1, 4]], atol=1e-9, rtol=0)
    watched.page.wait_for_function("() => location.hash.includes('p=0.1-u1.4')")
    # the softmax output of 3 classes is a 3-D panel
    assert panel(watched, "r0-l2")["k"] == 3
    assert watched.errors == []


def test_hash_sets_the_initial_state(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html, "e=7&r=2&m=4.5&c=0&pts=test&g=0")
    state = watched.hook("h.state")
    assert (state["epoch"], state["run"], state["morph"], state["points"], state["grid"]) == (7, 2, 4.5, "test", False)
    assert watched.page.locator('input[aria-label="epoch"]').input_value() == "7"
    assert watched.page.locator('select[aria-label="run"]').input_value() == "2"
