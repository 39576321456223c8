"""A lean NumPy training loop that follows scikit-learn's stochastic MLP solvers step for step.

It initialises, shuffles, batches, back-propagates and updates exactly as
``sklearn.neural_network.MLPClassifier.fit`` does for ``solver="sgd"`` and
``solver="adam"``, so its parameters equal scikit-learn's (to rounding), and it stops at
the same epoch by the same ``tol`` / ``n_iter_no_change`` rule. Unlike ``fit`` it keeps the
parameters after *every* epoch.

Speed comes from keeping every weight matrix and bias vector as a view into one flat
parameter vector ``theta`` (and the gradients into one flat ``grad``), so the optimizer
updates everything with a few whole-vector operations. Element-wise operations give the
same numbers whatever the memory layout, so this changes no result.

Shapes: ``X`` is ``(n_samples, n_features)``; ``Y`` is ``(n_samples, n_outputs)``;
``EngineResult.history`` is ``(n_epochs + 1, n_params)`` with row 0 the initialisation.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, xlogy
from sklearn.utils import check_random_state

from netwarp.errors import NetwarpError

Array = NDArray[np.float64]
EpochCallback = Callable[[int, Array, float], None]

_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class EngineConfig:
    """Hyper-parameters, named and defaulted as in scikit-learn's ``MLPClassifier``."""

    hidden_layer_sizes: tuple[int, ...] = (100,)
    activation: str = "relu"
    solver: str = "adam"
    alpha: float = 0.0001
    batch_size: int | str = "auto"
    learning_rate: str = "constant"
    learning_rate_init: float = 0.001
    power_t: float = 0.5
    max_iter: int = 200
    shuffle: bool = True
    random_state: Any = None
    tol: float = 1e-4
    momentum: float = 0.9
    nesterovs_momentum: bool = True
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    n_iter_no_change: float = 10

    def validate(self) -> None:
        """Raise :class:`NetwarpError` naming the first parameter out of range."""
        sizes = self.hidden_layer_sizes
        if len(sizes) == 0 or any(int(s) < 1 for s in sizes):
            raise NetwarpError(f"hidden_layer_sizes must be positive integers, got {sizes}")
        if self.activation not in ("identity", "logistic", "tanh", "relu"):
            raise NetwarpError(
                f"activation must be one of identity, logistic, tanh, relu; got {self.activation!r}"
            )
        if self.solver not in ("sgd", "adam"):
            raise NetwarpError(f"solver must be 'sgd' or 'adam', got {self.solver!r}")
        if self.learning_rate not in ("constant", "invscaling", "adaptive"):
            raise NetwarpError(
                "learning_rate must be 'constant', 'invscaling' or 'adaptive', "
                f"got {self.learning_rate!r}"
            )
        checks: list[tuple[str, bool]] = [
            ("learning_rate_init must be > 0", self.learning_rate_init > 0),
            ("alpha must be >= 0", self.alpha >= 0),
            ("max_iter must be >= 1", int(self.max_iter) >= 1),
            ("tol must be >= 0", self.tol >= 0),
            ("power_t must be >= 0", self.power_t >= 0),
            ("momentum must be in [0, 1]", 0 <= self.momentum <= 1),
            ("beta_1 must be in [0, 1)", 0 <= self.beta_1 < 1),
            ("beta_2 must be in [0, 1)", 0 <= self.beta_2 < 1),
            ("epsilon must be > 0", self.epsilon > 0),
            ("n_iter_no_change must be >= 1", self.n_iter_no_change >= 1),
        ]
        if self.batch_size != "auto":
            ok = isinstance(self.batch_size, int | np.integer) and int(self.batch_size) >= 1
            checks.append(("batch_size must be 'auto' or an integer >= 1", ok))
        for message, ok in checks:
            if not ok:
                raise NetwarpError(message)


@dataclass
class EngineResult:
    """What a training run produced. ``history[e]`` is the flat parameter vector after epoch e."""

    layer_units: list[int]
    history: Array
    loss_curve: list[float]
    n_iter: int
    t: int
    stop_reason: str
    best_loss: float
    no_improvement_count: int
    learning_rate: float
    converged: bool
    extras: dict[str, Any] = field(default_factory=dict)


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


def _hidden_inplace(name: str) -> Callable[[Array], Any]:
    if name == "tanh":
        return lambda z: np.tanh(z, out=z)
    if name == "relu":
        return lambda z: np.maximum(z, 0, out=z)
    if name == "logistic":
        return lambda z: expit(z, out=z)
    return lambda z: None


def _derivative_inplace(name: str) -> Callable[[Array, Array], None]:
    def tanh_d(z: Array, d: Array) -> None:
        d *= 1 - z**2

    def logistic_d(z: Array, d: Array) -> None:
        d *= z
        d *= 1 - z

    def relu_d(z: Array, d: Array) -> None:
        d[z == 0] = 0

    return {"tanh": tanh_d, "logistic": logistic_d, "relu": relu_d}.get(name, lambda z, d: None)


def _output_inplace(name: str) -> Callable[[Array], Any]:
    if name == "softmax":

        def softmax(z: Array) -> None:
            tmp = z - z.max(axis=1)[:, np.newaxis]
            np.exp(tmp, out=z)
            z /= z.sum(axis=1)[:, np.newaxis]

        return softmax
    if name == "exp":
        return lambda z: np.exp(z, out=z)
    return _hidden_inplace(name)


def loss_function(loss: str, out_activation: str) -> Callable[[Any, Array], float]:
    """The batch loss scikit-learn uses (before the L2 term), with the same arithmetic.

    ``np.add.reduce(x, axis=0) / m`` is what ``np.average(x, axis=0)`` computes, without
    the wrapper's overhead; clipping with ``maximum``/``minimum`` equals ``np.clip``.
    """
    reduce = np.add.reduce
    if loss == "squared_error":
        return lambda y, p: float(0.5 * (reduce((y - p) ** 2, axis=0) / len(p)).mean())
    lo, hi = _EPS, 1 - _EPS
    if out_activation == "logistic":

        def binary_log_loss(y: Any, p: Array) -> float:
            p = np.minimum(np.maximum(p, lo), hi)
            return float(-reduce(reduce(xlogy(y, p) + xlogy(1 - y, 1 - p), axis=0) / len(p)))

        return binary_log_loss

    def log_loss(y: Any, p: Array) -> float:
        p = np.minimum(np.maximum(p, lo), hi)
        return float(-reduce(reduce(xlogy(y, p), axis=0) / len(p)))

    return log_loss


def initial_theta(cfg: EngineConfig, layer_units: list[int], rng: np.random.RandomState) -> Array:
    """Glorot-uniform initialisation drawn in scikit-learn's order (coef, then intercept)."""
    theta = np.empty(n_params(layer_units), dtype=np.float64)
    coefs, intercepts = unflatten(theta, layer_units)
    factor = 2.0 if cfg.activation == "logistic" else 6.0
    for i, (fan_in, fan_out) in enumerate(pairwise(layer_units)):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs[i][...] = rng.uniform(-bound, bound, (fan_in, fan_out))
        intercepts[i][...] = rng.uniform(-bound, bound, fan_out)
    return theta


def train(
    X: Array,
    Y: Any,
    cfg: EngineConfig,
    *,
    out_activation: str = "logistic",
    loss: str = "log_loss",
    callback: EpochCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> EngineResult:
    """Train an MLP on ``X`` ``(n, d)`` against targets ``Y`` ``(n, k)`` and keep every epoch.

    ``Y`` holds what scikit-learn trains against: the label-binarised classes (bool) for a
    classifier, the float targets for a regressor. ``callback(epoch, theta, loss)`` runs
    once for the initialisation (epoch 0, loss NaN) and after each epoch, with ``theta`` a
    *view* of the live flat parameter vector ``(n_params,)`` (copy it to keep it).
    ``should_stop()`` is polled after each epoch; when it returns True training ends with
    ``stop_reason == "cancelled"``.
    """
    cfg.validate()
    X = np.ascontiguousarray(X, dtype=np.float64)
    n, d = X.shape
    layer_units = [d, *map(int, cfg.hidden_layer_sizes), Y.shape[1]]
    n_layers = len(layer_units) - 1
    rng = check_random_state(cfg.random_state)

    theta = initial_theta(cfg, layer_units, rng)
    grad = np.empty_like(theta)
    W, B = unflatten(theta, layer_units)
    GW, GB = unflatten(grad, layer_units)
    W_flat = [theta[a:b] for a, b in param_slices(layer_units)[0]]
    hidden = _hidden_inplace(cfg.activation)
    output = _output_inplace(out_activation)
    derivative = _derivative_inplace(cfg.activation)
    batch_loss_fn = loss_function(loss, out_activation)
    alpha = cfg.alpha
    half_alpha = 0.5 * alpha

    def step(Xb: Array, yb: Any) -> float:
        m = Xb.shape[0]
        acts = [Xb]
        a = Xb
        for i in range(n_layers):
            a = a @ W[i]
            a += B[i]
            if i != n_layers - 1:
                hidden(a)
            acts.append(a)
        output(a)
        batch_loss = batch_loss_fn(yb, a)
        values: Any = 0
        for s in W_flat:
            values += np.dot(s, s)
        batch_loss += half_alpha * values / m
        delta = a - yb
        for i in range(n_layers - 1, -1, -1):
            np.matmul(acts[i].T, delta, out=GW[i])
            GW[i] += alpha * W[i]
            GW[i] /= m
            np.divide(np.add.reduce(delta, axis=0), m, out=GB[i])
            if i > 0:
                delta = delta @ W[i].T
                derivative(acts[i], delta)
        return float(batch_loss)

    sgd = cfg.solver == "sgd"
    lr = float(cfg.learning_rate_init)
    velocity = np.zeros_like(theta)
    m1 = np.zeros_like(theta)
    m2 = np.zeros_like(theta)
    adam_t = 0
    momentum, b1, b2 = cfg.momentum, cfg.beta_1, cfg.beta_2

    def update() -> None:
        nonlocal velocity, m1, m2, adam_t, lr
        if sgd:
            velocity = momentum * velocity - lr * grad
            if cfg.nesterovs_momentum:
                np.add(theta, momentum * velocity - lr * grad, out=theta)
            else:
                np.add(theta, velocity, out=theta)
        else:
            adam_t += 1
            m1 = b1 * m1 + (1 - b1) * grad
            m2 = b2 * m2 + (1 - b2) * (grad**2)
            lr = cfg.learning_rate_init * np.sqrt(1 - b2**adam_t) / (1 - b1**adam_t)
            np.add(theta, -lr * m1 / (np.sqrt(m2) + cfg.epsilon), out=theta)

    if cfg.batch_size != "auto" and int(cfg.batch_size) > n:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped", stacklevel=3
        )
    batch_size = min(200, n) if cfg.batch_size == "auto" else int(np.clip(cfg.batch_size, 1, n))
    starts = list(range(0, n, batch_size))
    sample_idx = np.arange(n, dtype=int)
    history = [theta.copy()]
    if callback is not None:
        callback(0, theta, math.nan)
    loss_curve: list[float] = []
    best_loss = math.inf
    no_improve = 0
    t = 0
    stop_reason = f"reached max_iter={cfg.max_iter}"
    converged = False
    try:
        for _ in range(int(cfg.max_iter)):
            if cfg.shuffle:
                perm = np.arange(n)
                rng.shuffle(perm)
                sample_idx = sample_idx[perm]
            accumulated = 0.0
            for start in starts:
                stop = min(start + batch_size, n)
                if cfg.shuffle:
                    idx = sample_idx[start:stop]
                    accumulated += step(X[idx], Y[idx]) * (stop - start)
                else:
                    accumulated += step(X[start:stop], Y[start:stop]) * (stop - start)
                update()
            epoch_loss = accumulated / n
            t += n
            loss_curve.append(epoch_loss)
            if epoch_loss > best_loss - cfg.tol:
                no_improve += 1
            else:
                no_improve = 0
            if epoch_loss < best_loss:
                best_loss = epoch_loss
            if sgd and cfg.learning_rate == "invscaling":
                lr = float(cfg.learning_rate_init) / (t + 1) ** cfg.power_t
            history.append(theta.copy())
            if callback is not None:
                callback(len(loss_curve), theta, epoch_loss)
            if no_improve > cfg.n_iter_no_change:
                if sgd and cfg.learning_rate == "adaptive" and lr > 1e-6:
                    lr /= 5.0
                    no_improve = 0
                else:
                    stop_reason = (
                        f"converged: training loss did not improve by tol={cfg.tol:g} "
                        f"for {cfg.n_iter_no_change:g} consecutive epochs"
                    )
                    if sgd and cfg.learning_rate == "adaptive":
                        stop_reason += " at the smallest learning rate"
                    converged = True
                    break
            if should_stop is not None and should_stop():
                stop_reason = "cancelled"
                break
    except KeyboardInterrupt:
        stop_reason = "interrupted"
        if len(history) > len(loss_curve) + 1:
            history.pop()

    if not np.all(np.isfinite(theta)):
        raise NetwarpError(
            "training diverged: parameters became infinite or NaN "
            "(lower the learning rate or scale the inputs)"
        )
    return EngineResult(
        layer_units=layer_units,
        history=np.stack(history),
        loss_curve=loss_curve,
        n_iter=len(loss_curve),
        t=t,
        stop_reason=stop_reason,
        best_loss=best_loss,
        no_improvement_count=no_improve,
        learning_rate=float(lr),
        converged=converged,
    )
