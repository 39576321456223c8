"""netwarp.view.tour: the Grand Tour's rotation (the reference of static/tour.js)."""

from __future__ import annotations

import numpy as np
import pytest

from netwarp.errors import NetwarpError
from netwarp.view import tour


@pytest.mark.parametrize("D", [2, 4, 5, 16, 64])
def test_frames_are_orthonormal_at_every_time(D: int) -> None:
    k = min(3, D)
    for t in (0.0, 0.37, 12.5, tour.LENGTH):
        F = tour.frame(D, k, t)
        assert F.shape == (D, k)
        np.testing.assert_allclose(F.T @ F, np.eye(k), atol=1e-12)


def test_deterministic_given_the_seed() -> None:
    a, b = tour.frame(16, 3, 7.25), tour.frame(16, 3, 7.25)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(tour.frame(16, 3, 7.25, seed=2), a)
    np.testing.assert_array_equal(tour.speeds(16), tour.speeds(16))
    gen = tour.random(42)
    first = [next(gen) for _ in range(5)]
    gen = tour.random(42)
    assert [next(gen) for _ in range(5)] == first
    assert all(0 <= u < 1 for u in first)


def test_the_tour_starts_at_the_basis_and_moves_smoothly() -> None:
    D = 10
    np.testing.assert_allclose(tour.frame(D, 2, 0.0), tour.basis(D)[:, :2], atol=1e-15)
    np.testing.assert_allclose(tour.basis(D).T @ tour.basis(D), np.eye(D), atol=1e-12)
    for t in (1.0, 30.0, 77.7):
        step = np.linalg.norm(tour.frame(D, 2, t + 1e-3) - tour.frame(D, 2, t))
        assert 1e-5 < step < 1e-2  # continuous, and moving (about a radian per unit of time)
    far = np.linalg.norm(tour.frame(D, 2, 40.0) - tour.frame(D, 2, 0.0))
    assert far > 0.5


def test_rotation_carries_the_start_frame_to_the_frame_at_t() -> None:
    D, t = 7, 4.5
    M = tour.rotation(D, t)
    np.testing.assert_allclose(M @ M.T, np.eye(D), atol=1e-12)
    assert np.linalg.det(M) == pytest.approx(1.0)
    np.testing.assert_allclose(M @ tour.frame(D, 3, 0.0), tour.frame(D, 3, t), atol=1e-12)


def test_frames_at_once_equal_one_at_a_time() -> None:
    times = np.array([0.0, 2.5, 99.0])
    F = tour.frames(12, 3, times)
    for i, t in enumerate(times):
        np.testing.assert_allclose(F[i], tour.frame(12, 3, float(t)), atol=1e-14)


def test_frames_mix_every_coordinate_of_a_wide_layer() -> None:
    F = tour.frames(64, 2, np.linspace(0, tour.LENGTH, 11))
    participation = 1 / np.sum(F**4, axis=1)  # about D / 3 for a random unit vector
    assert participation.mean() > 10


def test_extent_holds_the_projections() -> None:
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(500, 9)) * np.arange(1, 10)
    mean = pts.mean(axis=0)
    r = tour.extent(pts, mean)
    for t in np.linspace(0, tour.LENGTH, 65):
        assert np.abs(tour.project(pts, mean, tour.frame(9, 3, float(t)))).max() <= r
    assert r < np.linalg.norm(pts - mean, axis=1).max() * 1.05 + 1e-9
    assert tour.extent(np.full((3, 5), np.nan), np.zeros(5)) == 1.0


def test_bad_arguments_raise() -> None:
    with pytest.raises(NetwarpError, match=r"1\.\.4 columns"):
        tour.frame(4, 5, 0.0)
    with pytest.raises(NetwarpError, match="at least 1 dimension"):
        tour.planes(0)
    with pytest.raises(NetwarpError, match="seed"):
        tour.speeds(4, seed=-1)
