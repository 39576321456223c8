"""The Recording type and its place in trajectory files (format version 2): round trips, older
files, and a damaged recording refused with one line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core.recording import Recording
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError, TrajectoryFileError
from netwarp.view import envelope
from netwarp.view.scene import Scene


def recording(n_snap: int = 4, n: int = 30) -> Recording:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 5))
    y = np.arange(n) % 3
    data = Dataset("toy", X[:20], y[:20], X[20:], y[20:])
    hidden = rng.normal(size=(n_snap, n, 6)).astype(np.float32)
    out = rng.dirichlet(np.ones(3), size=(n_snap, n)).astype(np.float32)
    return Recording((1, 1), ("identity",), np.zeros((n_snap, 0)), classes=np.arange(3), data=data, name="toy",
                     layer_names=("hidden", "softmax"), values=[hidden, out], loss=np.linspace(1, 0.1, n_snap))


def meta_of(path: Path) -> dict[str, Any]:
    with np.load(path, allow_pickle=False) as z:
        return dict(json.loads(str(z["__netwarp__"][()])))


def test_a_recording_round_trips_beside_a_parameter_run(tmp_path: Path) -> None:
    rec = recording()
    d = netwarp.data.datasets.load("blobs")
    traj = netwarp.train(d.X_train, d.y_train, hidden=(3,), max_iter=5)
    netwarp.save([traj, rec], tmp_path / "both.npz")
    assert meta_of(tmp_path / "both.npz")["version"] == 2
    back_traj, back = netwarp.load_all(tmp_path / "both.npz")
    assert isinstance(back, Recording) and not isinstance(back_traj, Recording)
    assert back.layer_sizes == (5, 6, 3) and back.layer_names == ("hidden", "softmax") and back.n_epochs == 3
    assert all(np.array_equal(a, b) and a.dtype == np.float32 for a, b in zip(back.values, rec.values, strict=True))
    assert np.array_equal(back.loss, rec.loss) and back.data is not None and np.array_equal(back.data.X, rec.data.X)
    assert np.array_equal(back_traj.params, traj.params)


def test_files_without_recordings_stay_version_1(tmp_path: Path) -> None:
    d = netwarp.data.datasets.load("blobs")
    netwarp.save(netwarp.train(d.X_train, d.y_train, hidden=(3,), max_iter=3), tmp_path / "one.npz")
    assert meta_of(tmp_path / "one.npz")["version"] == 1


def test_forward_gives_the_recorded_layers_of_the_sample_only() -> None:
    rec = recording()
    assert rec.data is not None
    values = rec.forward(None, 2)
    assert [v.shape for v in values] == [(30, 5), (30, 6), (30, 3)] and np.array_equal(values[1], rec.values[0][2])
    assert np.array_equal(rec.forward(rec.data.X, -1)[2], rec.values[1][-1])
    with pytest.raises(NetwarpError, match="recorded activations of its sample points"):
        rec.forward(rec.data.X[:5])
    with pytest.raises(NetwarpError, match="not parameters"):
        rec.weights(0)


def test_the_envelope_carries_recorded_layers_only_for_recordings(tmp_path: Path) -> None:
    rec = recording()
    _, spec = envelope.decode(envelope.encode(Scene.from_trajectories(rec)))
    run = spec["runs"][0]
    assert run["layer_names"] == ["", "hidden", "softmax"] and run["recorded"][0] is None
    assert np.array_equal(run["recorded"][1], rec.values[0].ravel()) and run["n_params"] == 0
    assert len(run["projections"]) == 3 and run["projections"][1] is not None  # 6 wide: a PCA
    d = netwarp.data.datasets.load("blobs")
    traj = netwarp.train(d.X_train, d.y_train, hidden=(3,), max_iter=3)
    _, plain = envelope.decode(envelope.encode(Scene.from_trajectories(traj)))
    assert "recorded" not in plain["runs"][0] and "layer_names" not in plain["runs"][0]
    with pytest.raises(NetwarpError, match="own 30 sample points"):
        Scene.from_trajectories(rec, rec.data.X[:10], rec.data.y[:10])  # type: ignore[union-attr]


def rewrite(src: Path, dst: Path, change: Any) -> Path:
    """A copy of ``src`` with its arrays (a dict, the metadata as ``meta``) changed by ``change``."""
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["__netwarp__"][()]))
    change(arrays, meta)
    arrays["__netwarp__"] = np.array(json.dumps(meta))
    np.savez(dst, **arrays)
    return dst


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a, m: a.pop("run0.act1"), r"missing array 'run0.act1' \(layer 'softmax'\)"),
        (lambda a, m: a.update({"run0.act0": a["run0.act0"].astype(np.float64)}), "expected float32"),
        (lambda a, m: a.update({"run0.act0": a["run0.act0"][:, :10]}), r"shape \(4, 10, 6\)"),
        (lambda a, m: a["run0.act0"].__setitem__((1, 2, 3), np.nan), "NaN or infinite"),
        (lambda a, m: m["runs"][0].update({"layer_names": []}), "'layer_names' must be a non-empty list"),
        (lambda a, m: m["runs"][0].update({"data": None}), "need the data block"),
    ],
)
def test_a_damaged_recording_is_refused_with_one_line(tmp_path: Path, change: Any, message: str) -> None:
    netwarp.save(recording(), tmp_path / "r.npz")
    bad = rewrite(tmp_path / "r.npz", tmp_path / "bad.npz", change)
    with pytest.raises(TrajectoryFileError, match=message) as info:
        netwarp.load(bad)
    assert "\n" not in str(info.value)
    assert zipfile.is_zipfile(bad)


def test_class_moments_are_when_each_class_is_first_mostly_right() -> None:
    from netwarp.core.recording import class_moments
    from netwarp.view.recorded import marks

    rec = recording(n_snap=5)
    assert rec.data is not None
    y = rec.data.y
    out = np.full((5, 30, 3), 0.1, dtype=np.float32)
    out[:, :, 0] = 0.8  # everyone says class 0 ...
    out[3:, y == 2, 2] = 0.9  # ... class 2 is right from snapshot 3; class 1 never is
    rec.values[1] = out
    assert class_moments(rec) == [{"epoch": 0, "label": "0"}, {"epoch": 3, "label": "2"}]
    given = [{"epoch": 3, "label": "2"}, {"epoch": 99, "label": "x"}, {"epoch": True, "label": "y"}, 7]
    assert marks(given, 4) == [{"epoch": 3, "label": "2"}]  # a file's config is checked before it is shown


def test_a_recording_of_2d_points_plots_without_grid_or_regions(tmp_path: Path) -> None:
    d = netwarp.data.datasets.load("two_curves")
    traj = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, hidden=(4,), max_iter=10)
    assert traj.data is not None
    vals = traj.forward_epochs(traj.data.X)
    rec = Recording((1, 1), ("identity",), np.zeros((traj.n_epochs + 1, 0)), classes=traj.classes, data=traj.data,
                    layer_names=("hidden", "output"), values=[v.astype(np.float32) for v in vals[1:]])  # fmt: skip
    fig = netwarp.plot(rec, epoch=5)
    assert [ax.get_title().split(" (")[0] for ax in fig.axes] == ["input", "hidden", "output"]
    assert not fig.axes[0].images and not fig.axes[0].lines  # no decision regions, no deformed grid
    assert netwarp.plot(traj, epoch=5).axes[0].images  # the parameter run has them
