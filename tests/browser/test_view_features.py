"""The view's Grand Tour, regressors, multiclass outputs and diagnostics, in headless Chromium."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.apps.export import export_html
from netwarp.core.trajectory import Trajectory
from netwarp.view import diagnostics, envelope, readout, tour
from netwarp.view.scene import DIAG_EPOCHS, Scene

pytestmark = pytest.mark.browser
Watched = Any  # tests/browser/conftest.py's Watched: a page with its requests and errors
VIRIDIS_ENDS = ("#440154", "#fde725")


def arrays(runs: Trajectory | list[Trajectory]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], dict[str, Any]]:
    """The points (view order) and the class index per point, as the scene holds them, and its spec."""
    spec = envelope.decode(envelope.encode(Scene.from_trajectories(runs, diagnostics=False)))[1]
    d = spec["data"]
    return d["X"].reshape(d["n"], -1), d["y"], spec


def panel(w: Watched, pid: str) -> dict[str, Any]:
    return w.page.evaluate(  # type: ignore[no-any-return]
        """(id) => { const p = window.__netwarp.panels[id];
            return { k: p.k, epoch: p.epoch, width: p.width, coords: Array.from(p.coords), bounds: p.bounds,
                     names: p.names, tour: p.tour, diagonal: p.diagonal,
                     regions: p.regions && { gw: p.regions.gw, gh: p.regions.gh,
                                             classes: Array.from(p.regions.classes) } }; }""",
        pid,
    )


def set_range(w: Watched, label: str, value: float) -> None:
    w.page.locator(f'input[aria-label="{label}"]').fill(str(value))
    w.settle()


@pytest.fixture(scope="module")
def regressor() -> Trajectory:
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(500, 2))
    y = np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 1] ** 2
    est = MLPRegressor(hidden_layer_sizes=(6,), activation="tanh", solver="lbfgs", max_iter=2000, random_state=0)
    est.fit(X[:350], y[:350])
    return netwarp.from_estimator(est, X[:350], y[:350], X[350:], y[350:], name="regressor")


@pytest.fixture(scope="module")
def digits() -> tuple[Trajectory, Any]:
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = MLPClassifier(hidden_layer_sizes=(12,), max_iter=150, random_state=0).fit(X[:1200], y[:1200])
    return netwarp.from_estimator(est, X[:1200], y[:1200], X[1200:], y[1200:], name="digits"), est


# ------------------------------------------------------------------------ Grand Tour
def test_grand_tour_turns_and_keeps_its_frame_across_epochs(
    watched: Watched, wide_run: Trajectory, tmp_path: Path
) -> None:
    path = export_html(wide_run, tmp_path / "wide.html")
    X, _, spec = arrays(wide_run)
    run = spec["runs"][0]
    mean = np.array(run["projections"][1]["mean"])
    r = run["tour_radius"][1]
    watched.open(path, "p=0.1-tour3&tt=2")
    p = panel(watched, "r0-l1")
    assert p["tour"]["t"] == 2 and p["k"] == 3 and p["names"] == ["tour 1", "tour 2", "tour 3"]
    F = tour.frame(5, 3, 2.0)
    np.testing.assert_allclose(p["tour"]["frame"], F, atol=1e-12, rtol=0)
    h = wide_run.forward(X)[1]
    np.testing.assert_allclose(np.reshape(p["coords"], (-1, 3)), tour.project(h, mean, F), atol=1e-9, rtol=0)
    assert p["bounds"] == [[-r, r]] * 3  # fixed axes: the same at every epoch and tour time
    before = watched.pixels("r0-l1")
    # the tour moves the drawing as tour time advances (and the morph panel turns with it)
    morph = watched.pixels("r0-morph")
    set_range(watched, "tour", 5)
    assert watched.pixels("r0-l1") != before
    p5 = panel(watched, "r0-l1")
    np.testing.assert_allclose(p5["tour"]["frame"], tour.frame(5, 3, 5.0), atol=1e-12, rtol=0)
    watched.page.wait_for_function("() => location.hash.includes('tt=5')")
    # at a fixed tour time, every epoch is seen through the identical projection
    frames, coords = [], []
    for epoch in (0, 10, wide_run.n_epochs):
        set_range(watched, "epoch", epoch)
        q = panel(watched, "r0-l1")
        assert q["epoch"] == epoch and q["bounds"] == p5["bounds"]
        frames.append(q["tour"]["frame"])
        coords.append(q["coords"])
        want = tour.project(wide_run.forward(X, epoch)[1], mean, tour.frame(5, 3, 5.0))
        np.testing.assert_allclose(np.reshape(q["coords"], (-1, 3)), want, atol=1e-9, rtol=0)
    assert frames[0] == frames[1] == frames[2]
    assert coords[0] != coords[2]
    set_range(watched, "morph", 1.5)
    assert watched.pixels("r0-morph") != morph
    # its own play control: tour time runs, the epoch does not
    epoch = watched.hook("h.state.epoch")
    watched.page.locator('button[aria-label="play tour"]').click()
    watched.page.wait_for_function("() => window.__netwarp.state.tour > 5.1")
    watched.page.locator('button[aria-label="play tour"]').click()
    assert watched.hook("h.tourPlaying") is False
    assert watched.hook("h.state.epoch") == epoch
    assert watched.errors == []


def test_playing_the_tour_puts_wide_layers_on_it(watched: Watched, wide_run: Trajectory, tmp_path: Path) -> None:
    path = export_html(wide_run, tmp_path / "wide.html")
    watched.open(path)
    assert panel(watched, "r0-l1")["tour"] is None  # PCA by default
    assert watched.page.locator(".nw-tourbar").is_visible()
    watched.page.locator('button[aria-label="play tour"]').click()
    watched.page.wait_for_function("() => window.__netwarp.state.tour > 0.05")
    assert watched.hook("h.state.proj") == {"0.1": "tour3"}
    assert watched.page.locator('select[aria-label="projection wide hidden layer 1"]').input_value() == "tour3"
    assert panel(watched, "r0-l1")["tour"] is not None
    watched.page.locator('button[aria-label="play tour"]').click()
    assert watched.errors == []


def test_no_tour_bar_without_wide_layers(watched: Watched, demo_html: Path) -> None:
    watched.open(demo_html)
    assert not watched.page.locator(".nw-tourbar").is_visible()


# ------------------------------------------------------------------------ regression
def test_regressor_shows_prediction_against_target(watched: Watched, regressor: Trajectory, tmp_path: Path) -> None:
    path = export_html(regressor, tmp_path / "reg.html")
    X, _, spec = arrays(regressor)
    data = regressor.data
    assert data is not None
    target = np.concatenate([data.y_train, data.y_test])
    watched.open(path)
    out = panel(watched, "r0-l2")
    assert out["k"] == 2 and out["names"] == ["prediction", "target"] and out["diagonal"] is True
    pred = regressor.forward(X)[-1][:, 0]
    np.testing.assert_allclose(np.reshape(out["coords"], (-1, 2)), np.column_stack([pred, target]), atol=1e-9)
    (lo, hi), (lo2, hi2) = out["bounds"]
    assert (lo, hi) == (lo2, hi2) and lo <= target.min() and hi >= target.max()  # square, with the diagonal
    # coloured by target on the sequential ramp, not by class; no class regions
    i_lo, i_hi = int(np.argmin(target)), int(np.argmax(target))
    assert (watched.hook(f"h.color({i_lo})"), watched.hook(f"h.color({i_hi})")) == VIRIDIS_ENDS
    assert panel(watched, "r0-l0")["regions"] is None
    assert not watched.page.locator('input[aria-label="regions"]').is_visible()
    legend = watched.page.locator(".nw-legend").inner_text()
    assert "target" in legend and "class" not in legend
    chart = watched.hook("h.charts[0]")
    assert chart["score"] == "R²"
    assert chart["train"] == pytest.approx(regressor.train_score[0], rel=1e-6)
    assert spec["runs"][0]["is_classifier"] is False
    assert watched.errors == []


# ------------------------------------------------------------------------ multiclass
def test_three_classes_get_argmax_regions_and_a_probability_panel(
    watched: Watched, wide_run: Trajectory, tmp_path: Path
) -> None:
    path = export_html(wide_run, tmp_path / "blobs.html")
    X, y, _ = arrays(wide_run)
    watched.open(path)
    legend = watched.page.locator(".nw-legend .nw-key").all_inner_texts()
    assert [s.strip() for s in legend] == ["class 0", "class 1", "class 2"]
    assert [watched.hook(f"h.color({int(np.flatnonzero(y == c)[0])})") for c in range(3)] == [
        "#0072B2", "#E69F00", "#009E73"]  # fmt: skip
    inp = panel(watched, "r0-l0")
    reg = inp["regions"]
    assert reg is not None and (reg["gw"], reg["gh"]) == (72, 72)
    (x0, x1), (y0, y1) = inp["bounds"]
    gx = x0 + (np.arange(72) + 0.5) / 72 * (x1 - x0)
    gy = y1 - (np.arange(72) + 0.5) / 72 * (y1 - y0)  # row 0 at the top
    cells = np.column_stack([np.tile(gx, 72), np.repeat(gy, 72)])
    want = np.argmax(wide_run.forward(cells)[-1], axis=1)
    agree = np.mean(np.array(reg["classes"]) == want)
    assert agree > 0.999  # argmax ties aside
    assert set(reg["classes"]) == {0, 1, 2}
    out = panel(watched, "r0-l2")
    assert out["k"] == 3 and out["bounds"] == [[0.0, 1.0]] * 3  # class probabilities, as is
    np.testing.assert_allclose(np.reshape(out["coords"], (-1, 3)), wide_run.forward(X)[-1], atol=1e-9)
    assert watched.errors == []


def test_ten_classes_from_64_features(watched: Watched, digits: tuple[Trajectory, Any], tmp_path: Path) -> None:
    traj, est = digits
    path = export_html(traj, tmp_path / "digits.html")
    X, y, spec = arrays(traj)
    run = spec["runs"][0]
    watched.open(path)
    assert len(watched.page.locator(".nw-legend .nw-key").all_inner_texts()) == 10
    assert len({watched.hook(f"h.color({int(np.flatnonzero(y == c)[0])})") for c in range(10)}) == 10
    inp = panel(watched, "r0-l0")  # 64 features through the fixed projection
    pr = run["projections"][0]
    assert inp["k"] == 3 and inp["regions"] is None
    want = (X - np.array(pr["mean"])) @ np.array(pr["components"])
    np.testing.assert_allclose(np.reshape(inp["coords"], (-1, 3)), want, atol=1e-9)
    out = panel(watched, "r0-l2")  # ten probabilities through their PCA
    pr = run["projections"][2]
    proba = est.predict_proba(X)
    want = (proba - np.array(pr["mean"])) @ np.array(pr["components"])
    np.testing.assert_allclose(np.reshape(out["coords"], (-1, 3)), want, atol=1e-9)
    watched.page.locator('select[aria-label="projection digits output"]').select_option("u3.7")
    watched.settle()
    out = panel(watched, "r0-l2")
    assert out["k"] == 2 and out["names"] == ["unit 4", "unit 8"]
    np.testing.assert_allclose(np.reshape(out["coords"], (-1, 2)), proba[:, [3, 7]], atol=1e-9)
    watched.page.locator('select[aria-label="projection digits input"]').select_option("tour2")
    watched.settle()
    inp = panel(watched, "r0-l0")
    assert inp["k"] == 2
    F = tour.frame(64, 2, 0.0)
    np.testing.assert_allclose(inp["tour"]["frame"], F, atol=1e-12)
    want = tour.project(X, np.array(run["projections"][0]["mean"]), F)
    np.testing.assert_allclose(np.reshape(inp["coords"], (-1, 2)), want, atol=1e-9)
    assert watched.errors == []


# ----------------------------------------------------------------------- diagnostics
def test_diagnostics_readout_follows_the_epoch(watched: Watched, demo_html: Path, demo_runs: list[Trajectory]) -> None:
    tanh = demo_runs[0]
    X, y, spec = arrays(demo_runs)
    dg = diagnostics.diagnose(tanh, X, y, max_epochs=DIAG_EPOCHS, split=spec["data"]["split"])  # as the scene does
    watched.open(demo_html)
    for epoch in (0, 7, 40, 130, tanh.n_epochs):
        set_range(watched, "epoch", epoch)
        want = dg.summary(epoch)
        for rep in range(3):
            got = watched.hook(f"h.diag['r0-l{rep}']")
            assert got["epoch"] == want["epoch"]
            sep = want["input_separability"] if rep == 0 else want["layers"][rep - 1]["separability"]
            assert got["separability"] == pytest.approx(sep, rel=1e-5)
            held = want["input_readout"] if rep == 0 else want["layers"][rep - 1]["readout"]
            assert got["readout"] == pytest.approx(held, rel=1e-5)
            assert got["first"] == (want["first_readout_layer"] == rep)
            text = watched.page.locator(f'[data-panel="r0-l{rep}"] .nw-diag').inner_text()
            if rep == 0:
                assert got["kind"] is None and got["stretch"] is None
                continue
            layer = want["layers"][rep - 1]
            assert got["kind"] == layer["kind"] and layer["kind"].replace("->", "→") in text
            assert got["det"] is None and layer["det"] is None  # 1 -> 2 and 2 -> 1: not square
            assert got["stretch"] == pytest.approx(layer["stretch"], rel=1e-5)
            stretch = float(f"{layer['stretch']:.4g}")
            assert f"stretch {stretch:g}" in text
        assert f"test accuracy {readout.percent(want['layers'][-1]['readout'])}" in watched.page.locator(
            '[data-panel="r0-l2"] .nw-diag').inner_text()  # the output's read-out: the network's own
        first = want["first_readout_layer"]
        marked = watched.page.locator("figure.nw-firstsep").all()
        assert [m.get_attribute("data-panel") for m in marked] == ([] if first is None else [f"r0-l{first}"])
    assert watched.errors == []


def test_square_layers_show_det_w(watched: Watched, tmp_path: Path) -> None:
    d = netwarp.data.datasets.load("disk_annulus")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, hidden=(2,), max_iter=60)
    path = export_html(traj, tmp_path / "square.html")
    X, y, _ = arrays(traj)
    dg = diagnostics.diagnose(traj, X, y, max_epochs=DIAG_EPOCHS)
    watched.open(path)
    for epoch in (0, 33, traj.n_epochs):
        set_range(watched, "epoch", epoch)
        got = watched.hook("h.diag['r0-l1']")
        layer = dg.summary(epoch)["layers"][0]
        assert got["det"] == pytest.approx(layer["det"], rel=1e-5)
        assert got["kind"] == layer["kind"] == "homeomorphism"
        assert "det W" in watched.page.locator('[data-panel="r0-l1"] .nw-diag').inner_text()
