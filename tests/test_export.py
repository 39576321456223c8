"""netwarp.apps.export: one self-contained HTML file."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest

import netwarp
from netwarp.apps.bundle import bundle_js
from netwarp.apps.export import export_html
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import envelope
from netwarp.view.scene import Scene

#: 600 KB for the replayed runs and the view, plus ~60 KB for training in the page (the trainer's
#: code, static/train.js and its companions, and the run settings table the scene carries).
LIMIT = 680 * 1024


def demo_runs(**kw: object) -> list[Trajectory]:
    d = netwarp.data.datasets.load("interval1d")
    return [
        netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, activation=a, name=a, **kw)
        for a in ("tanh", "identity", "relu")
    ]


@pytest.fixture(scope="module")
def runs() -> list[Trajectory]:
    return demo_runs()


def test_file_is_self_contained(runs: list[Trajectory], tmp_path: Path) -> None:
    path = export_html(runs, tmp_path / "view.html", title="demo <b>")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "<title>demo &lt;b&gt;</title>" in text
    assert not re.search(r"<script[^>]*\bsrc=", text, re.I)
    assert not re.search(r"<link\b", text, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text, re.I)
    assert not re.search(r"\bimport\s*\(|^\s*import\s", text, re.M)  # no module loads
    assert not re.search(r"https?://", text)  # nothing to fetch, not even in comments
    assert "default-src 'none'" in text  # and the page may not try
    # the embedded envelope is exactly the scene's
    data_text = re.search(r'id="netwarp-envelope">(.*?)</script>', text, re.S)
    assert data_text
    want = envelope.encode(Scene.from_trajectories(runs, title="demo <b>"))
    assert base64.b64decode(data_text.group(1)) == want
    assert envelope.decode(want)[1]["title"] == "demo <b>"
    assert text.count("</script>") == 2  # envelope, module: nothing inside ends one early


def test_demo_size_is_within_budget(runs: list[Trajectory], tmp_path: Path) -> None:
    size = export_html(runs, tmp_path / "demo.html").stat().st_size
    assert size <= LIMIT, f"{size / 1024:.0f} KB"


@pytest.mark.slow
def test_demo_without_early_stopping_is_within_budget(tmp_path: Path) -> None:
    """All 1500 epochs of the three runs still fit."""
    long = demo_runs(early_stop=False)
    assert [r.n_epochs for r in long] == [1500, 1500, 1500]
    size = export_html(long, tmp_path / "demo.html").stat().st_size
    assert size <= LIMIT, f"{size / 1024:.0f} KB"


def test_bundle_is_one_module() -> None:
    js = bundle_js()
    assert len(re.findall(r"^export default \{", js, re.M)) == 1
    assert re.search(r"^export function createLocalModel", js, re.M)
    assert not re.search(r"^import\b", js, re.M)
    assert "from './" not in js


def test_bundle_refuses_an_import_the_module_does_not_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """A named import of something the module lacks would bind undefined and fail only when run."""
    from netwarp.apps import bundle

    sources = {"view.js": "import { there, gone } from './lib.js';\nexport default { render() { there(); } };",
               "lib.js": "export function there() {}"}  # fmt: skip
    monkeypatch.setattr(bundle, "_read", sources.__getitem__)
    bundle.bundle_js.cache_clear()
    try:
        with pytest.raises(NetwarpError, match=r"view\.js imports gone that lib\.js does not export"):
            bundle.bundle_js()
    finally:
        bundle.bundle_js.cache_clear()


def test_bad_path_raises_and_keeps_the_existing_file(runs: list[Trajectory], tmp_path: Path) -> None:
    with pytest.raises(NetwarpError, match="does not exist"):
        export_html(runs, tmp_path / "missing" / "view.html")
    with pytest.raises(NetwarpError, match="is a directory"):
        export_html(runs, tmp_path)
    keep = tmp_path / "view.html"
    keep.write_text("precious")
    with pytest.raises(NetwarpError):
        export_html(runs, keep, view={"run": 9})
    with pytest.raises(NetwarpError):
        export_html(runs, keep, np.zeros((2, 3)), np.zeros(2))
    assert keep.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]  # no temporary left behind


def test_failure_while_writing_leaves_the_old_file(
    runs: list[Trajectory], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = tmp_path / "view.html"
    keep.write_text("precious")

    def broken(*args: object, **kwargs: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr("netwarp.apps.export.page", broken)
    with pytest.raises(OSError):
        export_html(runs, keep)
    assert keep.read_text() == "precious"


def test_an_absurd_page_is_refused_before_anything_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netwarp.apps import export
    from netwarp.errors import LimitError

    d = netwarp.datasets.load("interval1d")
    t = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, max_iter=30, early_stop=False)
    monkeypatch.setattr(export, "MAX_PAGE_BYTES", 8 * t.params.size)  # the points push it over
    target = tmp_path / "v.html"
    target.write_text("old")
    with pytest.raises(LimitError, match="the page would hold"):
        export.export_html(t, target)
    assert target.read_text() == "old"


def test_bundle_ships_code_without_comment_lines() -> None:
    from netwarp.apps.bundle import strip_comments

    src = "// a\n/** b\n * c */\nconst x = 1; // kept\n  /* d */\nconst y = '//not a comment';\n/* e */ const z = 2;"
    kept = ["const x = 1; // kept", "const y = '//not a comment';", "/* e */ const z = 2;"]
    assert strip_comments(src).split("\n") == kept
