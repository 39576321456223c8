"""Trajectory: a network's parameters at every epoch of training, with its metrics.

Storage is one flat parameter vector per snapshot: ``params`` ``(n_epochs + 1, n_params)``,
row 0 the initialisation, laid out as scikit-learn packs them (all weight matrices
row-major, then all bias vectors). :meth:`Trajectory.weights` gives layer l as
``(n_epochs + 1, fan_in, fan_out)`` and :meth:`Trajectory.biases` as
``(n_epochs + 1, fan_out)``.

Files are plain ``.npz`` archives readable with ``np.load(path, allow_pickle=False)``;
see :mod:`netwarp.core.files`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from netwarp.core import activations as act
from netwarp.core.params import n_params, unflatten
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError

Array = NDArray[np.float64]

def _batched_matmul(a: Array, W: Array) -> Array:
    """``a @ W`` for ``a`` ``(e or 1, n, fan_in)`` and ``W`` ``(e, fan_in, fan_out)``.

    NumPy's batched matmul loops over many tiny matrices slowly; for narrow layers a sum of
    broadcast products over ``fan_in`` is much faster.
    """
    fan_in = W.shape[1]
    if fan_in > 16:
        return np.asarray(np.matmul(a, W), dtype=np.float64)
    out = a[..., 0:1] * W[:, None, 0, :]
    for k in range(1, fan_in):
        out += a[..., k : k + 1] * W[:, None, k, :]
    return out


@dataclass(eq=False)
class Trajectory:
    """Parameters of an MLP at every recorded epoch, plus loss and scores.

    Attributes
    ----------
    layer_sizes : widths from input to output, e.g. ``(1, 2, 1)``.
    activations : one activation name per layer after the input (the last is the output's).
    params : ``(n_epochs + 1, n_params)`` flat parameters; row e is epoch e.
    classes : class labels in output order, or None for a regressor.
    loss : ``(n_epochs + 1,)``; ``loss[0]`` is the full training loss at initialisation,
        ``loss[e]`` for e >= 1 is the epoch's mean mini-batch loss (scikit-learn's
        ``loss_curve_[e - 1]``).
    train_score, test_score : ``(n_epochs + 1,)`` accuracy (classifier) or R^2
        (regressor) after each epoch; NaN where there is no such data. :func:`netwarp.record`
        leaves them to be computed when first read (:meth:`score_later`).
    validation_score : ``(n_epochs + 1,)`` scikit-learn's ``validation_scores_`` (with
        ``early_stopping=True``) after each epoch, NaN at epoch 0 and without early stopping.
    stop_reason : why training ended.
    name : a label for views ("tanh").
    config : the hyper-parameters used (JSON-serialisable).
    data : the training and test data, if known.
    """

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    params: Array
    classes: NDArray[Any] | None = None
    loss: Array = field(default_factory=lambda: np.empty(0))
    train_score: Array = field(default_factory=lambda: np.empty(0))
    test_score: Array = field(default_factory=lambda: np.empty(0))
    stop_reason: str = ""
    name: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    data: Dataset | None = None
    validation_score: Array = field(default_factory=lambda: np.empty(0))  # last: positional order kept
    #: True for :class:`~netwarp.core.recording.Recording` (recorded activations, no parameters).
    recorded: ClassVar[bool] = False

    def __post_init__(self) -> None:
        self.layer_sizes = tuple(int(s) for s in self.layer_sizes)
        self.activations = tuple(act.canonical(a) for a in self.activations)
        self.params = np.asarray(self.params, dtype=np.float64)
        if self.params.ndim == 1:
            self.params = self.params[None, :]
        if len(self.layer_sizes) < 2 or min(self.layer_sizes) < 1:
            raise NetwarpError(f"layer_sizes must hold at least 2 positive widths, got {self.layer_sizes}")
        if len(self.activations) != len(self.layer_sizes) - 1:
            raise NetwarpError(
                f"need {len(self.layer_sizes) - 1} activations for layers {self.layer_sizes}, "
                f"got {len(self.activations)}"
            )
        expected = n_params(list(self.layer_sizes))
        if self.params.ndim != 2 or self.params.shape[1] != expected:
            raise NetwarpError(
                f"params must have shape (n_snapshots, {expected}) for layers "
                f"{self.layer_sizes}, got {self.params.shape}"
            )
        self._check_curves(self.params.shape[0])

    def _check_curves(self, n: int) -> None:
        """Make every curve (loss, scores) a float64 ``(n,)`` array, NaN where none was given."""
        for attr in ("loss", "train_score", "test_score", "validation_score"):
            values = np.asarray(getattr(self, attr), dtype=np.float64)
            if values.size == 0:
                values = np.full(n, np.nan)
            if values.shape != (n,):
                raise NetwarpError(f"{attr} must have shape ({n},), got {values.shape}")
            setattr(self, attr, values)

    # ----------------------------------------------------------------- shape
    @property
    def n_epochs(self) -> int:
        """Number of training epochs recorded (snapshots minus the initialisation)."""
        return int(self.params.shape[0] - 1)

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + output)."""
        return len(self.layer_sizes) - 1

    @property
    def activation(self) -> str:
        """The hidden activation (comma-joined when the hidden layers differ)."""
        hidden = self.activations[:-1] or self.activations
        return hidden[0] if len(set(hidden)) == 1 else ",".join(hidden)

    @property
    def out_activation(self) -> str:
        return self.activations[-1]

    @property
    def is_classifier(self) -> bool:
        return self.classes is not None

    @property
    def train_accuracy(self) -> Array:
        """Alias of :attr:`train_score` (accuracy for classifiers)."""
        return self.train_score

    @property
    def test_accuracy(self) -> Array:
        """Alias of :attr:`test_score` (accuracy for classifiers)."""
        return self.test_score

    def epoch_index(self, epoch: int | None) -> int:
        """Validate ``epoch`` (None or -1 = last; negative counts from the end)."""
        if epoch is None:
            return self.n_epochs
        e = int(epoch)
        if e < 0:
            e += self.n_epochs + 1
        if not 0 <= e <= self.n_epochs:
            raise NetwarpError(f"epoch {epoch} is out of range 0..{self.n_epochs}")
        return e

    # ------------------------------------------------------------ parameters
    def coefs(self, epoch: int | None = None) -> list[Array]:
        """Weight matrices after ``epoch``, shaped like scikit-learn's ``coefs_``."""
        coefs, _ = unflatten(self.params[self.epoch_index(epoch)], list(self.layer_sizes))
        return [c.copy() for c in coefs]

    def intercepts(self, epoch: int | None = None) -> list[Array]:
        """Bias vectors after ``epoch``, shaped like scikit-learn's ``intercepts_``."""
        _, intercepts = unflatten(self.params[self.epoch_index(epoch)], list(self.layer_sizes))
        return [b.copy() for b in intercepts]

    def weights(self, layer: int) -> Array:
        """Weights of ``layer`` (0-based) at every epoch: ``(n_epochs + 1, fan_in, fan_out)``."""
        return unflatten(self.params, list(self.layer_sizes))[0][layer]

    def biases(self, layer: int) -> Array:
        """Biases of ``layer`` at every epoch: ``(n_epochs + 1, fan_out)``."""
        return unflatten(self.params, list(self.layer_sizes))[1][layer]

    # --------------------------------------------------------------- forward
    def forward(self, X: Any, epoch: int | None = None) -> list[Array]:
        """Every layer's values for ``X`` ``(n, d)`` after ``epoch`` (default: the last).

        Returns ``[X, hidden_1, ..., output]``, each ``(n, width_l)``. The output is the
        network's own last layer after its activation, as the estimator computes it
        internally: ``(n, n_outputs)``. For a *binary* classifier that is one column, the
        probability of ``classes[1]`` (``(n, 1)``), where :meth:`predict_proba` gives both
        columns ``(n, 2)``; for multiclass the softmax ``(n, n_classes)``; for multilabel one
        logistic column per label; for a regressor the predictions ``(n, n_outputs)``.
        """
        X = self.check_input(X)
        coefs, intercepts = unflatten(self.params[self.epoch_index(epoch)], list(self.layer_sizes))
        out = [X]
        a = X
        for W, b, name in zip(coefs, intercepts, self.activations, strict=True):
            a = act.get(name)(a @ W + b)
            out.append(a)
        return out

    def forward_epochs(self, X: Any, epochs: Any = None) -> list[Array]:
        """Every layer at many epochs at once: list of ``(n_selected_epochs, n, width_l)``."""
        X = self.check_input(X)
        sel = np.arange(self.n_epochs + 1) if epochs is None else np.asarray(epochs, dtype=int)
        coefs, intercepts = unflatten(self.params[sel], list(self.layer_sizes))
        out = [np.broadcast_to(X, (len(sel), *X.shape))]
        a: Array = X[None]
        for W, b, name in zip(coefs, intercepts, self.activations, strict=True):
            a = act.get(name)(_batched_matmul(a, W) + b[:, None, :])
            out.append(a)
        return out

    @property
    def multilabel(self) -> bool:
        """True for a multilabel classifier (several logistic outputs, one per label)."""
        return self.classes is not None and self.out_activation == "logistic" and self.layer_sizes[-1] > 1

    def predict_proba(self, X: Any, epoch: int | None = None) -> Array:
        """``estimator.predict_proba(X)`` of the estimator trained to ``epoch``: ``(n, n_classes)``.

        Binary classifiers give both columns ``(n, 2)``; multilabel ones one column per label.
        """
        if self.classes is None:
            raise NetwarpError("predict_proba needs a classifier; this trajectory is a regressor's")
        out = self.forward(X, epoch)[-1]
        return np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out

    def predict(self, X: Any, epoch: int | None = None) -> NDArray[Any]:
        """``estimator.predict(X)`` of the estimator trained to ``epoch``: labels ``(n,)``
        (an indicator matrix ``(n, n_labels)`` for multilabel) or values ``(n,)`` / ``(n, k)``."""
        return self._decide(self.forward(X, epoch)[-1])

    def score(self, X: Any, y: Any, epoch: int | None = None, sample_weight: Any = None) -> float:
        """``estimator.score(X, y, sample_weight)`` at ``epoch``: accuracy or R^2."""
        from netwarp.core.scoring import epoch_scores

        return float(epoch_scores(self, self.check_input(X), y, sample_weight, [self.epoch_index(epoch)])[0])

    def _decide(self, out: Array) -> NDArray[Any]:
        """Predictions from output activations ``(..., k)``."""
        from netwarp.core.scoring import decide

        return decide(self, out)

    def scores(self, X: Any, y: Any, sample_weight: Any = None) -> Array:
        """Accuracy (or R^2) of every epoch on ``X``, ``y``: ``(n_epochs + 1,)``, in one blocked pass."""
        from netwarp.core.scoring import epoch_scores

        return epoch_scores(self, self.check_input(X), y, sample_weight)

    def score_later(self, attr: str, X: Any, y: Any, sample_weight: Any = None) -> None:
        """Make ``attr`` (``"train_score"`` or ``"test_score"``) ``scores(X, y)``, computed when first read."""
        self.__dict__.setdefault("_pending", {})[attr] = (X, y, sample_weight)

    def check_input(self, X: Any) -> Array:
        """``X`` (array-like, DataFrame or sparse matrix) as a float64 ``(n, d_in)`` array, or a clear error."""
        if hasattr(X, "toarray"):
            X = X.toarray()
        try:
            X = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise NetwarpError(f"X must be numeric: {exc}") from None
        if X.ndim == 1 and self.layer_sizes[0] == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise NetwarpError(f"X must have shape (n, {self.layer_sizes[0]}), got {X.shape}")
        return np.asarray(X, dtype=np.float64)

    def __repr__(self) -> str:
        data = "" if self.data is None or not self.data.name else f", data={self.data.name!r}"
        layers = "-".join(map(str, self.layer_sizes))
        return f"<Trajectory {self.name!r}: layers {layers}, {self.activation}, {self.n_epochs} epochs{data}>"

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly summary (used by ``netwarp info``)."""
        last = self.n_epochs
        return {
            "name": self.name,
            "layers": list(self.layer_sizes),
            "activation": self.activation,
            "out_activation": self.out_activation,
            "epochs": last,
            "stop_reason": self.stop_reason,
            "loss": float(self.loss[last]),
            "train_score": float(self.train_score[last]),
            "test_score": float(self.test_score[last]),
            "classes": None if self.classes is None else [str(c) for c in self.classes],
        }


def _lazy_curve(attr: str) -> property:
    """A score curve stored in ``_attr`` that :meth:`Trajectory.score_later` may fill on first read."""
    private = "_" + attr

    def get(self: Trajectory) -> Array:
        pending = self.__dict__.get("_pending", {})
        if attr in pending:
            X, y, sample_weight = pending.pop(attr)
            self.__dict__[private] = self.scores(X, y, sample_weight)
        value: Array = self.__dict__[private]
        return value

    def set_(self: Trajectory, value: Array) -> None:
        self.__dict__.get("_pending", {}).pop(attr, None)
        self.__dict__[private] = value

    return property(get, set_, doc=f"``{attr}`` ``(n_epochs + 1,)``; see the class docstring.")


for _curve in ("train_score", "test_score"):
    setattr(Trajectory, _curve, _lazy_curve(_curve))
