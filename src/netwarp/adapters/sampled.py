"""What every recorder of activations shares, whatever the framework: a fixed sample of the
points, bounded size, optional projections of wide layers, and the
:class:`~netwarp.core.recording.Recording` they add up to.

A framework's recorder (:class:`netwarp.adapters.hooks.ActivationRecorder` for PyTorch,
:class:`netwarp.adapters.keras.Recorder` for Keras) subclasses :class:`SampledRecorder` and
implements :meth:`SampledRecorder.outputs`: each named layer's output for the sample
``self.inputs`` ``(n_sample, ...)``, one array ``(n_sample, ...)`` per layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core import activations as act
from netwarp.core import recording as rc
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError

Floats = NDArray[np.float32]


def to_numpy(values: Any) -> NDArray[Any]:
    """A tensor (torch, or anything with ``numpy()``) or array-like as a NumPy array."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    elif hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    return np.asarray(values)


def sample_index(n: int, sample: int, seed: int = 0) -> NDArray[np.intp]:
    """Indices of the points recorded: the first ``sample`` of a seeded permutation, sorted."""
    if sample < 1:
        raise NetwarpError(f"sample must be at least 1, got {sample}")
    if sample >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).permutation(n)[:sample])


#: Functions ``output=`` may apply to the last named layer's ``(n, width)`` output (for logits).
OUTPUTS: dict[str, Callable[[Any], Any]] = {"softmax": act.get("softmax"), "sigmoid": act.get("logistic")}


class SampledRecorder:
    """Snapshots of named layers on a fixed sample of ``X`` ``(n, ...)`` / ``y`` ``(n,)`` (and
    ``X_test``/``y_test``, sampled in proportion); see :mod:`netwarp.adapters.hooks` for the
    arguments. Subclasses set ``self.names`` before calling this ``__init__``."""

    names: list[str]

    def __init__(
        self, X: Any, y: Any, X_test: Any = None, y_test: Any = None, *, sample: int = rc.SAMPLE,
        output: str | None = None, project: int | None = None, every: int = 1,
        classes: Sequence[Any] | None = None, name: str = "", seed: int = 0,
    ) -> None:  # fmt: skip
        if output is not None and output not in OUTPUTS:
            raise NetwarpError(f"output must be one of {', '.join(OUTPUTS)} or None, got {output!r}")
        if project is not None and project < 1:
            raise NetwarpError(f"project must be a positive number of dimensions, got {project}")
        if every < 1:
            raise NetwarpError(f"every must be at least 1, got {every}")
        if (X_test is None) != (y_test is None):
            raise NetwarpError("give X_test with y_test, or neither")
        self.output, self.project, self.every, self.name = output, project, int(every), name
        if output is not None:
            self.names[-1] = output
        parts = [(to_numpy(X), y, "X")] + ([] if X_test is None else [(to_numpy(X_test), y_test, "X_test")])
        total = sum(len(p[0]) for p in parts)
        inputs, labels = [], []
        for i, (xa, yp, what) in enumerate(parts):
            ya = to_numpy(yp).reshape(-1)
            if xa.ndim < 2 or len(xa) != len(ya) or not len(xa):
                raise NetwarpError(f"{what} must be (n, ...) with one label per row; got {xa.shape}, {ya.shape}")
            idx = sample_index(len(xa), max(1, round(sample * len(xa) / total)), seed + i)
            inputs.append(xa[idx])
            labels.append(ya[idx].astype(np.int64) if ya.dtype.kind == "f" and np.all(ya == np.round(ya)) else ya[idx])
        self.inputs = np.concatenate(inputs)
        flat = self.inputs.reshape(len(self.inputs), -1).astype(np.float64)
        if not np.all(np.isfinite(flat)):
            raise NetwarpError("X holds NaN or infinite values")
        if flat.shape[1] > rc.MAX_WIDTH:  # the input panel follows the same rule as the layers
            rc.check_budget("input", flat.shape[1], len(flat), 1, 0, project)
            assert project is not None
            flat = flat @ rc.projection(flat.shape[1], project, len(self.names)).astype(np.float64)
        k = len(labels[0])
        self.data = Dataset("", flat[:k], labels[0], flat[k:], labels[1] if len(labels) > 1 else labels[0][:0])
        self.classes = np.asarray(classes) if classes is not None else np.unique(np.concatenate(labels))
        self.maps: list[Floats | None] | None = None
        self._values: list[list[Floats]] = [[] for _ in self.names]
        self._loss: list[float] = []
        self._calls = 0

    def __len__(self) -> int:
        return len(self._loss)

    def outputs(self) -> list[NDArray[Any]]:
        """Each named layer's output for ``self.inputs``: ``(n_sample, ...)`` per layer."""
        raise NotImplementedError

    def snapshot(self, loss: float | None = None) -> int:
        """Record every named layer now (once before training, then after each epoch);
        ``loss`` is your loss for the epoch. Returns the snapshot's index."""
        n = len(self.inputs)
        values = [np.asarray(v, dtype=np.float32).reshape(n, -1) for v in self.outputs()]
        if self.output is not None:
            values[-1] = np.asarray(OUTPUTS[self.output](values[-1].astype(np.float64)), dtype=np.float32)
        if self.maps is None:
            p = self.project
            self.maps = [rc.projection(v.shape[1], p, j) if p and v.shape[1] > p else None
                         for j, v in enumerate(values)]  # fmt: skip
        values = [v if m is None else v @ m for v, m in zip(values, self.maps, strict=True)]
        per = sum(v.shape[1] for v in values)
        for name, v in zip(self.names, values, strict=True):
            rc.check_budget(name, v.shape[1], n, len(self) + 1, n * per * (len(self) + 1), self.project)
        for j, v in enumerate(values):
            if not np.all(np.isfinite(v)):
                raise NetwarpError(f"snapshot {len(self)}: layer {self.names[j]!r} holds NaN or infinity")
            self._values[j].append(v)
        self._loss.append(math.nan if loss is None else float(loss))
        return len(self) - 1

    def step(self, loss: float | None = None) -> int | None:
        """Call after each optimizer step: snapshots every ``every``-th call (returns its index)."""
        self._calls += 1
        return self.snapshot(loss) if self._calls % self.every == 0 else None

    def recording(self, *, name: str | None = None, dataset_name: str = "", config: dict[str, Any] | None = None
                  ) -> rc.Recording:  # fmt: skip
        """The :class:`~netwarp.core.recording.Recording` of every snapshot so far."""
        if not self._loss:
            raise NetwarpError("no snapshots yet: call snapshot() before training and after each epoch")
        assert self.maps is not None
        d = self.data
        data = Dataset(dataset_name, d.X_train, d.y_train, d.X_test, d.y_test)
        projected = {nm: m.shape[1] for nm, m in zip(self.names, self.maps, strict=True) if m is not None}
        config = {**(config or {}), "layers": self.names, "output": self.output, "every": self.every,
                  "projected": projected}  # fmt: skip
        classes = self.classes if len(self.classes) >= 2 else None
        rec = rc.Recording((1, 1), ("identity",), np.zeros((len(self), 0)), classes=classes,
                           loss=np.array(self._loss), name=name or self.name, config=config, data=data,
                           stop_reason=f"{len(self)} snapshots recorded",
                           layer_names=tuple(self.names), values=[np.stack(v) for v in self._values])  # fmt: skip
        rec.config["marks"] = rc.class_moments(rec)  # when each class separates, for the views
        pred = rec.predictions()
        if pred is not None:  # the last layer is the output: score it
            n_train = len(d.y_train)
            rec.train_score = (pred[:, :n_train] == d.y_train[None]).mean(axis=1)
            if len(d.y_test):
                rec.test_score = (pred[:, n_train:] == d.y_test[None]).mean(axis=1)
        return rec
