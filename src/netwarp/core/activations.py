"""The one table of activation functions, shared by the engine, geometry and the views.

Every entry maps a name to a vectorised NumPy function ``f(z) -> a`` (arrays of any
shape, a new array is returned). The JavaScript renderer (``static/nn.js``) implements
the same names; a golden test checks that both agree.

``leaky_relu`` may carry its negative slope in its name: ``"leaky_relu:0.2"`` is
``where(z >= 0, z, 0.2 * z)``; plain ``"leaky_relu"`` is slope 0.01 (PyTorch's default).
:func:`canonical` writes the slope with ``repr(float)`` so it reads back exactly.

The four hidden activations of scikit-learn (``identity``, ``tanh``, ``logistic``,
``relu``) are computed exactly as scikit-learn computes them, so the training engine
reproduces its parameters bit for bit. ``logistic`` uses :func:`scipy.special.expit`,
which scikit-learn itself depends on.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

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
    from scipy.special import expit  # here: SciPy takes a while to import, and most commands never need it

    return np.asarray(expit(z), dtype=np.float64)


def relu(z: Array) -> Array:
    return np.maximum(z, 0)


#: The slope of plain ``"leaky_relu"``.
LEAKY_SLOPE = 0.01


def leaky_relu(z: Array, slope: float = LEAKY_SLOPE) -> Array:
    return np.where(z >= 0, z, slope * z)


def elu(z: Array) -> Array:
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def softplus(z: Array) -> Array:
    # PyTorch's Softplus(beta=1, threshold=20): linear above the threshold.
    return np.where(z > 20, z, np.log1p(np.exp(np.minimum(z, 20))))


def gelu(z: Array) -> Array:
    z = np.asarray(z, dtype=np.float64)
    return z * 0.5 * (1.0 + np.asarray(_erf(z * _SQRT_HALF), dtype=np.float64))


def silu(z: Array) -> Array:
    return z * logistic(z)


def softmax(z: Array) -> Array:
    """Softmax along the last axis, computed as scikit-learn does."""
    z = np.asarray(z, dtype=np.float64)
    tmp = z - z.max(axis=-1, keepdims=True)
    out = np.exp(tmp)
    out /= out.sum(axis=-1, keepdims=True)
    return np.asarray(out, dtype=np.float64)


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


def split(name: str) -> tuple[str, float | None]:
    """``"leaky_relu:0.2"`` -> ``("leaky_relu", 0.2)``; ``"tanh"`` -> ``("tanh", None)``.

    Only ``leaky_relu`` takes a parameter (its negative slope, a finite number).
    """
    base, sep, arg = name.partition(":")
    if not sep:
        return name, None
    if base != "leaky_relu":
        raise NetwarpError(f"activation {name!r}: only leaky_relu takes a parameter (e.g. 'leaky_relu:0.2')")
    try:
        value = float(arg)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise NetwarpError(f"activation {name!r}: the slope after ':' must be a finite number")
    return base, value


def leaky_relu_name(slope: float) -> str:
    """The canonical name of a leaky ReLU with negative slope ``slope``."""
    slope = float(slope)
    return "leaky_relu" if slope == LEAKY_SLOPE else f"leaky_relu:{slope!r}"


def get(name: str) -> ActivationFn:
    """Return the activation function called ``name`` or raise a clear error."""
    base, value = split(name)
    if value is not None:
        return functools.partial(leaky_relu, slope=value)
    try:
        return ACTIVATIONS[base]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise NetwarpError(f"unknown activation {name!r} (known: {known}, leaky_relu:SLOPE)") from None


def canonical(name: str) -> str:
    """The canonical spelling of an activation name (``sigmoid`` -> ``logistic``,
    ``leaky_relu:0.010`` -> ``leaky_relu``, ``leaky_relu:.2`` -> ``leaky_relu:0.2``)."""
    get(name)
    base, value = split(name)
    if value is not None:
        return leaky_relu_name(value)
    return "logistic" if base == "sigmoid" else base
