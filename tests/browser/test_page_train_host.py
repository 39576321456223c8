"""The in-page trainer with its host: a host that replaces the view's scene (a new envelope) gets
a trainer on the new scene, the old one stopped; a run trained in the page says that its
read-out is not measured instead of showing none or old numbers; an edited recorded run says its
read-out predates the edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live import give_model, live_page

from netwarp.core.trajectory import Trajectory
from netwarp.view import envelope, vocabulary
from netwarp.view.scene import Scene

pytestmark = pytest.mark.browser
Watched = Any  # tests/browser/conftest.py's Watched
NOTES = vocabulary.WORDS["notes"]


def cross_enabled(w: Watched, label: str) -> bool:
    return not w.page.get_by_role("checkbox", name=label, exact=True).is_disabled()


def test_a_new_envelope_gets_a_trainer_on_the_new_scene(
    watched: Watched, disk_run: Trajectory, demo_runs: list[Trajectory], tmp_path: Path
) -> None:
    w = watched
    w.open(live_page(envelope.encode(Scene.from_trajectories(disk_run)), tmp_path / "host.html", "host"))
    assert cross_enabled(w, "x2²")  # 2-D points: every cross
    w.page.evaluate("() => { window.__old = window.__netwarp.trainer; window.__old.play(); }")
    w.page.wait_for_function("() => window.__old.stats.epochs >= 3")
    one_d = envelope.encode(Scene.from_trajectories(demo_runs[0]))
    give_model(w.page, "set('envelope', b)", one_d)
    w.page.wait_for_function("() => window.__netwarp.trainer !== window.__old")
    assert w.page.evaluate("() => window.__old.playing") is False  # the old trainer stopped
    assert w.page.locator(".nw-trainbar").count() == 1
    assert not cross_enabled(w, "x2²") and cross_enabled(w, "x1²")  # the new scene's 1-D points
    w.hook("h.trainer.step(1)")
    # the page run is the new scene's 1-2-1 network (7 parameters a row), epochs 0 and 1
    assert w.hook("h.trainer.paramsOf().length") == 2 * 7
    assert not w.errors, w.errors


def test_page_runs_and_edited_runs_say_what_their_read_out_is(watched: Watched, disk_run: Trajectory,
                                                              tmp_path: Path) -> None:
    w = watched
    w.open(live_page(envelope.encode(Scene.from_trajectories(disk_run)), tmp_path / "host.html", "host"))
    diag = w.page.locator("[data-panel='r0-l1'] .nw-diag")
    assert "%" in diag.inner_text() and NOTES["edited"] not in diag.inner_text()
    w.hook("h.setParam(0, 0, 0, 0, 2.5)")  # a recorded run edited by hand
    w.settle()
    assert NOTES["edited"] in diag.inner_text()
    w.hook("h.restoreParams()")
    w.settle()
    assert NOTES["edited"] not in diag.inner_text()
    w.hook("h.trainer.reset()")  # a page run: nothing measured, and the view says so
    w.hook("h.trainer.step(2)")
    w.settle()
    r = w.hook("h.trainer.runIndex")
    texts = w.page.locator(f"[data-panel^='r{r}-l'] .nw-diag").all_inner_texts()
    assert texts and texts[0] == NOTES["page_run"] and "%" not in "".join(texts)
    assert not w.errors, w.errors
