"""The optional compiled kernels (``netwarp.core.fused``) do scikit-learn's arithmetic.

numba compiles these same functions without fast-math, so the operations per element are the
ones checked here: training through the uncompiled kernels must leave the estimator exactly
as ``fit`` does (relu, SGD with and without Nesterov momentum, Adam, sample weights, the L2
term), and turning the kernels off must leave nothing behind.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.core import fused

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(90, 5, n_informative=3, n_classes=3, random_state=0)
Xr, yr = make_regression(90, 4, random_state=0)
SMALL: dict[str, Any] = dict(hidden_layer_sizes=(6, 4), max_iter=6, random_state=0, batch_size=32, alpha=0.01)


def _same(a: Any, b: Any) -> None:
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_array_equal(p, q)
    assert a.loss_curve_ == b.loss_curve_
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_


@pytest.mark.parametrize(
    "est",
    [
        MLPClassifier(solver="adam", **SMALL),
        MLPClassifier(solver="sgd", learning_rate_init=0.05, **SMALL),
        MLPClassifier(solver="sgd", nesterovs_momentum=False, learning_rate="invscaling", **SMALL),
        MLPClassifier(solver="adam", activation="tanh", **SMALL),
        MLPRegressor(solver="sgd", learning_rate_init=0.001, **SMALL),
    ],
    ids=["adam-relu", "sgd-nesterov", "sgd-invscaling", "adam-tanh", "regressor-sgd"],
)
def test_kernels_train_exactly_as_fit(est: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    plain = fused.plain()
    names = ("bias_relu", "relu_backward", "sgd", "adam")
    counted = {name: _counting(getattr(plain, name), name, calls) for name in names}
    monkeypatch.setattr(fused, "kernels", lambda: type(plain)(**counted))
    monkeypatch.setattr(fused, "epochs", lambda *args: None)  # batch by batch (test_fused_epoch covers epochs)
    data = (Xr, yr / 100) if isinstance(est, MLPRegressor) else (X, y)
    recorded, fitted = clone(est), clone(est).fit(*data)
    netwarp.record(recorded, *data)
    _same(recorded, fitted)
    assert est.solver in calls  # the compiled path really ran
    assert ("bias_relu" in calls) == (est.activation == "relu")


def test_sample_weights_go_through_the_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fused, "kernels", fused.plain)
    monkeypatch.setattr(fused, "epochs", lambda *args: None)
    w = np.random.default_rng(0).uniform(0.1, 2.0, len(X))
    est = MLPClassifier(solver="adam", **SMALL)
    recorded, fitted = clone(est), clone(est).fit(X, y, sample_weight=w)
    netwarp.record(recorded, X, y, sample_weight=w)
    _same(recorded, fitted)


def test_turned_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    fused.kernels.cache_clear()
    fused.numba_module.cache_clear()
    monkeypatch.setenv("NETWARP_NUMBA", "0")
    try:
        assert fused.kernels() is None
        assert fused.epochs() is None
    finally:
        fused.kernels.cache_clear()
        fused.numba_module.cache_clear()


def _counting(fn: Any, name: str, calls: list[str]) -> Any:
    def wrapped(*args: Any) -> Any:
        calls.append(name)
        return fn(*args)

    return wrapped


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_compiled_kernels_train_exactly_as_fit(solver: str) -> None:
    """With numba installed (the ``numba`` extra, part of ``all``), record runs the compiled kernels
    and still leaves every coefficient bit-equal to ``fit``'s."""
    pytest.importorskip("numba")
    fused.kernels.cache_clear()
    assert fused.kernels() is not None
    est = MLPClassifier(solver=solver, activation="relu", learning_rate_init=0.05, **SMALL)
    mine = clone(est)
    netwarp.record(mine, X, y)
    _same(mine, clone(est).fit(X, y))
