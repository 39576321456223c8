"""The Grand Tour's rotation: the Python reference of the view's ``static/tour.js``.

After Li, Zhao & Scheidegger, "Visualizing Neural Networks with the Grand Tour" (Distill,
2020), by the torus method: the rotation of ``D``-dimensional space at tour time ``t`` is
the product of a Givens rotation in every coordinate plane ``(i, j)``, ``i < j``, each
turning at its own fixed angular speed::

    R(t) = G(0, 1; w_1 t) G(0, 2; w_2 t) ... G(D-2, D-1; w_m t),   m = D (D - 1) / 2

The speeds come from a seeded generator (mulberry32, bit for bit as in JavaScript), so the
tour is deterministic given the seed and independent of the epoch: at a given ``t`` every
epoch is seen through the same projection. A layer's values ``a`` ``(n, D)`` are drawn as
``(a - mean) @ frame(D, k, t)``. Speeds in [0.3, 0.9) turn a frame column by about one
radian per unit of tour time, for ``D = 4`` as for ``D = 64``. NumPy only.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np
from numpy.typing import NDArray

from netwarp.errors import NetwarpError

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
    """The tour's frame at time ``t``: the first ``k`` columns of ``R(t)``, ``(D, k)``, orthonormal."""
    _check(D, k)
    return _rotate(np.eye(D)[:, :k].copy(), D, float(t), seed)


def rotation(D: int, t: float, seed: int = SEED) -> Array:
    """The whole rotation ``R(t)`` ``(D, D)``: orthogonal with determinant +1."""
    _check(D)
    return _rotate(np.eye(D), D, float(t), seed)


def project(values: Array, mean: Array, basis: Array) -> Array:
    """``(values - mean) @ basis``: ``values`` ``(n, D)``, ``mean`` ``(D,)``, ``basis`` ``(D, k)`` -> ``(n, k)``."""
    return np.asarray((np.asarray(values, dtype=np.float64) - mean) @ basis, dtype=np.float64)
