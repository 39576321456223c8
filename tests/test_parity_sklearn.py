"""record == fit for what scikit-learn's own MLP tests feed fit: every input kind, every fitted attribute.

The cases follow scikit-learn's ``neural_network/tests/test_mlp.py`` (sparse matrices,
multilabel, multi-output, float32, early stopping with string labels and sample weights,
Poisson loss, n_iter_no_change=inf, adaptive learning rate, warm start, partial_fit after
fit, verbose output, parameter validation), written afresh. Each compares the estimator that
``netwarp.record`` leaves with one that ``fit`` leaves, attribute by attribute and bit for
bit, then continues both with ``partial_fit`` (or ``warm_start``) and compares again.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.errors import NetwarpError, UnsupportedParameterError

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

Xc, yc = make_classification(240, 6, n_informative=4, n_classes=3, random_state=0)
Xb, yb = make_classification(240, 5, random_state=1)
Xm, Ym = make_multilabel_classification(240, 6, n_classes=4, random_state=0)
Xr, Yr = make_regression(240, 5, n_targets=2, random_state=0)
Yr = Yr / 100
W = np.random.default_rng(0).uniform(0.1, 2.0, 240)
SMALL = dict(hidden_layer_sizes=(7, 5), random_state=0, max_iter=25)


def _cls(**kw: Any) -> MLPClassifier:
    return MLPClassifier(**{**SMALL, **kw})


def _reg(**kw: Any) -> MLPRegressor:
    return MLPRegressor(**{**SMALL, **kw})


CASES: dict[str, tuple[Any, Any, Any, dict[str, Any]]] = {
    "float64-adam-multiclass": (_cls(), Xc, yc, {}),
    "float32-adam": (_cls(), Xc.astype(np.float32), yc, {}),
    "float32-sgd-nesterov": (_cls(solver="sgd", learning_rate_init=0.1), Xc.astype(np.float32), yc, {}),
    "float32-regressor-float64-y": (_reg(solver="sgd"), Xr.astype(np.float32), Yr[:, 0], {}),
    "sparse-csr": (_cls(), sp.csr_matrix(Xc * (Xc > 0)), yc, {}),
    "sparse-csc": (_cls(solver="sgd"), sp.csc_matrix(Xc * (Xc > 0)), yc, {}),
    "lists": (_cls(), Xb.tolist(), yb.tolist(), {}),
    "string-labels": (_cls(), Xb, np.array(["no", "yes"])[yb], {}),
    "bool-labels": (_cls(), Xb, yb == 1, {}),
    "multilabel-adam": (_cls(), Xm, Ym, {}),
    "multilabel-sgd": (_cls(solver="sgd"), Xm, Ym, {}),
    "multioutput-regression": (_reg(), Xr, Yr, {}),
    "poisson": (_reg(loss="poisson"), Xr, np.exp(Yr[:, 0]), {}),
    "sample-weight": (_cls(), Xc, yc, {"sample_weight": W}),
    "sample-weight-float32": (_cls(solver="sgd"), Xc.astype(np.float32), yc, {"sample_weight": W.astype(np.float32)}),
    "float32-data-float64-weights-sgd": (_cls(solver="sgd"), Xc.astype(np.float32), yc, {"sample_weight": W}),
    "float32-data-float64-weights-adam": (_cls(), Xc.astype(np.float32), yc, {"sample_weight": W}),
    "sample-weight-regressor": (_reg(), Xr, Yr, {"sample_weight": W}),
    "early-stopping": (_cls(early_stopping=True, max_iter=200), Xc, yc, {}),
    "early-stopping-string-labels": (_cls(early_stopping=True, max_iter=200), Xb, np.array(["a", "b"])[yb], {}),
    "early-stopping-sample-weight": (_cls(early_stopping=True, max_iter=200), Xc, yc, {"sample_weight": W}),
    "early-stopping-regressor": (_reg(early_stopping=True, max_iter=100, validation_fraction=0.2), Xr, Yr, {}),
    "early-stopping-multilabel": (_cls(early_stopping=True, max_iter=100), Xm, Ym, {}),
    "n-iter-no-change-inf": (_cls(solver="sgd", n_iter_no_change=np.inf, max_iter=40), Xb, yb, {}),
    "adaptive-learning-rate": (_cls(solver="sgd", learning_rate="adaptive", tol=0.5, n_iter_no_change=1), Xb, yb, {}),
    "no-shuffle-invscaling": (_cls(solver="sgd", shuffle=False, learning_rate="invscaling"), Xc, yc, {}),
    "random-state-instance": (_cls(random_state=np.random.RandomState(4)), Xc, yc, {}),
    "dataframe-integer-columns": (_cls(), pd.DataFrame(Xc), yc, {}),
    "dataframe-named-columns": (_cls(), pd.DataFrame(Xc, columns=list("abcdef")), pd.Series(yc), {}),
}


def _both(est: Any, X: Any, y: Any, kw: dict[str, Any]) -> tuple[Any, netwarp.Trajectory, Any]:
    recorded, fitted = clone(est), clone(est)
    traj = netwarp.record(recorded, X, y, **kw)
    fitted.fit(X, y, **kw)
    return recorded, traj, fitted


def assert_same_state(a: Any, b: Any) -> None:
    """Every attribute fit sets, equal (same dtype, same bits)."""
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert p.dtype == q.dtype
        np.testing.assert_array_equal(p, q)
    for attr in ("n_iter_", "t_", "n_outputs_", "n_layers_", "out_activation_", "n_features_in_",
                 "_no_improvement_count", "best_loss_", "best_validation_score_", "loss_"):  # fmt: skip
        assert getattr(a, attr) == getattr(b, attr), attr
    assert [type(v) for v in a.loss_curve_] == [type(v) for v in b.loss_curve_]
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    assert (a.validation_scores_ is None) == (b.validation_scores_ is None)
    if b.validation_scores_ is not None:
        np.testing.assert_array_equal(a.validation_scores_, b.validation_scores_)
    assert hasattr(a, "feature_names_in_") == hasattr(b, "feature_names_in_")
    if hasattr(b, "feature_names_in_"):
        np.testing.assert_array_equal(a.feature_names_in_, b.feature_names_in_)
    if hasattr(b, "classes_"):
        np.testing.assert_array_equal(a.classes_, b.classes_)
    oa, ob = a._optimizer, b._optimizer
    assert type(oa) is type(ob) and oa.learning_rate == ob.learning_rate
    for name in ("velocities", "ms", "vs"):
        for p, q in zip(getattr(oa, name, []), getattr(ob, name, []), strict=True):
            assert p.dtype == q.dtype
            np.testing.assert_array_equal(p, q)
    assert getattr(oa, "t", None) == getattr(ob, "t", None)


@pytest.mark.parametrize("case", list(CASES))
def test_record_leaves_the_estimator_as_fit_does(case: str) -> None:
    est, X, y, kw = CASES[case]
    recorded, traj, fitted = _both(est, X, y, kw)
    assert_same_state(recorded, fitted)
    assert traj.n_epochs == fitted.n_iter_
    if not est.early_stopping:  # the last recorded epoch is the fitted model (early stopping keeps the best)
        for p, q in zip(traj.coefs(), fitted.coefs_, strict=True):
            np.testing.assert_array_equal(p, q)
        # and partial_fit continues identically (the optimizer state was left on the estimator)
        recorded.partial_fit(X, y, **kw)
        fitted.partial_fit(X, y, **kw)
        assert_same_state(recorded, fitted)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_like_after_fit(solver: str) -> None:
    recorded, _, fitted = _both(_cls(solver=solver, max_iter=10), Xc, yc, {})
    for est in (recorded, fitted):
        est.set_params(warm_start=True, max_iter=7).fit(Xc, yc)
    assert_same_state(recorded, fitted)


def test_float32_is_trained_in_float32() -> None:
    est = _cls()
    traj = netwarp.record(est, Xc.astype(np.float32), yc)
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    ref = clone(est).fit(Xc.astype(np.float32), yc)
    for p, q in zip(est.coefs_, ref.coefs_, strict=True):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(traj.coefs()[0], ref.coefs_[0])


def test_early_stopping_scores_every_epoch_and_keeps_the_best(tmp_path: Path) -> None:
    est = _cls(early_stopping=True, max_iter=200)
    traj = netwarp.record(est, Xc, yc)
    back = netwarp.load(netwarp.save(traj, tmp_path / "early.npz"))
    np.testing.assert_array_equal(back.validation_score, traj.validation_score)
    assert np.isnan(traj.validation_score[0])
    np.testing.assert_array_equal(traj.validation_score[1:], est.validation_scores_)
    best = int(np.argmax(est.validation_scores_)) + 1
    for p, q in zip(traj.coefs(best), est.coefs_, strict=True):
        np.testing.assert_array_equal(p, q)
    assert f"keeps epoch {best}" in traj.stop_reason


def test_integer_column_names_set_no_feature_names() -> None:
    est = _cls()
    netwarp.record(est, pd.DataFrame(Xc), yc)
    assert not hasattr(est, "feature_names_in_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(Xc)  # no "X does not have valid feature names" warning
    named = _cls()
    netwarp.record(named, pd.DataFrame(Xc, columns=list("abcdef")), yc)
    assert list(named.feature_names_in_) == list("abcdef")


@pytest.mark.parametrize(
    "params",
    [
        {"n_iter_no_change": 2.5},
        {"validation_fraction": 2.0},
        {"shuffle": "no"},
        {"learning_rate_init": 0},
        {"activation": "gelu"},
        {"batch_size": 0},
        {"hidden_layer_sizes": [3, 0]},
    ],
)
def test_hyperparameters_are_checked_by_sklearns_rules(params: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)) as fit_error:
        _cls(**params).fit(Xb, yb)
    with pytest.raises(NetwarpError) as record_error:
        netwarp.record(_cls(**params), Xb, yb)
    assert isinstance(record_error.value, type(fit_error.value))
    assert str(record_error.value) == str(fit_error.value)


def test_lbfgs_is_refused_with_a_clear_error() -> None:
    with pytest.raises(UnsupportedParameterError, match=r"solver='lbfgs'.*from_estimator"):
        netwarp.record(_cls(solver="lbfgs"), Xb, yb)


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "learning_rate": "adaptive", "tol": 0.5, "n_iter_no_change": 1, "max_iter": 60},
        {"early_stopping": True, "max_iter": 200},
        {"solver": "adam", "max_iter": 5},
    ],
)
def test_verbose_prints_what_fit_prints(params: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    _cls(verbose=True, **params).fit(Xc, yc)
    expected = capsys.readouterr().out
    netwarp.record(_cls(verbose=True, **params), Xc, yc)
    assert capsys.readouterr().out == expected
    assert expected.startswith("Iteration 1, loss = ")


def test_bad_data_errors_are_sklearns_as_netwarp_errors() -> None:
    with pytest.raises(NetwarpError, match=r"bad training data: .*inconsistent numbers of samples"):
        netwarp.record(_cls(), Xb, yb[:-1])
    with pytest.raises(ValueError, match="sample_weight"):
        netwarp.record(_cls(), Xb, yb, sample_weight=W[:10])
    cases = [
        (_cls(early_stopping=True, validation_fraction=0.001), Xb[:50], yb[:50], "test_size = 1 should be greater"),
        (_reg(early_stopping=True, validation_fraction=0.01), Xr[:50], Yr[:50], "validation set is too small"),
    ]
    for est, X, y, needle in cases:
        with pytest.raises(ValueError, match=needle):
            clone(est).fit(X, y)
        with pytest.raises(NetwarpError, match=needle):
            netwarp.record(est, X, y)
