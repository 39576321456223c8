"""A whole epoch of mini-batch steps in one compiled call (needs ``numba``), with fit's numbers.

:func:`netwarp.core.engine.train` runs each batch as about twenty NumPy calls, each costing a
microsecond or two of call overhead: on a small network that overhead is nearly all the time.
Here the epoch's gather of shuffled rows, every batch's forward pass, L2 term, backward pass
and optimizer step run in one numba function built from :mod:`netwarp.core.fused_ops`: the
matrix products and the ``tanh`` / ``exp`` / ``expit`` are NumPy's and SciPy's own inner
loops called by address, the sums are NumPy's summation written out, the rest is element-wise
arithmetic in NumPy's order. So every parameter is the same bits as on the NumPy path (and as
scikit-learn's ``fit``); the parity tests run through here whenever numba is installed.

Used for float64 dense data without sample weights, hidden activations ``identity``,
``tanh``, ``logistic``, ``relu`` and outputs ``identity``, ``logistic``, ``softmax``, ``exp``,
with C-ordered ``X`` when unshuffled (``fit`` multiplies a Fortran or strided ``X``'s own slices);
:func:`prepare` returns None otherwise, or when the self-check of the building blocks fails,
and the engine keeps its NumPy loop. BLAS runs with the threads the process has, as in ``fit``.

The epoch's loss is summed compiled too (:func:`_loss_sum`, :func:`netwarp.core.batchops.deferred_loss`'s
numbers, SciPy's ``xlogy`` loop for the logs) for the log losses of classifiers and the squared
error; other losses are summed by NumPy from the epoch's outputs afterwards.

Shapes: ``X`` ``(n, d)``, ``Y`` ``(n, k)``; ``theta``, ``grad`` ``(n_params,)``; ``out`` the
epoch's outputs ``(n, k)`` in batch order; ``l2`` each batch's L2 term ``(n_batches,)``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from netwarp.core import batchops
from netwarp.core import fused_ops as ops
from netwarp.core.ufunc_loops import LoopUnavailable

HIDDEN = {"identity": 0, "tanh": 1, "logistic": 2, "relu": 3}
OUTPUT = {"identity": 0, "logistic": 1, "softmax": 2, "exp": 3}
#: Losses summed compiled, by scikit-learn's name and the targets' dtype (others: NumPy afterwards).
EPS = float(np.finfo(np.float64).eps)
LOSSES = {("binary_log_loss", np.bool_): 1, ("log_loss", np.bool_): 2, ("squared_error", np.float64): 3}


@ops.jit  # type: ignore[untyped-decorator]
def _epoch(X: Any, Y: Any, order: Any, shuffle: bool, Xbuf: Any, Ybuf: Any, theta: Any, grad: Any, units: Any,
           A: Any, D: Any, out: Any, l2: Any, batch_size: int, hidden: int, output: int, use_adam: bool,
           state1: Any, state2: Any, rates: Any, hyper: Any, loops: Any, s: Any) -> None:  # fmt: skip
    """One epoch: gather ``X[order]`` (when ``shuffle``), then each batch's step.

    ``A`` holds the hidden layers' activations and ``D`` every layer's deltas (flat, a batch's
    rows each); ``rates`` the learning rate of each step; ``hyper`` is ``alpha, momentum,
    nesterov, beta_1, beta_2, 1 - beta_1, 1 - beta_2, epsilon``.
    """
    n, n_layers = X.shape[0], units.size - 1
    last = n_layers - 1
    wpos, bpos = np.zeros(n_layers + 1, np.int64), np.zeros(n_layers + 1, np.int64)
    apos, dpos = np.zeros(n_layers + 1, np.int64), np.zeros(n_layers + 1, np.int64)
    for i in range(n_layers):
        wpos[i + 1] = wpos[i] + units[i] * units[i + 1]
        apos[i + 1] = apos[i] + batch_size * units[i + 1]
    n_coef = wpos[n_layers]
    bpos[0] = n_coef
    for i in range(n_layers):
        bpos[i + 1] = bpos[i] + units[i + 1]
    dpos[:] = apos
    Xe, Ye = X, Y
    if shuffle:
        for r in range(n):  # element by element: a row slice per row would cost more than the copy
            row = order[r]
            for c in range(X.shape[1]):
                Xbuf[r, c] = X[row, c]
            for c in range(Y.shape[1]):
                Ybuf[r, c] = Y[row, c]
        Xe, Ye = Xbuf, Ybuf
    one = np.empty((1, 1))
    alpha = hyper[0]
    half_alpha = 0.5 * alpha
    for b in range(l2.size):
        start = b * batch_size
        stop = min(start + batch_size, n)
        rows = stop - start
        prev = Xe[start:stop]
        for i in range(n_layers):  # forward
            fi, fo = units[i], units[i + 1]
            W = theta[wpos[i] : wpos[i + 1]].reshape(fi, fo)
            B = theta[bpos[i] : bpos[i + 1]]
            dest = out[start:stop] if i == last else A[apos[i] : apos[i] + rows * fo].reshape(rows, fo)
            ops.matmul(loops, prev, W, dest, s)
            if i != last and hidden == 3:
                ops.bias_relu(dest, B)
            else:
                for r in range(rows):
                    for c in range(fo):
                        dest[r, c] = dest[r, c] + B[c]
                if i != last and hidden == 1:
                    ops.unary(loops, ops.TANH, dest, s)
                elif i != last and hidden == 2:
                    ops.unary(loops, ops.EXPIT, dest, s)
            prev = dest
        z = out[start:stop]
        if output == 1:
            ops.unary(loops, ops.EXPIT, z, s)
        elif output == 2:
            ops.softmax(loops, z, s)
        elif output == 3:
            ops.unary(loops, ops.EXP, z, s)
        values = 0.0
        for i in range(n_layers):
            values += ops.square_sum(loops, theta[wpos[i] : wpos[i + 1]], one, s)
        l2[b] = half_alpha * values / rows
        k = units[n_layers]
        delta = D[dpos[last] : dpos[last] + rows * k].reshape(rows, k)
        for r in range(rows):
            for c in range(k):
                delta[r, c] = z[r, c] - Ye[start + r, c]
        for i in range(last, -1, -1):  # backward
            fi, fo = units[i], units[i + 1]
            act = Xe[start:stop] if i == 0 else A[apos[i - 1] : apos[i - 1] + rows * fi].reshape(rows, fi)
            ops.matmul(loops, act.T, delta, grad[wpos[i] : wpos[i + 1]].reshape(fi, fo), s)
            ops.column_sums(delta, grad[bpos[i] : bpos[i + 1]])
            if i > 0:
                below = D[dpos[i - 1] : dpos[i - 1] + rows * fi].reshape(rows, fi)
                ops.matmul(loops, delta, theta[wpos[i] : wpos[i + 1]].reshape(fi, fo).T, below, s)
                if hidden == 1:  # d *= 1 - z**2
                    for r in range(rows):
                        for c in range(fi):
                            below[r, c] = below[r, c] * (1.0 - act[r, c] * act[r, c])
                elif hidden == 2:  # d *= z; d *= 1 - z
                    for r in range(rows):
                        for c in range(fi):
                            below[r, c] = below[r, c] * act[r, c]
                            below[r, c] = below[r, c] * (1.0 - act[r, c])
                elif hidden == 3:
                    ops.relu_backward(act, below)
                delta = below
        if use_adam:
            ops.adam(theta, grad, n_coef, alpha, float(rows), state1, state2, hyper[3], hyper[4], hyper[5], hyper[6],
                     -rates[b], hyper[7])  # fmt: skip
        else:
            ops.sgd(theta, grad, n_coef, alpha, float(rows), state1, rates[b], hyper[1], hyper[2] != 0.0)


@ops.jit  # type: ignore[untyped-decorator]
def _loss_sum(Y: Any, values: Any, picked: Any, l2: Any, batch_size: int, kind: int, eps: float, loops: Any,
              s: Any, one: Any, means: Any) -> float:  # fmt: skip
    """The epoch's ``sum((batch loss + L2 term) * batch rows)`` from its outputs ``values``
    ``(n, k)``, which it overwrites with the loss terms: :func:`netwarp.core.batchops.deferred_loss`'s
    numbers for ``kind`` 1 (binary log loss, bool ``Y``), 2 (log loss, one-hot bool ``Y``: one
    true class per row) or 3 (squared error). ``picked`` ``(n,)`` and ``means`` ``(k,)`` are scratch."""
    n, k = values.shape
    hi = 1.0 - eps
    count = 0
    for r in range(n):
        for c in range(k):
            p = values[r, c]
            if kind == 3:
                d = Y[r, c] - p
                values[r, c] = d * d
                continue
            if p < eps:  # np.minimum(np.maximum(p, eps), hi): a NaN stays NaN
                p = eps
            if p > hi:
                p = hi
            if kind == 1:
                values[r, c] = p if Y[r, c] else 1.0 - p
            else:  # only the true classes' terms are not 0.0
                values[r, c] = 0.0
                if Y[r, c]:
                    picked[count] = p
                    count += 1
    if kind == 1:
        ops.log_in_place(loops, values.ravel(), one, s)
    elif kind == 2:
        ops.log_in_place(loops, picked[:count], one, s)
        count = 0
        for r in range(n):
            for c in range(k):
                if Y[r, c]:
                    values[r, c] = picked[count]
                    count += 1
    total = 0.0
    for b in range(l2.size):
        start = b * batch_size
        rows = min(start + batch_size, n) - start
        ops.column_sums(values[start : start + rows], means)
        for c in range(k):
            means[c] = means[c] / rows
        summed = 0.0 + ops.pairwise(means, 0, k)
        loss = 0.5 * (summed / k) if kind == 3 else -summed
        total += (loss + l2[b]) * rows
    return total


@functools.cache
def _loops() -> Any:
    """The checked loop table, or None when a loop cannot be found or differs from NumPy's."""
    try:
        loops = ops.loop_table()
    except LoopUnavailable:
        return None
    try:
        with ops.compile_notice():
            same = ops.self_check(loops)
    except Exception:  # a loop that fails is as unusable as one that differs
        same = False
    return loops if same else None


class CompiledEpochs:
    """The compiled epoch of one training run, with its kept buffers.

    ``Xbuf``, ``Ybuf`` receive each epoch's shuffled rows (None without shuffling);
    ``epoch_out`` ``(n, k)`` each epoch's outputs; ``A`` and ``D`` ``(batch_size * sum of the
    layer widths,)`` are the engine's kept blocks for activations and deltas. ``optimizer`` is the run's
    :class:`~netwarp.core.optimizers.FlatOptimizer`, whose state the steps update in place.
    """

    def __init__(self, X: Any, Y: Any, theta: Any, grad: Any, layer_units: list[int], batch_size: int,
                 activation: str, out_activation: str, optimizer: Any, alpha: float, Xbuf: Any, Ybuf: Any,
                 epoch_out: Any, A: Any, D: Any, loops: Any, loss: str) -> None:  # fmt: skip
        self.X, self.Y, self.theta, self.grad = X, Y, theta, grad
        self.Xbuf, self.Ybuf, self.out, self.loops = Xbuf, Ybuf, epoch_out, loops
        self.units = np.array(layer_units, dtype=np.int64)
        self.batch_size = batch_size
        self.codes = HIDDEN[activation], OUTPUT[out_activation]
        self.A, self.D = A, D
        self.l2 = np.empty(-(-X.shape[0] // batch_size))
        self.optimizer = optimizer
        cfg = optimizer.cfg
        self.hyper = np.array([alpha, cfg.momentum, float(bool(cfg.nesterovs_momentum)), cfg.beta_1, cfg.beta_2,
                               1 - cfg.beta_1, 1 - cfg.beta_2, cfg.epsilon], dtype=np.float64)  # fmt: skip
        self.scratch = np.zeros(16, dtype=np.int64)
        self.fresh = True
        self.loss_kind = LOSSES.get((batchops.loss_name(loss, out_activation), Y.dtype.type), 0)
        if self.loss_kind == 2 and not np.all(np.count_nonzero(Y, axis=1) == 1):
            self.loss_kind = 0  # not one-hot: NumPy sums it
        # scratch of the compiled loss (which overwrites the epoch's outputs: nothing reads them after)
        self.picked = np.empty(X.shape[0] if self.loss_kind == 2 else 0)  # the true classes' probabilities
        self.one, self.means = np.ones(1), np.empty(epoch_out.shape[1])

    def run(self, order: Any) -> tuple[Any, Any, Any]:
        """Train one epoch over the rows ``order`` ``(n,)`` (None: in place, unshuffled).

        Returns the epoch's targets in batch order ``(n, k)``, each batch's L2 term, and the
        epoch's ``sum((batch loss + L2 term) * rows)`` (None where the loss is left to NumPy).
        """
        if self.fresh:  # the first epoch may compile (a machine's first run): say so
            self.fresh = False
            with ops.compile_notice():
                return self.run(order)
        opt = self.optimizer
        shuffle = order is not None
        Xbuf, Ybuf = (self.Xbuf, self.Ybuf) if shuffle else (self.X, self.Y)
        rates = opt.step_rates(self.l2.size)
        velocity_or_m1, m2 = (opt.velocity, opt.m1) if opt.sgd else (opt.m1, opt.m2)
        _epoch(self.X, self.Y, order if shuffle else self.units, shuffle, Xbuf, Ybuf, self.theta, self.grad,
               self.units, self.A, self.D, self.out, self.l2, self.batch_size, *self.codes, not opt.sgd,
               velocity_or_m1, m2, rates, self.hyper, self.loops, self.scratch)  # fmt: skip
        if not self.loss_kind:
            return Ybuf, self.l2, None
        total = _loss_sum(Ybuf, self.out, self.picked, self.l2, self.batch_size, self.loss_kind, EPS, self.loops,
                          self.scratch, self.one, self.means)  # fmt: skip
        return Ybuf, self.l2, np.float64(total)


def prepare(X: Any, Y: Any, theta: Any, grad: Any, layer_units: list[int], batch_size: int, activation: str,
            out_activation: str, optimizer: Any, alpha: float, Xbuf: Any, Ybuf: Any, epoch_out: Any,
            A: Any, D: Any, loss: str) -> CompiledEpochs | None:  # fmt: skip
    """The compiled epoch for this run, or None when it does not apply (then use the NumPy loop)."""
    fits = (
        X.dtype == theta.dtype == grad.dtype == np.float64
        and Y.dtype in (np.bool_, np.float64)
        and activation in HIDDEN
        and out_activation in OUTPUT
        and hasattr(optimizer, "step_rates")
    )
    if fits and not X.flags.c_contiguous:  # rows gathered from a C copy are the same numbers; unshuffled,
        if Xbuf is None:  # fit multiplies X's own (Fortran or strided) slices: the NumPy loop does that
            return None
        X = np.ascontiguousarray(X)
    loops = _loops() if fits else None
    if loops is None:
        return None
    return CompiledEpochs(X, Y, theta, grad, layer_units, batch_size, activation, out_activation, optimizer,
                          alpha, Xbuf, Ybuf, epoch_out, A, D, loops, loss)  # fmt: skip
