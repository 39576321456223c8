"""Training in the page: an exported HTML file (offline, file://) trains from its own controls.

Play trains a fresh page run with every view live, Pause stops it, Step adds one epoch, Reset
starts over at epoch 0, a new "Hidden layers" value rebuilds the network, a weight edited through
the trainer's API moves what the views show, and "Download run" saves a trajectory file that
``netwarp.load`` reads with the page's parameters.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import Watched

import netwarp
from netwarp.apps.export import export_html
from netwarp.core.filecheck import FORMAT, PARAMS_VERSION
from netwarp.core.spec import RunSpec


@pytest.fixture(scope="module")
def xor_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = RunSpec.recommended("xor", max_iter=2000, early_stop=False, n=300)  # the page trains on
    d = spec.load_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(d.X_train, d.y_train, spec, X_test=d.X_test, y_test=d.y_test, dataset_name="xor")
    return export_html(traj, tmp_path_factory.mktemp("page") / "xor.html", title="xor")


def test_train_step_reset_edit_and_download(watched: Watched, xor_html: Path, tmp_path: Path) -> None:
    w = watched
    w.open(xor_html)
    page = w.page
    play = page.get_by_role("button", name="Play", exact=True)
    assert play.get_attribute("aria-pressed") == "false"
    for name in ("Dataset", "Noise", "Training ratio", "Hidden layers", "Activation", "Learning rate", "Batch size",
                 "Alpha"):  # fmt: skip
        assert page.get_by_label(name, exact=True).count() == 1, name
    assert page.get_by_role("button", name="Download run", exact=True).count() == 1

    # Play: a page run appears and trains, the views follow it
    play.click()
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    page.wait_for_function("() => window.__netwarp.trainer.stats.epochs >= 15")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    r = w.hook("h.trainer.runIndex")
    assert r == 1 and w.hook("h.state.run") == 1  # the recorded run stays as run 0
    epochs = int(w.hook("h.state.epoch"))
    assert epochs >= 15
    assert page.locator('select[aria-label="run"] option').count() == 2
    frames = w.settle()
    assert w.hook("h.trainer.playing") is False

    # Step adds exactly one epoch and shows it
    before = w.pixels("r1-l1")
    page.get_by_role("button", name="Step", exact=True).click()
    w.settle()
    assert int(w.hook("h.state.epoch")) == epochs + 1
    assert w.pixels("r1-l1") != before
    assert w.hook("h.frame") > frames

    # a new hidden-layer setting rebuilds the network at epoch 0
    hidden = page.get_by_label("Hidden layers", exact=True)
    hidden.fill("5,3")
    hidden.press("Enter")
    hidden.dispatch_event("change")
    page.wait_for_function("() => window.__netwarp.state.epoch === 0")
    sizes = w.hook("h.trainer.settings().hidden")
    assert sizes == [5, 3]
    assert page.locator('[data-panel="r1-l1"] select.nw-proj').count() == 1  # 5 wide: a projection choice
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).click()
    w.settle()
    assert int(w.hook("h.state.epoch")) == 2

    # a bad value is refused with a message, the run stays
    hidden.fill("0")
    hidden.dispatch_event("change")
    assert "Hidden layers" in page.locator(".nw-train-status").inner_text()
    assert int(w.hook("h.state.epoch")) == 2

    # editing a weight through the API redraws the views and training continues from it
    before = w.pixels("r1-l1")
    w.hook("h.trainer.setParam(0, 0, 0, 3.5)")
    w.settle()
    assert w.hook("h.trainer.getParam(0, 0, 0)") == 3.5
    assert w.pixels("r1-l1") != before
    w.hook("h.trainer.setParam(0, null, 1, -0.25)")
    assert w.hook("h.trainer.getParam(0, null, 1)") == -0.25
    # an edit through the view's own edit API (the diagram's) is what the next epoch trains from
    e = int(w.hook("h.state.epoch"))
    w.hook(f"h.setParam(1, 0, 1, 0, 4.0, {e})")
    page.get_by_role("button", name="Step", exact=True).click()
    w.settle()
    rows = np.array(w.hook("Array.from(h.trainer.paramsOf())")).reshape(e + 2, -1)
    assert rows[e, 5] == 4.0 and rows[e, 0] == 3.5  # W[0] is 2 x 5, row-major: input x2 -> the first unit is entry 5
    assert abs(rows[e + 1, 5] - 4.0) < 0.5  # one epoch on from the edited weight

    # Reset: a fresh network at epoch 0
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function("() => window.__netwarp.state.epoch === 0")
    for _ in range(3):
        page.get_by_role("button", name="Step", exact=True).click()
    w.settle()
    assert int(w.hook("h.state.epoch")) == 3

    # Download run: the browser saves a file netwarp.load reads, with the page's parameters
    with page.expect_download() as info:
        page.get_by_role("button", name="Download run", exact=True).click()
    path = tmp_path / "page-run.npz"
    info.value.save_as(path)
    traj = netwarp.load(path)
    meta = json.loads(str(np.load(path, allow_pickle=False)["__netwarp__"]))
    assert (meta["format"], meta["version"]) == (FORMAT, PARAMS_VERSION)  # as netwarp.save writes parameter runs
    assert traj.layer_sizes == (2, 5, 3, 1)
    assert traj.n_epochs == 3
    assert traj.activations == ("tanh", "tanh", "logistic")
    params = np.array(w.hook("Array.from(h.trainer.paramsOf())"))
    assert np.array_equal(traj.params.ravel(), params)
    assert traj.data is not None and traj.data.X_train.shape[1] == 2
    assert len(traj.data.y_train) + len(traj.data.y_test) == 300
    assert np.isfinite(traj.loss).all() and traj.train_score[-1] > 0
    assert traj.config["spec"]["hidden"] == [5, 3]
    assert traj.predict(traj.data.X_test).shape == (len(traj.data.y_test),)
    assert w.errors == []
    assert w.foreign_requests() == []


def test_training_another_dataset(watched: Watched, xor_html: Path) -> None:
    """A built-in dataset regenerates in the page: new points, a page run on them only."""
    w = watched
    w.open(xor_html)
    page = w.page
    page.get_by_label("Dataset", exact=True).select_option("blobs")
    page.wait_for_function("() => window.__netwarp.trainer.runIndex === 0")
    assert w.hook("h.trainer.settings().hidden") == list(RunSpec.recommended("blobs").hidden)
    n = w.hook("h.trainer.settings().n")
    assert page.locator('select[aria-label="run"] option').count() == 1
    page.get_by_label("Points", exact=True).fill("200")
    page.get_by_label("Points", exact=True).dispatch_event("change")
    page.get_by_role("button", name="Step", exact=True).click()
    w.settle()
    assert n != 200 and w.hook("h.trainer.settings().n") == 200
    assert int(w.hook("h.state.epoch")) == 1
    assert w.errors == []


def test_feature_crosses_are_a_layer_of_their_own(watched: Watched, xor_html: Path, tmp_path: Path) -> None:
    """Ticking x1² and x1·x2 trains on them; the raw plane stays the input panel and the features get one."""
    w = watched
    w.open(xor_html)
    page = w.page
    group = page.get_by_role("group", name="Feature crosses", exact=True)
    group.get_by_label("x1²", exact=True).check()
    group.get_by_label("x1·x2", exact=True).check()
    page.wait_for_function("() => window.__netwarp.trainer.settings().crosses.length === 2")
    for _ in range(2):
        page.get_by_role("button", name="Step", exact=True).click()
    w.settle()
    r = w.hook("h.trainer.runIndex")
    assert page.locator(f'[data-panel="r{r}-l0"]').count() == 1
    assert page.locator(f'[data-panel="r{r}-l1"] select.nw-proj').count() == 1  # 4-D feature space
    assert page.locator(f'[data-panel="r{r}-l1"] figcaption').inner_text().startswith("feature crosses")
    with pytest.raises(Exception, match="fixed"):
        w.hook("h.trainer.setParam(0, 0, 0, 2)")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download run", exact=True).click()
    info.value.save_as(tmp_path / "crosses.npz")
    traj = netwarp.load(tmp_path / "crosses.npz")
    assert traj.activations[0] == "features:x1sq,x1x2" and traj.layer_sizes[:2] == (2, 4)
    assert traj.config["spec"]["crosses"] == ["x1sq", "x1x2"] and traj.n_epochs == 2
    X = traj.data.X_test[:3] if traj.data is not None else None
    assert X is not None
    assert np.allclose(traj.forward(X)[1], np.column_stack([X, X[:, 0] ** 2, X[:, 0] * X[:, 1]]))


def test_step_continues_an_edited_recorded_run(watched: Watched, xor_html: Path) -> None:
    """A weight edited by hand in the recorded run: Step starts a page run from that edited epoch."""
    w = watched
    w.open(xor_html)
    e = int(w.hook("h.state.epoch"))
    w.hook(f"h.setParam(0, 0, 0, 0, 2.5, {e})")
    w.page.get_by_role("button", name="Step", exact=True).click()
    w.page.wait_for_function("() => window.__netwarp.trainer.runIndex === 1")
    w.settle()
    run = w.hook("h.trainer.runIndex")
    assert w.hook("h.state.run") == run == 1 and w.hook("h.state.epoch") == 1
    rows = np.array(w.hook("Array.from(h.trainer.paramsOf())")).reshape(2, -1)
    assert rows[0, 0] == 2.5  # the page run starts from the edited network
    assert rows[1, 0] != 2.5 and abs(rows[1, 0] - 2.5) < 0.5  # and trains one epoch on from it
    assert w.errors == []
