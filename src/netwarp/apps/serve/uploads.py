"""Uploaded data sets: a data file in, a split :class:`~netwarp.data.datasets.Dataset` out.

:func:`parse_upload` reads an upload with the project's data-file loader
(:func:`netwarp.data.files.load_bytes`: CSV, TSV, Parquet or ``.npz``, label column by name or
the last) and then applies the server's bounds (rows, features, classes).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from netwarp.apps.serve.models import MAX_CLASSES, MAX_FEATURES, MAX_POINTS, MAX_UPLOAD_BYTES, MIN_POINTS
from netwarp.data.files import FileDataset, load_bytes
from netwarp.errors import DataFileError


@dataclass(frozen=True)
class Upload:
    id: str
    filename: str
    columns: list[str]
    classes: list[str]
    data: FileDataset


def parse_upload(raw: bytes, filename: str, label: str | None = None, scale: bool = True) -> FileDataset:
    """The dataset of an uploaded file, or a DataFileError saying what is wrong with it."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DataFileError(f"{filename}: {len(raw)} bytes is more than the limit of {MAX_UPLOAD_BYTES}")
    data = load_bytes(raw, filename, label, scale=scale, max_bytes=MAX_UPLOAD_BYTES)
    n, d = data.X.shape
    if n > MAX_POINTS:
        raise DataFileError(f"{filename}: {n} rows; at most {MAX_POINTS} are allowed here")
    if n < MIN_POINTS:
        raise DataFileError(f"{filename}: {n} rows; need at least {MIN_POINTS}")
    if d > MAX_FEATURES:
        raise DataFileError(f"{filename}: {d} feature columns; at most {MAX_FEATURES} are allowed here")
    k = len(np.unique(data.y))
    if k > MAX_CLASSES:
        raise DataFileError(f"{filename}: the label column {data.label!r} holds {k} classes; at most {MAX_CLASSES}")
    return data


class UploadStore:
    """The uploads of this server session, the oldest forgotten beyond ``capacity``."""

    def __init__(self, capacity: int = 16) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, raw: bytes, filename: str, label: str | None = None, scale: bool = True) -> Upload:
        safe = "".join(c for c in filename if c.isalnum() or c in "._- ")[:60] or "upload.csv"
        data = parse_upload(raw, safe, label, scale)
        classes = [str(c) for c in np.unique(data.y)]
        up = Upload(f"upload-{secrets.token_hex(4)}", safe, list(data.feature_names), classes, data)
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
