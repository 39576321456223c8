"""Data files: every format, labels, scaling, the split, and every kind of bad data (library and CLI)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from netwarp.apps.cli import main
from netwarp.core.files import load
from netwarp.data import files as datafile
from netwarp.errors import DataFileError, NetwarpError

ROWS = [(0.1 * i, (i * 7 % 11) / 10.0, ("cat", "dog", "emu")[i % 3]) for i in range(30)]


def write_csv(
    path: Path, rows: list[tuple[Any, ...]] = ROWS, header: str | None = "x1,x2,animal", sep: str = ","
) -> Path:
    lines = ([header.replace(",", sep)] if header is not None else []) + [sep.join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


# ------------------------------------------------------------------ formats
def test_csv_with_string_labels_multiclass(tmp_path: Path) -> None:
    d = datafile.load_file(write_csv(tmp_path / "animals.csv"), label="animal")
    assert isinstance(d, datafile.FileDataset) and isinstance(d, netwarp_dataset())
    assert d.name == "animals" and d.feature_names == ("x1", "x2") and d.label == "animal"
    assert d.n_features == 2 and len(d.y_train) == 15 and len(d.y_test) == 15
    assert list(d.classes) == ["cat", "dog", "emu"] and d.y.dtype.kind == "U"
    # stratified: every class in both halves, 5 each
    for part in (d.y_train, d.y_test):
        assert sorted(np.unique(part, return_counts=True)[1]) == [5, 5, 5]
    # rows keep their features: every (x1, x2, label) of the split is a row of the file
    table = {(round(a, 9), round(b, 9)): c for a, b, c in ROWS}
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        assert all(table[(round(a, 9), round(b, 9))] == c for (a, b), c in zip(X, y, strict=True))
    # the default label is the last column; the same seed gives the same split
    again = datafile.load_file(tmp_path / "animals.csv")
    np.testing.assert_array_equal(again.X_train, d.X_train)
    other = datafile.load_file(tmp_path / "animals.csv", random_state=5)
    assert not np.array_equal(other.X_train, d.X_train)


def netwarp_dataset() -> type:
    from netwarp.data.datasets import Dataset

    return Dataset


def test_tsv_semicolon_headerless_and_integer_labels(tmp_path: Path) -> None:
    rows = [(i, i % 4, i % 2) for i in range(20)]
    tsv = datafile.load_file(write_csv(tmp_path / "t.tsv", rows, "a,b,y", sep="\t"), label="y")
    semi = datafile.load_file(write_csv(tmp_path / "s.csv", rows, "a,b,y", sep=";"), label="y")
    bare = datafile.load_file(write_csv(tmp_path / "n.csv", rows, header=None))
    for d in (tsv, semi, bare):
        assert d.y.dtype == np.int64 and list(d.classes) == [0, 1] and d.X.shape == (20, 2)
        np.testing.assert_array_equal(np.sort(d.X[:, 0]), np.arange(20.0))
    assert bare.feature_names == ("0", "1") and bare.label == "2"
    # "1.0" is the class 1; a headerless file whose labels are words still has no header
    words = datafile.load_file(write_csv(tmp_path / "w.csv", [(i, i * 2, "ab"[i % 2]) for i in range(8)], None))
    assert len(words.y) == 8 and list(words.classes) == ["a", "b"]
    floats = datafile.load_file(write_csv(tmp_path / "f.csv", [(i, f"{i % 2}.0") for i in range(8)], "x,y"))
    assert floats.y.dtype == np.int64


def test_quoted_fields_bom_crlf_and_blank_lines(tmp_path: Path) -> None:
    text = '\ufeff"x 1","x,2",label\r\n1,2,"a, b"\r\n\r\n3,4,c\r\n5,6,"a, b"\r\n7,8,c\r\n'
    path = tmp_path / "q.csv"
    path.write_bytes(text.encode("utf-8"))
    d = datafile.load_file(path, test_size=0.5)
    assert d.feature_names == ("x 1", "x,2") and set(d.y) == {"a, b", "c"} and d.X.shape == (4, 2)
    spaced = tmp_path / "spaced.csv"
    spaced.write_text(" a , b , y \n 1 , 2 , no \n3,4,yes\n  \n 5 ,6, no\n7 , 8,yes \n")
    d = datafile.load_file(spaced, "y")
    assert d.feature_names == ("a", "b") and list(d.classes) == ["no", "yes"]
    np.testing.assert_array_equal(np.sort(d.X[:, 0]), [1, 3, 5, 7])
    spaced.write_text("a,b,y\n1,  ,no\n3,4,yes\n")
    with pytest.raises(DataFileError, match="line 2, column 'b': missing value"):
        datafile.load_file(spaced)


def test_parquet(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12) % 5, "flag": np.arange(12) % 2 == 0,
                          "kind": ["x", "y", "z"] * 4})  # fmt: skip
    frame.to_parquet(tmp_path / "t.parquet")
    d = datafile.load_file(tmp_path / "t.parquet", label="kind")
    assert d.feature_names == ("a", "b", "flag") and list(d.classes) == ["x", "y", "z"]
    np.testing.assert_array_equal(np.sort(d.X[:, 0]), np.arange(12.0))
    # same rows as the CSV route
    frame.to_csv(tmp_path / "t.csv", index=False)
    from_csv = datafile.load_file(tmp_path / "t.csv", label="kind")
    np.testing.assert_array_equal(from_csv.X, d.X)  # the CSV's True/False read as 1/0
    frame.loc[3, "a"] = None
    frame.to_parquet(tmp_path / "missing.parquet")
    with pytest.raises(DataFileError, match=r"missing\.parquet, row 4, column 'a': missing value"):
        datafile.load_file(tmp_path / "missing.parquet", label="kind")
    with pytest.raises(DataFileError, match=r"column 'kind': type \w*string is not numeric"):
        datafile.load_file(tmp_path / "t.parquet", label="a")


def test_npz(tmp_path: Path) -> None:
    X = np.arange(40.0).reshape(20, 2)
    np.savez(tmp_path / "d.npz", X=X, y=np.arange(20) % 3, feature_names=np.array(["u", "v"]))
    d = datafile.load_file(tmp_path / "d.npz")
    assert d.feature_names == ("u", "v") and list(d.classes) == [0, 1, 2]
    np.testing.assert_array_equal(np.sort(d.X, axis=0), X)
    np.savez(tmp_path / "names.npz", X=X[:, 0], target=np.array(["a", "b"] * 10))
    d = datafile.load_file(tmp_path / "names.npz", label="target")
    assert d.feature_names == ("x1",) and list(d.classes) == ["a", "b"]
    np.savez(tmp_path / "objects.npz", X=X, y=np.array([{"a": 1}] * 20, dtype=object))
    with pytest.raises(DataFileError, match="Python objects"):
        datafile.load_file(tmp_path / "objects.npz")
    np.savez(tmp_path / "noy.npz", X=X)
    with pytest.raises(DataFileError, match=r"no array 'y' \(arrays: X\)"):
        datafile.load_file(tmp_path / "noy.npz")
    np.savez(tmp_path / "short.npz", X=X, y=np.arange(5))
    with pytest.raises(DataFileError, match="X has 20 rows but y has 5"):
        datafile.load_file(tmp_path / "short.npz")


def test_load_bytes_matches_load_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "animals.csv")
    a = datafile.load_file(path, scale=True)
    b = datafile.load_bytes(path.read_bytes(), "animals.csv", scale=True)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert b.source == "animals.csv"
    buf = io.BytesIO()
    np.savez(buf, X=np.ones((4, 1)) * np.arange(4)[:, None], y=[0, 1, 0, 1])
    assert datafile.load_bytes(buf.getvalue(), "up.npz").X.shape == (4, 1)
    with pytest.raises(DataFileError, match=r"up\.xlsx: unsupported file type '\.xlsx'"):
        datafile.load_bytes(b"abc", "up.xlsx")


def test_scale_uses_training_rows_only_and_is_recorded(tmp_path: Path) -> None:
    rows = [(i * 10.0, 5.0, 1000 + i, i % 2) for i in range(40)]
    d = datafile.load_file(write_csv(tmp_path / "s.csv", rows, "a,const,b,y"), scale=True)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=0)[[0, 2]], 1)
    assert np.all(d.X_train[:, 1] == 0)  # a constant feature is centred, not divided by 0
    raw = datafile.load_file(tmp_path / "s.csv")
    np.testing.assert_allclose(d.X_test, (raw.X_test - d.scale_mean) / d.scale_std)
    np.testing.assert_allclose(d.scale_mean, raw.X_train.mean(axis=0))
    assert not np.allclose(d.X_test.mean(axis=0), 0)  # the test rows did not take part
    info = d.info()
    assert info["scaled"] and info["scale_mean"] == pytest.approx(list(d.scale_mean)) and info["label"] == "y"
    assert raw.info()["scaled"] is False and raw.scale_mean is None


def test_features_and_regression(tmp_path: Path) -> None:
    rows = [(i, "id" + str(i), i * 0.5, i * 1.5 + 0.25) for i in range(12)]
    path = write_csv(tmp_path / "r.csv", rows, "a,name,b,target")
    with pytest.raises(DataFileError, match=r"line 2, column 'name': 'id0' is not a number"):
        datafile.load_file(path, "target")
    with pytest.raises(DataFileError, match=r"line 2, column 'target': label '0.25' is not a whole number"):
        datafile.load_file(path, "target", features=["a", "b"])
    d = datafile.load_file(path, "target", features=["b", "a"], task="regression")
    assert d.feature_names == ("b", "a") and d.y.dtype == np.float64 and d.task == "regression"
    np.testing.assert_allclose(d.y, d.X[:, 1] * 1.5 + 0.25)
    with pytest.raises(DataFileError, match="no feature column 'c'"):
        datafile.load_file(path, "target", features=["c"])
    with pytest.raises(DataFileError, match="both the label and a feature"):
        datafile.load_file(path, "target", features=["a", "target"])


# ------------------------------------------------------------------ bad data
BAD: list[tuple[str, bytes, str]] = [
    ("empty.csv", b"", r"empty\.csv: the file is empty"),
    ("blank.csv", b"\n \n\n", r"blank\.csv: the file holds only blank lines"),
    ("header.csv", b"a,b,y\n", r"header\.csv: a header \(a, b, y\) but no data rows"),
    ("single.csv", b"a,y\n1,k\n2,k\n3,k\n", r"single\.csv: label column 'y' holds a single class \('k'\)"),
    ("ragged.csv", b"a,b,y\n1,2,0\n3,4\n5,6,1\n", r"ragged\.csv, line 3: 2 fields, the header has 3"),
    ("text.csv", b"a,b,y\n1,2,0\n3,red,1\n", r"text\.csv, line 3, column 'b': 'red' is not a number"),
    ("hole.csv", b"a,b,y\n1,,0\n3,4,1\n", r"hole\.csv, line 2, column 'b': missing value"),
    ("nan.csv", b"a,b,y\n1,2,0\nnan,4,1\n", r"nan\.csv, line 3, column 'a': NaN"),
    ("inf.csv", b"a,b,y\n1,2,0\n3,-inf,1\n", r"inf\.csv, line 3, column 'b': infinite"),
    ("nolabel.csv", b"a,b,y\n1,2,\n3,4,1\n", r"nolabel\.csv, line 2, column 'y': missing label"),
    ("binary.csv", bytes(range(256)) * 4, r"binary\.csv: binary data, not a text table"),
    ("latin.csv", "a,b,y\n1,2,é\n".encode("latin-1"), r"latin\.csv, line 2: not UTF-8 text"),
    ("pq.csv", b"PAR1" + bytes(64), r"pq\.csv: this is a Parquet file"),
    ("onecol.csv", b"a\n1\n2\n", r"onecol\.csv: only one column \('a'\)"),
    ("dup.csv", b"a,a,y\n1,2,0\n3,4,1\n", r"dup\.csv, line 1: column 'a' appears twice"),
    ("quote.csv", b'a,b,y\n1,"2,0\n3,4,1\n', r"quote\.csv, line \d+: malformed"),
    ("few.csv", b"a,y\n1,0\n2,1\n", r"few\.csv: 2 rows are too few to split"),
    ("bad.npz", b"PK\x03\x04garbage", r"bad\.npz: not a readable \.npz file"),
    ("bad.parquet", b"not parquet at all", r"bad\.parquet: not a readable Parquet file"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_data_is_one_clear_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message) as info:
        datafile.load_file(path)
    assert "\n" not in str(info.value) and isinstance(info.value, NetwarpError)


def test_missing_label_column_too_large_and_missing_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "animals.csv")
    with pytest.raises(DataFileError, match=r"animals\.csv: no label column 'species' \(columns: x1, x2, animal\)"):
        datafile.load_file(path, label="species")
    with pytest.raises(
        DataFileError, match=r"animals\.csv: file is .* over the 100 bytes limit \(raise it with --max-mb"
    ):
        datafile.load_file(path, max_bytes=100)
    with pytest.raises(DataFileError, match=r"nope\.csv: no such file"):
        datafile.load_file(tmp_path / "nope.csv")
    with pytest.raises(DataFileError, match="is a directory"):
        datafile.load_file(tmp_path)
    with pytest.raises(DataFileError, match="test_size must be in"):
        datafile.load_file(path, test_size=1.0)
    with pytest.raises(DataFileError, match="distinct values"):
        datafile.load_bytes(("a,y\n" + "".join(f"{i},{i}\n" for i in range(300))).encode(), "ids.csv")


def cli(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("name", "content", "message"), BAD[:14], ids=[b[0] for b in BAD[:14]])
def test_cli_bad_data_exit_2_and_output_untouched(
    capsys: Any, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "run.npz"
    out.write_bytes(b"precious")
    code, _, err = cli(capsys, "train", "--data", str(path), "-o", str(out))
    assert code == 2
    assert err.startswith("netwarp: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err
    assert out.read_bytes() == b"precious"


def test_cli_flag_errors(capsys: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "animals.csv")
    out = tmp_path / "run.npz"
    out.write_bytes(b"precious")
    cases = [
        (["--label", "species"], "no label column 'species'"),
        (["--max-mb", "0.0001"], "over the 104 bytes limit"),
        (["--max-mb", "0"], "--max-mb 0: must be greater than 0"),
        (["--test-size", "1.5"], "--test-size 1.5"),
        (["--n", "50"], "--n applies to built-in datasets"),
        (["--dataset", "moons"], "--dataset applies to built-in datasets"),
    ]
    for extra, message in cases:
        code, _, err = cli(capsys, "train", "--data", str(path), "-o", str(out), *extra)
        assert code == 2 and message in err and err.count("\n") == 1, (extra, err)
    code, _, err = cli(capsys, "train", "--dataset", "moons", "--scale", "-o", str(out))
    assert code == 2 and "--scale applies to --data files only" in err
    code, _, err = cli(capsys, "train", "--data", str(tmp_path / "missing.csv"), "-o", str(out))
    assert code == 2 and "missing.csv: no such file" in err
    assert out.read_bytes() == b"precious"


def test_cli_trains_on_a_csv_file(capsys: Any, tmp_path: Path, monkeypatch: Any) -> None:
    path = write_csv(tmp_path / "animals.csv")
    out = tmp_path / "animals-run.npz"
    flags = ["--label", "animal", "--scale", "--test-size", "0.3", "--hidden", "6", "--solver", "adam"]
    code, text, _ = cli(
        capsys, "train", "--data", str(path), *flags, "--lr", "0.05", "--max-iter", "40", "-o", str(out)
    )
    assert code == 0 and f"saved {out}" in text
    t = load(out)
    assert t.layer_sizes == (2, 6, 3) and t.out_activation == "softmax" and list(t.classes) == ["cat", "dog", "emu"]
    assert t.data is not None and len(t.data.y_test) == 9 and t.data.name == "animals"
    info = t.config["data"]
    assert (
        info["scaled"] and info["label"] == "animal" and info["features"] == ["x1", "x2"] and info["test_size"] == 0.3
    )
    np.testing.assert_allclose(t.data.X_train.mean(axis=0), 0, atol=1e-12)
    # the default output name follows the file
    monkeypatch.chdir(tmp_path)
    code, text, _ = cli(capsys, "train", "--data", str(path), "--max-iter", "5")
    assert code == 0 and (tmp_path / "animals.npz").exists()
