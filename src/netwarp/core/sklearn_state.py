"""What ``fit`` does around its training loop, done by scikit-learn's own code where it exists.

- :func:`check_estimator` validates the hyper-parameters with scikit-learn's
  ``_parameter_constraints`` (same exception types and messages, as :func:`sklearn_error`
  subclasses that are also :class:`~netwarp.errors.NetwarpError`).
- :func:`prepare` validates ``X``, ``y`` and ``sample_weight`` with the estimator's own
  ``_validate_input`` (which sets ``n_features_in_``, ``feature_names_in_``, ``classes_``),
  initialises it with its own ``_initialize`` and splits off the validation set for
  ``early_stopping`` as ``fit`` does, consuming the random state in the same order.
- :func:`leave_fitted` leaves the estimator exactly as ``fit`` leaves it, optimizer included,
  so ``predict``, ``partial_fit`` and ``warm_start`` continue identically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.neural_network import MLPClassifier

from netwarp.core import engine, params
from netwarp.errors import NetwarpError, UnsupportedParameterError

_ERRORS: dict[type, type] = {}


def sklearn_error(exc: Exception, prefix: str = "") -> Exception:
    """``exc`` re-raised as a :class:`NetwarpError` that is still an instance of ``type(exc)``."""
    kind = type(exc)
    if kind not in _ERRORS:
        _ERRORS[kind] = type(kind.__name__, (NetwarpError, kind), {"__module__": kind.__module__})
    return _ERRORS[kind](prefix + str(exc))  # type: ignore[no-any-return]


def check_estimator(est: Any) -> list[int]:
    """Validate ``est``'s parameters as ``fit`` does; returns the hidden layer sizes."""
    try:
        est._validate_params()
    except (ValueError, TypeError) as exc:
        raise sklearn_error(exc) from None
    sizes = est.hidden_layer_sizes
    sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
    if np.any(np.array(sizes) <= 0):
        raise sklearn_error(ValueError(f"hidden_layer_sizes must be > 0, got {sizes}."))
    if est.solver not in ("sgd", "adam"):
        raise UnsupportedParameterError(
            f"solver={est.solver!r} is not supported by netwarp.record (it has no epochs to record); "
            "use 'sgd' or 'adam', or fit it and pass it to netwarp.from_estimator"
        )
    if est.warm_start and hasattr(est, "coefs_"):
        raise UnsupportedParameterError(
            "warm_start=True on a fitted estimator is not supported by netwarp.record; "
            "pass an unfitted estimator or set warm_start=False"
        )
    return [int(s) for s in sizes]


def engine_config(est: Any, sizes: list[int]) -> engine.EngineConfig:
    """The engine's settings from a validated estimator."""
    keys = [f.name for f in engine.EngineConfig.__dataclass_fields__.values() if f.name != "hidden_layer_sizes"]
    p = est.get_params()
    return engine.EngineConfig(hidden_layer_sizes=tuple(sizes), **{k: p[k] for k in keys})


@dataclass
class Prepared:
    """Validated training data and what the engine needs to continue ``fit``'s random stream."""

    X: Any
    y: Any
    Y: Any
    sample_weight: Any
    theta0: Any
    layer_units: list[int]
    validation: Any = None
    X_all: Any = None
    Y_all: Any = None
    sample_weight_all: Any = None

    def __post_init__(self) -> None:
        self.X_all, self.Y_all, self.sample_weight_all = self.X, self.Y, self.sample_weight


def prepare(est: Any, X: Any, y: Any, sample_weight: Any, sizes: list[int]) -> Prepared:
    """Validate and initialise as ``fit`` does: ``X`` ``(n, d)`` float32/float64 (dense or CSR/CSC)."""
    from sklearn.utils import check_random_state
    from sklearn.utils.validation import _check_sample_weight

    try:
        Xa, ya = est._validate_input(X, y, incremental=False, reset=True)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, Xa)
    except (ValueError, TypeError) as exc:
        raise sklearn_error(exc, "bad training data: ") from None
    classifier = isinstance(est, MLPClassifier)
    if classifier and len(est.classes_) < 2:
        raise NetwarpError(f"y holds a single class ({est.classes_[0]!r}); need at least two")
    Y = ya.reshape((-1, 1)) if ya.ndim == 1 else ya
    labels = est._label_binarizer.inverse_transform(Y) if classifier else ya
    layer_units = [Xa.shape[1], *sizes, Y.shape[1]]
    est._random_state = check_random_state(est.random_state)
    est._initialize(Y, layer_units, Xa.dtype)
    theta0 = np.hstack([p.ravel() for p in est.coefs_ + est.intercepts_])
    prep = Prepared(Xa, labels, Y, sample_weight, theta0, layer_units)
    if est.early_stopping:
        _split(est, prep, classifier)
    return prep


def _split(est: Any, prep: Prepared, classifier: bool) -> None:
    """scikit-learn's validation split (same call, same random state) and its scorer."""
    from sklearn.model_selection import train_test_split

    stratify = prep.Y if classifier and est.n_outputs_ == 1 else None
    arrays = [prep.X, prep.Y] + ([] if prep.sample_weight is None else [prep.sample_weight])
    try:
        parts = train_test_split(
            *arrays, random_state=est._random_state, test_size=est.validation_fraction, stratify=stratify
        )
    except ValueError as exc:
        raise sklearn_error(exc, "early_stopping: ") from None
    X_train, X_val, Y_train, Y_val = parts[:4]
    sw_train, sw_val = (parts[4], parts[5]) if prep.sample_weight is not None else (None, None)
    if X_val.shape[0] < 2:
        raise sklearn_error(
            ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
            )
        )
    y_val = est._label_binarizer.inverse_transform(Y_val) if classifier else Y_val
    units = prep.layer_units

    def validation(theta: Any) -> float:
        est.coefs_, est.intercepts_ = params.unflatten(theta, units)
        return float(est._score(X_val, y_val, sample_weight=sw_val))

    prep.X, prep.Y, prep.sample_weight, prep.validation = X_train, Y_train, sw_train, validation


def leave_fitted(est: Any, r: engine.EngineResult) -> None:
    """Set every attribute ``fit`` sets after training (``coefs_`` ... ``_optimizer``)."""
    units = r.layer_units

    def split(flat: Any) -> list[Any]:
        coefs, intercepts = params.unflatten(flat, units)
        return [np.array(a) for a in coefs + intercepts]

    last = split(r.history[-1])
    n = len(units) - 1
    est.coefs_, est.intercepts_ = last[:n], last[n:]
    est._optimizer = r.optimizer.to_sklearn(est.coefs_ + est.intercepts_, split)
    est.n_iter_ = r.n_iter
    est.t_ = r.t
    est.loss_curve_ = list(r.loss_curve)
    if r.loss_curve:
        est.loss_ = r.loss_curve[-1]
    est._no_improvement_count = r.no_improvement_count
    if r.validation_scores is None:
        est.best_loss_ = r.best_loss
        return
    est.validation_scores_ = list(r.validation_scores)
    est.best_validation_score_ = r.best_validation_score
    best = split(r.best_theta)
    est._best_coefs, est._best_intercepts = best[:n], best[n:]
    est.coefs_, est.intercepts_ = est._best_coefs, est._best_intercepts
