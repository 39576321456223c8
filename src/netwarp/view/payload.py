"""The interactive view's payload: a JSON-able spec plus one binary buffer.

The browser recomputes every layer from the *parameters*, so the payload holds the runs'
flat parameters at every epoch (float64, the :class:`~netwarp.core.trajectory.Trajectory`
layout), the data points and labels, and what the renderer cannot cheaply derive: fixed
projections for wide layers and axis bounds that hold over all epochs.

Arrays live in the buffer, each 8-byte aligned, and the spec refers to them as
``{"offset": bytes, "length": elements, "dtype": "float64" | "float32" | "int32" | "uint8"}``.
Parameters and points are float64 (the browser's forward pass matches NumPy to 1e-9);
the loss and score curves are float32, class indices uint8 (int32 beyond 256 classes).
A regressor's float targets travel too (``data.target``, float64): the view colours points
by target and plots its output against it. Each run also carries its
:func:`netwarp.view.diagnostics.to_payload` (``runs[i].diagnostics``) and, for layers wider
than 3, the radius the Grand Tour (:mod:`netwarp.view.tour`) needs for fixed axes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import geometry, tour
from netwarp.view.diagnostics import to_payload as diagnostics_payload

Array = NDArray[np.float64]

FORMAT = "netwarp-view"
VERSION = 1
#: Floats one bounds computation may hold: sets how many points (evenly spaced over the
#: data, at most BOUNDS_POINTS, at least 500) fit projections and bounds.
BOUNDS_FLOATS = 4_000_000
BOUNDS_POINTS = 10_000
#: Epochs sampled for the morph bounds.
BOUNDS_EPOCHS = 200
#: Fields a ``view`` may set, with their types.
VIEW_FIELDS: dict[str, type | tuple[type, ...]] = {
    "epoch": int, "run": int, "morph": (int, float), "compare": bool, "points": str,
    "grid": bool, "regions": bool, "speed": (int, float), "yaw": (int, float),
    "pitch": (int, float), "proj": dict, "tour": (int, float),
}  # fmt: skip


class _Buffer:
    """Collects arrays into one bytes object, each 8-byte aligned."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, values: Any, dtype: str) -> dict[str, Any]:
        arr = np.ascontiguousarray(np.asarray(values, dtype=dtype).ravel())
        raw = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        ref = {"offset": self.size, "length": int(arr.size), "dtype": dtype}
        pad = (-len(raw)) % 8
        self.parts.append(raw + b"\0" * pad)
        self.size += len(raw) + pad
        return ref

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _as_runs(runs: Trajectory | Sequence[Trajectory]) -> list[Trajectory]:
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


def _labels(first: Trajectory, runs: list[Trajectory], y: Any) -> tuple[NDArray[np.int32], list[str]]:
    """Class index per point ``(n,)`` and class names, consistent across runs."""
    y = np.asarray(y)
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


def _targets(runs: list[Trajectory], y: Any) -> Array | None:
    """A regressor's float targets ``(n,)`` (the first output), or None for classifiers."""
    if any(r.is_classifier for r in runs):
        return None
    ya = np.asarray(y)
    if ya.dtype.kind not in "biuf":
        return None
    values = ya.reshape(len(ya), -1)[:, 0].astype(np.float64)
    return values if np.all(np.isfinite(values)) else None


def _split(X: Array, first: Trajectory) -> NDArray[np.uint8]:
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


def _data(runs: list[Trajectory], X: Any, y: Any) -> tuple[Array, Any, NDArray[np.uint8]]:
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
    return Xa, ya, _split(Xa, first)


def _subsample(X: Array, m: int) -> Array:
    return X if len(X) <= m else X[np.linspace(0, len(X) - 1, m).astype(int)]


def _epochs(traj: Trajectory, m: int) -> NDArray[np.int64]:
    n = traj.n_epochs + 1
    return np.arange(n) if n <= m else np.unique(np.linspace(0, n - 1, m).round().astype(np.int64))


def _box(points: Array, pad: float = 0.05) -> list[list[float]]:
    """Finite bounds ``[[lo, hi]] * k`` of ``points`` ``(m, k)``."""
    finite = points[np.all(np.isfinite(points), axis=1)]
    if not len(finite):
        return [[-1.0, 1.0]] * points.shape[1]
    return _finite_box(geometry.domain(finite, pad))


def _finite_box(b: Array) -> list[list[float]]:
    big = np.finfo(np.float64).max / 4
    return [[float(np.clip(lo, -big, big)), float(np.clip(hi, -big, big))] for lo, hi in b]


def morph_layer(sizes: Sequence[int], layer: int) -> int | None:
    """Which layer's projection shows the morph through weight layer ``layer``.

    The walk lives in ``D = max(d_in, d_out)`` dimensions; for D <= 3 it is shown as is
    (None), else through the fixed projection of the layer that is D wide (the output
    side when both are).
    """
    D = max(sizes[layer], sizes[layer + 1])
    if D <= 3:
        return None
    return layer + 1 if sizes[layer + 1] == D else layer


Boxes = list[list[list[list[float]]]]


def _morph_bounds(
    traj: Trajectory, X: Array, projs: list[geometry.Projection]
) -> tuple[Boxes, Boxes, list[list[float] | None]]:
    """Bounds of each weight layer's four morph stages (x, xW, xW + b, sigma) over sampled
    epochs: ``[layer][stage]`` boxes in display coordinates ``(k, 2)`` and in raw
    zero-padded units ``(D, 2)``, and the stages' Grand Tour radii ``[layer][stage]`` (None
    for a layer whose walk is shown as is)."""
    sel = _epochs(traj, BOUNDS_EPOCHS)
    values = traj.forward_epochs(X, sel)
    shown: Boxes = []
    units: Boxes = []
    radii: list[list[float] | None] = []
    for layer in range(traj.n_layers):
        W = traj.weights(layer)[sel]
        b = traj.biases(layer)[sel]
        x = np.broadcast_to(values[layer], (len(sel), *values[layer].shape[1:]))
        lin = np.einsum("eni,eio->eno", x, W)
        D = max(traj.layer_sizes[layer], traj.layer_sizes[layer + 1])
        which = morph_layer(traj.layer_sizes, layer)
        layer_units, layer_shown, layer_radii = [], [], []
        for stage in (x, lin, lin + b[:, None, :], values[layer + 1]):
            padded = geometry.embed(stage.reshape(-1, stage.shape[-1]), D)
            layer_units.append(_box(padded))
            layer_shown.append(layer_units[-1] if which is None else _box(projs[which].apply(padded)))
            if which is not None:
                layer_radii.append(tour.extent(padded, projs[which].mean))
        shown.append(layer_shown)
        units.append(layer_units)
        radii.append(None if which is None else layer_radii)
    return shown, units, radii


def _diagnostics(traj: Trajectory, X: Array, labels: Any) -> dict[str, Any] | None:
    """:func:`netwarp.view.diagnostics.to_payload` of ``traj`` on ``X`` ``(n, d)`` with ``labels``
    ``(n,)``, or None when it cannot be measured (e.g. non-finite parameters)."""
    try:
        with np.errstate(all="ignore"):
            return diagnostics_payload(traj, X, labels)
    except (NetwarpError, np.linalg.LinAlgError, ValueError):
        return None


def _run(traj: Trajectory, X: Array, buf: _Buffer, labels: Any, with_diagnostics: bool) -> dict[str, Any]:
    per_point = len(_epochs(traj, BOUNDS_EPOCHS)) * (2 * sum(traj.layer_sizes) + 1)
    Xs = _subsample(X, max(500, min(BOUNDS_POINTS, BOUNDS_FLOATS // per_point)))
    projs = geometry.projections(traj, Xs)
    bounds = geometry.layer_bounds(traj, Xs, projs)
    values = traj.forward_epochs(Xs, _epochs(traj, BOUNDS_EPOCHS))
    unit_bounds = [_box(v.reshape(-1, w)) if w > 3 else None for v, w in zip(values, traj.layer_sizes, strict=True)]
    morph_shown, morph_units, morph_radii = _morph_bounds(traj, Xs, projs)
    return {
        "name": traj.name or f"run {traj.activation}",
        "layer_sizes": list(traj.layer_sizes),
        "activations": list(traj.activations),
        "n_epochs": traj.n_epochs,
        "n_params": int(traj.params.shape[1]),
        "stop_reason": traj.stop_reason,
        "is_classifier": traj.is_classifier,
        "params": buf.add(traj.params, "float64"),
        # curves are only drawn: float32 keeps a 1500-epoch demo well inside its budget
        "loss": buf.add(traj.loss, "float32"),
        "train_score": buf.add(traj.train_score, "float32"),
        "test_score": buf.add(traj.test_score, "float32"),
        "projections": [
            None
            if w <= 3
            else {
                "mean": np.nan_to_num(p.mean, posinf=0.0, neginf=0.0).tolist(),
                "components": np.nan_to_num(p.components, posinf=0.0, neginf=0.0).tolist(),
                "explained": np.nan_to_num(p.explained).tolist(),
            }
            for p, w in zip(projs, traj.layer_sizes, strict=True)
        ],
        "bounds": [_finite_box(b) for b in bounds],
        "unit_bounds": unit_bounds,
        # the Grand Tour turns the centred values: a box [-r, r]^k holds them at every epoch
        # and (at the tour times sampled) every rotation
        "tour_radius": [
            tour.extent(v.reshape(-1, w), p.mean) if w > 3 else None
            for v, w, p in zip(values, traj.layer_sizes, projs, strict=True)
        ],
        "morph_layer": [morph_layer(traj.layer_sizes, k) for k in range(traj.n_layers)],
        "morph_bounds": morph_shown,
        "morph_unit_bounds": morph_units,
        "morph_tour_radius": morph_radii,
        "diagnostics": _diagnostics(traj, X, labels) if with_diagnostics else None,
    }


def _check_view(view: dict[str, Any] | None, runs: list[Trajectory]) -> dict[str, Any]:
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


def build(
    runs: Trajectory | Sequence[Trajectory],
    X: Any = None,
    y: Any = None,
    *,
    title: str = "",
    view: dict[str, Any] | None = None,
    diagnostics: bool = True,
) -> tuple[dict[str, Any], bytes]:
    """The view's spec (JSON-able dict) and its binary buffer for ``runs``.

    ``X`` ``(n, d)`` and ``y`` ``(n,)`` default to the first run's data (training then test
    points). ``view`` sets the initial view state (epoch, run, morph, compare, points, grid,
    regions, speed, yaw, pitch, proj, tour); ``epoch=-1`` (the default) is the last epoch.
    ``diagnostics=False`` leaves out the per-layer diagnostics (about 0.1-0.5 s per run).
    """
    trajs = _as_runs(runs)
    Xa, ya, split = _data(trajs, X, y)
    labels, classes = _labels(trajs[0], trajs, ya)
    targets = _targets(trajs, ya)
    buf = _Buffer()
    n, d = Xa.shape
    data = {
        "n": int(n),
        "d": int(d),
        "X": buf.add(Xa, "float64"),
        "y": buf.add(labels, "uint8" if len(classes) <= 256 else "int32"),
        "classes": classes,
        "split": buf.add(split, "uint8"),
        "split_names": ["train", "test", "other"],
        "domain": _finite_box(geometry.domain(Xa)),
        "jitter": buf.add(geometry.jitter(n), "float64"),
        "jitter_range": [-3.0, 3.0],
    }
    if targets is not None:
        data["target"] = buf.add(targets, "float64")
        data["target_range"] = _finite_box(np.array([[targets.min(), targets.max()]]))[0]
    spec = {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "view": _check_view(view, trajs),
        # geometry.grid's lattice; a 1-D input's single line is sampled densely so the curve
        # it becomes in a hidden layer stays smooth at its bends
        "grid": {"n_lines": 11, "n_samples": 401 if d == 1 else 101},
        "tour": {"seed": tour.SEED, "length": tour.LENGTH},
        "data": data,
        "runs": [_run(t, Xa, buf, labels if targets is None else targets, diagnostics) for t in trajs],
    }
    payload = buf.getvalue()
    spec["buffer_bytes"] = len(payload)
    return spec, payload
