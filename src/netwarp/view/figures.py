"""Matplotlib figures: one panel per layer, in each layer's own coordinates.

Follows seaborn's contract: axes-level functions take ``ax=None`` and return the Axes;
:func:`plot` is figure-level and returns the Figure. :class:`LayerFigure`
(:mod:`netwarp.view.layer_figure`) builds the artists once and :meth:`LayerFigure.update`
changes only their data, which is what :mod:`netwarp.view.animation` uses to render many
frames quickly. Bounds, projections and morph boxes are the scene's, as in the interactive view.

For the seed configuration (1 input, 2 hidden units, 1 output) the figure is the seed
notebook's three panels: the input with jitter, the two hidden units as a 2-D scatter and
the output probability with jitter. A regressor's one-unit output panel plots each point's
prediction against its target, with the diagonal where they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import scene_data, vocabulary
from netwarp.view.colours import (
    CLASS_COLOURS,
    GRID_COLOUR,
    PALETTE,
    class_cmap,
    class_colours,
    region_cmap,
    target_colours,
)
from netwarp.view.layer_figure import LayerFigure

Array = NDArray[np.float64]


def plot(
    traj: Trajectory,
    X: Any = None,
    y: Any = None,
    epoch: int | None = None,
    ax: Sequence[Axes] | None = None,
    *,
    layers: Sequence[int] | None = None,
    grid: bool = True,
    regions: bool = True,
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
    diagnostics: bool = False,
) -> Figure:
    """Figure with one panel per layer at ``epoch`` (default: last): input, hidden, output.

    ``X``, ``y`` default to the trajectory's stored data (train and test points). ``ax`` may
    be a sequence of Axes, one per panel (3-D axes for 3-unit layers). 2-D inputs get the
    decision regions behind the points; ``grid`` draws the input grid deformed by each layer.
    ``diagnostics=True`` adds each layer's topology diagnostics under its panel title
    (homeomorphism or not, det W, the held-out linear read-out or, for other points than the
    run's own, the linear separability; see :mod:`netwarp.view.diagnostics`).
    """
    lf = LayerFigure(traj, X, y, layers=layers, axes=ax, grid=grid, regions=regions, figsize=figsize, dpi=dpi)
    lf.update(epoch)
    if diagnostics:
        annotate_diagnostics(lf, epoch)
    if ax is None:
        lf.fig.tight_layout()
    return lf.fig


def annotate_diagnostics(lf: LayerFigure, epoch: int | None = None) -> None:
    """Add a second title line to each panel: the layer's kind, det W and, when the figure shows
    the run's own train and test points, the held-out linear read-out (the output's: the test
    accuracy); otherwise the linear separability of the points shown."""
    from netwarp.view.diagnostics import diagnose
    from netwarp.view.readout import percent

    e = lf.traj.epoch_index(epoch)
    split = _own_split(lf)
    s = diagnose(lf.traj, lf.X, lf.y, epochs=[e], split=split).summary(e)
    last = lf.traj.n_layers
    for ax, art in zip(lf.axes, lf._artists, strict=True):
        layer = art["layer"]
        if not isinstance(layer, int):
            continue
        d = None if layer == 0 else s["layers"][layer - 1]
        if split is not None:
            v = s["input_readout"] if d is None else d["readout"]
            fig = "" if v is None else f"{'test accuracy' if layer == last else 'read-out'} {percent(v)}"
        else:
            v = s["input_separability"] if d is None else d["separability"]
            fig = "" if v is None else f"separable {v:.1%}"
        if d is None:
            note = fig
        else:
            kind = "not injective" if d["kind"].startswith("not injective") else d["kind"].split(" ")[0]
            det = "" if d["det"] is None else f", det {d['det']:.3g}"
            note = f"{kind}{det}" + (f"\n{fig}" if fig else "")
        ax.set_title(f"{lf._panel_title(layer)}\n{note}" if note else lf._panel_title(layer), fontsize=9)


def _own_split(lf: LayerFigure) -> Any:
    """Split flags ``(n,)`` (0 train, 1 test) when the figure shows its run's own points, else None."""
    d = lf.traj.data
    if d is None or not len(d.X_test) or len(lf.X) != len(d.X_train) + len(d.X_test):
        return None
    if not np.array_equal(lf.X, np.concatenate([d.X_train, d.X_test])):
        return None
    return scene_data.train_test_flags(len(d.X_train), len(d.X_test))


def plot_layer(
    traj: Trajectory,
    X: Any = None,
    y: Any = None,
    layer: int = 1,
    epoch: int | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """One panel: layer ``layer`` (0 = input) at ``epoch``. Returns the Axes."""
    if ax is None:
        lf = LayerFigure(traj, X, y, layers=[layer], **kwargs)
    else:
        lf = LayerFigure(traj, X, y, layers=[layer], axes=[ax], **kwargs)
    lf.update(epoch)
    return lf.axes[0]


def plot_training(traj: Trajectory, epoch: int | None = None, ax: Axes | None = None) -> Axes:
    """Loss and scores over epochs, with ``epoch`` marked. Returns the Axes."""
    if ax is None:
        ax = plt.figure(figsize=(6, 3)).add_subplot()
    epochs = np.arange(traj.n_epochs + 1)
    score = vocabulary.score_name(traj.is_classifier)
    ax.plot(epochs, traj.loss, color="#333333", label=vocabulary.metric("loss"))
    ax.plot(epochs, traj.train_score, color=PALETTE[2], label=f"{vocabulary.metric('train')} {score}")
    if np.isfinite(traj.test_score).any():
        ax.plot(epochs, traj.test_score, color=PALETTE[3], label=f"{vocabulary.metric('test')} {score}")
    if epoch is not None:
        ax.axvline(traj.epoch_index(epoch), color=PALETTE[5], lw=1)
    ax.set_xlabel(str(vocabulary.WORDS["epoch"]))
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_runs(
    runs: Sequence[Trajectory], X: Any = None, y: Any = None, epoch: int | None = None, **kwargs: Any
) -> Figure:
    """Several runs stacked as rows (same data), each at ``epoch`` (clipped to its length)."""
    if not runs:
        raise NetwarpError("no runs to plot")
    n_panels = len(runs[0].layer_sizes)
    fig = plt.figure(figsize=(4.0 * n_panels, 4.0 * len(runs)), layout="constrained")
    subs = fig.subfigures(len(runs), 1)
    rows = list(subs.ravel()) if isinstance(subs, np.ndarray) else [subs]
    for row, traj in zip(rows, runs, strict=True):
        dims = [min(3, w) for w in traj.layer_sizes]  # a layer wider than 3 is shown through 3 PCs
        axes = [
            row.add_subplot(1, len(dims), k + 1, projection="3d" if d == 3 else None)
            for k, d in enumerate(dims)
        ]
        e = None if epoch is None else min(int(epoch), traj.n_epochs)
        lf = LayerFigure(traj, X, y, axes=axes, **kwargs)
        lf.update(e)
        lf.title.set_fontweight("bold")
    return fig


__all__ = [
    "CLASS_COLOURS",
    "GRID_COLOUR",
    "PALETTE",
    "LayerFigure",
    "annotate_diagnostics",
    "class_cmap",
    "class_colours",
    "plot",
    "plot_layer",
    "plot_runs",
    "plot_training",
    "region_cmap",
    "target_colours",
]
