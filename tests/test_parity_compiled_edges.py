"""Edge cases of the compiled epoch (``netwarp.core.fused_epoch``): ``record`` leaves the estimator as ``fit`` does.

Each case trains through the compiled path (a counting wrapper around ``fused_epoch._epoch``
proves it) and compares every array of the estimator's state bit for bit with ``fit``'s, the
loss curve, step counts, stopping state and validation scores, and an epoch in the middle of
the trajectory with ``fit`` stopped there. The cases probe what the compiled code assumes:
batch sizes around NumPy's pairwise-sum block (128, 256) and beyond its buffer (8192), batches
larger than the data, output widths 1 to 140 (softmax row sums, per-batch means), hidden widths
1 to 130, depth, every activation with every output and both solvers' variants, stopping,
exact and negative zeros, huge and tiny magnitudes, and the input containers.

The mismatches this found were fixed: unshuffled Fortran-ordered or strided X (a DataFrame) is
now multiplied in its own layout as fit does (on the NumPy loop); BLAS keeps fit's threads;
Adam's learning rate follows ``np.float32`` hyper-parameters; a run that diverges under early
stopping ends with fit's best parameters instead of an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import netwarp
from netwarp.errors import NetwarpError

fused_epoch = pytest.importorskip("netwarp.core.fused_epoch")  # needs numba

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning", "ignore::UserWarning",
                                        "ignore::RuntimeWarning")  # fmt: skip

rng = np.random.default_rng(0)
X, y3 = make_classification(300, 6, n_informative=4, n_classes=3, random_state=0)
y2 = (y3 > 0).astype(int)
Xr, yr = make_regression(300, 5, n_targets=3, random_state=0)
yr = yr / 100
X140, y140 = rng.normal(size=(400, 4)), rng.integers(0, 140, 400)  # 140 classes: softmax rows > 128
Y12 = (rng.random((300, 12)) < 0.4).astype(int)  # 12 labels
Y12[:, 0] = 1 - Y12[:, 1]
Y130 = rng.normal(size=(300, 130))
X10k = rng.normal(size=(10000, 2))  # one batch beyond NumPy's reduction buffer (8192)
B: dict[str, Any] = dict(random_state=0, max_iter=4)
BLAS_THREADS = max((i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=1)


def _grid() -> dict[str, tuple[Any, Any, Any]]:
    """Every hidden activation with each output, at batch sizes that split NumPy's sums differently."""
    cases = {}
    for act in ["identity", "tanh", "logistic", "relu"]:
        for bs in [1, 129, 257, 1000]:
            kw = dict(activation=act, batch_size=bs, hidden_layer_sizes=(5,), **B)
            if bs == 1:
                kw["max_iter"] = 1
            cases[f"{act}-binary-bs{bs}"] = (MLPClassifier(**kw), X, y2)
            cases[f"{act}-multiclass-bs{bs}"] = (MLPClassifier(solver="sgd", **kw), X, y3)
            cases[f"{act}-multilabel12-bs{bs}"] = (MLPClassifier(**kw), X, Y12)
            cases[f"{act}-regression1-bs{bs}"] = (MLPRegressor(**kw), Xr, yr[:, 0])
            cases[f"{act}-regression3-bs{bs}"] = (MLPRegressor(solver="sgd", learning_rate_init=1e-3, **kw), Xr, yr)
            cases[f"{act}-poisson-bs{bs}"] = (MLPRegressor(loss="poisson", learning_rate_init=1e-3, **kw), Xr,
                                              np.abs(yr))  # fmt: skip
    return cases


def _zeros(a: Any, value: float) -> Any:
    out = a.copy()
    out[rng.random(a.shape) < 0.5] = value
    return out


C, R = MLPClassifier, MLPRegressor
EDGES: dict[str, tuple[Any, Any, Any]] = {
    "140-classes": (C(hidden_layer_sizes=(3,), **B), X140, y140),
    "140-classes-one-batch-sgd": (C(hidden_layer_sizes=(3,), solver="sgd", batch_size=400, **B), X140, y140),
    "140-classes-bs1": (C(hidden_layer_sizes=(3,), batch_size=1, max_iter=1, random_state=0), X140, y140),
    "10-classes": (C(activation="tanh", hidden_layer_sizes=(4,), **B), X140, y140 % 10),
    "130-outputs": (R(hidden_layer_sizes=(4,), **B), Xr, Y130),
    "130-outputs-one-batch": (R(hidden_layer_sizes=(4,), batch_size=300, **B), Xr, Y130),
    "hidden-width-1": (C(hidden_layer_sizes=(1,), **B), X, y3),
    "four-hidden-of-1": (C(hidden_layer_sizes=(1, 1, 1, 1), **B), X, y2),
    "hidden-width-130": (C(hidden_layer_sizes=(130,), **B), X, y3),
    "five-hidden-tanh": (C(activation="tanh", hidden_layer_sizes=(7, 6, 5, 4, 3), **B), X, y3),
    "five-hidden-logistic-sgd": (C(activation="logistic", solver="sgd", hidden_layer_sizes=(7, 6, 5, 4, 3), **B),
                                 X, y3),
    "batch-10000-binary": (C(hidden_layer_sizes=(1,), batch_size=10000, max_iter=2, random_state=0), X10k,
                           (X10k[:, 0] > 0).astype(int)),
    "batch-9000-regression": (R(hidden_layer_sizes=(2, 1), batch_size=9000, max_iter=2, random_state=0), X10k,
                              X10k[:, 0]),
    "sgd-momentum-0": (C(solver="sgd", momentum=0.0, **B), X, y3),
    "sgd-no-nesterov": (C(solver="sgd", nesterovs_momentum=False, **B), X, y3),
    "sgd-invscaling": (C(solver="sgd", learning_rate="invscaling", power_t=0.3, **B), X, y3),
    "sgd-adaptive-tol-stop": (C(solver="sgd", learning_rate="adaptive", tol=0.5, n_iter_no_change=1,
                                random_state=0, max_iter=30), X, y3),
    "adam-tol-stop": (C(tol=0.5, n_iter_no_change=1, random_state=0, max_iter=30), X, y3),
    "adam-betas": (C(beta_1=0.5, beta_2=0.9, epsilon=1e-3, **B), X, y3),
    "alpha-0": (C(alpha=0.0, **B), X, y3),
    "alpha-100": (C(alpha=100.0, **B), X, y3),
    "alpha-1e6-sgd": (C(alpha=1e6, solver="sgd", **B), X, y3),
    "early-stopping": (C(early_stopping=True, validation_fraction=0.3, n_iter_no_change=2, random_state=0,
                         max_iter=30), X, y3),
    "early-stopping-regression": (R(early_stopping=True, validation_fraction=0.2, n_iter_no_change=2,
                                    random_state=0, max_iter=30), Xr, yr),
    "early-stopping-binary-sgd": (C(early_stopping=True, solver="sgd", n_iter_no_change=2, batch_size=50,
                                    random_state=0, max_iter=30), X, y2),
    "early-stopping-20-rows": (C(early_stopping=True, validation_fraction=0.5, max_iter=5, random_state=0),
                               X[:20], y3[:20]),
    "unshuffled": (C(shuffle=False, batch_size=70, **B), X, y3),
    "unshuffled-regression": (R(shuffle=False, batch_size=129, **B), Xr, yr),
    "max-iter-1": (C(max_iter=1, random_state=0), X, y3),
    "exact-zeros": (C(**B), _zeros(X, 0.0), y3),
    "negative-zeros": (C(**B), _zeros(X, -0.0), y3),
    "all-negative-zeros-relu-regression": (R(alpha=0.0, **B), np.full(Xr.shape, -0.0), yr),
    "integer-X": (C(**B), np.round(X * 3).astype(int), y3),
    "fortran-X-shuffled": (C(**B), np.asfortranarray(X), y3),
    "column-slice-X": (C(**B), np.hstack([X, X])[:, ::2], y3),
    "list-X": (C(**B), X.tolist(), list(y3)),
    "dataframe-X": (C(**B), pd.DataFrame(X, columns=list("abcdef")), pd.Series(y3)),
    "string-labels": (C(**B), X, np.array(["a", "b", "c"])[y3]),
    "string-labels-binary": (C(**B), X, np.array(["no", "yes"])[y2]),
    "float-labels": (C(**B), X, y2.astype(float)),
    "bool-targets-regression": (R(**B), X, y2.astype(bool)),
    "column-targets-regression": (R(**B), X, X[:, :1]),
    "huge-X": (C(**B), X * 1e150, y3),
    "huge-X-relu-overflow": (C(**B), X * 1e305, y3),
    "huge-targets": (R(**B), Xr, yr * 1e160),
    "tiny-X": (C(**B), X * 1e-300, y3),
    "subnormal-regression": (R(**B), Xr * 1e-300, yr * 1e-300),
    "logistic-saturated": (C(activation="logistic", **B), X * 1e5, y2),
    "tanh-large-steps": (C(activation="tanh", solver="sgd", learning_rate_init=10.0, **B), X * 100, y3),
    "poisson-large-X": (R(loss="poisson", max_iter=3, random_state=0), X * 1e3, np.abs(X[:, 0])),
    "batch-larger-than-n": (C(batch_size=500, **B), X[:20], y3[:20]),
    "one-row": (R(**B), X[:1], yr[:1]),
    "two-rows": (C(**B), X[:2], y2[:2]),
    "one-feature": (C(**B), X[:, :1], y3),
    "float16-X": (C(**B), X.astype(np.float16), y3),
    "numpy-scalar-parameters": (C(alpha=np.float64(0.1), learning_rate_init=np.float64(0.01), beta_1=np.float64(0.8),
                                  epsilon=np.float32(1e-7), max_iter=np.int64(3), batch_size=np.int64(50),
                                  hidden_layer_sizes=np.array([7, 3]), random_state=np.int64(0)), X, y3),
    "sgd-float32-parameters": (C(solver="sgd", learning_rate="invscaling", learning_rate_init=np.float32(0.01),
                                 momentum=np.float32(0.8), power_t=np.float32(0.3), alpha=np.float32(0.1), **B), X,
                               y3),
    "bool-X": (C(**B), X > 0, y3),
    "random-state-instance": (C(max_iter=4, random_state=np.random.RandomState(3)), X, y3),
    "hidden-sizes-as-int": (C(hidden_layer_sizes=7, **B), X, y3),
    "warm-start-unfitted": (C(warm_start=True, **B), X, y3),
    "tol-0": (C(tol=0.0, **B), X, y3),
    "never-stop": (C(n_iter_no_change=np.inf, tol=10.0, **B), X, y3),
    "early-stopping-string-labels": (C(early_stopping=True, max_iter=6, random_state=0), X,
                                     np.array(["a", "b", "c"])[y3]),
    "early-stopping-multilabel": (C(early_stopping=True, max_iter=6, random_state=0), X, Y12),
    "early-stopping-two-outputs": (R(early_stopping=True, max_iter=6, random_state=0), X,
                                   np.stack([X[:, 0], y3], axis=1)),
    "pipeline-dataframe": (make_pipeline(StandardScaler(), C(**B)), pd.DataFrame(X), y3),
    "pipeline-unshuffled": (make_pipeline(StandardScaler(), C(shuffle=False, **B)), X, y3),
    "early-stopping-fortran-unshuffled": (C(early_stopping=True, shuffle=False, **B), np.asfortranarray(X), y3),
}  # fmt: skip

# fit keeps a Fortran-ordered or strided X as given and, unshuffled, multiplies its own batches X[a:b] in that
# layout (a different BLAS call from a C copy's, other last bits): the engine keeps X's layout, and the compiled
# epoch (which wants C rows) leaves such runs to the NumPy loop
NUMPY_LOOP: dict[str, tuple[Any, Any, Any]] = {
    "fortran-X-unshuffled": (C(shuffle=False, **B), np.asfortranarray(X), y3),
    "dataframe-X-unshuffled": (C(shuffle=False, max_iter=3, random_state=0), pd.DataFrame(X), y3),
    "pipeline-dataframe-unshuffled": (make_pipeline(StandardScaler(), C(shuffle=False, max_iter=3, random_state=0)),
                                      pd.DataFrame(X), y3),
    "column-slice-X-unshuffled": (C(shuffle=False, **B), np.hstack([X, X])[:, ::2], y3),
    "reversed-rows-unshuffled": (C(shuffle=False, **B), X[::-1], y3[::-1]),
}
# Adam's learning rate is scikit-learn's expression on the same scalars: np.float32 hyper-parameters give
# float32 arithmetic there, as in fit
SCALARS: dict[str, tuple[Any, Any, Any]] = {
    "adam-float32-learning-rate": (C(learning_rate_init=np.float32(0.01), **B), X, y3),
    "adam-float32-betas": (C(beta_1=np.float32(0.8), beta_2=np.float32(0.99), epsilon=np.float32(1e-7), **B), X, y3),
    "sgd-float32-scalars": (C(solver="sgd", learning_rate_init=np.float32(0.05), momentum=np.float32(0.8),
                              alpha=np.float32(0.01), **B), X, y3),
}  # fmt: skip
CASES = {**_grid(), **EDGES}


def _state(est: Any) -> list[Any]:
    est = est[-1] if hasattr(est, "steps") else est
    opt = est._optimizer
    parts = opt.velocities if hasattr(opt, "velocities") else [*opt.ms, *opt.vs]
    return [*est.coefs_, *est.intercepts_, *parts]


def _assert_same(recorded: Any, fitted: Any) -> None:
    if hasattr(fitted, "steps"):  # a Pipeline: its MLP
        recorded, fitted = recorded[-1], fitted[-1]
    for mine, theirs in zip(_state(recorded), _state(fitted), strict=True):
        np.testing.assert_array_equal(mine, theirs)
        assert np.signbit(mine).tobytes() == np.signbit(theirs).tobytes()  # zeros of the same sign too
    assert recorded.loss_curve_ == fitted.loss_curve_
    for name in ["n_iter_", "t_", "best_loss_", "validation_scores_", "best_validation_score_",
                 "_no_improvement_count", "n_outputs_", "out_activation_"]:  # fmt: skip
        assert getattr(recorded, name, None) == getattr(fitted, name, None), name
    assert recorded._optimizer.learning_rate == fitted._optimizer.learning_rate
    assert getattr(recorded._optimizer, "t", None) == getattr(fitted._optimizer, "t", None)
    assert set(vars(recorded)) == set(vars(fitted))  # no attribute more or less than fit's
    if hasattr(fitted, "classes_"):
        np.testing.assert_array_equal(recorded.classes_, fitted.classes_)


@pytest.fixture
def compiled_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets one entry per compiled epoch."""
    runs: list[int] = []
    real_epoch = fused_epoch._epoch
    monkeypatch.setattr(fused_epoch, "_epoch", lambda *args: runs.append(1) or real_epoch(*args))
    return runs


def _check(est: Any, data_X: Any, data_y: Any, runs: list[int], compiled: bool = True) -> None:
    fitted = clone(est).fit(data_X, data_y)
    recorded = clone(est)
    trajectory = netwarp.record(recorded, data_X, data_y)
    mlp = est[-1] if hasattr(est, "steps") else est
    n_iter = (fitted[-1] if hasattr(fitted, "steps") else fitted).n_iter_
    assert len(runs) == (n_iter if compiled else 0)  # every epoch ran compiled (or, by design, none)
    _assert_same(recorded, fitted)
    assert trajectory.params.shape[0] == n_iter + 1
    # an epoch in the middle (not with early stopping: there fit keeps the best epoch's; not for a
    # Pipeline: its trajectory holds the preprocessing as first layers)
    if mlp is est and not mlp.early_stopping and n_iter > 2:
        middle = n_iter // 2
        stopped = clone(est).set_params(max_iter=middle).fit(data_X, data_y)
        for mine, theirs in zip(trajectory.coefs(middle), stopped.coefs_, strict=True):
            np.testing.assert_array_equal(mine, theirs)
        for mine, theirs in zip(trajectory.intercepts(middle), stopped.intercepts_, strict=True):
            np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("name", list(CASES))
def test_compiled_epochs_match_fit(name: str, compiled_runs: list[int]) -> None:
    _check(*CASES[name], compiled_runs)


@pytest.mark.parametrize("name", list(NUMPY_LOOP))
def test_unshuffled_strided_X_trains_as_fit_on_the_numpy_loop(name: str, compiled_runs: list[int]) -> None:
    _check(*NUMPY_LOOP[name], compiled_runs, compiled=False)


@pytest.mark.parametrize("name", list(SCALARS))
def test_numpy_scalar_hyper_parameters(name: str, compiled_runs: list[int]) -> None:
    _check(*SCALARS[name], compiled_runs)


# OpenBLAS on 2 threads gives other last bits than on 1 for products it splits between threads (from about
# 10**6 multiply-adds: (60, 200) @ (200, 100), the gradient of a 100-wide layer over 60 inputs and a batch of
# 200) and for np.dot of more than 10000 values (the L2 term of a 101-by-101 layer). record keeps the BLAS
# threads fit has (it once limited them to one, and these runs differed from fit in the last bits).
Xw, yw = make_classification(400, 100, random_state=0)
Xdigits, ydigits = load_digits(return_X_y=True)
Xs, ys = make_classification(64, 4, random_state=0)
THREADED: dict[str, tuple[Any, Any, Any]] = {
    "default-estimator-on-digits": (C(max_iter=1, random_state=0), Xdigits / 16, ydigits),
    "default-estimator-100-features": (C(max_iter=1, random_state=0), Xw, yw),
    "two-100-wide-hidden-layers": (C(hidden_layer_sizes=(100, 100), max_iter=1, random_state=0), Xw[:200, :4],
                                   yw[:200]),
    "l2-term-of-10201-weights": (C(hidden_layer_sizes=(101, 101), batch_size=8, alpha=0.5, max_iter=1,
                                   random_state=0), Xs, ys),
}  # fmt: skip


@pytest.mark.parametrize("name", list(THREADED))
@pytest.mark.parametrize("threads", sorted({1, BLAS_THREADS}))
def test_bigger_layers_match_fit_on_as_many_blas_threads(name: str, threads: int, compiled_runs: list[int]) -> None:
    with threadpool_limits(threads, user_api="blas"):
        _check(*THREADED[name], compiled_runs)


PRIOR = {
    "partial-fit": lambda est: est.partial_fit(X, y3, classes=[0, 1, 2]),
    "fit-on-fewer-rows": lambda est: est.fit(X[:50], y3[:50]),
    "fit-with-early-stopping": lambda est: (
        est.set_params(early_stopping=True).fit(X, y3).set_params(early_stopping=False)
    ),
}


@pytest.mark.parametrize("prior", list(PRIOR))
def test_a_trained_estimator_is_trained_again_as_fit_does(prior: str, compiled_runs: list[int]) -> None:
    est = C(max_iter=3, random_state=0)
    recorded, fitted = clone(est), clone(est)
    PRIOR[prior](recorded)
    PRIOR[prior](fitted)
    fitted.fit(X, y3)
    runs_before = len(compiled_runs)
    netwarp.record(recorded, X, y3)
    assert len(compiled_runs) - runs_before == 3
    _assert_same(recorded, fitted)


def test_warm_start_is_refused_in_one_line() -> None:
    est = C(warm_start=True, **B)
    netwarp.record(est, X, y3)
    with pytest.raises(NetwarpError, match="warm_start=True on a fitted estimator"):
        netwarp.record(est, X, y3)  # where fit would continue: refused by design, clearly


DIVERGING = R(hidden_layer_sizes=(4,), activation="identity", solver="sgd", momentum=0.0, batch_size=10,
              learning_rate_init=0.1, early_stopping=True, max_iter=4, random_state=0)  # fmt: skip
Xd, yd = make_regression(100, 3, random_state=0)


def test_a_diverging_run_raises_as_fit_does_without_early_stopping(compiled_runs: list[int]) -> None:
    est = clone(DIVERGING).set_params(early_stopping=False)
    with pytest.raises(ValueError, match="non-finite"):
        clone(est).fit(Xd, yd)
    with pytest.raises(NetwarpError, match="training diverged"):  # a ValueError too
        netwarp.record(clone(est), Xd, yd)
    assert len(compiled_runs) == 4


def test_a_diverging_run_with_early_stopping_ends_as_fit_does(compiled_runs: list[int]) -> None:
    fitted = clone(DIVERGING).fit(Xd, yd)
    assert np.isnan(fitted.loss_curve_[-1])  # it diverged, and fit returned the initial parameters
    recorded = clone(DIVERGING)
    netwarp.record(recorded, Xd, yd)
    for mine, theirs in zip(recorded.coefs_, fitted.coefs_, strict=True):
        np.testing.assert_array_equal(mine, theirs)
