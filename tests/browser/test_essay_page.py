"""The essay tour in headless Chromium: offline, no console errors, every section's view drawn and live."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from netwarp.apps.cli import main

Watched = Any  # tests/browser/conftest.py's Watched: a page with its requests and errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEPS = ("curves", "deformation", "interval", "disk", "easy", "spirals", "tight", "rings", "manifold", "knn")


@pytest.fixture(scope="module")
def essay_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("essay")
    assert main(["essay", "--out", str(out), "--no-open", "--jobs", "2"]) == 0
    return out / "netwarp-essay.html"


def open_essay(w: Watched, path: Path) -> None:
    w.page.goto(path.as_uri())
    w.page.wait_for_function(
        "(n) => (window.__netwarpViews || []).length === n && window.__netwarpViews.every((h) => h.frame > 0)",
        arg=len(STEPS),
    )


def inked(w: Watched, key: str) -> list[int]:
    """Non-white pixels of every canvas in a section's view."""
    return list(
        w.page.evaluate(
            """(key) => [...document.querySelectorAll(`.host[data-key="${key}"] canvas`)].map((c) => {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
                }
                return n;
            })""",
            key,
        )
    )


def test_the_page_is_self_contained(essay_html: Path) -> None:
    text = essay_html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text and "connect-src 'none'" in text
    assert "http://" not in text and "https://" not in text
    assert [f'<section id="{k}">' in text for k in STEPS] == [True] * len(STEPS)
    assert text.count('class="host"') == len(STEPS)
    assert "✗" not in text  # every measured claim holds with the tour's fixed seeds


def test_every_section_renders_offline(watched: Watched, essay_html: Path, tmp_path: Path) -> None:
    open_essay(watched, essay_html)
    assert watched.foreign_requests() == []
    assert watched.requests == [essay_html.as_uri()]
    assert watched.errors == []
    for key in STEPS:
        counts = inked(watched, key)
        assert len(counts) >= 4, key  # input, hidden, output, morph (plus the training chart)
        assert sum(c > 200 for c in counts) >= 4, (key, counts)
        live = watched.page.inner_text(f"#live-{key}")
        assert "epoch" in live and "sep" in live, (key, live)
    shot = Path(os.environ.get("NETWARP_ESSAY_SCREENSHOT", tmp_path / "essay.png"))
    watched.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 100_000


def test_readout_follows_the_epoch_and_3d_views_turn(watched: Watched, essay_html: Path) -> None:
    open_essay(watched, essay_html)
    page: Any = watched.page
    page.evaluate("() => window.__netwarpViews[0].set({ epoch: 0 })")
    page.wait_for_function("() => document.getElementById('live-curves').textContent.includes('@ epoch 0:')")
    before = inked(watched, "disk")
    page.evaluate("() => window.__netwarpViews[3].set({ yaw: 2.0 })")
    page.evaluate("() => window.__netwarpViews[3].nextFrame()")
    assert inked(watched, "disk") != before  # the 3-D hidden layer of the 3-unit network turned
    last = page.inner_text("#live-easy")
    # epoch 12 is sampled (a multiple of the sampling rule's power-of-two stride for 118 epochs)
    page.evaluate("() => window.__netwarpViews[4].set({ epoch: 12, morph: 7.5 })")
    page.wait_for_function("(t) => document.getElementById('live-easy').textContent !== t", arg=last)
    live = page.inner_text("#live-easy")
    assert "@ epoch 12:" in live
    # the easy way out is read with the stretching diagnostic: every layer's stretch, live, and the
    # section's panels show it under each layer (tests/test_claims.py checks the claim itself)
    assert live.count("stretch ") == 4, live
    numbers = page.inner_text('.host[data-key="easy"] [data-panel="r0-l3"]')
    assert "stretch" in numbers, numbers
    assert watched.errors == []
