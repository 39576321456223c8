"""Recorded activations in the browser: the digits CNN example's HTML export (Distill's Grand
Tour of a CNN) opens in headless Chromium without errors, scrubs its snapshots and tours its
wide layers, and says which layers are recorded activations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.apps.export import export_html
from netwarp.view.vocabulary import HELP, WORDS

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits_cnn.py"


@pytest.fixture(scope="module")
def cnn_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cnn")
    env = {**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, str(EXAMPLE), str(out)], env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / "digits-cnn.html"


def test_the_digits_cnn_view_opens_tours_and_scrubs(watched: Any, cnn_html: Path) -> None:
    run = netwarp.load(cnn_html.with_suffix(".npz"))
    watched.open(cnn_html)
    assert watched.errors == [] and watched.foreign_requests() == []
    head = watched.page.locator(".nw-rowhead").inner_text()
    assert "recorded activations" in head and "softmax" in head
    panels = watched.hook("Object.keys(h.panels).sort()")
    assert panels == ["r0-l0", "r0-l1", "r0-l2"]  # input, hidden, softmax: no morph panel for recordings
    soft = watched.hook("h.panels['r0-l2']")
    assert soft["tour"] is not None and soft["k"] == 2  # the example opens on the Grand Tour
    assert "recorded activations" in watched.page.locator("[data-panel='r0-l2'] figcaption").inner_text()
    # the panel shows the recorded softmax of the last epoch, exactly as stored
    values = np.array(list(watched.hook("Array.from(h.panels['r0-l2'].values)")), dtype=np.float32)
    assert np.array_equal(values, run.values[-1][-1].ravel())
    late = watched.pixels("r0-l2")
    watched.hook("h.set({epoch: 0})")
    watched.settle()
    assert watched.hook("h.panels['r0-l2'].epoch") == 0
    early = np.array(list(watched.hook("Array.from(h.panels['r0-l2'].values)")), dtype=np.float32)
    assert np.array_equal(early, run.values[-1][0].ravel())
    assert watched.pixels("r0-l2") != late
    watched.hook("h.set({tour: 1.5, proj: {'0.1': 'pca3'}})")
    watched.settle()
    assert watched.hook("h.panels['r0-l1'].k") == 3 and watched.errors == []
    # the moments each digit separates are marked on the training chart, as the recording measured them
    marks = watched.hook("h.charts[0].marks")
    assert marks == run.config["marks"] and len(marks) == 10
    assert [m["epoch"] for m in marks] == sorted(m["epoch"] for m in marks)


def test_a_recording_beside_a_parameter_run_labels_both(watched: Any, tmp_path: Path) -> None:
    """Parameter runs say 'computed from parameters'; a small recording of the same points beside
    one shows its recorded layers (and none of the grid or regions it cannot compute)."""
    from netwarp.core.recording import Recording

    traj = netwarp.train(*_rings(), hidden=(4,), max_iter=30)
    assert traj.data is not None
    vals = traj.forward_epochs(traj.data.X)
    rec = Recording((1, 1), ("identity",), np.zeros((traj.n_epochs + 1, 0)), classes=traj.classes, data=traj.data,
                    layer_names=("hidden", "output"), values=[v.astype(np.float32) for v in vals[1:]], name="rec")
    path = export_html([traj, rec], tmp_path / "both.html", view={"compare": True, "grid": True, "regions": True})
    watched.open(path)
    heads = watched.page.locator(".nw-rowhead").all_inner_texts()
    assert "computed from parameters" in heads[0] and "recorded activations" in heads[1]
    assert watched.hook("h.panels['r1-l0'].grid") is None and watched.hook("h.panels['r0-l0'].grid") is not None
    page = watched.page
    controls = [page.locator(f'.nw-bar [aria-label="{n}"]') for n in ("grid", "regions", "morph", "play morph")]
    assert [c.is_enabled() for c in controls] == [True] * 4  # the parameter run beside it has them
    watched.hook("h.set({compare: false, run: 1})")
    watched.settle()
    why = WORDS["sources"]["recorded_off"]
    assert [(c.is_disabled(), c.get_attribute("title")) for c in controls] == [(True, why)] * 4
    watched.hook("h.set({run: 0})")
    watched.settle()
    assert [c.is_enabled() for c in controls] == [True] * 4 and controls[0].get_attribute("title") == HELP["grid"]
    assert watched.errors == []


def _rings() -> tuple[Any, Any]:
    d = netwarp.data.datasets.load("two_curves")
    return d.X_train, d.y_train
