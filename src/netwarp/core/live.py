"""Following a run while it trains: epochs gathered into chunks, each with its scores.

:class:`Chunker` is the ``on_epoch`` hook of :func:`netwarp.core.record.record` (or
:func:`~netwarp.core.record.train`) for whatever shows a run live: the web app's workers and
the notebook widget's :func:`netwarp.apps.widget.watch`. It buffers the flat parameters of
each recorded epoch and, at most every ``every`` seconds (and at once for epoch 0), hands
``emit(last_epoch, chunk, first_trained_at)`` a chunk: ``rows`` ``(k, n_params)``, ``loss``,
``train_score`` and ``test_score`` ``(k,)``, scored as :meth:`Trajectory.scores` scores
them. It stops taking epochs at the first one whose loss or parameters are not finite
(:attr:`diverged`), so what was emitted is always viewable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core.trajectory import Trajectory

#: ``emit(last_epoch, chunk, first_trained_at)``.
Emit = Callable[[int, dict[str, Any], float], None]


def layout(estimator: Any, n_features: int, y: Any) -> tuple[tuple[int, ...], tuple[str, ...], Any]:
    """Layer sizes, activations and classes (None for a regressor) the network of an unfitted
    scikit-learn MLP will have on data with ``n_features`` features and targets ``y``."""
    hidden = estimator.get_params()["hidden_layer_sizes"]
    hidden = tuple(hidden) if hasattr(hidden, "__iter__") else (hidden,)
    ya = np.asarray(y)
    if hasattr(estimator, "predict_proba") and ya.ndim == 2 and ya.shape[1] > 1:
        classes, n_out, out = np.arange(ya.shape[1]), ya.shape[1], "logistic"  # multilabel: a unit per label
    elif hasattr(estimator, "predict_proba"):  # a classifier: LabelBinarizer's order
        classes = np.unique(ya)
        n_out = 1 if len(classes) <= 2 else len(classes)
        out = "logistic" if n_out == 1 else "softmax"
    else:
        classes, n_out, out = None, (ya.shape[1] if ya.ndim == 2 else 1), "identity"
    act = estimator.get_params()["activation"]
    return (n_features, *(int(h) for h in hidden), n_out), (act,) * len(hidden) + (out,), classes


class Chunker:
    """Gathers epochs into scored chunks for a live view (see the module docstring)."""

    def __init__(
        self,
        layer_sizes: tuple[int, ...],
        activations: tuple[str, ...],
        classes: Any,
        X: NDArray[np.float64],
        y: Any,
        X_test: NDArray[np.float64],
        y_test: Any,
        emit: Emit,
        every: float = 0.1,
    ) -> None:
        self.layer_sizes, self.activations, self.classes = layer_sizes, activations, classes
        self.X, self.y, self.X_test, self.y_test = X, np.asarray(y), X_test, np.asarray(y_test)
        self.emit, self.every = emit, every
        self.rows: list[NDArray[np.float64]] = []
        self.losses: list[float] = []
        self.first = 0.0
        self.last = time.monotonic()
        self.sent: list[dict[str, Any]] = []
        #: The first epoch whose loss or parameters were not finite, if any.
        self.diverged: int | None = None

    def on_epoch(self, epoch: int, params: NDArray[np.float64], loss: float) -> None:
        """The ``on_epoch`` hook: take epoch ``epoch``'s flat parameters ``(n_params,)`` and loss."""
        if self.diverged is not None:
            return
        if not (np.isfinite(loss) and np.all(np.isfinite(params))):
            self.diverged = epoch
            self.flush()
            return
        if not self.rows:
            self.first = time.time()
        self.rows.append(params)
        self.losses.append(loss)
        now = time.monotonic()
        if epoch == 0 or now - self.last >= self.every:
            self.last = now
            self.flush()

    def flush(self) -> None:
        """Emit the epochs gathered since the last chunk (if any)."""
        if not self.rows:
            return
        rows = np.stack(self.rows)
        t = Trajectory(self.layer_sizes, self.activations, rows, classes=self.classes)
        test = t.scores(self.X_test, self.y_test) if len(self.y_test) else np.full(len(rows), np.nan)
        chunk = {"rows": rows, "loss": np.array(self.losses), "train_score": t.scores(self.X, self.y),
                 "test_score": test}  # fmt: skip
        self.sent.append(chunk)
        self.rows, self.losses = [], []
        self.emit(sum(len(c["rows"]) for c in self.sent) - 1, chunk, self.first)

    def scores(self, key: str) -> NDArray[np.float64]:
        """``train_score`` or ``test_score`` of every epoch emitted, ``(n_epochs + 1,)``."""
        return np.concatenate([c[key] for c in self.sent])
