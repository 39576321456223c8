"""The in-place operations of one training step, with scikit-learn's arithmetic.

Activations, their derivatives and the batch losses are written as scikit-learn's
``neural_network._base`` writes them (same NumPy expressions, same dtypes: float32 data gives
float32 results, NumPy scalars are kept so float32 losses stay float32), so a step gives the
same bits. The only differences are ones that change no value: ``np.add.reduce(x, axis=0) / m``
is what ``np.average(x, axis=0)`` computes without its wrapper, clipping with
``maximum``/``minimum`` equals ``np.clip``. With sample weights the losses are scikit-learn's
own functions.

Shapes: activations ``(batch, width)``; targets ``y`` ``(batch, n_outputs)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, xlogy

Array = NDArray[Any]
#: ``loss(y, p, sample_weight)`` -> a NumPy scalar of ``p``'s precision.
LossFn = Callable[[Any, Array, Any], Any]


def hidden_inplace(name: str) -> Callable[[Array], Any]:
    """The hidden activation ``name`` applied in place to ``z`` ``(batch, width)``."""
    if name == "tanh":
        return lambda z: np.tanh(z, out=z)
    if name == "relu":
        return lambda z: np.maximum(z, 0, out=z)
    if name == "logistic":
        return lambda z: expit(z, out=z)
    return lambda z: None


def derivative_inplace(name: str) -> Callable[[Array, Array], None]:
    """``delta *= f'(z)`` in place, from the activation's output ``z`` (scikit-learn's rules)."""

    def tanh_d(z: Array, d: Array) -> None:
        d *= 1 - z**2

    def logistic_d(z: Array, d: Array) -> None:
        d *= z
        d *= 1 - z

    def relu_d(z: Array, d: Array) -> None:
        # ``d[z == 0] = 0`` as a product (3x faster): relu outputs are >= 0, so ``z > 0`` is the
        # complement; d * 1 is d, d * 0 a zero (signed, which changes no later value)
        np.multiply(d, z > 0, out=d)

    return {"tanh": tanh_d, "logistic": logistic_d, "relu": relu_d}.get(name, lambda z, d: None)


def output_inplace(name: str) -> Callable[[Array], Any]:
    """The output activation ``name`` (``softmax``, ``exp`` or a hidden one) in place."""
    if name == "softmax":

        def softmax(z: Array) -> None:  # ``z.max`` and ``z.sum`` without their Python wrappers
            z -= row_max(z)[:, np.newaxis]  # in place: the same numbers as through a temporary
            np.exp(z, out=z)
            z /= np.add.reduce(z, axis=1)[:, np.newaxis]

        return softmax
    if name == "exp":
        return lambda z: np.exp(z, out=z)
    return hidden_inplace(name)


def row_max(z: Array) -> Array:
    """``z.max(axis=1)`` ``(batch,)`` for ``z`` ``(batch, k)``. A maximum is exact in any order,
    so it is taken over a transposed copy, column against column: NumPy is several times faster
    at that than at reducing many short rows."""
    return np.asarray(np.maximum.reduce(np.ascontiguousarray(z.T), axis=0))


def loss_name(loss: str, out_activation: str) -> str:
    """scikit-learn's name for the loss it computes (``binary_log_loss`` for logistic outputs)."""
    return "binary_log_loss" if loss == "log_loss" and out_activation == "logistic" else loss


def loss_function(loss: str, out_activation: str) -> LossFn:
    """The batch loss scikit-learn uses (before the L2 term), with the same arithmetic."""
    from sklearn.neural_network._base import LOSS_FUNCTIONS

    name = loss_name(loss, out_activation)
    weighted: LossFn = LOSS_FUNCTIONS[name]
    reduce = np.add.reduce
    fast: Callable[[Any, Array], Any]
    if name == "squared_error":

        def fast(y: Any, p: Array) -> Any:
            return 0.5 * (reduce((y - p) ** 2, axis=0) / len(p)).mean()

    elif name == "binary_log_loss":

        def fast(y: Any, p: Array) -> Any:
            eps = np.finfo(p.dtype).eps
            p = np.minimum(np.maximum(p, eps), 1 - eps)
            return -reduce(reduce(xlogy(y, p) + xlogy(1 - y, 1 - p), axis=0) / len(p))

    elif name == "log_loss":

        def fast(y: Any, p: Array) -> Any:
            eps = np.finfo(p.dtype).eps
            p = np.minimum(np.maximum(p, eps), 1 - eps)
            return -reduce(reduce(xlogy(y, p), axis=0) / len(p))

    else:
        return weighted

    def either(y: Any, p: Array, sample_weight: Any = None) -> Any:
        return fast(y, p) if sample_weight is None else weighted(y, p, sample_weight)

    return either


def deferred_loss(
    loss: str, out_activation: str, dtype: Any
) -> tuple[Callable[[Any, Array], Array], Callable[[Array], Array]]:
    """The unweighted batch loss split in two: ``elementwise(y, p)`` over a whole epoch's outputs
    ``(n, k)`` at once, then ``batches(values)`` for equal batches ``(n_batches, batch, k)``,
    giving each batch's loss ``(n_batches,)``.

    Element-wise operations give each element the same bits whatever the array they run on,
    and NumPy sums each batch's rows in the same order whether the batch stands alone or is
    one of a stack, so ``batches(elementwise(y, p)[a:b][None])[0]`` is :func:`loss_function`'s
    value for rows ``a:b`` (the parity tests compare every loss curve with ``fit``'s).
    """
    reduce = np.add.reduce
    name = loss_name(loss, out_activation)
    eps = np.finfo(dtype).eps
    hi = 1 - eps

    def means(v: Array) -> Array:  # per batch and output: the mean over the batch's rows
        return np.asarray(reduce(v, axis=1) / v.shape[1])

    if name == "squared_error":
        return (lambda y, p: (y - p) ** 2), (lambda v: 0.5 * means(v).mean(axis=1))
    if name == "binary_log_loss":

        def binary(y: Any, p: Array) -> Array:
            p = np.minimum(np.maximum(p, eps), hi)
            if y.dtype == bool:  # y log p + (1 - y) log(1 - p) is one of its two terms, plus an exact 0.0
                return np.asarray(xlogy(1.0, np.where(y, p, 1 - p)))
            return np.asarray(xlogy(y, p) + xlogy(1 - y, 1 - p))

        return binary, (lambda v: -reduce(means(v), axis=1))
    if name == "log_loss":

        def log_terms(y: Any, p: Array) -> Array:
            if y.dtype != bool:
                return np.asarray(xlogy(y, np.minimum(np.maximum(p, eps), hi)))
            # xlogy(0, p) is an exact 0.0 (p is clipped, so never NaN unless p itself is, and a
            # NaN softmax row is NaN at its true class too): only the true classes need the log
            picked = p[y]
            np.minimum(np.maximum(picked, eps, out=picked), hi, out=picked)
            logs = xlogy(True, picked)  # float64 like xlogy(y, p): scipy's first loop that fits bool
            values = np.zeros(p.shape, dtype=logs.dtype)
            values[y] = logs
            return values

        return log_terms, (lambda v: -reduce(means(v), axis=1))
    return (lambda y, p: xlogy(y, y / p) - y + p), (lambda v: reduce(means(v), axis=1))
