"""Named toy datasets, each with documented defaults and a fixed train/test split.

``load("interval1d")`` returns exactly the seed notebook's data: ``np.linspace(-1, 1, 1800)``
as one column, label 1 on (-1/3, 1/3), split by ``train_test_split(train_size=900,
random_state=2)``. Every other set follows Olah's essay "Neural Networks, Manifolds, and
Topology" (2014) or TensorFlow Playground.

Every generator takes ``(n, noise, rng)`` and returns ``X`` ``(n, d)`` and integer labels
``y`` ``(n,)``; :func:`load` adds the split.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.errors import NetwarpError

Array = NDArray[np.float64]
Generator = Callable[[int, float, np.random.Generator], tuple[Array, NDArray[np.int64]]]

#: Seed of the train/test split of every built-in dataset (the seed notebook's).
SPLIT_SEED = 2
#: Share of the points held out for testing, and the seed of generated points, unless a run
#: says otherwise (:data:`netwarp.core.spec.SETTINGS` takes its defaults from here).
TEST_SIZE = 0.5
DATA_SEED = 0


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points and labels with a fixed train/test split.

    ``X`` ``(n, d)`` and ``y`` ``(n,)`` are all points in generation order;
    ``X_train`` ``(n_train, d)``, ``y_train``, ``X_test``, ``y_test`` are the split.
    """

    name: str
    X_train: Array
    y_train: NDArray[np.generic]
    X_test: Array
    y_test: NDArray[np.generic]
    X: Array = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    y: NDArray[np.generic] = field(repr=False, default_factory=lambda: np.empty(0))
    description: str = ""

    def __post_init__(self) -> None:
        if self.X.size == 0 and self.X_train.size:
            object.__setattr__(self, "X", np.concatenate([self.X_train, self.X_test]))
            object.__setattr__(self, "y", np.concatenate([self.y_train, self.y_test]))

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def classes(self) -> NDArray[np.generic]:
        return np.unique(self.y)


@dataclass(frozen=True)
class DatasetSpec:
    """A registry entry: the generator and its documented defaults."""

    name: str
    generate: Generator
    n: int
    noise: float
    n_features: int
    n_classes: int
    summary: str
    #: Run settings that learn this dataset (:class:`netwarp.core.spec.RunSpec` field names);
    #: what a run starts from when a user changes nothing else.
    recommended: dict[str, Any] = field(default_factory=dict)


DATASETS: dict[str, DatasetSpec] = {}


def register(
    name: str, *, n: int, noise: float, n_features: int, n_classes: int = 2, **recommended: Any
) -> Callable[[Generator], Generator]:
    """Decorator adding a generator to :data:`DATASETS` (its docstring's first line is the summary).

    ``recommended``: run settings that learn this dataset on its defaults (test accuracy >= 0.97
    on seeds 0..4 with early stopping, the smallest network that does so reliably; see
    ``tests/test_recommended.py``).
    """

    def wrap(fn: Generator) -> Generator:
        summary = (fn.__doc__ or name).strip().splitlines()[0]
        DATASETS[name] = DatasetSpec(name, fn, n, noise, n_features, n_classes, summary, recommended)
        return fn

    return wrap


def _labels(n_a: int, n_b: int) -> NDArray[np.int64]:
    return np.concatenate([np.ones(n_a, dtype=np.int64), np.zeros(n_b, dtype=np.int64)])


@register("interval1d", n=1800, noise=0.0, n_features=1)  # recommends the seed notebook's run: the defaults
def interval1d(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """1-D: class 1 on (-1/3, 1/3), class 0 on the rest of [-1, 1] (the seed; Olah's 1-D example)."""
    x = np.linspace(-1, 1, n)
    y = np.zeros(n, dtype=np.int64)
    y[(x > -1 / 3) & (x < 1 / 3)] = 1
    if noise:
        x = x + rng.normal(scale=noise, size=n)
    return x.reshape(n, 1), y


@register("disk_annulus", n=1000, noise=0.0, n_features=2,
          hidden=(3,), solver="adam", learning_rate_init=0.03)  # fmt: skip
def disk_annulus(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: class 1 a disk of radius 1/3, class 0 the annulus 2/3 < r < 1 (Olah's topology example)."""
    n_a = n // 2
    n_b = n - n_a
    r_a = np.sqrt(rng.uniform(0, 1, n_a)) / 3
    r_b = np.sqrt(rng.uniform((2 / 3) ** 2, 1, n_b))
    r = np.concatenate([r_a, r_b])
    theta = rng.uniform(0, 2 * math.pi, n)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return X + rng.normal(scale=noise, size=X.shape) if noise else X, _labels(n_a, n_b)


@register("two_curves", n=400, noise=0.02, n_features=2,
          hidden=(4, 4), solver="adam", learning_rate_init=0.03)  # fmt: skip
def two_curves(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: two interleaved sine curves that one tanh layer pulls apart (the essay's first figure).

    Olah's essay, "A Simple Example": two classes on two curves that no line separates in the
    input, but one hidden layer of two tanh units makes linearly separable. The curves are
    ``0.45 sin(pi t) +/- 0.2`` for ``t`` uniform in [-1, 1], with Gaussian noise ``noise``.
    """
    n_a = n // 2
    t = rng.uniform(-1, 1, n)
    base = 0.45 * np.sin(math.pi * t)
    offset = np.where(np.arange(n) < n_a, 0.2, -0.2)
    X = np.column_stack([t, base + offset])
    return X + rng.normal(scale=noise, size=X.shape), _labels(n_a, n - n_a)


def _spirals(n: int, noise: float, rng: np.random.Generator, turns: float) -> tuple[Array, NDArray[np.int64]]:
    n_a = n // 2
    s = np.sqrt(rng.uniform(0.02, 1, n))
    angle = s * turns * 2 * math.pi
    angle[n_a:] += math.pi
    X = np.column_stack([s * np.cos(angle), s * np.sin(angle)])
    return X + rng.normal(scale=noise, size=X.shape), _labels(n_a, n - n_a)


@register("spirals", n=600, noise=0.02, n_features=2,
          hidden=(4,), solver="adam", learning_rate_init=0.04)  # fmt: skip
def spirals(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: two spirals of one turn each (the essay's mildly entangled spirals).

    Olah's essay, "Continuous Visualization of Layers": entangled but unlinked classes that
    continuous deformations of the plane can unwind, layer by layer. The second spiral is the
    first turned by half a turn; radii are spread so points are uniform along the arm.
    """
    return _spirals(n, noise, rng, turns=1.0)


@register("spirals_tight", n=800, noise=0.01, n_features=2,
          hidden=(8, 8, 8), solver="adam", learning_rate_init=0.01, batch_size=100)  # fmt: skip
def spirals_tight(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: two spirals of two turns each (strongly entangled; needs width and depth).

    The essay's spirals wound twice as tight: still unlinked, but one hidden layer is rarely
    enough; the essay tour shows 16,16 tanh units making them separable only in layer 2.
    """
    return _spirals(n, noise, rng, turns=2.0)


@register("xor", n=400, noise=0.0, n_features=2,
          hidden=(4, 4), solver="adam", learning_rate_init=0.03)  # fmt: skip
def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: the four quadrants of [-1, 1]^2, class 1 where x * y > 0 (TensorFlow Playground)."""
    X = rng.uniform(-1, 1, (n, 2))
    X += np.sign(X) * 0.05
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X + rng.normal(scale=noise, size=X.shape) if noise else X, y


@register("moons", n=400, noise=0.1, n_features=2,
          hidden=(3, 3), solver="adam", learning_rate_init=0.03)  # fmt: skip
def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: two interleaving half circles (scikit-learn's make_moons, centred and scaled)."""
    n_a = n // 2
    n_b = n - n_a
    t_a = rng.uniform(0, math.pi, n_a)
    t_b = rng.uniform(0, math.pi, n_b)
    A = np.column_stack([np.cos(t_a), np.sin(t_a)])
    B = np.column_stack([1 - np.cos(t_b), 0.5 - np.sin(t_b)])
    X = (np.concatenate([A, B]) - [0.5, 0.25]) / 1.5
    return X + rng.normal(scale=noise / 1.5, size=X.shape), _labels(n_a, n_b)


@register("circles", n=400, noise=0.05, n_features=2,
          hidden=(4,), solver="adam", learning_rate_init=0.05)  # fmt: skip
def circles(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: a circle of radius 0.5 (class 1) inside a circle of radius 1 (class 0)."""
    n_a = n // 2
    theta = rng.uniform(0, 2 * math.pi, n)
    r = np.where(np.arange(n) < n_a, 0.5, 1.0)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return X + rng.normal(scale=noise, size=X.shape), _labels(n_a, n - n_a)


@register("gaussians", n=400, noise=0.3, n_features=2,
          hidden=(2,), solver="adam", learning_rate_init=0.03)  # fmt: skip
def gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D: two Gaussian blobs at (0.5, 0.5) and (-0.5, -0.5) with standard deviation ``noise``."""
    n_a = n // 2
    centres = np.where((np.arange(n) < n_a)[:, None], 0.5, -0.5)
    return centres + rng.normal(scale=noise, size=(n, 2)), _labels(n_a, n - n_a)


@register("blobs", n=600, noise=0.25, n_features=2, n_classes=3,
          hidden=(3,), solver="adam", learning_rate_init=0.01)  # fmt: skip
def blobs(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """2-D, 3 classes: Gaussian blobs at the corners of a triangle (a multiclass example)."""
    y = np.arange(n, dtype=np.int64) % 3
    angles = 2 * math.pi * y / 3 + math.pi / 2
    centres = 0.6 * np.column_stack([np.cos(angles), np.sin(angles)])
    return centres + rng.normal(scale=noise, size=(n, 2)), y


@register("linked_rings", n=800, noise=0.03, n_features=3,
          hidden=(6,), solver="adam", learning_rate_init=0.1)  # fmt: skip
def linked_rings(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, NDArray[np.int64]]:
    """3-D: two linked circles; no continuous deformation of 3-D space unlinks them (Olah's links).

    Olah's essay, "Links And Homotopy" and "The Easy Way Out": a 3-unit tanh layer is a
    homeomorphism of 3-D space and cannot make the rings linearly separable; in 4 or more
    dimensions they can be pulled apart. Unit circles in the planes z = 0 and y = 0, centred
    at x = -1/2 and x = +1/2, scaled by 2/3, plus Gaussian noise ``noise``.
    """
    n_a = n // 2
    t = rng.uniform(0, 2 * math.pi, n)
    A = np.column_stack([np.cos(t[:n_a]) - 0.5, np.sin(t[:n_a]), np.zeros(n_a)])
    B = np.column_stack([np.cos(t[n_a:]) + 0.5, np.zeros(n - n_a), np.sin(t[n_a:])])
    X = np.concatenate([A, B]) / 1.5
    return X + rng.normal(scale=noise, size=X.shape), _labels(n_a, n - n_a)


def names() -> list[str]:
    """Names of the built-in datasets, in registry order."""
    return list(DATASETS)


def spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        raise NetwarpError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})") from None


def load(
    name: str,
    *,
    n: int | None = None,
    noise: float | None = None,
    random_state: int = DATA_SEED,
    test_size: float = TEST_SIZE,
) -> Dataset:
    """Generate the dataset ``name`` and split it into train and test halves.

    ``n`` and ``noise`` default to the registry's values (see ``netwarp datasets``);
    ``random_state`` seeds the points (``interval1d`` uses it only for noise);
    the split is ``train_test_split(..., random_state=2)`` as in the seed notebook.
    """
    entry = spec(name)
    n = entry.n if n is None else int(n)
    noise = entry.noise if noise is None else float(noise)
    if n < 4:
        raise NetwarpError(f"n must be at least 4, got {n}")
    if noise < 0:
        raise NetwarpError(f"noise must be >= 0, got {noise}")
    if not 0 < test_size < 1:
        raise NetwarpError(f"test_size must be in (0, 1), got {test_size}")
    X, y = entry.generate(n, noise, np.random.default_rng(random_state))
    train_size = n - math.ceil(test_size * n)
    if train_size < 2 or train_size >= n:
        raise NetwarpError(
            f"test_size {test_size:g} of {n} points leaves {train_size} for training and {n - train_size} for testing; "
            "use more points or another test_size"
        )
    from sklearn.model_selection import train_test_split  # here: scikit-learn takes a second to import

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=train_size, random_state=SPLIT_SEED
    )
    return Dataset(name, X_train, y_train, X_test, y_test, X, y, entry.summary)
