"""Topology diagnostics on hand-made weights: homeomorphism checks, separability, Jacobians, stretching."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import diagnostics as dg


def make_traj(
    sizes: Sequence[int],
    activations: Sequence[str],
    epochs: Sequence[tuple[Sequence[Any], Sequence[Any]]],
    classes: Any = (0, 1),
) -> Trajectory:
    """A trajectory whose epoch e has weight matrices ``epochs[e][0]`` and biases ``epochs[e][1]``."""
    rows = [
        np.concatenate([np.asarray(W, float).ravel() for W in Ws] + [np.asarray(b, float).ravel() for b in bs])
        for Ws, bs in epochs
    ]
    labels = None if classes is None else np.array(classes)
    return Trajectory(tuple(sizes), tuple(activations), np.stack(rows), classes=labels)


# ------------------------------------------------------------------ layer maps
@pytest.mark.parametrize(
    ("W", "activation", "expected"),
    [
        ([[2.0, 1.0], [1.0, 1.0]], "tanh", (True, True, "homeomorphism")),
        ([[2.0, 1.0], [1.0, 1.0]], "logistic", (True, True, "homeomorphism")),
        ([[2.0, 1.0], [1.0, 1.0]], "leaky_relu:0.2", (True, True, "homeomorphism")),
        ([[2.0, 1.0], [4.0, 2.0]], "tanh", (False, False, "not injective: W is singular")),
        ([[2.0, 1.0], [1.0, 1.0]], "relu", (False, False, "not injective: relu is not injective")),
        ([[1.0], [1.0]], "tanh", (False, False, "not injective: narrows 2 -> 1")),
        ([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]], "tanh", (True, False, "embedding 2 -> 3")),
        ([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]], "tanh", (False, False, "not injective: W is rank deficient")),
    ],
)
def test_layer_map(W: Any, activation: str, expected: tuple[bool, bool, str]) -> None:
    assert dg.layer_map(np.array(W), activation) == expected


def test_injective_activations() -> None:
    assert all(dg.injective_activation(a) for a in ("tanh", "sigmoid", "identity", "softplus", "leaky_relu"))
    assert not any(dg.injective_activation(a) for a in ("relu", "gelu", "silu", "softmax", "leaky_relu:0"))


def test_determinants_and_homeomorphism_change_over_epochs() -> None:
    singular = ([[[1.0, 2.0], [2.0, 4.0]], [[1.0], [-1.0]]], [[0.0, 0.0], [0.0]])
    regular = ([[[3.0, 0.0], [1.0, 2.0]], [[1.0], [-1.0]]], [[0.1, 0.2], [0.3]])
    traj = make_traj((2, 2, 1), ("tanh", "logistic"), [singular, regular])
    X = np.random.default_rng(0).normal(size=(50, 2))
    d = dg.diagnose(traj, X, (X[:, 0] > 0).astype(int))
    assert list(d.epochs) == [0, 1]
    assert d.det.shape == (2, 2)
    assert d.det[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert d.det[0, 1] == pytest.approx(6.0)
    assert np.isnan(d.det[1]).all()  # the 2 -> 1 output layer is not square
    assert d.singular_values[0].shape == (2, 2)
    np.testing.assert_allclose(d.singular_values[0][1], np.linalg.svd([[3.0, 0.0], [1.0, 2.0]], compute_uv=False))
    assert d.homeomorphism[0].tolist() == [False, True]
    assert d.kinds[0] == ["not injective: W is singular", "homeomorphism"]
    assert d.injective[1].tolist() == [False, False]
    s = d.summary(1)
    assert s["layers"][0]["homeomorphism"] is True and s["layers"][0]["det"] == pytest.approx(6.0)
    assert s["layers"][1]["det"] is None


def test_relu_square_layer_is_not_a_homeomorphism() -> None:
    traj = make_traj((2, 2, 1), ("relu", "logistic"), [([np.eye(2), [[1.0], [1.0]]], [[0.0, 0.0], [0.0]])])
    d = dg.diagnose(traj, np.eye(2), [0, 1])
    assert not d.homeomorphism[0, 0] and not d.injective[0, 0]
    assert "relu" in d.summary()["layers"][0]["kind"]


# ---------------------------------------------------------------- separability
def interval_network(k: float = 30.0) -> Trajectory:
    """1 -> 2 tanh -> 1: unit 1 = tanh(k(x + 1/3)), unit 2 = tanh(k(1/3 - x)); output fires on both."""
    W1 = [[k, -k]]
    b1 = [k / 3, k / 3]
    W2 = [[10.0], [10.0]]
    b2 = [-10.0]
    return make_traj((1, 2, 1), ("tanh", "logistic"), [([W1, W2], [b1, b2])])


def test_interval_becomes_separable_in_the_hidden_layer() -> None:
    x = np.linspace(-1, 1, 601).reshape(-1, 1)
    y = (np.abs(x[:, 0]) < 1 / 3).astype(int)
    d = dg.diagnose(interval_network(), x, y)
    assert d.separability[0, 0] == pytest.approx(np.mean(y == 0))  # best threshold on the line: 2/3
    assert d.separability[1, 0] == 1.0 and d.separability[2, 0] == 1.0
    assert d.first_separable.tolist() == [1]
    assert d.summary()["first_separable_layer"] == 1


def test_best_threshold_is_exact() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        h = rng.integers(0, 6, 15).astype(float)  # ties on purpose
        c = rng.integers(0, 2, 15)
        brute = 0.0
        for t in np.concatenate([[-np.inf], np.unique(h)]):
            pred = h > t
            brute = max(brute, np.mean(pred == c), np.mean(pred != c))
        assert dg.linear_separability(h[:, None], c) == pytest.approx(brute)


def test_separability_of_xor_and_edge_cases() -> None:
    X = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]] * 10, dtype=float)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    assert dg.linear_separability(X, y) <= 0.75
    assert dg.linear_separability(X, np.zeros(len(X))) == 1.0
    assert math.isnan(dg.linear_separability(np.full((4, 2), np.nan), np.array([0, 1, 0, 1])))
    three = np.repeat([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]], 10, axis=0)
    assert dg.linear_separability(three, np.repeat([0, 1, 2], 10)) == 1.0


# ------------------------------------------------------- Jacobians, stretching
def test_jacobians_match_finite_differences() -> None:
    rng = np.random.default_rng(1)
    sizes, acts = (3, 4, 4, 3), ("tanh", "relu", "softmax")
    Ws = [rng.normal(size=(a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [rng.normal(size=b) for b in sizes[1:]]
    traj = make_traj(sizes, acts, [(Ws, bs)], classes=(0, 1, 2))
    X = rng.normal(size=(5, 3))
    Js = dg.jacobians(traj, X, 0)
    h = 1e-6
    for i in range(3):
        dx = np.zeros(3)
        dx[i] = h
        plus, minus = traj.forward(X + dx, 0), traj.forward(X - dx, 0)
        for layer, J in enumerate(Js):
            assert J.shape == (5, 3, sizes[layer])
            np.testing.assert_allclose(J[:, i, :], (plus[layer] - minus[layer]) / (2 * h), atol=1e-5)


def test_stretch_of_a_linear_map_is_its_largest_singular_value() -> None:
    W1 = [[3.0, 0.0], [0.0, 0.5]]
    W2 = [[2.0], [1.0]]
    traj = make_traj((2, 2, 1), ("identity", "identity"), [([W1, W2], [[0.0, 0.0], [0.0]])], classes=None)
    X = np.random.default_rng(2).normal(size=(30, 2))
    d = dg.diagnose(traj, X, X[:, 0])
    np.testing.assert_allclose(d.stretch[:, 0], [1.0, 3.0, math.hypot(6.0, 0.5)])
    np.testing.assert_allclose(d.stretch_median[:, 0], d.stretch[:, 0])
    assert np.isnan(d.separability).all() and d.first_separable.tolist() == [-1]  # a regressor


def test_stretch_grows_where_tanh_is_steep() -> None:
    sharp, soft = interval_network(30.0), interval_network(3.0)
    x = np.linspace(-1, 1, 201).reshape(-1, 1)
    y = (np.abs(x[:, 0]) < 1 / 3).astype(int)
    assert dg.diagnose(sharp, x, y).stretch[1, 0] > 5 * dg.diagnose(soft, x, y).stretch[1, 0]


# --------------------------------------------------------- sampling, io, errors
def test_sample_epochs() -> None:
    assert dg.sample_epochs(5, 50).tolist() == [0, 1, 2, 3, 4, 5]
    s = dg.sample_epochs(1000, 11)  # multiples of a power-of-two stride, and the last epoch
    assert s.tolist() == [0, 128, 256, 384, 512, 640, 768, 896, 1000]
    with pytest.raises(NetwarpError):
        dg.sample_epochs(10, 1)


def test_many_epochs_are_sampled_and_payload_is_json() -> None:
    base = interval_network()
    params = np.repeat(base.params, 301, axis=0) * np.linspace(0.1, 1, 301)[:, None]
    traj = Trajectory(base.layer_sizes, base.activations, params, classes=np.array([0, 1]))
    x = np.linspace(-1, 1, 301).reshape(-1, 1)
    y = (np.abs(x[:, 0]) < 1 / 3).astype(int)
    d = dg.diagnose(traj, x, y, max_epochs=20)
    k = len(dg.sample_epochs(300, 20))
    assert d.epochs.tolist() == dg.sample_epochs(300, 20).tolist() and 10 <= k <= 20 and d.epochs[-1] == 300
    assert d.separability.shape == (3, k) and d.stretch.shape == (3, k)
    assert d.index(299) == k - 1 and d.index(None) == k - 1 and d.index(0) == 0
    payload = dg.to_payload(traj, x, y, max_epochs=10)
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text)["epochs"][-1] == 300
    assert payload["layers"][0]["kind"][-1] == "embedding 1 -> 2"
    assert payload["layers"][1]["kind"][-1] == "not injective: narrows 2 -> 1"
    assert len(payload["separability"]) == 3 and len(payload["separability"][0]) == len(dg.sample_epochs(300, 10))
    json.dumps(d.summary(), allow_nan=False)
    lines = dg.format_summary(d.summary())
    assert "from layer 1" in lines[0] and len(lines) == 3
    chosen = dg.diagnose(traj, x, y, epochs=[0, -1])
    assert chosen.epochs.tolist() == [0, 300]


def test_errors_are_clear() -> None:
    traj = interval_network()
    with pytest.raises(NetwarpError, match="holds no data"):
        dg.diagnose(traj)
    x = np.linspace(-1, 1, 10).reshape(-1, 1)
    with pytest.raises(NetwarpError, match="labels"):
        dg.diagnose(traj, x)
    with pytest.raises(NetwarpError, match="shape"):
        dg.diagnose(traj, x, np.zeros(3))
    with pytest.raises(NetwarpError, match="threshold"):
        dg.diagnose(traj, x, np.zeros(10), threshold=1.5)
    with pytest.raises(NetwarpError, match="out of range"):
        dg.diagnose(traj, x, np.zeros(10), epochs=[5])


def test_figure_panels_show_diagnostics() -> None:
    from netwarp.view.figures import plot

    x = np.linspace(-1, 1, 301).reshape(-1, 1)
    y = (np.abs(x[:, 0]) < 1 / 3).astype(int)
    fig = plot(interval_network(), x, y, diagnostics=True)
    titles = [ax.get_title() for ax in fig.axes]
    assert "separable 66." in titles[0]  # the middle third of 301 points
    assert "embedding" in titles[1] and "separable 100.0%" in titles[1]
    assert "not injective" in titles[2]
