"""The network diagram, weight editing, the decision boundary and dead units in an exported page
(offline, file://, real headless Chromium)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from netwarp.apps.export import export_html
from netwarp.core.trajectory import Trajectory

pytestmark = pytest.mark.browser
Watched = Any  # tests/browser/conftest.py's Watched

EDGE = '[role="slider"][aria-label="Weight from x1 to h1.1"]'
INK = (192, 20, 60)  # boundary.js INK


def ink_pixels(w: Watched, pid: str) -> int:
    """How many pixels of panel `pid`'s boundary layer are drawn in the boundary's colour."""
    return int(w.page.evaluate(
        """([id, ink]) => {
            const c = document.querySelector(`[data-panel="${id}"] canvas.nw-bdry`);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
              if (d[i + 3] > 100 && Math.abs(d[i] - ink[0]) < 40 && Math.abs(d[i + 1] - ink[1]) < 40
                  && Math.abs(d[i + 2] - ink[2]) < 40) n++;
            }
            return n;
        }""", [pid, list(INK)]))  # fmt: skip


def coords(w: Watched, pid: str) -> list[float]:
    return list(w.hook(f"Array.from(h.panels['{pid}'].coords)"))


def test_diagram_draws_units_and_weights_with_names(
    watched: Watched, demo_html: Path, demo_runs: list[Trajectory]
) -> None:
    watched.open(demo_html)
    fig = watched.page.locator('[data-panel="r0-net"]')
    names = [g.get_attribute("aria-label") for g in fig.locator('[role="slider"]').all()]
    assert names == ["Weight from x1 to h1.1", "Weight from x1 to h1.2", "Weight from h1.1 to out",
                     "Weight from h1.2 to out", "Bias of h1.1", "Bias of h1.2", "Bias of out"]  # fmt: skip
    units = [b.get_attribute("aria-label") for b in fig.locator("button.nw-unit").all()]
    assert units[0].startswith("Unit x1 (input)") and units[1].startswith("Unit h1.1 (tanh)") and len(units) == 4
    tanh = demo_runs[0]
    W = tanh.coefs(tanh.n_epochs)
    now = float(fig.locator(EDGE).get_attribute("aria-valuenow"))
    assert now == pytest.approx(W[0][0, 0], rel=1e-12)
    # sized by magnitude: the largest |w| is drawn widest
    widths = [float(g.locator(".nw-line").get_attribute("stroke-width")) for g in fig.locator("g.nw-edge").all()]
    mags = [abs(W[0][0, 0]), abs(W[0][0, 1]), abs(W[1][0, 0]), abs(W[1][1, 0])]
    assert widths.index(max(widths)) == mags.index(max(mags))
    # a thumbnail per unit, painted from the parameters
    painted = watched.page.evaluate("""() => [
        ...document.querySelectorAll('[data-panel="r0-net"] button.nw-unit canvas')]
        .map((c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; })""")
    assert len(painted) == 4 and min(painted) > 0
    assert watched.errors == [] and watched.foreign_requests() == []


def test_hover_shows_the_weight(watched: Watched, demo_html: Path, demo_runs: list[Trajectory]) -> None:
    watched.open(demo_html)
    edge = watched.page.locator(EDGE)
    box = edge.bounding_box()
    watched.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = watched.page.locator(".nw-tip")
    tip.wait_for(state="visible")
    value = watched.hook("h.getParam(0, 0, 0, 0)")
    assert tip.inner_text().startswith("Weight from x1 to h1.1: ")
    assert float(tip.inner_text().split(": ")[1]) == pytest.approx(value, rel=1e-3)
    assert edge.locator("title").text_content() == tip.inner_text()  # the accessible title says it too


def test_keyboard_edit_deforms_the_hidden_layer(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    before = watched.pixels("r0-l1")
    pts = coords(watched, "r0-l1")
    w0 = watched.hook("h.getParam(0, 0, 0, 0)")
    watched.page.locator(EDGE).focus()
    epoch = watched.hook("h.state.epoch")
    watched.page.keyboard.press("ArrowUp")
    watched.settle()
    assert watched.hook("h.getParam(0, 0, 0, 0)") == pytest.approx(w0 + 0.1)
    assert watched.hook("h.state.epoch") == epoch  # the arrow edited the weight, not the epoch
    assert watched.pixels("r0-l1") != before and coords(watched, "r0-l1") != pts
    x = watched.page.evaluate("() => window.__netwarp.panels['r0-l0'].coords[0]")
    h1 = watched.hook("h.panels['r0-l1'].coords[0]")
    b = watched.hook("h.getParam(0, 0, -1, 0)")
    assert h1 == pytest.approx(math.tanh(x * (w0 + 0.1) + b))  # recomputed from the edit
    watched.page.keyboard.press("Shift+ArrowDown")
    watched.settle()
    assert watched.hook("h.getParam(0, 0, 0, 0)") == pytest.approx(w0 - 0.9)
    restore = watched.page.get_by_role("button", name="Restore recorded weights")
    restore.click()
    watched.settle()
    assert watched.hook("h.getParam(0, 0, 0, 0)") == w0 and watched.pixels("r0-l1") == before
    assert watched.errors == []


def test_dragging_a_weight_edits_it_and_tells_listeners(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    watched.page.evaluate("() => { window.__edits = []; window.__netwarp.onParamEdit((e) => window.__edits.push(e)); }")
    before = watched.pixels("r0-l1")
    w0 = watched.hook("h.getParam(0, 0, 0, 1)")
    box = watched.page.locator('[aria-label="Weight from x1 to h1.2"]').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    watched.page.mouse.move(x, y)
    watched.page.mouse.down()
    watched.page.mouse.move(x, y - 40, steps=4)
    watched.page.mouse.up()
    watched.settle()
    w1 = watched.hook("h.getParam(0, 0, 0, 1)")
    assert w1 > w0 + 0.1  # dragged up: larger
    assert watched.pixels("r0-l1") != before
    edits = watched.page.evaluate("() => window.__edits")
    assert edits and edits[-1]["layer"] == 0 and edits[-1]["i"] == 0 and edits[-1]["j"] == 1
    assert edits[-1]["value"] == pytest.approx(w1)
    assert watched.errors == []


def test_boundary_in_input_and_last_hidden_space(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    b = watched.hook("h.boundary")
    assert b["r0-l0"]["carried"] == 2  # the two thresholds on the input line around the middle third
    assert b["r0-l1"]["line"] > 10 and b["r0-l1"]["carried"] == 2  # the separating line, the thresholds on it
    assert b["r0-morph"]["carried"] == 2
    assert ink_pixels(watched, "r0-l0") > 100 and ink_pixels(watched, "r0-l1") > 100
    watched.page.locator('input[aria-label="morph"]').fill("1.5")
    watched.settle()
    assert watched.hook("h.boundary['r0-morph'].carried") == 2 and ink_pixels(watched, "r0-morph") > 10
    watched.page.locator('input[aria-label="decision boundary"]').uncheck()
    watched.settle()
    assert ink_pixels(watched, "r0-l0") == 0 and ink_pixels(watched, "r0-l1") == 0
    assert watched.errors == []


def test_separating_plane_in_a_3d_last_hidden_layer(watched: Watched, disk_run: Trajectory, tmp_path: Path) -> None:
    watched.open(export_html([disk_run], tmp_path / "disk.html"))
    b = watched.hook("h.boundary")
    assert b["r0-l1"]["plane"] >= 3  # the output unit's plane w·h + b = 0 cut by the box
    assert b["r0-l0"]["carried"] > 10 and b["r0-l1"]["carried"] > 10  # the input's curve and its image
    assert ink_pixels(watched, "r0-l1") > 100
    watched.page.locator('[data-panel="r0-net"] button.nw-unit[title="h1.2"]').click()
    watched.settle()
    assert watched.hook("h.boundary['r0-l1'].axis") is True
    assert watched.hook("h.diagram[0].highlight.unit") == 1
    assert watched.errors == []


def test_dead_relu_unit_is_flagged(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html, "r=2&e=0")
    note = watched.page.locator('[data-panel="r2-l1"] .nw-dead')
    assert "unit 1 is dead (zero on every training point, dead since epoch 0)" in note.inner_text()
    dead = watched.page.locator('[data-panel="r2-net"] button.nw-unit[title="h1.1"]')
    assert "dead since epoch 0" in dead.get_attribute("aria-label")
    assert watched.hook("h.dead[2].layers") == [[0]]
    # revive it by hand: a large bias makes it positive on every point
    watched.hook("h.setParam(2, 0, -1, 0, 3)")
    watched.settle()
    assert watched.hook("h.dead[2].layers") == [[]] and not note.is_visible()
    assert watched.errors == []


def test_diagram_fits_a_phone(browser: Any, demo_html: Path, tmp_path: Path) -> None:
    import warnings

    import netwarp

    d = netwarp.data.datasets.load("blobs", n=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, hidden=(4, 4, 4), max_iter=3)
    deep = export_html([t], tmp_path / "deep.html")  # 2-4-4-4-3: five columns of units
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in (demo_html, deep):
        page.goto(path.as_uri())
        page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")
        right = page.evaluate("() => document.querySelector('[data-panel=\"r0-net\"]').getBoundingClientRect().right")
        assert 200 < right <= 390
    page.close()


def test_epoch_0_readouts_tell_the_story(watched: Watched, demo_html: Path, demo_runs: list[Trajectory]) -> None:
    """tanh at initialisation: the hidden layer already separates the classes for a linear
    read-out, the output layer (test accuracy 1/3) has yet to learn to read it; the panels say so."""
    watched.open(demo_html, "e=0")
    out = watched.page.locator('[data-panel="r0-l2"] .nw-diag').inner_text()
    assert "test accuracy 33.1 %" in out and "a read-out of hidden layer 1 gets 99.67 %" in out
    assert demo_runs[0].test_score[0] == pytest.approx(0.331, abs=5e-4)
    hidden = watched.page.locator('[data-panel="r0-l1"] .nw-diag').inner_text()
    assert "linear read-out (test) 99.67 %" in hidden and "★" in hidden
    assert watched.errors == []
