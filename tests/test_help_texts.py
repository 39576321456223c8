"""The explanations of every control and measurement: one table (netwarp.view.vocabulary.HELP),
in the essay's words, shipped in every scene and in the web app's settings table."""

from __future__ import annotations

import json

import numpy as np
import pytest

from netwarp.core.record import train
from netwarp.view import envelope
from netwarp.view.scene import Scene
from netwarp.view.vocabulary import HELP, WORDS

#: The jargon a teacher meets on the pages (issue 14), and the controls every page has.
JARGON = ("morph", "grand_tour", "determinant", "separability", "readout", "hidden_layer", "epoch", "loss", "pca",
          "stretch", "homeomorphism", "activation", "accuracy")  # fmt: skip
CONTROLS = ("play", "pause", "step", "reset", "dataset", "noise", "training_ratio", "hidden_layers",
            "learning_rate", "batch_size", "alpha", "download_run", "enlarge", "full_screen", "run", "side_by_side",
            "points", "speed")  # fmt: skip


def test_every_word_is_explained_shortly() -> None:
    missing = [k for k in (*JARGON, *CONTROLS) if not HELP.get(k)]
    assert not missing, missing
    long = {k: len(v) for k, v in HELP.items() if len(v) > 300}
    assert not long, long  # a short text each: a tooltip, not an essay
    assert all(v.strip() == v and v[-1] in ".)" for v in HELP.values())


def test_the_scene_ships_the_table() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    traj = train(X, y, hidden=(3,), max_iter=3)
    _, spec = envelope.decode(envelope.encode(Scene.from_trajectories([traj], diagnostics=False)))
    assert spec["vocabulary"]["help"] == HELP
    assert WORDS["help"] is HELP  # one table: the words and their explanations together


def test_the_web_app_gets_the_same_table() -> None:
    pytest.importorskip("fastapi")
    from netwarp.apps.serve.api import run_settings

    assert json.loads(json.dumps(run_settings()))["help"] == HELP
