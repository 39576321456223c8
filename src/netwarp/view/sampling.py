"""The one epoch-sampling rule and the one point-subsampling rule of every view.

**Epochs.** Of epochs ``0..n_epochs`` a view measures those that are multiples of a
power-of-two ``stride`` plus the newest epoch, with the smallest stride that keeps the
sample (multiples and newest) within ``budget`` epochs. When training goes on and the multiples would exceed the
budget the stride doubles: the epochs kept are a subset of those sampled before, so
nothing measured at them is recomputed (only the previous "newest" epoch drops out).
Diagnostics, axis bounds, morph boxes and projections all use this rule (with budgets of
their own; a smaller budget's sample is a subset of a larger one's at the same length).

**Points.** A view that needs at most ``m`` of ``n`` points takes ``m`` evenly spaced rows,
``round(linspace(0, n - 1, m))``, the first and the last included.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from netwarp.errors import NetwarpError

Index = NDArray[np.int64]


def stride(n_epochs: int, budget: int) -> int:
    """The smallest power of two ``s`` whose multiples in ``0..n_epochs``, with ``n_epochs``, are at
    most ``budget`` epochs (``budget >= 2``)."""
    if budget < 2:
        raise NetwarpError(f"an epoch budget must be at least 2, got {budget}")
    s = 1
    while n_epochs // s + 2 > budget:
        s *= 2
    return s


def sample_epochs(n_epochs: int, budget: int) -> Index:
    """Epochs ``(k,)`` sampled from ``0..n_epochs``: multiples of :func:`stride` plus ``n_epochs``.

    ``k <= budget``; both ends are always in; ascending, no repeats.
    """
    if n_epochs < 0:
        raise NetwarpError(f"n_epochs must be >= 0, got {n_epochs}")
    s = stride(n_epochs, budget)
    kept = np.arange(0, n_epochs + 1, s, dtype=np.int64)
    return kept if kept[-1] == n_epochs else np.append(kept, np.int64(n_epochs))


def sampled_between(e0: int, e1: int, n_epochs: int, budget: int) -> Index:
    """The epochs of ``sample_epochs(n_epochs, budget)`` in ``[e0, e1)`` (what an append of
    epochs ``e0..e1 - 1`` adds to the sample), computed in O(result)."""
    s = stride(n_epochs, budget)
    start = -(-e0 // s) * s
    kept = np.arange(start, e1, s, dtype=np.int64)
    if e0 <= n_epochs < e1 and (not len(kept) or kept[-1] != n_epochs):
        kept = np.append(kept, np.int64(n_epochs))
    return kept


def subsample_index(n: int, m: int) -> Index:
    """Rows ``(min(n, m),)`` of ``n`` to keep when at most ``m`` are wanted: all, or ``m`` evenly spaced."""
    if m < 1:
        raise NetwarpError(f"a point budget must be at least 1, got {m}")
    if n <= m:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.linspace(0, n - 1, m).round().astype(np.int64))


def stored_epochs(n_epochs: int, max_rows: int) -> Index | None:
    """Epochs ``(k,)`` to store when a view may hold at most ``max_rows`` parameter rows of a run,
    or None when all ``n_epochs + 1`` fit: every epoch of the first half of the budget (where
    training moves fastest), then multiples of a power-of-two stride, and the newest epoch."""
    if n_epochs + 1 <= max_rows:
        return None
    if max_rows < 4:
        raise NetwarpError(f"a view stores at least 4 epochs of a run, got {max_rows}")
    head = max_rows // 2
    rest = max_rows - head
    s = 1
    while (n_epochs - head) // s + 2 > rest:
        s *= 2
    tail = np.arange(-(-head // s) * s, n_epochs + 1, s, dtype=np.int64)
    out = np.concatenate([np.arange(head, dtype=np.int64), tail, [n_epochs]])
    return np.unique(out)
