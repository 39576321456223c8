"""The one table of activation functions, shared by the engine, geometry and the views.

Every entry maps a name to a vectorised NumPy function ``f(z) -> a`` (arrays of any
shape, a new array is returned). The JavaScript renderer (``static/nn.js``) implements
the same names; a golden test checks that both agree.

The four hidden activations of scikit-learn (``identity``, ``tanh``, ``logistic``,
``relu``) are computed exactly as scikit-learn computes them, so the training engine
reproduces its parameters bit for bit. ``logistic`` uses :func:`scipy.special.expit`,
which scikit-learn itself depends on.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit as _expit

from netwarp.errors import NetwarpError

Array = NDArray[np.float64]
ActivationFn = Callable[[Array], Array]

#: Activations scikit-learn's MLPs use for hidden layers (the engine trains these).
SKLEARN_HIDDEN = ("identity", "logistic", "tanh", "relu")

#: Output activations (applied to the last layer only).
OUTPUT = ("identity", "logistic", "softmax", "exp")

_SQRT_HALF = 1.0 / math.sqrt(2.0)
_erf = np.frompyfunc(math.erf, 1, 1)


def identity(z: Array) -> Array:
    return np.array(z, dtype=np.float64, copy=True)


def tanh(z: Array) -> Array:
    return np.tanh(z)


def logistic(z: Array) -> Array:
    return np.asarray(_expit(z), dtype=np.float64)


def relu(z: Array) -> Array:
    return np.maximum(z, 0)


def leaky_relu(z: Array, slope: float = 0.01) -> Array:
    return np.where(z >= 0, z, slope * z)


def elu(z: Array) -> Array:
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def softplus(z: Array) -> Array:
    # PyTorch's Softplus(beta=1, threshold=20): linear above the threshold.
    return np.where(z > 20, z, np.log1p(np.exp(np.minimum(z, 20))))


def gelu(z: Array) -> Array:
    z = np.asarray(z, dtype=np.float64)
    return z * 0.5 * (1.0 + _erf(z * _SQRT_HALF).astype(np.float64))


def silu(z: Array) -> Array:
    return z * logistic(z)


def softmax(z: Array) -> Array:
    """Softmax along the last axis, computed as scikit-learn does."""
    z = np.asarray(z, dtype=np.float64)
    tmp = z - z.max(axis=-1, keepdims=True)
    out = np.exp(tmp)
    out /= out.sum(axis=-1, keepdims=True)
    return out


def exp(z: Array) -> Array:
    return np.exp(z)


#: name -> function. ``sigmoid`` is an alias of ``logistic``.
ACTIVATIONS: dict[str, ActivationFn] = {
    "identity": identity,
    "tanh": tanh,
    "logistic": logistic,
    "sigmoid": logistic,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "softplus": softplus,
    "gelu": gelu,
    "silu": silu,
    "softmax": softmax,
    "exp": exp,
}

#: Element-wise activations that map R^n to R^n one coordinate at a time.
ELEMENTWISE = tuple(name for name in ACTIVATIONS if name != "softmax")


def get(name: str) -> ActivationFn:
    """Return the activation function called ``name`` or raise a clear error."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise NetwarpError(f"unknown activation {name!r} (known: {known})") from None


def canonical(name: str) -> str:
    """The canonical spelling of an activation name (``sigmoid`` -> ``logistic``)."""
    get(name)
    return "logistic" if name == "sigmoid" else name
