"""What a layer's representation is worth to a classifier, and which of its units are dead.

- **Linear read-out.** The held-out test accuracy of a logistic regression fitted on the training
  points' values in a representation and scored on the test points: what a linear last layer
  reading that representation could do on points it has not seen. The output representation is
  read by the network's own decision rule (threshold 0.5 or argmax), so there the read-out *is*
  the network's test accuracy at that epoch — at epoch 0 as at every other.
- **Dead units.** A unit whose activation is exactly zero on every training point (a ReLU whose
  pre-activation is negative on all of them): no gradient reaches its incoming weights, so it
  stays dead, and the layer is narrower than it looks.

Only NumPy and scikit-learn are used.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.view import vocabulary

__all__ = ["dead_units", "decide", "linear_readout", "percent", "readouts"]

Array = NDArray[np.float64]

#: Inverse regularisation of the read-out's logistic regression: weak, so a separable
#: representation is read as one, but finite so the fit is defined there.
READOUT_C = 1e4


def linear_readout(H_train: Array, y_train: NDArray[Any], H_test: Array, y_test: NDArray[Any]) -> float:
    """Test accuracy of a logistic regression fitted on ``H_train`` ``(n, k)``, ``y_train`` ``(n,)``
    and scored on ``H_test`` ``(m, k)``, ``y_test`` ``(m,)``; NaN with no test points or
    non-finite values. Features are standardised on the training points; deterministic (lbfgs)."""
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    if len(y_test) == 0 or len(y_train) == 0:
        return math.nan
    if not (np.all(np.isfinite(H_train)) and np.all(np.isfinite(H_test))):
        return math.nan
    classes = np.unique(y_train)
    if len(classes) < 2:  # one class seen in training: the read-out can only answer it
        return float(np.mean(y_test == classes[0]))
    mean = H_train.mean(axis=0)
    scale = H_train.std(axis=0)
    scale = np.where(scale < 10 * np.finfo(np.float64).eps, 1.0, scale)
    with warnings.catch_warnings():
        from sklearn.exceptions import ConvergenceWarning  # scikit-learn loads when first fitted (the CLI starts fast)
        from sklearn.linear_model import LogisticRegression

        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(C=READOUT_C, max_iter=500).fit((H_train - mean) / scale, y_train)
    return float(np.mean(clf.predict((H_test - mean) / scale) == y_test))


def decide(out: Array) -> NDArray[np.int64]:
    """Class index per row of a classifier's output ``(n, k)``: ``out > 0.5`` for one unit, else argmax."""
    if out.shape[1] == 1:
        return np.asarray(out[:, 0] > 0.5, dtype=np.int64)
    return np.asarray(np.argmax(out, axis=1), dtype=np.int64)


def readouts(values: list[Array], codes: NDArray[Any], split: NDArray[Any]) -> Array:
    """Read-out accuracy ``(L + 1,)`` of every representation ``values[l]`` ``(n, width_l)`` for
    class indices ``codes`` ``(n,)`` (0..k-1) and ``split`` ``(n,)`` (0 train, 1 test): a fitted
    :func:`linear_readout` for the input and hidden layers, the network's own decision for the
    output (its test accuracy)."""
    train, test = split == 0, split == 1
    out = np.full(len(values), math.nan)
    if not test.any():
        return out
    for ell, H in enumerate(values[:-1]):
        out[ell] = linear_readout(H[train], codes[train], H[test], codes[test])
    last = values[-1][test]
    if np.all(np.isfinite(last)):
        out[-1] = float(np.mean(decide(last) == codes[test]))
    return out


def dead_units(values: list[Array], split: NDArray[Any] | None = None) -> list[NDArray[np.bool_]]:
    """Per hidden representation (1..L-1) a bool ``(width_l,)``: the unit is zero on every
    training point (``split == 0``; every point when ``split`` is None) of ``values[l]`` ``(n, width_l)``."""
    keep = slice(None) if split is None else np.asarray(split) == 0
    return [np.asarray(np.all(H[keep] == 0, axis=0)) for H in values[1:-1]]


def percent(v: float | None) -> str:
    """An accuracy as a percentage with the decimals that tell close results apart: one decimal
    (98.9 %, 99.4 %), two from 99.5 % up to (not including) 100 % (99.87 %); 'n/a' for None or NaN.
    The renderer's ``pct`` (``static/diag.js``) follows the same rule."""
    if v is None or not math.isfinite(v):
        return "n/a"
    p = 100 * v
    if p >= 100:
        return "100 %"
    return f"{min(p, 99.99):.2f} %" if p >= 99.5 else f"{p:.1f} %"


def dead_note(traj: Any, X_train: Any, epoch: int | None = None) -> str | None:
    """A sentence naming the dead hidden units of ``traj`` at ``epoch`` (default: the last) on the
    training points ``X_train`` ``(n, d)``, and whether they were dead at epoch 0 too; None if none."""
    last = traj.epoch_index(epoch)
    now = dead_units(traj.forward(X_train, last))
    if not any(d.any() for d in now):
        return None
    then = dead_units(traj.forward(X_train, 0))
    parts = []
    for ell, (d, d0) in enumerate(zip(now, then, strict=True), start=1):
        units = np.flatnonzero(d)
        if not units.size:
            continue
        names = ", ".join(vocabulary.axis("unit", int(u)) for u in units)
        since = " from epoch 0" if all(d0[u] for u in units) else ""
        alive = len(d) - units.size
        them = "it" if units.size == 1 else "them"
        layer = vocabulary.layer_name(ell, traj.n_layers, traj.activations)
        parts.append(f"{layer}: {names} dead{since} (zero on every training point, so no "
                     f"gradient reaches {them}); {alive} of {len(d)} units work")  # fmt: skip
    return f"{traj.name or 'run'}: " + "; ".join(parts)
