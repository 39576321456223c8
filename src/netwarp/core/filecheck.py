"""The one validation of a trajectory file as it is read: structure, types, shapes, finiteness.

:func:`read_runs` turns a :class:`~netwarp.data.npzsafe.SafeNpz` into trajectories, or raises
:class:`~netwarp.errors.TrajectoryFileError` naming the entry and what is wrong with it (a
:class:`~netwarp.errors.TrajectoryLimitError` when the file declares more than the limits).
Every array's header is checked against the metadata before the array is read.

Non-finite parameters: the rule is **truncate and mark**. A run whose parameters become
infinite or NaN at epoch E loads with epochs 0..E-1 only, and its ``stop_reason`` says it
diverged at epoch E and how many snapshots were dropped; every command and view then works on
the usable epochs. A run whose initial parameters (epoch 0) are not finite is refused.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from netwarp.data.npzsafe import SafeNpz, size_text
from netwarp.errors import NetwarpError, TrajectoryFileError, TrajectoryLimitError

if TYPE_CHECKING:
    from netwarp.core.trajectory import Trajectory

FORMAT = "netwarp-trajectory"
#: Version 2 adds runs of recorded activations (:mod:`netwarp.core.recording_file`); version 1 files read as before.
VERSION = 2
#: The version a file of parameter runs only is written as (netwarp before recordings reads it too).
PARAMS_VERSION = 1
DATA_KEYS = ("X_train", "y_train", "X_test", "y_test")
#: Limits of what a trajectory file may declare.
MAX_META_BYTES = 16 << 20
MAX_JSON_DEPTH = 64
MAX_RUNS = 1_000
MAX_LAYERS = 64
MAX_WIDTH = 100_000
_NUMBERS = "fiu"
_LABELS = "biufU"


def _fail(message: str) -> TrajectoryFileError:
    return TrajectoryFileError(message)


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def read_meta(z: SafeNpz) -> dict[str, Any]:
    where = z.label
    if "__netwarp__" not in z.members:
        listed = ", ".join(sorted(z.members)[:8]) or "none"
        raise _fail(f"{where}: not a netwarp trajectory file (no '__netwarp__' entry; entries: {listed})")
    e = z.entry("__netwarp__")
    if e.shape != () or e.dtype.kind != "U":
        raise _fail(f"{where}: '__netwarp__' must be a 0-d unicode array of JSON, got {e.dtype} shape {e.shape}")
    if e.nbytes > MAX_META_BYTES:
        raise TrajectoryLimitError(
            f"{where}: the metadata declares {size_text(e.nbytes)}, over the limit of {size_text(MAX_META_BYTES)}"
        )
    try:
        meta = json.loads(str(z.read("__netwarp__")[()]))
    except RecursionError:
        raise _fail(f"{where}: the metadata JSON is nested too deeply") from None
    except ValueError as exc:
        raise _fail(f"{where}: the metadata is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise _fail(f"{where}: the metadata must be a JSON object, got {type(meta).__name__}")
    if _depth(meta) > MAX_JSON_DEPTH:
        raise _fail(f"{where}: the metadata JSON is nested more than {MAX_JSON_DEPTH} levels deep")
    if meta.get("format") != FORMAT:
        raise _fail(f"{where}: not a netwarp trajectory file (format {str(meta.get('format'))[:60]!r})")
    version = meta.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise _fail(f"{where}: format version must be a whole number, got {str(version)[:40]!r}")
    if version > VERSION:
        raise _fail(
            f"{where}: written by a newer netwarp (format version {version}, this one reads up to {VERSION}); "
            "upgrade netwarp"
        )
    runs = meta.get("runs")
    if not isinstance(runs, list):
        raise _fail(f"{where}: the metadata's 'runs' must be a list, got {type(runs).__name__}")
    if not runs:
        raise _fail(f"{where}: the file holds no runs")
    if len(runs) > MAX_RUNS:
        raise TrajectoryLimitError(f"{where}: the file declares {len(runs)} runs, over the limit of {MAX_RUNS}")
    return meta


def _field(info: dict[str, Any], key: str, kinds: tuple[type, ...], default: Any, where: str) -> Any:
    value = info.get(key, default)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise _fail(f"{where}: '{key}' must be {names}, got {type(value).__name__}")
    return value


def _layers(info: dict[str, Any], where: str, recorded: bool = False) -> tuple[list[int], list[str]]:
    sizes = _field(info, "layer_sizes", (list,), None, where)
    if not 2 <= len(sizes) <= MAX_LAYERS:
        raise _fail(f"{where}: 'layer_sizes' must hold 2 to {MAX_LAYERS} widths, got {len(sizes)}")
    if not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_WIDTH for s in sizes):
        raise _fail(f"{where}: 'layer_sizes' must be whole numbers in 1..{MAX_WIDTH}, got {str(sizes)[:80]}")
    acts = _field(info, "activations", (list,), None, where)
    if len(acts) != len(sizes) - 1 or not all(isinstance(a, str) for a in acts):
        raise _fail(f"{where}: 'activations' must be {len(sizes) - 1} names for layers {sizes}, got {str(acts)[:80]}")
    if recorded:
        return sizes, acts
    from netwarp.core import activations

    for a in acts:
        try:
            activations.get(a)
        except NetwarpError as exc:
            raise _fail(f"{where}: {exc}") from None
    return sizes, acts


def _array(z: SafeNpz, key: str, shape: tuple[int | None, ...], kinds: str, what: str) -> np.ndarray[Any, Any]:
    """``key`` checked against ``shape`` (None = any length) and dtype ``kinds`` before it is read."""
    e = z.entry(key)
    if e.dtype.kind not in kinds:
        raise _fail(f"{z.label}: {key!r} has dtype {e.dtype}; expected {what}")
    if len(e.shape) != len(shape) or any(w is not None and g != w for g, w in zip(e.shape, shape, strict=True)):
        want_text = str(tuple("n" if w is None else w for w in shape)).replace("'", "")
        raise _fail(f"{z.label}: {key!r} has shape {e.shape}; expected {want_text}")
    return z.read(key)


def _data_block(z: SafeNpz, j: int, width: int, name: str) -> Any:
    from netwarp.data.datasets import Dataset

    where = f"{z.label}: data block {j}"
    missing = [k for k in DATA_KEYS if f"data{j}.{k}" not in z.members]
    if missing:
        raise _fail(f"{where}: missing array 'data{j}.{missing[0]}'")
    parts: dict[str, np.ndarray[Any, Any]] = {}
    for split in ("train", "test"):
        X = _array(z, f"data{j}.X_{split}", (None, width), _NUMBERS, "numbers")
        key = f"data{j}.y_{split}"  # (n,) labels or targets; (n, k) multilabel or multi-output
        shape = (X.shape[0], None) if len(z.entry(key).shape) == 2 else (X.shape[0],)
        y = _array(z, key, shape, _LABELS, "numbers or strings")
        if not np.isfinite(X).all():
            raise _fail(f"{where}: 'data{j}.X_{split}' holds NaN or infinite values")
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise _fail(f"{where}: 'data{j}.y_{split}' holds NaN or infinite labels")
        parts[f"X_{split}"], parts[f"y_{split}"] = X.astype(np.float64), y
    if len(parts["y_train"]) == 0:
        raise _fail(f"{where}: no training points")
    return Dataset(name, parts["X_train"], parts["y_train"], parts["X_test"], parts["y_test"])


def _finite_prefix(params: np.ndarray[Any, Any], where: str) -> int:
    """Number of leading snapshots whose parameters are all finite."""
    bad = np.flatnonzero(~np.isfinite(params).all(axis=1))
    if len(bad) and bad[0] == 0:
        raise _fail(f"{where}: the initial parameters (epoch 0) are infinite or NaN; nothing in the run is usable")
    return int(bad[0]) if len(bad) else len(params)


def read_runs(z: SafeNpz) -> list[Trajectory]:
    """Every run of an opened trajectory archive, checked; see the module docstring."""
    from netwarp.core.params import n_params
    from netwarp.core.trajectory import Trajectory

    meta = read_meta(z)
    blocks: dict[int, Any] = {}
    runs: list[Trajectory] = []
    for i, info in enumerate(meta["runs"]):
        where = f"{z.label}: run {i}"
        if not isinstance(info, dict):
            raise _fail(f"{where}: must be a JSON object, got {type(info).__name__}")
        recorded = info.get("kind") == "activations"
        sizes, acts = _layers(info, where, recorded)
        name = _field(info, "name", (str,), "", where)
        stop = _field(info, "stop_reason", (str,), "", where)
        config = _field(info, "config", (dict,), {}, where)
        j = _field(info, "data", (int, type(None)), None, where)
        data_name = _field(info, "data_name", (str, type(None)), None, where) or ""
        width = 0 if recorded else n_params(sizes)
        if f"run{i}.params" not in z.members:
            raise _fail(f"{where}: missing array 'run{i}.params'")
        e = z.entry(f"run{i}.params")
        if len(e.shape) == 2 and e.shape[0] == 0:
            raise _fail(f"{where}: 'run{i}.params' holds zero snapshots")
        params = _array(z, f"run{i}.params", (None, width), _NUMBERS, "numbers")
        n = len(params)
        curves = [_array(z, f"run{i}.{k}", (n,), _NUMBERS, "numbers") for k in ("loss", "train_score", "test_score")]
        optional = f"run{i}.validation_score"  # written since early_stopping runs (same format version)
        curves.append(_array(z, optional, (n,), _NUMBERS, "numbers") if optional in z.members else np.full(n, np.nan))
        classes = None
        if f"run{i}.classes" in z.members:
            classes = _array(z, f"run{i}.classes", (None,), _LABELS, "numbers or strings")
            fits = sizes[-1] == len(classes) or (sizes[-1] == 1 and len(classes) == 2)  # 1 = binary logistic
            if (not fits and not recorded) or len(classes) < 2:
                raise _fail(f"{where}: {len(classes)} classes do not fit an output layer of width {sizes[-1]}")
        data = None
        if j is not None:
            if j < 0 or j >= len(meta["runs"]):
                raise _fail(f"{where}: data block {j} does not exist")
            if j not in blocks:
                blocks[j] = _data_block(z, j, sizes[0], data_name)
            data = blocks[j]
            if data.n_features != sizes[0]:
                raise _fail(f"{where}: data block {j} has {data.n_features} features, the network {sizes[0]} inputs")
        if recorded:
            from netwarp.core import recording_file

            common = {"name": name, "stop_reason": stop, "config": config}
            runs.append(recording_file.read(z, i, info, data, curves, classes, common))
            continue
        keep = _finite_prefix(params, where)
        if keep < n:
            stop = (
                f"diverged at epoch {keep}: parameters became infinite or NaN "
                f"(epochs {keep}..{n - 1} were dropped when loading)"
            )
            params, curves = params[:keep], [c[:keep] for c in curves]
        try:
            runs.append(
                Trajectory(
                    layer_sizes=tuple(sizes),
                    activations=tuple(acts),
                    params=params,
                    classes=classes,
                    loss=curves[0],
                    train_score=curves[1],
                    test_score=curves[2],
                    validation_score=curves[3],
                    stop_reason=stop,
                    name=name,
                    config=config,
                    data=data,
                )
            )
        except NetwarpError as exc:
            raise _fail(f"{where}: inconsistent run: {exc}") from None
    return runs
