"""The interactive view as a Jupyter widget (anywidget; the ``widget`` extra).

>>> w = netwarp.explore(runs)            # doctest: +SKIP
>>> w.epoch = 100                        # the view moves to epoch 100
>>> w.epoch                              # and follows the user's slider

Synced traits: ``envelope`` (Bytes: the scene, :func:`netwarp.view.envelope.encode`) and the
view state ``epoch``, ``run``, ``morph``, ``compare``. :meth:`NetwarpWidget.append` adds epochs
live: the chunk (:func:`netwarp.view.envelope.encode_chunk`) goes to the front ends as a custom
message with one binary buffer.
anywidget is imported only when the widget is first used, so ``import netwarp`` works
without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import envelope as envelopes
from netwarp.view.scene import Delta, Scene

MISSING = "the widget needs anywidget: pip install 'netwarp[widget]'"


@cache
def widget_class() -> type[Any]:
    """The ``NetwarpWidget`` class (built on first use; needs anywidget)."""
    try:
        import anywidget
        import traitlets
    except ImportError:
        raise NetwarpError(MISSING) from None

    from netwarp.apps.bundle import bundle_css, bundle_js

    class NetwarpWidget(anywidget.AnyWidget):
        """Every layer of one or more runs at every epoch, drawn in the notebook.

        Set ``epoch`` (negative counts from the end), ``run`` (index into the runs),
        ``morph`` (t in [0, 3 * n_layers]) or ``compare`` (all runs side by side) from Python;
        they follow the controls when the user moves them.
        """

        _esm = bundle_js()
        _css = bundle_css()
        envelope = traitlets.Bytes(b"").tag(sync=True)
        epoch = traitlets.Int(-1).tag(sync=True)
        run = traitlets.Int(0).tag(sync=True)
        morph = traitlets.Float(0.0).tag(sync=True)
        compare = traitlets.Bool(False).tag(sync=True)

        def __init__(self, runs: Sequence[Trajectory] = (), scene: Scene | None = None, **kwargs: Any) -> None:
            self._runs = list(runs)
            self.scene = scene
            if scene is not None:
                kwargs.setdefault("envelope", envelopes.encode(scene))
            super().__init__(**kwargs)

        @property
        def runs(self) -> list[Trajectory]:
            """The trajectories shown."""
            return list(self._runs)

        def _epochs(self) -> list[int]:
            s = getattr(self, "scene", None)
            return [] if s is None else [s.n_epochs(i) for i in range(len(s.runs))]

        def _max_epoch(self) -> int:
            epochs = self._epochs()
            if not epochs:
                return 0
            return max(epochs) if self.compare else epochs[min(max(self.run, 0), len(epochs) - 1)]

        def append(
            self, run: int, params: Any, loss: Any, train_score: Any, test_score: Any, *, stop_reason: str | None = None
        ) -> Delta:
            """Add epochs to run ``run`` (see :meth:`netwarp.view.scene.Scene.append`) and send them to
            the front ends as one chunk; a view on the newest epoch follows. Returns the delta.

            The ``envelope`` trait keeps the epochs it was created with (a view displayed later
            starts there): re-create the widget, or call :meth:`refresh`, to start new views at
            the newest epoch.
            """
            if self.scene is None:
                raise NetwarpError("this widget has no scene to append to")
            delta = self.scene.append(run, params, loss, train_score, test_score, stop_reason=stop_reason)
            self.send({"type": "chunk"}, buffers=[envelopes.encode_chunk(delta)])
            return delta

        def refresh(self) -> None:
            """Re-send the whole scene (front ends rebuild their view from it)."""
            if self.scene is not None:
                self.envelope = envelopes.encode(self.scene)

        @traitlets.validate("epoch")
        def _check_epoch(self, proposal: Any) -> int:
            value = int(proposal["value"])
            if not self._epochs():
                return value
            top = self._max_epoch()
            e = value + top + 1 if value < 0 else value
            if not 0 <= e <= top:
                raise NetwarpError(f"epoch {value} is out of range 0..{top}")
            return e

        @traitlets.validate("run")
        def _check_run(self, proposal: Any) -> int:
            value = int(proposal["value"])
            n = max(1, len(self._epochs()))
            if not 0 <= value < n:
                raise NetwarpError(f"run {value} is out of range 0..{n - 1}")
            return value

        @traitlets.validate("morph")
        def _check_morph(self, proposal: Any) -> float:
            value = float(proposal["value"])
            runs = [] if getattr(self, "scene", None) is None else self.scene.runs  # type: ignore[union-attr]
            if runs:
                top = 3 * runs[min(self.run, len(runs) - 1)].meta.n_layers
                if not 0.0 <= value <= top:
                    raise NetwarpError(f"morph {value} is out of range 0..{top}")
            return value

        def to_html(self, path: str | Path) -> Path:
            """Write the same view as a self-contained HTML file (see netwarp.apps.export)."""
            from netwarp.apps.export import export_html

            view = {"epoch": self.epoch, "run": self.run, "morph": self.morph, "compare": self.compare}
            title = self.scene.title if self.scene is not None else ""
            return export_html(self._runs, path, title=title or "netwarp", view=view)

    return NetwarpWidget


def __getattr__(name: str) -> Any:
    if name == "NetwarpWidget":
        return widget_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def explore(
    runs: Trajectory | Sequence[Trajectory],
    X: Any = None,
    y: Any = None,
    *,
    title: str = "",
    **view: Any,
) -> Any:
    """A :class:`NetwarpWidget` showing ``runs`` (one trajectory or several).

    ``X`` ``(n, d)``, ``y`` ``(n,)`` default to the first run's data. ``view`` sets the
    initial state: ``epoch`` (default the last; negative counts from the end), ``run``,
    ``morph``, ``compare`` and the HTML view's other settings (``points``, ``grid``,
    ``regions``, ``speed``, ``yaw``, ``pitch``, ``proj``).
    """
    cls = widget_class()
    trajs = [runs] if isinstance(runs, Trajectory) else list(runs)
    scene = Scene.from_trajectories(trajs, X, y, view=view, title=title)
    traits = {k: view[k] for k in ("run", "morph", "compare") if k in view}
    w = cls(trajs, scene=scene, **traits)
    w.epoch = int(view.get("epoch", -1))
    return w


def watch(
    estimator: Any,
    X: Any,
    y: Any,
    X_test: Any = None,
    y_test: Any = None,
    *,
    title: str = "",
    name: str | None = None,
    every: float = 0.25,
    show: bool = True,
    **record_kwargs: Any,
) -> Any:
    """Record ``estimator`` on ``X``, ``y`` as :func:`netwarp.record` does, while a widget shows it
    learn: the widget appears at epoch 0 and gets a chunk of new epochs every ``every`` seconds
    (:meth:`NetwarpWidget.append`, the chunks the web app streams); a view on the newest epoch
    follows training. Returns the widget; its ``runs[0]`` is the recorded trajectory.

    ``X`` ``(n, d)`` and ``y`` ``(n,)`` as for ``record`` (and ``X_test``, ``y_test``);
    ``show=False`` does not display the widget itself (display it before the cell trains).
    ``record_kwargs`` go to :func:`netwarp.record` (``name``, ``dataset_name``, ``progress``...).
    """
    import numpy as np

    from netwarp.core.given_data import as_dataset
    from netwarp.core.live import Chunker, layout
    from netwarp.core.record import record
    from netwarp.errors import NetwarpError
    from netwarp.view.live_scene import first_scene
    from netwarp.view.scene_data import one_label_per_point

    Xa = np.asarray(X, dtype=np.float64)
    ya = np.asarray(y)
    if Xa.ndim != 2:
        raise NetwarpError(f"X must be a 2-D table (samples, features), got shape {Xa.shape}")
    given = as_dataset(Xa, ya, X_test, y_test, "")  # the test set shaped like y, or empty
    Xt, yt = given.X_test.astype(np.float64, copy=False), given.y_test
    sizes, activations, classes = layout(estimator, Xa.shape[1], ya)
    one_label_per_point(classes, ya, name or "")  # before training, not at the first scene
    label = name or str(estimator.get_params()["activation"])
    box: list[Any] = []
    ended: list[str] = []  # the stop reason, for the last chunk

    def emit(epoch: int, chunk: dict[str, Any], first: float) -> None:
        if not box:
            box.append(widget_class()([], scene=first_scene(chunker, chunk, label, title)))
            if show:
                from IPython.display import display

                display(box[0])  # type: ignore[no-untyped-call]
            return
        curves = (chunk["loss"], chunk["train_score"], chunk["test_score"])
        box[0].append(0, chunk["rows"], *curves, stop_reason=ended[0] if ended else None)

    chunker = Chunker(sizes, activations, classes, Xa, ya, Xt, yt, emit, every=every)
    traj = record(estimator, X, y, X_test, y_test, name=label, on_epoch=chunker.on_epoch, **record_kwargs)
    ended.append(traj.stop_reason)
    left = bool(chunker.rows)  # epochs not yet sent: the last chunk carries the stop reason
    chunker.flush()
    w = box[0]
    w._runs = [traj]
    if not left:  # nothing was left to send: just say why it ended
        w.append(0, np.empty((0, traj.params.shape[1])), [], [], [], stop_reason=traj.stop_reason)
    return w
