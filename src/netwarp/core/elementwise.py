"""The element-wise kernels of a training step, in plain Python for numba to compile.

:mod:`netwarp.core.fused` compiles them for the engine's batch steps, and
:mod:`netwarp.core.fused_ops` for its whole compiled epochs. Each does per element exactly the
operations the NumPy path does, in the same order (compiled without fast-math, so without
reassociation or fused multiply-add): the same bits.

Shapes: activations and deltas ``(batch, width)``, biases ``(width,)``; ``theta``, ``grad``
and the optimizer state ``(n_params,)`` with the ``n_coef`` coefficients first.
"""

from __future__ import annotations

import math
from typing import Any


def bias_relu(a: Any, b: Any) -> None:
    """``a += b; np.maximum(a, 0, out=a)`` in one pass."""
    rows, cols = a.shape
    for r in range(rows):
        for c in range(cols):
            x = a[r, c] + b[c]
            a[r, c] = 0.0 if x < 0.0 else x


def relu_backward(z: Any, d: Any) -> None:
    """``d *= z > 0``: a product by 1.0 (left out: it changes nothing) or by 0.0."""
    rows, cols = d.shape
    for r in range(rows):
        for c in range(cols):
            if not z[r, c] > 0.0:
                d[r, c] = d[r, c] * 0.0


def sgd(theta: Any, grad: Any, n_coef: int, alpha: float, m: float, velocity: Any, lr: float,
        momentum: float, nesterov: bool) -> None:  # fmt: skip
    """The finished gradient, then ``v = momentum * v - lr * g`` and the (Nesterov) step."""
    for i in range(n_coef):  # the finished gradient: (grad + alpha * W) / m, then grad / m; loops
        grad[i] = (grad[i] + theta[i] * alpha) / m  # without branches vectorise (exact per element)
    for i in range(n_coef, grad.size):
        grad[i] = grad[i] / m
    if nesterov:
        for i in range(theta.size):
            step = grad[i] * lr
            v = velocity[i] * momentum - step
            velocity[i] = v
            theta[i] = theta[i] + (v * momentum - step)
    else:
        for i in range(theta.size):
            v = velocity[i] * momentum - grad[i] * lr
            velocity[i] = v
            theta[i] = theta[i] + v


def adam(theta: Any, grad: Any, n_coef: int, alpha: float, m: float, m1: Any, m2: Any, b1: float,
         b2: float, g1: float, g2: float, neg_lr: float, eps: float) -> None:  # fmt: skip
    """The finished gradient, then Adam's moments and ``-lr * m1 / (sqrt(m2) + eps)``
    (``g1``, ``g2`` are ``1 - b1``, ``1 - b2``; ``neg_lr`` is ``-lr``)."""
    for i in range(n_coef):  # the finished gradient: (grad + alpha * W) / m, then grad / m; loops
        grad[i] = (grad[i] + theta[i] * alpha) / m  # without branches vectorise (exact per element)
    for i in range(n_coef, grad.size):
        grad[i] = grad[i] / m
    for i in range(theta.size):
        g = grad[i]
        first = m1[i] * b1 + g * g1
        second = m2[i] * b2 + (g * g) * g2
        m1[i] = first
        m2[i] = second
        theta[i] = theta[i] + (first * neg_lr) / (math.sqrt(second) + eps)
