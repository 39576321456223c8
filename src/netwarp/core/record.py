"""scikit-learn estimators in, Trajectories out.

- :func:`record` trains an *unfitted* ``MLPClassifier`` / ``MLPRegressor`` with netwarp's
  engine (same numbers as ``fit``), keeps every epoch and leaves the estimator fitted.
- :func:`train` trains what a :class:`~netwarp.core.spec.RunSpec` describes (by default the seed notebook's network).
- :func:`from_estimator` wraps a model already fitted elsewhere as a one-snapshot trajectory.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline

from netwarp.core import batchops, engine, features, sklearn_state
from netwarp.core.activations import SKLEARN_HIDDEN
from netwarp.core.given_data import as_dataset, checked, with_scores
from netwarp.core.spec import RunSpec
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

ProgressCallback = Callable[[int, int, float], None]
#: ``on_epoch(epoch, params, loss)``: epoch 0 is the initialisation (full training loss).
EpochHook = Callable[[int, NDArray[np.float64], float], None]

#: The hyper-parameters a trajectory's ``config`` keeps.
_CONFIG_KEYS = (
    "hidden_layer_sizes", "activation", "solver", "alpha", "batch_size", "learning_rate",
    "learning_rate_init", "power_t", "max_iter", "shuffle", "random_state", "tol",
    "momentum", "nesterovs_momentum", "beta_1", "beta_2", "epsilon", "n_iter_no_change",
    "early_stopping", "validation_fraction",
)  # fmt: skip


def record(
    estimator: MLPClassifier | MLPRegressor | Pipeline,
    X: Any,
    y: Any,
    X_test: Any = None,
    y_test: Any = None,
    *,
    sample_weight: Any = None,
    name: str | None = None,
    dataset_name: str = "",
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_epoch: EpochHook | None = None,
    score: bool = True,
) -> Trajectory:
    """Train ``estimator`` on ``X`` ``(n, d)``, ``y`` ``(n,)`` or ``(n, n_outputs)`` and record every epoch.

    Takes what ``estimator.fit`` takes (float32 or float64 arrays, SciPy CSR/CSC matrices,
    lists, DataFrames; binary, multiclass, multilabel or multi-output targets;
    ``sample_weight`` ``(n,)``; ``early_stopping=True``) and reproduces ``fit``: the parameters
    after epoch k equal ``clone(estimator).set_params(max_iter=k).fit(X, y)``'s, and training
    stops at the same epoch. Hyper-parameters are validated by scikit-learn's own rules (its
    exception types and messages). Afterwards ``estimator`` is exactly as ``fit`` leaves it
    (``coefs_``, ``n_iter_``, ``loss_curve_``, ``classes_``, ``feature_names_in_``, the
    optimizer's state...), so ``predict``, ``partial_fit`` and ``warm_start`` continue as after
    ``fit``; with ``early_stopping`` it holds the best validation epoch, the trajectory every
    epoch, and :attr:`Trajectory.validation_score` the validation scores. ``verbose`` prints
    what ``fit`` prints. Refused with :class:`~netwarp.errors.UnsupportedParameterError`:
    ``solver='lbfgs'`` (no epochs) and recording again with ``warm_start=True`` on a fitted
    estimator (the trajectory would not start at initialisation; ``fit`` would continue). A
    single-class ``y`` is refused too.

    ``progress(epoch, max_iter, loss)`` is called after each epoch; ``should_stop()`` may
    cancel training between epochs. ``on_epoch(epoch, params, loss)`` receives a copy of the
    flat parameters ``(n_params,)`` (the layout of :attr:`Trajectory.params`) as they are
    recorded: first epoch 0 with the full training loss, then every epoch with its mean
    mini-batch loss, so a live view can follow training. ``X_test``/``y_test`` add test
    scores per epoch. Scores are computed when first read (exactly, in one vectorised pass
    over the epochs); ``score=False`` leaves them NaN (for a caller that scored the epochs as
    they came). A ``Pipeline`` of affine preprocessing ending in an MLP is recorded
    with the preprocessing as its first layers (:mod:`netwarp.core.pipeline`).
    """
    if isinstance(estimator, Pipeline):
        from netwarp.core import pipeline

        weights = {} if sample_weight is None else {"sample_weight": sample_weight}  # to the MLP step
        return pipeline.record(record, estimator, X, y, X_test, y_test, name=name, dataset_name=dataset_name,
                               progress=progress, should_stop=should_stop, on_epoch=on_epoch, score=score,
                               **weights)  # fmt: skip
    if not isinstance(estimator, MLPClassifier | MLPRegressor):
        raise NetwarpError(
            "netwarp.record takes an sklearn.neural_network.MLPClassifier or MLPRegressor, "
            f"got {type(estimator).__name__}"
        )
    sizes = sklearn_state.check_estimator(estimator)
    cfg = sklearn_state.engine_config(estimator, sizes)
    prep = sklearn_state.prepare(estimator, X, y, sample_weight, sizes)
    data = as_dataset(prep.X_all, prep.y, X_test, y_test, dataset_name)
    out_activation = estimator.out_activation_
    activations = (cfg.activation,) * len(sizes) + (out_activation,)
    classes = getattr(estimator, "classes_", None) if isinstance(estimator, MLPClassifier) else None
    layer_units = tuple(prep.layer_units)
    loss = batchops.loss_name(estimator.loss, out_activation)

    def engine_epoch(epoch: int, theta: NDArray[np.float64], value: float) -> None:
        if epoch == 0:
            if on_epoch is not None:
                first = Trajectory(layer_units, activations, theta[None].copy(), classes=classes)
                on_epoch(0, theta.astype(np.float64), _full_loss(first, prep, cfg.alpha, loss))
            return
        if progress is not None:
            progress(epoch, cfg.max_iter, float(value))
        if on_epoch is not None:
            on_epoch(epoch, theta.astype(np.float64), float(value))

    result = engine.train(
        prep.X, prep.Y, cfg, out_activation=out_activation, loss=estimator.loss, sample_weight=prep.sample_weight,
        theta0=prep.theta0, rng=estimator._random_state, validation=prep.validation,
        callback=engine_epoch if (progress or on_epoch) else None, should_stop=should_stop,
    )  # fmt: skip
    sklearn_state.leave_fitted(estimator, result)
    if result.n_iter == cfg.max_iter and not result.converged:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({cfg.max_iter}) reached and the "
            "optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=2,
        )
    traj = Trajectory(
        layer_sizes=layer_units,
        activations=activations,
        params=result.history,
        classes=classes,
        stop_reason=_stop_reason(result),
        name=name if name is not None else cfg.activation,
        config=_config(estimator, cfg),
        data=data,
    )
    traj.loss = np.array([_full_loss(traj, prep, cfg.alpha, loss), *result.loss_curve], dtype=np.float64)
    if result.validation_scores is not None:
        traj.validation_score = np.array([np.nan, *result.validation_scores], dtype=np.float64)
    if score:
        traj.score_later("train_score", data.X_train, data.y_train, prep.sample_weight_all)
        if len(data.y_test):
            traj.score_later("test_score", data.X_test, data.y_test)
    return traj


def _stop_reason(result: engine.EngineResult) -> str:
    if result.best_theta is None or result.validation_scores is None:
        return result.stop_reason
    best = int(np.argmax(result.validation_scores)) + 1
    return f"{result.stop_reason}; the estimator keeps epoch {best}, the best validation score"


def _config(est: Any, cfg: engine.EngineConfig) -> dict[str, Any]:
    config = {k: getattr(cfg, k) for k in _CONFIG_KEYS}
    config["hidden_layer_sizes"] = list(cfg.hidden_layer_sizes)
    if math.isinf(config["n_iter_no_change"]):
        config["n_iter_no_change"] = "inf"
    if not isinstance(config["random_state"], int | None):
        config["random_state"] = str(config["random_state"])
    config["estimator"] = type(est).__name__
    if isinstance(est, MLPRegressor) and est.loss != "squared_error":
        config["loss"] = est.loss
    return config


def _full_loss(traj: Trajectory, prep: Any, alpha: float, loss: str) -> float:
    """The training loss at initialisation over all training points, with the L2 term.

    Computed over blocks of rows (the mean of the block means, weighted by their sizes), so
    the memory stays that of one block whatever the number of points.
    """
    from netwarp.core.scoring import BLOCK_FLOATS

    fn = batchops.loss_function(loss, traj.out_activation)
    X, Y, w = prep.X_all, prep.Y_all, prep.sample_weight_all
    n = X.shape[0]
    rows = max(1, BLOCK_FLOATS // max(traj.layer_sizes))
    total = 0.0
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        part = fn(Y[r0:r1], traj.forward(X[r0:r1], 0)[-1], None if w is None else w[r0:r1])
        total += float(part) * (r1 - r0 if w is None else float(w[r0:r1].sum()))
    denom = n if w is None else float(w.sum())
    l2 = sum(float(np.dot(c.ravel(), c.ravel())) for c in traj.coefs(0))
    return float(total / denom + 0.5 * alpha * l2 / denom)


def train(
    X: Any,
    y: Any,
    spec: RunSpec | None = None,
    *,
    X_test: Any = None,
    y_test: Any = None,
    name: str | None = None,
    dataset_name: str = "",
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_epoch: EpochHook | None = None,
    score: bool = True,
    **settings: Any,
) -> Trajectory:
    """Train the network ``spec`` describes on ``X`` ``(n, d)``, ``y`` ``(n,)`` and record every epoch.

    ``spec`` defaults to :class:`~netwarp.core.spec.RunSpec`'s defaults, the seed notebook's
    (hidden ``(2,)``, tanh, sgd, learning rate 0.02, at most 1500 epochs, random_state 1);
    ``settings`` change any of its fields (``hidden=(8, 8)``, ``solver="adam"``,
    ``early_stop=False`` to train all ``max_iter`` epochs, ``task="regression"`` for an
    ``MLPRegressor``...). Other ``MLPClassifier`` parameters (``momentum``, ``beta_1``...)
    pass to the estimator. ``progress``, ``should_stop``, ``on_epoch`` and ``score`` are :func:`record`'s.
    """
    fields = {f.name for f in dataclasses.fields(RunSpec)}
    if isinstance(settings.get("hidden"), int):
        settings["hidden"] = (settings["hidden"],)
    given = {k: v for k, v in settings.items() if k in fields}
    extra = {k: v for k, v in settings.items() if k not in fields}
    spec = (spec or RunSpec()).replace(**given) if given else (spec or RunSpec())
    est = spec.to_estimator(**extra)
    crosses = spec.crosses
    if crosses:  # train on the features, then show them as a fixed first layer (netwarp.core.features)
        X_raw, X_test_raw = np.asarray(X, dtype=np.float64), X_test
        d = X_raw.shape[1] if X_raw.ndim == 2 else 1
        X = features.expand(X_raw, crosses)
        X_test = None if X_test is None else features.expand(X_test, crosses)
        if on_epoch is not None:
            hook, on_epoch = on_epoch, None
            sizes: list[int] = []

            def on_epoch(epoch: int, params: NDArray[np.float64], loss: float) -> None:
                if not sizes:
                    sizes.extend(_inner_sizes(est, X.shape[1], y))
                hook(epoch, features.prepend(params, d, crosses, sizes), loss)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        traj = record(
            est, X, y, X_test, y_test, name=name if name is not None else spec.name,
            dataset_name=dataset_name, progress=progress, should_stop=should_stop, on_epoch=on_epoch, score=score,
        )  # fmt: skip
    if crosses:
        traj = _with_features(traj, X_raw, y, X_test_raw, y_test, crosses, dataset_name)
    traj.config["spec"] = spec.to_json()
    return traj


def _inner_sizes(est: Any, width: int, y: Any) -> list[int]:
    """Layer widths of the network ``est`` trains on ``width`` inputs for labels ``y``."""
    from netwarp.core.live import layout

    return list(layout(est, width, y)[0])


def _with_features(
    traj: Trajectory, X: Any, y: Any, X_test: Any, y_test: Any, crosses: tuple[str, ...], dataset_name: str
) -> Trajectory:
    """``traj`` (trained on the features) with the fixed features layer first and the raw data."""
    d = X.shape[1]
    params = features.prepend(traj.params, d, crosses, traj.layer_sizes)
    data = as_dataset(X, np.asarray(y), X_test, y_test, dataset_name)
    return dataclasses.replace(
        traj, layer_sizes=(d, *traj.layer_sizes), activations=(features.activation_name(crosses), *traj.activations),
        params=params, data=data,
    )  # fmt: skip


def from_estimator(
    model: MLPClassifier | MLPRegressor | Pipeline,
    X: Any = None,
    y: Any = None,
    X_test: Any = None,
    y_test: Any = None,
    *,
    name: str = "",
    dataset_name: str = "",
) -> Trajectory:
    """A one-snapshot trajectory (epoch 0 = the fitted state) of an already fitted MLP.

    Takes every fitted ``MLPClassifier`` (binary, multiclass, multilabel) and ``MLPRegressor``
    (single or multi-output, squared error or Poisson), any solver. ``predict``,
    ``predict_proba`` and ``score`` equal the model's; ``forward(X)[-1]`` is its output layer
    (``(n, 1)`` for a binary classifier, whose ``predict_proba`` is ``(n, 2)``; ``(n, n_outputs)``
    otherwise).
    Any solver works (``lbfgs`` too). With ``X`` ``(n, d)`` and ``y`` (and ``X_test``,
    ``y_test``) the trajectory carries the data and its score (accuracy or R^2). A fitted
    ``Pipeline`` of affine preprocessing ending in an MLP shows the preprocessing as its first
    layers (:mod:`netwarp.core.pipeline`).
    """
    if isinstance(model, Pipeline):
        from netwarp.core import pipeline

        return pipeline.from_fitted(from_estimator, model, X, y, X_test, y_test, name=name, dataset_name=dataset_name)
    if not isinstance(model, MLPClassifier | MLPRegressor):
        raise NetwarpError(
            f"from_estimator takes a fitted MLPClassifier or MLPRegressor, got {type(model).__name__}"
        )
    missing = [a for a in ("coefs_", "intercepts_", "out_activation_") if not hasattr(model, a)]
    if missing:
        raise NetwarpError(f"{type(model).__name__} is not fitted yet (no {missing[0]}); call fit first")
    if model.activation not in SKLEARN_HIDDEN or model.out_activation_ not in (
        "identity", "logistic", "softmax", "exp",
    ):  # fmt: skip
        raise NetwarpError(
            f"from_estimator supports scikit-learn's activations; got activation={model.activation!r}, "
            f"out_activation_={model.out_activation_!r}"
        )
    sizes = [model.coefs_[0].shape[0], *(c.shape[1] for c in model.coefs_)]
    params = np.concatenate([c.ravel() for c in model.coefs_] + [b.ravel() for b in model.intercepts_])
    n_hidden = len(sizes) - 2
    loss_curve = getattr(model, "loss_curve_", None)
    loss = getattr(model, "loss_", None) if not loss_curve else loss_curve[-1]
    traj = Trajectory(
        layer_sizes=tuple(sizes),
        activations=(model.activation,) * n_hidden + (model.out_activation_,),
        params=params[None, :],
        classes=getattr(model, "classes_", None) if isinstance(model, MLPClassifier) else None,
        loss=np.array([np.nan if loss is None else loss], dtype=np.float64),
        stop_reason=f"fitted elsewhere ({getattr(model, 'n_iter_', '?')} iterations)",
        name=name or type(model).__name__,
        config={"estimator": type(model).__name__, **{k: _jsonable(v) for k, v in model.get_params().items()}},
    )
    return with_scores(traj, checked(X, y, X_test, y_test, sizes[0], dataset_name))


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return str(value)

