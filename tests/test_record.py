"""Parity with scikit-learn: netwarp's engine gives fit's parameters at every epoch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.errors import NetwarpError, UnsupportedParameterError

SEED = dict(hidden_layer_sizes=(2,), solver="sgd", learning_rate_init=0.02, random_state=1, max_iter=1500)


def _fit(est: Any, X: Any, y: Any, k: int) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clone(est).set_params(max_iter=k).fit(X, y)


def _assert_epoch_equal(traj: netwarp.Trajectory, ref: Any, k: int) -> None:
    for a, b in zip(traj.coefs(k), ref.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    for a, b in zip(traj.intercepts(k), ref.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("activation", "stop"), [("tanh", 468), ("relu", 217), ("identity", 33)]
)
def test_seed_parity_and_stopping_epoch(seed_data: Any, activation: str, stop: int) -> None:
    est = MLPClassifier(activation=activation, **SEED)
    traj = netwarp.record(est, seed_data.X_train, seed_data.y_train)
    assert traj.n_epochs == stop
    assert traj.stop_reason.startswith("converged")
    ref = _fit(est, seed_data.X_train, seed_data.y_train, 1500)
    assert ref.n_iter_ == stop
    for k in sorted({1, 2, 5, 17, stop // 3, stop}):
        _assert_epoch_equal(traj, _fit(est, seed_data.X_train, seed_data.y_train, k), k)
    # the loss curve is sklearn's, and the estimator is left fitted as fit leaves it
    np.testing.assert_allclose(traj.loss[1:], ref.loss_curve_, rtol=0, atol=1e-12)
    assert est.n_iter_ == ref.n_iter_ and est.t_ == ref.t_
    np.testing.assert_array_equal(est.classes_, ref.classes_)
    np.testing.assert_allclose(est.loss_curve_, ref.loss_curve_, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(est.predict(seed_data.X_test), ref.predict(seed_data.X_test))
    np.testing.assert_allclose(est.predict_proba(seed_data.X_test), ref.predict_proba(seed_data.X_test), atol=1e-9)
    np.testing.assert_allclose(traj.predict_proba(seed_data.X_test), ref.predict_proba(seed_data.X_test), atol=1e-9)


CONFIGS = {
    "adam-multiclass-deep": dict(dataset="blobs", hidden_layer_sizes=(5, 4), solver="adam", learning_rate_init=0.01),
    "sgd-minibatch-momentum": dict(
        dataset="moons", hidden_layer_sizes=(6,), solver="sgd", batch_size=32, momentum=0.5,
        nesterovs_momentum=False, learning_rate_init=0.05,
    ),
    "sgd-invscaling-logistic": dict(
        dataset="circles", hidden_layer_sizes=(4, 3), solver="sgd", learning_rate="invscaling",
        power_t=0.3, activation="logistic", learning_rate_init=0.5,
    ),
    "sgd-adaptive": dict(
        dataset="xor", hidden_layer_sizes=(8,), solver="sgd", learning_rate="adaptive", tol=1e-2,
        n_iter_no_change=2, learning_rate_init=0.1,
    ),
    "adam-three-layers-relu-noshuffle": dict(
        dataset="spirals", hidden_layer_sizes=(8, 8, 4), solver="adam", activation="relu", shuffle=False,
        alpha=0.01, batch_size=50,
    ),
    "adam-multiclass-tanh-bigbatch": dict(
        dataset="blobs", hidden_layer_sizes=(3,), solver="adam", activation="tanh", batch_size=1000,
        beta_1=0.8, beta_2=0.99, epsilon=1e-6,
    ),
}


@pytest.mark.filterwarnings("ignore:Got `batch_size` less than 1 or larger than sample size")
@pytest.mark.parametrize("name", list(CONFIGS))
def test_other_configurations_match_sklearn(name: str) -> None:
    cfg = dict(CONFIGS[name])
    data = netwarp.data.datasets.load(cfg.pop("dataset"), n=300)
    est = MLPClassifier(random_state=3, max_iter=60, **cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        traj = netwarp.record(est, data.X_train, data.y_train, data.X_test, data.y_test)
    ref = _fit(est, data.X_train, data.y_train, 60)
    assert traj.n_epochs == ref.n_iter_
    for k in sorted({1, 3, traj.n_epochs // 2, traj.n_epochs}):
        _assert_epoch_equal(traj, _fit(est, data.X_train, data.y_train, k), k)
    np.testing.assert_array_equal(est.predict(data.X_test), ref.predict(data.X_test))
    assert traj.test_score[-1] == pytest.approx(ref.score(data.X_test, data.y_test))


def test_adaptive_learning_rate_stops_where_sklearn_stops() -> None:
    data = netwarp.data.datasets.load("moons", n=200)
    est = MLPClassifier(
        hidden_layer_sizes=(3,), solver="sgd", learning_rate="adaptive", tol=0.5, n_iter_no_change=1,
        learning_rate_init=0.1, random_state=0, max_iter=500,
    )  # fmt: skip
    traj = netwarp.record(est, data.X_train, data.y_train)
    ref = _fit(est, data.X_train, data.y_train, 500)
    assert traj.n_epochs == ref.n_iter_ < 500
    _assert_epoch_equal(traj, ref, traj.n_epochs)


def test_regressor_parity() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    est = MLPRegressor(hidden_layer_sizes=(5,), solver="adam", random_state=0, max_iter=40, learning_rate_init=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        traj = netwarp.record(est, X, y)
    ref = _fit(est, X, y, 40)
    _assert_epoch_equal(traj, ref, 40)
    assert traj.classes is None and traj.out_activation == "identity"
    np.testing.assert_allclose(traj.predict(X), ref.predict(X), atol=1e-9)


def test_convergence_warning_like_fit(seed_data: Any) -> None:
    est = MLPClassifier(activation="tanh", **{**SEED, "max_iter": 5})
    with pytest.warns(ConvergenceWarning):
        traj = netwarp.record(est, seed_data.X_train, seed_data.y_train)
    assert traj.n_epochs == 5 and "max_iter" in traj.stop_reason


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"solver": "lbfgs"}, "solver='lbfgs'"),
    ],
)
def test_unsupported_parameters_are_named(seed_data: Any, params: dict[str, Any], needle: str) -> None:
    est = MLPClassifier(**{**SEED, **params})
    with pytest.raises(UnsupportedParameterError, match=needle.replace("(", r"\(")):
        netwarp.record(est, seed_data.X_train, seed_data.y_train)


def test_bad_inputs_are_clear_errors(seed_data: Any) -> None:
    with pytest.raises(NetwarpError, match="single class"):
        netwarp.record(MLPClassifier(**SEED), seed_data.X_train, np.zeros(len(seed_data.X_train)))
    with pytest.raises(NetwarpError, match="MLPClassifier"):
        netwarp.record("not an estimator", seed_data.X_train, seed_data.y_train)  # type: ignore[arg-type]
    with pytest.raises(NetwarpError, match="X_test and y_test"):
        netwarp.record(MLPClassifier(**SEED), seed_data.X_train, seed_data.y_train, seed_data.X_test)
    with pytest.raises(NetwarpError, match="hidden: must be >= 1"):
        netwarp.train(seed_data.X_train, seed_data.y_train, hidden=(0,))


def test_train_short_form_matches_record(seed_data: Any) -> None:
    traj = netwarp.train(seed_data.X_train, seed_data.y_train, max_iter=50, early_stop=False)
    est = MLPClassifier(activation="tanh", **{**SEED, "max_iter": 50})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        other = netwarp.record(est, seed_data.X_train, seed_data.y_train)
    np.testing.assert_array_equal(traj.params, other.params)
    assert traj.n_epochs == 50


def test_progress_and_cancel(seed_data: Any) -> None:
    seen: list[int] = []
    traj = netwarp.train(
        seed_data.X_train, seed_data.y_train, progress=lambda e, total, loss: seen.append(e),
        should_stop=lambda: len(seen) >= 7,
    )  # fmt: skip
    assert seen == list(range(1, 8))
    assert traj.n_epochs == 7 and traj.stop_reason == "cancelled"


def test_from_estimator_forward_equals_predict_proba(seed_data: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(**{**SEED, "max_iter": 100}).fit(seed_data.X_train, seed_data.y_train)
    traj = netwarp.from_estimator(model)
    assert traj.n_epochs == 0
    np.testing.assert_allclose(traj.forward(seed_data.X_test)[-1][:, 0], model.predict_proba(seed_data.X_test)[:, 1])
    np.testing.assert_allclose(traj.predict_proba(seed_data.X_test), model.predict_proba(seed_data.X_test))
    with pytest.raises(NetwarpError, match="not fitted"):
        netwarp.from_estimator(MLPClassifier())


def test_on_epoch_streams_what_is_recorded(seed_data: Any) -> None:
    seen: list[tuple[int, Any, float]] = []
    traj = netwarp.train(
        seed_data.X_train, seed_data.y_train, max_iter=30, early_stop=False,
        on_epoch=lambda e, params, loss: seen.append((e, params, loss)),
    )  # fmt: skip
    assert [e for e, _, _ in seen] == list(range(31))
    np.testing.assert_array_equal(np.stack([p for _, p, _ in seen]), traj.params)
    np.testing.assert_array_equal([loss for _, _, loss in seen], traj.loss)
