"""The claims of Olah's "Neural Networks, Manifolds, and Topology" (2014), measured with fixed seeds.

Every network is trained with the essay's settings (``netwarp.apps.essay.tour.ESSAY``: adam,
learning rate 0.05, at most 1000 epochs, scikit-learn's stopping rule), which train these small networks to convergence
in well under a second each. The claims are about what *no* weights can do, so each is
checked over several seeds, not one lucky run.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.apps import sweep as sw
from netwarp.apps.essay.tour import ESSAY
from netwarp.data import datasets
from netwarp.view.diagnostics import Diagnostics, diagnose


def accuracies(dataset: str, hidden: str, seeds: range) -> list[float]:
    rows = sw.sweep(sw.grid(dataset, [hidden], "tanh", seeds, base=ESSAY), n_jobs=1)
    assert not any(r["error"] for r in rows), [r["error"] for r in rows]
    return [float(r["test_accuracy"]) for r in rows]


def trained(dataset: str, hidden: tuple[int, ...], seed: int = 0, **kw: Any) -> tuple[Any, Diagnostics]:
    d = datasets.load(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(d.X_train, d.y_train, ESSAY, hidden=hidden, random_state=seed,
                             X_test=d.X_test, y_test=d.y_test, **kw)  # fmt: skip
    return traj, diagnose(traj)


def test_the_interval_needs_two_hidden_units() -> None:
    """1-D: one tanh unit keeps the order of the line, so the middle third stays between the ends."""
    one = accuracies("interval1d", "1", range(5))
    two = accuracies("interval1d", "2", range(5))
    assert max(one) < 0.80, one  # a single threshold gets 2/3 at best
    assert min(two) >= 0.98, two


def test_two_units_cannot_separate_the_disk_from_the_annulus_three_can() -> None:
    """A 2-unit tanh layer is a homeomorphism of the plane: the ring still encloses the disk."""
    two = accuracies("disk_annulus", "2", range(10))
    three = accuracies("disk_annulus", "3", range(10))
    assert max(two) < 0.95, two
    assert sum(a >= 0.98 for a in three) >= 8, three


def test_hidden_layer_separability_explains_the_accuracy() -> None:
    _, d2 = trained("disk_annulus", (2,))
    _, d3 = trained("disk_annulus", (3,))
    assert d2.separability[1, -1] < 0.95 and d2.first_separable[-1] == -1
    assert d3.separability[1, -1] >= 0.99 and d3.first_separable[-1] == 1


def test_square_nonsingular_tanh_layers_are_homeomorphisms_relu_layers_are_not() -> None:
    _, tanh = trained("disk_annulus", (2,), activation="tanh")
    _, relu = trained("disk_annulus", (2,), activation="relu")
    assert np.all(np.abs(tanh.det[0]) > 1e-6)  # non-singular at every sampled epoch
    assert tanh.homeomorphism[0].all() and all(k == "homeomorphism" for k in tanh.kinds[0])
    assert not relu.homeomorphism[0].any() and not relu.injective[0].any()
    assert all("relu is not injective" in k for k in relu.kinds[0])
    assert np.all(np.abs(relu.det[0]) > 1e-6)  # W is fine: it is ReLU that folds space
    assert not tanh.homeomorphism[1].any()  # the 2 -> 1 output layer narrows


def test_narrow_deep_networks_take_the_easy_way_out() -> None:
    """2,2,2 cannot separate the disk either, but gets close by stretching space very unevenly."""
    deep_ratio, wide_ratio = [], []
    for seed in range(4):
        _, dd = trained("disk_annulus", (2, 2, 2), seed)
        assert dd.homeomorphism[:3, -1].all()  # every hidden layer is a homeomorphism...
        assert dd.separability[3, -1] < 0.99  # ...so the last hidden layer is not separable
        deep_ratio.append(dd.stretch[3, -1] / dd.stretch_median[3, -1])
        _, dw = trained("disk_annulus", (3,), seed)
        wide_ratio.append(dw.stretch[1, -1] / dw.stretch_median[1, -1])
    assert min(deep_ratio) > 3 * max(wide_ratio), (deep_ratio, wide_ratio)


def test_linked_rings_stay_linked_in_three_dimensions() -> None:
    """No homeomorphism of 3-D space unlinks two rings: a 3-unit tanh layer never separates them."""
    for seed in range(3):
        _, d = trained("linked_rings", (3,), seed)
        assert d.homeomorphism[0, -1]
        assert d.separability[1, -1] < 1.0


@pytest.mark.parametrize("name", ["two_curves", "spirals", "spirals_tight", "linked_rings"])
def test_essay_datasets_say_where_they_come_from(name: str) -> None:
    gen = datasets.DATASETS[name].generate
    assert gen.__doc__ and "essay" in gen.__doc__.lower()
    assert "\n" not in datasets.DATASETS[name].summary


def test_linked_rings_cannot_be_separated_in_a_plane() -> None:
    """Two units map the rings into a plane, where their pictures cross: never separable."""
    for seed in range(3):
        _, d = trained("linked_rings", (2,), seed, max_iter=2000, early_stop=False)
        assert d.separability[1, -1] < 1.0


def test_digit_classes_are_low_dimensional_and_the_layers_pull_them_apart() -> None:
    """The manifold hypothesis on scikit-learn's digits: few principal directions per class, and
    a trained hidden layer separates the classes far more than the pixels do, on every seed."""
    from netwarp.apps.essay.experiments import class_dimensions, class_separation, digits

    d = digits()
    assert np.median(class_dimensions(d.X, d.y)) <= 16  # of 64 pixels
    for seed in range(3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            traj = netwarp.train(d.X_train, d.y_train, ESSAY, hidden=(6,), random_state=seed,
                                 learning_rate_init=0.01, max_iter=300)  # fmt: skip
        start, end = traj.forward(d.X, 0), traj.forward(d.X)
        assert class_separation(end[1], d.y) > 2 * class_separation(d.X, d.y)
        assert class_separation(end[1], d.y) > class_separation(start[1], d.y)


def test_a_knn_readout_works_where_the_linear_one_cannot_yet() -> None:
    """Tight spirals, 16,16 tanh: the first hidden layer is not linearly separable, yet a 5-NN
    read-out of it classifies the test points; the second layer is separable for both."""
    from netwarp.apps.essay.experiments import readouts

    for seed in range(3):
        traj, _ = trained("spirals_tight", (16, 16), seed)
        assert traj.data is not None
        tr, te = traj.forward(traj.data.X_train), traj.forward(traj.data.X_test)
        lin1, knn1 = readouts(tr[1], traj.data.y_train, te[1], traj.data.y_test)
        lin2, knn2 = readouts(tr[2], traj.data.y_train, te[2], traj.data.y_test)
        assert knn1 >= 0.98 and lin1 < 0.8, (seed, lin1, knn1)
        assert min(lin2, knn2) >= 0.97 and abs(lin2 - knn2) < 0.02, (seed, lin2, knn2)
