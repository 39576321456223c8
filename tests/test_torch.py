"""PyTorch: the Recorder and checkpoints give Trajectories whose layers equal the model's own, in float64."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import netwarp  # noqa: E402
from netwarp.adapters.torch import Recorder, from_checkpoints  # noqa: E402
from netwarp.errors import NetwarpError  # noqa: E402

ACTIVATIONS: list[tuple[Any, str]] = [
    (nn.Tanh, "tanh"),
    (nn.ReLU, "relu"),
    (nn.Sigmoid, "logistic"),
    (nn.Identity, "identity"),
    (lambda: nn.LeakyReLU(), "leaky_relu"),
    (lambda: nn.LeakyReLU(0.2), "leaky_relu:0.2"),
    (lambda: nn.LeakyReLU(negative_slope=-0.35), "leaky_relu:-0.35"),
    (nn.ELU, "elu"),
    (nn.Softplus, "softplus"),
    (nn.GELU, "gelu"),
    (nn.SiLU, "silu"),
]


def data(n: int = 120, d: int = 2, k: int = 3, seed: int = 0) -> tuple[Any, Any]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=torch.float64) * 3  # wide enough to reach softplus' threshold
    y = torch.randint(0, k, (n,), generator=g)
    return X, y


def train(model: nn.Module, rec: Recorder, X: Any, y: Any, epochs: int = 4, loss_fn: Any = None) -> None:
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    rec.snapshot()
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        rec.snapshot(loss=loss.item())


def torch_layers(model: nn.Sequential, X: Any) -> list[np.ndarray[Any, Any]]:
    """The model's own value after each Linear (+ the activation that follows), by torch."""
    outs = []
    h = X
    mods = list(model)
    with torch.no_grad():
        for i, m in enumerate(mods):
            h = m(h)
            nxt = mods[i + 1] if i + 1 < len(mods) else None
            last_of_pair = not isinstance(m, nn.Linear) or nxt is None or isinstance(nxt, nn.Linear)
            if last_of_pair:
                outs.append(h.numpy().copy())
    return outs


@pytest.mark.parametrize(("make", "name"), ACTIVATIONS, ids=[a[1] for a in ACTIVATIONS])
def test_each_activation_matches_the_model_exactly(make: Any, name: str) -> None:
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 6), make(), nn.Linear(6, 4), make(), nn.Linear(4, 3)).double()
    rec = Recorder(model, output_activation="identity")
    X, y = data()
    train(model, rec, X, y)
    t = rec.trajectory()
    assert t.activations == (name, name, "identity") and t.layer_sizes == (2, 6, 4, 3) and t.n_epochs == 4
    assert t.classes is None
    ours = t.forward(X.numpy())
    theirs = torch_layers(model, X)
    assert len(theirs) == 3
    for a, b in zip(ours[1:], theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    # an earlier epoch is the model as it was then
    state = {k: v.clone() for k, v in model.state_dict().items()}
    first = Recorder(model)
    first.snapshot()
    np.testing.assert_array_equal(first.trajectory().params[0], t.params[-1])
    model.load_state_dict(state)


def test_softmax_and_sigmoid_outputs_equal_torch_probabilities() -> None:
    torch.manual_seed(2)
    X, y = data(k=3)
    model = nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 3)).double()
    rec = Recorder(model, output_activation="softmax")
    train(model, rec, X, y)
    t = rec.trajectory(X[:80], y[:80], X[80:], y[80:], name="soft")
    with torch.no_grad():
        p = torch.softmax(model(X), dim=1).numpy()
    np.testing.assert_allclose(t.forward(X.numpy())[-1], p, atol=1e-12)
    assert list(t.classes) == [0, 1, 2] and t.out_activation == "softmax" and t.name == "soft"
    acc = (p[80:].argmax(1) == y[80:].numpy()).mean()
    assert t.test_score[-1] == pytest.approx(acc) and np.isnan(t.loss[0]) and np.isfinite(t.loss[1:]).all()

    yb = (y > 0).double()
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    rec = Recorder(model, "sigmoid")
    train(model, rec, X, yb[:, None], loss_fn=nn.BCEWithLogitsLoss())
    t = rec.trajectory(X, yb)
    with torch.no_grad():
        p1 = torch.sigmoid(model(X)).numpy()
    np.testing.assert_allclose(t.forward(X.numpy())[-1], p1, atol=1e-12)
    assert list(t.classes) == [0, 1]
    assert t.data is not None and t.data.y.dtype == np.int64  # whole-number float labels become ints
    assert t.train_score[-1] == pytest.approx(((p1[:, 0] > 0.5) == yb.numpy().astype(bool)).mean())


def test_no_bias_consecutive_linear_dropout_nested_and_trailing_activation() -> None:
    torch.manual_seed(3)
    model = nn.Sequential(
        nn.Linear(3, 5, bias=False), nn.Linear(5, 4), nn.Dropout(0.3),
        nn.Sequential(nn.ELU(), nn.Linear(4, 2)), nn.Sigmoid(),
    ).double()  # fmt: skip
    rec = Recorder(model)
    X = torch.randn(50, 3, dtype=torch.float64)
    rec.snapshot()
    t = rec.trajectory()
    assert t.layer_sizes == (3, 5, 4, 2)
    assert t.activations == ("identity", "elu", "logistic")
    assert np.all(t.biases(0) == 0)
    model.eval()
    with torch.no_grad():
        h1 = model[0](X)
        h2 = model[3][0](model[1](h1))
        out = model(X)
    ours = t.forward(X.numpy())
    for a, b in zip(ours[1:], (h1, h2, out), strict=True):
        np.testing.assert_allclose(a, b.numpy(), atol=1e-12)
    # the trailing Sigmoid is the output; naming it again is fine, naming another is not
    assert Recorder(model, "sigmoid").activations[-1] == "logistic"
    with pytest.raises(
        NetwarpError, match=r"already ends with an activation \(logistic\).*output_activation='softmax'"
    ):
        Recorder(model, "softmax")
    # a trailing Softmax module is the output
    soft = nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=-1))
    assert Recorder(soft).activations == ("softmax",) and Recorder(soft, "softmax").layer_sizes == (2, 3)


def test_unsupported_modules_are_named() -> None:
    cases = [
        (
            nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1)),
            r"module '1': BatchNorm1d is not supported",
        ),
        (nn.Sequential(nn.Linear(2, 3), nn.Hardtanh()), "Hardtanh is not supported"),
        (nn.Sequential(nn.Linear(2, 3), nn.ELU(alpha=0.5)), r"ELU\(alpha=0.5\) is not supported"),
        (nn.Sequential(nn.Linear(2, 3), nn.GELU(approximate="tanh")), "approximate='tanh'"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=2)), "Softplus"),
        (nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.ReLU()), "two activations in a row"),
        (nn.Sequential(nn.Tanh(), nn.Linear(2, 3)), "before the first Linear"),
        (nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), "expects 4 inputs but the layer before gives 3"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1), nn.Linear(3, 2)), "softmax is supported only as the"),
        (nn.Sequential(nn.Dropout()), "no nn.Linear layer"),
        (nn.Linear(2, 3), "records an nn.Sequential, got Linear"),
    ]
    for model, message in cases:
        with pytest.raises(NetwarpError, match=message) as info:
            Recorder(model)
        if "not supported (supported" in str(info.value):
            assert "Linear, Tanh, ReLU, Sigmoid, Identity, LeakyReLU" in str(info.value)
    model = nn.Sequential(nn.Linear(2, 3))
    with pytest.raises(NetwarpError, match="output_activation must be one of"):
        Recorder(model, "relu")
    with pytest.raises(NetwarpError, match=r"no snapshots yet: call rec.snapshot\(\)"):
        Recorder(model).trajectory()
    rec = Recorder(model, "softmax", classes=["a", "b"])
    rec.snapshot()
    with pytest.raises(NetwarpError, match="2 classes given for an output of 3"):
        rec.trajectory()
    rec = Recorder(model, classes=[0, 1, 2])
    rec.snapshot()
    with pytest.raises(
        NetwarpError, match=r"classes given, but the output \(identity, 3 unit\(s\)\) holds no class labels"
    ):
        rec.trajectory()


def test_float32_model_and_string_classes_and_file_round_trip(tmp_path: Path) -> None:
    torch.manual_seed(4)
    X, y = data(k=2)
    Xf = X.float()
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2))
    rec = Recorder(model, "softmax", classes=np.array(["no", "yes"]), name="f32")
    train(model, rec, Xf, y)
    labels = np.array(["no", "yes"])[y.numpy()]
    t = rec.trajectory(Xf, labels)
    with torch.no_grad():
        p = torch.softmax(model(Xf), 1).numpy()
    np.testing.assert_allclose(t.forward(X.numpy())[-1], p, atol=1e-5)  # float32 rounding only
    path = netwarp.save(t, tmp_path / "f32.npz")
    back = netwarp.load(path)
    np.testing.assert_array_equal(back.params, t.params)
    assert list(back.classes) == ["no", "yes"] and back.activations == t.activations
    assert back.config["source"] == "torch" and "Linear(in_features=2" in back.config["model"]
    with pytest.raises(NetwarpError, match="not among the classes"):
        rec.trajectory(Xf, y)


def test_from_checkpoints(tmp_path: Path) -> None:
    torch.manual_seed(5)
    X, y = data()
    model = nn.Sequential(nn.Linear(2, 6), nn.LeakyReLU(0.1), nn.Linear(6, 6, bias=False), nn.Tanh(), nn.Linear(6, 3))
    model = model.double()
    rec = Recorder(model, "softmax")
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    paths = []
    for epoch in range(5):
        if epoch:
            opt.zero_grad()
            nn.functional.cross_entropy(model(X), y).backward()
            opt.step()
        rec.snapshot()
        path = tmp_path / f"ckpt-{epoch}.pt"
        state = model.state_dict()
        if epoch == 2:
            state = {"epoch": 2, "model_state_dict": state}  # a common checkpoint layout
        if epoch == 3:
            state = {f"module.{k}": v for k, v in state.items()}  # saved from DataParallel
        torch.save(state, path)
        paths.append(path)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fresh = nn.Sequential(nn.Linear(2, 6), nn.LeakyReLU(0.1), nn.Linear(6, 6, bias=False), nn.Tanh(), nn.Linear(6, 3))
    t = from_checkpoints(fresh, paths, "softmax", X=X, y=y, losses=[1, 2, 3, 4, 5])
    np.testing.assert_array_equal(t.params, rec.trajectory().params)
    assert (
        t.n_epochs == 4 and t.activations == ("leaky_relu:0.1", "tanh", "softmax") and list(t.loss) == [1, 2, 3, 4, 5]
    )
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    # errors name the file
    with pytest.raises(NetwarpError, match=r"nope\.pt: no such checkpoint file"):
        from_checkpoints(fresh, [tmp_path / "nope.pt"])
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(NetwarpError, match=r"junk\.pt: not a loadable weights-only checkpoint"):
        from_checkpoints(fresh, [tmp_path / "junk.pt"])
    torch.save({"0.weight": torch.zeros(6, 2)}, tmp_path / "partial.pt")
    with pytest.raises(NetwarpError, match=r"partial\.pt: no parameter '2.weight'"):
        from_checkpoints(fresh, [tmp_path / "partial.pt"])
    other = nn.Sequential(nn.Linear(2, 7), nn.LeakyReLU(0.1), nn.Linear(7, 6, bias=False), nn.Tanh(), nn.Linear(6, 3))
    with pytest.raises(NetwarpError, match=r"0.weight has shape \(6, 2\), the model's is \(7, 2\)"):
        from_checkpoints(other, paths[:1])
    with pytest.raises(NetwarpError, match="no checkpoint paths"):
        from_checkpoints(fresh, [])
    with pytest.raises(NetwarpError, match="losses has 1 values for 5"):
        from_checkpoints(fresh, paths, losses=[1.0])


def test_regression_trajectory_scores_r2() -> None:
    torch.manual_seed(6)
    X = torch.linspace(-2, 2, 80, dtype=torch.float64)[:, None]
    target = torch.sin(X)
    model = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    rec = Recorder(model)
    train(model, rec, X, target, epochs=30, loss_fn=nn.MSELoss())
    t = rec.trajectory(X, target)
    assert t.classes is None and t.out_activation == "identity" and t.data is not None and t.data.y.shape == (80,)
    with torch.no_grad():
        pred = model(X).numpy()[:, 0]
    r2 = 1 - ((target.numpy()[:, 0] - pred) ** 2).sum() / ((target.numpy() - target.numpy().mean()) ** 2).sum()
    assert t.train_score[-1] == pytest.approx(r2) and t.train_score[-1] > t.train_score[0]
