"""Runs with several targets per point in the views: what works and what is refused, in one line.

A multilabel classifier records, predicts, scores and saves (issue 13), but every view colours,
scores and reads out each point by one label, so drawing one is refused with one clear line
(CLI exit 2, no traceback; ``explore`` and ``watch`` a NetwarpError, ``watch`` before it
trains) and ``info`` describes it without diagnostics. A multi-output regressor is drawn (by
its first output) and ``watch`` takes it without a test set.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.apps.cli import main
from netwarp.apps.widget import watch
from netwarp.core.files import save
from netwarp.errors import NetwarpError

X = np.random.default_rng(0).normal(size=(60, 2))
LABELS = np.c_[X[:, 0] > 0, X[:, 1] > 0, X.sum(1) > 0].astype(int)  # three labels per point
OUTPUTS = np.c_[X.sum(1), X[:, 0] * X[:, 1]]  # two outputs per point


def _cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def multilabel_file(tmp_path_factory: Any) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = netwarp.record(MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0), X, LABELS, name="tags")
    path = tmp_path_factory.mktemp("ml") / "tags.npz"
    save(t, path)
    return path


def test_drawing_a_multilabel_run_is_refused_in_one_line(capsys: Any, multilabel_file: Path, tmp_path: Path) -> None:
    for command in (["plot", str(multilabel_file), "-o", str(tmp_path / "t.png")],
                    ["export", str(multilabel_file), "-o", str(tmp_path / "t.html")]):  # fmt: skip
        code, _, err = _cli(capsys, *command)
        assert code == 2, command
        assert err.strip().splitlines() == [
            "netwarp: error: run 'tags' is multilabel (3 labels per point) and netwarp draws one label per point, "
            "so it cannot be shown yet; it still loads, predicts, scores and saves"
        ]
        assert not (tmp_path / "t.png").exists() and not (tmp_path / "t.html").exists()
    t = netwarp.load(multilabel_file)
    assert t.predict(X).shape == (60, 3) and 0 <= t.score(X, LABELS) <= 1  # the run itself works
    with pytest.raises(NetwarpError, match="multilabel"):
        netwarp.explore(t)


def test_info_describes_a_multilabel_run_without_diagnostics(capsys: Any, multilabel_file: Path) -> None:
    code, out, err = _cli(capsys, "info", str(multilabel_file))
    assert code == 0 and err == ""
    assert "classes 0, 1, 2" in out
    assert "diagnostics skipped: 3 targets per point; the diagnostics take one" in out


def test_watch_refuses_a_multilabel_run_before_training() -> None:
    est = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    with pytest.raises(NetwarpError, match="multilabel"):
        watch(est, X, LABELS, show=False)
    assert not hasattr(est, "coefs_")  # refused before any epoch


def test_multi_output_regression_is_watched_and_drawn(capsys: Any, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = watch(MLPRegressor(hidden_layer_sizes=(3,), max_iter=5, random_state=0), X, OUTPUTS, show=False)
    t = w.runs[0]
    assert t.layer_sizes == (2, 3, 2) and t.n_epochs == 5  # no test set given: none needed
    path = tmp_path / "two.npz"
    save(t, path)
    assert _cli(capsys, "plot", str(path), "-o", str(tmp_path / "two.png"))[0] == 0
    assert (tmp_path / "two.png").stat().st_size > 0
    code, out, _ = _cli(capsys, "info", str(path))
    assert code == 0 and "diagnostics skipped: 2 targets per point" in out
