"""Geometry of a network's layers: stages, morphs, grids, fixed projections, stable bounds.

A layer maps ``x`` ``(n, d_in)`` through three stages (Olah's animation):
``x -> xW`` (linear map) ``-> xW + b`` (translation) ``-> sigma(xW + b)`` (activation).
:func:`morph` walks them continuously; spaces of different widths are compared by padding
the narrower with zeros (:func:`embed`).

Layers wider than 3 units are shown through a :class:`Projection` fitted once over the whole
trajectory (PCA over sampled epochs), so every epoch is drawn in the same coordinates.
All functions take and return NumPy arrays; shapes are in the docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core import activations as act
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import sampling

Array = NDArray[np.float64]

#: Field names of :class:`Stages` (what users read is :data:`netwarp.view.vocabulary.WORDS` ``["stages"]``).
STAGE_NAMES = ("input", "linear", "translated", "activated")


@dataclass(frozen=True)
class Stages:
    """One layer's stages for ``n`` points: ``input`` ``(n, d_in)``; the rest ``(n, d_out)``."""

    input: Array
    linear: Array
    translated: Array
    activated: Array

    def as_list(self) -> list[Array]:
        return [self.input, self.linear, self.translated, self.activated]


def stages(x: Array, W: Array, b: Array, activation: str) -> Stages:
    """Stages of one layer: ``x`` ``(n, d_in)``, ``W`` ``(d_in, d_out)``, ``b`` ``(d_out,)``."""
    linear = x @ W
    translated = linear + b
    return Stages(x, linear, translated, act.get(activation)(translated))


def layer_stages(traj: Trajectory, X: Any, epoch: int | None, layer: int) -> Stages:
    """Stages of ``layer`` (0-based) at ``epoch`` for input points ``X`` ``(n, d_0)``."""
    if not 0 <= layer < traj.n_layers:
        raise NetwarpError(f"layer {layer} is out of range 0..{traj.n_layers - 1}")
    values = traj.forward(X, epoch)
    e = traj.epoch_index(epoch)
    W = traj.weights(layer)[e]
    b = traj.biases(layer)[e]
    return stages(values[layer], W, b, traj.activations[layer])


def embed(a: Array, dim: int) -> Array:
    """Pad ``a`` ``(..., d)`` with zeros to ``(..., dim)`` (``dim >= d``)."""
    d = a.shape[-1]
    if d == dim:
        return a
    if d > dim:
        raise NetwarpError(f"cannot embed {d}-D points in {dim}-D")
    pad = np.zeros((*a.shape[:-1], dim - d))
    return np.concatenate([a, pad], axis=-1)


def lerp(a: Array, b: Array, t: float) -> Array:
    """Straight-line interpolation between two stages, ``t`` in [0, 1], padded to a common width."""
    if not 0.0 <= t <= 1.0:
        raise NetwarpError(f"t must be in [0, 1], got {t}")
    dim = max(a.shape[-1], b.shape[-1])
    A, B = embed(a, dim), embed(b, dim)
    return (1.0 - t) * A + t * B


def interpolate(s: Stages, t: float) -> Array:
    """A point on the walk through one layer's stages, ``t`` in [0, 3]: 0 input, 1 linear,
    2 translated, 3 activated. Returns ``(n, max(d_in, d_out))``."""
    if not 0.0 <= t <= 3.0:
        raise NetwarpError(f"t must be in [0, 3], got {t}")
    k = min(int(t), 2)
    seq = s.as_list()
    return lerp(seq[k], seq[k + 1], t - k)


def morph(traj: Trajectory, X: Any, epoch: int | None, t: float) -> Array:
    """The whole network as one continuous deformation: ``t`` in [0, 3 * n_layers]."""
    total = 3 * traj.n_layers
    if not 0.0 <= t <= total:
        raise NetwarpError(f"t must be in [0, {total}], got {t}")
    layer = min(int(t // 3), traj.n_layers - 1)
    return interpolate(layer_stages(traj, X, epoch, layer), t - 3 * layer)


def domain(X: Any, pad: float = 0.1) -> Array:
    """Bounds ``(d, 2)`` of the points ``X`` ``(n, d)``, widened by ``pad`` of their range."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.column_stack([lo - pad * span, hi + pad * span])


def grid(bounds: Any, n_lines: int = 11, n_samples: int = 101) -> Array:
    """Lines over a box ``bounds`` ``(d, 2)``, d in 1..3: ``(n_lines_total, n_samples, d)``.

    1-D: one line through the interval. 2-D: ``n_lines`` lines along each axis.
    3-D: lines along each axis through a ``m x m`` lattice with ``m = max(2, n_lines // 2)``.
    """
    bounds = np.asarray(bounds, dtype=np.float64)
    d = bounds.shape[0]
    s = np.linspace(0.0, 1.0, n_samples)
    if d == 1:
        return np.asarray(bounds[0, 0] + s * (bounds[0, 1] - bounds[0, 0]), dtype=np.float64).reshape(1, n_samples, 1)
    if d not in (2, 3):
        raise NetwarpError(f"grids are drawn for 1 to 3 input dimensions, got {d}")
    m = n_lines if d == 2 else max(2, n_lines // 2)
    ticks = np.linspace(0.0, 1.0, m)
    lines = []
    for axis in range(d):
        others = [a for a in range(d) if a != axis]
        for combo in np.array(np.meshgrid(*[ticks] * (d - 1), indexing="ij")).reshape(d - 1, -1).T:
            unit = np.empty((n_samples, d))
            unit[:, axis] = s
            for a, v in zip(others, combo, strict=True):
                unit[:, a] = v
            lines.append(unit)
    unit_lines = np.stack(lines)
    return np.asarray(bounds[:, 0] + unit_lines * (bounds[:, 1] - bounds[:, 0]), dtype=np.float64)


def push_grid(traj: Trajectory, lines: Array, epoch: int | None) -> list[Array]:
    """Push grid ``lines`` ``(m, s, d_0)`` through the network: list of ``(m, s, width_l)``."""
    m, s, d = lines.shape
    values = traj.forward(lines.reshape(m * s, d), epoch)
    return [v.reshape(m, s, -1) for v in values]


@dataclass(frozen=True)
class Projection:
    """A fixed linear map to at most 3 coordinates: ``(a - mean) @ components``.

    ``mean`` ``(width,)``, ``components`` ``(width, k)``; identity for layers of width <= 3.
    """

    mean: Array
    components: Array
    explained: Array

    @property
    def k(self) -> int:
        return int(self.components.shape[1])

    def apply(self, a: Array) -> Array:
        """Project ``a`` ``(..., width)`` to ``(..., k)``."""
        return (a - self.mean) @ self.components


def fit_projection(values: Array, k: int = 3) -> Projection:
    """PCA of ``values`` ``(m, width)`` to ``k`` coordinates (identity when ``width <= k``).

    Component signs are fixed (largest entry positive). Non-finite rows are left out.
    """
    width = values.shape[1]
    if width <= k:
        return Projection(np.zeros(width), np.eye(width), np.ones(width) / width)
    values = values[np.all(np.isfinite(values), axis=1)]
    if not len(values):
        return Projection(np.zeros(width), np.eye(width)[:, :k], np.zeros(k))
    mean = values.mean(axis=0)
    _, sing, vt = np.linalg.svd(values - mean, full_matrices=False)
    comps = np.zeros((width, k))
    comps[:, : min(k, len(vt))] = vt[:k].T
    signs = np.sign(comps[np.abs(comps).argmax(axis=0), np.arange(k)])
    comps *= np.where(signs == 0, 1.0, signs)
    var = np.zeros(k)
    var[: min(k, len(sing))] = sing[:k] ** 2
    total = float(np.sum(sing**2))
    return Projection(mean, comps, var / total if total > 0 else var)


def fixed_projection(
    traj: Trajectory,
    X: Any,
    layer: int,
    k: int = 3,
    *,
    max_epochs: int = 100,
    max_points: int = 2000,
) -> Projection:
    """A projection of layer ``layer`` (0 = input) fitted once over the whole trajectory.

    Widths <= ``k`` get the identity. Wider layers get PCA over the layer's values for up to
    ``max_points`` points at up to ``max_epochs`` epochs spread over training, so the same
    axes serve every epoch. Component signs are fixed (largest entry positive).
    """
    width = traj.layer_sizes[layer]
    if width <= k:
        return fit_projection(np.zeros((0, width)), k)
    X = traj.check_input(X)
    X = X[sampling.subsample_index(len(X), max_points)]
    values = traj.forward_epochs(X, sampling.sample_epochs(traj.n_epochs, max_epochs))[layer]
    return fit_projection(values.reshape(-1, width), k)


def projections(traj: Trajectory, X: Any, k: int = 3) -> list[Projection]:
    """:func:`fixed_projection` for every layer, input to output."""
    return [fixed_projection(traj, X, layer, k) for layer in range(len(traj.layer_sizes))]


def layer_bounds(
    traj: Trajectory,
    X: Any,
    projs: list[Projection] | None = None,
    *,
    max_epochs: int = 200,
    pad: float = 0.05,
) -> list[Array]:
    """Axis limits per layer ``(k_l, 2)`` that hold the points at every sampled epoch.

    Used so axes do not jump while scrubbing through training. Probability outputs
    (logistic, softmax) get [0, 1].
    """
    X = traj.check_input(X)
    projs = projs or projections(traj, X)
    values = traj.forward_epochs(X, sampling.sample_epochs(traj.n_epochs, max_epochs))
    out = []
    for layer, (v, p) in enumerate(zip(values, projs, strict=True)):
        is_prob = layer == traj.n_layers and traj.out_activation in ("logistic", "softmax")
        if is_prob and p.k == traj.layer_sizes[layer]:
            out.append(np.tile([0.0, 1.0], (p.k, 1)))
            continue
        pts = p.apply(v.reshape(-1, v.shape[-1]))
        finite = pts[np.all(np.isfinite(pts), axis=1)]
        out.append(domain(finite, pad) if len(finite) else np.tile([-1.0, 1.0], (p.k, 1)))
    return out


def jitter(n: int, scale: float = 0.5, random_state: int = 123) -> Array:
    """The seed's display jitter for 1-D panels: ``(n,)`` normal values (not data)."""
    return np.random.RandomState(random_state).normal(scale=scale, size=n)
