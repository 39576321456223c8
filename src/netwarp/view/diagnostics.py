"""Topology diagnostics: what each layer does to space, measured at every (sampled) epoch.

After Olah's essay "Neural Networks, Manifolds, and Topology" (2014):

- **Homeomorphism.** A layer ``x -> sigma(x W + b)`` with a square, non-singular ``W`` and an
  injective activation (tanh, logistic, softplus...) is a homeomorphism of space onto its
  image: it bends and stretches but never tears or glues. ReLU is not injective, a narrowing
  layer (fewer outputs than inputs) is not injective, and neither is a singular ``W``.
  A widening layer with full-rank ``W`` is an *embedding* (a homeomorphism onto its image).
- **Linear read-out.** The held-out test accuracy of a logistic regression fitted on the
  training points' values in each representation (the output's is the network's own test
  accuracy; :mod:`netwarp.view.readout`), and the first layer where it reaches the threshold.
  This is the figure the views show.
- **Separability.** How well a linear classifier separates all the points' classes in each
  representation (training accuracy; the essay's "linearly separable"), and the first layer
  where they become (almost) linearly separable.
- **Stretching.** The largest singular value of the Jacobian of the map from the input to
  each layer, over the data points: large values mean the network "takes the easy way out",
  stretching space very thin instead of untangling it.

Layers are numbered as in the figures: representation 0 is the input, representation l
(1..n_layers) is the output of weight layer l (hidden 1, ..., output). Weight layer l maps
representation l - 1 to representation l; per-layer arrays below index weight layers 0-based.
Only NumPy and scikit-learn are used. The results' container, :class:`Diagnostics`, and its
JSON forms live in :mod:`netwarp.view.diagnosis`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

from netwarp.core import activations as act
from netwarp.core import features
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import readout as ro
from netwarp.view import sampling, scene_data
from netwarp.view.diagnosis import Diagnostics, format_summary

__all__ = ["THRESHOLD", "Diagnostics", "derivative", "diagnose", "format_summary", "injective_activation",
           "jacobians", "layer_map", "linear_separability", "sample_epochs", "to_payload"]  # fmt: skip

Array = NDArray[np.float64]

#: Activations that are injective (strictly monotone) as maps of the real line.
INJECTIVE = tuple(name for name, a in act.TABLE.items() if a.injective)

#: Default accuracy of a linear classifier above which classes count as linearly separable.
THRESHOLD = 0.99


def derivative(name: str, z: Array) -> Array:
    """Element-wise derivative of activation ``name`` at pre-activations ``z`` (any shape), from
    :data:`netwarp.core.activations.TABLE` (central differences where it has none).

    Softmax is not element-wise; see :func:`jacobians`.
    """
    name, slope = act.split(act.canonical(name))
    if name == "leaky_relu" and slope is not None:
        return np.where(z >= 0, 1.0, slope)
    d = act.TABLE[name].derivative
    if d is not None:
        return np.asarray(d(z), dtype=np.float64)
    h = 1e-5
    f = act.get(name)
    return np.asarray((f(z + h) - f(z - h)) / (2 * h), dtype=np.float64)


def injective_activation(name: str) -> bool:
    """Whether activation ``name`` is one-to-one on the real line (leaky ReLU: iff its slope > 0)."""
    base, slope = act.split(act.canonical(name))
    if base == "leaky_relu":
        return (act.LEAKY_SLOPE if slope is None else slope) > 0
    return base in INJECTIVE or features.parse(base) is not None  # feature crosses keep x itself


def layer_map(W: Array, activation: str) -> tuple[bool, bool, str]:
    """Classify ``x -> activation(x W + b)`` for ``W`` ``(fan_in, fan_out)``.

    Returns ``(injective, homeomorphism, kind)``: ``homeomorphism`` means a square
    non-singular ``W`` with an injective activation (the essay's criterion); ``kind`` says
    ``"homeomorphism"``, ``"embedding"`` (widening, full rank) or why it is not injective.
    """
    fan_in, fan_out = W.shape
    activation = act.canonical(activation)
    reasons = []
    if not injective_activation(activation):
        reasons.append(f"{activation} is not injective")
    if fan_out < fan_in:
        reasons.append(f"narrows {fan_in} -> {fan_out}")
    elif np.linalg.matrix_rank(W) < fan_in:
        reasons.append("W is singular" if fan_in == fan_out else "W is rank deficient")
    if reasons:
        return False, False, "not injective: " + ", ".join(reasons)
    if fan_in == fan_out:
        return True, True, "homeomorphism"
    return True, False, f"embedding {fan_in} -> {fan_out}"


def linear_separability(H: Array, y: NDArray[Any]) -> float:
    """Training accuracy of a linear classifier on representation ``H`` ``(n, k)``, labels ``y`` ``(n,)``.

    Deterministic: the exact best threshold for one binary feature, else a standardised
    primal ``LinearSVC`` (C=100). 1.0 means the classes are linearly separable.
    """
    y = np.asarray(y)
    classes, codes = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        return 1.0
    if not np.all(np.isfinite(H)):
        return math.nan
    if H.shape[1] == 1 and len(classes) == 2:
        return _best_threshold(H[:, 0], codes)
    # StandardScaler's transform and LinearSVC's predict, in NumPy (the same numbers, less overhead)
    scale = H.std(axis=0)
    Z = (H - H.mean(axis=0)) / np.where(scale < 10 * np.finfo(np.float64).eps, 1.0, scale)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LinearSVC(C=100.0, dual=False, max_iter=2000, random_state=0).fit(Z, codes)
    scores = Z @ clf.coef_.T + clf.intercept_
    pred = (scores[:, 0] > 0).astype(np.int64) if scores.shape[1] == 1 else np.argmax(scores, axis=1)
    return float(np.mean(pred == codes))


def _best_threshold(h: Array, codes: NDArray[Any]) -> float:
    """Exact best accuracy of ``h > t`` or ``h < t`` for binary ``codes`` ``(n,)``."""
    order = np.argsort(h, kind="stable")
    hs, cs = h[order], codes[order]
    n = len(hs)
    ones_left = np.concatenate([[0], np.cumsum(cs)])  # ones among the first i points
    i = np.arange(n + 1)
    # Split after i points: left predicted 0, right 1 (or the reverse).
    correct = (i - ones_left) + (ones_left[-1] - ones_left)
    valid = np.ones(n + 1, dtype=bool)
    valid[1:n] = hs[1:] > hs[:-1]  # cannot split between equal values
    best = np.max(np.maximum(correct, n - correct)[valid])
    return float(best / n)


def jacobians(traj: Trajectory, X: Array, epoch: int) -> list[Array]:
    """Jacobians of the maps from the input to every representation at ``epoch``.

    ``X`` ``(n, d0)``; returns ``[J_0, ..., J_L]`` with ``J_l`` ``(n, d0, width_l)`` such that
    ``dx @ J_l[i]`` is the change of representation l at point i (row-vector convention).
    """
    W_all, b_all = traj.coefs(epoch), traj.intercepts(epoch)
    n, d0 = X.shape
    J = np.broadcast_to(np.eye(d0), (n, d0, d0)).copy()
    a = X
    out = [J]
    for W, b, name in zip(W_all, b_all, traj.activations, strict=True):
        z = a @ W + b
        JW = J @ W
        cross = features.parse(name)
        if name == "softmax":
            p = act.softmax(z)
            S = p[:, :, None] * np.eye(p.shape[1]) - p[:, :, None] * p[:, None, :]
            J = JW @ S
        elif cross is not None:
            J = JW @ features.jacobian(z, cross)
        else:
            J = JW * derivative(name, z)[:, None, :]
        a = act.get(name)(z)
        out.append(J)
    return out


def _largest_singular(J: Array) -> Array:
    """Largest singular value of each ``J[i]`` for ``J`` ``(n, p, q)`` -> ``(n,)``."""
    if J.shape[1] == 1 or J.shape[2] == 1:
        return np.asarray(np.sqrt(np.sum(J**2, axis=(1, 2))), dtype=np.float64)
    return np.asarray(np.linalg.svd(J, compute_uv=False)[:, 0], dtype=np.float64)


def sample_epochs(n_epochs: int, max_epochs: int = 50) -> NDArray[np.int64]:
    """Up to ``max_epochs`` epochs of ``0..n_epochs``, both ends in: the views' one sampling rule
    (:func:`netwarp.view.sampling.sample_epochs`)."""
    if max_epochs < 2:
        raise NetwarpError(f"max_epochs must be at least 2, got {max_epochs}")
    return sampling.sample_epochs(n_epochs, max_epochs)


def _data(
    traj: Trajectory, X: Any, y: Any, split: Any, max_points: int
) -> tuple[Array, NDArray[Any], NDArray[np.uint8]]:
    """The points ``(n, d)``, labels ``(n,)`` and split flags ``(n,)`` (0 train, 1 test, 2 neither)
    to measure on, at most ``max_points`` of them (evenly spaced)."""
    if X is None:
        if traj.data is None:
            raise NetwarpError("this trajectory holds no data: pass X and y to diagnose it")
        d = traj.data
        X, y = np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])
        split = scene_data.train_test_flags(len(d.X_train), len(d.X_test))
    X = traj.check_input(X)
    if y is None:
        raise NetwarpError("pass the labels y with X (separability needs them)")
    y = np.asarray(y)
    scene_data.one_label_per_point(traj.classes, y, traj.name)
    if y.shape != (len(X),):
        raise NetwarpError(f"y must have shape ({len(X)},), got {y.shape}")
    flags = np.full(len(X), 2, np.uint8) if split is None else np.asarray(split, dtype=np.uint8)
    if flags.shape != (len(X),):
        raise NetwarpError(f"split must have shape ({len(X)},), got {flags.shape}")
    if len(X) > max_points:
        keep = sampling.subsample_index(len(X), max_points)
        X, y, flags = X[keep], y[keep], flags[keep]
    return X, y, flags


def _codes(traj: Trajectory, y: NDArray[Any]) -> NDArray[np.int64]:
    """Class index ``(n,)`` of each label, in the order of the network's output units."""
    if traj.classes is not None:
        lookup = {str(c): i for i, c in enumerate(np.asarray(traj.classes).tolist())}
        keys = [str(v) for v in y.tolist()]
        if all(k in lookup for k in keys):
            return np.array([lookup[k] for k in keys], dtype=np.int64)
    return np.unique(y, return_inverse=True)[1].astype(np.int64)


def diagnose(
    traj: Trajectory,
    X: Any = None,
    y: Any = None,
    epochs: Any = None,
    *,
    max_epochs: int = 50,
    max_points: int = 2000,
    threshold: float = THRESHOLD,
    input_separability: float | None = None,
    split: Any = None,
) -> Diagnostics:
    """Measure every layer of ``traj`` at ``epochs`` (default: up to ``max_epochs`` spread over training).

    ``X`` ``(n, d0)`` and ``y`` ``(n,)`` default to the trajectory's data (train and test);
    at most ``max_points`` points are used (evenly spaced). About 2 ms per layer and epoch.
    ``input_separability``, when known (it does not change over epochs), is not measured again.
    ``split`` ``(n,)`` (0 train, 1 test, 2 neither) says which points fit the linear read-out and
    which score it (default: the trajectory's own split when ``X`` is None, else none: no read-out).
    """
    if not 0 < threshold <= 1:
        raise NetwarpError(f"threshold must be in (0, 1], got {threshold}")
    X, y, split = _data(traj, X, y, split, max_points)
    if epochs is None:
        sel = sample_epochs(traj.n_epochs, max_epochs)
    else:
        sel = np.unique([traj.epoch_index(int(e)) for e in np.atleast_1d(epochs)]).astype(np.int64)
        if sel.size == 0:
            raise NetwarpError("epochs is empty")
    L, k = traj.n_layers, len(sel)
    det = np.full((L, k), np.nan)
    svs: list[Array] = []
    inj = np.zeros((L, k), dtype=bool)
    homeo = np.zeros((L, k), dtype=bool)
    kinds: list[list[str]] = []
    for ell in range(L):
        W = traj.weights(ell)[sel]  # (k, fan_in, fan_out)
        svs.append(np.asarray(np.linalg.svd(W, compute_uv=False), dtype=np.float64))
        if W.shape[1] == W.shape[2]:
            det[ell] = np.linalg.det(W)
        row = [layer_map(W[j], traj.activations[ell]) for j in range(k)]
        inj[ell] = [r[0] for r in row]
        homeo[ell] = [r[1] for r in row]
        kinds.append([r[2] for r in row])
    sep = np.full((L + 1, k), np.nan)
    classify = traj.is_classifier  # separability means nothing for a regressor's targets
    if classify:  # the input's is the same at every epoch: a caller measuring in chunks passes it
        sep[0] = linear_separability(X, y) if input_separability is None else input_separability
    readout = np.full((L + 1, k), np.nan)
    codes = _codes(traj, y) if classify else None
    stretch = np.ones((L + 1, k))
    median = np.ones((L + 1, k))
    for j, e in enumerate(sel):
        values = traj.forward(X, int(e))
        for ell in range(1, L + 1 if classify else 1):
            sep[ell, j] = linear_separability(values[ell], y)
        if codes is not None:
            readout[:, j] = ro.readouts(values, codes, split)
        for ell, J in enumerate(jacobians(traj, X, int(e))[1:], start=1):
            s = _largest_singular(J)
            stretch[ell, j] = float(np.max(s))
            median[ell, j] = float(np.median(s))
    return Diagnostics(
        sel, traj.layer_sizes, traj.activations, det, svs, inj, homeo, kinds, sep, _first(sep, threshold),
        stretch, median, threshold, readout, _first(readout, threshold),
    )  # fmt: skip


def _first(measure: Array, threshold: float) -> NDArray[np.int64]:
    """Per column of ``measure`` ``(L + 1, k)`` the first row >= ``threshold`` ``(k,)``; -1 if none."""
    first = np.full(measure.shape[1], -1, dtype=np.int64)
    for j in range(measure.shape[1]):
        hits = np.flatnonzero(measure[:, j] >= threshold)
        if hits.size:
            first[j] = int(hits[0])
    return first


def to_payload(
    traj: Trajectory, X: Any = None, y: Any = None, *, max_epochs: int = 50, split: Any = None
) -> dict[str, Any]:
    """JSON-able per-layer, per-epoch diagnostics for the JS view; see :meth:`Diagnostics.to_dict`."""
    return diagnose(traj, X, y, max_epochs=max_epochs, split=split).to_dict()
