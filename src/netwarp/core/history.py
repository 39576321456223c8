"""Helpers of the training loop: the parameter history kept in blocks, and BLAS threads for scoring.

Shapes: a history row is one flat parameter vector ``(n_params,)``; :meth:`History.stack`
gives ``(n_rows, n_params)``.
"""

from __future__ import annotations

import contextlib
import functools
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]


class History:
    """Parameter vectors ``(n_params,)`` kept in blocks of rows; :meth:`stack` joins them.

    Blocks of about 512 KB (at most ``max_rows`` rows) keep the memory near the history itself:
    no per-row objects, and joining costs one copy (none when one block holds every row).
    """

    def __init__(self, first: Array, max_rows: int) -> None:
        self.rows = max(1, min(max_rows, (1 << 16) // max(1, first.size)))
        self.blocks: list[Array] = []
        self.filled = self.rows
        self.append(first)

    def append(self, theta: Array) -> None:
        if self.filled == self.rows:
            self.blocks.append(np.empty((self.rows, theta.size), dtype=theta.dtype))
            self.filled = 0
        self.blocks[-1][self.filled] = theta
        self.filled += 1

    def pop(self) -> None:
        self.filled -= 1
        if self.filled == 0 and len(self.blocks) > 1:
            self.blocks.pop()
            self.filled = self.rows

    def __len__(self) -> int:
        return (len(self.blocks) - 1) * self.rows + self.filled

    def stack(self) -> Array:
        """Every row kept: ``(len(self), n_params)``."""
        last = self.blocks[-1][: self.filled]
        if len(self.blocks) == 1:
            return last if self.filled == self.rows else last.copy()
        return np.concatenate([*self.blocks[:-1], last])


@functools.cache
def _threadpools() -> Any:
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()  # inspecting the loaded libraries once: it costs ~0.4 MB each time


def blas_threads(batch_size: int, layer_units: list[int], upto: int = 1 << 22) -> Any:
    """One BLAS thread while the matrix products are mid-sized (a small network's blocks of points).

    Threads only cost there: on a busy machine the waiting threads make a small product several
    times slower. They can change the last bits of a product OpenBLAS splits between threads, so
    this is for the per-epoch scores (:mod:`netwarp.core.scoring`, accuracies and R^2 summed over
    blocks), never for training, which must give ``fit``'s bits and so keeps ``fit``'s threads.
    Tiny products are single-threaded anyway; products of ``upto`` multiply-adds and more keep
    every thread.
    """
    largest = batch_size * max(a * b for a, b in pairwise(layer_units))
    if not 1 << 12 <= largest < upto:
        return contextlib.nullcontext()
    return _threadpools().limit(limits=1, user_api="blas")
