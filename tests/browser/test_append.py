"""Epochs appended to a live view in real Chromium: ``createLocalModel(envelope)`` then
``model.append(chunk)``, as the web app streams a training run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from live import give_model, live_page

from netwarp.apps.export import page
from netwarp.core.trajectory import Trajectory
from netwarp.view import envelope
from netwarp.view.scene import Scene

pytestmark = pytest.mark.browser
Watched = Any  # tests/browser/conftest.py's Watched: a page with its requests and errors
def send(w: Watched, chunk: bytes) -> None:
    """``model.append(chunk)`` in the page; waits for the view to take it."""
    before = w.hook("h.appended")
    give_model(w.page, "append(b)", chunk)
    w.page.wait_for_function(f"() => window.__netwarp.appended > {before}")
    w.settle()


def test_appended_epochs_grow_the_slider_and_keep_the_hash(
    watched: Watched, demo_runs: list[Trajectory], tmp_path: Path
) -> None:
    traj = demo_runs[0]
    d = traj.data
    assert d is not None and traj.n_epochs > 40
    X = np.concatenate([d.X_train, d.X_test])
    scene = Scene(X, np.concatenate([d.y_train, d.y_test]), [traj])
    part = lambda a, b: (traj.params[a:b], traj.loss[a:b], traj.train_score[a:b], traj.test_score[a:b])  # noqa: E731
    scene.append(0, *part(0, 5))
    watched.open(live_page(envelope.encode(scene), tmp_path / "live.html", "live"))
    slider = watched.page.locator('input[aria-label="epoch"]')
    assert slider.get_attribute("max") == "4" and slider.input_value() == "4"
    watched.page.wait_for_function("() => location.hash.includes('e=4')")  # named from the first frame on
    watched.page.evaluate("() => { window.__canvas = document.querySelector('[data-panel=\"r0-l1\"] canvas'); }")

    # following the newest epoch: the view moves on with the run
    send(watched, envelope.encode_chunk(scene.append(0, *part(5, 10))))
    assert slider.get_attribute("max") == "9" and watched.hook("h.state.epoch") == 9
    watched.page.wait_for_function("() => location.hash.includes('e=9')")
    values = np.reshape(watched.hook("Array.from(h.panels['r0-l1'].values)"), (-1, 2))
    np.testing.assert_allclose(values, traj.forward(X, 9)[1], atol=1e-9, rtol=0)

    # scrubbed back: the view stays where the user put it while epochs arrive
    watched.hook("h.set({ epoch: 3 })")
    watched.settle()
    send(watched, envelope.encode_chunk(scene.append(0, *part(10, 20))))
    send(watched, envelope.encode_chunk(scene.append(0, *part(20, traj.n_epochs + 1))))
    assert slider.get_attribute("max") == str(traj.n_epochs) and watched.hook("h.state.epoch") == 3
    assert slider.input_value() == "3"
    watched.page.wait_for_function("() => location.hash.includes('e=3')")
    assert watched.hook("h.appended") == traj.n_epochs - 4

    # the appended epochs are drawn exactly; the panels were kept, not rebuilt
    watched.hook("h.set({ epoch: 30, morph: 1.5 })")
    watched.settle()
    values = np.reshape(watched.hook("Array.from(h.panels['r0-l1'].values)"), (-1, 2))
    np.testing.assert_allclose(values, traj.forward(X, 30)[1], atol=1e-9, rtol=0)
    assert watched.page.evaluate("() => window.__canvas === document.querySelector('[data-panel=\"r0-l1\"] canvas')")
    bounds = watched.hook("h.panels['r0-l1'].bounds")
    assert bounds == scene.view_data(0)["bounds"][1]  # the delta's grown bounds
    assert watched.page.locator('[data-panel="r0-l1"] .nw-diag').inner_text()
    assert watched.errors == []


def test_a_page_storing_fewer_epochs_steps_over_them(
    watched: Watched, demo_runs: list[Trajectory], tmp_path: Path
) -> None:
    traj = demo_runs[0]
    scene = Scene.from_trajectories(traj)
    stored = [int(e) for e in scene.run_tree(0, max_rows=20)["epochs"]]
    path = tmp_path / "thin.html"
    path.write_text(page(envelope.encode(scene, store=lambda n_params: 20), title="thin"))
    start = stored[11]  # past the head of every early epoch
    watched.open(path, f"e={start}")
    assert watched.hook("h.state.epoch") == start
    label = watched.page.locator(".nw-epoch").inner_text()
    assert f"{len(stored)} stored epochs" in label
    watched.page.locator(".netwarp").focus()
    watched.page.keyboard.press("ArrowRight")
    watched.settle()
    after = stored[12]
    assert after > start + 1 and watched.hook("h.state.epoch") == after  # the next stored epoch
    X = np.concatenate([traj.data.X_train, traj.data.X_test])  # type: ignore[union-attr]
    values = np.reshape(watched.hook("Array.from(h.panels['r0-l1'].values)"), (-1, 2))
    np.testing.assert_allclose(values, traj.forward(X, after)[1], atol=1e-9, rtol=0)
    watched.page.locator('input[aria-label="epoch"]').fill(str(after + 1))  # between two stored epochs
    watched.settle()
    assert watched.hook("h.state.epoch") in stored
    assert watched.errors == []
