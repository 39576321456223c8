"""Recorded activations: what a model's layers did to a fixed sample of points, at every snapshot.

A :class:`Recording` is the trajectory of a model netwarp cannot recompute from parameters
(a CNN, a residual block, a Keras model with convolutions): per recorded layer ``j`` it holds
``values[j]`` ``(n_snapshots, n_sample, width_j)`` float32, the layer's output for each point of
the sample flattened to one row, at each snapshot (row 0 is the initialisation). The sample's
inputs are the recording's :attr:`data` (training points first, then test points, in the order
of the rows), flattened to ``(n_sample, d)``.

It is a :class:`~netwarp.core.trajectory.Trajectory` whose parameters are empty
``(n_snapshots, 0)``: it loads, saves, plots and exports like one, and views show its layers
like any wide layer (PCA, Grand Tour), scrubbable over the snapshots. What needs parameters
(a forward pass of new points, the stages of a layer, decision regions) raises a one-line
:class:`~netwarp.errors.NetwarpError`.

Size is bounded as it is recorded (:func:`check_budget`): at most :data:`MAX_WIDTH` values per
point and layer and :data:`MAX_FLOATS` floats in all, unless the recorder projects wide layers
to fewer dimensions with a fixed random orthonormal map (:func:`projection`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

Array = NDArray[np.float64]
Floats = NDArray[np.float32]

#: Most values per point one layer may record without a projection.
MAX_WIDTH = 4096
#: Most float32 values a recording may hold in all (256 MiB).
MAX_FLOATS = 1 << 26
#: Default number of sample points recorded.
SAMPLE = 1000


def projection(width: int, k: int, seed: int = 0) -> Floats:
    """A fixed random map ``(width, k)`` with orthonormal columns: rows of a layer times it keep
    their distances roughly (Johnson-Lindenstrauss), the same map at every snapshot."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((width, k)))
    return np.asarray(q, dtype=np.float32)


def check_budget(name: str, width: int, n_sample: int, snapshots: int, total: int, project: int | None) -> None:
    """Refuse a layer ``width`` values wide, or a recording of ``total`` floats, beyond the limits."""
    if width > MAX_WIDTH and project is None:
        raise NetwarpError(
            f"layer {name!r} gives {width} values per point (more than {MAX_WIDTH}); pass project=N "
            f"(e.g. project=256) to record a fixed random projection of it to N dimensions"
        )
    if total > MAX_FLOATS:
        raise NetwarpError(
            f"recording {snapshots} snapshots of {n_sample} points would hold {total:,} values "
            f"(more than {MAX_FLOATS:,}); record fewer points (sample=), fewer snapshots, or pass "
            f"project=N to record wide layers in N dimensions"
        )


@dataclass(eq=False)
class Recording(Trajectory):
    """Per-layer activations of a fixed sample at every snapshot (see the module docstring).

    Attributes (besides :class:`Trajectory`'s curves, classes, name, config and data):
    layer_names : the recorded layers' names, e.g. ``("fc1", "softmax")``.
    values : one ``(n_snapshots, n_sample, width_j)`` float32 array per recorded layer.
    ``layer_sizes`` is ``(d, width_1, ...)`` and ``activations`` ``("recorded", ...)``.
    """

    recorded: ClassVar[bool] = True
    layer_names: tuple[str, ...] = ()
    values: list[Floats] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.values = [np.ascontiguousarray(v, dtype=np.float32) for v in self.values]
        if not self.values:
            raise NetwarpError("a recording needs at least one recorded layer")
        n, m = self.values[0].shape[:2]
        for name, v in zip(self.layer_names, self.values, strict=True):
            if v.ndim != 3 or v.shape[:2] != (n, m):
                raise NetwarpError(f"layer {name!r}: values must be ({n}, {m}, width), got {v.shape}")
        if self.data is None or len(self.data.X) != m:
            raise NetwarpError(f"a recording needs the data of its {m} sample points")
        self.layer_sizes = (self.data.n_features, *(int(v.shape[2]) for v in self.values))
        self.activations = ("recorded",) * len(self.values)
        self.config = {**self.config, "layer_names": ["", *self.layer_names]}  # views' panel names ("": their word)
        self.params = np.zeros((n, 0))
        self._check_curves(n)

    @property
    def activation(self) -> str:
        return "recorded"

    def _parameters(self) -> NetwarpError:
        return NetwarpError(
            f"{self.name or 'this run'} holds recorded activations of its sample points, not parameters: "
            "it cannot compute layers for other points or show a layer's stages"
        )

    def coefs(self, epoch: int | None = None) -> list[Array]:
        raise self._parameters()

    def intercepts(self, epoch: int | None = None) -> list[Array]:
        raise self._parameters()

    def weights(self, layer: int) -> Array:
        raise self._parameters()

    def biases(self, layer: int) -> Array:
        raise self._parameters()

    def _same_points(self, X: Any) -> None:
        assert self.data is not None
        if X is not None and (np.shape(X) != self.data.X.shape or not np.array_equal(np.asarray(X), self.data.X)):
            raise self._parameters()

    def forward(self, X: Any = None, epoch: int | None = None) -> list[Array]:
        """The sample's layers at ``epoch``: ``[X (n, d), layer_1 (n, w_1), ...]`` float64;
        ``X`` must be None or the recording's own sample points."""
        self._same_points(X)
        assert self.data is not None
        e = self.epoch_index(epoch)
        return [self.data.X.astype(np.float64), *(v[e].astype(np.float64) for v in self.values)]

    def forward_epochs(self, X: Any = None, epochs: Any = None) -> list[Array]:
        """Every layer at many snapshots: list of ``(n_selected, n, width_l)``."""
        self._same_points(X)
        assert self.data is not None
        sel = np.arange(self.n_epochs + 1) if epochs is None else np.asarray(epochs, dtype=int)
        return [np.broadcast_to(self.data.X, (len(sel), *self.data.X.shape)),
                *(v[sel].astype(np.float64) for v in self.values)]  # fmt: skip

    def scores(self, X: Any, y: Any, sample_weight: Any = None) -> Array:
        """Accuracy at every snapshot of the last recorded layer's argmax (its sample points only)."""
        self._same_points(X)
        if sample_weight is not None:
            raise NetwarpError("a recording's scores take no sample weights")
        pred = self.predictions()
        if pred is None:
            return np.full(self.n_epochs + 1, np.nan)
        return np.asarray((pred == np.asarray(y)[None, :]).mean(axis=1), dtype=np.float64)

    def predictions(self) -> NDArray[Any] | None:
        """The class the last recorded layer picks (its argmax) for each sample point at each snapshot,
        ``(n_snapshots, n_sample)`` labels; None unless that layer is the output (one unit per class)."""
        if self.classes is None or self.layer_sizes[-1] != len(self.classes):
            return None
        return np.asarray(np.asarray(self.classes)[np.argmax(self.values[-1], axis=2)])

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["recorded_layers"] = list(self.layer_names)
        out["sample_points"] = int(self.values[0].shape[1])
        return out


def class_moments(rec: Recording, share: float = 0.9) -> list[dict[str, Any]]:
    """When each class separates: per class, the first snapshot at which ``share`` of its sample
    points are classified right by the last recorded layer (its argmax; the layer must be the
    output, one unit per class), as ``{"epoch", "label"}``, in order of epoch; classes that never
    get there are left out. Views mark these moments on the training chart."""
    pred = rec.predictions()
    if pred is None or rec.classes is None or rec.data is None:
        return []
    right = pred == np.asarray(rec.data.y)[None]
    out = []
    for c in rec.classes:
        mine = np.asarray(rec.data.y) == c
        reached = np.flatnonzero(right[:, mine].mean(axis=1) >= share) if mine.any() else np.empty(0)
        if len(reached):
            out.append({"epoch": int(reached[0]), "label": str(c)})
    return sorted(out, key=lambda m: m["epoch"])
