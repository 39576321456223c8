"""Text that comes from data (class labels, run names, titles) is text in every page, never markup.

A class label ``<!--<script>`` once blanked the exported view (it opened a comment in the
inline script). Here labels, a run name and a title full of markup go through the HTML
export into real Chromium: the view renders, shows them literally, and runs no script.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = ["<!--<script>", "</script><img src=x onerror=window.__owned=1>"]


def test_markup_in_labels_names_and_titles_stays_text(watched: Any, tmp_path: Path) -> None:
    d = netwarp.datasets.load("xor")
    labels = np.where(d.y_train == 1, HOSTILE[0], HOSTILE[1])
    labels_test = np.where(d.y_test == 1, HOSTILE[0], HOSTILE[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(d.X_train, labels, X_test=d.X_test, y_test=labels_test, max_iter=20,
                             name="<b>run</b>'\"&")  # fmt: skip
    page = netwarp.export_html(traj, tmp_path / "hostile.html", title="<script>window.__owned=2</script>")
    watched.open(page)
    text = watched.page.inner_text(".netwarp")
    for label in HOSTILE:
        assert label in text, label  # shown literally (the legend)
    assert "<b>run</b>'\"&" in text
    assert watched.page.title() == "<script>window.__owned=2</script>"
    assert watched.page.evaluate("() => window.__owned === undefined")
    assert watched.page.locator(".netwarp img").count() == 0  # no element made from the data's markup
    assert watched.page.evaluate("() => [...document.querySelectorAll('.netwarp b')].every((b) => !b.children.length)")
    assert not watched.errors, watched.errors
