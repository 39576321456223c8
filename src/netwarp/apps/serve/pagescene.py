"""The scene a page trains in: a run's points and its untrained network, for ``POST /api/page-scene``.

The web app trains small runs in the page (``static/inpage.js`` decides which): the server only
generates the built-in dataset's points (the same points a server run of that spec trains on) and
sends them with the network at its initialisation (epoch 0) and the run's spec; the page's
trainer (``static/trainer_ui.js``) trains from there.
"""

from __future__ import annotations

import numpy as np

from netwarp.core import engine, features, params
from netwarp.core.spec import RunSpec
from netwarp.core.trajectory import Trajectory
from netwarp.data.datasets import Dataset
from netwarp.view import envelope
from netwarp.view.scene import Scene


def scene_bytes(spec: RunSpec, data: Dataset, name: str) -> bytes:
    """The envelope of ``data`` with ``spec``'s network at epoch 0 (a classifier of ``data``'s classes)."""
    classes = np.unique(data.y_train)
    d = data.n_features
    features.check(spec.crosses, d)
    inner, sizes, acts = spec.layout(d, len(classes))
    cfg = engine.EngineConfig(hidden_layer_sizes=spec.hidden, activation=spec.activation)
    theta = params.initial_theta(cfg, inner, np.random.RandomState(spec.random_state))
    if spec.crosses:
        theta = features.prepend(theta, d, spec.crosses, inner)
    traj = Trajectory(sizes, acts, theta[None], classes=classes, name=f"{name} (untrained)",
                      config={"spec": spec.replace(name=name).to_json()}, data=data)  # fmt: skip
    return envelope.encode(Scene.from_trajectories(traj, title=name, diagnostics=False))
