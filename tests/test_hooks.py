"""Any PyTorch module by its activations: forward hooks on named layers, a fixed sample,
bounded size, and recordings that load, plot and export like trajectories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # training CNNs takes tens of seconds
from sklearn.datasets import load_digits  # noqa: E402
from torch import nn  # noqa: E402

import netwarp  # noqa: E402
from netwarp.adapters.hooks import ActivationRecorder  # noqa: E402
from netwarp.core import recording as rc  # noqa: E402
from netwarp.core.recording import Recording  # noqa: E402
from netwarp.errors import NetwarpError  # noqa: E402


class Block(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x: Any) -> Any:
        return torch.relu(x + self.conv(x))


def cnn() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), Block(4), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))  # fmt: skip


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    d = load_digits()
    return (d.images[:400] / 16).astype(np.float32)[:, None], d.target[:400]


def train(model: nn.Module, rec: ActivationRecorder, X: np.ndarray, y: np.ndarray, epochs: int = 4) -> None:
    opt = torch.optim.Adam(model.parameters(), 0.01)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rec.snapshot()
    for _ in range(epochs):
        for i in range(0, len(Xt), 50):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(Xt[i : i + 50]), yt[i : i + 50])
            loss.backward()
            opt.step()
        rec.snapshot(loss=loss.item())


def test_a_cnn_and_a_residual_block_recorded_by_hooks(digits: tuple, tmp_path: Path) -> None:
    X, y = digits
    model = cnn()
    block = model[2]
    rec = ActivationRecorder(model, ["0", block, "6", "7"], X[:300], y[:300], X[300:], y[300:], sample=200,
                             output="softmax")  # fmt: skip
    train(model, rec, X[:300], y[:300])
    assert model.training  # the recorder restores the training mode
    r = rec.recording(dataset_name="digits")
    assert isinstance(r, Recording) and r.n_epochs == 4 and r.layer_names == ("0", "2", "6", "softmax")
    assert r.layer_sizes == (64, 4 * 64, 4 * 64, 16, 10)
    assert r.data is not None and len(r.data.X_train) + len(r.data.X_test) == 200
    # the recorded values are the model's own outputs on the sample, at the last snapshot
    model.eval()
    xs = torch.from_numpy(np.concatenate([r.data.X_train, r.data.X_test]).astype(np.float32).reshape(-1, 1, 8, 8))
    with torch.no_grad():
        inner = block(model[1](model[0](xs)))
        probs = torch.softmax(model(xs), dim=-1)
    assert np.allclose(r.values[1][-1], inner.reshape(200, -1).numpy(), atol=1e-6)
    assert np.allclose(r.values[3][-1], probs.numpy(), atol=1e-6)
    assert np.allclose(r.values[3].sum(axis=2), 1, atol=1e-5)
    assert r.test_score[-1] > r.test_score[0] and r.train_score[-1] > 0.5
    # it loads, plots and exports like any trajectory
    netwarp.save(r, tmp_path / "cnn.npz")
    back = netwarp.load(tmp_path / "cnn.npz")
    assert isinstance(back, Recording) and back.layer_names == r.layer_names
    assert all(np.array_equal(a, b) for a, b in zip(back.values, r.values, strict=True))
    assert np.array_equal(back.test_score, r.test_score) and back.config["projected"] == {}
    fig = netwarp.plot(back, epoch=2)
    assert len(fig.axes) == 5
    html = netwarp.export_html(back, tmp_path / "cnn.html").read_text()
    assert "netwarp" in html and len(html) > 100_000
    with pytest.raises(NetwarpError, match="recorded activations"):
        back.forward(X[:3].reshape(3, -1), 0)


def test_wide_layers_are_refused_unless_projected(digits: tuple) -> None:
    X, y = digits
    model = nn.Sequential(nn.Conv2d(1, 80, 3, padding=1), nn.Flatten(), nn.Linear(80 * 64, 10))
    rec = ActivationRecorder(model, ["0"], X, y, sample=50)
    with pytest.raises(NetwarpError, match=r"'0' gives 5120 values per point .*project=N"):
        rec.snapshot()
    rec = ActivationRecorder(model, ["0", "2"], X, y, sample=50, project=32)
    rec.snapshot()
    rec.snapshot()
    r = rec.recording()
    assert r.layer_sizes == (64, 32, 10) and r.config["projected"] == {"0": 32}


def test_the_total_is_bounded(digits: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = digits
    monkeypatch.setattr(rc, "MAX_FLOATS", 100 * 26 * 2)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    rec = ActivationRecorder(model, ["2", "3"], X, y, sample=100)
    rec.snapshot()
    rec.snapshot()
    with pytest.raises(NetwarpError, match=r"3 snapshots of 100 points would hold 7,800 values"):
        rec.snapshot()


def test_bad_layers_and_arguments_get_one_line(digits: tuple) -> None:
    X, y = digits
    model = cnn()
    with pytest.raises(NetwarpError, match="no module named 'fc9'"):
        ActivationRecorder(model, ["fc9"], X, y)
    with pytest.raises(NetwarpError, match="as a list"):
        ActivationRecorder(model, "0", X, y)
    with pytest.raises(NetwarpError, match="not a module of this model"):
        ActivationRecorder(model, [nn.Linear(2, 2)], X, y)
    with pytest.raises(NetwarpError, match="output must be one of"):
        ActivationRecorder(model, ["0"], X, y, output="tanh")
    with pytest.raises(NetwarpError, match="no snapshots yet"):
        ActivationRecorder(model, ["0"], X, y).recording()
    rec = ActivationRecorder(model, {"hidden": "6"}, X, y, sample=10, every=3)
    assert [rec.step() for _ in range(6)] == [None, None, 0, None, None, 1]
    assert rec.recording().layer_names == ("hidden",)


def test_a_layer_the_forward_pass_skips_is_named(digits: tuple) -> None:
    X, y = digits
    class Spare(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(64, 10)
            self.spare = nn.Linear(3, 3)  # a module the forward pass never calls

        def forward(self, x: Any) -> Any:
            return self.fc(x.flatten(1))

    rec = ActivationRecorder(Spare(), ["fc", "spare"], X, y, sample=20)
    with pytest.raises(NetwarpError, match="'spare' did not run"):
        rec.snapshot()
