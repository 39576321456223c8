"""Feature crosses: optional input transforms (x1², x2², x1·x2, sin x1, sin x2), as a layer of their own.

A run with features trains its hidden layers on ``[x, f_1(x), ..., f_k(x)]`` (the raw inputs,
then the chosen features in :data:`FEATURES` order). Its trajectory shows that as a fixed first
layer ``x -> features(x W + b)`` with ``W = [I | 0]`` ``(d, d + k)`` and ``b = 0``, whose
"activation" ``features:x1sq,x1x2`` keeps the first ``d`` coordinates and appends the features
of them (a map of whole rows, like softmax). So the raw input plane stays the input panel, the
feature space is a panel of its own, and every view, file and forward pass works unchanged.
``static/nn.js`` implements the same activation; ``static/trainrun.js`` the same layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.errors import NetwarpError

Array = NDArray[np.float64]

#: name -> (label, input column it needs up to, f(x1, x2) elementwise, d f / d x1, d f / d x2).
FEATURES: dict[str, tuple[str, int, Callable[[Array, Array], Array], Callable[[Array, Array], Array],
                          Callable[[Array, Array], Array]]] = {
    "x1sq": ("x1²", 1, lambda a, b: a * a, lambda a, b: 2 * a, lambda a, b: 0 * a),
    "x2sq": ("x2²", 2, lambda a, b: b * b, lambda a, b: 0 * a, lambda a, b: 2 * b),
    "x1x2": ("x1·x2", 2, lambda a, b: a * b, lambda a, b: b, lambda a, b: a),
    "sinx1": ("sin x1", 1, lambda a, b: np.sin(a), lambda a, b: np.cos(a), lambda a, b: 0 * a),
    "sinx2": ("sin x2", 2, lambda a, b: np.sin(b), lambda a, b: 0 * a, lambda a, b: np.cos(b)),
}  # fmt: skip
NAMES = tuple(FEATURES)
PREFIX = "features:"


def check(names: Sequence[str], d: int | None = None) -> tuple[str, ...]:
    """``names`` in :data:`FEATURES` order, without repeats; a NetwarpError for an unknown one or one
    that needs an input column the data (``d`` columns) lacks."""
    names = tuple(names)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise NetwarpError(f"features: {unknown[0]!r} is not one of {', '.join(NAMES)}")
    if d is not None:
        for n in names:
            if FEATURES[n][1] > d:
                raise NetwarpError(f"features: {n} needs input x{FEATURES[n][1]}, the data has {d} column(s)")
    return tuple(n for n in NAMES if n in names)


def activation_name(names: Sequence[str]) -> str:
    """The features layer's activation name: ``features:x1sq,x1x2``."""
    return PREFIX + ",".join(check(names))


def parse(activation: str) -> tuple[str, ...] | None:
    """The feature names of a features activation name, or None for any other activation."""
    if not activation.startswith(PREFIX):
        return None
    return check([p for p in activation[len(PREFIX) :].split(",") if p])


def _columns(Z: Array, d: int) -> tuple[Array, Array]:
    a = Z[..., 0]
    return a, (Z[..., 1] if d > 1 else np.zeros_like(a))


def apply_rows(Z: Array, names: Sequence[str]) -> Array:
    """The features activation on ``Z`` ``(..., d + k)``: the first ``d`` columns kept, then the
    ``k`` features of them (``d`` is the width minus ``k``)."""
    Z = np.asarray(Z, dtype=np.float64)
    k = len(names)
    d = Z.shape[-1] - k
    a, b = _columns(Z, d)
    out = np.array(Z, dtype=np.float64, copy=True)
    for j, n in enumerate(names):
        out[..., d + j] = FEATURES[n][2](a, b)
    return out


def expand(X: Any, names: Sequence[str]) -> Array:
    """The network's input for raw points ``X`` ``(n, d)``: ``(n, d + k)``."""
    X = np.asarray(X, dtype=np.float64)
    names = check(names, X.shape[1])
    return apply_rows(np.concatenate([X, np.zeros((len(X), len(names)))], axis=1), names)


def jacobian(Z: Array, names: Sequence[str]) -> Array:
    """Jacobian ``(n, w, w)`` of the features activation at ``Z`` ``(n, w)`` (row-vector convention:
    ``dz @ J[i]``)."""
    n, w = Z.shape
    k = len(names)
    d = w - k
    a, b = _columns(Z, d)
    J = np.zeros((n, w, w))
    J[:, np.arange(d), np.arange(d)] = 1.0
    for j, name in enumerate(names):
        J[:, 0, d + j] = FEATURES[name][3](a, b)
        if d > 1:
            J[:, 1, d + j] = FEATURES[name][4](a, b)
    return J


def layer(d: int, names: Sequence[str]) -> tuple[Array, Array]:
    """The fixed features layer's weights ``(d, d + k)`` (``[I | 0]``) and biases ``(d + k,)`` (zeros)."""
    k = len(names)
    return np.concatenate([np.eye(d), np.zeros((d, k))], axis=1), np.zeros(d + k)


def prepend(params: Array, d: int, names: Sequence[str], inner_sizes: Sequence[int]) -> Array:
    """Flat parameters ``(..., n_params)`` of a network on the features with the features layer
    put first (all weight matrices first, then all biases, as :mod:`netwarp.core.engine` packs them)."""
    params = np.asarray(params, dtype=np.float64)
    W, b = layer(d, names)
    n_w = sum(a * c for a, c in pairwise(inner_sizes))
    lead = params.shape[:-1]
    fixed_w = np.broadcast_to(W.ravel(), (*lead, W.size))
    fixed_b = np.broadcast_to(b, (*lead, b.size))
    return np.concatenate([fixed_w, params[..., :n_w], fixed_b, params[..., n_w:]], axis=-1)
