"""Scores of every epoch in one vectorised pass: accuracy (classifiers) or R^2 (regressors).

The forward pass runs over blocks of epochs and blocks of points, so memory stays bounded
(:data:`BLOCK_FLOATS` floats per intermediate) whatever the number of epochs or points. The
first layer of a block of epochs is one matrix product ``X @ [W_e1 | W_e2 | ...]``. Each
block's counts (correct predictions, or squared residuals) are added up, so the result is
scikit-learn's ``accuracy_score`` / ``r2_score`` (uniform average over outputs, the same rule
for constant targets) of the estimator at that epoch.

Shapes: ``X`` ``(n, d)``; ``y`` ``(n,)`` labels, ``(n, k)`` indicators (multilabel) or
``(n, k)`` targets; result ``(n_selected_epochs,)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core import activations as act
from netwarp.core.history import blas_threads
from netwarp.core.params import unflatten

#: A :class:`netwarp.core.trajectory.Trajectory` (not imported: the trajectory imports this module).
Trajectory = Any

Array = NDArray[np.float64]

#: Floats in one intermediate array of the blocked forward pass.
BLOCK_FLOATS = 1 << 17


def forward_block(traj: Trajectory, X: Array, epochs: NDArray[np.intp]) -> Array:
    """The output layer at ``epochs`` for ``X``: ``(len(epochs), n, n_outputs)``."""
    coefs, intercepts = unflatten(traj.params[epochs], list(traj.layer_sizes))
    e, (n, d) = len(epochs), X.shape
    W0 = coefs[0].transpose(1, 0, 2).reshape(d, -1)  # (d, e * fan_out)
    a = np.ascontiguousarray((X @ W0).reshape(n, e, -1).transpose(1, 0, 2))  # BLAS wants contiguous stacks
    a += intercepts[0][:, None, :]
    a = act.get(traj.activations[0])(a)
    for W, b, name in zip(coefs[1:], intercepts[1:], traj.activations[1:], strict=True):
        a = act.get(name)(np.matmul(a, W) + b[:, None, :])
    return np.asarray(a, dtype=np.float64)


def decide(traj: Trajectory, out: Array) -> NDArray[Any]:
    """Predictions from output activations ``(..., k)``, as the estimator's ``predict`` makes them."""
    if traj.classes is None:
        return out[..., 0] if out.shape[-1] == 1 else out
    classes: NDArray[Any] = np.asarray(traj.classes)
    if traj.multilabel:
        return (out > 0.5).astype(int)
    if out.shape[-1] == 1:
        return np.asarray(classes[(out[..., 0] > 0.5).astype(int)])
    return np.asarray(classes[np.argmax(out, axis=-1)])


def epoch_scores(traj: Trajectory, X: Array, y: Any, sample_weight: Any = None, epochs: Any = None) -> Array:
    """Accuracy or R^2 at each of ``epochs`` (default all): ``(n_selected,)``."""
    sel = np.arange(traj.n_epochs + 1) if epochs is None else np.atleast_1d(np.asarray(epochs, dtype=np.intp))
    y = np.asarray(y)
    n = X.shape[0]
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    width = max(traj.layer_sizes)
    rows = max(1, min(n, BLOCK_FLOATS // max(1, width)))
    step = max(1, BLOCK_FLOATS // max(1, rows * width))
    regression = traj.classes is None
    target = y.reshape(n, -1).astype(np.float64) if regression else y
    k = target.shape[1] if regression else 1
    totals = np.zeros((len(sel), k))
    with blas_threads(rows, list(traj.layer_sizes), upto=1 << 26):
        _accumulate(traj, X, y, target, w, sel, rows, step, totals)
    return _finish(traj, target, w, totals, n)


def _accumulate(
    traj: Trajectory, X: Array, y: Any, target: Any, w: Any, sel: Any, rows: int, step: int, totals: Array
) -> None:
    """Add each block's correct predictions (or squared residuals) into ``totals`` ``(n_sel, k)``."""
    n = X.shape[0]
    regression = traj.classes is None
    for start in range(0, len(sel), step):
        block = sel[start : start + step]
        for r0 in range(0, n, rows):
            r1 = min(n, r0 + rows)
            pred = decide(traj, forward_block(traj, X[r0:r1], block))
            wr = None if w is None else w[r0:r1]
            if regression:
                sq = (target[r0:r1][None] - pred.reshape(len(block), r1 - r0, -1)) ** 2
                totals[start : start + len(block)] += (sq * (1.0 if wr is None else wr[None, :, None])).sum(axis=1)
            else:
                ok = pred == y[r0:r1][None]
                if ok.ndim == 3:  # multilabel: a row is right when every label is
                    ok = ok.all(axis=2)
                totals[start : start + len(block), 0] += (ok if wr is None else ok * wr[None]).sum(axis=1)


def _finish(traj: Trajectory, target: Any, w: Any, totals: Array, n: int) -> Array:
    """Accuracy or R^2 from the totals, with scikit-learn's rules."""
    if traj.classes is not None:
        return np.asarray(totals[:, 0] / (n if w is None else w.sum()), dtype=np.float64)
    wt = np.ones(n) if w is None else w
    mean = np.average(target, axis=0, weights=wt)
    ss_tot = (wt[:, None] * (target - mean) ** 2).sum(axis=0)
    ss_res = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = 1 - ss_res / ss_tot
    r2 = np.where(ss_tot == 0, np.where(ss_res == 0, 1.0, 0.0), r2)  # scikit-learn's force_finite
    return np.asarray(r2.mean(axis=1), dtype=np.float64)
