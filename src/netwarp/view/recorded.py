"""A scene's run of recorded activations (:class:`~netwarp.core.recording.Recording`).

Nothing of such a run can be recomputed from parameters, so its view data comes from the
recorded values themselves: each layer wider than 3 gets a PCA projection fitted on the
snapshots of the sampling rule, and its bounds, unit bounds and Grand Tour radius are measured
on those snapshots (:class:`~netwarp.view.bounds.RunBounds`, the parameter runs' boxes; the morph
boxes stay empty, as a recording has no stages to walk). The envelope then carries, for these
runs only, each layer's values ``(n_stored, n_points * width_l)`` float32 under ``recorded``
(null for the input, which is the scene's points), and the renderer shows them as they are,
labelled "recorded activations" where other runs say "computed from parameters"; its layers
are named as recorded (``config["layer_names"]``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netwarp.core.recording import Recording
from netwarp.errors import NetwarpError
from netwarp.view import geometry, sampling

#: A scene's run (``netwarp.view.scene._Run``; not imported, the scene imports this module).
_Run = Any


def source(R: _Run) -> Recording:
    rec = R.meta.source
    assert isinstance(rec, Recording)
    return rec


def check_points(rec: Recording, X: np.ndarray[Any, Any]) -> None:
    """The scene's points must be the recording's own sample, in its order."""
    assert rec.data is not None
    if rec.data.X.shape != X.shape or not np.array_equal(rec.data.X, X):
        raise NetwarpError(
            f"{rec.name or 'a recording'} holds activations of its own {len(rec.data.X)} sample points: "
            "show it on its own data (do not pass X and y), alone or with runs of the same points"
        )


def refit(R: _Run, X: np.ndarray[Any, Any], budget: int) -> int:
    """Fit the wide layers' projections and measure every box over the snapshots so far; returns
    the snapshots measured."""
    rec = source(R)
    check_points(rec, X)
    sel = sampling.sample_epochs(R.n - 1, budget)
    values = [np.broadcast_to(X, (len(sel), *X.shape)), *(v[sel] for v in rec.values)]
    R.projs = [geometry.fit_projection(v.reshape(-1, w).astype(np.float64)) if w > 3 else None
               for v, w in zip(values, R.meta.layer_sizes, strict=True)]  # fmt: skip
    R.fitted = R.n
    for box in R.boxes.bounds:
        box.clear()
    for layer, v in enumerate(values):
        R.boxes._layer(layer, v.reshape(-1, v.shape[-1]).astype(np.float64), R.projs)
    return len(sel)


def tree(R: _Run, stored: np.ndarray[Any, Any] | None) -> dict[str, Any]:
    """What the envelope carries of a run besides its parameters and view data: the layers' own
    names where the run gives them ("" = the view's word), and a recorded run's values."""
    m = R.meta
    out: dict[str, Any] = {"layer_names": list(m.layer_names)} if len(m.layer_names) == len(m.layer_sizes) else {}
    if R.recorded:
        rows = slice(0, R.n) if stored is None else stored
        out["recorded"] = [None, *(np.ascontiguousarray(v[rows]).reshape(-1) for v in source(R).values)]
        out["marks"] = marks(source(R).config.get("marks"), R.n - 1)
    return out


def marks(given: Any, n_epochs: int) -> list[dict[str, Any]]:
    """The well-formed moments of ``config["marks"]`` (``{"epoch", "label"}`` within the run; a file's
    config is anyone's JSON), at most 64."""
    if not isinstance(given, list):
        return []
    ok = [m for m in given if isinstance(m, dict) and isinstance(m.get("epoch"), int) and not isinstance(
        m.get("epoch"), bool) and 0 <= m["epoch"] <= n_epochs and isinstance(m.get("label"), str)]  # fmt: skip
    return [{"epoch": m["epoch"], "label": m["label"][:40]} for m in ok[:64]]


def floats_per_row(R: _Run) -> int:
    """Values one snapshot of a recorded run holds (for a page's size budget)."""
    rec = source(R)
    return int(sum(v.shape[1] * v.shape[2] for v in rec.values))
