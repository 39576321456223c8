# ruff: noqa: E501 (one case per line)
"""Crafted trajectory files, each derived from a real run, each with its expected outcome.

The rule for non-finite parameters (documented in :mod:`netwarp.core.filecheck`): a run whose
parameters become infinite or NaN at epoch E loads with epochs 0..E-1 and a stop reason saying
it diverged at epoch E; non-finite initial parameters are refused.
"""

from __future__ import annotations

import copy
import io
import json
import pickle
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core import files as trajio
from netwarp.errors import TrajectoryFileError, TrajectoryLimitError

Arrays = dict[str, Any]
EPOCHS = 12


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Arrays]:
    data = netwarp.datasets.load("xor", n=80)
    traj = netwarp.train(data.X_train, data.y_train, hidden=(3,), max_iter=EPOCHS, early_stop=False,
                         X_test=data.X_test, y_test=data.y_test, dataset_name="xor")  # fmt: skip
    path = trajio.save([traj, traj], tmp_path_factory.mktemp("corpus") / "base.npz")
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["__netwarp__"] = json.loads(str(arrays["__netwarp__"][()]))
    return path, arrays


def write(path: Path, arrays: Arrays) -> Path:
    out = {}
    for k, v in arrays.items():
        if k == "__netwarp__" and not isinstance(v, np.ndarray):
            v = np.array(v if isinstance(v, Raw) else json.dumps(v))
        out[k] = v
    with path.open("wb") as fh:
        np.savez(fh, **out)
    return path


class Raw(str):
    """Metadata text written as is (not JSON-encoded)."""


def meta(change: Callable[[dict[str, Any]], Any]) -> Callable[[Arrays], None]:
    def mutate(a: Arrays) -> None:
        result = change(a["__netwarp__"])
        if result is not None:
            a["__netwarp__"] = result

    return mutate


def run0(key: str, value: Any) -> Callable[[Arrays], None]:
    def mutate(a: Arrays) -> None:
        a["__netwarp__"]["runs"][0][key] = value

    return mutate


def array(key: str, value: Callable[[np.ndarray], Any] | None) -> Callable[[Arrays], None]:
    def mutate(a: Arrays) -> None:
        if value is None:
            del a[key]
        else:
            a[key] = value(a[key])

    return mutate


def poison(row: int, what: float) -> Callable[[Arrays], None]:
    def mutate(a: Arrays) -> None:
        p = a["run0.params"].copy()
        p[row:, 1] = what
        a["run0.params"] = p

    return mutate


def nested(depth: int) -> Any:
    return Raw(
        '{"format": "netwarp-trajectory", "version": 1, "runs": [{"config": ' + "[" * depth + "]" * depth + "}]}"
    )


ERR = TrajectoryFileError
# (id, mutation of the arrays and metadata, expected error class, message regex)
MUTATIONS: list[tuple[str, Callable[[Arrays], None], type[Exception] | None, str]] = [
    ("meta-list", meta(lambda m: [m]), ERR, r"metadata must be a JSON object, got list"),
    ("meta-null", meta(lambda m: Raw("null")), ERR, r"metadata must be a JSON object, got NoneType"),
    ("meta-number", meta(lambda m: Raw("42")), ERR, r"must be a JSON object, got int"),
    ("meta-bad-json", meta(lambda m: Raw("{'format': ")), ERR, r"metadata is not valid JSON"),
    ("meta-deep-100000", meta(lambda m: nested(100_000)), ERR, r"nested too deeply"),
    ("meta-deep-200", meta(lambda m: nested(200)), ERR, r"nested more than 64 levels deep"),
    ("meta-int-array", meta(lambda m: np.array(7)), ERR, r"'__netwarp__' must be a 0-d unicode array"),
    ("format-foreign", meta(lambda m: {**m, "format": "other"}), ERR, r"not a netwarp trajectory file \(format 'other'\)"),
    ("version-newer", meta(lambda m: {**m, "version": 99}), ERR, r"newer netwarp \(format version 99"),
    ("version-string", meta(lambda m: {**m, "version": "1"}), ERR, r"format version must be a whole number"),
    ("version-missing", meta(lambda m: {k: v for k, v in m.items() if k != "version"}), None, ""),
    ("runs-missing", meta(lambda m: {k: v for k, v in m.items() if k != "runs"}), ERR, r"'runs' must be a list, got NoneType"),
    ("runs-object", meta(lambda m: {**m, "runs": {}}), ERR, r"'runs' must be a list, got dict"),
    ("runs-empty", meta(lambda m: {**m, "runs": []}), ERR, r"holds no runs"),
    ("run-null", meta(lambda m: {**m, "runs": [None]}), ERR, r"run 0: must be a JSON object, got NoneType"),
    ("layers-null", run0("layer_sizes", None), ERR, r"run 0: 'layer_sizes' must be list, got NoneType"),
    ("layers-strings", run0("layer_sizes", ["2", "3", "1"]), ERR, r"'layer_sizes' must be whole numbers"),
    ("layers-zero", run0("layer_sizes", [2, 0, 1]), ERR, r"'layer_sizes' must be whole numbers in 1\.\.100000"),
    ("layers-bool", run0("layer_sizes", [True, 3, 1]), ERR, r"'layer_sizes' must be whole numbers"),
    ("layers-one", run0("layer_sizes", [2]), ERR, r"'layer_sizes' must hold 2 to 64 widths, got 1"),
    ("layers-huge", run0("layer_sizes", [2, 10**9, 1]), ERR, r"whole numbers in 1\.\.100000"),
    ("layers-mismatch", run0("layer_sizes", [2, 4, 1]), ERR, r"'run0.params' has shape \(13, 13\); expected \(n, 17\)"),
    ("activations-count", run0("activations", ["tanh"]), ERR, r"'activations' must be 2 names"),
    ("activations-unknown", run0("activations", ["swish!", "logistic"]), ERR, r"run 0: .*swish"),
    ("activations-number", run0("activations", [1, 2]), ERR, r"'activations' must be 2 names"),
    ("name-number", run0("name", 5), ERR, r"'name' must be str, got int"),
    ("config-list", run0("config", [1, 2]), ERR, r"'config' must be dict, got list"),
    ("stop-reason-null", run0("stop_reason", None), ERR, r"'stop_reason' must be str, got NoneType"),
    ("data-string", run0("data", "0"), ERR, r"'data' must be int or null, got str"),
    ("data-out-of-range", run0("data", 5), ERR, r"data block 5 does not exist"),
    ("data-negative", run0("data", -1), ERR, r"data block -1 does not exist"),
    ("meta-missing", array("__netwarp__", None), ERR, r"not a netwarp trajectory file \(no '__netwarp__' entry"),
    ("params-missing", array("run0.params", None), ERR, r"missing array 'run0.params'"),
    ("params-zero-snapshots", array("run0.params", lambda p: p[:0]), ERR, r"zero snapshots"),
    ("params-wrong-width", array("run0.params", lambda p: p[:, :-1]), ERR, r"'run0.params' has shape \(13, 12\)"),
    ("params-1d", array("run0.params", lambda p: p[0]), ERR, r"'run0.params' has shape \(13,\); expected \(n, 13\)"),
    ("params-3d", array("run0.params", lambda p: p[None]), ERR, r"has shape \(1, 13, 13\)"),
    ("params-strings", array("run0.params", lambda p: p.astype(str)), ERR, r"'run0.params' has dtype <U\d+; expected numbers"),
    ("params-complex", array("run0.params", lambda p: p.astype(complex)), ERR, r"dtype complex128; expected numbers"),
    ("params-bool", array("run0.params", lambda p: p > 0), ERR, r"dtype bool; expected numbers"),
    ("params-float32", array("run0.params", lambda p: p.astype(np.float32)), None, ""),
    ("params-nan-epoch-0", poison(0, np.nan), ERR, r"initial parameters \(epoch 0\) are infinite or NaN"),
    ("params-nan-epoch-5", poison(5, np.nan), None, "diverged at epoch 5"),
    ("params-inf-last-epoch", poison(EPOCHS, np.inf), None, f"diverged at epoch {EPOCHS}"),
    ("params-minus-inf-epoch-1", poison(1, -np.inf), None, "diverged at epoch 1"),
    ("loss-missing", array("run0.loss", None), ERR, r"missing array 'run0.loss'"),
    ("loss-short", array("run0.loss", lambda v: v[:-1]), ERR, r"'run0.loss' has shape \(12,\); expected \(13,\)"),
    ("loss-strings", array("run0.loss", lambda v: v.astype(str)), ERR, r"'run0.loss' has dtype"),
    ("scores-2d", array("run0.test_score", lambda v: v[:, None]), ERR, r"'run0.test_score' has shape \(13, 1\)"),
    ("classes-three", array("run0.classes", lambda c: np.array([0, 1, 2])), ERR, r"3 classes do not fit an output layer of width 1"),
    ("classes-one", array("run0.classes", lambda c: c[:1]), ERR, r"1 classes do not fit"),
    ("classes-complex", array("run0.classes", lambda c: c.astype(complex)), ERR, r"'run0.classes' has dtype complex128"),
    ("data-x-nan", array("data0.X_train", lambda x: np.where(np.arange(x.size).reshape(x.shape) == 3, np.nan, x)), ERR,
     r"'data0.X_train' holds NaN or infinite values"),
    ("data-x-inf", array("data0.X_test", lambda x: x * np.inf), ERR, r"'data0.X_test' holds NaN or infinite values"),
    ("data-labels-short", array("data0.y_train", lambda y: y[:-3]), ERR, r"'data0.y_train' has shape \(\d+,\); expected \(\d+,\)"),
    ("data-labels-long", array("data0.y_test", lambda y: np.concatenate([y, y])), ERR, r"'data0.y_test' has shape"),
    ("data-x-width", array("data0.X_train", lambda x: x[:, :1]), ERR, r"'data0.X_train' has shape \(\d+, 1\); expected \(n, 2\)"),
    ("data-x-strings", array("data0.X_train", lambda x: x.astype(str)), ERR, r"'data0.X_train' has dtype <U"),
    ("data-missing", array("data0.X_test", None), ERR, r"missing array 'data0.X_test'"),
    ("data-y-bytes-void", array("data0.y_train", lambda y: y.astype("V8")), ERR, r"'data0.y_train' has dtype"),
    ("extra-arrays", array("run0.params", lambda p: p), None, ""),
]  # fmt: skip


def _extra(a: Arrays) -> None:
    a["mine"] = np.arange(3)
    a["run9.params"] = np.zeros((2, 2))


MUTATIONS[-1] = ("extra-arrays", _extra, None, "")


def _object_array(path: Path, a: Arrays) -> Path:
    out: dict[str, Any] = {k: (np.array(json.dumps(v)) if k == "__netwarp__" else v) for k, v in a.items()}
    out["run0.classes"] = np.array([0, "one"], dtype=object)
    target = path.with_name("object.npz")
    np.savez(target, **out)  # allow_pickle: the object array is pickled inside the archive
    return target


@pytest.mark.parametrize(("case", "mutate", "error", "message"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_crafted_file(
    tmp_path: Path, base: tuple[Path, Arrays], case: str, mutate: Any, error: Any, message: str
) -> None:
    arrays = copy.deepcopy(base[1])
    mutate(arrays)
    path = write(tmp_path / f"{case}.npz", arrays)
    if error is None:
        runs = trajio.load_all(path)
        assert len(runs) == 2
        t = runs[0]
        assert np.isfinite(t.params).all() and len(t.loss) == len(t.params) == t.n_epochs + 1
        assert message in t.stop_reason
        if "diverged" in message:
            e = int(message.rsplit(" ", 1)[1])
            assert t.n_epochs == e - 1 and np.array_equal(t.params, base[1]["run0.params"][:e])
            assert runs[1].n_epochs == EPOCHS  # the other run is untouched
            assert t.data is not None
            t.forward(t.data.X_test)  # everything kept is usable
        return
    with pytest.raises(error, match=message) as info:
        trajio.load_all(path)
    assert "\n" not in str(info.value) and str(info.value).startswith(str(path))


def _zip_of_base(base_path: Path, size: int) -> bytes:
    return base_path.read_bytes()[:size]


RAW: list[tuple[str, Callable[[Path, Arrays], bytes | Path], type[Exception], str]] = [
    ("truncated-half", lambda p, a: _zip_of_base(p, p.stat().st_size // 2), ERR, r"truncated or corrupt trajectory file"),
    ("truncated-tail", lambda p, a: _zip_of_base(p, p.stat().st_size - 10), ERR, r"truncated or corrupt trajectory file"),
    ("not-a-zip", lambda p, a: bytes(range(256)) * 10, ERR, r"not a netwarp trajectory file \(it is not a \.npz \(zip\) archive\)"),
    ("text-file", lambda p, a: b"epoch,loss\n1,0.5\n2,0.4\n", ERR, r"not a netwarp trajectory file \(it is a text file\)"),
    ("utf8-text", lambda p, a: "Ωmega данные\n".encode() * 100, ERR, r"not a netwarp trajectory file \(it is a text file\)"),
    ("pickle", lambda p, a: pickle.dumps({"runs": [1, 2]}), ERR, r"not a netwarp trajectory file \(it is a Python pickle; netwarp never loads pickles\)"),
    ("empty-file", lambda p, a: b"", ERR, r"not a netwarp trajectory file \(the file is empty\)"),
    ("npy-file", lambda p, a: _npy_bytes(), ERR, r"it is a single \.npy array"),
    ("empty-zip", lambda p, a: _empty_zip(), ERR, r"no '__netwarp__' entry"),
    ("object-array", _object_array, ERR, r"'run0.classes' holds Python objects \(pickled data\); netwarp never loads pickles"),
    ("huge-declared-params", lambda p, a: _huge(p, a), TrajectoryLimitError, r"'run0.params' declares shape \(10000000000, 13\).*over the limit of 1 GiB"),
    ("crc-corrupt", lambda p, a: _flip_byte(p), ERR, r"corrupt"),
]  # fmt: skip


def _npy_bytes() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    return buf.getvalue()


def _empty_zip() -> bytes:
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    return buf.getvalue()


def _huge(path: Path, a: Arrays) -> Path:
    out = path.with_name("huge.npz")
    write(out, a)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**10, 13)})
    with zipfile.ZipFile(out, "a") as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the duplicate name: the last entry wins, as in zipfile
        zf.writestr("run0.params.npy", header.getvalue() + bytes(104))
    return out


def _flip_byte(path: Path) -> bytes:
    body = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("run0.params.npy")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    body[at] ^= 0xFF
    return bytes(body)


@pytest.mark.parametrize(("case", "make", "error", "message"), RAW, ids=[r[0] for r in RAW])
def test_raw_file(tmp_path: Path, base: tuple[Path, Arrays], case: str, make: Any, error: Any, message: str) -> None:
    made = make(base[0], copy.deepcopy(base[1]) | {"__netwarp__": base[1]["__netwarp__"]})
    path = made if isinstance(made, Path) else tmp_path / f"{case}.npz"
    if not isinstance(made, Path):
        path.write_bytes(made)
    with pytest.raises(error, match=message) as info:
        trajio.load_all(path)
    assert "\n" not in str(info.value)


def test_corpus_size() -> None:
    assert len(MUTATIONS) + len(RAW) >= 40


def test_base_file_and_old_layout_load(base: tuple[Path, Arrays]) -> None:
    runs = trajio.load_all(base[0])
    assert [t.n_epochs for t in runs] == [EPOCHS, EPOCHS] and runs[0].data is runs[1].data


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_commands_obey_the_divergence_rule(
    tmp_path: Path, base: tuple[Path, Arrays], value: float, capsys: pytest.CaptureFixture[str]
) -> None:
    from netwarp.apps.cli import main

    arrays = copy.deepcopy(base[1])
    poison(5, value)(arrays)
    path = write(tmp_path / "diverged.npz", arrays)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "epochs 4: diverged at epoch 5" in out and "epochs 12:" in out  # run 1 is whole
    assert main(["plot", str(path), "-o", str(tmp_path / "d.png")]) == 0
    assert main(["export", str(path), "-o", str(tmp_path / "d.html")]) == 0
    assert main(["export", str(path), "-o", str(tmp_path / "d.svg"), "--epoch", "-1"]) == 0
    assert (tmp_path / "d.png").stat().st_size and (tmp_path / "d.html").stat().st_size


def test_commands_call_a_text_file_not_a_trajectory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from netwarp.apps.cli import main

    path = tmp_path / "notes.npz"
    path.write_text("these are my notes\n")
    for argv in (["info", str(path)], ["plot", str(path), "-o", str(tmp_path / "x.png")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err == f"netwarp: error: {path}: not a netwarp trajectory file (it is a text file)\n"
