"""netwarp.view.scene: what every view of runs shows (read back through its envelope), and
how appending epochs grows it: never rebuilding what was built."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import diagnostics, envelope, geometry, sampling, tour
from netwarp.view.scene import BOUNDS_EPOCHS, DIAG_EPOCHS, Scene


def build(runs: Any, X: Any = None, y: Any = None, **kw: Any) -> dict[str, Any]:
    """The scene's spec as a view reads it: through the envelope, arrays in place."""
    kind, spec = envelope.decode(envelope.encode(Scene.from_trajectories(runs, X, y, **kw)))
    assert kind == "scene"
    return spec


@pytest.fixture(scope="module")
def short_runs() -> list[Trajectory]:
    d = netwarp.data.datasets.load("interval1d")
    return [
        netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, activation=a, name=a,
                      max_iter=60)
        for a in ("tanh", "identity", "relu")
    ]  # fmt: skip


@pytest.fixture(scope="module")
def wide_run() -> Trajectory:
    d = netwarp.data.datasets.load("blobs")
    return netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, hidden=(5, 3),
                         activation="tanh", max_iter=30, name="wide")  # fmt: skip


def test_spec_is_json_and_arrays_round_trip(short_runs: list[Trajectory]) -> None:
    raw, buf = envelope.split(envelope.encode(Scene.from_trajectories(short_runs, title="demo")))
    text = json.dumps(raw, allow_nan=False)  # no NaN/inf reaches JSON.parse
    assert json.loads(text) == raw
    assert raw["buffer_bytes"] == len(buf)
    spec = build(short_runs, title="demo")
    assert spec["format"] == "netwarp-view" and spec["title"] == "demo"
    assert spec["vocabulary"]["hidden"] == "hidden layer {i}"
    assert spec["data"]["split_names"] == ["train", "test", "other"]
    assert len(spec["runs"]) == 3
    for run, traj in zip(spec["runs"], short_runs, strict=True):
        assert run["name"] == traj.name
        assert run["layer_sizes"] == [1, 2, 1]
        assert run["activations"] == list(traj.activations)
        assert run["n_epochs"] == traj.n_epochs
        assert run["stop_reason"] == traj.stop_reason
        params = run["params"]
        assert params.dtype == np.float64
        np.testing.assert_array_equal(params.reshape(traj.params.shape), traj.params)
        for key in ("loss", "train_score", "test_score"):  # curves are float32
            np.testing.assert_array_equal(run[key], getattr(traj, key).astype(np.float32))


def test_data_defaults_to_train_then_test_with_split_flags(short_runs: list[Trajectory]) -> None:
    spec = build(short_runs)
    data = short_runs[0].data
    assert data is not None
    d = spec["data"]
    assert (d["n"], d["d"]) == (1800, 1)
    X = d["X"].reshape(d["n"], d["d"])
    np.testing.assert_array_equal(X, np.concatenate([data.X_train, data.X_test]))
    split = d["split"]
    assert split[:900].tolist() == [0] * 900 and split[900:].tolist() == [1] * 900
    y = d["y"]
    np.testing.assert_array_equal(y, np.concatenate([data.y_train, data.y_test]))
    assert d["classes"] == ["0", "1"]
    np.testing.assert_array_equal(d["jitter"], geometry.jitter(1800))
    assert d["domain"] == geometry.domain(X).tolist()


def test_explicit_points_are_matched_to_the_split(short_runs: list[Trajectory]) -> None:
    d = netwarp.data.datasets.load("interval1d")
    extra = np.array([[5.0]])
    spec = build(short_runs, np.vstack([d.X, extra]), np.append(d.y, 1))
    split = spec["data"]["split"]
    train_rows = {float(v) for v in d.X_train[:, 0]}
    assert all((s == 0) == (float(x) in train_rows) for s, x in zip(split[:-1], d.X[:, 0], strict=True))
    assert split[-1] == 2  # in neither set
    np.testing.assert_array_equal(spec["data"]["X"], np.append(d.X[:, 0], 5.0))


def test_bounds_projections_and_morph_boxes(wide_run: Trajectory) -> None:
    spec = build(wide_run)
    run = spec["runs"][0]
    X = spec["data"]["X"].reshape(-1, 2)
    assert run["layer_sizes"] == [2, 5, 3, 3]
    assert run["projections"][0] is None and run["projections"][2] is None
    pr = run["projections"][1]
    # the projection is fitted over the sampling rule's epochs, as geometry's one-shot fit is
    projs = [geometry.fixed_projection(wide_run, X, k, max_epochs=BOUNDS_EPOCHS, max_points=len(X)) for k in range(4)]
    np.testing.assert_allclose(pr["mean"], projs[1].mean)
    np.testing.assert_allclose(pr["components"], projs[1].components)
    ref = geometry.layer_bounds(wide_run, X, projs, max_epochs=BOUNDS_EPOCHS)
    for got, want in zip(run["bounds"], ref, strict=True):
        np.testing.assert_allclose(got, want)
    assert run["bounds"][3] == [[0.0, 1.0]] * 3  # softmax probabilities
    assert run["unit_bounds"][1] is not None and len(run["unit_bounds"][1]) == 5
    assert run["morph_layer"] == [1, 1, None]
    # every stage of every layer at every epoch lies inside its morph box (raw units)
    for e in range(wide_run.n_epochs + 1):
        for layer in range(3):
            s = geometry.layer_stages(wide_run, X, e, layer)
            D = max(wide_run.layer_sizes[layer], wide_run.layer_sizes[layer + 1])
            for k, stage in enumerate(s.as_list()):
                box = np.array(run["morph_unit_bounds"][layer][k])
                v = geometry.embed(stage, D)
                assert np.all(v >= box[:, 0] - 1e-12) and np.all(v <= box[:, 1] + 1e-12)


def test_labels_outside_the_classes_are_refused(short_runs: list[Trajectory]) -> None:
    d = netwarp.data.datasets.load("interval1d")
    with pytest.raises(NetwarpError, match="label '7' is not one of"):
        build(short_runs, d.X, np.full(len(d.X), 7))


def test_bad_inputs_raise_clear_errors(short_runs: list[Trajectory], wide_run: Trajectory) -> None:
    d = netwarp.data.datasets.load("interval1d")
    with pytest.raises(NetwarpError, match="share the input width"):
        build([short_runs[0], wide_run])
    with pytest.raises(NetwarpError, match="both X and y"):
        build(short_runs, d.X)
    with pytest.raises(NetwarpError, match="rows but y has"):
        build(short_runs, d.X, d.y[:-1])
    with pytest.raises(NetwarpError, match=r"shape \(n, 1\)"):
        build(short_runs, np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(NetwarpError, match="NaN"):
        build(short_runs, np.array([[np.nan]]), np.array([0]))
    with pytest.raises(NetwarpError, match="at least one"):
        build([])
    with pytest.raises(NetwarpError, match="Trajectory objects"):
        build(["tanh"])  # type: ignore[list-item]
    bare = Trajectory(layer_sizes=(1, 2, 1), activations=("tanh", "logistic"), params=short_runs[0].params)
    with pytest.raises(NetwarpError, match="carries no data"):
        build(bare)


def test_view_settings_are_checked(short_runs: list[Trajectory]) -> None:
    spec = build(short_runs, view={"epoch": 10, "run": 2, "morph": 1.5, "compare": True})
    assert spec["view"] == {"epoch": 10, "run": 2, "morph": 1.5, "compare": True}
    with pytest.raises(NetwarpError, match="unknown view setting 'zoom'"):
        build(short_runs, view={"zoom": 2})
    with pytest.raises(NetwarpError, match="run 3 is out of range"):
        build(short_runs, view={"run": 3})
    with pytest.raises(NetwarpError, match="wrong type"):
        build(short_runs, view={"epoch": "last"})
    with pytest.raises(NetwarpError, match="wrong type"):
        build(short_runs, view={"epoch": True})


def test_regressor_runs_get_binned_colours() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = X[:, 0] * 3.0
    traj = Trajectory(layer_sizes=(2, 3, 1), activations=("relu", "identity"),
                      params=rng.normal(size=(4, 13)))  # fmt: skip
    spec = build(traj, X, y)
    assert spec["runs"][0]["is_classifier"] is False
    assert len(spec["data"]["classes"]) == 2
    labels = spec["data"]["y"]
    assert set(labels.tolist()) == {0, 1}
    assert spec["data"]["split"].tolist() == [2] * 50


def test_regressor_targets_travel_as_floats() -> None:
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(120, 2))
    y = np.sin(X[:, 0]) + 0.3 * X[:, 1]
    est = MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=300, random_state=0).fit(X[:80], y[:80])
    traj = netwarp.from_estimator(est, X[:80], y[:80], X[80:], y[80:])
    spec = build(traj)
    d = spec["data"]
    np.testing.assert_array_equal(d["target"], np.concatenate([y[:80], y[80:]]))
    assert d["target_range"] == [float(y.min()), float(y.max())]
    run = spec["runs"][0]
    assert run["is_classifier"] is False and run["n_epochs"] == 0
    dg = run["diagnostics"]
    assert dg is not None and dg["epochs"] == [0]
    assert dg["separability"] == [[None], [None], [None]]  # no classes to separate
    assert dg["layers"][0]["kind"] == ["not injective: relu is not injective"]


def test_classifiers_carry_no_targets(wide_run: Trajectory) -> None:
    spec = build(wide_run)
    assert "target" not in spec["data"]


def test_tour_radii_hold_every_epoch_and_rotation(wide_run: Trajectory) -> None:
    spec = build(wide_run)
    run = spec["runs"][0]
    X = spec["data"]["X"].reshape(-1, 2)
    assert spec["tour"] == {"seed": tour.SEED, "length": tour.LENGTH}
    assert run["tour_radius"][0] is None and run["tour_radius"][2] is None
    r = run["tour_radius"][1]
    mean = np.array(run["projections"][1]["mean"])
    h = np.concatenate(wide_run.forward_epochs(X)[1])  # hidden layer at every epoch
    for t in np.linspace(0, tour.LENGTH, 65):
        assert np.abs(tour.project(h, mean, tour.frame(5, 3, float(t)))).max() <= r
    assert r < np.linalg.norm(h - mean, axis=1).max() * 1.05 + 1e-9
    assert run["morph_tour_radius"][2] is None
    assert len(run["morph_tour_radius"][0]) == 4 and all(v > 0 for v in run["morph_tour_radius"][0])


def test_diagnostics_ride_along(wide_run: Trajectory) -> None:
    spec = build(wide_run)
    X = spec["data"]["X"].reshape(-1, 2)
    labels = spec["data"]["y"]
    want = diagnostics.to_payload(wide_run, X, labels, max_epochs=DIAG_EPOCHS, split=spec["data"]["split"])
    assert np.isfinite(np.array(want["readout"], dtype=float)).all()  # the scene's split: train fits, test scores
    assert spec["runs"][0]["diagnostics"] == json.loads(json.dumps(want))
    assert want["epochs"] == sampling.sample_epochs(wide_run.n_epochs, DIAG_EPOCHS).tolist()
    spec = build(wide_run, diagnostics=False)
    assert spec["runs"][0]["diagnostics"] is None
    spec = build(wide_run, view={"tour": 12.5, "proj": {"0.1": "tour2"}})
    assert spec["view"] == {"tour": 12.5, "proj": {"0.1": "tour2"}}


# ------------------------------------------------------------------------- appending
def chunked(traj: Trajectory, cuts: list[int], **kw: Any) -> tuple[Scene, list[Any]]:
    """A scene of ``traj`` built by appending its epochs in pieces ending at ``cuts`` (then the rest)."""
    d = traj.data
    assert d is not None
    scene = Scene(np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test]), [traj],
                  split=np.r_[np.zeros(len(d.X_train)), np.ones(len(d.X_test))], **kw)  # fmt: skip
    deltas, start = [], 0
    for end in [*cuts, traj.n_epochs + 1]:
        deltas.append(scene.append(0, traj.params[start:end], traj.loss[start:end], traj.train_score[start:end],
                                   traj.test_score[start:end], stop_reason=traj.stop_reason))  # fmt: skip
        start = end
    return scene, deltas


def within(outer: Any, inner: Any) -> bool:
    """Every box of ``inner`` lies inside the matching box of ``outer`` (nested lists of [lo, hi])."""
    if outer and isinstance(outer[0], (int, float)):
        return bool(outer[0] <= inner[0] + 1e-12 and outer[1] >= inner[1] - 1e-12)
    return len(outer) == len(inner) and all(within(a, b) for a, b in zip(outer, inner, strict=True))


def test_chunked_and_one_shot_builds_agree(short_runs: list[Trajectory]) -> None:
    traj = short_runs[0]
    once = Scene.from_trajectories(traj)
    scene, deltas = chunked(traj, [1, 8])
    assert [(dl.e0, dl.e1) for dl in deltas] == [(0, 1), (1, 8), (8, traj.n_epochs + 1)]
    a, b = once.run_tree(0), scene.run_tree(0)
    np.testing.assert_array_equal(a["params"], b["params"])
    for key in ("loss", "train_score", "test_score"):
        np.testing.assert_array_equal(a[key], b[key])
    assert a["n_epochs"] == b["n_epochs"] == traj.n_epochs and a["stop_reason"] == b["stop_reason"]
    for key in ("bounds", "morph_bounds", "morph_unit_bounds"):  # bounds may only have grown
        assert within(b[key], a[key]), key
    assert a["diagnostics"]["epochs"] == b["diagnostics"]["epochs"]  # the same sampled epochs survive
    np.testing.assert_array_equal(once.tree()["data"]["X"], scene.tree()["data"]["X"])
    # each delta carries the run's boxes then; the last equals the scene's
    assert deltas[-1].scene["bounds"] == b["bounds"] and deltas[-1].params.shape == (traj.n_epochs - 7, 7)


def test_appending_never_rebuilds_what_was_built() -> None:
    d = netwarp.data.datasets.load("interval1d")
    traj = netwarp.train(d.X_train, d.y_train, max_iter=300, early_stop=False)
    scene = Scene(d.X_train, d.y_train, [traj])
    for e in range(traj.n_epochs + 1):  # one epoch at a time, as a live run sends them
        before = dict(scene.work)
        last = "max_iter" if e == traj.n_epochs else None
        scene.append(0, traj.params[e], traj.loss[e], traj.train_score[e], traj.test_score[e], stop_reason=last)
        # at most the new epoch and the newest: work per append does not grow with the epochs held
        assert scene.work["bounds_epochs"] - before["bounds_epochs"] <= 1
        assert scene.work["diagnosed_epochs"] - before["diagnosed_epochs"] <= 1
    # not every epoch: a newest epoch measured less than half a stride ago stands in until the last chunk
    assert scene.work["diagnosed_epochs"] <= traj.n_epochs // 4
    diag = scene.diagnostics_of(0)
    assert diag is not None and diag.epochs.tolist() == sampling.sample_epochs(traj.n_epochs, DIAG_EPOCHS).tolist()
    once = Scene.from_trajectories(traj, d.X_train, d.y_train)
    assert once.work["bounds_epochs"] == len(sampling.sample_epochs(traj.n_epochs, BOUNDS_EPOCHS))
    assert once.work["diagnosed_epochs"] == len(sampling.sample_epochs(traj.n_epochs, DIAG_EPOCHS))
    assert within(scene.view_data(0)["morph_bounds"], once.view_data(0)["morph_bounds"])
    # one big chunk costs what its sampled epochs cost, whatever came before
    big = Scene(d.X_train, d.y_train, [traj], diagnostics=False)
    big.append(0, traj.params[:200], traj.loss[:200], traj.train_score[:200], traj.test_score[:200])
    start = big.work["bounds_epochs"]
    big.append(0, traj.params[200:], traj.loss[200:], traj.train_score[200:], traj.test_score[200:])
    assert big.work["bounds_epochs"] - start == len(sampling.sampled_between(200, 301, 300, BOUNDS_EPOCHS))


def test_wide_layers_are_refitted_when_the_epochs_double(wide_run: Trajectory) -> None:
    cuts = list(range(1, wide_run.n_epochs + 1))
    scene, deltas = chunked(wide_run, cuts)
    refits = [dl.e1 for dl in deltas if dl.refit]
    assert refits == [1, 2, 4, 8, 16]  # amortised O(1) per epoch
    assert all(("projections" in dl.scene) == dl.refit for dl in deltas)
    box = np.array(scene.view_data(0)["bounds"][1])  # the hidden layer's PCA box holds every epoch
    p = scene.projection(0, 1)
    for e in range(wide_run.n_epochs + 1):
        shown = p.apply(wide_run.forward(scene.X, e)[1])
        assert np.all(shown >= box[:, 0] - 1e-9) and np.all(shown <= box[:, 1] + 1e-9)


def test_sampling_rule_keeps_earlier_samples() -> None:
    for budget in (4, 10, 64):
        prev: set[int] = set()
        for n in range(0, 600):
            s = sampling.sample_epochs(n, budget)
            assert s[0] == 0 and s[-1] == n and len(s) <= budget and np.all(np.diff(s) > 0)
            # what stays sampled was sampled before (only the previous newest epoch drops out)
            assert set(s[:-1].tolist()) <= prev | {n}
            new = sampling.sampled_between(n, n + 1, n, budget)
            assert new.tolist() == [n]
            prev = set(s.tolist())
    assert sampling.subsample_index(5, 10).tolist() == [0, 1, 2, 3, 4]
    assert sampling.subsample_index(11, 3).tolist() == [0, 5, 10]


def test_a_page_may_store_fewer_epochs(short_runs: list[Trajectory]) -> None:
    traj = short_runs[0]
    n = traj.n_epochs
    stored = sampling.stored_epochs(n, 20)
    assert stored is not None and len(stored) <= 20 and stored[0] == 0 and stored[-1] == n
    assert stored[:10].tolist() == list(range(10))  # every early epoch, then a stride
    assert sampling.stored_epochs(n, n + 1) is None
    scene = Scene.from_trajectories(traj)
    tree = scene.run_tree(0, max_rows=20)
    np.testing.assert_array_equal(tree["epochs"], stored)
    np.testing.assert_array_equal(tree["params"], traj.params[stored])
    assert len(tree["loss"]) == n + 1 and tree["n_epochs"] == n  # the curves stay whole
    spec = envelope.decode(envelope.encode(scene, store=lambda n_params: 20))[1]
    assert spec["runs"][0]["epochs"].dtype == np.int32 and "epochs" not in scene.run_tree(0)


def test_a_scene_made_before_any_epoch() -> None:
    """What a live run does: the scene from the data and the runs' metadata, then epochs."""
    from netwarp.view.scene import RunMeta

    X = np.linspace(-1, 1, 50).reshape(-1, 1)
    y = (np.abs(X[:, 0]) < 0.5).astype(int)
    meta = RunMeta((1, 2, 1), ("tanh", "logistic"), ("0", "1"), "live")
    scene = Scene(X, y, [meta], title="live")
    rng = np.random.default_rng(0)
    delta = scene.append(0, rng.normal(size=(3, 7)), [0.7, 0.6, 0.5], [0.5, 0.6, 0.7], np.nan)
    assert (delta.e0, delta.e1, scene.n_epochs(0)) == (0, 3, 2)
    kind, spec = envelope.decode(envelope.encode_chunk(delta))
    assert kind == "chunk" and spec["run"] == 0 and spec["params"].shape == (21,)
    assert np.isnan(spec["test_score"]).all() and spec["scene"]["bounds"][2] == [[0.0, 1.0]]
    with pytest.raises(NetwarpError, match=r"shape \(k, 7\)"):
        scene.append(0, np.zeros((2, 5)), 0, 0, 0)
    with pytest.raises(NetwarpError, match="out of range"):
        scene.append(1, np.zeros((1, 7)), 0, 0, 0)
    with pytest.raises(NetwarpError, match="input width"):
        Scene(X, y, [meta, RunMeta((2, 1), ("logistic",), ("0", "1"))])
    with pytest.raises(NetwarpError, match="one entry per point"):
        Scene(X, y[:-1], [meta])
