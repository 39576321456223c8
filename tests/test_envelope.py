"""netwarp.view.envelope: the one binary form of a view, read the same by Python, by the
renderer's decoder under node, and carried unchanged by every host (widget, HTML export,
essay page, the server's views)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import envelope
from netwarp.view.scene import Scene

ROOT = Path(__file__).resolve().parents[1]
DECODER = ROOT / "tests" / "js" / "envelope.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
needs_node = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")


@pytest.fixture(scope="module")
def runs() -> list[Trajectory]:
    d = netwarp.data.datasets.load("interval1d")
    return [netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, activation=a, name=a, max_iter=40)
            for a in ("tanh", "relu")]  # fmt: skip


def node_decode(tmp_path: Path, data: bytes, *chunks: bytes) -> dict[str, Any]:
    """What static/envelope.js and static/model.js read from ``data`` (and the chunks appended)."""
    paths = []
    for i, b in enumerate((data, *chunks)):
        paths.append(tmp_path / f"e{i}.bin")
        paths[-1].write_bytes(b)
    out = subprocess.run([NODE, str(DECODER), *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def same_arrays(py: dict[str, np.ndarray[Any, Any]], js: dict[str, Any]) -> None:
    assert sorted(py) == sorted(js)
    for path, a in py.items():
        assert js[path]["dtype"] == a.dtype.name, path
        want = [None if not np.isfinite(v) else float(v) for v in a.astype(np.float64)]
        assert js[path]["values"] == want, path


def test_round_trip(runs: list[Trajectory]) -> None:
    scene = Scene.from_trajectories(runs, title="t", view={"epoch": 3})
    data = envelope.encode(scene)
    assert data[:8] == envelope.MAGIC and struct.unpack("<I", data[8:12])[0] == envelope.VERSION
    kind, spec = envelope.decode(data)
    assert kind == "scene" and spec["title"] == "t" and spec["view"] == {"epoch": 3}
    tree = scene.tree()
    got = envelope.arrays(spec)
    want = {k: v for k, v in envelope.arrays(tree).items()}
    assert sorted(got) == sorted(want)
    for path, a in want.items():
        np.testing.assert_array_equal(got[path], np.asarray(a).ravel(), err_msg=path)
        assert got[path].dtype.name == envelope._dtype(np.asarray(a))
    _, buf = envelope.split(data)
    assert all(ref_offset % 8 == 0 for ref_offset in _offsets(envelope.split(data)[0]))
    assert (len(data) - len(buf)) % 8 == 0  # the buffer starts 8-byte aligned


def _offsets(spec: Any) -> list[int]:
    if isinstance(spec, dict):
        if set(spec) == {"dtype", "offset", "length"}:
            return [spec["offset"]]
        return [o for v in spec.values() for o in _offsets(v)]
    if isinstance(spec, list):
        return [o for v in spec for o in _offsets(v)]
    return []


def test_json_holds_no_nan_and_bad_bytes_are_refused() -> None:
    data = envelope.pack("chunk", {"x": float("nan"), "y": [1.0, float("inf")], "a": np.array([np.nan, 1.0])})
    raw, _ = envelope.split(data)
    assert raw["x"] is None and raw["y"] == [1.0, None]
    _, spec = envelope.decode(data)
    assert np.isnan(spec["a"][0]) and spec["a"][1] == 1.0
    with pytest.raises(NetwarpError, match="not a netwarp view envelope"):
        envelope.decode(b"hello world, not an envelope")
    with pytest.raises(NetwarpError, match="version 9"):
        envelope.decode(envelope.MAGIC + struct.pack("<II", 9, 0))
    with pytest.raises(NetwarpError, match="cut short"):
        envelope.decode(data[:20])
    with pytest.raises(NetwarpError, match="outside"):
        envelope.decode(data[: len(data) - 8])


@needs_node
def test_js_decodes_the_same_arrays(runs: list[Trajectory], tmp_path: Path) -> None:
    data = envelope.encode(Scene.from_trajectories(runs))
    js = node_decode(tmp_path, data)
    assert js["kind"] == "scene"
    same_arrays(envelope.arrays(envelope.decode(data)[1]), js["arrays"])


@needs_node
def test_js_appends_chunks_to_the_same_run(runs: list[Trajectory], tmp_path: Path) -> None:
    traj = runs[0]
    d = traj.data
    assert d is not None
    X, y = np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])
    scene = Scene(X, y, [traj])
    part = lambda a, b: (traj.params[a:b], traj.loss[a:b], traj.train_score[a:b], traj.test_score[a:b])  # noqa: E731
    scene.append(0, *part(0, 1))
    first = envelope.encode(scene)  # the view starts with epoch 0 only
    chunks = [envelope.encode_chunk(scene.append(0, *part(a, b))) for a, b in ((1, 8), (8, traj.n_epochs + 1))]
    assert envelope.decode(chunks[0])[0] == "chunk"
    js = node_decode(tmp_path, first, *chunks)
    run = js["runs"][0]
    assert run["n_epochs"] == traj.n_epochs and run["capacity"] >= traj.n_epochs + 1
    np.testing.assert_array_equal(np.reshape(run["params"], traj.params.shape), traj.params)
    np.testing.assert_array_equal(run["loss"], traj.loss.astype(np.float32))
    want = scene.view_data(0)
    assert run["bounds"] == want["bounds"] and run["morph_unit_bounds"] == want["morph_unit_bounds"]
    assert run["diagnostics_epochs"] == scene.run_tree(0)["diagnostics"]["epochs"]


def test_every_host_carries_the_same_envelope(runs: list[Trajectory], tmp_path: Path) -> None:
    pytest.importorskip("anywidget")
    from netwarp.apps.export import export_html
    from netwarp.apps.serve import views
    from netwarp.apps.widget import explore

    view = {"epoch": 5, "run": 1}
    want = envelope.encode(Scene.from_trajectories(runs, view=view, title="same"))
    assert bytes(explore(runs, title="same", **view).get_state()["envelope"]) == want
    html = export_html(runs, tmp_path / "v.html", title="same", view=view).read_text()
    embedded = re.search(r'id="netwarp-envelope">(.*?)</script>', html, re.S)
    assert embedded and base64.b64decode(embedded.group(1)) == want
    assert views.envelope_bytes(runs, view, "same") == want
    # GET /api/view: the envelope built without a view state, the state written in afterwards
    assert views.with_view(views.envelope_bytes(runs, None, "same"), view, len(runs)) == want


def test_essay_page_carries_the_scene_envelope(runs: list[Trajectory]) -> None:
    from netwarp.apps.essay import tour
    from netwarp.apps.essay.page import stored_rows, unpacked, view_scripts
    from netwarp.view.diagnostics import diagnose

    step = tour.steps()[2]  # interval1d
    measured = [tour.Measured(tour.run(r.name, (2,)), r, diagnose(r)) for r in runs]
    scripts = view_scripts(tour.StepResult(step, measured, {}))
    found = re.search(rf'id="envelope-{step.key}">(.*?)</script>', scripts, re.S)
    assert found
    want = Scene.from_trajectories(runs, title=step.title.split(". ", 1)[-1], view=step.view or None,
                                   diagnostics=[m.diag for m in measured])  # fmt: skip
    assert unpacked(base64.b64decode(found.group(1))) == envelope.encode(want, store=stored_rows)
