"""``.npz`` archives read without trusting them: every size is checked before it is allocated.

A zip's end-of-directory record gives its entry count and directory size; each entry's
``.npy`` header (read by decompressing a few hundred bytes) gives its shape and dtype. An
entry is read only when its declared size agrees with its header, fits the caller's byte
budget, holds no Python objects and does not inflate like a zip bomb. Python's zipfile never
decompresses past an entry's declared size, so what was checked is what gets allocated.
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from netwarp.errors import LimitError, NetwarpError

#: Most entries in one archive, and largest zip central directory read.
MAX_MEMBERS = 10_000
MAX_DIRECTORY_BYTES = 4 << 20
#: An entry larger than RATIO_FLOOR that inflates more than MAX_RATIO times is refused as a bomb.
MAX_RATIO = 200
RATIO_FLOOR = 16 << 20
_MAX_HEADER = 10_000


def size_text(nbytes: int | float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{int(nbytes)} bytes"


def sniff(head: bytes) -> str | None:
    """What a file that is not a zip archive looks like, for error messages (None: it is a zip)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    if not head:
        return "the file is empty"
    kinds = {
        b"\x93NUMPY": "it is a single .npy array",
        b"PAR1": "it is a Parquet file",
        b"\x1f\x8b": "it is gzip-compressed",
        b"\x89HDF": "it is an HDF5 file",
    }
    for magic, what in kinds.items():
        if head.startswith(magic):
            return what
    if head[:1] == b"\x80" and head[1:2] in b"\x01\x02\x03\x04\x05":
        return "it is a Python pickle; netwarp never loads pickles"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return "it is not a .npz (zip) archive"
    return "it is a text file" if b"\x00" not in head else "it is not a .npz (zip) archive"


@dataclass(frozen=True)
class Entry:
    """One array of the archive as its header declares it."""

    key: str
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    nbytes: int

    @property
    def size(self) -> int:
        return math.prod(self.shape)


class SafeNpz:
    """``with SafeNpz(path_or_bytes, "run.npz", budget=2**30) as z: z.entry("x"); z.read("x")``.

    Every problem raises ``error`` (or ``limit`` for size limits) with a message starting with
    ``label``; ``budget`` bounds the bytes of all arrays read together.
    """

    def __init__(
        self, source: str | Path | bytes, label: str, *, budget: int,
        error: type[NetwarpError] = NetwarpError, limit: type[LimitError] = LimitError,
        what: str = "readable .npz file", corrupt: str = "not a readable .npz file (truncated or corrupt: {})",
    ) -> None:  # fmt: skip
        self.label, self.budget, self.error, self.limit, self.used = label, budget, error, limit, 0
        self.corrupt = corrupt
        self._entries: dict[str, Entry] = {}
        fh: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
        try:
            not_zip = sniff(fh.read(8192))
            if not_zip is not None:
                raise error(f"{label}: not a {what} ({not_zip})")
            self._check_directory(fh)
            try:
                self.zip = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, struct.error) as exc:
                raise error(f"{label}: " + corrupt.format(exc)) from None
        except BaseException:
            fh.close()
            raise
        self._fh = fh
        self.members = {info.filename.removesuffix(".npy"): info for info in self.zip.infolist()}

    def __enter__(self) -> SafeNpz:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()
        self._fh.close()

    @property
    def keys(self) -> list[str]:
        return list(self.members)

    def _check_directory(self, fh: BinaryIO) -> None:
        """Entry count and directory size from the end-of-central-directory record, before zipfile reads them."""
        end = fh.seek(0, io.SEEK_END)
        tail_start = max(0, end - (22 + 65535))
        fh.seek(tail_start)
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise self.error(f"{self.label}: " + self.corrupt.format("no zip end-of-directory record"))
        _, _, _, _, count, cd_size, _, _ = struct.unpack("<4s4H2LH", tail[at : at + 22])
        if (count == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
            (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
            fh.seek(offset)
            record = fh.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                count, cd_size = struct.unpack("<QQ", record[32:48])
        fh.seek(0)
        if count > MAX_MEMBERS:
            raise self.limit(f"{self.label}: the archive declares {count} entries, over the limit of {MAX_MEMBERS}")
        if cd_size > MAX_DIRECTORY_BYTES:
            raise self.limit(
                f"{self.label}: the zip directory declares {size_text(cd_size)}, "
                f"over the limit of {size_text(MAX_DIRECTORY_BYTES)}"
            )

    def entry(self, key: str) -> Entry:
        """The shape and dtype ``key`` declares, checked against the archive (nothing large is read)."""
        if key in self._entries:
            return self._entries[key]
        info = self.members.get(key)
        if info is None:
            raise self.error(f"{self.label}: missing array {key!r}")
        name = f"{self.label}: array {key!r}"
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile inflates bzip2 and lzma without a bound on each step: a few KB could become GBs
            raise self.error(
                f"{name} uses zip compression method {info.compress_type}; NumPy writes stored or deflated"
            )
        if info.flag_bits & 0x1:
            raise self.error(f"{name} is encrypted")
        try:
            with self.zip.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(fh, max_header_size=_MAX_HEADER)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(fh, max_header_size=_MAX_HEADER)
                else:
                    raise ValueError(f"unsupported .npy format version {version}")
                offset = fh.tell()
        except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error, SyntaxError, RuntimeError) as exc:
            raise self.error(f"{name} is not a readable .npy entry ({str(exc)[:120] or type(exc).__name__})") from None
        if dtype.hasobject:
            raise self.error(f"{name} holds Python objects (pickled data); netwarp never loads pickles")
        nbytes = math.prod(int(n) for n in shape) * dtype.itemsize
        if nbytes > self.budget:
            raise self.limit(
                f"{name} declares shape {tuple(shape)} of {dtype} ({size_text(nbytes)}), "
                f"over the limit of {size_text(self.budget)}"
            )
        if info.file_size != offset + nbytes:
            raise self.error(f"{name} is corrupt: its zip entry size ({info.file_size}) disagrees with its header")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise self.limit(
                f"{name} inflates from {size_text(info.compress_size)} to {size_text(info.file_size)}, "
                f"over the limit of {MAX_RATIO}:1 for entries over {size_text(RATIO_FLOOR)} (a zip bomb?)"
            )
        found = Entry(key, tuple(int(n) for n in shape), dtype, nbytes)
        self._entries[key] = found
        return found

    def read(self, key: str) -> np.ndarray[Any, Any]:
        """The array ``key``, once its header passed :meth:`entry` and it fits what is left of the budget."""
        found = self.entry(key)
        if self.used + found.nbytes > self.budget:
            raise self.limit(
                f"{self.label}: its arrays take more than the limit of {size_text(self.budget)} "
                f"(at {key!r}, {size_text(self.used + found.nbytes)})"
            )
        self.used += found.nbytes
        try:
            with self.zip.open(self.members[key]) as fh:
                return np.lib.format.read_array(fh, allow_pickle=False, max_header_size=_MAX_HEADER)
        except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error, RuntimeError) as exc:
            reason = str(exc)[:120] or type(exc).__name__
            raise self.error(f"{self.label}: array {key!r} is corrupt ({reason})") from None
