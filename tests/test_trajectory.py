"""Trajectory: shapes, forward pass, and .npz files (versioned, no pickle, atomic)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core import files as trajio
from netwarp.errors import NetwarpError, TrajectoryFileError


def test_shapes_and_metrics(seed_runs: dict[str, Any]) -> None:
    t = seed_runs["tanh"]
    assert t.layer_sizes == (1, 2, 1)
    assert t.activation == "tanh" and t.out_activation == "logistic"
    assert t.weights(0).shape == (t.n_epochs + 1, 1, 2)
    assert t.biases(1).shape == (t.n_epochs + 1, 1)
    assert [c.shape for c in t.coefs(3)] == [(1, 2), (2, 1)]
    assert t.loss.shape == t.train_score.shape == t.test_score.shape == (t.n_epochs + 1,)
    assert t.train_accuracy[-1] == 1.0 and t.test_accuracy[-1] > 0.99
    assert t.loss[-1] < t.loss[0]
    np.testing.assert_array_equal(t.classes, [0, 1])


def test_forward_layers(seed_runs: dict[str, Any], seed_data: Any) -> None:
    t = seed_runs["tanh"]
    layers = t.forward(seed_data.X_test, 100)
    assert [a.shape for a in layers] == [(900, 1), (900, 2), (900, 1)]
    W, b = t.coefs(100), t.intercepts(100)
    np.testing.assert_allclose(layers[1], np.tanh(seed_data.X_test @ W[0] + b[0]))
    many = t.forward_epochs(seed_data.X_test, [0, 100, t.n_epochs])
    np.testing.assert_allclose(many[2][1], layers[2], atol=1e-12)
    with pytest.raises(NetwarpError, match="out of range"):
        t.forward(seed_data.X_test, t.n_epochs + 1)
    with pytest.raises(NetwarpError, match="shape"):
        t.forward(np.zeros((3, 2)))
    assert t.epoch_index(-1) == t.n_epochs


def test_save_load_bit_identical(tmp_path: Path, seed_runs: dict[str, Any]) -> None:
    runs = list(seed_runs.values())
    path = netwarp.save(runs, tmp_path / "three.npz")
    back = netwarp.load_all(path)
    assert [r.name for r in back] == ["tanh", "identity", "relu"]
    for a, b in zip(runs, back, strict=True):
        for attr in ("params", "loss", "train_score", "test_score", "classes"):
            np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
            assert getattr(a, attr).dtype == getattr(b, attr).dtype
        assert (a.layer_sizes, a.activations, a.stop_reason, a.config) == (
            b.layer_sizes, b.activations, b.stop_reason, b.config,
        )  # fmt: skip
        np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
        np.testing.assert_array_equal(a.data.y_test, b.data.y_test)
    assert netwarp.load(path, run="relu").name == "relu"
    assert netwarp.load(path, run=1).name == "identity"
    # the shared data is stored once
    with np.load(path, allow_pickle=False) as npz:
        assert sum(k.endswith("X_train") for k in npz.files) == 1
        meta = json.loads(str(npz["__netwarp__"][()]))
    assert meta["format"] == "netwarp-trajectory" and meta["version"] == 1
    with pytest.raises(NetwarpError, match="no run named"):
        netwarp.load(path, run="sigmoid")


def test_single_save_and_plain_numpy(tmp_path: Path, seed_runs: dict[str, Any]) -> None:
    t = seed_runs["identity"]
    path = netwarp.save(t, tmp_path / "one.npz")
    with np.load(path, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["run0.params"], t.params)
    assert netwarp.load(path).n_epochs == t.n_epochs


def test_atomic_save_keeps_old_file(tmp_path: Path, seed_runs: dict[str, Any], monkeypatch: Any) -> None:
    path = tmp_path / "keep.npz"
    netwarp.save(seed_runs["tanh"], path)
    before = path.read_bytes()

    def boom(*args: Any, **kwargs: Any) -> None:
        args[0].write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError):
        netwarp.save(seed_runs["relu"], path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.npz"]


@pytest.mark.parametrize("kind", ["missing", "text", "truncated", "foreign", "directory", "newer"])
def test_bad_files_are_clear_errors(tmp_path: Path, seed_runs: dict[str, Any], kind: str) -> None:
    path = tmp_path / "bad.npz"
    if kind == "text":
        path.write_text("hello")
    elif kind == "truncated":
        netwarp.save(seed_runs["tanh"], path)
        path.write_bytes(path.read_bytes()[:300])
    elif kind == "foreign":
        np.savez(path, a=np.arange(3))
    elif kind == "directory":
        path.mkdir()
    elif kind == "newer":
        meta = {"format": "netwarp-trajectory", "version": 99, "runs": []}
        np.savez(path, __netwarp__=np.array(json.dumps(meta)))
    with pytest.raises(TrajectoryFileError) as info:
        trajio.load_all(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message


def test_validation_of_constructor() -> None:
    with pytest.raises(NetwarpError, match="params must have shape"):
        netwarp.Trajectory(layer_sizes=(1, 2, 1), activations=("tanh", "logistic"), params=np.zeros((2, 5)))
    with pytest.raises(NetwarpError, match="activation"):
        netwarp.Trajectory(layer_sizes=(1, 1), activations=("swish2",), params=np.zeros((1, 2)))
