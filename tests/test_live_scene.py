"""The two live views of a training run start from the same scene.

The notebook widget's ``watch`` and the web app's worker (``train_job``) both show a run while
it trains, from the first chunk of its epochs (:func:`netwarp.view.live_scene.first_scene`).
Given the same run, data and name, the scene each starts with must be the same envelope.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from netwarp.apps.serve.worker import Job, train_job
from netwarp.core.spec import RunSpec
from netwarp.view import envelope

pytest.importorskip("anywidget")


def _same(a: Any, b: Any, where: str = "") -> None:
    """Assert two decoded envelope trees are equal, naming the first place they differ."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (where, sorted(a), sorted(b))
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    else:
        assert a == b or (a != a and b != b), (where, a, b)  # NaN equals NaN here


def test_watch_and_the_serve_worker_start_from_the_same_scene() -> None:
    from netwarp.apps.widget import watch

    spec = RunSpec.recommended("xor", hidden=(3, 2), max_iter=4, n=120, random_state=2)
    d = spec.load_data()
    # string labels: both views must write the classes the same way
    y, y_test = np.array(["no", "yes"])[d.y_train], np.array(["no", "yes"])[d.y_test]
    name = "xor 3,2 tanh"
    frames: list[bytes] = []
    job = Job(1, name, "xor", d.X_train, y, d.X_test, y_test, spec.to_json())
    traj = train_job(job, lambda epoch, chunk, frame, first: frames.append(frame), lambda flush: False)
    w = watch(spec.to_estimator(), d.X_train, y, d.X_test, y_test, name=name, title=name, show=False, every=0.0)
    np.testing.assert_array_equal(w.runs[0].params, traj.params)  # the same run: the same epochs
    served, watched = envelope.decode(frames[0]), envelope.decode(bytes(w.envelope))
    assert served[0] == watched[0] == "scene"
    run = served[1]["runs"][0]
    assert run["n_epochs"] == 0 and run["name"] == name and served[1]["title"] == name
    data = served[1]["data"]
    assert data["classes"] == ["no", "yes"] and list(data["split"]) == [0] * len(y) + [1] * len(y_test)
    _same(served[1], watched[1])
