"""netwarp.view.payload: the interactive view's spec + binary buffer."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import diagnostics, geometry, payload, tour

TYPES = {"float64": np.float64, "float32": np.float32, "int32": np.int32, "uint8": np.uint8}


def arr(buf: bytes, ref: dict[str, Any]) -> np.ndarray[Any, Any]:
    assert ref["offset"] % 8 == 0
    dtype = np.dtype(TYPES[ref["dtype"]]).newbyteorder("<")
    return np.frombuffer(buf, dtype=dtype, count=ref["length"], offset=ref["offset"])


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
    spec, buf = payload.build(short_runs, title="demo")
    text = json.dumps(spec, allow_nan=False)  # no NaN/inf reaches JSON.parse
    assert json.loads(text) == spec
    assert spec["format"] == "netwarp-view" and spec["title"] == "demo"
    assert spec["buffer_bytes"] == len(buf)
    assert len(spec["runs"]) == 3
    for run, traj in zip(spec["runs"], short_runs, strict=True):
        assert run["name"] == traj.name
        assert run["layer_sizes"] == [1, 2, 1]
        assert run["activations"] == list(traj.activations)
        assert run["n_epochs"] == traj.n_epochs
        assert run["stop_reason"] == traj.stop_reason
        params = arr(buf, run["params"])
        assert params.dtype == np.float64
        np.testing.assert_array_equal(params.reshape(traj.params.shape), traj.params)
        for key in ("loss", "train_score", "test_score"):  # curves are float32
            np.testing.assert_array_equal(arr(buf, run[key]), getattr(traj, key).astype(np.float32))


def test_data_defaults_to_train_then_test_with_split_flags(short_runs: list[Trajectory]) -> None:
    spec, buf = payload.build(short_runs)
    data = short_runs[0].data
    assert data is not None
    d = spec["data"]
    assert (d["n"], d["d"]) == (1800, 1)
    X = arr(buf, d["X"]).reshape(d["n"], d["d"])
    np.testing.assert_array_equal(X, np.concatenate([data.X_train, data.X_test]))
    split = arr(buf, d["split"])
    assert split[:900].tolist() == [0] * 900 and split[900:].tolist() == [1] * 900
    y = arr(buf, d["y"])
    np.testing.assert_array_equal(y, np.concatenate([data.y_train, data.y_test]))
    assert d["classes"] == ["0", "1"]
    np.testing.assert_array_equal(arr(buf, d["jitter"]), geometry.jitter(1800))
    assert d["domain"] == geometry.domain(X).tolist()


def test_explicit_points_are_matched_to_the_split(short_runs: list[Trajectory]) -> None:
    d = netwarp.data.datasets.load("interval1d")
    extra = np.array([[5.0]])
    spec, buf = payload.build(short_runs, np.vstack([d.X, extra]), np.append(d.y, 1))
    split = arr(buf, spec["data"]["split"])
    train_rows = {float(v) for v in d.X_train[:, 0]}
    assert all((s == 0) == (float(x) in train_rows) for s, x in zip(split[:-1], d.X[:, 0], strict=True))
    assert split[-1] == 2  # in neither set
    np.testing.assert_array_equal(arr(buf, spec["data"]["X"]), np.append(d.X[:, 0], 5.0))


def test_bounds_projections_and_morph_boxes(wide_run: Trajectory) -> None:
    spec, buf = payload.build(wide_run)
    run = spec["runs"][0]
    X = arr(buf, spec["data"]["X"]).reshape(-1, 2)
    assert run["layer_sizes"] == [2, 5, 3, 3]
    assert run["projections"][0] is None and run["projections"][2] is None
    pr = run["projections"][1]
    ref = geometry.projections(wide_run, X)[1]
    np.testing.assert_allclose(pr["mean"], ref.mean)
    np.testing.assert_allclose(pr["components"], ref.components)
    for got, want in zip(run["bounds"], geometry.layer_bounds(wide_run, X), strict=True):
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
        payload.build(short_runs, d.X, np.full(len(d.X), 7))


def test_bad_inputs_raise_clear_errors(short_runs: list[Trajectory], wide_run: Trajectory) -> None:
    d = netwarp.data.datasets.load("interval1d")
    with pytest.raises(NetwarpError, match="share the input width"):
        payload.build([short_runs[0], wide_run])
    with pytest.raises(NetwarpError, match="both X and y"):
        payload.build(short_runs, d.X)
    with pytest.raises(NetwarpError, match="rows but y has"):
        payload.build(short_runs, d.X, d.y[:-1])
    with pytest.raises(NetwarpError, match=r"shape \(n, 1\)"):
        payload.build(short_runs, np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(NetwarpError, match="NaN"):
        payload.build(short_runs, np.array([[np.nan]]), np.array([0]))
    with pytest.raises(NetwarpError, match="at least one"):
        payload.build([])
    with pytest.raises(NetwarpError, match="Trajectory objects"):
        payload.build(["tanh"])  # type: ignore[list-item]
    bare = Trajectory(layer_sizes=(1, 2, 1), activations=("tanh", "logistic"), params=short_runs[0].params)
    with pytest.raises(NetwarpError, match="carries no data"):
        payload.build(bare)


def test_view_settings_are_checked(short_runs: list[Trajectory]) -> None:
    spec, _ = payload.build(short_runs, view={"epoch": 10, "run": 2, "morph": 1.5, "compare": True})
    assert spec["view"] == {"epoch": 10, "run": 2, "morph": 1.5, "compare": True}
    with pytest.raises(NetwarpError, match="unknown view setting 'zoom'"):
        payload.build(short_runs, view={"zoom": 2})
    with pytest.raises(NetwarpError, match="run 3 is out of range"):
        payload.build(short_runs, view={"run": 3})
    with pytest.raises(NetwarpError, match="wrong type"):
        payload.build(short_runs, view={"epoch": "last"})
    with pytest.raises(NetwarpError, match="wrong type"):
        payload.build(short_runs, view={"epoch": True})


def test_regressor_runs_get_binned_colours() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = X[:, 0] * 3.0
    traj = Trajectory(layer_sizes=(2, 3, 1), activations=("relu", "identity"),
                      params=rng.normal(size=(4, 13)))  # fmt: skip
    spec, buf = payload.build(traj, X, y)
    assert spec["runs"][0]["is_classifier"] is False
    assert len(spec["data"]["classes"]) == 2
    labels = arr(buf, spec["data"]["y"])
    assert set(labels.tolist()) == {0, 1}
    assert arr(buf, spec["data"]["split"]).tolist() == [2] * 50


def test_regressor_targets_travel_as_floats() -> None:
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(120, 2))
    y = np.sin(X[:, 0]) + 0.3 * X[:, 1]
    est = MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=300, random_state=0).fit(X[:80], y[:80])
    traj = netwarp.from_estimator(est, X[:80], y[:80], X[80:], y[80:])
    spec, buf = payload.build(traj)
    d = spec["data"]
    np.testing.assert_array_equal(arr(buf, d["target"]), np.concatenate([y[:80], y[80:]]))
    assert d["target_range"] == [float(y.min()), float(y.max())]
    run = spec["runs"][0]
    assert run["is_classifier"] is False and run["n_epochs"] == 0
    dg = run["diagnostics"]
    assert dg is not None and dg["epochs"] == [0]
    assert dg["separability"] == [[None], [None], [None]]  # no classes to separate
    assert dg["layers"][0]["kind"] == ["not injective: relu is not injective"]


def test_classifiers_carry_no_targets(wide_run: Trajectory) -> None:
    spec, _ = payload.build(wide_run)
    assert "target" not in spec["data"]


def test_tour_radii_hold_every_epoch_and_rotation(wide_run: Trajectory) -> None:
    spec, buf = payload.build(wide_run)
    run = spec["runs"][0]
    X = arr(buf, spec["data"]["X"]).reshape(-1, 2)
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
    spec, buf = payload.build(wide_run)
    X = arr(buf, spec["data"]["X"]).reshape(-1, 2)
    labels = arr(buf, spec["data"]["y"])
    assert spec["runs"][0]["diagnostics"] == json.loads(json.dumps(diagnostics.to_payload(wide_run, X, labels)))
    spec, _ = payload.build(wide_run, diagnostics=False)
    assert spec["runs"][0]["diagnostics"] is None
    spec, _ = payload.build(wide_run, view={"tour": 12.5, "proj": {"0.1": "tour2"}})
    assert spec["view"] == {"tour": 12.5, "proj": {"0.1": "tour2"}}
