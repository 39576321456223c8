"""Multi-run files, repr, signatures and CSV reading say what they do (issue 13, defects 7 and 8)."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import netwarp
from netwarp.apps.cli import main
from netwarp.data.files import load_bytes
from netwarp.errors import DataFileError, NetwarpError


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = netwarp.data.datasets.load("interval1d", n=120)
    kw = dict(X_test=d.X_test, y_test=d.y_test, max_iter=4, early_stop=False, dataset_name="interval1d")
    runs = [netwarp.train(d.X_train, d.y_train, activation=a, name=a, **kw) for a in ("tanh", "relu", "identity")]
    return netwarp.save(runs, tmp_path_factory.mktemp("runs") / "three.npz")


def test_load_of_a_multi_run_file_names_load_all(three_runs: Path) -> None:
    with pytest.raises(NetwarpError, match=r"holds 3 runs \(0: tanh, 1: relu, 2: identity\).*netwarp\.load_all"):
        netwarp.load(three_runs)
    assert [t.name for t in netwarp.load_all(three_runs)] == ["tanh", "relu", "identity"]
    assert netwarp.load(three_runs, run="relu").name == "relu" and netwarp.load(three_runs, 2).name == "identity"
    single = netwarp.save(netwarp.load(three_runs, 0), three_runs.with_name("one.npz"))
    assert netwarp.load(single).name == "tanh"


def test_export_says_which_run_it_draws(three_runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = three_runs.with_name("first.png")
    assert main(["export", str(three_runs), "-o", str(out)]) == 0
    assert "holds 3 runs; exported run 0 (tanh)" in capsys.readouterr().err and out.is_file()
    assert main(["export", str(three_runs), "-o", str(out), "--run", "relu"]) == 0
    assert "holds 3 runs" not in capsys.readouterr().err
    assert main(["plot", str(three_runs), "-o", str(out)]) == 0
    assert "holds 3 runs; used run 0 (tanh); choose another with --run" in capsys.readouterr().err
    page = three_runs.with_name("all.html")
    assert main(["export", str(three_runs), "-o", str(page)]) == 0
    assert "(3 run(s))" in capsys.readouterr().out


def test_repr_is_one_short_line(three_runs: Path) -> None:
    text = repr(netwarp.load(three_runs, 0))
    assert "\n" not in text and len(text) < 120
    assert "1-2-1" in text and "4 epochs" in text and "interval1d" in text


@pytest.mark.parametrize("name", ["explore", "watch", "plot", "animate", "export_html", "record", "load"])
def test_public_functions_show_their_real_signatures(name: str) -> None:
    params = inspect.signature(getattr(netwarp, name)).parameters
    kinds = {p.kind for p in params.values()}
    assert inspect.Parameter.VAR_POSITIONAL not in kinds, name
    assert len(params) >= 2


def test_semicolon_csv_with_a_quoted_comma_in_the_header() -> None:
    text = b'"width, cm";height;label\n1;2;a\n2;3;b\n3;4;a\n4;5;b\n5;1;a\n6;2;b\n'
    d = load_bytes(text, "quoted.csv", "label")
    assert d.feature_names == ("width, cm", "height")
    np.testing.assert_array_equal(np.sort(d.X[:, 0]), [1, 2, 3, 4, 5, 6])
    commas = b'"a;b",c,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n'
    assert load_bytes(commas, "commas.csv", "label").feature_names == ("a;b", "c")


def test_pandas_index_column_is_dropped_with_a_notice() -> None:
    df = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) ** 2, "y": ["p", "q"] * 5})
    with pytest.warns(UserWarning, match="dropped the first column .*to_csv"):
        d = load_bytes(df.to_csv().encode(), "frame.csv", "y")
    assert d.feature_names == ("a", "b") and "dropped the first column" in d.description
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no notice without the index
        assert load_bytes(df.to_csv(index=False).encode(), "plain.csv", "y").feature_names == ("a", "b")


def test_an_unnamed_column_that_is_not_an_index_is_a_clear_error() -> None:
    with pytest.raises(DataFileError, match="column 1 has an empty name in the header"):
        load_bytes(b",a,y\n5,1,p\n7,2,q\n9,3,p\n", "unnamed.csv", "y")
