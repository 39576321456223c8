"""scikit-learn's SGD and Adam optimizers on one flat parameter vector.

Each update is scikit-learn's ``SGDOptimizer`` / ``AdamOptimizer`` update written for the
whole vector at once: element-wise operations give the same numbers whatever the layout,
and the scalars keep scikit-learn's types (a Python float learning rate for SGD, a NumPy
float64 one for Adam), so float32 parameters round exactly as scikit-learn's do.
:meth:`FlatOptimizer.to_sklearn` turns the state into scikit-learn's own optimizer object
(velocities or moments split per layer), which ``partial_fit`` then continues from.

Shapes: ``theta`` and ``grad`` ``(n_params,)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]


class FlatOptimizer:
    """The optimizer state of one run: learning rate, and velocities or Adam moments."""

    def __init__(self, cfg: Any, theta: Array, grad_dtype: Any = None) -> None:
        self.cfg = cfg
        self.sgd = cfg.solver == "sgd"
        self.learning_rate: Any = float(cfg.learning_rate_init)
        # scikit-learn starts from zeros of the parameters' dtype and moves to the gradients'
        # after the first step; starting in the gradients' dtype gives the same numbers and
        # lets every step work in place
        dtype = theta.dtype if grad_dtype is None else grad_dtype
        self.velocity = np.zeros(theta.shape, dtype=dtype)
        # Adam's two moments are the rows of one array, so both decay (and both take in the
        # gradient) in one NumPy call each: per element the same products as two calls
        self.moments = np.zeros((2, *theta.shape), dtype=dtype)
        self.m1, self.m2 = self.moments
        # the factors in the moments' dtype: what a Python float becomes next to a float32 array
        self._decay = np.array([[cfg.beta_1], [cfg.beta_2]], dtype=dtype)
        self._gain = np.array([1 - cfg.beta_1, 1 - cfg.beta_2], dtype=dtype)
        self.t = 0
        self._pair = np.empty((2, *theta.shape), dtype=dtype)  # scratch: no allocation per step
        self._buffer = self._pair[0]
        # Adam's step ``-lr * m`` has a NumPy float64 factor, so it is float64 whatever the dtype
        self._step = np.empty(theta.shape, dtype=np.result_type(np.float64, dtype))

    def update(self, theta: Array, grad: Array) -> None:
        """One step: ``theta += update(grad)`` in place (scikit-learn's ``update_params``).

        The same operations on the same operands as scikit-learn's list comprehensions, in
        place into kept buffers (``lr * grad`` computed once where scikit-learn computes it twice).
        """
        cfg, buf, step = self.cfg, self._buffer, self._step
        if self.sgd:
            np.multiply(grad, self.learning_rate, out=buf)  # lr * grad
            v = self.velocity
            v *= cfg.momentum
            v -= buf  # momentum * velocity - lr * grad
            if cfg.nesterovs_momentum:
                nesterov = step if step.dtype == v.dtype else np.empty_like(v)
                np.multiply(v, cfg.momentum, out=nesterov)
                nesterov -= buf
                np.add(theta, nesterov, out=theta)
            else:
                np.add(theta, v, out=theta)
            return
        rate = self._next_rate()
        pair = self._pair
        self.moments *= self._decay  # beta_1 * m, beta_2 * v
        np.multiply(grad, self._gain[0], out=pair[0])  # (1 - beta_1) * grad
        np.square(grad, out=pair[1])  # what grad**2 computes
        pair[1] *= self._gain[1]  # (1 - beta_2) * grad**2
        self.moments += pair  # beta_1 * m + (1 - beta_1) * grad, beta_2 * v + (1 - beta_2) * grad**2
        np.sqrt(self.m2, out=buf)
        buf += cfg.epsilon
        np.multiply(self.m1, -rate, out=step)
        step /= buf  # -lr * m / (sqrt(v) + epsilon)
        np.add(theta, step, out=theta)

    def _next_rate(self) -> Any:
        """The learning rate of the next step. Adam moves on to step ``t + 1`` and computes it by
        scikit-learn's expression on the same scalars, so its type follows theirs (a NumPy float64
        for Python floats, float32 arithmetic where the hyper-parameters are ``np.float32``)."""
        if not self.sgd:
            cfg = self.cfg
            self.t += 1
            self.learning_rate = cfg.learning_rate_init * np.sqrt(1 - cfg.beta_2**self.t) / (1 - cfg.beta_1**self.t)
        return self.learning_rate

    def update_fused(self, kernels: Any, theta: Array, grad: Array, n_coef: int, alpha: float, m: Any) -> None:
        """:meth:`update` in one compiled pass (:mod:`netwarp.core.fused`, float64), which also
        finishes the gradient: ``(grad + alpha * W) / m`` for the ``n_coef`` coefficients,
        ``grad / m`` for the intercepts. The same operations per element, so the same numbers."""
        cfg = self.cfg
        rate = self._next_rate()
        if self.sgd:
            kernels.sgd(theta, grad, n_coef, float(alpha), float(m), self.velocity, float(rate),
                        float(cfg.momentum), bool(cfg.nesterovs_momentum))  # fmt: skip
            return
        kernels.adam(theta, grad, n_coef, float(alpha), float(m), self.m1, self.m2, float(self._decay[0, 0]),
                     float(self._decay[1, 0]), float(self._gain[0]), float(self._gain[1]), float(-rate),
                     float(cfg.epsilon))  # fmt: skip

    def step_rates(self, n_steps: int) -> Array:
        """The learning rate of each of the next ``n_steps`` steps ``(n_steps,)``, as
        :meth:`update_fused` takes them (Adam's move on with its step count ``t``)."""
        if self.sgd:
            return np.full(n_steps, float(self.learning_rate))
        return np.array([self._next_rate() for _ in range(n_steps)], dtype=np.float64)

    def iteration_ends(self, time_step: int) -> None:
        """The end-of-epoch learning-rate update (``invscaling``)."""
        if self.sgd and self.cfg.learning_rate == "invscaling":
            self.learning_rate = float(self.cfg.learning_rate_init) / (time_step + 1) ** self.cfg.power_t

    def trigger_stopping(self, msg: str, verbose: Any) -> bool:
        """Stop, or (``adaptive`` SGD) divide the learning rate by 5; prints as scikit-learn does."""
        if not (self.sgd and self.cfg.learning_rate == "adaptive"):
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + " Setting learning rate to %f" % self.learning_rate)  # noqa: UP031 (fit's words)
        return False

    def to_sklearn(self, params: list[Array], split: Any) -> Any:
        """scikit-learn's optimizer object for ``params`` (coefs then intercepts), in this state.

        ``split(flat)`` turns a flat vector into per-layer arrays shaped like ``params``.
        """
        from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

        cfg = self.cfg
        if self.sgd:
            sgd = SGDOptimizer(
                params, cfg.learning_rate_init, cfg.learning_rate, cfg.momentum, cfg.nesterovs_momentum, cfg.power_t
            )
            sgd.velocities = split(self.velocity)
            sgd.learning_rate = self.learning_rate
            return sgd
        adam = AdamOptimizer(params, cfg.learning_rate_init, cfg.beta_1, cfg.beta_2, cfg.epsilon)
        adam.t = self.t
        adam.ms = split(self.m1)
        adam.vs = split(self.m2)
        adam.learning_rate = self.learning_rate
        return adam


class PairedOptimizer:
    """Coefficients and intercepts stepped by two :class:`FlatOptimizer`, for gradients of two dtypes.

    scikit-learn divides the intercept gradients by the sum of the sample weights, a NumPy
    scalar: float32 data with float64 weights gives float32 coefficient gradients and float64
    intercept gradients, each updated in its own precision. ``theta`` ``(n_params,)`` holds the
    ``n_coef`` coefficients first; ``grad_b`` ``(n_params - n_coef,)`` is the intercepts' gradient.
    ``coef_shapes`` and ``intercept_sizes`` lay the parts out per layer.
    """

    def __init__(
        self, cfg: Any, theta: Array, n_coef: int, dtype: Any, grad_b: Array,
        coef_shapes: list[tuple[int, int]], intercept_sizes: list[int],
    ) -> None:  # fmt: skip
        self.w = FlatOptimizer(cfg, theta[:n_coef], dtype)
        self.b = FlatOptimizer(cfg, theta[n_coef:], grad_b.dtype)
        self.n_coef, self.grad_b = n_coef, grad_b
        self.coef_shapes, self.intercept_sizes = coef_shapes, intercept_sizes
        self.sgd = self.w.sgd

    @property
    def learning_rate(self) -> Any:
        return self.w.learning_rate

    def update(self, theta: Array, grad: Array) -> None:
        """One step of each part: ``grad``'s coefficients and the kept intercept gradient."""
        self.w.update(theta[: self.n_coef], grad[: self.n_coef])
        self.b.update(theta[self.n_coef :], self.grad_b)

    def iteration_ends(self, time_step: int) -> None:
        self.w.iteration_ends(time_step)
        self.b.iteration_ends(time_step)

    def trigger_stopping(self, msg: str, verbose: Any) -> bool:
        stop = self.w.trigger_stopping(msg, verbose)
        self.b.learning_rate = self.w.learning_rate
        return stop

    def _parts(self, w: Array, b: Array) -> list[Array]:
        out, pos = [], 0
        for fan_in, fan_out in self.coef_shapes:
            out.append(w[pos : pos + fan_in * fan_out].reshape(fan_in, fan_out).copy())
            pos += fan_in * fan_out
        pos = 0
        for size in self.intercept_sizes:
            out.append(b[pos : pos + size].copy())
            pos += size
        return out

    def to_sklearn(self, params: list[Array], split: Any) -> Any:
        """scikit-learn's optimizer object, each layer's state in its own precision."""
        sk = self.w.to_sklearn(params, lambda flat: [])
        if self.sgd:
            sk.velocities = self._parts(self.w.velocity, self.b.velocity)
        else:
            sk.ms = self._parts(self.w.m1, self.b.m1)
            sk.vs = self._parts(self.w.m2, self.b.m2)
        return sk
