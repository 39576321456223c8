"""The package's public surface: curated __all__, typed, lazy optional parts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import netwarp


def test_all_names_exist_and_are_documented() -> None:
    for name in netwarp.__all__:
        obj = getattr(netwarp, name)
        assert obj is not None
        if callable(obj):
            assert obj.__doc__, name


def test_py_typed_is_shipped() -> None:
    assert (Path(netwarp.__file__).parent / "py.typed").exists()


def test_core_import_does_not_pull_in_views_or_extras() -> None:
    code = (
        "import sys, netwarp\n"
        "bad = [m for m in ('matplotlib', 'torch', 'fastapi', 'uvicorn', 'anywidget', 'dask', 'imageio')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_lazy_wrappers_reach_the_views(tmp_path: Path) -> None:
    d = netwarp.data.datasets.load("interval1d", n=200)
    t = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, max_iter=5, early_stop=False)
    path = netwarp.export_html([t], tmp_path / "v.html")
    assert path.read_text().lstrip().lower().startswith("<!doctype html>")
    w = netwarp.explore(t)
    w.epoch = 3
    assert w.epoch == 3
