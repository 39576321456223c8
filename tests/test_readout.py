"""The linear read-out that replaced separability in the views, dead units and percentages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from netwarp.core.trajectory import Trajectory
from netwarp.view import diagnostics as dg
from netwarp.view import readout as ro
from netwarp.view.scene import Scene


def test_output_readout_is_the_test_accuracy_at_every_epoch(seed_runs: dict[str, Trajectory]) -> None:
    for t in seed_runs.values():
        d = dg.diagnose(t, max_epochs=6)
        np.testing.assert_allclose(d.readout[-1], t.test_score[d.epochs], atol=1e-12)


def test_readout_agrees_at_epoch_0_where_separability_did_not(seed_runs: dict[str, Trajectory]) -> None:
    """The tanh run at initialisation: test accuracy 1/3. Separability called the output layer
    2/3 separable (a refitted threshold); the read-out is the network's own answer."""
    t = seed_runs["tanh"]
    d = dg.diagnose(t, epochs=[0])
    assert d.readout[-1, 0] == pytest.approx(t.test_score[0], abs=1e-12)
    assert t.test_score[0] < 0.4 < 0.6 < d.separability[-1, 0]
    # the hidden layer is a good representation from the start: a linear read-out fitted on
    # the training points classifies the test points, the output layer has yet to learn it
    assert d.readout[1, 0] > 0.99 and d.first_readout[0] == 1
    s = d.summary(0)
    assert s["layers"][-1]["readout"] == pytest.approx(t.test_score[0])
    text = "\n".join(dg.format_summary(s))
    assert f"test accuracy {ro.percent(t.test_score[0])}" in text and "linear read-out (test)" in text


def test_linear_readout_scores_held_out_points() -> None:
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-2, 0.5, (60, 2)), rng.normal(2, 0.5, (60, 2))])
    y = np.repeat([0, 1], 60)
    train = np.arange(120) % 3 != 0
    assert ro.linear_readout(X[train], y[train], X[~train], y[~train]) == 1.0
    xor = np.array([[0, 0], [1, 1], [0, 1], [1, 0]] * 10, float)
    yx = np.array([0, 0, 1, 1] * 10)
    assert ro.linear_readout(xor[:20], yx[:20], xor[20:], yx[20:]) <= 0.75
    assert math.isnan(ro.linear_readout(X[train], y[train], X[:0], y[:0]))
    assert ro.linear_readout(X[:10], np.zeros(10), X[10:14], np.array([0, 0, 0, 1])) == 0.75
    flags = np.where(train, 0, 1)
    assert np.isnan(ro.readouts([X, X], y, np.zeros(120))).all()  # no test points: no read-out
    assert ro.readouts([X, X[:, :1] > 0], y, flags)[-1] == 1.0  # the output: its own decision


def test_scene_ships_the_readout(seed_runs: dict[str, Trajectory]) -> None:
    t = seed_runs["tanh"]
    scene = Scene.from_trajectories([t])
    d = scene.diagnostics_of(0)
    assert d is not None
    np.testing.assert_allclose(d.readout[-1], t.test_score[d.epochs], atol=1e-9)
    payload = d.to_dict()
    assert len(payload["readout"]) == 3 and payload["first_readout"][0] == 1


def test_dead_units() -> None:
    X = np.linspace(-1, 1, 21)[:, None]
    # hidden unit 1: relu(-x - 2) is zero on [-1, 1]; unit 2: relu(x) is not
    W1, b1 = np.array([[-1.0, 1.0]]), np.array([-2.0, 0.0])
    W2, b2 = np.array([[1.0], [1.0]]), np.array([0.0])
    row = np.concatenate([W1.ravel(), W2.ravel(), b1, b2])
    revived = row.copy()
    revived[4] = 5.0  # the bias of unit 1 at the second epoch: alive on every point
    t = Trajectory((1, 2, 1), ("relu", "logistic"), np.stack([row, row, revived]), classes=np.array([0, 1]), name="r")
    dead = ro.dead_units(t.forward(X, 0))
    assert [d.tolist() for d in dead] == [[True, False]]
    assert [d.tolist() for d in ro.dead_units(t.forward(X, 2))] == [[False, False]]
    split = (X[:, 0] > 0.5).astype(int)  # 1 = test: only training points count
    half = Trajectory((1, 2, 1), ("relu", "logistic"), np.stack([row]), classes=np.array([0, 1]))
    assert ro.dead_units(half.forward(X, 0), split)[0].tolist() == [True, False]
    assert ro.dead_note(t, X, epoch=1) == ("r: hidden layer 1: unit 1 dead from epoch 0 (zero on every training "
                                           "point, so no gradient reaches it); 1 of 2 units work")  # fmt: skip
    assert ro.dead_note(t, X) is None


def test_demo_relu_has_a_unit_dead_from_epoch_0(seed_runs: dict[str, Trajectory]) -> None:
    """The demo's lesson for relu: its first unit never works, so one unit cuts the line once."""
    t = seed_runs["relu"]
    assert t.data is not None
    note = ro.dead_note(t, t.data.X_train)
    assert note is not None and "unit 1 dead from epoch 0" in note
    assert ro.dead_note(seed_runs["tanh"], t.data.X_train) is None
    assert t.train_score[-1] <= 2 / 3 + 0.01


@pytest.mark.parametrize(
    ("v", "text"),
    [(0.989, "98.9 %"), (0.994, "99.4 %"), (0.9987, "99.87 %"), (0.99999, "99.99 %"), (1.0, "100 %"),
     (0.3311, "33.1 %"), (None, "n/a"), (math.nan, "n/a")],
)  # fmt: skip
def test_percent_tells_close_results_apart(v: float | None, text: str) -> None:
    assert ro.percent(v) == text


def test_figure_titles_show_the_readout_of_the_runs_own_points(seed_runs: dict[str, Trajectory]) -> None:
    import matplotlib.pyplot as plt

    from netwarp.view.figures import plot

    t = seed_runs["tanh"]
    fig = plot(t, epoch=0, diagnostics=True)
    titles = [ax.get_title() for ax in fig.axes]
    assert f"test accuracy {ro.percent(t.test_score[0])}" in titles[-1]
    assert "read-out 9" in titles[1] and "separable" not in "".join(titles)
    plt.close(fig)
