"""Matplotlib figures: one panel per layer, in each layer's own coordinates.

Follows seaborn's contract: axes-level functions take ``ax=None`` and return the Axes;
:func:`plot` is figure-level and returns the Figure. :class:`LayerFigure` builds the
artists once and :meth:`LayerFigure.update` changes only their data, which is what
:mod:`netwarp.view.animation` uses to render many frames quickly.

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
from netwarp.view import geometry
from netwarp.view.colours import (
    CLASS_COLOURS,
    GRID_COLOUR,
    PALETTE,
    class_cmap,
    class_colours,
    region_cmap,
    target_colours,
)

Array = NDArray[np.float64]

def _data(traj: Trajectory, X: Any, y: Any) -> tuple[Array, NDArray[Any]]:
    if X is None:
        if traj.data is None:
            raise NetwarpError("this trajectory holds no data: pass X and y")
        return traj.data.X, traj.data.y
    X = traj.check_input(X)
    y = np.zeros(len(X)) if y is None else np.asarray(y)
    if len(y) != len(X):
        raise NetwarpError(f"X has {len(X)} rows but y has {len(y)}")
    return X, y


class LayerFigure:
    """All panels of a trajectory at one epoch (or one morph position), updatable in place.

    ``layers`` selects panels by index (0 = input, ``n_layers`` = output). Creating it draws
    nothing data-dependent; call :meth:`update`.
    """

    def __init__(
        self,
        traj: Trajectory,
        X: Any = None,
        y: Any = None,
        *,
        layers: Sequence[int] | None = None,
        axes: Sequence[Axes] | None = None,
        grid: bool = True,
        regions: bool = True,
        figsize: tuple[float, float] | None = None,
        dpi: float | None = None,
        morph: bool = False,
    ) -> None:
        self.traj = traj
        self.X, self.y = _data(traj, X, y)
        n_panels = len(traj.layer_sizes)
        self.layers = list(range(n_panels)) if layers is None else [int(i) for i in layers]
        for i in self.layers:
            if not 0 <= i < n_panels:
                raise NetwarpError(f"layer {i} is out of range 0..{n_panels - 1}")
        self.morph = morph
        self.projs = geometry.projections(traj, self.X)
        self.bounds = geometry.layer_bounds(traj, self.X, self.projs)
        # a regressor's targets, when known: coloured by value and plotted against the prediction
        known = X is None or y is not None
        one_target = self.y.ndim == 1 or (self.y.ndim == 2 and self.y.shape[1] == 1)
        regression = traj.classes is None and known and one_target and traj.layer_sizes[-1] == 1
        self.targets = np.asarray(self.y, dtype=np.float64).ravel() if regression else None
        self.colours = class_colours(self.y, traj.classes) if self.targets is None else target_colours(self.targets)
        self.jitter = geometry.jitter(len(self.X))
        dom = geometry.domain(self.X)
        self.grid_lines = geometry.grid(dom, 11, 101) if grid and traj.layer_sizes[0] <= 3 else None
        self.region_res = 80
        self.regions = regions and traj.layer_sizes[0] == 2 and traj.classes is not None
        if self.regions:
            gx = np.linspace(dom[0, 0], dom[0, 1], self.region_res)
            gy = np.linspace(dom[1, 0], dom[1, 1], self.region_res)
            mx, my = np.meshgrid(gx, gy)
            self.region_points = np.column_stack([mx.ravel(), my.ravel()])
            self.region_extent = (dom[0, 0], dom[0, 1], dom[1, 0], dom[1, 1])
        panel_ids: list[Any] = ["morph"] if morph else self.layers
        self.morph_dim = max(p.k for p in self.projs)
        dims = [self.morph_dim if morph else self._dim(i) for i in panel_ids]
        if axes is None:
            width = 4.0 * len(panel_ids)
            self.fig = plt.figure(figsize=figsize or (width, 4.0), dpi=dpi)
            axes = [
                self.fig.add_subplot(1, len(panel_ids), k + 1, projection="3d" if d == 3 else None)
                for k, d in enumerate(dims)
            ]
        else:
            axes = list(axes)
            if len(axes) != len(panel_ids):
                raise NetwarpError(f"need {len(panel_ids)} axes, got {len(axes)}")
            self.fig = axes[0].figure  # type: ignore[assignment]
        self.axes = list(axes)
        self.title = self.fig.suptitle("", fontsize=11)
        self._artists = [self._setup(ax, i, d) for ax, i, d in zip(self.axes, panel_ids, dims, strict=True)]

    # ------------------------------------------------------------------ setup
    def _dim(self, layer: int) -> int:
        return self.projs[layer].k

    def _label(self, layer: int, axis: int) -> str:
        t = self.traj
        if layer == 0:
            if self.projs[0].k < t.layer_sizes[0]:
                return f"PC{axis + 1}"
            return "Input feature" if t.layer_sizes[0] == 1 else f"x{axis + 1}"
        if layer == t.n_layers:
            if self._vs_target(layer):
                return "prediction" if axis == 0 else "target"
            if t.layer_sizes[-1] == 1:
                return "network output"
            shown_as_is = self.projs[layer].k == t.layer_sizes[-1]
            return f"class {t.classes[axis]}" if t.classes is not None and shown_as_is else f"PC{axis + 1}"
        if self.projs[layer].k < t.layer_sizes[layer]:
            return f"PC{axis + 1}"
        return f"neuron {axis + 1}"

    def _vs_target(self, layer: Any) -> bool:
        """True for a regressor's output panel: prediction (x) against target (y)."""
        return self.targets is not None and layer == self.traj.n_layers and self.projs[layer].k == 1

    def _setup(self, ax: Axes, layer: Any, dim: int) -> dict[str, Any]:
        art: dict[str, Any] = {"layer": layer, "dim": dim}
        n_lines = 0 if self.grid_lines is None or self._vs_target(layer) else len(self.grid_lines)
        if dim == 3:
            art["lines"] = [ax.plot([], [], [], color=GRID_COLOUR, lw=0.6, alpha=0.7)[0] for _ in range(n_lines)]
            art["points"] = ax.scatter([0], [0], zs=[0], c=[self.colours[0]], s=6, lw=0, depthshade=False)
        else:
            if self.regions and layer == 0:
                k = len(self.traj.classes) if self.traj.classes is not None else 2
                cmap, vmin, vmax = (region_cmap(), 0, 1) if k <= 2 else (class_cmap(k), -0.5, k - 0.5)
                art["regions"] = ax.imshow(
                    np.zeros((2, 2)), extent=self.region_extent, origin="lower", aspect="auto",
                    cmap=cmap, vmin=vmin, vmax=vmax, alpha=0.35, zorder=0,
                )  # fmt: skip
            art["lines"] = [ax.plot([], [], color=GRID_COLOUR, lw=0.6, alpha=0.8, zorder=1)[0] for _ in range(n_lines)]
            zeros = np.zeros(len(self.X))
            art["points"] = ax.scatter(zeros, zeros, c=self.colours, s=6, lw=0, zorder=2)
        if layer != "morph":
            b = self.bounds[layer]
            if self._vs_target(layer) and self.targets is not None:
                art["yvals"] = self.targets
                lo = min(b[0][0], float(self.targets.min()))
                hi = max(b[0][1], float(self.targets.max()))
                ax.plot([lo, hi], [lo, hi], color=GRID_COLOUR, lw=0.8, ls="--", zorder=1)
                ax.set_xlim(lo, hi)
                ax.set_ylim(lo, hi)
                ax.set_xlabel(self._label(layer, 0))
                ax.set_ylabel(self._label(layer, 1))
            elif dim == 1:
                ax.set_xlim(*b[0])
                ax.set_ylim(-3, 3)
                ax.set_xlabel(self._label(layer, 0))
                ax.set_ylabel("Dummy" if layer == 0 else "dummy")
            else:
                ax.set_xlim(*b[0])
                ax.set_ylim(*b[1])
                ax.set_xlabel(self._label(layer, 0))
                ax.set_ylabel(self._label(layer, 1))
                if dim == 3:
                    ax.set_zlim(*b[2])  # type: ignore[attr-defined]
                    ax.set_zlabel(self._label(layer, 2))  # type: ignore[attr-defined]
            ax.set_title(self._panel_title(layer), fontsize=10)
        return art

    def _panel_title(self, layer: int) -> str:
        t = self.traj
        if layer == 0:
            return f"input ({t.layer_sizes[0]}-D)"
        if layer == t.n_layers:
            return f"output ({t.out_activation})" + (": prediction vs target" if self._vs_target(layer) else "")
        return f"hidden {layer} ({t.layer_sizes[layer]} {t.activations[layer - 1]})"

    # ----------------------------------------------------------------- update
    def update(self, epoch: int | None = None, morph_t: float | None = None) -> list[Any]:
        """Redraw for ``epoch`` (and, for a morph figure, position ``morph_t``); returns artists."""
        t = self.traj
        e = t.epoch_index(epoch)
        changed: list[Any] = []
        if self.morph:
            tt = 0.0 if morph_t is None else float(morph_t)
            pts, lines = self._morph_frame(e, tt)
            changed += self._draw(self._artists[0], pts, lines)
            layer = min(int(tt // 3), t.n_layers - 1)
            if tt > 0 and tt == 3 * layer:  # the end of one layer is the start of the next
                layer -= 1
            stage = geometry.STAGE_NAMES[min(3, round(tt - 3 * layer))]
            self.title.set_text(f"{t.name}  epoch {e}  layer {layer + 1} of {t.n_layers}: {stage}")
            return [*changed, self.title]
        values = t.forward(self.X, e)
        grid_values = geometry.push_grid(t, self.grid_lines, e) if self.grid_lines is not None else None
        for art in self._artists:
            layer = art["layer"]
            proj = self.projs[layer]
            pts = proj.apply(values[layer])
            lines = None if grid_values is None else proj.apply(grid_values[layer])
            changed += self._draw(art, pts, lines)
            if "regions" in art:
                out = t.forward(self.region_points, e)[-1]
                prob = out[:, 0] if out.shape[1] == 1 else out[:, 1] if out.shape[1] == 2 else np.argmax(out, axis=1)
                art["regions"].set_data(prob.reshape(self.region_res, self.region_res))
                changed.append(art["regions"])
        score = t.test_score[e] if np.isfinite(t.test_score[e]) else t.train_score[e]
        metric = "accuracy" if t.is_classifier else "R²"
        label = f"test {metric}" if np.isfinite(t.test_score[e]) else f"train {metric}"
        self.title.set_text(f"{t.name}  epoch {e}/{t.n_epochs}  loss {t.loss[e]:.4f}  {label} {score:.3f}")
        changed.append(self.title)
        return changed

    def data_artists(self) -> list[Any]:
        """Every artist whose data :meth:`update` changes, in drawing order (for blitting)."""
        out: list[Any] = []
        for art in self._artists:
            out += [a for a in (art.get("regions"), *art["lines"], art["points"]) if a is not None]
        return [*out, self.title]

    @property
    def has_3d(self) -> bool:
        return any(ax.name == "3d" for ax in self.axes)

    def _draw(self, art: dict[str, Any], pts: Array, lines: Array | None) -> list[Any]:
        dim = art["dim"]
        if dim == 1:
            xy = np.column_stack([pts[:, 0], art.get("yvals", self.jitter)])
            art["points"].set_offsets(xy)
        elif dim == 2:
            art["points"].set_offsets(pts[:, :2])
        else:
            art["points"]._offsets3d = (pts[:, 0], pts[:, 1], pts[:, 2])
            art["points"].set_facecolor(self.colours)
        if lines is not None and art["lines"]:
            for line, seg in zip(art["lines"], lines, strict=True):
                if dim == 1:
                    line.set_data(seg[:, 0], np.zeros(len(seg)))
                elif dim == 2:
                    line.set_data(seg[:, 0], seg[:, 1])
                else:
                    line.set_data_3d(seg[:, 0], seg[:, 1], seg[:, 2])
        return [art["points"], *art["lines"]]

    def _morph_stages(self, e: int) -> list[tuple[list[Array], list[Array] | None]]:
        """Per layer, its four stages for the points (and grid), projected and padded to the panel."""
        t = self.traj
        dim = self.morph_dim
        out: list[tuple[list[Array], list[Array] | None]] = []
        for layer in range(t.n_layers):
            stage_sets: list[list[Array] | None] = []
            for pts in (self.X, None if self.grid_lines is None else self.grid_lines.reshape(-1, self.X.shape[1])):
                if pts is None:
                    stage_sets.append(None)
                    continue
                values = geometry.layer_stages(t, pts, e, layer).as_list()
                projected = [self.projs[layer].apply(values[0])] + [
                    self.projs[layer + 1].apply(v) if self.projs[layer + 1].k < v.shape[1] else v for v in values[1:]
                ]
                stage_sets.append([geometry.embed(v, dim) for v in projected])
            assert stage_sets[0] is not None
            out.append((stage_sets[0], stage_sets[1]))
        return out

    def _morph_frame(self, e: int, tt: float) -> tuple[Array, Array | None]:
        if getattr(self, "_morph_epoch", None) != e:
            self._morph_cache = self._morph_stages(e)
            self._morph_epoch = e
            every = np.concatenate([v for pts, _ in self._morph_cache for v in pts])
            b = geometry.domain(every[np.all(np.isfinite(every), axis=1)], 0.05)
            ax = self.axes[0]
            if self.morph_dim == 1:
                ax.set_xlim(*b[0])
                ax.set_ylim(-3, 3)
            else:
                ax.set_xlim(*b[0])
                ax.set_ylim(*b[1])
                if self.morph_dim == 3:
                    ax.set_zlim(*b[2])  # type: ignore[attr-defined]
        total = 3 * self.traj.n_layers
        if not 0.0 <= tt <= total:
            raise NetwarpError(f"morph position must be in [0, {total}], got {tt}")
        layer = min(int(tt // 3), self.traj.n_layers - 1)
        local = tt - 3 * layer
        k = min(int(local), 2)
        f = local - k
        pts_stages, grid_stages = self._morph_cache[layer]
        pts = (1 - f) * pts_stages[k] + f * pts_stages[k + 1]
        lines = None
        if grid_stages is not None and self.grid_lines is not None:
            m, s_, _ = self.grid_lines.shape
            lines = ((1 - f) * grid_stages[k] + f * grid_stages[k + 1]).reshape(m, s_, -1)
        return pts, lines


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
    (homeomorphism or not, det W, linear separability; see :mod:`netwarp.view.diagnostics`).
    """
    lf = LayerFigure(traj, X, y, layers=layers, axes=ax, grid=grid, regions=regions, figsize=figsize, dpi=dpi)
    lf.update(epoch)
    if diagnostics:
        annotate_diagnostics(lf, epoch)
    if ax is None:
        lf.fig.tight_layout()
    return lf.fig


def annotate_diagnostics(lf: LayerFigure, epoch: int | None = None) -> None:
    """Add a second title line to each panel: the layer's kind, det W and linear separability."""
    from netwarp.view.diagnostics import diagnose

    e = lf.traj.epoch_index(epoch)
    s = diagnose(lf.traj, lf.X, lf.y, epochs=[e]).summary(e)
    for ax, art in zip(lf.axes, lf._artists, strict=True):
        layer = art["layer"]
        if not isinstance(layer, int):
            continue
        if layer == 0:
            sep = s["input_separability"]
            note = "" if sep is None else f"separable {sep:.1%}"
        else:
            d = s["layers"][layer - 1]
            kind = "not injective" if d["kind"].startswith("not injective") else d["kind"].split(" ")[0]
            det = "" if d["det"] is None else f", det {d['det']:.3g}"
            sep = "" if d["separability"] is None else f"\nseparable {d['separability']:.1%}"
            note = f"{kind}{det}{sep}"
        ax.set_title(f"{lf._panel_title(layer)}\n{note}" if note else lf._panel_title(layer), fontsize=9)


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
    ax.plot(epochs, traj.loss, color="#333333", label="loss")
    ax.plot(epochs, traj.train_score, color=PALETTE[2], label="train score")
    if np.isfinite(traj.test_score).any():
        ax.plot(epochs, traj.test_score, color=PALETTE[3], label="test score")
    if epoch is not None:
        ax.axvline(traj.epoch_index(epoch), color=PALETTE[5], lw=1)
    ax.set_xlabel("epoch")
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
        X_r, _ = _data(traj, X, y)
        dims = [geometry.fixed_projection(traj, X_r, i).k for i in range(len(traj.layer_sizes))]
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
