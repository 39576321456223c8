"""Bombs: files that declare (or inflate to) far more than they hold, in every reader.

Each is refused with a typed one-line error naming the limit, before anything that size is
allocated: the reader runs in a fresh subprocess whose peak memory (VmHWM, the high-water mark of
its own address space: ru_maxrss would include the RSS of the forking test process) may grow at
most ``BOUND_MB`` over its baseline (the interpreter with netwarp and pyarrow imported).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import netwarp
from netwarp.data import npzsafe, tables
from netwarp.errors import DataFileError, DataLimitError, TrajectoryFileError, TrajectoryLimitError

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

BOUND_MB = 300
SRC = str(Path(netwarp.__file__).resolve().parents[1])
CHILD = """
import json, sys
from netwarp.core.files import load_all
from netwarp.data.files import load_file
import netwarp.core.trajectory, netwarp.core.filecheck, sklearn.model_selection  # what a good file needs too
try:
    import pyarrow.parquet
except ImportError:
    pass
def hwm():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
base = hwm()
kind, path = sys.argv[1:3]
try:
    (load_file if kind == "data" else load_all)(path)
    out = {"error": None, "message": ""}
except Exception as exc:
    out = {"error": type(exc).__name__, "message": str(exc)}
out["delta_mb"] = (hwm() - base) / 1024
print(json.dumps(out))
"""


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def write_zip(path: Path, members: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return path


def inflating(path: Path, name: str, shape: tuple[int, ...], extra: dict[str, bytes] | None = None) -> Path:
    """An entry whose header declares ``shape`` float64 and whose body really inflates to it (zeros)."""
    nbytes = int(np.prod(shape)) * 8
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(name, "w", force_zip64=True) as fh:
            fh.write(npy_header(shape))
            chunk = bytes(16 << 20)
            for start in range(0, nbytes, len(chunk)):
                fh.write(chunk[: min(len(chunk), nbytes - start)])
        for k, body in (extra or {}).items():
            zf.writestr(k, body)
    return path


def npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


Y = npy(np.array([0, 1] * 8))
META = npy(
    np.array(
        json.dumps(
            {
                "format": "netwarp-trajectory",
                "version": 1,
                "runs": [{"layer_sizes": [1, 2, 1], "activations": ["tanh", "logistic"]}],
            }
        )
    )
)
GIB2 = (1 << 27, 2)  # 2 GiB of float64


def _huge_shape(p: Path) -> Path:
    return write_zip(p, {"X.npy": npy_header((10**10, 2)) + bytes(64), "y.npy": Y})


def _bzip2(p: Path) -> Path:
    """A bzip2 entry: 64 MiB of zeros in about 100 bytes, which zipfile would inflate in one step."""
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_BZIP2, compresslevel=9) as zf:
        zf.writestr("X.npy", npy_header((1 << 22, 2)) + bytes(64 << 20))
        zf.writestr("y.npy", Y)
    return p


def _many_members(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as zf:
        for i in range(npzsafe.MAX_MEMBERS + 10):
            zf.writestr(f"a{i}.npy", b"")
    return p


def _parquet_rows(p: Path) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = 2_000_000
    table = pa.table({"x": pa.array(np.zeros(n)), "label": pa.array(["a"] * 2 + ["b"] * (n - 2))})
    with pq.ParquetWriter(p, table.schema, compression="zstd") as w:
        for _ in range(50):  # 100 M rows
            w.write_table(table, row_group_size=n)
    return p


def _raw(text_bytes: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(p: Path) -> Path:
        p.write_bytes(text_bytes())
        return p

    return make


# (file name, maker, reader, error class, message)
BOMBS = [
    ("huge_shape.npz", _huge_shape, "data", DataLimitError, r"X.* declares shape \(10000000000, 2\).*over the limit"),
    ("deflate_2gib.npz", lambda p: inflating(p, "X.npy", GIB2, {"y.npy": Y}), "data", DataLimitError,
     r"declares shape \(134217728, 2\).*over the limit of 256 MiB"),
    ("bzip2_64mib.npz", _bzip2, "data", DataFileError, r"array 'X' uses zip compression method 12"),
    ("many_members.npz", _many_members, "data", DataLimitError, r"declares 10010 entries, over the limit of 10000"),
    ("labels_u100k.npz", lambda p: write_zip(p, {"X.npy": npy(np.zeros((4, 1))),
     "y.npy": npy_header((4,), "<U100000") + bytes(1_600_000)}), "data", DataLimitError,
     r"labels of up to 100000 characters, over the limit of 1000"),
    ("array.npy.npz", _raw(lambda: npy_header((10**9,)) + bytes(8)), "data", DataFileError,
     r"not a readable \.npz file \(it is a single \.npy array\)"),
    ("rows_100m.parquet", _parquet_rows, "data", DataLimitError,
     r"the footer declares 100000000 rows, over the limit of 1000000 rows"),
    ("long_line.csv", _raw(lambda: b"a,b\n" + b"7" * 30_000_000 + b",1\n"), "data", DataLimitError,
     r"line 2: longer than the limit of 1000000 characters"),
    ("many_rows.csv", _raw(lambda: b"a,b\n" + b"1,0\n0,1\n" * 1_500_000), "data", DataLimitError,
     r"more than 1000000 rows, over the limit"),
    ("many_columns.csv", _raw(lambda: b",".join([b"1"] * 400_000) + b"\n"), "data", DataLimitError,
     r"line 1: 400000 columns, over the limit of 1000 columns"),
    ("long_label.csv", _raw(lambda: b"a,b\n" + b"1,0\n" * 1000 + b"1," + b"x" * 100_000 + b"\n"), "data",
     DataLimitError, r"line 1002: a label of 100000 characters, over the limit of 1000"),
    ("huge_params.npz", lambda p: write_zip(p, {"__netwarp__.npy": META,
     "run0.params.npy": npy_header((1_418_873_125, 7)) + bytes(64)}), "trajectory", TrajectoryLimitError,
     r"'run0.params' declares shape \(1418873125, 7\) of float64 \(74 GiB\), over the limit of 1 GiB"),
    ("deflate_2gib_run.npz", lambda p: inflating(p, "__netwarp__.npy", GIB2), "trajectory", TrajectoryLimitError,
     r"over the limit of 1 GiB"),
    ("ratio_64mib_run.npz", lambda p: inflating(p, "run0.params.npy", (1_200_000, 7), {"__netwarp__.npy": META}),
     "trajectory", TrajectoryLimitError, r"'run0.params' inflates from .* KiB to 64.1 MiB, over the limit of 200:1"),
    ("array.npy", _raw(lambda: npy_header((10**11,)) + bytes(8)), "trajectory", TrajectoryFileError,
     r"not a netwarp trajectory file \(it is a single \.npy array\)"),
]  # fmt: skip


@pytest.fixture(scope="module")
def bomb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bombs")


def run_child(kind: str, path: Path) -> dict[str, object]:
    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True,
                         env=env, timeout=120, check=False)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(("name", "make", "kind", "error", "message"), BOMBS, ids=[b[0] for b in BOMBS])
def test_bomb_is_refused_with_bounded_memory(
    bomb_dir: Path, name: str, make: Callable[[Path], Path], kind: str, error: type, message: str
) -> None:
    path = make(bomb_dir / name)
    got = run_child(kind, path)
    size = path.stat().st_size / 1e6
    sys.stderr.write(f"{name}: {size:.2f} MB file, peak +{got['delta_mb']:.1f} MB, {got['message']}\n")
    assert got["error"] == error.__name__, got
    assert re.search(message, str(got["message"])), got["message"]
    assert "\n" not in str(got["message"])
    assert float(got["delta_mb"]) < BOUND_MB, got  # type: ignore[arg-type]


def test_limits_are_documented_values() -> None:
    assert tables.MAX_ROWS == 1_000_000 and tables.MAX_COLUMNS == 1000 and npzsafe.MAX_MEMBERS == 10_000
    assert issubclass(DataLimitError, DataFileError) and issubclass(TrajectoryLimitError, TrajectoryFileError)
    assert issubclass(DataLimitError, netwarp.errors.LimitError)


CLI_CHILD = """
import sys
from netwarp.apps.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
with open("/proc/self/status") as fh:
    hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
print(f"HWM {hwm}")
raise SystemExit(code)
"""


def _peak_kib(args: list[str], cwd: Path) -> tuple[int, int, str]:
    """Exit status, peak resident memory (KiB, VmHWM) and stderr of ``netwarp.apps.cli.main`` in a fresh process."""
    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", CLI_CHILD, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    hwm = int(proc.stdout.strip().splitlines()[-1].split()[1])
    return proc.returncode, hwm, proc.stderr


def test_cli_refuses_bombs_within_bounded_memory(bomb_dir: Path, tmp_path: Path) -> None:
    """``netwarp train --data`` and ``netwarp info`` on bombs, against the same commands on small good files."""
    good_csv = tmp_path / "good.csv"
    good_csv.write_text("a,b,label\n" + "".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(40)))
    _, base_train, _ = _peak_kib(["train", "--data", str(good_csv), "--max-iter", "2", "-o", "g.npz"], tmp_path)
    _, base_info, _ = _peak_kib(["info", str(tmp_path / "g.npz")], tmp_path)
    cases = [
        (["train", "--data", str(inflating(bomb_dir / "cli_bomb.npz", "X.npy", GIB2, {"y.npy": Y})), "-o", "b.npz"],
         base_train, "over the limit of 256 MiB"),
        (["train", "--data", str(_huge_shape(bomb_dir / "cli_huge.npz")), "-o", "b.npz"], base_train, "149 GiB"),
        (["info", str(inflating(bomb_dir / "cli_run.npz", "run0.params.npy", (1 << 27, 7), {"__netwarp__.npy": META}))],
         base_info, "over the limit of 1 GiB"),
    ]  # fmt: skip
    for args, base, needle in cases:
        code, peak, err = _peak_kib(args, tmp_path)
        sys.stderr.write(f"netwarp {args[0]} {Path(args[2 if args[0] == 'train' else 1]).name}: "
                         f"peak {peak / 1024:.0f} MB (good file: {base / 1024:.0f} MB)\n")  # fmt: skip
        assert code == 2 and err.count("\n") == 1 and needle in err and "Traceback" not in err, err
        assert peak - base < BOUND_MB * 1024, (args, peak, base)
    assert not (tmp_path / "b.npz").exists()


SERVER_CHILD = """
import json, sys
def hwm():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
from fastapi.testclient import TestClient
from netwarp.apps.serve import create_app
out = []
with TestClient(create_app(workers=1), base_url="http://127.0.0.1:8765") as client:
    client.get("/api/limits")
    base = hwm()
    for path in sys.argv[1:]:
        with open(path, "rb") as fh:
            upload = (path.rsplit("/", 1)[-1], fh.read(), "application/octet-stream")
        r = client.post("/api/uploads", files={"file": upload})
        out.append([r.status_code, r.json().get("detail", "")])
    out.append((hwm() - base) / 1024)
print(json.dumps(out))
"""


def test_server_upload_bombs_answer_4xx_within_bounded_memory(bomb_dir: Path) -> None:
    """The uploads that drove the server to 6.5 GB (1 MB .npz) and 11.4 GB (Parquet declaring 100 M rows)."""
    pytest.importorskip("fastapi")
    pytest.importorskip("pyarrow")
    files = [_huge_shape(bomb_dir / "up_huge.npz"), _parquet_rows(bomb_dir / "up_rows.parquet")]
    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", SERVER_CHILD, *map(str, files)], capture_output=True, text=True,
                          env=env, timeout=180, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    *answers, delta_mb = json.loads(proc.stdout.strip().splitlines()[-1])
    sys.stderr.write(f"server uploads: {answers}, peak +{delta_mb:.1f} MB\n")
    assert all(a[0] == 413 for a in answers), answers  # over a limit: 413, naming it
    assert "149 GiB" in answers[0][1] and "100000000 rows, over the limit" in answers[1][1]
    assert delta_mb < BOUND_MB


def test_parquet_labels_are_bounded(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from netwarp.data.files import load_file

    x = np.arange(40, dtype=float)
    long = ["x" * 5000 if i == 3 else "ab"[i % 2] for i in range(40)]
    pq.write_table(pa.table({"x": x, "lab": long}), tmp_path / "long.parquet")
    with pytest.raises(DataLimitError, match="a label of 5000 characters, over the limit of 1000"):
        load_file(tmp_path / "long.parquet")
    pq.write_table(pa.table({"x": x, "lab": pa.array([{"a": i % 2} for i in range(40)])}), tmp_path / "nested.parquet")
    with pytest.raises(DataFileError, match=r"column 'lab': type struct<a: int64> cannot be a label"):
        load_file(tmp_path / "nested.parquet")
    pq.write_table(pa.table({"x": x, "lab": pa.array(["cat", "dog"] * 20).dictionary_encode()}), tmp_path / "d.parquet")
    assert list(load_file(tmp_path / "d.parquet").classes) == ["cat", "dog"]
