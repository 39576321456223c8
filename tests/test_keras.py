"""Keras 3 (torch backend): a Dense model's parameters at every epoch, a convolutional
model's activations; both load, plot and export like any run."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.slow  # training with Keras' torch backend takes tens of seconds
from sklearn.datasets import load_digits  # noqa: E402

import netwarp  # noqa: E402
from netwarp.adapters.keras import Recorder  # noqa: E402
from netwarp.core.recording import Recording  # noqa: E402
from netwarp.errors import NetwarpError  # noqa: E402


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    d = load_digits()
    return (d.data[:500] / 16).astype(np.float32), d.target[:500]


class Weights(keras.callbacks.Callback):  # type: ignore[misc]
    """The reference: model.get_weights() before fit and after every epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[list[np.ndarray]] = []

    def on_train_begin(self, logs: object = None) -> None:
        self.seen.append(self.model.get_weights())

    def on_epoch_end(self, epoch: int, logs: object = None) -> None:
        self.seen.append(self.model.get_weights())


def test_a_dense_model_is_recorded_by_its_parameters(digits: tuple, tmp_path: Path) -> None:
    X, y = digits
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dropout(0.1),
                              keras.layers.Dense(10), keras.layers.Activation("softmax")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    rec, ref = Recorder(X[:400], y[:400], X[400:], y[400:], name="keras dense"), Weights()
    model.fit(X[:400], y[:400], epochs=6, batch_size=50, verbose=0, callbacks=[ref, rec])
    traj = rec.trajectory(dataset_name="digits")
    assert traj.layer_sizes == (64, 16, 10) and traj.activations == ("tanh", "softmax") and traj.n_epochs == 6
    for e, weights in enumerate(ref.seen):  # parameters equal model.get_weights() at each epoch
        assert np.array_equal(traj.coefs(e)[0], weights[0]) and np.array_equal(traj.intercepts(e)[0], weights[1])
        assert np.array_equal(traj.coefs(e)[1], weights[2]) and np.array_equal(traj.intercepts(e)[1], weights[3])
    assert np.allclose(traj.predict_proba(X[400:]), model.predict(X[400:], verbose=0), atol=1e-5)
    assert np.isnan(traj.loss[0]) and np.all(np.isfinite(traj.loss[1:])) and traj.test_score[-1] > 0.7
    netwarp.save(traj, tmp_path / "k.npz")
    back = netwarp.load(tmp_path / "k.npz")
    assert np.array_equal(back.params, traj.params) and not back.recorded
    assert netwarp.plot(back).axes and netwarp.export_html(back, tmp_path / "k.html").stat().st_size > 10_000


def test_a_conv_model_is_recorded_by_its_activations(digits: tuple, tmp_path: Path) -> None:
    X, y = digits
    keras.utils.set_random_seed(0)
    images = X.reshape(-1, 8, 8, 1)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
                              keras.layers.Flatten(), keras.layers.Dense(12, activation="relu", name="hidden"),
                              keras.layers.Dense(10, activation="softmax", name="out")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    rec = Recorder(images[:400], y[:400], images[400:], y[400:], layers={"conv": "conv", "hidden": "hidden",
                   "softmax": "out"}, sample=150)  # fmt: skip
    model.fit(images[:400], y[:400], epochs=4, batch_size=50, verbose=0, callbacks=[rec])
    r = rec.recording(dataset_name="digits")
    assert isinstance(r, Recording) and r.n_epochs == 4 and r.layer_names == ("conv", "hidden", "softmax")
    assert r.layer_sizes == (64, 6 * 6 * 4, 12, 10)
    assert r.data is not None and len(r.data.X) == 150
    sample = r.data.X.reshape(-1, 8, 8, 1).astype(np.float32)
    assert np.allclose(r.values[2][-1], model.predict(sample, verbose=0), atol=1e-5)
    assert r.test_score[-1] > r.test_score[0]
    netwarp.save(r, tmp_path / "c.npz")
    back = netwarp.load(tmp_path / "c.npz")
    assert isinstance(back, Recording) and np.array_equal(back.values[0], r.values[0])
    assert netwarp.plot(back).axes and netwarp.export_html(back, tmp_path / "c.html").stat().st_size > 10_000


def test_what_cannot_be_recorded_by_parameters_says_so(digits: tuple) -> None:
    X, y = digits
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="conv"), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    with pytest.raises(NetwarpError, match=r"'conv': Conv2D is not a Dense layer.*layers=\[layer names\]"):
        model.fit(X.reshape(-1, 8, 8, 1), y, epochs=1, verbose=0, callbacks=[Recorder(X, y)])
    named = Recorder(X.reshape(-1, 8, 8, 1), y, layers=["nope"], sample=20)
    with pytest.raises(NetwarpError, match=r"no layer named 'nope' .*conv"):
        model.fit(X.reshape(-1, 8, 8, 1), y, epochs=1, verbose=0, callbacks=[named])
    with pytest.raises(NetwarpError, match="needs the points"):
        Recorder(layers=["conv"])
    with pytest.raises(NetwarpError, match=r"use rec\.recording"):
        Recorder(X.reshape(-1, 8, 8, 1), y, layers=["conv"]).trajectory()
