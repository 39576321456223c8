"""The web app's own defects, in headless Chromium against a real ``netwarp serve``: the header
agrees with the view (run, epoch, loss, accuracy shown), a comparison's header names every
compared run, runs get distinct names, "side by side" is side by side on a desktop and
stacked on a phone, captions are never cut, every control has a name, and a phone-sized
viewport has no sideways overflow with the Train button in reach."""

from __future__ import annotations

from typing import Any

import pytest
from a11y import overflow, unnamed
from test_serve_e2e import server  # noqa: F401  (the fixture: a real server on a free port)

pytest.importorskip("fastapi")
pytestmark = [pytest.mark.browser, pytest.mark.slow]
HOOK = "document.getElementById('view').__netwarp"


def train(page: Any, n_done: int, **fields: str) -> None:
    """Fill the form's ``fields`` (input id -> text), press Train, wait until ``n_done`` runs are done."""
    for key, value in fields.items():
        page.fill(f"#{key}", value)
    page.click("#train")
    page.wait_for_function("(n) => document.querySelectorAll('#runs .run.done').length >= n", arg=n_done,
                           timeout=120_000)  # fmt: skip


def header(page: Any) -> dict[str, str]:
    return {k: page.inner_text(f"#{k}") for k in ("run-title", "epoch", "loss", "acc")}


def test_header_follows_the_view_and_compare_names_every_run(server: str, watched: Any) -> None:  # noqa: F811
    page = watched.page
    # 1500 points: more than the page trains itself (inpage.js), so these are server runs
    page.goto(server + "?dataset=moons&n=1500&hidden=8&max_iter=40&early_stop=0")
    page.wait_for_selector("#dataset option[value=moons]", state="attached")
    train(page, 1, learning_rate_init="0.01")
    train(page, 2, learning_rate_init="0.05")
    train(page, 3, learning_rate_init="0.05")  # the same settings again
    names = page.eval_on_selector_all("#runs .run-name", "els => els.map((e) => e.textContent)")
    assert len(set(names)) == 3, names  # distinct names

    # The header shows the run, epoch, loss and accuracy the view shows, also after scrubbing.
    page.wait_for_function(f"() => {HOOK} && {HOOK}.state.epoch === 40")
    page.locator("#view input[aria-label=epoch]").fill("7")
    page.wait_for_function("() => document.getElementById('epoch').textContent === '7'")
    shown = page.evaluate(f"() => {{ const c = {HOOK}.charts[0]; return [c.epoch, c.loss, c.train, c.test]; }}")
    selected = page.evaluate("() => window.__netwarpApp.runs.find((r) => r.id === window.__netwarpApp.selected).name")
    head = header(page)
    assert shown[0] == 7 and head["run-title"] == selected
    assert head["loss"] == f"{shown[1]:.4f}" and head["acc"] == f"{shown[2]:.3f} / {shown[3]:.3f}"

    # Compare two runs: the header names both, with each one's numbers; the views stand side by side.
    boxes = page.locator("#runs input[type=checkbox]")
    boxes.nth(1).check()
    boxes.nth(2).check()
    page.wait_for_function(f"() => {HOOK} && {HOOK}.state.compare === true && Object.keys({HOOK}.charts).length === 2")
    pair = page.evaluate("() => { const app = window.__netwarpApp;"
                         " return app.compare.map((id) => app.runs.find((r) => r.id === id).name); }")  # fmt: skip
    head = header(page)
    assert len(set(pair)) == 2 and all(name in head["run-title"] for name in pair), (pair, head)
    assert all(name in head["loss"] and name in head["acc"] for name in pair)
    rows = page.eval_on_selector_all("#view .nw-row", "els => els.map((e) => e.getBoundingClientRect().toJSON())")
    assert len(rows) == 2 and abs(rows[0]["y"] - rows[1]["y"]) < 2 and rows[1]["x"] >= rows[0]["x"] + rows[0]["width"]

    # Unticking the view's own "side by side" shows one run: so does the header.
    page.locator("#view input[aria-label=compare]").uncheck()
    page.wait_for_function("(name) => document.getElementById('run-title').textContent === name", arg=pair[0])
    page.locator("#view input[aria-label=compare]").check()
    page.wait_for_function("(n) => document.getElementById('run-title').textContent.includes(' vs ')", arg=pair[1])

    # No caption is cut: every caption and run name shows its whole text.
    cut = page.evaluate("""() => [...document.querySelectorAll('.nw-cap, .run-name, #run-title, figcaption')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis')
        .map((e) => e.textContent)""")  # fmt: skip
    assert not cut, cut
    snap = page.locator("body").aria_snapshot()
    assert not unnamed(snap), unnamed(snap)

    # On a phone: stacked, nothing sideways, the Train button in reach while the form scrolls.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(f"() => {HOOK}.nextFrame()")
    rows = page.eval_on_selector_all("#view .nw-row", "els => els.map((e) => e.getBoundingClientRect().toJSON())")
    assert abs(rows[0]["x"] - rows[1]["x"]) < 2 and rows[1]["y"] > rows[0]["y"]
    width, view = overflow(page)
    assert width <= view, f"the app is {width} px wide in a {view} px viewport"
    page.evaluate("() => window.scrollTo(0, 300)")
    box = page.locator("#train").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert not watched.errors, watched.errors
