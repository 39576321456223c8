"""A Trajectory from parameters recorded in another framework (PyTorch, Keras): the data,
classes and scores per epoch, the same for every adapter."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.adapters.sampled import to_numpy
from netwarp.core.trajectory import Trajectory
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError

Array = NDArray[np.float64]


def _labels(values: Any, n: int, what: str, classifier: bool) -> NDArray[Any]:
    """Labels ``(n,)`` (whole-number floats become int64) or targets ``(n,)`` / ``(n, k)``."""
    a = to_numpy(values)
    if a.ndim == 0 or a.shape[0] != n:
        raise NetwarpError(f"{what} has {a.shape[0] if a.ndim else 0} rows, expected {n}")
    if classifier:
        a = a.reshape(n)
        if a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
            a = a.astype(np.int64)
    elif a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    return a


def build(
    sizes: tuple[int, ...], activations: tuple[str, ...], params: Array, loss: Array, classes: NDArray[Any] | None,
    X: Any, y: Any, X_test: Any, y_test: Any, name: str, dataset_name: str, config: dict[str, Any],
) -> Trajectory:  # fmt: skip
    """Assemble the Trajectory: the task follows the output activation, scores need data."""
    if (X is None) != (y is None) or (X_test is None) != (y_test is None) or (X is None and X_test is not None):
        raise NetwarpError("give X with y (and X_test with y_test), or neither")
    k = sizes[-1]
    # one label per point: softmax, or sigmoid on one unit; sigmoid on k units is k outputs (multi-label)
    classifier = activations[-1] == "softmax" or (activations[-1] == "logistic" and k == 1)
    traj = Trajectory(sizes, activations, params, loss=loss, name=name, config=config)
    Xa = ya = None
    if X is not None:
        Xa = traj.check_input(to_numpy(X))
        ya = _labels(y, len(Xa), "y", classifier)
    if classifier:
        n_classes = 2 if k == 1 else k
        if classes is None:
            found = None if ya is None else np.unique(ya)
            classes = found if found is not None and len(found) == n_classes else np.arange(n_classes)
        if len(classes) != n_classes:
            raise NetwarpError(f"{len(classes)} classes given for an output of {k} unit(s); need {n_classes}")
        traj.classes = classes
    elif classes is not None:
        raise NetwarpError(f"classes given, but the output ({activations[-1]}, {k} unit(s)) holds no class labels")
    if Xa is None or ya is None:
        return traj
    if classes is not None and not np.isin(ya, classes).all():
        raise NetwarpError(f"y holds labels that are not among the classes {list(classes)}; pass classes=...")
    if X_test is None:
        Xt, yt = np.empty((0, Xa.shape[1])), ya[:0]
    else:
        Xt = traj.check_input(to_numpy(X_test))
        yt = _labels(y_test, len(Xt), "y_test", classifier)
    traj.data = Dataset(dataset_name, Xa, ya, Xt, yt)
    traj.train_score = traj.scores(Xa, ya)
    if len(yt):
        traj.test_score = traj.scores(Xt, yt)
    return traj
