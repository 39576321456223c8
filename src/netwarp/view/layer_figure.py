"""The figure of every layer of a run, built once and updated in place (:class:`LayerFigure`).

Its fixed projections, axis bounds and morph boxes are the scene's
(:mod:`netwarp.view.scene`), the same as the interactive view's, and its labels come from
:mod:`netwarp.view.vocabulary`; the morph panel's camera is :mod:`netwarp.view.camera`'s.
:mod:`netwarp.view.figures` holds the axes- and figure-level functions built on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from netwarp.core import features
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import camera, geometry, scene_data, vocabulary
from netwarp.view.colours import GRID_COLOUR, class_cmap, class_colours, region_cmap, target_colours
from netwarp.view.scene import Scene

Array = NDArray[np.float64]


def _scene(traj: Trajectory, X: Array, y: Any) -> Scene:
    """The scene of one run on the points ``X`` ``(n, d)`` (labels only colour nothing here)."""
    labels = np.asarray(y)
    if traj.classes is not None:
        known = {str(c) for c in traj.classes}
        if labels.shape != (len(X),) or not all(str(v) in known for v in np.unique(labels)):
            labels = np.asarray(traj.classes)[np.zeros(len(X), dtype=int)]
    elif labels.shape[:1] != (len(X),) or labels.dtype.kind not in "biuf":
        labels = np.zeros(len(X))
    scene = Scene(X, labels, [traj], diagnostics=False)
    scene.append(0, traj.params, traj.loss, traj.train_score, traj.test_score, stop_reason=traj.stop_reason)
    return scene


def _data(traj: Trajectory, X: Any, y: Any) -> tuple[Array, NDArray[Any]]:
    if X is None:
        if traj.data is None:
            raise NetwarpError("this trajectory holds no data: pass X and y")
        scene_data.one_label_per_point(traj.classes, traj.data.y, traj.name)
        return traj.data.X, traj.data.y
    scene_data.one_label_per_point(traj.classes, y, traj.name)
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
        scene: Scene | None = None,
    ) -> None:
        self.traj = traj
        self.X, self.y = _data(traj, X, y)
        n_panels = len(traj.layer_sizes)
        self.layers = list(range(n_panels)) if layers is None else [int(i) for i in layers]
        for i in self.layers:
            if not 0 <= i < n_panels:
                raise NetwarpError(f"layer {i} is out of range 0..{n_panels - 1}")
        self.morph = morph
        # fixed projections, bounds and morph boxes: the scene's, as the interactive view's
        self.scene = scene if scene is not None else _scene(traj, self.X, self.y)
        self.projs = [self.scene.projection(0, layer) for layer in range(n_panels)]
        self.view_data = self.scene.view_data(0)
        self.bounds = [np.asarray(b) for b in self.view_data["bounds"]]
        # a regressor's targets, when known: coloured by value and plotted against the prediction
        known = X is None or y is not None
        one_target = self.y.ndim == 1 or (self.y.ndim == 2 and self.y.shape[1] == 1)
        regression = traj.classes is None and known and one_target and traj.layer_sizes[-1] == 1
        self.targets = np.asarray(self.y, dtype=np.float64).ravel() if regression else None
        self.colours = class_colours(self.y, traj.classes) if self.targets is None else target_colours(self.targets)
        self.jitter = geometry.jitter(len(self.X))
        dom = geometry.domain(self.X)
        computed = not traj.recorded  # recorded activations hold the data points only: no grid, no regions
        self.grid_lines = geometry.grid(dom, 11, 101) if grid and traj.layer_sizes[0] <= 3 and computed else None
        self.region_res = 80
        self.regions = regions and traj.layer_sizes[0] == 2 and traj.classes is not None and computed
        if self.regions:
            gx = np.linspace(dom[0, 0], dom[0, 1], self.region_res)
            gy = np.linspace(dom[1, 0], dom[1, 1], self.region_res)
            mx, my = np.meshgrid(gx, gy)
            self.region_points = np.column_stack([mx.ravel(), my.ravel()])
            self.region_extent = (dom[0, 0], dom[0, 1], dom[1, 0], dom[1, 1])
        panel_ids: list[Any] = ["morph"] if morph else self.layers
        sizes = traj.layer_sizes
        self.morph_dim = max(min(3, max(sizes[k], sizes[k + 1])) for k in range(traj.n_layers))
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
        W = vocabulary.WORDS
        if layer == 0:
            if self.projs[0].k < t.layer_sizes[0]:
                return vocabulary.axis("pc", axis)
            return str(W["input_feature"]) if t.layer_sizes[0] == 1 else vocabulary.axis("input_axis", axis)
        if layer == t.n_layers:
            if self._vs_target(layer):
                return str(W["prediction"] if axis == 0 else W["target"])
            if t.layer_sizes[-1] == 1:
                return str(W["network_output"])
            shown_as_is = self.projs[layer].k == t.layer_sizes[-1]
            if t.classes is not None and shown_as_is:
                return vocabulary.fill(W["class"], name=t.classes[axis])
            return vocabulary.axis("pc", axis)
        if self.projs[layer].k < t.layer_sizes[layer]:
            return vocabulary.axis("pc", axis)
        return vocabulary.axis("unit", axis)

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
                ax.set_ylabel(str(vocabulary.WORDS["jitter"]))
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
        W = vocabulary.WORDS
        names = t.config.get("layer_names") or []  # the run's own names ("" = the word for it)
        name = str(names[layer]) if len(names) == len(t.layer_sizes) and names[layer] else None
        name = name or vocabulary.layer_name(layer, t.n_layers, t.activations)
        if layer == 0:
            return f"{name} ({t.layer_sizes[0]}-D)"
        if layer == t.n_layers:
            vs = f": {W['prediction']} vs {W['target']}" if self._vs_target(layer) else ""
            return f"{name} ({t.out_activation}){vs}"
        crosses = features.parse(t.activations[layer - 1])
        if crosses is not None:
            return f"{name} ({', '.join(features.FEATURES[c][0] for c in crosses)})"
        return f"{name} ({t.layer_sizes[layer]} {t.activations[layer - 1]})"

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
            layer, what = camera.where(tt, t.n_layers)  # the stage shown, or the walk between two
            self.title.set_text(f"{t.name}  epoch {e}  layer {layer + 1} of {t.n_layers}: {what}")
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
        which = vocabulary.metric("test" if np.isfinite(t.test_score[e]) else "train")
        label = f"{which} {vocabulary.score_name(t.is_classifier)}"
        self.title.set_text(f"{t.name}  {vocabulary.WORDS['epoch']} {e}/{t.n_epochs}  "
                            f"{vocabulary.metric('loss')} {t.loss[e]:.4f}  {label} {score:.3f}")  # fmt: skip
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
        """Per weight layer, its four stages for the points (and grid) as the renderer shows them:
        zero-padded to ``D = max(d_in, d_out)``, through the fixed projection of the D-wide layer
        when D > 3, then padded to the panel's dimension."""
        t = self.traj
        out: list[tuple[list[Array], list[Array] | None]] = []
        grid = None if self.grid_lines is None else self.grid_lines.reshape(-1, self.X.shape[1])
        for layer in range(t.n_layers):
            D = max(t.layer_sizes[layer], t.layer_sizes[layer + 1])
            m = self.view_data["morph_layer"][layer]
            sets: list[list[Array] | None] = []
            for pts in (self.X, grid):
                if pts is None:
                    sets.append(None)
                    continue
                padded = [geometry.embed(v, D) for v in geometry.layer_stages(t, pts, e, layer).as_list()]
                shown = padded if m is None else [self.projs[m].apply(v) for v in padded]
                sets.append([geometry.embed(v, self.morph_dim) for v in shown])
            assert sets[0] is not None
            out.append((sets[0], sets[1]))
        return out

    def _morph_frame(self, e: int, tt: float) -> tuple[Array, Array | None]:
        total = 3 * self.traj.n_layers
        if not 0.0 <= tt <= total:
            raise NetwarpError(f"morph position must be in [0, {total}], got {tt}")
        if getattr(self, "_morph_epoch", None) != e:
            self._morph_cache = self._morph_stages(e)
            self._morph_epoch = e
        # the renderer's camera: each stage fills the frame when the walk is at it
        box = camera.morph_box(self.view_data, self.traj.layer_sizes, tt)
        box = box + [[-1.0, 1.0]] * (self.morph_dim - len(box))
        ax = self.axes[0]
        ax.set_xlim(*box[0])
        if self.morph_dim == 1:
            ax.set_ylim(-3, 3)
        else:
            ax.set_ylim(*box[1])
            if self.morph_dim == 3:
                ax.set_zlim(*box[2])  # type: ignore[attr-defined]
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
