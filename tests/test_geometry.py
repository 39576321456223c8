"""Geometry: stages, morphs, grids, fixed projections and stable bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.errors import NetwarpError
from netwarp.view import geometry


def test_stages_match_forward(seed_runs: dict[str, Any], seed_data: Any) -> None:
    t = seed_runs["tanh"]
    s = geometry.layer_stages(t, seed_data.X_test, 50, 0)
    np.testing.assert_allclose(s.linear, seed_data.X_test @ t.coefs(50)[0])
    np.testing.assert_allclose(s.translated, s.linear + t.intercepts(50)[0])
    np.testing.assert_allclose(s.activated, t.forward(seed_data.X_test, 50)[1])


def test_morph_walks_the_stages(seed_runs: dict[str, Any], seed_data: Any) -> None:
    t = seed_runs["tanh"]
    X = seed_data.X_test[:20]
    s = geometry.layer_stages(t, X, None, 0)
    np.testing.assert_allclose(geometry.morph(t, X, None, 0.0), geometry.embed(X, 2))
    np.testing.assert_allclose(geometry.morph(t, X, None, 1.0), s.linear)
    np.testing.assert_allclose(geometry.morph(t, X, None, 3.0), s.activated)
    half = geometry.morph(t, X, None, 2.5)
    np.testing.assert_allclose(half, 0.5 * (s.translated + s.activated))
    end = geometry.morph(t, X, None, 6.0)
    np.testing.assert_allclose(end[:, :1], t.forward(X)[-1])
    with pytest.raises(NetwarpError):
        geometry.morph(t, X, None, 6.5)
    np.testing.assert_allclose(geometry.lerp(np.ones((2, 1)), np.zeros((2, 2)), 0.25), [[0.75, 0]] * 2)


def test_grids() -> None:
    assert geometry.grid([[-1, 1]], 11, 50).shape == (1, 50, 1)
    g2 = geometry.grid([[-1, 1], [0, 2]], 5, 9)
    assert g2.shape == (10, 9, 2)
    assert g2[..., 0].min() == -1 and g2[..., 1].max() == 2
    assert geometry.grid([[0, 1]] * 3, 6, 7).shape == (27, 7, 3)
    with pytest.raises(NetwarpError):
        geometry.grid([[0, 1]] * 4)


def test_projection_is_fixed_and_bounds_hold_every_epoch() -> None:
    d = netwarp.data.datasets.load("spirals", n=200)
    t = netwarp.train(d.X_train, d.y_train, hidden=(6, 2), max_iter=40, solver="adam", learning_rate_init=0.05)
    projs = geometry.projections(t, d.X)
    assert [p.k for p in projs] == [2, 3, 2, 1]
    np.testing.assert_array_equal(projs[2].components, np.eye(2))
    again = geometry.fixed_projection(t, d.X, 1)
    np.testing.assert_array_equal(again.components, projs[1].components)
    assert np.allclose(projs[1].components.T @ projs[1].components, np.eye(3))
    bounds = geometry.layer_bounds(t, d.X, projs)
    for e in range(t.n_epochs + 1):
        for layer, values in enumerate(t.forward(d.X, e)):
            pts = projs[layer].apply(values)
            assert np.all(pts >= bounds[layer][:, 0]) and np.all(pts <= bounds[layer][:, 1])
    np.testing.assert_array_equal(bounds[-1], [[0, 1]])


def test_push_grid_shapes(seed_runs: dict[str, Any]) -> None:
    lines = geometry.grid([[-1.1, 1.1]], 11, 64)
    pushed = geometry.push_grid(seed_runs["tanh"], lines, None)
    assert [p.shape for p in pushed] == [(1, 64, 1), (1, 64, 2), (1, 64, 1)]
