"""The data given with a model: checked into a :class:`~netwarp.data.datasets.Dataset`, and scored.

:func:`as_dataset` is how :func:`netwarp.core.record.record` keeps the data it trains on.
A model fitted elsewhere (:func:`netwarp.core.record.from_estimator`, and a fitted pipeline,
:func:`netwarp.core.pipeline.from_fitted`) may come with data or without: :func:`checked`
checks what was given against the model's input width, and :func:`with_scores` attaches it to
the model's trajectory with its scores, so both take the same data and say the same errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import check_X_y

from netwarp.core.trajectory import Trajectory
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError


def dense(X: Any) -> Any:
    """``X`` as a dense array-like (a SciPy sparse matrix converted)."""
    return X.toarray() if hasattr(X, "toarray") else X


def as_dataset(X: Any, y: Any, X_test: Any, y_test: Any, name: str) -> Dataset:
    """Checked training data ``X`` ``(n, d)``, ``y`` ``(n,)`` or ``(n, n_outputs)`` with the test data
    ``X_test`` ``(m, d)``, ``y_test`` (both None for no test set) as a Dataset named ``name``."""
    X = dense(X)
    if (X_test is None) != (y_test is None):
        raise NetwarpError("give both X_test and y_test, or neither")
    if X_test is None:
        Xt, yt = np.empty((0, X.shape[1]), dtype=X.dtype), np.empty((0, *y.shape[1:]), dtype=y.dtype)
        return Dataset(name, X, y, Xt, yt, X=X, y=y)  # no test set: X is X_train, not a copy
    try:
        Xt, yt = check_X_y(dense(X_test), y_test, dtype=(np.float64, np.float32), multi_output=True)
    except ValueError as exc:
        raise NetwarpError(f"bad test data: {exc}") from None
    if Xt.shape[1] != X.shape[1]:
        raise NetwarpError(f"X_test has {Xt.shape[1]} features, X has {X.shape[1]}")
    return Dataset(name, X, y, Xt, yt)


def checked(X: Any, y: Any, X_test: Any, y_test: Any, n_features: int, name: str) -> Dataset | None:
    """The data given with a fitted model taking ``n_features`` inputs, as a Dataset named
    ``name``; None when none was given. ``X`` ``(n, n_features)`` comes with ``y``, and
    ``X_test`` ``(m, n_features)`` with ``y_test``; anything else is a one-line NetwarpError."""
    if X is None and y is None and X_test is None and y_test is None:
        return None
    if X is None or y is None:
        raise NetwarpError("give X with y (and optionally X_test with y_test), or no data")
    try:
        Xa, ya = check_X_y(dense(X), y, dtype=np.float64, multi_output=True)
    except ValueError as exc:
        raise NetwarpError(f"bad data: {exc}") from None
    if Xa.shape[1] != n_features:
        raise NetwarpError(f"X has {Xa.shape[1]} features, the model takes {n_features}")
    return as_dataset(Xa, ya, X_test, y_test, name)


def with_scores(traj: Trajectory, data: Dataset | None) -> Trajectory:
    """``traj`` carrying ``data`` (from :func:`checked`) and its scores on it (accuracy or R^2
    per epoch, ``(n_epochs + 1,)``); ``traj`` unchanged when ``data`` is None."""
    if data is None:
        return traj
    traj.data = data
    traj.train_score = traj.scores(data.X_train, data.y_train)
    if len(data.y_test):
        traj.test_score = traj.scores(data.X_test, data.y_test)
    return traj
