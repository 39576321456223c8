"""Uploaded data sets: a CSV file in, a split :class:`~netwarp.datasets.Dataset` out.

:func:`parse_upload` is the one place that reads an uploaded file. Until the project's data
file loader (``netwarp.datafile``) lands it reads CSV itself: a header row is optional, every
column but the label must be numeric, and the label is the column named ``label``, ``y``,
``class`` or ``target`` (any case), else the last column. Labels may be numbers or words.
"""

from __future__ import annotations

import csv
import io
import math
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from netwarp.datasets import SPLIT_SEED, Dataset
from netwarp.errors import DataFileError
from netwarp.serve.models import MAX_CLASSES, MAX_FEATURES, MAX_POINTS, MAX_UPLOAD_BYTES, MIN_POINTS

LABEL_NAMES = ("label", "y", "class", "target")


@dataclass(frozen=True)
class Upload:
    id: str
    filename: str
    columns: list[str]
    classes: list[str]
    data: Dataset


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def parse_upload(raw: bytes, filename: str) -> tuple[Dataset, list[str], list[str]]:
    """``(dataset, feature column names, class names)`` of an uploaded CSV, or a DataFileError."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DataFileError(f"{filename}: {len(raw)} bytes is more than the limit of {MAX_UPLOAD_BYTES}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(f"{filename}: not a UTF-8 text file; upload a CSV") from None
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataFileError(f"{filename}: not valid CSV ({exc})") from None
    if not rows:
        raise DataFileError(f"{filename}: the file is empty")
    width = len(rows[0])
    header = not all(_is_number(c) for c in rows[0][:-1]) or not rows[0][:-1]
    names = [c.strip() or f"x{i}" for i, c in enumerate(rows[0])] if header else [f"x{i}" for i in range(width)]
    body = rows[1:] if header else rows
    if width < 2:
        raise DataFileError(f"{filename}: need at least 2 columns (features and a label), found {width}")
    if width - 1 > MAX_FEATURES:
        raise DataFileError(f"{filename}: {width - 1} feature columns; at most {MAX_FEATURES} are allowed")
    if len(body) > MAX_POINTS:
        raise DataFileError(f"{filename}: {len(body)} rows; at most {MAX_POINTS} are allowed")
    if len(body) < MIN_POINTS:
        raise DataFileError(f"{filename}: {len(body)} data rows; need at least {MIN_POINTS}")
    for i, r in enumerate(body):
        if len(r) != width:
            raise DataFileError(f"{filename}: row {i + 1 + header} has {len(r)} fields, expected {width}")
    lower = [n.lower() for n in names]
    label = next((lower.index(n) for n in LABEL_NAMES if n in lower), width - 1)
    features = [j for j in range(width) if j != label]
    X = np.empty((len(body), len(features)))
    for i, r in enumerate(body):
        for k, j in enumerate(features):
            cell = r[j].strip()
            if not _is_number(cell):
                raise DataFileError(
                    f"{filename}: row {i + 1 + header}, column {names[j]!r}: {cell[:20]!r} is not a finite number"
                )
            X[i, k] = float(cell)
    labels = [r[label].strip() for r in body]
    classes = sorted(set(labels), key=lambda s: (not _is_number(s), float(s) if _is_number(s) else 0.0, s))
    if len(classes) < 2:
        raise DataFileError(f"{filename}: the label column {names[label]!r} holds a single class")
    if len(classes) > MAX_CLASSES:
        raise DataFileError(
            f"{filename}: the label column {names[label]!r} holds {len(classes)} classes; at most {MAX_CLASSES}"
        )
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[s] for s in labels], dtype=np.int64)
    n = len(y)
    train_size = n - math.ceil(0.5 * n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=train_size, random_state=SPLIT_SEED)
    data = Dataset(filename, X_train, y_train, X_test, y_test, X, y, f"uploaded {filename}")
    return data, [names[j] for j in features], classes


class UploadStore:
    """The uploads of this server session, the oldest forgotten beyond ``capacity``."""

    def __init__(self, capacity: int = 16) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, raw: bytes, filename: str) -> Upload:
        safe = "".join(c for c in filename if c.isalnum() or c in "._- ")[:60] or "upload.csv"
        data, columns, classes = parse_upload(raw, safe)
        up = Upload(f"upload-{secrets.token_hex(4)}", safe, columns, classes, data)
        with self._lock:
            self._items[up.id] = up
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return up

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            return self._items.get(upload_id)

    def all(self) -> list[Upload]:
        with self._lock:
            return list(self._items.values())


def info(up: Upload) -> dict[str, Any]:
    d = up.data
    return {
        "name": up.id, "kind": "upload", "n": len(d.y), "noise": 0.0, "n_features": d.n_features,
        "n_classes": len(up.classes), "summary": d.description, "filename": up.filename,
        "columns": up.columns, "classes": up.classes,
    }  # fmt: skip
