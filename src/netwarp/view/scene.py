"""The Scene: everything a view needs besides the parameters, built incrementally.

>>> scene = Scene.from_trajectories(runs)              # doctest: +SKIP  (what exports use)
>>> scene = Scene(X, y, [RunMeta.from_trajectory(t)])   # doctest: +SKIP  (a live run)
>>> delta = scene.append(0, params_rows, loss, train_score, test_score)  # doctest: +SKIP

A scene holds the data points (``X`` ``(n, d)`` float64, class index, split flags, display jitter, a regressor's
targets), and per run its layer sizes and activations, the flat parameters ``(n_epochs + 1, n_params)`` float64
and curves ``(n_epochs + 1,)`` appended so far, fixed projections of layers wider than 3, axis bounds, unit
bounds, Grand Tour radii, morph boxes per weight layer and stage (:mod:`netwarp.view.bounds`), and diagnostics
at sampled epochs (:mod:`netwarp.view.diagnostics`); labels come from :mod:`netwarp.view.vocabulary`.

``append`` costs O(k) for k new epochs: bounds and boxes only grow (the view's camera never jumps back); they
and the diagnostics are measured at the epochs of the one sampling rule (:mod:`netwarp.view.sampling`) that fall
in the new chunk; projections of wide layers are fitted on the epochs so far and refitted only when the epoch
count has doubled (then the projected boxes are rebuilt over the current sample and the delta says ``refit``).
:mod:`netwarp.view.envelope` writes a scene, and each delta, as bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core.params import n_params
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import geometry, recorded, sampling, scene_data, tour
from netwarp.view.bounds import RunBounds
from netwarp.view.diagnosis import Diagnostics, concat
from netwarp.view.vocabulary import WORDS

Array = NDArray[np.float64]

FORMAT = "netwarp-view"
VERSION = 2
#: Epoch budgets of the sampling rule: bounds, boxes and projections; diagnostics (which cost
#: a few ms per epoch: a linear classifier per layer).
BOUNDS_EPOCHS = 64
DIAG_EPOCHS = 10
#: Floats one bounds measurement may hold: sets how many points (at most BOUNDS_POINTS, at
#: least 500) the bounds and projections are measured on.
BOUNDS_FLOATS = 4_000_000
BOUNDS_POINTS = 10_000


@dataclass(frozen=True)
class RunMeta:
    """What a scene knows of a run before its epochs: widths, activations, classes, name, the Recording
    of a run of recorded activations (``source``), its own layer names ("" = the view's word)."""

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    classes: tuple[str, ...] | None = None
    name: str = ""
    source: Any = field(default=None, compare=False, repr=False)
    layer_names: tuple[str, ...] = ()
    spec: dict[str, Any] | None = None  # the RunSpec JSON it was trained from: the page's trainer starts there

    @property
    def is_classifier(self) -> bool:
        return self.classes is not None

    @property
    def n_layers(self) -> int:
        return len(self.layer_sizes) - 1

    @classmethod
    def from_trajectory(cls, traj: Trajectory) -> RunMeta:
        classes = None if traj.classes is None else tuple(str(c) for c in traj.classes)
        return cls(tuple(traj.layer_sizes), tuple(traj.activations), classes, traj.name or f"run {traj.activation}",
                   traj if traj.recorded else None, tuple(map(str, traj.config.get("layer_names") or ())),
                   scene_data.spec_of(traj))  # fmt: skip


@dataclass
class Delta:
    """What ``Scene.append`` added: epochs ``[e0, e1)`` of run ``run``.

    ``params`` ``(k, n_params)`` float64; ``loss``, ``train_score``, ``test_score`` ``(k,)``;
    ``scene``: the run's new bounds and boxes (whole, they are small), its projections when
    ``refit`` and its diagnostics when they changed.
    """

    run: int
    e0: int
    e1: int
    params: Array
    loss: Array
    train_score: Array
    test_score: Array
    stop_reason: str = ""
    refit: bool = False
    scene: dict[str, Any] = field(default_factory=dict)

    def tree(self) -> dict[str, Any]:
        """The chunk as JSON with array leaves (see :mod:`netwarp.view.envelope`)."""
        return {
            "run": self.run, "e0": self.e0, "e1": self.e1, "n_epochs": self.e1 - 1, "stop_reason": self.stop_reason,
            "refit": self.refit, "params": self.params, "loss": self.loss.astype(np.float32),
            "train_score": self.train_score.astype(np.float32), "test_score": self.test_score.astype(np.float32),
            "scene": self.scene,
        }  # fmt: skip


class _Run:
    """One run's growing arrays and view data."""

    def __init__(self, meta: RunMeta, n_points: int) -> None:
        self.meta = meta
        self.recorded = meta.source is not None
        self.P = 0 if self.recorded else n_params(list(meta.layer_sizes))
        self.params = np.empty((16, self.P))
        self.curves = np.empty((3, 16))  # loss, train, test
        self.n = 0
        self.stop_reason = ""
        self.boxes = RunBounds(meta.layer_sizes, meta.activations)
        self.wide = any(w > 3 for w in meta.layer_sizes)
        self.projs: list[geometry.Projection | None] = [None] * len(meta.layer_sizes)
        self.fitted = 0
        per_point = BOUNDS_EPOCHS * (2 * sum(meta.layer_sizes) + 1)
        self.points = sampling.subsample_index(n_points, max(500, min(BOUNDS_POINTS, BOUNDS_FLOATS // per_point)))
        self.diag: Diagnostics | None = None
        self.diag_given = False

    def grow(self, rows: Array, metrics: Array) -> None:
        need = self.n + len(rows)
        if need > len(self.params):
            cap = max(need, 2 * len(self.params))
            self.params = np.concatenate([self.params[: self.n], np.empty((cap - self.n, self.P))])
            self.curves = np.concatenate([self.curves[:, : self.n], np.empty((3, cap - self.n))], axis=1)
        self.params[self.n : need] = rows
        self.curves[:, self.n : need] = metrics
        self.n = need


class Scene:
    """A view's data and, per run, everything but the parameters; see the module docstring.

    ``X`` ``(n, d)`` and ``y`` ``(n,)`` are the points shown (labels or, for regressors, targets);
    ``runs`` their :class:`RunMeta` (or trajectories, of which only the metadata is read);
    ``split`` ``(n,)`` 0 train / 1 test / 2 neither (default all 2); ``view`` the initial view
    state; ``diagnostics=False`` leaves the per-layer diagnostics out.
    """

    def __init__(
        self,
        X: Any,
        y: Any,
        runs: Sequence[RunMeta | Trajectory],
        *,
        split: Any = None,
        title: str = "",
        view: dict[str, Any] | None = None,
        diagnostics: bool = True,
    ) -> None:
        metas = [r if isinstance(r, RunMeta) else RunMeta.from_trajectory(r) for r in runs]
        if not metas:
            raise NetwarpError("give at least one run to show")
        if any(m.layer_sizes[0] != metas[0].layer_sizes[0] for m in metas):
            raise NetwarpError(f"all runs must share the input width, got {[m.layer_sizes[0] for m in metas]}")
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        if self.X.ndim != 2 or self.X.shape[1] != metas[0].layer_sizes[0] or not len(self.X):
            raise NetwarpError(f"X must have shape (n, {metas[0].layer_sizes[0]}) with n > 0, got {self.X.shape}")
        ya = np.asarray(y)
        self.labels, self.classes = scene_data.labels(metas[0], metas, ya)  # type: ignore[arg-type]
        self.targets = scene_data.targets(metas, ya)  # type: ignore[arg-type]
        self.split = np.full(len(self.X), 2, np.uint8) if split is None else np.asarray(split, dtype=np.uint8)
        if self.split.shape != (len(self.X),) or ya.shape[:1] != (len(self.X),):
            raise NetwarpError(f"y and split need one entry per point ({len(self.X)})")
        self.title = title
        self.view = scene_data.check_view(view, metas)  # type: ignore[arg-type]
        self.diagnostics = diagnostics
        self.runs = [_Run(m, len(self.X)) for m in metas]
        self.jitter = geometry.jitter(len(self.X))
        #: work done so far, for tests: epochs passed through a forward pass for bounds and
        #: projections, and epochs diagnosed
        self.work = {"bounds_epochs": 0, "diagnosed_epochs": 0}

    # ------------------------------------------------------------------ build
    @classmethod
    def from_trajectories(
        cls,
        runs: Trajectory | Sequence[Trajectory],
        X: Any = None,
        y: Any = None,
        view: dict[str, Any] | None = None,
        title: str = "",
        *,
        diagnostics: bool | Sequence[Diagnostics | None] = True,
    ) -> Scene:
        """A scene of whole trajectories: create, then append every run's epochs once.

        ``X`` ``(n, d)``, ``y`` ``(n,)`` default to the first run's data (training then test
        points). ``diagnostics`` may also give each run's diagnostics already measured (one
        per run, e.g. the essay's), which the scene then shows as they are.
        """
        trajs = scene_data.as_runs(runs)
        Xa, ya, split = scene_data.points(trajs, X, y)
        given = None if isinstance(diagnostics, bool) else list(diagnostics)
        if given is not None and len(given) != len(trajs):
            raise NetwarpError(f"give diagnostics for each of the {len(trajs)} runs, got {len(given)}")
        scene = cls(Xa, ya, trajs, split=split, title=title, view=view, diagnostics=diagnostics is not False)
        for i, t in enumerate(trajs):
            if given is not None:
                scene.runs[i].diag, scene.runs[i].diag_given = given[i], True
            scene.append(i, t.params, t.loss, t.train_score, t.test_score, stop_reason=t.stop_reason)
        return scene

    def append(
        self,
        run: int,
        params: Any,
        loss: Any,
        train_score: Any,
        test_score: Any,
        *,
        stop_reason: str | None = None,
    ) -> Delta:
        """Add epochs to run ``run``: ``params`` ``(k, n_params)``, the three curves ``(k,)``.

        The first append starts at epoch 0 (the initialisation). Returns the :class:`Delta`.
        Give ``stop_reason`` with a run's last chunk: its newest epoch is then always diagnosed
        (while training, a newest epoch diagnosed less than half a sampling stride ago stands in).
        """
        if not 0 <= run < len(self.runs):
            raise NetwarpError(f"run {run} is out of range 0..{len(self.runs) - 1}")
        R = self.runs[run]
        rows = np.asarray(params, dtype=np.float64)
        rows = rows[None, :] if rows.ndim == 1 else rows
        if rows.ndim != 2 or rows.shape[1] != R.P:
            raise NetwarpError(f"params must have shape (k, {R.P}), got {np.shape(params)}")
        k = len(rows)
        curves = (loss, train_score, test_score)
        metrics = np.vstack([np.broadcast_to(np.asarray(v, dtype=np.float64), (k,)) for v in curves])
        e0 = R.n
        R.grow(rows, metrics)
        if stop_reason is not None:
            R.stop_reason = stop_reason
        if not k:
            return Delta(run, e0, e0, rows, metrics[0], metrics[1], metrics[2], R.stop_reason)
        if R.recorded:  # recorded activations: their own projections and boxes (netwarp.view.recorded)
            self.work["bounds_epochs"] += recorded.refit(R, self.X, BOUNDS_EPOCHS)
            out = {**R.boxes.to_json(self._prob_output(R)), "projections": self._projections(R)}
            return Delta(run, e0, R.n, rows, metrics[0], metrics[1], metrics[2], R.stop_reason, True, out)
        n_epochs = R.n - 1
        refit = R.wide and (R.fitted == 0 or R.n >= 2 * R.fitted)
        if refit:
            self._refit(R, n_epochs)
        else:
            new = sampling.sampled_between(e0, R.n, n_epochs, BOUNDS_EPOCHS)
            self.work["bounds_epochs"] += R.boxes.add(R.params[new], self.X[R.points], R.projs)
        changed = self._diagnose(R, e0, n_epochs, final=bool(stop_reason))
        out = R.boxes.to_json(self._prob_output(R))
        if refit:
            out["projections"] = self._projections(R)
        if changed:
            out["diagnostics"] = None if R.diag is None else R.diag.to_dict()
        return Delta(run, e0, R.n, R.params[e0 : R.n].copy(), metrics[0], metrics[1], metrics[2], R.stop_reason,
                     refit, out)

    def _refit(self, R: _Run, n_epochs: int) -> None:
        """Fit the wide layers' projections on the sampled epochs so far and rebuild what they show."""
        sel = sampling.sample_epochs(n_epochs, BOUNDS_EPOCHS)
        Xb = self.X[R.points]
        t = Trajectory(R.meta.layer_sizes, R.meta.activations, R.params[sel])
        values = t.forward_epochs(Xb)
        R.projs = [geometry.fit_projection(v.reshape(-1, w)) if w > 3 else None
                   for v, w in zip(values, R.meta.layer_sizes, strict=True)]  # fmt: skip
        R.fitted = R.n
        R.boxes.clear_projected()
        self.work["bounds_epochs"] += len(sel) + R.boxes.add(R.params[sel], Xb, R.projs)

    def _diagnose(self, R: _Run, e0: int, n_epochs: int, final: bool) -> bool:
        """Measure the diagnostics at the sampled epochs in ``[e0, n_epochs]``; True if they changed."""
        if not self.diagnostics or R.diag_given:
            return False
        keep = set(sampling.sample_epochs(n_epochs, DIAG_EPOCHS).tolist())
        new = sampling.sampled_between(e0, n_epochs + 1, n_epochs, DIAG_EPOCHS)
        old = R.diag
        s = sampling.stride(n_epochs, DIAG_EPOCHS)
        if not final and old is not None and n_epochs % s:
            # a newest epoch measured less than half a stride ago stands in for this one, so that
            # appending epoch by epoch does not measure every epoch (the last chunk always is)
            recent = [int(e) for e in old.epochs if int(e) % s and n_epochs - int(e) < s // 2]
            if recent:
                keep = (keep - {n_epochs}) | {recent[-1]}
                new = new[new != n_epochs]
        kept = None if old is None else old.take([j for j, e in enumerate(old.epochs) if int(e) in keep])
        if not len(new):
            if old is not None and kept is not None and len(kept.epochs) != len(old.epochs):
                R.diag = kept
                return True
            return False
        from netwarp.view.diagnostics import diagnose

        t = Trajectory(R.meta.layer_sizes, R.meta.activations, R.params[new],
                       classes=None if R.meta.classes is None else np.array(R.meta.classes))  # fmt: skip
        y = self.labels if self.targets is None else self.targets
        known = None if old is None else float(old.separability[0, 0])
        try:
            with np.errstate(all="ignore"):
                measured = diagnose(t, self.X, y, epochs=np.arange(len(new)),
                                    input_separability=known, split=self.split).with_epochs(new)  # fmt: skip
        except (NetwarpError, np.linalg.LinAlgError, ValueError):
            return False
        self.work["diagnosed_epochs"] += len(new)
        R.diag = measured if kept is None or not len(kept.epochs) else concat([kept, measured])
        return True

    @staticmethod
    def _prob_output(R: _Run) -> bool:
        return R.meta.activations[-1] in ("logistic", "softmax")

    @staticmethod
    def _projections(R: _Run) -> list[dict[str, Any] | None]:
        return [
            None if p is None else {
                "mean": np.nan_to_num(p.mean, posinf=0.0, neginf=0.0).tolist(),
                "components": np.nan_to_num(p.components, posinf=0.0, neginf=0.0).tolist(),
                "explained": np.nan_to_num(p.explained).tolist(),
            }
            for p in R.projs
        ]  # fmt: skip

    # ------------------------------------------------------------------ read
    def n_epochs(self, run: int) -> int:
        """Epochs appended to run ``run`` (rows minus the initialisation)."""
        return self.runs[run].n - 1

    def params(self, run: int) -> Array:
        """Run ``run``'s flat parameters so far ``(n_epochs + 1, n_params)`` (a view)."""
        R = self.runs[run]
        return R.params[: R.n]

    def diagnostics_of(self, run: int) -> Diagnostics | None:
        """Run ``run``'s diagnostics at its sampled epochs (None if not measured)."""
        return self.runs[run].diag

    def projection(self, run: int, layer: int) -> geometry.Projection:
        """The fixed projection of a layer (the identity for widths <= 3)."""
        p = self.runs[run].projs[layer]
        return p if p is not None else geometry.fit_projection(np.zeros((0, self.runs[run].meta.layer_sizes[layer])))

    def view_data(self, run: int) -> dict[str, Any]:
        """Run ``run``'s bounds and boxes as :meth:`netwarp.view.bounds.RunBounds.to_json` gives them."""
        R = self.runs[run]
        return R.boxes.to_json(self._prob_output(R))

    def run_tree(self, run: int, max_rows: int | None = None) -> dict[str, Any]:
        """Run ``run`` as JSON with array leaves: metadata, parameters, curves and view data.

        With ``max_rows`` a long run stores the parameters of :func:`netwarp.view.sampling.stored_epochs`
        only (listed in ``epochs``; the view then steps over those); the curves stay whole.
        """
        R = self.runs[run]
        m = R.meta
        stored = None if max_rows is None else sampling.stored_epochs(R.n - 1, max_rows)
        extra = {} if stored is None else {"epochs": stored.astype(np.int32)}
        extra.update(recorded.tree(R, stored))  # the run's own layer names; a recording's values
        return {
            "name": m.name, "layer_sizes": list(m.layer_sizes), "activations": list(m.activations),
            "n_epochs": R.n - 1, "n_params": R.P, "stop_reason": R.stop_reason, "is_classifier": m.is_classifier,
            **extra, "params": R.params[: R.n] if stored is None else R.params[stored],
            "loss": R.curves[0, : R.n].astype(np.float32),
            "train_score": R.curves[1, : R.n].astype(np.float32), "test_score": R.curves[2, : R.n].astype(np.float32),
            "projections": self._projections(R), **self.view_data(run),
            "diagnostics": None if R.diag is None else R.diag.to_dict(), "spec": m.spec,
        }  # fmt: skip

    def tree(self, store: Callable[[int], int] | None = None) -> dict[str, Any]:
        """The whole scene as JSON with array leaves (see :mod:`netwarp.view.envelope`).

        ``store(n_params)``, when given, is how many parameter rows a run of ``n_params``
        parameters may keep (see :meth:`run_tree`): a page's size budget.
        """
        n, d = self.X.shape
        data: dict[str, Any] = {
            "n": int(n), "d": int(d), "X": self.X,
            "y": self.labels.astype(np.uint8 if len(self.classes) <= 256 else np.int32),
            "classes": self.classes, "split": self.split, "split_names": list(WORDS["split"]), "jitter": self.jitter,
            "domain": scene_data.finite_box(geometry.domain(self.X)), "jitter_range": [-3.0, 3.0],
        }  # fmt: skip
        if self.targets is not None:
            data["target"] = self.targets
            data["target_range"] = scene_data.finite_box(np.array([[self.targets.min(), self.targets.max()]]))[0]
        return {
            "format": FORMAT, "version": VERSION, "title": self.title, "view": self.view,
            # geometry.grid's lattice; a 1-D input's single line is sampled densely so the curve
            # it becomes in a hidden layer stays smooth at its bends
            "grid": {"n_lines": 11, "n_samples": 401 if d == 1 else 101},
            "tour": {"seed": tour.SEED, "length": tour.LENGTH},
            "vocabulary": WORDS, "data": data, **scene_data.for_trainer(),
            "runs": [self.run_tree(i, None if store is None else store(R.P or recorded.floats_per_row(R) // 2))
                     for i, R in enumerate(self.runs)],
        }  # fmt: skip
