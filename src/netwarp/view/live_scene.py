"""The scene a run shown while it trains starts from: its data and the first chunk of its epochs.

Both live views build it here, so they show a run alike: the notebook widget's
:func:`netwarp.apps.widget.watch` and the web app's workers
(:func:`netwarp.apps.serve.worker.train_job`). The :class:`~netwarp.core.live.Chunker` that
follows the run holds what the scene needs besides the chunk: the network's layer sizes and
activations, its classes, and the training and test data (training points first, split flags
0 and 1). Later chunks are appended to the scene with :meth:`~netwarp.view.scene.Scene.append`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netwarp.core.live import Chunker
from netwarp.view import scene_data
from netwarp.view.scene import RunMeta, Scene


def first_scene(chunker: Chunker, chunk: dict[str, Any], name: str, title: str = "") -> Scene:
    """The scene of ``chunker``'s run (named ``name``) holding the chunk's epochs (epoch 0 first).

    ``chunk`` is the first chunk ``chunker`` emitted: ``rows`` ``(k, n_params)`` and ``loss``,
    ``train_score``, ``test_score`` ``(k,)``. The scene's points are ``chunker.X`` ``(n, d)``
    then ``chunker.X_test`` ``(m, d)``, their targets ``chunker.y`` then ``chunker.y_test``;
    class labels are ``chunker.classes`` as text (None for a regressor).
    """
    c = chunker
    labels = None if c.classes is None else tuple(str(k) for k in c.classes)
    meta = RunMeta(tuple(c.layer_sizes), tuple(c.activations), labels, name)
    split = scene_data.train_test_flags(len(c.X), len(c.X_test))
    scene = Scene(np.concatenate([c.X, c.X_test]), np.concatenate([c.y, c.y_test]), [meta], split=split, title=title)
    scene.append(0, chunk["rows"], chunk["loss"], chunk["train_score"], chunk["test_score"])
    return scene
