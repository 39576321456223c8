"""What a scene is built from: the runs' common data points, labels and split, and the view
settings, checked. Moved out of the old ``payload`` module; :mod:`netwarp.view.scene` uses it.

Shapes: ``X`` ``(n, d)`` float64, class index per point ``(n,)`` int32, split flags ``(n,)``
uint8 (0 train, 1 test, 2 neither), a regressor's targets ``(n,)`` float64.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

Array = NDArray[np.float64]

#: Fields a ``view`` may set, with their types.
VIEW_FIELDS: dict[str, type | tuple[type, ...]] = {
    "epoch": int, "run": int, "morph": (int, float), "compare": bool, "points": str,
    "grid": bool, "regions": bool, "speed": (int, float), "yaw": (int, float),
    "pitch": (int, float), "proj": dict, "tour": (int, float),
}  # fmt: skip


def as_runs(runs: Trajectory | Sequence[Trajectory]) -> list[Trajectory]:
    out = [runs] if isinstance(runs, Trajectory) else list(runs)
    if not out:
        raise NetwarpError("give at least one trajectory to show")
    for r in out:
        if not isinstance(r, Trajectory):
            raise NetwarpError(f"runs must be Trajectory objects, got {type(r).__name__}")
    width = out[0].layer_sizes[0]
    for r in out[1:]:
        if r.layer_sizes[0] != width:
            raise NetwarpError(
                f"all runs must share the input width: {out[0].name or 'run 0'} takes {width}, "
                f"{r.name or 'another run'} takes {r.layer_sizes[0]}"
            )
    return out


def is_multilabel(classes: Any, y: Any) -> bool:
    """Whether a classifier's targets ``y`` give several labels per point (``(n, n_labels)``)."""
    shape = np.shape(y)
    return classes is not None and len(shape) == 2 and shape[1] > 1


def one_label_per_point(classes: Any, y: Any, name: str = "") -> None:
    """Refuse a multilabel run (its ``classes`` and targets ``y``): every view colours, scores
    and reads out each point by one label, so such a run cannot be drawn yet."""
    if is_multilabel(classes, y):
        raise NetwarpError(
            f"{f'run {name!r}' if name else 'this run'} is multilabel ({np.shape(y)[1]} labels per point) and "
            "netwarp draws one label per point, so it cannot be shown yet; it still loads, predicts, scores and saves"
        )


def labels(first: Trajectory, runs: list[Trajectory], y: Any) -> tuple[NDArray[np.int32], list[str]]:
    """Class index per point ``(n,)`` and class names, consistent across runs."""
    y = np.asarray(y)
    one_label_per_point(first.classes, y, first.name)
    if first.classes is not None:
        names = [str(c) for c in first.classes]
        for r in runs[1:]:
            if r.classes is not None and [str(c) for c in r.classes] != names:
                raise NetwarpError(f"all runs must share classes: {names} vs {list(map(str, r.classes))}")
        lookup = {str(c): i for i, c in enumerate(first.classes)}
        idx = np.empty(len(y), dtype=np.int32)
        for i, v in enumerate(y.ravel()):
            key = str(v.item() if hasattr(v, "item") else v)
            if key not in lookup:
                raise NetwarpError(f"label {key!r} is not one of the runs' classes {names}")
            idx[i] = lookup[key]
        return idx, names
    values = y.reshape(len(y), -1)[:, 0].astype(np.float64)
    uniq = np.unique(values)
    if len(uniq) <= 8:
        return np.searchsorted(uniq, values).astype(np.int32), [f"{u:g}" for u in uniq]
    med = float(np.median(values))
    return (values >= med).astype(np.int32), [f"y < {med:.3g}", f"y >= {med:.3g}"]


def targets(runs: list[Trajectory], y: Any) -> Array | None:
    """A regressor's float targets ``(n,)`` (the first output), or None for classifiers."""
    if any(r.is_classifier for r in runs):
        return None
    ya = np.asarray(y)
    if ya.dtype.kind not in "biuf":
        return None
    values = ya.reshape(len(ya), -1)[:, 0].astype(np.float64)
    return values if np.all(np.isfinite(values)) else None


def train_test_flags(n_train: int, n_test: int) -> NDArray[np.uint8]:
    """``(n_train + n_test,)`` flags of points laid out training points first: 0 train, 1 test."""
    return np.repeat(np.array([0, 1], np.uint8), [n_train, n_test])


def split_flags(X: Array, first: Trajectory) -> NDArray[np.uint8]:
    """0 for training points, 1 for test points, 2 for points in neither (by exact row)."""
    data = first.data
    flags = np.full(len(X), 2, dtype=np.uint8)
    if data is None:
        return flags
    where = {np.asarray(r, dtype=np.float64).tobytes(): 1 for r in data.X_test}
    where.update({np.asarray(r, dtype=np.float64).tobytes(): 0 for r in data.X_train})
    for i, row in enumerate(X):
        flags[i] = where.get(row.tobytes(), 2)
    return flags


def points(runs: list[Trajectory], X: Any, y: Any) -> tuple[Array, Any, NDArray[np.uint8]]:
    first = runs[0]
    if (X is None) != (y is None):
        raise NetwarpError("give both X and y, or neither (to use the runs' own data)")
    if X is None:
        if first.data is None:
            raise NetwarpError(f"run {first.name or 0} carries no data: pass X and y")
        d = first.data
        Xa = np.concatenate([d.X_train, d.X_test]).astype(np.float64)
        ya = np.concatenate([np.asarray(d.y_train), np.asarray(d.y_test)])
        split = np.concatenate([np.zeros(len(d.X_train)), np.ones(len(d.X_test))]).astype(np.uint8)
        return Xa, ya, split
    Xa = first.check_input(X)
    ya = np.asarray(y)
    if len(ya) != len(Xa):
        raise NetwarpError(f"X has {len(Xa)} rows but y has {len(ya)} labels")
    if len(Xa) == 0:
        raise NetwarpError("X holds no points")
    if not np.all(np.isfinite(Xa)):
        raise NetwarpError("X holds NaN or infinite values; drop or impute them first")
    return Xa, ya, split_flags(Xa, first)


def finite_box(b: Array) -> list[list[float]]:
    big = np.finfo(np.float64).max / 4
    return [[float(np.clip(lo, -big, big)), float(np.clip(hi, -big, big))] for lo, hi in b]


def check_view(view: dict[str, Any] | None, runs: list[Trajectory]) -> dict[str, Any]:
    out = dict(view or {})
    for key, value in out.items():
        if key not in VIEW_FIELDS:
            raise NetwarpError(f"unknown view setting {key!r} (known: {', '.join(VIEW_FIELDS)})")
        kind = VIEW_FIELDS[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise NetwarpError(f"view setting {key!r} has the wrong type: {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise NetwarpError(f"view setting {key!r} must be finite, got {value!r}")
    if "run" in out and not 0 <= out["run"] < len(runs):
        raise NetwarpError(f"view run {out['run']} is out of range 0..{len(runs) - 1}")
    if "points" in out and out["points"] not in ("all", "train", "test"):
        raise NetwarpError(f"view points must be 'all', 'train' or 'test', got {out['points']!r}")
    return out


def spec_of(traj: Trajectory) -> dict[str, Any] | None:
    """The RunSpec JSON ``traj`` was trained from (``config["spec"]``), if it says."""
    spec = traj.config.get("spec")
    return spec if isinstance(spec, dict) else None


def for_trainer() -> dict[str, Any]:
    """What a scene carries for the page's trainer: the run settings' table and the trajectory file format
    (and the version a file of parameter runs is written as)."""
    from netwarp.core.filecheck import FORMAT, PARAMS_VERSION
    from netwarp.core.spec import table

    return {"settings": table(), "trajectory_format": {"format": FORMAT, "version": PARAMS_VERSION}}
