"""The flat parameter vector of an MLP: where each layer's weights and biases sit, and Glorot's start.

Every weight matrix and bias vector is a view into one flat vector ``theta`` ``(n_params,)``
(or a stack of them, ``(..., n_params)``): the weight matrices first, ``(fan_in, fan_out)``
each in scikit-learn's layer order, then the bias vectors ``(fan_out,)``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]


def param_slices(layer_units: list[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Offsets of each weight matrix and bias vector in the flat vector (coefs first)."""
    coefs, intercepts = [], []
    pos = 0
    for fan_in, fan_out in pairwise(layer_units):
        coefs.append((pos, pos + fan_in * fan_out))
        pos += fan_in * fan_out
    for fan_out in layer_units[1:]:
        intercepts.append((pos, pos + fan_out))
        pos += fan_out
    return coefs, intercepts


def n_params(layer_units: list[int]) -> int:
    """Number of weights and biases of a network with these layer widths."""
    return param_slices(layer_units)[1][-1][1]


def unflatten(theta: Array, layer_units: list[int]) -> tuple[list[Array], list[Array]]:
    """Views of ``theta`` (``(..., n_params)``) as weight matrices and bias vectors."""
    cs, bs = param_slices(layer_units)
    lead = theta.shape[:-1]
    coefs = [
        theta[..., a:b].reshape(*lead, fi, fo)
        for (a, b), fi, fo in zip(cs, layer_units[:-1], layer_units[1:], strict=True)
    ]
    intercepts = [theta[..., a:b] for a, b in bs]
    return coefs, intercepts


def initial_theta(
    cfg: Any, layer_units: list[int], rng: np.random.RandomState, dtype: Any = np.float64
) -> Array:
    """Glorot-uniform initialisation drawn in scikit-learn's order (coef, then intercept).

    Drawn in float64 and rounded to ``dtype`` (float32 for float32 data), as scikit-learn does.
    """
    theta = np.empty(n_params(layer_units), dtype=dtype)
    coefs, intercepts = unflatten(theta, layer_units)
    factor = 2.0 if cfg.activation == "logistic" else 6.0
    for i, (fan_in, fan_out) in enumerate(pairwise(layer_units)):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs[i][...] = rng.uniform(-bound, bound, (fan_in, fan_out))
        intercepts[i][...] = rng.uniform(-bound, bound, fan_out)
    return theta
