"""Datasets: the seed's data exactly, and every registered generator."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from netwarp.data import datasets
from netwarp.errors import NetwarpError


def test_interval1d_is_the_seed_data() -> None:
    X = np.linspace(-1, 1, 1800)
    y = np.zeros_like(X)
    y[(X > -1 / 3) & (X < 1 / 3)] = 1
    X = X.reshape(1800, 1)
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=900, random_state=2)
    d = datasets.load("interval1d")
    np.testing.assert_array_equal(d.X, X)
    np.testing.assert_array_equal(d.y, y)
    np.testing.assert_array_equal(d.X_train, X_train)
    np.testing.assert_array_equal(d.X_test, X_test)
    np.testing.assert_array_equal(d.y_train, y_train)
    np.testing.assert_array_equal(d.y_test, y_test)


REQUIRED = ["interval1d", "disk_annulus", "two_curves", "spirals", "xor", "moons", "circles", "gaussians"]


def test_registry_has_the_required_sets() -> None:
    assert set(REQUIRED) <= set(datasets.names())
    for spec in datasets.DATASETS.values():
        assert spec.summary and "\n" not in spec.summary


@pytest.mark.parametrize("name", datasets.names())
def test_generators(name: str) -> None:
    spec = datasets.spec(name)
    d = datasets.load(name)
    assert d.X.shape == (spec.n, spec.n_features)
    assert len(d.X_train) + len(d.X_test) == spec.n
    assert len(np.unique(d.y)) == spec.n_classes
    assert np.all(np.isfinite(d.X))
    again = datasets.load(name)
    np.testing.assert_array_equal(d.X_train, again.X_train)
    other = datasets.load(name, random_state=5, n=100)
    assert other.X.shape == (100, spec.n_features)


def test_disk_annulus_geometry() -> None:
    d = datasets.load("disk_annulus")
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    assert r[d.y == 1].max() < 1 / 3
    assert r[d.y == 0].min() > 2 / 3 and r[d.y == 0].max() < 1


def test_bad_arguments() -> None:
    with pytest.raises(NetwarpError, match="unknown dataset 'nope'"):
        datasets.load("nope")
    with pytest.raises(NetwarpError, match="noise"):
        datasets.load("moons", noise=-1)
    with pytest.raises(NetwarpError, match="n must be"):
        datasets.load("moons", n=2)
