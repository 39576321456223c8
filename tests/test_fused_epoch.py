"""Whole epochs compiled (``netwarp.core.fused_epoch``) leave the estimator exactly as ``fit`` does.

The compiled epoch calls NumPy's own matmul, tanh and exp loops and SciPy's expit by address
and writes NumPy's sums out; these tests check that it really runs, that every parameter,
loss, step count and optimizer state equals ``fit``'s bit for bit across the activations,
outputs and solvers it takes, that its building blocks equal NumPy's (and that the check of
them can fail), and that without its loops training falls back to the NumPy steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.core import fused
from netwarp.core.engine import EngineConfig
from netwarp.core.optimizers import FlatOptimizer
from netwarp.core.ufunc_loops import LoopUnavailable, inner_loop

fused_epoch = pytest.importorskip("netwarp.core.fused_epoch")  # needs numba (the numba extra, in all)
ops = fused_epoch.ops

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(230, 5, n_informative=3, n_classes=3, random_state=0)
y2 = (y > 0).astype(int)
Ym = np.stack([y == 0, y == 1, y == 2, X[:, 0] > 0], axis=1).astype(int)  # multilabel
Xr, yr = make_regression(230, 4, n_targets=2, random_state=0)
BASE: dict[str, Any] = dict(hidden_layer_sizes=(6, 4), max_iter=8, random_state=0, batch_size=64, alpha=0.01)


def _state(est: Any) -> list[Any]:
    opt = est._optimizer
    parts = opt.velocities if hasattr(opt, "velocities") else [*opt.ms, *opt.vs]
    return [*est.coefs_, *est.intercepts_, *parts]


CASES = {
    "tanh-sgd-binary": (MLPClassifier(activation="tanh", solver="sgd", learning_rate_init=0.1, **BASE), X, y2),
    "relu-adam-softmax": (MLPClassifier(**BASE), X, y),
    "logistic-sgd-plain": (
        MLPClassifier(activation="logistic", solver="sgd", nesterovs_momentum=False, learning_rate="invscaling",
                      **BASE),
        X, y,
    ),
    "identity-adam-multilabel": (MLPClassifier(activation="identity", **BASE), X, Ym),
    "tanh-sgd-regression": (
        MLPRegressor(activation="tanh", solver="sgd", learning_rate_init=1e-3, **BASE), Xr, yr / 100,
    ),
    "relu-adam-poisson": (MLPRegressor(loss="poisson", learning_rate_init=1e-3, **BASE), Xr, np.abs(yr) / 50),
    "unshuffled-auto-batch": (
        MLPClassifier(activation="tanh", shuffle=False, hidden_layer_sizes=(3,), max_iter=5, random_state=1), X, y2,
    ),
    "one-row-batches-momentum0": (
        MLPClassifier(solver="sgd", momentum=0.0, batch_size=1, hidden_layer_sizes=(2,), max_iter=2, random_state=0),
        X[:40], y2[:40],
    ),
    "early-stopping": (MLPClassifier(early_stopping=True, n_iter_no_change=2, **{**BASE, "max_iter": 30}), X, y),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_compiled_epochs_leave_the_estimator_as_fit_does(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    est, data_X, data_y = CASES[name]
    runs: list[int] = []
    real_epoch = fused_epoch._epoch
    monkeypatch.setattr(fused_epoch, "_epoch", lambda *args: runs.append(1) or real_epoch(*args))
    summed: list[int] = []
    real_sum = fused_epoch._loss_sum
    monkeypatch.setattr(fused_epoch, "_loss_sum", lambda *args: summed.append(1) or real_sum(*args))
    recorded, fitted = clone(est), clone(est).fit(data_X, data_y)
    trajectory = netwarp.record(recorded, data_X, data_y)
    assert len(runs) == fitted.n_iter_  # every epoch went through the compiled call
    assert len(summed) == (0 if est.loss == "poisson" else fitted.n_iter_)  # and its loss too (poisson: NumPy)
    for mine, theirs in zip(_state(recorded), _state(fitted), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert recorded.loss_curve_ == fitted.loss_curve_
    assert (recorded.n_iter_, recorded.t_) == (fitted.n_iter_, fitted.t_)
    assert getattr(recorded, "validation_scores_", None) == getattr(fitted, "validation_scores_", None)
    assert trajectory.params.shape[0] == fitted.n_iter_ + 1
    if not est.early_stopping:  # an epoch in the middle equals fit stopped there
        stopped = clone(est).set_params(max_iter=2).fit(data_X, data_y)
        for mine, theirs in zip(trajectory.coefs(2), stopped.coefs_, strict=True):
            np.testing.assert_array_equal(mine, theirs)
    if est.early_stopping:
        return  # partial_fit refuses early stopping
    recorded.partial_fit(data_X, data_y)  # and the optimizer state continues as fit's does
    fitted.partial_fit(data_X, data_y)
    for mine, theirs in zip(_state(recorded), _state(fitted), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_runs_it_does_not_fit_keep_the_numpy_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []
    monkeypatch.setattr(fused_epoch.CompiledEpochs, "run", lambda self, order: runs.append(1))
    est = MLPClassifier(**BASE)
    for data_X, kwargs in [(X.astype(np.float32), {}), (X, {"sample_weight": np.linspace(0.5, 2, len(X))})]:
        recorded, fitted = clone(est), clone(est).fit(data_X, y, **kwargs)
        netwarp.record(recorded, data_X, y, **kwargs)
        for mine, theirs in zip(_state(recorded), _state(fitted), strict=True):
            np.testing.assert_array_equal(mine, theirs)
    assert runs == []


def test_the_log_loss_is_summed_compiled_only_for_one_hot_targets() -> None:
    n, k = 10, 3
    args: list[Any] = [np.ones((n, 2)), None, np.zeros(12), np.empty(12), [2, 3, k], 4, "relu", "softmax",
                       FlatOptimizer(EngineConfig(), np.zeros(12)), 0.0, None, None, np.empty((n, k)),
                       np.empty(24), np.empty(24), ops.loop_table(), "log_loss"]  # fmt: skip
    one_hot = np.eye(k, dtype=bool)[np.arange(n) % k]
    args[1] = one_hot
    assert fused_epoch.CompiledEpochs(*args).loss_kind == 2
    args[1] = one_hot | one_hot[::-1]  # two classes in some rows
    assert fused_epoch.CompiledEpochs(*args).loss_kind == 0


def test_without_its_loops_training_falls_back_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fused_epoch, "_loops", lambda: None)
    monkeypatch.setattr(fused_epoch.CompiledEpochs, "run", lambda self, order: pytest.fail("compiled epoch ran"))
    est, data_X, data_y = CASES["tanh-sgd-binary"]
    recorded, fitted = clone(est), clone(est).fit(data_X, data_y)
    netwarp.record(recorded, data_X, data_y)
    for mine, theirs in zip(_state(recorded), _state(fitted), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_the_building_blocks_give_numpys_bits_and_the_check_can_fail() -> None:
    loops = ops.loop_table()
    assert ops.self_check(loops)
    swapped = loops.copy()
    swapped[[ops.TANH, ops.EXP]] = loops[[ops.EXP, ops.TANH]]  # a wrong loop is caught
    assert not ops.self_check(swapped)
    rng = np.random.default_rng(1)
    for n in [*range(0, 300), 1000, 4099, 70001]:
        v = rng.normal(size=n) * 10.0 ** rng.integers(-6, 6, size=n)
        assert 0.0 + ops.pairwise(v, 0, n) == np.add.reduce(v)
    for rows, width in [(1, 1), (7, 1), (200, 1), (129, 1), (200, 2), (3, 9)]:
        d = rng.normal(size=(rows, width))
        d[rng.random(d.shape) < 0.3] = -0.0
        got = np.empty(width)
        ops.column_sums(d, got)
        assert got.tobytes() == np.add.reduce(d, axis=0).tobytes()


def test_inner_loops_are_found_only_where_the_layout_is_known() -> None:
    function, _ = inner_loop(np.tanh, "d->d")
    assert function and inner_loop(expit, "d->d")[0]
    with pytest.raises(LoopUnavailable, match="no q->q loop"):
        inner_loop(np.tanh, "q->q")
    with pytest.raises(LoopUnavailable, match="not a NumPy ufunc"):
        inner_loop(np.sum, "d->d")


def test_turned_off_with_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    fused.numba_module.cache_clear()
    monkeypatch.setenv("NETWARP_NUMBA", "0")
    try:
        assert fused.epochs() is None
    finally:
        fused.numba_module.cache_clear()


def test_a_compilation_is_announced_once(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(ops, "_said", [])
    fresh = ops.numba.njit(lambda v: v + 1)  # not cached: calling it compiles
    with ops.compile_notice():
        assert fresh(1) == 2
        assert ops.numba.njit(lambda v: v * 2)(2) == 4
    assert fresh(3) == 4  # outside the context nothing is said
    assert capsys.readouterr().err.count("compiling the training loop") == 1


def test_warm_up_compiles_the_classifier_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from netwarp.core import engine

    runs: list[int] = []
    real_epoch = fused_epoch._epoch
    monkeypatch.setattr(fused_epoch, "_epoch", lambda *args: runs.append(1) or real_epoch(*args))
    engine.warm_up()
    assert runs == [1]  # one compiled epoch ran (what serve's workers do at startup)
