"""Trajectory files: versioned ``.npz`` archives, no pickle, written atomically.

Layout (format ``netwarp-trajectory``, version 1; version 2 adds runs of recorded activations,
:mod:`netwarp.core.recording_file`, and is written only by files that hold one), every entry a
plain array:

- ``__netwarp__``: a 0-d unicode array holding JSON: ``{"format", "version", "runs":
  [{"name", "layer_sizes", "activations", "stop_reason", "config", "data"}]}`` where
  ``data`` is the index of the run's data block or null.
- ``run{i}.params`` ``(n_epochs + 1, n_params)``, ``run{i}.loss``, ``run{i}.train_score``,
  ``run{i}.test_score`` ``(n_epochs + 1,)``, ``run{i}.classes`` (absent for regressors),
  ``run{i}.validation_score`` ``(n_epochs + 1,)`` (only for runs with ``early_stopping``; a
  reader that predates it ignores it, as it ignores every entry unknown to it).
- ``data{j}.X_train``, ``data{j}.y_train``, ``data{j}.X_test``, ``data{j}.y_test``, shared
  by every run trained on the same data.

Read one with plain NumPy: ``np.load(path, allow_pickle=False)``. :func:`load_all` checks
everything (:mod:`netwarp.core.filecheck`: metadata, types, shapes, finiteness; entries unknown
to the layout are ignored) from the zip directory and the ``.npy`` headers before reading an
array, within :data:`MAX_ARRAY_BYTES`; any problem is a one-line
:class:`~netwarp.errors.TrajectoryFileError`. A run whose parameters become infinite or NaN
loads up to the epoch before, marked ``diverged at epoch E``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from netwarp.core.filecheck import DATA_KEYS as _DATA_KEYS
from netwarp.core.filecheck import FORMAT, PARAMS_VERSION, VERSION
from netwarp.data.npzsafe import SafeNpz
from netwarp.errors import NetwarpError, TrajectoryFileError, TrajectoryLimitError

if TYPE_CHECKING:
    from netwarp.core.trajectory import Trajectory
    from netwarp.data.datasets import Dataset

#: Most bytes the arrays of one trajectory file may take when loaded (``load_all(max_bytes=...)``).
MAX_ARRAY_BYTES = 1 << 30


def _plain(values: Any) -> np.ndarray[Any, Any]:
    """An array NumPy can store without pickle (object arrays become unicode)."""
    arr = np.asarray(values)
    return arr.astype(str) if arr.dtype == object else arr


def atomic_write(path: str | Path, write: Any) -> Path:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it into place.

    A failure or interruption leaves any existing ``path`` untouched and no temporary behind.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise NetwarpError(f"cannot write {path}: directory {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise NetwarpError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def ensure_directory(path: str | Path, flag: str = "--out") -> Path:
    """Create the output directory ``path`` if needed, or raise a one-line error naming ``flag``."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise NetwarpError(f"{flag} {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NetwarpError(f"{flag} {out}: cannot create directory ({exc.strerror})") from None
    if not os.access(out, os.W_OK):
        raise NetwarpError(f"{flag} {out}: permission denied")
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(runs: Trajectory | Sequence[Trajectory], path: str | Path) -> Path:
    """Save one trajectory or several runs in one ``.npz`` file, atomically."""
    from netwarp.core import recording_file
    from netwarp.core.recording import Recording
    from netwarp.core.trajectory import Trajectory

    trajs = [runs] if isinstance(runs, Trajectory) else list(runs)
    if not trajs:
        raise NetwarpError("nothing to save: no runs given")
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    blocks: list[Dataset] = []
    meta_runs = []
    version = PARAMS_VERSION  # still readable by netwarp before recordings; 2 when a run holds recorded activations
    for i, t in enumerate(trajs):
        data_index = None
        if t.data is not None:
            data_index = next((j for j, d in enumerate(blocks) if _same_data(d, t.data)), None)
            if data_index is None:
                data_index = len(blocks)
                blocks.append(t.data)
                for key in _DATA_KEYS:
                    arrays[f"data{data_index}.{key}"] = _plain(getattr(t.data, key))
        meta_runs.append(
            {
                "name": t.name,
                "layer_sizes": list(t.layer_sizes),
                "activations": list(t.activations),
                "stop_reason": t.stop_reason,
                "config": t.config,
                "data": data_index,
                "data_name": None if t.data is None else t.data.name,
            }
        )
        if isinstance(t, Recording):
            extra, acts = recording_file.entries(i, t)
            meta_runs[-1].update(extra)
            arrays.update(acts)
            version = VERSION
        arrays[f"run{i}.params"] = t.params
        arrays[f"run{i}.loss"] = t.loss
        arrays[f"run{i}.train_score"] = t.train_score
        arrays[f"run{i}.test_score"] = t.test_score
        if np.isfinite(t.validation_score).any():
            arrays[f"run{i}.validation_score"] = t.validation_score
        if t.classes is not None:
            arrays[f"run{i}.classes"] = _plain(t.classes)
    meta = {"format": FORMAT, "version": version, "runs": meta_runs}
    arrays["__netwarp__"] = np.array(json.dumps(meta, default=_json_default))
    return atomic_write(path, lambda fh: np.savez(fh, **arrays))  # type: ignore[arg-type]


def _same_data(a: Dataset, b: Dataset) -> bool:
    """True when two datasets hold the same arrays (so a file stores them once)."""
    if a is b:
        return True
    return a.name == b.name and all(
        np.array_equal(getattr(a, k), getattr(b, k)) and getattr(a, k).dtype == getattr(b, k).dtype for k in _DATA_KEYS
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def load_all(path: str | Path, *, max_bytes: int | None = None) -> list[Trajectory]:
    """Every run stored in a netwarp ``.npz`` file, validated (see :mod:`netwarp.core.filecheck`).

    The file's arrays may take at most ``max_bytes`` (default :data:`MAX_ARRAY_BYTES`); what the
    file declares is checked before anything is read, so memory stays bounded whatever it holds.
    """
    from netwarp.core.filecheck import read_runs

    path = Path(path)
    if not path.exists():
        raise TrajectoryFileError(f"{path}: no such file")
    if path.is_dir():
        raise TrajectoryFileError(f"{path}: is a directory, not a trajectory file")
    budget = MAX_ARRAY_BYTES if max_bytes is None else int(max_bytes)
    try:
        with SafeNpz(
            path, str(path), budget=budget, error=TrajectoryFileError, limit=TrajectoryLimitError,
            what="netwarp trajectory file", corrupt="truncated or corrupt trajectory file ({})",
        ) as npz:  # fmt: skip
            return read_runs(npz)
    except OSError as exc:
        raise TrajectoryFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except MemoryError:
        raise TrajectoryLimitError(f"{path}: out of memory reading the file") from None


def load(path: str | Path, run: int | str | None = None) -> Trajectory:
    """Load one run from a netwarp ``.npz`` file: its only run, or ``run`` (an index or a name).

    A file of several runs needs ``run``; without it the error names them and :func:`load_all`,
    which returns every run.
    """
    runs = load_all(path)
    if run is None:
        if len(runs) == 1:
            return runs[0]
        names = ", ".join(f"{i}: {t.name or '?'}" for i, t in enumerate(runs))
        raise NetwarpError(
            f"{path} holds {len(runs)} runs ({names}): use netwarp.load_all({str(path)!r}) for all of them, "
            f"or netwarp.load(path, run=...) for one"
        )
    return select_run(runs, run, source=str(path))


def select_run(runs: Sequence[Trajectory], run: int | str, source: str = "file") -> Trajectory:
    """Pick a run by index or by name, with an error listing what exists."""
    if isinstance(run, str) and not run.lstrip("-").isdigit():
        for t in runs:
            if t.name == run:
                return t
        raise NetwarpError(f"{source} has no run named {run!r} (runs: {', '.join(t.name or '?' for t in runs)})")
    i = int(run)
    if not -len(runs) <= i < len(runs):
        raise NetwarpError(f"{source} holds {len(runs)} run(s); run {i} does not exist")
    return runs[i]
