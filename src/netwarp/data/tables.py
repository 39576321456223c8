"""Readers behind :mod:`netwarp.data.files`: a file's bytes -> named numeric features and raw labels.

Each reader returns ``(feature_names, X, y, label_name, where)``: ``X`` ``(n, d)`` float64
(possibly NaN or infinite: the caller checks), ``y`` ``(n,)`` raw labels, and ``where``
``(n,)`` strings locating each row for error messages (``"line 7"`` or ``"row 6"``).
"""

from __future__ import annotations

import array
import csv
import io
import itertools
import operator
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.data.npzsafe import SafeNpz, size_text
from netwarp.errors import DataFileError, DataLimitError

Array = NDArray[np.float64]
Table = tuple[list[str], Array, NDArray[Any], str, list[str]]

#: Limits of a data file, checked from what it declares (npz headers, Parquet footer) or while
#: streaming (CSV/TSV) before the rows are allocated. Each refusal is a DataLimitError.
MAX_ROWS = 1_000_000
MAX_COLUMNS = 1_000
#: rows x columns read
MAX_CELLS = 4_000_000
#: characters on one line of a CSV/TSV file
MAX_LINE_CHARS = 1_000_000
#: characters in one label (a class name)
MAX_LABEL_CHARS = 1_000
#: bytes of the arrays read from a .npz or a Parquet file (decompressed / decoded)
MAX_ARRAY_BYTES = 256 << 20


def _check_shape(name: str, rows: int, columns: int, what: str = "") -> None:
    if rows > MAX_ROWS:
        raise DataLimitError(f"{name}: {what}{rows} rows, over the limit of {MAX_ROWS} rows")
    if columns > MAX_COLUMNS:
        raise DataLimitError(f"{name}: {what}{columns} columns, over the limit of {MAX_COLUMNS} columns")
    if rows * columns > MAX_CELLS:
        raise DataLimitError(
            f"{name}: {what}{rows} rows x {columns} columns = {rows * columns} values, "
            f"over the limit of {MAX_CELLS} values"
        )


def oneline(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def value_repr(text: Any) -> str:
    return repr(oneline(str(text), 40))


def _pick(names: list[str], label: str | None, features: Sequence[str] | None, name: str) -> tuple[int, list[int]]:
    """Index of the label column and of the feature columns."""
    if label is None:
        li = len(names) - 1
    elif label in names:
        li = names.index(label)
    else:
        raise DataFileError(f"{name}: no label column {label!r} (columns: {oneline(', '.join(names))})")
    if features is None:
        cols = [i for i in range(len(names)) if i != li]
    else:
        missing = [f for f in features if f not in names]
        if missing:
            raise DataFileError(f"{name}: no feature column {missing[0]!r} (columns: {oneline(', '.join(names))})")
        cols = [names.index(f) for f in features]
        if li in cols:
            raise DataFileError(f"{name}: column {names[li]!r} is both the label and a feature")
    if not cols:
        raise DataFileError(f"{name}: no feature columns (only the label column {names[li]!r})")
    return li, cols


def _sniff_binary(data: bytes, name: str) -> None:
    head = data[:8192]
    kinds = {
        b"PAR1": "a Parquet file (name it .parquet)",
        b"PK\x03\x04": "a zip archive (.npz or .xlsx?)",
        b"\x93NUMPY": "a .npy array (save X and y with np.savez)",
        b"\x1f\x8b": "gzip-compressed (unzip it)",
    }
    for magic, what in kinds.items():
        if head.startswith(magic):
            raise DataFileError(f"{name}: this is {what}, not a text table")
    if b"\x00" in head:
        raise DataFileError(f"{name}: binary data, not a text table (or UTF-16 text: save it as UTF-8 CSV)")


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _has_header(rows: list[list[str]]) -> bool:
    """The first row is a header when it is all text, or when a column that holds numbers
    in the second row holds text in the first (csv.Sniffer's idea, made deterministic)."""
    first = rows[0]
    numeric = [is_number(cell) for cell in first]
    if not any(numeric) or len(rows) == 1:
        return not all(numeric)
    second = rows[1]
    return any(not ok and j < len(second) and is_number(second[j]) for j, ok in enumerate(numeric))


def _lines(data: bytes, name: str) -> Iterator[str]:
    """The lines of UTF-8 ``data``, decoded a chunk at a time, each at most MAX_LINE_CHARS long."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    number = 0
    try:
        while line := stream.readline(MAX_LINE_CHARS + 1):
            number += 1
            if len(line) > MAX_LINE_CHARS:
                raise DataLimitError(f"{name}, line {number}: longer than the limit of {MAX_LINE_CHARS} characters")
            yield line
    except UnicodeDecodeError:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line_no = data[: exc.start].count(b"\n") + 1
            raise DataFileError(f"{name}, line {line_no}: not UTF-8 text (save the table as UTF-8 CSV)") from None
        raise


def _delimiter(first: str, default: str) -> str:
    """``;`` for a ``.csv`` whose first row splits into more fields on ``;`` than on ``,``, quotes
    respected (``"a,b";c`` is two fields on ``;``, one on ``,``); otherwise ``default``."""
    if default != ",":
        return default
    fields = {d: _count_fields(first, d) for d in (",", ";")}
    return ";" if fields[";"] > fields[","] else ","


def _count_fields(line: str, delimiter: str) -> int:
    """Fields of ``line`` split on ``delimiter``; 1 when that reading fails (a field over the csv
    module's size limit, say: the reader proper then reports what is wrong with the file)."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:
        return 1


def _index_column(names: list[str], body: list[list[str]]) -> bool:
    """True when the first column is pandas' ``to_csv()`` index: an empty header cell over 0, 1, ..., n-1."""
    if len(names) < 3 or names[0] != "":
        return False
    return all(row[0].strip() == str(i) for i, row in enumerate(body))


def _rows(data: bytes, name: str, delimiter: str) -> tuple[list[list[str]], array.array[int]]:
    """Non-blank rows and their line numbers, refused as soon as a row, column or value limit is passed."""
    lines = _lines(data, name)
    skipped = 0  # blank lines before the first row: the csv reader does not see them
    for first in lines:
        if first.strip():
            break
        skipped += 1
    else:
        raise DataFileError(f"{name}: the file holds only blank lines")
    delimiter = _delimiter(first, delimiter)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    numbers = array.array("q")  # line numbers, 8 bytes each (a list of ints takes 36)
    cells = 0
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            at = f"{name}, line {reader.line_num + skipped}"
            if len(row) > MAX_COLUMNS:
                raise DataLimitError(f"{at}: {len(row)} columns, over the limit of {MAX_COLUMNS} columns")
            if len(rows) >= MAX_ROWS:
                raise DataLimitError(f"{at}: more than {MAX_ROWS} rows, over the limit of {MAX_ROWS} rows")
            cells += len(row)
            if cells > MAX_CELLS:
                raise DataLimitError(f"{at}: more than {MAX_CELLS} values (rows x columns), over the limit")
            rows.append(row)
            numbers.append(reader.line_num + skipped)
    except csv.Error as exc:
        raise DataFileError(f"{name}, line {reader.line_num + skipped}: malformed {oneline(str(exc))}") from None
    return rows, numbers


def read_text(
    data: bytes, name: str, delimiter: str, label: str | None, features: Sequence[str] | None,
    notes: list[str] | None = None,
) -> Table:
    """Read a CSV/TSV table; what was adjusted (a dropped pandas index column) goes to ``notes``."""
    _sniff_binary(data, name)
    rows, lines = _rows(data, name, delimiter)
    header = [cell.strip() for cell in rows[0]]
    if _has_header(rows) or (header[0] == "" and _index_column(header, rows[1:])):
        names, body, body_lines = header, rows[1:], lines[1:]
        if not body:
            raise DataFileError(f"{name}: a header ({oneline(', '.join(names))}) but no data rows")
        if _index_column(names, body):
            names, body = names[1:], [row[1:] for row in body]
            if notes is not None:
                notes.append(
                    f"{name}: dropped the first column (an unnamed 0, 1, 2, ... index, as pandas' to_csv writes)"
                )
        if "" in names:
            raise DataFileError(
                f"{name}, line {lines[0]}: column {names.index('') + 1} has an empty name in the header; name it"
            )
        duplicate = next((c for i, c in enumerate(names) if c in names[:i]), None)
        if duplicate is not None:
            raise DataFileError(f"{name}, line {lines[0]}: column {duplicate!r} appears twice in the header")
    else:
        names, body, body_lines = [str(i) for i in range(len(header))], rows, lines
    width = len(names)
    if width < 2:
        raise DataFileError(f"{name}: only one column ({oneline(names[0])!r}); need features and a label")
    ragged = next((i for i, row in enumerate(body) if len(row) != width), None)
    if ragged is not None:
        raise DataFileError(f"{name}, line {body_lines[ragged]}: {len(body[ragged])} fields, the header has {width}")
    li, cols = _pick(names, label, features, name)
    _check_label_lengths((row[li] for row in body), body_lines, name, "line")
    labels = np.char.strip(np.array([row[li] for row in body], dtype=str))
    take = operator.itemgetter(*cols)
    cells = [take(row) for row in body] if len(cols) > 1 else [(row[cols[0]],) for row in body]
    try:
        X = np.array(cells, dtype=np.float64)  # NumPy ignores spaces around numbers
    except ValueError:
        X = _booleans_or_error(cells, [names[i] for i in cols], body_lines, name)
    return [names[i] for i in cols], X, labels, names[li], [f"line {n}" for n in body_lines]


def _check_label_lengths(labels: Any, where: Sequence[Any], name: str, unit: str) -> None:
    for value, at in zip(labels, where, strict=False):
        if len(value) > MAX_LABEL_CHARS:
            raise DataLimitError(
                f"{name}, {unit} {at}: a label of {len(value)} characters, over the limit of {MAX_LABEL_CHARS}"
            )


_TRUTH = {"true": "1", "false": "0"}


def _booleans_or_error(cells: list[tuple[str, ...]], names: list[str], lines: Sequence[int], name: str) -> Array:
    """Columns of only true/false (any case) become 1/0; any other text is an error."""
    columns = list(zip(*cells, strict=True))
    for j, column in enumerate(columns):
        if all(cell.strip().lower() in _TRUTH for cell in column):
            columns[j] = tuple(_TRUTH[cell.strip().lower()] for cell in column)
    fixed = list(zip(*columns, strict=True))
    try:
        return np.array(fixed, dtype=np.float64)
    except ValueError:
        return _locate_bad_cell(fixed, names, lines, name, "line")


def _locate_bad_cell(
    cells: list[tuple[str, ...]], names: list[str], where: Sequence[int], name: str, unit: str
) -> Array:
    """Raise the error for the first cell that is not a number (the fast path failed)."""
    for row, line in zip(cells, where, strict=True):
        for cell, col in zip(row, names, strict=True):
            if not cell.strip():
                raise DataFileError(f"{name}, {unit} {line}, column {col!r}: missing value (fill or drop the row)")
            try:
                float(cell)
            except ValueError:
                raise DataFileError(
                    f"{name}, {unit} {line}, column {col!r}: {value_repr(cell)} is not a number "
                    "(features must be numeric; choose columns with --features)"
                ) from None
    raise DataFileError(f"{name}: could not read the features as numbers")


def read_parquet(data: bytes, name: str, label: str | None, features: Sequence[str] | None) -> Table:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(f"{name}: reading Parquet needs pyarrow: pip install 'netwarp[data]'") from None
    try:
        pf = pq.ParquetFile(io.BytesIO(data))  # reads the footer only
        schema = pf.schema_arrow
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFileError(f"{name}: not a readable Parquet file ({oneline(str(exc), 120)})") from None
    names = [str(c) for c in schema.names]
    meta = pf.metadata
    if len(names) < 2:
        raise DataFileError(f"{name}: {len(names)} column(s); need features and a label")
    _check_shape(name, meta.num_rows, len(names), "the footer declares ")
    if meta.num_rows == 0:
        raise DataFileError(f"{name}: columns ({oneline(', '.join(names))}) but no data rows")
    li, cols = _pick(names, label, features, name)
    for i in cols:
        kind = schema.field(i).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
            raise DataFileError(
                f"{name}, column {names[i]!r}: type {kind} is not numeric "
                "(features must be numeric; choose columns with --features)"
            )
    wanted = [names[i] for i in [*cols, li]]
    declared = sum(
        meta.row_group(g).column(c).total_uncompressed_size
        for g in range(meta.num_row_groups) for c in range(meta.num_columns)
        if meta.row_group(g).column(c).path_in_schema in wanted
    )  # fmt: skip
    if declared + meta.num_rows * 8 * len(wanted) > MAX_ARRAY_BYTES:
        raise DataLimitError(
            f"{name}: the footer declares {size_text(declared)} of column data over {meta.num_rows} rows, "
            f"over the limit of {size_text(MAX_ARRAY_BYTES)}"
        )
    label_type = schema.field(li).type
    if pa.types.is_nested(label_type):
        raise DataFileError(f"{name}, column {names[li]!r}: type {label_type} cannot be a label (use numbers or text)")
    textual = pa.types.is_string(label_type) or pa.types.is_large_string(label_type) or pa.types.is_binary(label_type)
    try:
        if textual:  # keep text labels dictionary-encoded: memory per distinct label, not per row
            pf = pq.ParquetFile(io.BytesIO(data), read_dictionary=[names[li]])
        table = pf.read(columns=wanted)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFileError(f"{name}: not a readable Parquet file ({oneline(str(exc), 120)})") from None
    if table.num_rows != meta.num_rows:
        raise DataFileError(
            f"{name}: corrupt: the footer declares {meta.num_rows} rows, the data holds {table.num_rows}"
        )
    columns = []
    for k, i in enumerate([*cols, li]):
        col = table.column(k)
        if col.null_count:
            row = int(np.flatnonzero(np.asarray(col.is_null().to_numpy(zero_copy_only=False)))[0]) + 1
            raise DataFileError(f"{name}, row {row}, column {names[i]!r}: missing value (fill or drop the row)")
        if i == li and pa.types.is_dictionary(col.type):  # decode once per distinct label, not per row
            dense = col.combine_chunks()
            values = [v for v in dense.dictionary.to_pylist() if isinstance(v, str | bytes)]
            _check_label_lengths(values, range(1, len(values) + 1), name, "distinct label")
            lookup = np.asarray(dense.dictionary.to_numpy(zero_copy_only=False))
            columns.append(lookup[np.asarray(dense.indices.to_numpy(zero_copy_only=False), dtype=np.intp)])
        else:
            columns.append(col.to_numpy(zero_copy_only=False))
    X = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns[:-1]])
    y = np.asarray(columns[-1])
    if y.dtype == object:
        y = y.astype(str)
    rows = [f"row {r}" for r in range(1, len(y) + 1)]
    return [names[i] for i in cols], X, y, names[li], rows


def read_npz(data: bytes, name: str, label: str | None, features: Sequence[str] | None) -> Table:
    key = label or "y"
    with SafeNpz(data, name, budget=MAX_ARRAY_BYTES, error=DataFileError, limit=DataLimitError) as npz:
        files = npz.keys
        for k in ("X", key):
            if k not in files:
                raise DataFileError(f"{name}: no array {k!r} (arrays: {oneline(', '.join(files)) or 'none'})")
        ex, ey = npz.entry("X"), npz.entry(key)
        if len(ex.shape) not in (1, 2) or (len(ex.shape) == 2 and ex.shape[1] == 0):
            raise DataFileError(f"{name}: X must be a 2-D array (rows, features), got shape {ex.shape}")
        _check_shape(name, ex.shape[0], ex.shape[1] if len(ex.shape) == 2 else 1, "X declares ")
        if ex.dtype.kind not in "biuf":
            raise DataFileError(f"{name}: X must be numeric, got dtype {ex.dtype}")
        if len(ey.shape) != 1:
            raise DataFileError(f"{name}: {key} must be a 1-D array of labels, got shape {ey.shape}")
        if ey.shape[0] != ex.shape[0]:
            raise DataFileError(f"{name}: X has {ex.shape[0]} rows but {key} has {ey.shape[0]}")
        chars = ey.dtype.itemsize // (4 if ey.dtype.kind == "U" else 1)
        if ey.dtype.kind in "US" and chars > MAX_LABEL_CHARS:
            raise DataLimitError(
                f"{name}: {key} holds labels of up to {chars} characters, over the limit of {MAX_LABEL_CHARS}"
            )
        X, y = npz.read("X"), npz.read(key)
        fnames = None
        if "feature_names" in files:
            ef = npz.entry("feature_names")
            if ef.dtype.kind in "US" and ef.shape == (X.shape[-1] if X.ndim == 2 else 1,):
                fnames = npz.read("feature_names")
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if len(X) == 0:
        raise DataFileError(f"{name}: X and {key} hold no rows")
    names = [str(v) for v in fnames] if fnames is not None and fnames.shape == (X.shape[1],) else None
    names = names or [f"x{i + 1}" for i in range(X.shape[1])]
    if features is not None:
        _, cols = _pick([*names, key], key, features, name)
        X, names = X[:, cols], [names[i] for i in cols]
    return names, X.astype(np.float64), y, key, [f"row {r}" for r in range(1, len(y) + 1)]
