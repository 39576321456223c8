"""Figures: the seed's three panels, grids, regions, 3-D axes, and in-place updates."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import netwarp
from netwarp.errors import NetwarpError
from netwarp.view.figures import PALETTE, LayerFigure, plot, plot_layer, plot_runs, plot_training


def test_seed_figure_has_the_seed_panels(seed_runs: dict[str, Any]) -> None:
    fig = plot(seed_runs["tanh"])
    assert isinstance(fig, Figure)
    ax_in, ax_hidden, ax_out = fig.axes
    assert ax_in.get_xlabel() == "input feature" and ax_in.get_ylim() == (-3, 3)
    assert ax_in.get_ylabel() == "jitter (display only)"  # the vocabulary's words, as in the browser
    assert (ax_hidden.get_xlabel(), ax_hidden.get_ylabel()) == ("unit 1", "unit 2")
    assert ax_hidden.get_title() == "hidden layer 1 (2 tanh)"
    assert ax_out.get_xlabel() == "network output" and ax_out.get_xlim() == (0, 1)
    # the hidden panel shows the points where the network puts them
    t = seed_runs["tanh"]
    hidden = t.forward(t.data.X)[1]
    np.testing.assert_allclose(ax_hidden.collections[0].get_offsets(), hidden)
    # the input line, bent by the hidden layer, is drawn as a curve
    curve = ax_hidden.lines[0].get_xydata()
    assert len(curve) == 101 and np.ptp(curve[:, 1]) > 1
    plt.close(fig)


def test_epoch_changes_the_picture(seed_runs: dict[str, Any]) -> None:
    lf = LayerFigure(seed_runs["tanh"])
    lf.update(0)
    first = np.array(lf.axes[1].collections[0].get_offsets())
    lf.update(200)
    later = np.array(lf.axes[1].collections[0].get_offsets())
    assert not np.allclose(first, later)
    assert "epoch 200" in lf.title.get_text()
    # axes do not jump between epochs
    assert lf.axes[1].get_xlim() == pytest.approx(tuple(lf.bounds[1][0]))
    plt.close(lf.fig)


def test_2d_input_regions_and_3d_hidden() -> None:
    d = netwarp.data.datasets.load("disk_annulus", n=200)
    t = netwarp.train(d.X_train, d.y_train, hidden=(3,), max_iter=30, X_test=d.X_test, y_test=d.y_test)
    fig = plot(t, epoch=10)
    assert fig.axes[1].name == "3d" and fig.axes[0].name == "rectilinear"
    assert len(fig.axes[0].images) == 1
    regions = fig.axes[0].images[0].get_array()
    assert regions.shape == (80, 80) and 0 <= regions.min() <= regions.max() <= 1
    colours = fig.axes[0].collections[0].get_facecolors()[:, :3]
    expected = np.array([plt.matplotlib.colors.to_rgb(PALETTE[int(c)]) for c in t.data.y])
    np.testing.assert_allclose(colours, expected)
    plt.close(fig)


def test_given_axes_and_axes_level_functions(seed_runs: dict[str, Any]) -> None:
    fig, axes = plt.subplots(1, 3)
    out = plot(seed_runs["relu"], epoch=5, ax=axes)
    assert out is fig
    ax = plot_layer(seed_runs["relu"], layer=1, epoch=5)
    assert ax.get_xlabel() == "unit 1"
    ax2 = plot_training(seed_runs["relu"], epoch=5)
    assert len(ax2.lines) == 4
    with pytest.raises(NetwarpError, match="need 3 axes"):
        plot(seed_runs["relu"], ax=axes[:2])
    with pytest.raises(NetwarpError, match="out of range"):
        plot(seed_runs["relu"], epoch=10_000)
    plt.close("all")


def test_runs_figure(seed_runs: dict[str, Any]) -> None:
    fig = plot_runs(list(seed_runs.values()), epoch=100)
    assert len(fig.axes) == 9
    plt.close(fig)


def test_wide_layers_use_the_fixed_projection() -> None:
    d = netwarp.data.datasets.load("blobs", n=150)
    t = netwarp.train(d.X_train, d.y_train, hidden=(6,), max_iter=20, solver="adam")
    fig = plot(t)
    assert fig.axes[1].name == "3d" and fig.axes[1].get_xlabel() == "PC 1"
    assert fig.axes[2].name == "3d" and fig.axes[2].get_xlabel() == "class 0"
    plt.close(fig)


def test_morph_figure(seed_runs: dict[str, Any]) -> None:
    lf = LayerFigure(seed_runs["tanh"], morph=True)
    assert lf.axes[0].name == "rectilinear"  # the seed's widest layer has 2 units
    lf.update(None, 0.0)
    a = np.array(lf.axes[0].collections[0].get_offsets())
    np.testing.assert_allclose(a[:, 0], lf.X[:, 0])  # the input line, before any stage
    lf.update(None, 3.0)
    b = np.array(lf.axes[0].collections[0].get_offsets())
    np.testing.assert_allclose(b, seed_runs["tanh"].forward(lf.X)[1])
    assert "layer 2 of 2: at x" in lf.title.get_text()  # the end of layer 1's walk is layer 2's start
    lf.update(None, 6.0)
    assert "layer 2 of 2: at σ(xW + b)" in lf.title.get_text()
    lf.update(None, 1.5)
    assert "layer 1 of 2: translation xW → xW + b" in lf.title.get_text()  # the stage shown, between two
    box = np.array([lf.axes[0].get_xlim(), lf.axes[0].get_ylim()])
    pts = np.array(lf.axes[0].collections[0].get_offsets())
    assert np.all(pts >= box[:, 0] - 1e-9) and np.all(pts <= box[:, 1] + 1e-9)
    plt.close(lf.fig)


def test_morph_camera_is_one_per_layer() -> None:
    """A wide network's morph (spirals, hidden 8,8) keeps one camera per layer across the layer's
    stages (so a morph does not look like a zoom), and that camera holds every stage's points."""
    d = netwarp.data.datasets.load("spirals", n=300)
    t = netwarp.train(d.X_train, d.y_train, hidden=(8, 8), max_iter=40, solver="adam")
    lf = LayerFigure(t, morph=True)
    per_layer: dict[int, set[tuple[float, ...]]] = {0: set(), 1: set(), 2: set()}
    for tt in (0.0, 1.0, 1.5, 2.0, 2.7, 3.0, 3.5, 4.0, 5.0, 6.0, 6.5, 7.0, 8.0, 9.0):
        lf.update(None, tt)
        box = np.array([lf.axes[0].get_xlim(), lf.axes[0].get_ylim(), lf.axes[0].get_zlim()])
        pts = np.asarray(lf.axes[0].collections[0]._offsets3d).T
        assert np.all(pts >= box[:, 0] - 1e-9) and np.all(pts <= box[:, 1] + 1e-9), tt
        layer = min(int(tt // 3), 2)
        if tt - 3 * layer >= 0.25 or layer == 0:  # past the ease in from the previous layer
            per_layer[layer].add(tuple(np.round(box.ravel(), 9)))
    assert all(len(boxes) == 1 for boxes in per_layer.values()), per_layer
    plt.close(lf.fig)
