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
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_X_y
from sklearn.utils.multiclass import type_of_target

from netwarp.core import engine, features
from netwarp.core.spec import RunSpec
from netwarp.core.trajectory import Trajectory
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError, UnsupportedParameterError

ProgressCallback = Callable[[int, int, float], None]
#: ``on_epoch(epoch, params, loss)``: epoch 0 is the initialisation (full training loss).
EpochHook = Callable[[int, NDArray[np.float64], float], None]

_CONFIG_KEYS = (
    "hidden_layer_sizes", "activation", "solver", "alpha", "batch_size", "learning_rate",
    "learning_rate_init", "power_t", "max_iter", "shuffle", "random_state", "tol",
    "momentum", "nesterovs_momentum", "beta_1", "beta_2", "epsilon", "n_iter_no_change",
)  # fmt: skip


def _engine_config(est: Any) -> engine.EngineConfig:
    p = est.get_params()
    if p["solver"] not in ("sgd", "adam"):
        raise UnsupportedParameterError(
            f"solver={p['solver']!r} is not supported by netwarp.record; use 'sgd' or 'adam'"
        )
    if p["early_stopping"]:
        raise UnsupportedParameterError(
            "early_stopping=True is not supported by netwarp.record (it restores the best "
            "validation epoch, so the last epoch is not what fit returns); set early_stopping=False"
        )
    if p["warm_start"] and hasattr(est, "coefs_"):
        raise UnsupportedParameterError(
            "warm_start=True on a fitted estimator is not supported by netwarp.record; "
            "pass an unfitted estimator or set warm_start=False"
        )
    if not isinstance(p["random_state"], int | np.integer | None):
        raise UnsupportedParameterError(
            "random_state must be an int or None for netwarp.record (a RandomState instance "
            "would be consumed); got " + type(p["random_state"]).__name__
        )
    if isinstance(est, MLPRegressor) and p.get("loss", "squared_error") != "squared_error":
        raise UnsupportedParameterError(f"loss={p['loss']!r} is not supported; use 'squared_error'")
    sizes = p["hidden_layer_sizes"]
    sizes = tuple(sizes) if hasattr(sizes, "__iter__") else (sizes,)
    cfg = engine.EngineConfig(**{k: p[k] for k in _CONFIG_KEYS if k != "hidden_layer_sizes"},
                              hidden_layer_sizes=tuple(int(s) for s in sizes))
    cfg.validate()
    return cfg


def record(
    estimator: MLPClassifier | MLPRegressor | Pipeline,
    X: Any,
    y: Any,
    X_test: Any = None,
    y_test: Any = None,
    *,
    name: str | None = None,
    dataset_name: str = "",
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_epoch: EpochHook | None = None,
    score: bool = True,
) -> Trajectory:
    """Train ``estimator`` on ``X`` ``(n, d)``, ``y`` ``(n,)`` and record every epoch.

    Honours the estimator's parameters and reproduces ``fit``: the parameters after epoch k
    equal ``clone(estimator).set_params(max_iter=k).fit(X, y)``'s, and training stops at the
    same epoch. Afterwards ``estimator`` is fitted as ``fit`` leaves it (``coefs_``,
    ``intercepts_``, ``n_iter_``, ``loss_curve_``, ``classes_``...), so ``predict`` works.

    ``progress(epoch, max_iter, loss)`` is called after each epoch; ``should_stop()`` may
    cancel training between epochs. ``on_epoch(epoch, params, loss)`` receives a copy of the
    flat parameters ``(n_params,)`` (the layout of :attr:`Trajectory.params`) as they are
    recorded: first epoch 0 with the full training loss, then every epoch with its mean
    mini-batch loss, so a live view can follow training. ``X_test``/``y_test`` add test
    scores per epoch; ``score=False`` leaves the scores NaN (for a caller that scored the
    epochs as they came). A ``Pipeline`` of affine preprocessing ending in an MLP is recorded
    with the preprocessing as its first layers (:mod:`netwarp.adapters.pipeline`).
    """
    if isinstance(estimator, Pipeline):
        from netwarp.adapters import pipeline

        return pipeline.record(record, estimator, X, y, X_test, y_test, name=name, dataset_name=dataset_name,
                               progress=progress, should_stop=should_stop, on_epoch=on_epoch, score=score)  # fmt: skip
    if not isinstance(estimator, MLPClassifier | MLPRegressor):
        raise NetwarpError(
            "netwarp.record takes an sklearn.neural_network.MLPClassifier or MLPRegressor, "
            f"got {type(estimator).__name__}"
        )
    cfg = _engine_config(estimator)
    classifier = isinstance(estimator, MLPClassifier)
    try:
        Xa, ya = check_X_y(X, y, dtype=np.float64, multi_output=not classifier, y_numeric=not classifier)
    except ValueError as exc:
        raise NetwarpError(f"bad training data: {exc}") from None
    lb: LabelBinarizer | None = None
    if classifier:
        kind = type_of_target(ya)
        if kind not in ("binary", "multiclass"):
            raise NetwarpError(f"y must hold binary or multiclass labels, got {kind} targets")
        lb = LabelBinarizer().fit(ya)
        if len(lb.classes_) < 2:
            raise NetwarpError(f"y holds a single class ({lb.classes_[0]!r}); need at least two")
        Y = lb.transform(ya).astype(bool)
        out_activation, loss = ("softmax" if kind == "multiclass" else "logistic"), "log_loss"
    else:
        Y = ya.reshape(len(ya), -1).astype(np.float64)
        out_activation, loss = "identity", "squared_error"

    data = _dataset(Xa, ya, X_test, y_test, dataset_name)
    hidden = cfg.activation
    activations = (hidden,) * len(cfg.hidden_layer_sizes) + (out_activation,)
    classes = None if lb is None else lb.classes_
    layer_units = (Xa.shape[1], *cfg.hidden_layer_sizes, Y.shape[1])

    def engine_epoch(epoch: int, theta: NDArray[np.float64], value: float) -> None:
        if epoch == 0:
            if on_epoch is not None:
                first = Trajectory(layer_units, activations, theta[None].copy(), classes=classes)
                on_epoch(0, theta.copy(), _full_loss(first, Xa, Y, cfg.alpha))
            return
        if progress is not None:
            progress(epoch, cfg.max_iter, value)
        if on_epoch is not None:
            on_epoch(epoch, theta.copy(), value)

    result = engine.train(
        Xa, Y, cfg, out_activation=out_activation, loss=loss,
        callback=engine_epoch if (progress or on_epoch) else None, should_stop=should_stop,
    )  # fmt: skip
    _leave_fitted(estimator, X, Xa, lb, result, out_activation)
    if result.n_iter == cfg.max_iter and not result.converged:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({cfg.max_iter}) reached and the "
            "optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=2,
        )

    config = {k: getattr(cfg, k) for k in _CONFIG_KEYS}
    config["hidden_layer_sizes"] = list(cfg.hidden_layer_sizes)
    if math.isinf(config["n_iter_no_change"]):
        config["n_iter_no_change"] = "inf"
    config["estimator"] = type(estimator).__name__
    traj = Trajectory(
        layer_sizes=tuple(result.layer_units),
        activations=activations,
        params=result.history,
        classes=classes,
        stop_reason=result.stop_reason,
        name=name if name is not None else hidden,
        config=config,
        data=data,
    )
    init_loss = _full_loss(traj, Xa, Y, cfg.alpha)
    traj.loss = np.array([init_loss, *result.loss_curve], dtype=np.float64)
    if score:
        traj.train_score = traj.scores(Xa, ya)
        if data is not None and len(data.y_test):
            traj.test_score = traj.scores(data.X_test, data.y_test)
    return traj


def _dataset(X: Any, y: Any, X_test: Any, y_test: Any, name: str) -> Dataset:
    if (X_test is None) != (y_test is None):
        raise NetwarpError("give both X_test and y_test, or neither")
    if X_test is None:
        Xt, yt = np.empty((0, X.shape[1])), np.empty((0, *y.shape[1:]), dtype=y.dtype)
    else:
        try:
            Xt, yt = check_X_y(X_test, y_test, dtype=np.float64, multi_output=True)
        except ValueError as exc:
            raise NetwarpError(f"bad test data: {exc}") from None
        if Xt.shape[1] != X.shape[1]:
            raise NetwarpError(f"X_test has {Xt.shape[1]} features, X has {X.shape[1]}")
    return Dataset(name, X, y, Xt, yt)


def _full_loss(traj: Trajectory, X: Any, Y: Any, alpha: float) -> float:
    """The training loss at initialisation, over all training points, with the L2 term."""
    loss = "squared_error" if traj.classes is None else "log_loss"
    value = engine.loss_function(loss, traj.out_activation)(Y, traj.forward(X, 0)[-1])
    l2 = sum(float(np.dot(w.ravel(), w.ravel())) for w in traj.coefs(0))
    return float(value + 0.5 * alpha * l2 / X.shape[0])


def _leave_fitted(
    est: Any, X_orig: Any, X: Any, lb: LabelBinarizer | None, r: engine.EngineResult, out_act: str
) -> None:
    coefs, intercepts = engine.unflatten(r.history[-1], r.layer_units)
    est.coefs_ = [c.copy() for c in coefs]
    est.intercepts_ = [b.copy() for b in intercepts]
    est.n_features_in_ = X.shape[1]
    if hasattr(X_orig, "columns"):
        est.feature_names_in_ = np.asarray([str(c) for c in X_orig.columns], dtype=object)
    elif hasattr(est, "feature_names_in_"):
        del est.feature_names_in_
    est.n_outputs_ = r.layer_units[-1]
    est.n_layers_ = len(r.layer_units)
    est.out_activation_ = out_act
    est.n_iter_ = r.n_iter
    est.t_ = r.t
    est.loss_curve_ = [np.float64(v) for v in r.loss_curve]
    est.loss_ = est.loss_curve_[-1] if r.loss_curve else None
    est.best_loss_ = np.float64(r.best_loss)
    est.validation_scores_ = None
    est.best_validation_score_ = None
    est._no_improvement_count = r.no_improvement_count
    if lb is not None:
        est._label_binarizer = lb
        est.classes_ = lb.classes_


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
    data = _dataset(X, np.asarray(y), X_test, y_test, dataset_name)
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

    Its ``forward(X)[-1]`` equals the model's output (``predict_proba`` for a classifier,
    ``predict`` reshaped to ``(n, n_outputs)`` for a regressor, whose ``classes`` is None).
    Any solver works (``lbfgs`` too). With ``X`` ``(n, d)`` and ``y`` (and ``X_test``,
    ``y_test``) the trajectory carries the data and its score (accuracy or R^2). A fitted
    ``Pipeline`` of affine preprocessing ending in an MLP shows the preprocessing as its first
    layers (:mod:`netwarp.adapters.pipeline`).
    """
    if isinstance(model, Pipeline):
        from netwarp.adapters import pipeline

        return pipeline.from_fitted(from_estimator, model, X, y, X_test, y_test, name=name, dataset_name=dataset_name)
    if not isinstance(model, MLPClassifier | MLPRegressor):
        raise NetwarpError(
            f"from_estimator takes a fitted MLPClassifier or MLPRegressor, got {type(model).__name__}"
        )
    if not hasattr(model, "coefs_"):
        raise NetwarpError(f"{type(model).__name__} is not fitted yet; call fit first")
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
    if X is None and y is None and X_test is None and y_test is None:
        return traj
    if X is None or y is None:
        raise NetwarpError("give X with y (and optionally X_test with y_test), or no data")
    try:
        Xa, ya = check_X_y(X, y, dtype=np.float64, multi_output=True)
    except ValueError as exc:
        raise NetwarpError(f"bad data: {exc}") from None
    if Xa.shape[1] != sizes[0]:
        raise NetwarpError(f"X has {Xa.shape[1]} features, the model takes {sizes[0]}")
    traj.data = _dataset(Xa, ya, X_test, y_test, dataset_name)
    traj.train_score = traj.scores(Xa, ya)
    if len(traj.data.y_test):
        traj.test_score = traj.scores(traj.data.X_test, traj.data.y_test)
    return traj


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return str(value)

