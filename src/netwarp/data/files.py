"""Your own data: CSV, TSV, Parquet and NumPy ``.npz`` files in, a split :class:`Dataset` out.

``load_file("penguins.csv", label="species", scale=True)`` reads a table, takes one column
as the labels and every other column (or ``features``) as numeric inputs, splits the rows
into train and test sets with a fixed seed (stratified by class when every class has two
rows or more) and, with ``scale=True``, standardises each feature with the mean and standard
deviation of the *training* rows only. :func:`load_bytes` does the same for an upload.

Formats, chosen by the file name's extension:

- ``.csv`` (comma, or semicolon when the header holds no comma), ``.tsv`` / ``.tab`` (tab):
  a header row is optional (a first row of numbers is data; columns are then named
  ``"0"``, ``"1"``...). Read with the standard library, no pandas needed.
- ``.parquet`` / ``.pq``: needs pyarrow (``pip install 'netwarp[data]'``).
- ``.npz``: arrays ``X`` ``(n, d)`` and ``y`` ``(n,)`` (``label`` names another array for y),
  optionally ``feature_names`` ``(d,)``; read with ``allow_pickle=False``.

The label column defaults to the last column. Labels may be numbers or strings; numbers
that are all whole become int64, anything else str. ``task="regression"`` keeps numeric
float targets instead. Every problem raises :class:`~netwarp.errors.DataFileError` with one
line naming the file, the line / row or column, and what is wrong.

Limits (hostile or mistaken input is refused before it is allocated, with a
:class:`~netwarp.errors.DataLimitError` naming the limit): the file's size (``max_bytes``,
default :data:`MAX_MB` MB), :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns,
:data:`MAX_CELLS` values, :data:`MAX_LINE_CHARS` characters on a CSV/TSV line,
:data:`MAX_LABEL_CHARS` characters in a label, :data:`MAX_ARRAY_BYTES` of decompressed ``.npz``
arrays or decoded Parquet columns. ``.npz`` shapes come from the ``.npy`` headers and Parquet
row counts and sizes from the footer, both checked before any data is read; CSV/TSV is
streamed and stops at the first limit passed.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.data import tables as _tables
from netwarp.data.datasets import SPLIT_SEED, TEST_SIZE, Dataset
from netwarp.data.tables import (  # noqa: F401 (the limits are documented here)
    MAX_ARRAY_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_LABEL_CHARS,
    MAX_LINE_CHARS,
    MAX_ROWS,
    is_number,
    oneline,
    value_repr,
)
from netwarp.errors import DataFileError, DataLimitError

Array = NDArray[np.float64]

#: Default size limit of a data file (the CLI's ``--max-mb``).
MAX_MB = 50.0
MAX_BYTES = int(MAX_MB * 1024 * 1024)
#: Extensions this module reads.
TEXT_TYPES = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
PARQUET_TYPES = (".parquet", ".pq")
SUFFIXES = (*TEXT_TYPES, *PARQUET_TYPES, ".npz")
#: At most this many classes: more usually means the wrong label column.
MAX_CLASSES = 100
TASKS = ("classification", "regression")


@dataclass(frozen=True, eq=False)
class FileDataset(Dataset):
    """A :class:`Dataset` read from a file, with what is needed to reproduce it.

    ``feature_names`` ``(d,)``; ``scale_mean``/``scale_std`` ``(d,)`` when standardised
    (``X_scaled = (X_raw - scale_mean) / scale_std``, fitted on the training rows).
    """

    source: str = ""
    label: str = ""
    feature_names: tuple[str, ...] = ()
    task: str = "classification"
    test_size: float = TEST_SIZE
    split_seed: int = SPLIT_SEED
    scale_mean: Array | None = field(default=None, repr=False)
    scale_std: Array | None = field(default=None, repr=False)

    def info(self) -> dict[str, Any]:
        """A JSON-friendly record of where the data came from and how it was prepared."""
        return {
            "file": self.source,
            "label": self.label,
            "features": list(self.feature_names),
            "task": self.task,
            "rows": len(self.y),
            "train": len(self.y_train),
            "test": len(self.y_test),
            "test_size": self.test_size,
            "split_seed": self.split_seed,
            "scaled": self.scale_mean is not None,
            "scale_mean": None if self.scale_mean is None else self.scale_mean.tolist(),
            "scale_std": None if self.scale_std is None else self.scale_std.tolist(),
        }


def load_file(
    path: str | Path,
    label: str | None = None,
    *,
    features: Sequence[str] | None = None,
    scale: bool = False,
    test_size: float = TEST_SIZE,
    random_state: int = SPLIT_SEED,
    task: str = "classification",
    max_bytes: int = MAX_BYTES,
) -> FileDataset:
    """Read ``path`` and return its rows split into train and test sets.

    ``label``: the label column (default: the last; for ``.npz`` the labels array, default
    ``"y"``). ``features``: the input columns (default: all others). ``test_size`` in
    [0, 1): the share of rows held out (0 = no test set). ``random_state`` seeds the split.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"{path}: no such file")
    if path.is_dir():
        raise DataFileError(f"{path}: is a directory, not a data file")
    _suffix(path.name)
    size = path.stat().st_size
    _check_size(str(path), size, max_bytes)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return load_bytes(
        data, str(path), label, features=features, scale=scale, test_size=test_size,
        random_state=random_state, task=task, max_bytes=max_bytes,
    )  # fmt: skip


def load_bytes(
    data: bytes,
    filename: str,
    label: str | None = None,
    *,
    features: Sequence[str] | None = None,
    scale: bool = False,
    test_size: float = TEST_SIZE,
    random_state: int = SPLIT_SEED,
    task: str = "classification",
    max_bytes: int = MAX_BYTES,
) -> FileDataset:
    """:func:`load_file` for the contents of a file (an upload); ``filename`` picks the format
    and names the file in error messages."""
    name = oneline(filename) or "upload"
    suffix = _suffix(name)
    _check_size(name, len(data), max_bytes)
    if task not in TASKS:
        raise DataFileError(f"{name}: task must be one of {', '.join(TASKS)}, got {task!r}")
    if not 0 <= test_size < 1:
        raise DataFileError(f"{name}: test_size must be in [0, 1), got {test_size}")
    notes: list[str] = []
    if suffix in TEXT_TYPES:
        names, X, y, label_name, where = _tables.read_text(data, name, TEXT_TYPES[suffix], label, features, notes)
    elif suffix in PARQUET_TYPES:
        names, X, y, label_name, where = _tables.read_parquet(data, name, label, features)
    else:
        names, X, y, label_name, where = _tables.read_npz(data, name, label, features)
    _check_features(X, names, where, name)
    labels = _labels(y, name, label_name, task, where)
    dataset = _split(name, names, X, labels, label_name, task, scale, test_size, random_state)
    if not notes:
        return dataset
    for note in notes:  # shown once, and kept with the data
        warnings.warn(note, UserWarning, stacklevel=3)
    return dataclasses.replace(dataset, description="; ".join(filter(None, [dataset.description, *notes])))


# ------------------------------------------------------------------------ checks
def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise DataFileError(f"{name}: unsupported file type {suffix or '(no extension)'!r}; use {', '.join(SUFFIXES)}")
    return suffix


def _size(nbytes: int) -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} bytes"


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DataLimitError(
            f"{name}: file is {_size(size)}, over the {_size(max_bytes)} limit "
            "(raise it with --max-mb, or use fewer rows)"
        )
    if size == 0:
        raise DataFileError(f"{name}: the file is empty")


# ------------------------------------------------------------------------ labels, split
def _labels(y: NDArray[Any], name: str, label: str, task: str, where: list[str]) -> NDArray[Any]:
    """Labels as int64 (whole numbers) or str; regression targets as float64."""
    if y.dtype.kind in "SU":
        empty = np.flatnonzero(np.char.str_len(y.astype(str)) == 0)
        if len(empty):
            raise DataFileError(f"{name}, {where[empty[0]]}, column {label!r}: missing label")
        try:
            values = y.astype(np.float64)
        except ValueError:
            if task == "regression":
                first = next(i for i, v in enumerate(y) if not is_number(str(v)))
                raise DataFileError(
                    f"{name}, {where[first]}, column {label!r}: {value_repr(y[first])} is not a number "
                    "(regression targets must be numeric)"
                ) from None
            return np.asarray(y.astype(str))
    elif y.dtype.kind in "biuf":
        values = y.astype(np.float64)
    else:
        raise DataFileError(f"{name}: labels {label!r} have unsupported dtype {y.dtype}")
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise DataFileError(f"{name}, {where[bad[0]]}, column {label!r}: {value_repr(y[bad[0]])} is not a usable label")
    if task == "regression":
        return values
    if np.all(values == np.round(values)) and np.all(np.abs(values) < 2**53):
        return values.astype(np.int64)
    odd = int(np.flatnonzero(values != np.round(values))[0])
    raise DataFileError(
        f"{name}, {where[odd]}, column {label!r}: label {value_repr(y[odd])} is not a whole number; "
        "class labels must be integers or names (is this a regression target?)"
    )


def _check_features(X: Array, names: list[str], where: list[str], name: str) -> None:
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = (int(v[0]) for v in np.nonzero(bad))
        what = "NaN (a missing value)" if np.isnan(X[r, c]) else "infinite"
        raise DataFileError(f"{name}, {where[r]}, column {names[c]!r}: {what}; fill or drop the row")


def _split(
    name: str, names: list[str], X: Array, y: NDArray[Any], label: str, task: str,
    scale: bool, test_size: float, seed: int,
) -> FileDataset:  # fmt: skip
    n = len(y)
    classes = np.unique(y)
    if task == "classification":
        if len(classes) < 2:
            raise DataFileError(
                f"{name}: label column {label!r} holds a single class ({value_repr(classes[0])}); need two"
            )
        if len(classes) > MAX_CLASSES:
            raise DataFileError(
                f"{name}: label column {label!r} has {len(classes)} distinct values (at most {MAX_CLASSES} "
                "classes); pick the label with --label"
            )
    n_test = math.ceil(test_size * n)
    if n - n_test < 2 or (test_size > 0 and n_test < 1):
        raise DataFileError(f"{name}: {n} rows are too few to split with test_size={test_size:g}")
    order = np.arange(n)
    if n_test:
        from sklearn.model_selection import train_test_split

        stratify = y if task == "classification" and np.unique(y, return_counts=True)[1].min() >= 2 else None
        try:
            train_idx, test_idx = train_test_split(order, test_size=n_test, random_state=seed, stratify=stratify)
        except ValueError:
            train_idx, test_idx = train_test_split(order, test_size=n_test, random_state=seed)
    else:
        train_idx, test_idx = order, order[:0]
    if task == "classification" and len(np.unique(y[train_idx])) < 2:
        raise DataFileError(f"{name}: the training rows hold a single class; use more rows or a smaller test_size")
    mean = std = None
    if scale:
        mean = X[train_idx].mean(axis=0)
        std = X[train_idx].std(axis=0)
        std[~(std > 10 * np.finfo(np.float64).eps * np.maximum(1.0, np.abs(mean)))] = 1.0
        X = (X - mean) / std
    stem = Path(name).stem or "data"
    kind = f"{len(classes)} classes" if task == "classification" else "regression"
    description = f"{Path(name).name}: {n} rows, {X.shape[1]} features, label {label!r} ({kind})" + (
        ", standardised on the training rows" if scale else ""
    )
    return FileDataset(
        stem, X[train_idx], y[train_idx], X[test_idx], y[test_idx], X, y, description,
        source=name, label=label, feature_names=tuple(names), task=task, test_size=float(test_size),
        split_seed=int(seed), scale_mean=mean, scale_std=std,
    )  # fmt: skip
