"""The Grand Tour's rotation: the Python reference of the view's ``static/tour.js``.

After Li, Zhao & Scheidegger, "Visualizing Neural Networks with the Grand Tour" (Distill,
2020), by the torus method: the torus rotation at tour time ``t`` is the product of a Givens
rotation in every coordinate plane ``(i, j)``, ``i < j``, each turning at its own fixed
angular speed::

    R(t) = G(0, 1; w_1 t) G(0, 2; w_2 t) ... G(D-2, D-1; w_m t),   m = D (D - 1) / 2

Alone, ``R(t)`` keeps each frame column on two or three coordinates for large ``D``, so the
tour turns in a seeded random orthonormal basis ``Q``: the frame at time ``t`` is
``F(t) = Q R(t) E_k = M(t) F(0)`` with ``M(t) = Q R(t) Q^T`` a rotation of the whole space
(:func:`rotation`). Speeds and ``Q`` come from a seeded generator (mulberry32, bit for bit
as in JavaScript; ``Q`` by Gram-Schmidt on Box-Muller normals), so the tour is deterministic
given the seed and independent of the epoch: at a given ``t`` every epoch is seen through
the same projection. A layer's values ``a`` ``(n, D)`` are drawn as ``(a - mean) @ F(t)``.
Speeds in [0.3, 0.9) turn a frame column by about one radian per unit of tour time, for
``D = 4`` as for ``D = 64``. NumPy only.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np
from numpy.typing import NDArray

from netwarp.errors import NetwarpError
from netwarp.view import sampling

Array = NDArray[np.float64]

#: Seed of the view's tour.
SEED = 1
#: Tour time runs over [0, LENGTH].
LENGTH = 100.0

_M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & _M32


def random(seed: int) -> Iterator[float]:
    """mulberry32: uniform numbers in [0, 1) from a 32-bit seed (as ``tour.js``'s ``random``)."""
    a = seed & _M32
    while True:
        a = (a + 0x6D2B79F5) & _M32
        t = _imul(a ^ (a >> 15), 1 | a)
        t = ((t + _imul(t ^ (t >> 7), 61 | t)) & _M32) ^ t
        yield ((t ^ (t >> 14)) & _M32) / 4294967296.0


def _check(D: int, k: int | None = None) -> None:
    if D < 1:
        raise NetwarpError(f"a tour needs at least 1 dimension, got {D}")
    if k is not None and not 1 <= k <= D:
        raise NetwarpError(f"a tour frame of {D} dimensions has 1..{D} columns, got {k}")


def planes(D: int) -> NDArray[np.int64]:
    """The coordinate planes ``(m, 2)`` in the rotation's order: (0, 1), (0, 2), ..., (D-2, D-1)."""
    _check(D)
    pairs = [(a, b) for a in range(D) for b in range(a + 1, D)]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def speeds(D: int, seed: int = SEED) -> Array:
    """Angular speed of each plane ``(m,)``, in [0.3, 0.9) radians per unit of tour time."""
    _check(D)
    if not 0 <= seed < 2**31:
        raise NetwarpError(f"the tour seed must be in 0..2**31 - 1, got {seed}")
    gen = random(seed * 65599 + D)
    m = D * (D - 1) // 2
    return np.array([0.3 + 0.6 * next(gen) for _ in range(m)], dtype=np.float64)


@cache
def _basis(D: int, seed: int) -> Array:
    gen = random(seed * 65599 + D + 104729)
    z = np.empty(D * D)
    for i in range(0, D * D, 2):
        r = np.sqrt(-2.0 * np.log(1.0 - next(gen)))
        a = 2.0 * np.pi * next(gen)
        z[i] = r * np.cos(a)
        if i + 1 < D * D:
            z[i + 1] = r * np.sin(a)
    Q = z.reshape(D, D)
    for j in range(D):  # modified Gram-Schmidt on the columns, in tour.js's order
        for q in range(j):
            dot = 0.0
            for i in range(D):
                dot += Q[i, q] * Q[i, j]
            Q[:, j] -= dot * Q[:, q]
        Q[:, j] /= np.sqrt(sum(float(v) * float(v) for v in Q[:, j]))
    Q.setflags(write=False)
    return Q


def basis(D: int, seed: int = SEED) -> Array:
    """The tour's random orthonormal basis ``Q`` ``(D, D)``."""
    _check(D)
    return _basis(D, seed).copy()


def _rotate(V: Array, D: int, t: float, seed: int) -> Array:
    """``R(t) @ V`` for ``V`` ``(D, k)`` (modified in place)."""
    w = speeds(D, seed)
    pairs = _pairs(D)
    c, s = np.cos(w * t), np.sin(w * t)
    for p in range(len(w) - 1, -1, -1):  # the last plane's rotation acts first
        a, b = pairs[p]
        va, vb = V[a].copy(), V[b].copy()
        V[a] = c[p] * va - s[p] * vb
        V[b] = s[p] * va + c[p] * vb
    return V


@cache
def _pairs(D: int) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in planes(D)]


def frame(D: int, k: int, t: float, seed: int = SEED) -> Array:
    """The tour's frame ``Q R(t) E_k`` at time ``t``: ``(D, k)``, orthonormal columns."""
    _check(D, k)
    return np.asarray(_basis(D, seed) @ _rotate(np.eye(D)[:, :k].copy(), D, float(t), seed), dtype=np.float64)


def frames(D: int, k: int, times: Array, seed: int = SEED) -> Array:
    """:func:`frame` at every time in ``times`` ``(T,)`` at once: ``(T, D, k)``."""
    _check(D, k)
    ts = np.asarray(times, dtype=np.float64).ravel()
    w = speeds(D, seed)
    c, s = np.cos(np.outer(ts, w)), np.sin(np.outer(ts, w))  # (T, m)
    V = np.broadcast_to(np.eye(D)[:, :k], (len(ts), D, k)).copy()
    for p, (a, b) in zip(range(len(w) - 1, -1, -1), reversed(_pairs(D)), strict=True):
        va, vb = V[:, a, :].copy(), V[:, b, :].copy()
        V[:, a, :] = c[:, p, None] * va - s[:, p, None] * vb
        V[:, b, :] = s[:, p, None] * va + c[:, p, None] * vb
    return np.asarray(_basis(D, seed) @ V, dtype=np.float64)


def extent(points: Array, mean: Array, samples: int = 65, max_rows: int = 20_000, pad: float = 1.05) -> float:
    """Half-width of a box that holds ``(points - mean) @ frame(D, k, t)`` at every tour time t
    (padded): fixed axes for the whole tour. ``points`` ``(m, D)``.

    A frame's columns are orthonormal, so no coordinate of a projected point exceeds the
    point's distance from ``mean``: the largest distance bounds every frame at once, at
    ``O(m D)`` (``samples`` is kept for callers; no tour time needs sampling).
    """
    del samples
    finite = points[np.all(np.isfinite(points), axis=1)]
    if not len(finite):
        return 1.0
    if len(finite) > max_rows:
        finite = finite[sampling.subsample_index(len(finite), max_rows)]
    centred = finite - mean
    r = float(np.sqrt(np.max(np.einsum("ij,ij->i", centred, centred)))) * pad
    return r if np.isfinite(r) and r > 0 else 1.0


def rotation(D: int, t: float, seed: int = SEED) -> Array:
    """The rotation ``M(t) = Q R(t) Q^T`` ``(D, D)`` carrying ``frame(D, k, 0)`` to ``frame(D, k, t)``:
    orthogonal with determinant +1."""
    _check(D)
    Q = _basis(D, seed)
    return np.asarray(Q @ _rotate(np.eye(D), D, float(t), seed) @ Q.T, dtype=np.float64)


def project(values: Array, mean: Array, basis: Array) -> Array:
    """``(values - mean) @ basis``: ``values`` ``(n, D)``, ``mean`` ``(D,)``, ``basis`` ``(D, k)`` -> ``(n, k)``."""
    return np.asarray((np.asarray(values, dtype=np.float64) - mean) @ basis, dtype=np.float64)
