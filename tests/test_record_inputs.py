"""A recorded Trajectory answers predict, predict_proba and score at any epoch as the estimator
trained to that epoch does; from_estimator takes every fitted MLP; scores are exact and lazy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.core import scoring
from netwarp.errors import NetwarpError

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

Xb, yb = make_classification(200, 4, random_state=2)
Xc, yc = make_classification(200, 6, n_informative=4, n_classes=3, random_state=3)
Xm, Ym = make_multilabel_classification(200, 5, n_classes=3, random_state=4)
Xr, yr = make_regression(200, 4, n_targets=2, random_state=5)
yr = yr / 100
KINDS = {
    "binary": (MLPClassifier, Xb, yb),
    "multiclass": (MLPClassifier, Xc, yc),
    "multilabel": (MLPClassifier, Xm, Ym),
    "regressor": (MLPRegressor, Xr, yr),
}


def _at(est: Any, X: Any, y: Any, k: int) -> Any:
    return clone(est).set_params(max_iter=k).fit(X, y)


@pytest.mark.parametrize("kind", list(KINDS))
def test_trajectory_answers_like_the_estimator_at_each_epoch(kind: str) -> None:
    cls, X, y = KINDS[kind]
    est = cls(hidden_layer_sizes=(6,), random_state=0, max_iter=30, learning_rate_init=0.01)
    traj = netwarp.record(est, X[:150], y[:150], X[150:], y[150:])
    for k in (1, 7, 30):
        ref = _at(est, X[:150], y[:150], k)
        np.testing.assert_array_equal(traj.predict(X, epoch=k), ref.predict(X))
        assert traj.score(X[150:], y[150:], epoch=k) == pytest.approx(ref.score(X[150:], y[150:]), abs=1e-12)
        assert traj.test_score[k] == pytest.approx(ref.score(X[150:], y[150:]), abs=1e-12)
        assert traj.train_score[k] == pytest.approx(ref.score(X[:150], y[:150]), abs=1e-12)
        if cls is MLPClassifier:
            np.testing.assert_allclose(traj.predict_proba(X, epoch=k), ref.predict_proba(X), rtol=0, atol=1e-12)
    if cls is MLPRegressor:
        with pytest.raises(NetwarpError, match="predict_proba needs a classifier"):
            traj.predict_proba(X)


def test_forward_gives_the_output_layer_and_predict_proba_both_columns() -> None:
    est = MLPClassifier(hidden_layer_sizes=(3,), random_state=0, max_iter=5)
    traj = netwarp.record(est, Xb, yb)
    assert traj.forward(Xb)[-1].shape == (200, 1)
    proba = traj.predict_proba(Xb)
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba[:, 1], traj.forward(Xb)[-1][:, 0])
    assert "(n, 1)" in (netwarp.Trajectory.forward.__doc__ or "")


def test_weighted_scores_equal_sklearns() -> None:
    w = np.linspace(0.5, 2, 200)
    est = MLPClassifier(hidden_layer_sizes=(4,), random_state=1, max_iter=12)
    traj = netwarp.record(est, Xc, yc, sample_weight=w)
    assert traj.train_score[-1] == pytest.approx(est.score(Xc, yc, sample_weight=w), abs=1e-12)
    assert traj.score(Xc, yc, sample_weight=w) == pytest.approx(est.score(Xc, yc, sample_weight=w), abs=1e-12)


def test_scores_are_computed_when_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = scoring.epoch_scores

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "epoch_scores", counting)
    est = MLPClassifier(hidden_layer_sizes=(4,), random_state=1, max_iter=12)
    traj = netwarp.record(est, Xc[:150], yc[:150], Xc[150:], yc[150:])
    assert calls == []
    first = traj.train_score.copy()
    assert calls == [1] and traj.train_score is traj.train_score  # computed once, then kept
    assert first[-1] == pytest.approx(est.score(Xc[:150], yc[:150]))
    traj.test_score = np.zeros(traj.n_epochs + 1)  # a value set wins over the pending one
    assert calls == [1] and not traj.test_score.any()


def test_blocked_scoring_is_exact_with_small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    est = MLPRegressor(hidden_layer_sizes=(5, 3), random_state=0, max_iter=15)
    traj = netwarp.record(est, Xr, yr)
    whole = traj.scores(Xr, yr)
    monkeypatch.setattr(scoring, "BLOCK_FLOATS", 40)  # many blocks of points and of epochs
    np.testing.assert_allclose(traj.scores(Xr, yr), whole, rtol=0, atol=1e-12)
    assert whole[-1] == pytest.approx(est.score(Xr, yr), abs=1e-12)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_from_estimator_takes_multilabel_models(solver: str) -> None:
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=40, random_state=0, solver=solver).fit(Xm, Ym)
    traj = netwarp.from_estimator(model, Xm, Ym)
    assert traj.multilabel and traj.forward(Xm)[-1].shape == (200, 3)
    np.testing.assert_allclose(traj.predict_proba(Xm), model.predict_proba(Xm), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(traj.predict(Xm), model.predict(Xm))
    assert traj.train_score[0] == pytest.approx(model.score(Xm, Ym))


def test_from_estimator_names_what_is_missing() -> None:
    model = MLPClassifier().fit(Xb, yb)
    del model.out_activation_
    with pytest.raises(NetwarpError, match=r"not fitted yet .*out_activation_"):
        netwarp.from_estimator(model)
    model = MLPRegressor(max_iter=5).fit(Xr, yr)
    model.activation = "gelu"
    with pytest.raises(NetwarpError, match="activation='gelu'"):
        netwarp.from_estimator(model)
