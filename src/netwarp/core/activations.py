"""The one table of activation functions, shared by the engine, geometry and the views.

Every entry maps a name to a vectorised NumPy function ``f(z) -> a`` (arrays of any
shape, a new array is returned). The JavaScript renderer (``static/nn.js``) implements
the same names; a golden test checks that both agree.

``features:x1sq,x1x2`` is the fixed feature-cross layer of :mod:`netwarp.core.features` (a map
of whole rows). ``leaky_relu`` may carry its negative slope in its name: ``"leaky_relu:0.2"`` is
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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from netwarp.core import features
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


def _d_logistic(z: Array) -> Array:
    s = logistic(z)
    return s * (1.0 - s)


def _d_silu(z: Array) -> Array:
    s = logistic(z)
    return s * (1.0 + z * (1.0 - s))


@dataclass(frozen=True)
class Activation:
    """One row of :data:`TABLE`: everything netwarp knows of an activation.

    ``fn`` maps pre-activations (any shape) to activations; ``derivative`` is its element-wise
    derivative (None: central differences); ``injective``: strictly monotone on the real line
    (so a layer with an invertible W is a homeomorphism); ``torch``: the ``torch.nn`` module
    that is exactly this activation with its default arguments (None: none, or one whose
    arguments the PyTorch adapter checks itself). The JavaScript renderer's own table
    (``static/nn.js``) is pinned to this one by the golden test, which runs every row.
    """

    fn: ActivationFn
    derivative: ActivationFn | None
    injective: bool
    torch: str | None = None


#: name -> :class:`Activation`: adding an activation is one row here (and its line in nn.js).
#: ``sigmoid`` is an alias of ``logistic``; softmax acts on whole rows.
TABLE: dict[str, Activation] = {
    "identity": Activation(identity, np.ones_like, True, "Identity"),
    "tanh": Activation(tanh, lambda z: 1.0 - np.tanh(z) ** 2, True, "Tanh"),
    "logistic": Activation(logistic, _d_logistic, True, "Sigmoid"),
    "sigmoid": Activation(logistic, _d_logistic, True),
    "relu": Activation(relu, lambda z: (z > 0).astype(np.float64), False, "ReLU"),
    "leaky_relu": Activation(leaky_relu, lambda z: np.where(z >= 0, 1.0, LEAKY_SLOPE), True),
    "elu": Activation(elu, lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))), True),
    "softplus": Activation(softplus, lambda z: np.where(z > 20, 1.0, logistic(z)), True),
    "gelu": Activation(gelu, None, False),
    "silu": Activation(silu, _d_silu, False, "SiLU"),
    "softmax": Activation(softmax, None, False),
    "exp": Activation(exp, np.exp, True),
}

#: name -> function, from :data:`TABLE`.
ACTIVATIONS: dict[str, ActivationFn] = {name: a.fn for name, a in TABLE.items()}

#: Element-wise activations that map R^n to R^n one coordinate at a time.
ELEMENTWISE = tuple(name for name in ACTIVATIONS if name != "softmax")


def split(name: str) -> tuple[str, float | None]:
    """``"leaky_relu:0.2"`` -> ``("leaky_relu", 0.2)``; ``"tanh"`` -> ``("tanh", None)``.

    Only ``leaky_relu`` takes a parameter (its negative slope, a finite number).
    """
    base, sep, arg = name.partition(":")
    if not sep or base == "features":  # a features layer's name is its own base (netwarp.core.features)
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
    names = features.parse(name)
    if names is not None:
        return functools.partial(features.apply_rows, names=names)
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
    names = features.parse(name)
    if names is not None:
        return features.activation_name(names)
    return "logistic" if base == "sigmoid" else base
