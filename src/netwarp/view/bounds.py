"""The scene's fixed axes, grown as epochs arrive: boxes that only widen, and the per-run
measurement of layer bounds, unit bounds, Grand Tour radii and morph boxes at given epochs.

A :class:`Box` holds the raw extent ``lo``/``hi`` ``(k,)`` of every finite row it was shown and
pads it (5 % of its range) only when written out, so growing a box by new epochs and building
it over all of them at once give the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core import activations as act
from netwarp.core.params import unflatten
from netwarp.view import geometry, tour

Array = NDArray[np.float64]
BIG = np.finfo(np.float64).max / 4
PAD = 0.05


class Box:
    """Extent of ``k``-D rows seen so far (empty at first); :meth:`add` only widens it."""

    def __init__(self, k: int) -> None:
        self.lo = np.full(k, np.inf)
        self.hi = np.full(k, -np.inf)

    def add(self, rows: Array) -> None:
        """Widen to hold every finite row of ``rows`` ``(m, k)``."""
        self.merge(*extent(rows), len(self.lo))

    def merge(self, lo: Array, hi: Array, k: int) -> None:
        """Widen to hold the extent ``lo``/``hi`` ``(w,)`` of rows zero-padded to ``k`` columns."""
        if not np.all(np.isfinite(lo)):
            return
        w = len(lo)
        np.minimum(self.lo[:w], lo, out=self.lo[:w])
        np.maximum(self.hi[:w], hi, out=self.hi[:w])
        if k > w:
            np.minimum(self.lo[w:], 0.0, out=self.lo[w:])
            np.maximum(self.hi[w:], 0.0, out=self.hi[w:])

    def clear(self) -> None:
        self.lo[:] = np.inf
        self.hi[:] = -np.inf

    def to_list(self, pad: float = PAD) -> list[list[float]]:
        """``[[lo, hi]] * k``, padded by ``pad`` of each range (of 1 for an empty range); an
        empty box is ``[-1, 1]`` on every axis."""
        if not np.all(np.isfinite(self.lo)):
            return [[-1.0, 1.0]] * len(self.lo)
        span = np.where(self.hi > self.lo, self.hi - self.lo, 1.0)
        lo = np.clip(self.lo - pad * span, -BIG, BIG)
        hi = np.clip(self.hi + pad * span, -BIG, BIG)
        return [[float(a), float(b)] for a, b in zip(lo, hi, strict=True)]


def extent(rows: Array) -> tuple[Array, Array]:
    """Column minima and maxima ``(k,)`` of the finite rows of ``rows`` ``(m, k)`` (inf/-inf if none)."""
    if len(rows):
        lo, hi = rows.min(axis=0), rows.max(axis=0)
        if np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)):
            return lo, hi
        rows = rows[np.all(np.isfinite(rows), axis=1)]
        if len(rows):
            return rows.min(axis=0), rows.max(axis=0)
    k = rows.shape[1]
    return np.full(k, np.inf), np.full(k, -np.inf)


def morph_layer(sizes: Sequence[int], layer: int) -> int | None:
    """Which layer's projection shows the morph through weight layer ``layer``.

    The walk lives in ``D = max(d_in, d_out)`` dimensions; for D <= 3 it is shown as is
    (None), else through the fixed projection of the layer that is D wide (the output
    side when both are).
    """
    D = max(sizes[layer], sizes[layer + 1])
    if D <= 3:
        return None
    return layer + 1 if sizes[layer + 1] == D else layer


class RunBounds:
    """Every box of one run: per representation l its display ``bounds`` (through its
    projection when wider than 3), raw ``units`` and tour radius; per weight layer and stage
    (x, xW, xW + b, sigma) the morph boxes in raw zero-padded units and in display
    coordinates, and their tour radii. Shapes in :meth:`to_json`."""

    def __init__(self, sizes: Sequence[int], activations: Sequence[str]) -> None:
        self.sizes = tuple(int(w) for w in sizes)
        self.activations = tuple(activations)
        L = len(self.sizes) - 1
        self.morph_layers = [morph_layer(self.sizes, k) for k in range(L)]
        self.bounds = [Box(min(3, w)) for w in self.sizes]
        self.units = [Box(w) if w > 3 else None for w in self.sizes]
        self.radius = [0.0 if w > 3 else None for w in self.sizes]
        self.morph_units = [[Box(max(self.sizes[k], self.sizes[k + 1])) for _ in range(4)] for k in range(L)]
        self.morph_shown = [None if m is None else [Box(3) for _ in range(4)] for m in self.morph_layers]
        self.morph_radius: list[list[float] | None] = [None if m is None else [0.0] * 4 for m in self.morph_layers]

    def clear_projected(self) -> None:
        """Forget what depends on the projections (before a refit)."""
        for layer, w in enumerate(self.sizes):
            if w > 3:
                self.bounds[layer].clear()
                self.radius[layer] = 0.0
        for k, m in enumerate(self.morph_layers):
            if m is not None:
                for box in self.morph_shown[k] or []:
                    box.clear()
                self.morph_radius[k] = [0.0] * 4

    def add(self, params: Array, X: Array, projs: list[geometry.Projection | None]) -> int:
        """Grow every box by the points ``X`` ``(m, d)`` at the epochs whose flat parameters are
        ``params`` ``(e, n_params)``; returns the epochs passed through the network (``e``)."""
        e = len(params)
        if not e:
            return 0
        Ws, bs = unflatten(params, list(self.sizes))
        x: Array = X[None]
        ext = self._layer(0, X, projs)
        for k, (W, b, name) in enumerate(zip(Ws, bs, self.activations, strict=True)):
            lin = np.einsum("eni,eio->eno", np.broadcast_to(x, (e, *x.shape[1:])), W)
            moved = lin + b[:, None, :]
            out = act.get(name)(moved)
            w = self.sizes[k + 1]
            ext_out = self._layer(k + 1, out.reshape(-1, w), projs)
            stages = (x, lin, moved, out)
            exts = (ext, extent(lin.reshape(-1, w)), extent(moved.reshape(-1, w)), ext_out)
            self._morph(k, stages, exts, projs)
            x, ext = out, ext_out
        return e

    def _layer(self, layer: int, flat: Array, projs: list[geometry.Projection | None]) -> tuple[Array, Array]:
        """Grow representation ``layer``'s boxes by its values ``flat`` ``(m, width)``; returns their extent."""
        w = self.sizes[layer]
        ext = extent(flat)
        if w <= 3:
            self.bounds[layer].merge(*ext, w)
            return ext
        p = projs[layer]
        assert p is not None
        self.bounds[layer].add(p.apply(flat))
        units = self.units[layer]
        assert units is not None
        units.merge(*ext, w)
        self.radius[layer] = max(self.radius[layer] or 0.0, tour.extent(flat, p.mean, pad=1.0))
        return ext

    def _morph(
        self, k: int, stages: tuple[Array, ...], exts: tuple[tuple[Array, Array], ...],
        projs: list[geometry.Projection | None],
    ) -> None:  # fmt: skip
        D = max(self.sizes[k], self.sizes[k + 1])
        m = self.morph_layers[k]
        for s, (stage, ext) in enumerate(zip(stages, exts, strict=True)):
            self.morph_units[k][s].merge(*ext, D)
            if m is not None:
                p = projs[m]
                assert p is not None and self.morph_shown[k] is not None and self.morph_radius[k] is not None
                padded = geometry.embed(stage.reshape(-1, stage.shape[-1]), D)
                self.morph_shown[k][s].add(p.apply(padded))  # type: ignore[index]
                radii = self.morph_radius[k]
                radii[s] = max(radii[s], tour.extent(padded, p.mean, pad=1.0))  # type: ignore[index]

    def to_json(self, is_prob_output: bool) -> dict[str, Any]:
        """``bounds`` per layer ``(k_l, 2)``; ``unit_bounds`` ``(width_l, 2)`` or None (width <= 3);
        ``tour_radius`` per layer or None; ``morph_layer``; ``morph_bounds`` ``[layer][stage]``
        ``(k, 2)`` in display coordinates; ``morph_unit_bounds`` ``[layer][stage]`` ``(D, 2)``;
        ``morph_tour_radius`` ``[layer][4]`` or None."""
        L = len(self.sizes) - 1
        bounds = [b.to_list() for b in self.bounds]
        if is_prob_output and self.sizes[L] <= 3:
            bounds[L] = [[0.0, 1.0]] * self.sizes[L]
        units = [[b.to_list() for b in stages] for stages in self.morph_units]
        return {
            "bounds": bounds,
            "unit_bounds": [None if b is None else b.to_list() for b in self.units],
            # the Grand Tour turns the centred values: a box [-r, r]^k holds them at every epoch
            # and (at the tour times sampled) every rotation
            "tour_radius": [None if r is None else _radius(r) for r in self.radius],
            "morph_layer": list(self.morph_layers),
            "morph_bounds": [units[k] if shown is None else [b.to_list() for b in shown]
                             for k, shown in enumerate(self.morph_shown)],
            "morph_unit_bounds": units,
            "morph_tour_radius": [None if r is None else [_radius(v) for v in r] for r in self.morph_radius],
        }


def _radius(raw: float) -> float:
    r = raw * 1.05
    return float(r) if np.isfinite(r) and r > 0 else 1.0
