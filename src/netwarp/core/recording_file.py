"""A :class:`~netwarp.core.recording.Recording` inside a trajectory file (format version 2).

A recording is one run of a ``netwarp-trajectory`` ``.npz`` file whose metadata says
``"kind": "activations"`` and names its layers (``"layer_names"``); its arrays are
``run{i}.act{j}`` ``(n_snapshots, n_sample, width_j)`` float32 per recorded layer, the curves
``run{i}.loss`` / ``train_score`` / ``test_score`` ``(n_snapshots,)``, ``run{i}.classes`` and the
data block of its sample points (training then test, the rows' order). Files holding only
parameter runs are still written as version 1, so older netwarp reads them; version 1 files
load as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netwarp.core.recording import Recording
from netwarp.data.npzsafe import SafeNpz
from netwarp.errors import NetwarpError, TrajectoryFileError


def entries(i: int, rec: Recording) -> tuple[dict[str, Any], dict[str, np.ndarray[Any, Any]]]:
    """The metadata fields and arrays run ``i`` adds to a file (besides curves, classes, data)."""
    arrays = {f"run{i}.act{j}": v for j, v in enumerate(rec.values)}
    return {"kind": "activations", "layer_names": list(rec.layer_names)}, arrays


def read(z: SafeNpz, i: int, info: dict[str, Any], data: Any, curves: list[np.ndarray[Any, Any]],
         classes: Any, common: dict[str, Any]) -> Recording:  # fmt: skip
    """Run ``i`` of an opened file as a Recording, every array checked before it is read."""
    where = f"{z.label}: run {i}"
    names = info.get("layer_names")
    if not isinstance(names, list) or not names or not all(isinstance(s, str) for s in names):
        raise TrajectoryFileError(f"{where}: 'layer_names' must be a non-empty list of names")
    if data is None:
        raise TrajectoryFileError(f"{where}: recorded activations need the data block of their sample points")
    n, m = len(curves[0]), len(data.X)
    values = []
    for j, name in enumerate(names):
        key = f"run{i}.act{j}"
        if key not in z.members:
            raise TrajectoryFileError(f"{where}: missing array {key!r} (layer {name!r})")
        e = z.entry(key)
        if e.dtype != np.float32 or len(e.shape) != 3 or e.shape[:2] != (n, m) or e.shape[2] < 1:
            raise TrajectoryFileError(
                f"{z.label}: {key!r} has dtype {e.dtype} shape {e.shape}; expected float32 ({n}, {m}, width)"
            )
        v = z.read(key)
        if not np.isfinite(v).all():
            raise TrajectoryFileError(f"{z.label}: {key!r} holds NaN or infinite values")
        values.append(v)
    if classes is not None and len(classes) < 2:
        raise TrajectoryFileError(f"{where}: a classifier needs at least 2 classes")
    try:
        return Recording((1, 1), ("identity",), np.zeros((n, 0)), classes=classes, loss=curves[0],
                         train_score=curves[1], test_score=curves[2], data=data, layer_names=tuple(names),
                         values=values, **common)  # fmt: skip
    except NetwarpError as exc:
        raise TrajectoryFileError(f"{where}: inconsistent recording: {exc}") from None
