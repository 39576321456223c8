"""The one binary form of a view: a scene with its parameters, or a chunk of epochs to append.

Layout (little-endian), the same for both kinds:

- bytes 0..7: the magic ``b"NWVIEW\\0\\0"``; bytes 8..11: the version (uint32, now 1);
  bytes 12..15: the JSON spec's length ``L`` (uint32);
- bytes 16..16+L: the spec, UTF-8 JSON without NaN or Infinity (they are written as null);
- zero padding to a multiple of 8, then the buffer: every array 8-byte aligned.

The spec is the scene's :meth:`~netwarp.view.scene.Scene.tree` (``"kind": "scene"``) or a
:meth:`~netwarp.view.scene.Delta.tree` (``"kind": "chunk"``: epochs ``[e0, e1)`` of run ``run``,
their ``params`` ``(k, n_params)``, ``loss`` / ``train_score`` / ``test_score`` ``(k,)`` and the
``scene`` delta), in which every array is a reference ``{"dtype", "offset", "length"}``
(offset in bytes from the buffer's start; dtype float64, float32, int32 or uint8; arrays are
flattened row-major). Parameters and points are float64: the renderer's forward pass matches
NumPy to 1e-9. ``static/envelope.js`` is the same decoder in JavaScript.

>>> data = encode(scene)              # doctest: +SKIP
>>> kind, spec = decode(data)         # doctest: +SKIP  (references replaced by arrays)
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import numpy as np

from netwarp.errors import NetwarpError

MAGIC = b"NWVIEW\0\0"
VERSION = 1
HEADER = 16
DTYPES = ("float64", "float32", "int32", "uint8")


class _Buffer:
    """Collects arrays into one bytes object, each 8-byte aligned."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, values: np.ndarray[Any, Any]) -> dict[str, Any]:
        dtype = _dtype(values)
        arr = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<")).ravel()
        raw = arr.tobytes()
        ref = {"dtype": dtype, "offset": self.size, "length": int(arr.size)}
        pad = (-len(raw)) % 8
        self.parts.append(raw + b"\0" * pad)
        self.size += len(raw) + pad
        return ref


def _dtype(a: np.ndarray[Any, Any]) -> str:
    kind = a.dtype
    if kind == np.float32:
        return "float32"
    if kind.kind == "f":
        return "float64"
    if kind == np.uint8 or kind == np.bool_:
        return "uint8"
    if kind.kind in "iu":
        return "int32"
    raise NetwarpError(f"an envelope cannot hold {kind} arrays")


def _clean(value: Any, buf: _Buffer) -> Any:
    """JSON-able ``value``: arrays to buffer references, NaN and infinities to None."""
    if isinstance(value, np.ndarray):
        return buf.add(value)
    if isinstance(value, dict):
        return {str(k): _clean(v, buf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, buf) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def pack(kind: str, tree: dict[str, Any]) -> bytes:
    """The envelope of ``tree`` (JSON with NumPy array leaves) of ``kind`` 'scene' or 'chunk'."""
    buf = _Buffer()
    spec = _clean({**tree, "kind": kind}, buf)
    spec["buffer_bytes"] = buf.size
    text = json.dumps(spec, allow_nan=False, separators=(",", ":")).encode("utf-8")
    pad = (-(HEADER + len(text))) % 8
    head = MAGIC + struct.pack("<II", VERSION, len(text))
    return b"".join([head, text, b"\0" * pad, *buf.parts])


def encode(scene: Any, store: Any = None) -> bytes:
    """The envelope of a :class:`~netwarp.view.scene.Scene` (everything appended so far;
    ``store`` thins long runs' parameters, see :meth:`~netwarp.view.scene.Scene.tree`)."""
    return pack("scene", scene.tree(store))


def encode_chunk(delta: Any) -> bytes:
    """The envelope of a :class:`~netwarp.view.scene.Delta` (epochs ``[e0, e1)`` of one run)."""
    return pack("chunk", delta.tree())


def split(data: bytes | bytearray | memoryview) -> tuple[dict[str, Any], memoryview]:
    """The spec (references left in) and the buffer of an envelope; checks the header."""
    view = memoryview(data).cast("B")
    if len(view) < HEADER or bytes(view[:8]) != MAGIC:
        raise NetwarpError("not a netwarp view envelope")
    version, length = struct.unpack("<II", view[8:16])
    if version != VERSION:
        raise NetwarpError(f"netwarp view envelope version {version} is not supported (this netwarp reads {VERSION})")
    if HEADER + length > len(view):
        raise NetwarpError("the netwarp view envelope is cut short")
    spec = json.loads(bytes(view[HEADER : HEADER + length]).decode("utf-8"))
    start = HEADER + length + (-(HEADER + length)) % 8
    return spec, view[start:]


def _is_ref(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"dtype", "offset", "length"} and v["dtype"] in DTYPES


def _resolve(value: Any, buf: memoryview) -> Any:
    if _is_ref(value):
        dtype = np.dtype(value["dtype"]).newbyteorder("<")
        end = value["offset"] + value["length"] * dtype.itemsize
        if value["offset"] % 8 or end > len(buf):
            raise NetwarpError(f"array {value} lies outside the envelope's buffer")
        return np.frombuffer(buf, dtype=dtype, count=value["length"], offset=value["offset"])
    if isinstance(value, dict):
        return {k: _resolve(v, buf) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, buf) for v in value]
    return value


def decode(data: bytes | bytearray | memoryview) -> tuple[str, dict[str, Any]]:
    """``(kind, spec)`` of an envelope, every array reference replaced by a read-only flat NumPy
    array over ``data`` (no copy)."""
    spec, buf = split(data)
    return str(spec.get("kind", "")), _resolve(spec, buf)


def arrays(spec: dict[str, Any], prefix: str = "") -> dict[str, np.ndarray[Any, Any]]:
    """Every array of a decoded spec by its path (``"runs.0.params"``), for comparisons."""
    out: dict[str, np.ndarray[Any, Any]] = {}

    def walk(v: Any, path: str) -> None:
        if isinstance(v, np.ndarray):
            out[path] = v
        elif isinstance(v, dict):
            for k, u in v.items():
                walk(u, f"{path}.{k}" if path else k)
        elif isinstance(v, list):
            for i, u in enumerate(v):
                walk(u, f"{path}.{i}" if path else str(i))

    walk(spec, prefix)
    return out
