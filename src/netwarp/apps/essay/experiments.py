"""The essay's later sections, measured: the manifold hypothesis on handwritten digits, and a
k-NN read-out beside the linear one on the same hidden layer.

Each measurement is a plain function of points and labels, so the tests state the claims with
the same code the page uses. Shapes: ``Z`` ``(n, width)`` a layer's values, ``y`` ``(n,)`` labels.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from netwarp.data.datasets import Dataset
from netwarp.view.vocabulary import layer_name

if TYPE_CHECKING:
    from netwarp.core.spec import RunSpec
    from netwarp.core.trajectory import Trajectory
    from netwarp.view.diagnostics import Diagnostics

#: A measured sentence and whether it supports the claim (None: no claim), for the tour's Finding.
Said = tuple[str, bool | None]

#: Digits shown in the manifold section (a fixed subset of scikit-learn's 1797, to keep the page small).
DIGITS_POINTS = 250
#: The neighbours a k-NN read-out consults.
K = 5


def digits(n: int = DIGITS_POINTS, seed: int = 0) -> Dataset:
    """``n`` of scikit-learn's 8x8 digits (grey levels scaled to [0, 1]), split 3:1 train/test."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    idx = np.random.default_rng(seed).permutation(len(X))[:n]
    Xtr, Xte, ytr, yte = train_test_split(X[idx] / 16.0, y[idx], test_size=0.25, random_state=2)
    return Dataset("digits", Xtr, ytr, Xte, yte, description="scikit-learn's handwritten digits, 8x8")


def class_dimensions(Z: NDArray[np.float64], y: NDArray[Any], share: float = 0.9) -> list[int]:
    """Per class, how many principal directions hold ``share`` of its variance: a manifold's
    dimension, as far as a linear estimate can tell."""
    out = []
    for c in np.unique(y):
        s = np.linalg.svd(Z[y == c] - Z[y == c].mean(axis=0), compute_uv=False) ** 2
        out.append(int(np.searchsorted(np.cumsum(s) / max(s.sum(), 1e-300), share) + 1))
    return out


def class_separation(Z: NDArray[np.float64], y: NDArray[Any]) -> float:
    """Mean distance from each class centre to the nearest other centre, over the mean distance of
    points to their own centre: above 1, classes sit apart more than they spread."""
    classes = np.unique(y)
    centres = np.array([Z[y == c].mean(axis=0) for c in classes])
    spread = np.mean([np.linalg.norm(Z[y == c] - centres[i], axis=1).mean() for i, c in enumerate(classes)])
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(gaps, np.inf)
    return float(gaps.min(axis=1).mean() / max(spread, 1e-300))


def readouts(train: NDArray[np.float64], y_train: NDArray[Any], test: NDArray[np.float64], y_test: NDArray[Any]
             ) -> tuple[float, float]:  # fmt: skip
    """Test accuracy of a linear read-out (a linear SVM) and of a k-NN read-out on one layer's values."""
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import LinearSVC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linear = LinearSVC(C=10.0, max_iter=20_000).fit(train, y_train).score(test, y_test)
    knn = KNeighborsClassifier(K).fit(train, y_train).score(test, y_test)
    return float(linear), float(knn)


def train_digits(specs: tuple[RunSpec, ...]) -> list[tuple[RunSpec, Trajectory, Diagnostics]]:
    """The manifold section's runs: each spec trained on :func:`digits` and diagnosed."""
    from netwarp.core.record import train
    from netwarp.view.diagnostics import diagnose

    d = digits()
    out = []
    for spec in specs:
        traj = train(d.X_train, d.y_train, spec, X_test=d.X_test, y_test=d.y_test, dataset_name="digits")
        traj.config["spec"]["dataset"] = None  # not a built-in dataset: the data is traj.data ("digits")
        out.append((spec, traj, diagnose(traj)))
    return out


def pct(v: float) -> str:
    """A share as the essay's findings write it: ``0.9876`` -> ``'98.8 %'``."""
    return f"{100 * v:.1f} %"


def check_manifold(traj: Trajectory, diag: Diagnostics) -> list[Said]:
    """What the manifold section measured on its run."""
    assert traj.data is not None
    X, y = traj.data.X, traj.data.y
    dims = class_dimensions(X, y)
    first, last = ([class_separation(v, y) for v in traj.forward(X, e)] for e in (0, traj.n_epochs))
    return [
        (f"In the {X.shape[1]}-D pixel space each digit's points spread over few directions: 90 % of a "
         f"class's variance lies in {min(dims)} to {max(dims)} principal directions (median "
         f"{int(np.median(dims))}).", float(np.median(dims)) <= X.shape[1] / 4),
        (f"Class separation (nearest other class centre over the spread around a class's own centre): "
         f"{first[0]:.2f} in the input; in the hidden layer {first[1]:.2f} at initialisation and "
         f"{last[1]:.2f} after training; at the output {last[-1]:.2f}.", last[1] > max(2 * last[0], first[1])),
        (f"Test accuracy {pct(traj.test_score[-1])}; linear separability by layer after training: "
         + ", ".join(pct(v) for v in diag.separability[:, -1]) + ".", None),
    ]  # fmt: skip


def check_knn(traj: Trajectory) -> list[Said]:
    """What the k-NN section measured on its run: both read-outs on every layer but the output."""
    d = traj.data
    assert d is not None
    train, test = traj.forward(d.X_train), traj.forward(d.X_test)
    rows = [readouts(a, d.y_train, b, d.y_test) for a, b in zip(train[:-1], test[:-1], strict=True)]
    text = "; ".join(f"{layer_name(i, traj.n_layers, traj.activations)}: linear {pct(lin)}, {K}-NN {pct(knn)}"
                     for i, (lin, knn) in enumerate(rows))  # fmt: skip
    lin1, knn1 = rows[1]
    return [
        (f"Test accuracy of two read-outs fitted to each layer's values: {text}.", None),
        (f"On hidden layer 1 the {K}-NN read-out gets {pct(knn1)} where the linear one gets {pct(lin1)}: "
                "the layer keeps the classes apart locally before it makes them linearly separable.",
                knn1 >= 0.98 > lin1),
    ]  # fmt: skip
