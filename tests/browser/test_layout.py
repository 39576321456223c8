"""A layout people can use, on the exported page and the essay page, in headless Chromium:
panels follow the window and the pixel ratio, any panel can be enlarged or made full-screen
(Escape returns), a phone-sized viewport has no sideways overflow and keeps the epoch
controls in reach, every control has an accessible name and works by keyboard, and every
control and figure has its explanation at hand (the one table in netwarp.view.vocabulary)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from a11y import focus_ring, interactive_count, overflow, unnamed

from netwarp.apps.cli import main
from netwarp.view.vocabulary import HELP

pytestmark = pytest.mark.browser
Watched = Any  # tests/browser/conftest.py's Watched: a page with its requests and errors
PHONE = {"width": 390, "height": 844}
CANVAS = "[data-panel='{}'] canvas.nw-canvas"


def canvas_size(w: Watched, pid: str) -> dict[str, float]:
    """A panel canvas's CSS size and its backing store size (device pixels)."""
    return w.page.evaluate(  # type: ignore[no-any-return]
        """(sel) => { const c = document.querySelector(sel); const r = c.getBoundingClientRect();
            return { css: r.width, cssH: r.height, px: c.width, pxH: c.height, dpr: window.devicePixelRatio }; }""",
        CANVAS.format(pid),
    )


def wait_css_width(w: Watched, pid: str, test: str) -> None:
    """Wait until the panel's canvas CSS width ``w`` satisfies ``test`` (a JS expression in w)."""
    w.page.wait_for_function(
        f"(sel) => {{ const w = document.querySelector(sel).getBoundingClientRect().width; return {test}; }}",
        arg=CANVAS.format(pid),
    )
    w.settle()


def inked(w: Watched, pid: str) -> int:
    return int(w.page.evaluate(
        """(sel) => { const c = document.querySelector(sel);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""",
        CANVAS.format(pid),
    ))  # fmt: skip


def test_panels_follow_the_window(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    wide = canvas_size(watched, "r0-l1")
    assert wide["px"] == round(wide["css"] * wide["dpr"]) and wide["css"] > 200
    watched.page.set_viewport_size({"width": 600, "height": 900})
    wait_css_width(watched, "r0-l1", f"Math.abs(w - {wide['css']}) > 20")
    narrow = canvas_size(watched, "r0-l1")
    assert narrow["px"] == round(narrow["css"] * narrow["dpr"])  # redrawn at its new size, not scaled
    assert inked(watched, "r0-l1") > 1000
    assert not watched.errors, watched.errors


def test_crisp_at_the_device_pixel_ratio(browser: Any, demo_html: Path) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(demo_html.as_uri())
    page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")
    size = page.evaluate("""() => { const c = document.querySelector("[data-panel='r0-l1'] canvas.nw-canvas");
        return [c.width, c.getBoundingClientRect().width]; }""")  # fmt: skip
    context.close()
    assert size[0] == round(2 * size[1])


def test_enlarge_and_escape(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    page = watched.page
    before = canvas_size(watched, "r0-l1")["css"]
    button = page.get_by_role("button", name=re.compile(r"^Enlarge hidden layer 1"))
    button.click()
    wait_css_width(watched, "r0-l1", f"w > 1.5 * {before}")
    assert button.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Escape")  # focus is on the button, inside the panel
    wait_css_width(watched, "r0-l1", f"Math.abs(w - {before}) < 2")
    assert inked(watched, "r0-l1") > 1000
    assert not watched.errors, watched.errors


@pytest.mark.parametrize("api", [True, False], ids=["fullscreen-api", "overlay-fallback"])
def test_full_screen(watched: Watched, demo_html: Path, api: bool) -> None:
    page = watched.page
    if not api:
        page.add_init_script("delete Element.prototype.requestFullscreen;")
    watched.open(demo_html)
    before = canvas_size(watched, "r0-l1")["css"]
    page.get_by_role("button", name=re.compile(r"^Full screen hidden layer 1")).click()
    page.wait_for_function(
        "() => { const f = document.querySelector(\"[data-panel='r0-l1']\");"
        " return document.fullscreenElement === f || f.classList.contains('nw-full'); }"
    )
    wait_css_width(watched, "r0-l1", "w > 0.8 * window.innerWidth")
    if api:
        page.evaluate("() => document.exitFullscreen()")  # what Escape does in the browser's full screen
    else:
        page.keyboard.press("Escape")
    wait_css_width(watched, "r0-l1", f"Math.abs(w - {before}) < 2")
    assert not watched.errors, watched.errors


def test_every_control_has_a_name(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    page = watched.page
    page.locator('input[aria-label="compare"]').check()  # every run's panels and tools
    watched.settle()
    snap = page.locator("body").aria_snapshot()
    assert interactive_count(snap) > 40
    assert not unnamed(snap), unnamed(snap)
    names = [page.get_by_role(r, name=n, exact=True).count() for r, n in
             (("button", "play"), ("slider", "epoch"), ("slider", "morph"), ("combobox", "run"))]  # fmt: skip
    assert names == [1, 1, 1, 1]
    trainer = [page.get_by_role(r, name=n, exact=True).count() for r, n in
               (("button", "Play"), ("button", "Step"), ("button", "Reset"), ("button", "Download run"),
                ("combobox", "Dataset"), ("textbox", "Hidden layers"), ("group", "Feature crosses"))]  # fmt: skip
    assert trainer == [1] * 7  # the trainer's bar is in the audit too
    rows = page.eval_on_selector_all(".nw-row", "els => els.map((e) => e.getBoundingClientRect().toJSON())")
    assert len(rows) == 3 and len({round(r["y"]) for r in rows}) == 1  # side by side on a desktop


def test_keyboard(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html, "e=50")
    page = watched.page
    seen: list[str] = []
    for _ in range(80):  # tab through the page: every stop shows where the focus is
        page.keyboard.press("Tab")
        label = page.evaluate("() => document.activeElement.getAttribute('aria-label') || document.activeElement.id")
        assert focus_ring(page), f"no visible focus on {label}"
        seen.append(label)
        if label == "epoch":
            break
    assert "epoch" in seen and "play" in seen
    page.keyboard.press("ArrowLeft")  # the focused epoch slider
    page.wait_for_function("() => window.__netwarp.state.epoch === 49")
    page.keyboard.press("Shift+Tab")  # the epoch's "?" button: Enter opens its note
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "play"
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__netwarp.state.playing === true")
    page.keyboard.press("Space")
    page.wait_for_function("() => window.__netwarp.state.playing === false")
    enlarge = page.get_by_role("button", name=re.compile(r"^Enlarge input"))
    enlarge.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector(\"[data-panel='r0-l0']\").classList.contains('nw-big')")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector(\"[data-panel='r0-l0']\").classList.contains('nw-big')")
    assert not watched.errors, watched.errors


def test_help_at_hand(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    page = watched.page
    untitled = page.evaluate("""() => [...document.querySelectorAll('.nw-bar :is(button, select, input)')]
        .filter((e) => !e.title && !e.closest('label')?.title).map((e) => e.getAttribute('aria-label'))""")
    assert not untitled, untitled  # every control has its explanation as a tooltip
    assert page.locator('input[aria-label="epoch"]').get_attribute("title") == HELP["epoch"]
    button = page.get_by_role("button", name="Help: morph", exact=True)
    button.click()
    note = page.get_by_role("note")
    assert note.is_visible() and HELP["morph"] in note.inner_text()
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert note.is_hidden() and button.get_attribute("aria-expanded") == "false"
    # the numbers under a layer: kind, det W, separability, stretch
    page.get_by_role("button", name=re.compile(r"^Help: the numbers under hidden layer 1")).first.click()
    text = page.get_by_role("note").inner_text()
    assert all(HELP[k] in text for k in ("determinant", "readout", "stretch", "homeomorphism"))
    page.get_by_text("Help: what the words and numbers mean").first.click()
    glossary = page.locator("details.nw-glossary").first.inner_text()
    assert all(text in glossary for text in HELP.values())
    assert not watched.errors, watched.errors


def test_phone_has_no_sideways_overflow_and_keeps_the_controls(browser: Any, demo_html: Path) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(demo_html.as_uri())
    page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")
    page.locator('input[aria-label="compare"]').check()
    page.evaluate("() => window.__netwarp.nextFrame()")
    width, view = overflow(page)
    assert width <= view, f"the page is {width} px wide in a {view} px viewport"
    rows = page.eval_on_selector_all(".nw-row", "els => els.map((e) => e.getBoundingClientRect().toJSON())")
    assert len({round(r["x"]) for r in rows}) == 1 and rows[0]["y"] < rows[1]["y"] < rows[2]["y"]  # stacked
    page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 1000")
    box = page.locator('input[aria-label="epoch"]').bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    page.locator('input[aria-label="epoch"]').fill("10")  # still usable down there
    page.wait_for_function("() => window.__netwarp.state.epoch === 10")
    # the trainer's bar stays in reach too, above the epoch bar, neither covering the other
    step = page.get_by_role("button", name="Step", exact=True).bounding_box()
    epoch = page.locator('input[aria-label="epoch"]').bounding_box()
    assert step is not None and epoch is not None and step["y"] >= 0 and step["y"] + step["height"] <= epoch["y"]
    page.get_by_role("button", name="Step", exact=True).click()  # a page run, trained one epoch
    page.wait_for_function("() => window.__netwarp.trainer.stats.epochs === 1")
    page.evaluate("() => window.__netwarp.nextFrame()")
    width, view = overflow(page)
    assert width <= view, f"with a page run the page is {width} px wide in a {view} px viewport"
    context.close()


@pytest.mark.slow
def test_essay_page_on_a_phone(browser: Any, tmp_path: Path) -> None:
    args = ["essay", "--out", str(tmp_path), "--step", "curves", "--step", "disk", "--jobs", "1", "--no-open"]
    assert main(args) == 0
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto((tmp_path / "netwarp-essay.html").as_uri())
    page.wait_for_function("() => (window.__netwarpViews || []).length === 2"
                           " && window.__netwarpViews.every((h) => h.frame > 0)")  # fmt: skip
    width, view = overflow(page)
    snap = page.locator("body").aria_snapshot()
    # scrolled down into a view's panels, its epoch bar is still on screen
    top = page.evaluate("() => { const r = document.querySelector('.host .nw-rows').getBoundingClientRect();"
                        " window.scrollBy(0, r.top + 600); return window.scrollY; }")  # fmt: skip
    page.wait_for_function("(y) => window.scrollY >= y", arg=top)
    box = page.locator('.host input[aria-label="epoch"]').first.bounding_box()
    context.close()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert width <= view, f"the essay is {width} px wide in a {view} px viewport"
    assert not unnamed(snap), unnamed(snap)
