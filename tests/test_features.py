"""Feature crosses (netwarp.core.features): a RunSpec setting (``crosses``), trained by the record path on the
expanded inputs and shown as a fixed first layer, so the raw input plane stays the input."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import netwarp
from netwarp.core import activations as act
from netwarp.core import features
from netwarp.core.files import save
from netwarp.core.spec import RunSpec, table
from netwarp.errors import NetwarpError
from netwarp.view.diagnostics import jacobians
from netwarp.view.scene import Scene


def _train(spec: RunSpec, X: np.ndarray, y: np.ndarray) -> netwarp.Trajectory:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return netwarp.train(X, y, spec)


def test_setting_parses_orders_and_round_trips() -> None:
    spec = RunSpec(crosses="x1x2, x1sq")
    assert spec.crosses == ("x1sq", "x1x2")  # FEATURES order, whatever the given order
    assert RunSpec.from_query(spec.to_query()).crosses == ("x1sq", "x1x2")
    assert RunSpec.from_json(spec.to_json()) == spec
    assert RunSpec().crosses == ()
    with pytest.raises(NetwarpError, match="'cosx1' is not one of x1sq"):
        RunSpec(crosses=["cosx1"])
    assert table()["crosses"]["x1x2"] == {"label": "x1·x2", "needs": 2}


def test_training_with_features_is_training_on_them() -> None:
    d = RunSpec.recommended("circles").load_data()
    spec = RunSpec.recommended("circles", hidden=(3,), max_iter=60, crosses=("x1sq", "x2sq"))
    traj = _train(spec, d.X_train, d.y_train)
    inner = _train(spec.replace(crosses=()), features.expand(d.X_train, spec.crosses), d.y_train)
    assert traj.layer_sizes == (2, 4, 3, 1)
    assert traj.activations == ("features:x1sq,x2sq", "tanh", "logistic")
    assert traj.data is not None and traj.data.X_train.shape == (len(d.X_train), 2)  # the raw points
    W, b = traj.coefs(), traj.intercepts()
    assert np.array_equal(W[0], [[1, 0, 0, 0], [0, 1, 0, 0]]) and not b[0].any()  # the fixed layer
    for got, want in zip(W[1:] + b[1:], inner.coefs() + inner.intercepts(), strict=True):
        assert np.array_equal(got, want)
    assert np.array_equal(traj.loss, inner.loss)
    hidden = traj.forward(d.X_test[:5])[1]
    assert np.allclose(hidden, np.column_stack([d.X_test[:5], d.X_test[:5] ** 2]))
    assert np.array_equal(traj.predict(d.X_test), inner.predict(features.expand(d.X_test, spec.crosses)))


def test_live_epochs_and_files_carry_the_feature_layer(tmp_path: Path) -> None:
    d = RunSpec.recommended("xor").load_data()
    spec = RunSpec.recommended("xor", max_iter=20, crosses=("x1x2",))
    rows: list[np.ndarray] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(d.X_train, d.y_train, spec, on_epoch=lambda e, p, loss: rows.append(p))
    assert np.array_equal(np.array(rows), traj.params)
    back = netwarp.load(save(traj, tmp_path / "f.npz"))
    assert back.activations == traj.activations and np.array_equal(back.params, traj.params)
    scene = Scene.from_trajectories(traj)
    assert scene.diagnostics_of(0) is not None


def test_feature_layer_jacobian_matches_finite_differences() -> None:
    names = ("x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
    rng = np.random.default_rng(3)
    Z = np.column_stack([rng.normal(size=(6, 2)), np.zeros((6, 5))])
    J = features.jacobian(Z, names)
    f = act.get(features.activation_name(names))
    h = 1e-6
    for i in range(2):
        dz = np.zeros_like(Z)
        dz[:, i] = h
        assert np.allclose((f(Z + dz) - f(Z - dz)) / (2 * h), J[:, i, :], atol=1e-6)
    traj = _train(RunSpec.recommended("xor", max_iter=5, crosses=names), *_xor())
    shapes = [j.shape for j in jacobians(traj, _xor()[0][:4], 5)]
    assert shapes == [(4, 2, 2), (4, 2, 7), (4, 2, 4), (4, 2, 4), (4, 2, 1)]


def _xor() -> tuple[np.ndarray, np.ndarray]:
    d = RunSpec.recommended("xor").load_data()
    return d.X_train, d.y_train


def test_a_feature_the_data_cannot_make_is_an_error() -> None:
    d = RunSpec().load_data()  # interval1d: one input column
    with pytest.raises(NetwarpError, match="x2sq needs input x2, the data has 1 column"):
        _train(RunSpec(crosses=("x2sq",), max_iter=2), d.X_train, d.y_train)
    traj = _train(RunSpec(crosses=("x1sq", "sinx1"), max_iter=2), d.X_train, d.y_train)
    assert traj.layer_sizes == (1, 3, 2, 1)
    assert act.canonical("features:sinx1,x1sq") == "features:x1sq,sinx1"


def test_the_feature_layer_is_an_embedding() -> None:
    """It keeps x, so the diagnostics call it injective: an embedding of the input plane."""
    from netwarp.view.diagnostics import layer_map

    W, _ = features.layer(2, ("x1sq", "x1x2"))
    assert layer_map(W, features.activation_name(("x1sq", "x1x2"))) == (True, False, "embedding 2 -> 4")


def test_figures_name_the_feature_layer_as_the_pages_do() -> None:
    from netwarp.view import vocabulary
    from netwarp.view.figures import plot

    d = RunSpec.recommended("circles").load_data()
    spec = RunSpec.recommended("circles", hidden=(3,), max_iter=5, crosses=("x1sq", "x1x2"))
    traj = _train(spec, d.X_train, d.y_train)
    titles = [ax.get_title() for ax in plot(traj).axes]
    assert titles[1] == f"{vocabulary.WORDS['crosses']} (x1², x1·x2)"  # not "hidden layer 1"
    assert titles[2] == "hidden layer 2 (3 tanh)"  # numbered by representation, as the renderer's layerName
    assert vocabulary.layer_name(1, 3) == "hidden layer 1"  # without activations: a hidden layer
