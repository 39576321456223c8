"""A lean NumPy training loop that follows scikit-learn's stochastic MLP solvers step for step.

It initialises, shuffles, batches, back-propagates and updates exactly as
``MLPClassifier.fit`` / ``MLPRegressor.fit`` do for ``solver="sgd"`` and ``"adam"`` (float32
or float64, dense or sparse ``X``, sample weights, a validation score for early stopping),
so its parameters equal scikit-learn's bit for bit, and it stops at the same epoch by the
same ``tol`` / ``n_iter_no_change`` rule. Unlike ``fit`` it keeps the parameters after
*every* epoch.

Speed comes from doing the same arithmetic with fewer NumPy calls, none of which changes a
number: every weight matrix and bias vector is a view into one flat parameter vector
``theta`` (the gradients into one flat ``grad``), so the L2 term, the division by the batch
size and the optimizer run over whole vectors, in place; each epoch's rows are gathered once
and its batch losses computed in one element-wise pass (:func:`batchops.deferred_loss`);
BLAS keeps the threads ``fit`` has (OpenBLAS's last bits depend on how a product is split between
threads, so fewer threads would give other numbers on bigger layers); activations,
deltas and the epoch's outputs live in kept buffers. With ``numba`` installed, the element-wise
rest of a float64 step runs in compiled loops that do the same operations (:mod:`fused`), and
where the run allows (float64 dense data, no sample weights) each whole epoch runs in one
compiled call that calls NumPy's own matmul and ufunc loops (:mod:`fused_epoch`).

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
from sklearn.utils import check_random_state

from netwarp.core import batchops, fused
from netwarp.core.history import History
from netwarp.core.optimizers import FlatOptimizer, PairedOptimizer
from netwarp.core.params import initial_theta, param_slices, unflatten
from netwarp.errors import NetwarpError

Array = NDArray[np.float64]
EpochCallback = Callable[[int, Array, float], None]
#: ``validation(theta)`` -> the validation score of the parameters ``(n_params,)``.
Validation = Callable[[Array], float]


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
    verbose: Any = False
    early_stopping: bool = False
    validation_fraction: float = 0.1


@dataclass
class EngineResult:
    """What a training run produced. ``history[e]`` is the flat parameter vector after epoch e."""

    layer_units: list[int]
    history: Array
    loss_curve: list[float]
    n_iter: int
    t: int
    stop_reason: str
    best_loss: Any
    no_improvement_count: int
    learning_rate: float
    converged: bool
    optimizer: FlatOptimizer | PairedOptimizer
    validation_scores: list[float] | None = None
    best_validation_score: float | None = None
    best_theta: Array | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def train(
    X: Any,
    Y: Any,
    cfg: EngineConfig,
    *,
    out_activation: str = "logistic",
    loss: str = "log_loss",
    sample_weight: Any = None,
    theta0: Array | None = None,
    rng: Any = None,
    validation: Validation | None = None,
    callback: EpochCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> EngineResult:
    """Train an MLP on ``X`` ``(n, d)`` against targets ``Y`` ``(n, k)`` and keep every epoch.

    ``X`` is float32 or float64, dense or a SciPy CSR/CSC matrix; the parameters take its
    precision, as in scikit-learn. ``Y`` holds what scikit-learn trains against: the
    label-binarised classes (bool) for a classifier, the targets for a regressor.
    ``sample_weight`` ``(n,)`` weighs the samples as ``fit(X, y, sample_weight)`` does.
    ``theta0`` and ``rng`` continue from a given initialisation and random state (default:
    drawn from ``cfg.random_state``). ``validation(theta)`` scores the parameters after each
    epoch and drives the stopping rule (scikit-learn's ``early_stopping``).

    ``callback(epoch, theta, loss)`` runs once for the initialisation (epoch 0, loss NaN) and
    after each epoch, with ``theta`` a *view* of the live flat parameter vector ``(n_params,)``
    (copy it to keep it). ``should_stop()`` is polled after each epoch; when it returns True
    training ends with ``stop_reason == "cancelled"``. ``cfg.verbose`` prints what
    scikit-learn prints.
    """
    sparse = hasattr(X, "tocsr")
    if not sparse:  # in its own memory layout: unshuffled, fit multiplies X's own slices (a Fortran X too)
        X = np.asarray(X, dtype=X.dtype if X.dtype in (np.float32, np.float64) else np.float64)
    n, d = X.shape
    layer_units = [d, *map(int, cfg.hidden_layer_sizes), Y.shape[1]]
    n_layers = len(layer_units) - 1
    rng = check_random_state(cfg.random_state) if rng is None else rng
    theta = initial_theta(cfg, layer_units, rng, X.dtype) if theta0 is None else theta0.copy()
    grad = np.empty(theta.shape, dtype=np.result_type(theta.dtype, Y.dtype))
    W, B = unflatten(theta, layer_units)
    GW, GB = unflatten(grad, layer_units)
    coef_slices, intercept_slices = param_slices(layer_units)
    W_flat = [theta[a:b] for a, b in coef_slices]
    n_coef = coef_slices[-1][1]
    theta_W, grad_W = theta[:n_coef], grad[:n_coef]
    # float32 data with float64 sample weights: scikit-learn's intercept gradients are float64
    b_dtype = grad.dtype if sample_weight is None else np.result_type(grad.dtype, sample_weight.dtype)
    mixed = b_dtype != grad.dtype
    grad_B = np.empty(theta.size - n_coef, dtype=b_dtype)
    if mixed:
        GB = [grad_B[a - n_coef : b - n_coef] for a, b in intercept_slices]
    hidden = batchops.hidden_inplace(cfg.activation)
    output = batchops.output_inplace(out_activation)
    derivative = batchops.derivative_inplace(cfg.activation)
    batch_loss_fn = batchops.loss_function(loss, out_activation)
    defer = sample_weight is None and not sparse  # losses of a whole epoch at once (same numbers)
    elementwise, batch_losses = batchops.deferred_loss(loss, out_activation, theta.dtype)
    alpha = cfg.alpha
    half_alpha = 0.5 * alpha
    reduce = np.add.reduce
    matmul = np.matmul
    last = n_layers - 1
    if cfg.batch_size != "auto" and int(cfg.batch_size) > n:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped", stacklevel=3
        )
    batch_size = min(200, n) if cfg.batch_size == "auto" else int(np.clip(cfg.batch_size, 1, n))
    # kept buffers for each layer's activations and deltas (their first ``rows`` rows per batch):
    # ``matmul(a, w, out=...)`` is the same BLAS call as ``a @ w``, without an allocation
    act_dtype = np.result_type(X.dtype, theta.dtype)
    flat_A = np.empty(batch_size * sum(layer_units[1:]), dtype=act_dtype)  # one block each (fused_epoch's too)
    flat_D = np.empty(flat_A.size, dtype=grad.dtype)
    ends = np.cumsum([0, *layer_units[1:]]) * batch_size
    A = [flat_A[a:b].reshape(batch_size, -1) for a, b in pairwise(ends)]
    D = [flat_D[a:b].reshape(batch_size, -1) for a, b in pairwise(ends)]
    decay = np.empty(n_coef, dtype=theta.dtype)  # alpha * W
    epoch_out = np.empty((n, layer_units[-1]), dtype=act_dtype)  # the outputs of an epoch's batches, in order
    # compiled element-wise kernels (numba, optional): float64 only, one optimizer
    kern: Any = fused.kernels() if theta.dtype == grad.dtype == np.float64 and not mixed else None
    relu_kernel = kern is not None and cfg.activation == "relu"
    if relu_kernel:
        derivative = kern.relu_backward

    def step(Xb: Any, yb: Any, swb: Any, out: Any = None) -> Any:
        """Forward, loss and backward for one batch, gradients into ``grad`` (scikit-learn's
        ``_backprop``). Returns the batch loss, or (deferred) its L2 term only. ``out``
        ``(rows, n_outputs)``, when given, receives the network's output."""
        rows = Xb.shape[0]
        m = rows if swb is None else swb.sum()
        acts = [Xb]
        a = Xb
        for i in range(n_layers):
            if sparse and i == 0:
                a = Xb @ W[0]
            else:
                a = matmul(a, W[i], out=out if out is not None and i == last else A[i][:rows])
            if relu_kernel and i != last:
                kern.bias_relu(a, B[i])
            else:
                a += B[i]
                if i != last:
                    hidden(a)
            acts.append(a)
        output(a)
        values: Any = 0
        for s in W_flat:
            values += np.dot(s, s)
        batch_loss = half_alpha * values / m  # deferred: the L2 term only
        if not defer:
            batch_loss = batch_loss_fn(yb, a, swb) + batch_loss
        delta = np.subtract(a, yb, out=D[last][:rows]) if a.dtype == grad.dtype else a - yb
        if swb is not None:
            delta *= swb.reshape(-1, 1)
        for i in range(last, -1, -1):
            if sparse and i == 0:
                GW[0][...] = acts[0].T @ delta
            else:
                matmul(acts[i].T, delta, out=GW[i])
            if mixed:
                np.divide(reduce(delta, axis=0), m, out=GB[i])
            else:
                reduce(delta, axis=0, out=GB[i])
            if i > 0:
                delta = matmul(delta, W[i].T, out=D[i - 1][:rows]) if delta.dtype == W[i].dtype else delta @ W[i].T
                derivative(acts[i], delta)
        if kern is not None:  # the optimizer's compiled pass finishes the gradient
            optimizer.update_fused(kern, theta, grad, n_coef, alpha, m)
            return batch_loss
        np.multiply(theta_W, alpha, out=decay)
        np.add(grad_W, decay, out=grad_W)  # per element: (a.T @ delta + alpha * W) / m
        np.divide(grad_W if mixed else grad, m, out=grad_W if mixed else grad)
        return batch_loss

    def epoch_loss_sum(Ye: Any, l2: list[Any]) -> Any:
        """The epoch's ``sum(batch loss * batch size)`` from the epoch's outputs, in batch order."""
        values = elementwise(Ye, epoch_out)
        full = n // batch_size
        losses = list(batch_losses(values[: full * batch_size].reshape(full, batch_size, -1))) if full else []
        if n % batch_size:
            losses.append(batch_losses(values[full * batch_size :][None])[0])
        total: Any = 0.0
        for start, loss_b, extra in zip(starts, losses, l2, strict=True):
            total += (loss_b + extra) * (min(start + batch_size, n) - start)
        return total

    optimizer: Any = FlatOptimizer(cfg, theta, grad.dtype)
    if mixed:
        shapes = list(pairwise(layer_units))
        optimizer = PairedOptimizer(cfg, theta, n_coef, grad.dtype, grad_B, shapes, layer_units[1:])
    starts = list(range(0, n, batch_size))
    sample_idx = np.arange(n, dtype=int)
    # shuffled batches are gathered in C order, as fit's fancy indexing gathers them
    Xbuf, Ybuf = (None, None) if sparse or not cfg.shuffle else (np.empty(X.shape, X.dtype), np.empty_like(Y))
    history = History(theta, int(cfg.max_iter) + 1)
    compiled = None  # with numba: each epoch in one compiled call (fused_epoch: the same numbers)
    if kern is not None and defer and not mixed:
        compiled = fused.epochs(X, Y, theta, grad, layer_units, batch_size, cfg.activation, out_activation,
                                optimizer, alpha, Xbuf, Ybuf, epoch_out, flat_A, flat_D, loss)  # fmt: skip
    if callback is not None:
        callback(0, theta, math.nan)
    loss_curve: list[Any] = []
    best_loss: Any = math.inf
    scores: list[float] | None = None if validation is None else []
    best_score: Any = -np.inf
    best_theta = theta.copy() if validation is not None else None
    no_improve = 0
    t = 0
    stop_reason = f"reached max_iter={cfg.max_iter}"
    converged = False
    try:
        for _ in range(int(cfg.max_iter)):
            Xe, Ye, We = X, Y, sample_weight
            if cfg.shuffle:
                perm = np.arange(n)
                rng.shuffle(perm)
                sample_idx = sample_idx[perm]
            accumulated: Any = 0.0
            l2: Any = []
            if compiled is not None:  # the epoch's gather, steps (and loss) in one compiled call
                Ye, l2, accumulated = compiled.run(sample_idx if cfg.shuffle else None)
            else:
                if cfg.shuffle and not sparse:  # one gather per epoch into kept buffers; the batches are views
                    # (mode="clip": the indices are valid, and "raise" would copy through a temporary)
                    Xe = np.take(X, sample_idx, axis=0, out=Xbuf, mode="clip")
                    Ye = np.take(Y, sample_idx, axis=0, out=Ybuf, mode="clip")
                    We = None if sample_weight is None else sample_weight[sample_idx]
                for start in starts:
                    stop = min(start + batch_size, n)
                    if cfg.shuffle and sparse:
                        idx: Any = sample_idx[start:stop]
                    else:
                        idx = slice(start, stop)
                    out = epoch_out[idx] if defer else None
                    batch_loss = step(Xe[idx], Ye[idx], None if We is None else We[idx], out)
                    if defer:
                        l2.append(batch_loss)
                    else:
                        accumulated += batch_loss * (stop - start)
                    if kern is None:
                        optimizer.update(theta, grad)
            if defer and (compiled is None or accumulated is None):
                accumulated = epoch_loss_sum(Ye, l2)
            epoch_loss = accumulated / n
            t += n
            loss_curve.append(epoch_loss)
            if cfg.verbose:
                print("Iteration %d, loss = %.8f" % (len(loss_curve), epoch_loss))  # noqa: UP031
            if validation is not None and scores is not None:
                score = validation(theta)
                scores.append(score)
                if cfg.verbose:
                    print("Validation score: %f" % score)  # noqa: UP031
                no_improve = no_improve + 1 if score < best_score + cfg.tol else 0
                if score > best_score:
                    best_score = score
                    best_theta = theta.copy()
            else:
                no_improve = no_improve + 1 if epoch_loss > best_loss - cfg.tol else 0
                if epoch_loss < best_loss:
                    best_loss = epoch_loss
            optimizer.iteration_ends(t)
            history.append(theta)
            if callback is not None:
                callback(len(loss_curve), theta, epoch_loss)
            if no_improve > cfg.n_iter_no_change:
                what = "Validation score" if validation is not None else "Training loss"
                # fit's words, formatted as fit formats them
                rule = f"tol={cfg.tol:f} for {cfg.n_iter_no_change:.0f} consecutive epochs."
                msg = f"{what} did not improve more than {rule}"
                if optimizer.trigger_stopping(msg, cfg.verbose):
                    stop_reason = (
                        f"converged: {what.lower()} did not improve by tol={cfg.tol:g} "
                        f"for {cfg.n_iter_no_change:g} consecutive epochs"
                    )
                    if optimizer.sgd and cfg.learning_rate == "adaptive":
                        stop_reason += " at the smallest learning rate"
                    converged = True
                    break
                no_improve = 0
            if should_stop is not None and should_stop():
                stop_reason = "cancelled"
                break
    except KeyboardInterrupt:
        stop_reason = "interrupted"
        if len(history) > len(loss_curve) + 1:
            history.pop()

    if not np.all(np.isfinite(theta if best_theta is None else best_theta)):  # what the estimator keeps
        raise NetwarpError(
            "training diverged: parameters became infinite or NaN (lower the learning rate or scale the inputs)"
        )
    return EngineResult(
        layer_units=layer_units,
        history=history.stack(),
        loss_curve=loss_curve,
        n_iter=len(loss_curve),
        t=t,
        stop_reason=stop_reason,
        best_loss=None if validation is not None else best_loss,
        no_improvement_count=no_improve,
        learning_rate=optimizer.learning_rate,
        converged=converged,
        optimizer=optimizer,
        validation_scores=scores,
        best_validation_score=None if validation is None else best_score,
        best_theta=best_theta,
    )


def warm_up() -> None:
    """Compile now (or load from numba's disk cache) the compiled epochs a classifier trains
    with, by training a tiny one for one epoch, so that a first real run does not wait for
    it. For processes that train later, such as ``netwarp serve``'s workers at startup. Does
    nothing without numba."""
    if fused.numba_module() is None:
        return
    X = np.linspace(-1.0, 1.0, 16).reshape(8, 2)
    cfg = EngineConfig(hidden_layer_sizes=(2,), activation="tanh", solver="sgd", max_iter=1, random_state=0)
    train(X, X[:, :1] > 0, cfg, out_activation="logistic", loss="log_loss")
