"""POST /api/page-scene: the points and untrained network of a run the page trains itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import netwarp
from netwarp.apps.serve import create_app
from netwarp.core.spec import RunSpec
from netwarp.view import envelope

pytestmark = pytest.mark.slow  # worker processes, as tests/test_serve_api.py

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(workers=1), base_url=BASE) as c:
        yield c


def test_page_scene_holds_the_runs_points_and_epoch_0(client: TestClient) -> None:
    r = client.post("/api/page-scene", json={"dataset": "moons", "hidden": [5], "crosses": ["x1x2"], "n": 300})
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    kind, spec = envelope.decode(r.content)
    assert kind == "scene"
    run = spec["runs"][0]
    assert run["layer_sizes"] == [2, 3, 5, 1] and run["n_epochs"] == 0
    assert run["activations"][0] == "features:x1x2"
    assert run["spec"]["hidden"] == [5] and run["spec"]["crosses"] == ["x1x2"]
    d = RunSpec.recommended("moons", n=300).load_data()
    X = spec["data"]["X"].reshape(-1, 2)
    assert np.array_equal(X, np.concatenate([d.X_train, d.X_test]))  # the points a server run trains on
    assert spec["settings"]["max_layers"] >= 1 and spec["trajectory_format"]["format"] == "netwarp-trajectory"
    assert client.get("/api/runs").json() == []  # nothing queued


def test_page_scene_refuses_bad_settings(client: TestClient) -> None:
    r = client.post("/api/page-scene", json={"dataset": "moons", "crosses": ["cos"]})
    assert r.status_code == 422
    r = client.post("/api/page-scene", json={"dataset": "interval1d", "crosses": ["x2sq"]})
    assert r.status_code == 422 and "x2sq needs input x2" in r.text
    assert client.post("/api/page-scene", json={"dataset": "nope"}).status_code == 422


def test_a_server_run_refuses_crosses_its_data_cannot_make(client: TestClient) -> None:
    r = client.post("/api/runs", json={"dataset": "interval1d", "crosses": ["x1x2"], "max_iter": 5})
    assert r.status_code == 422 and "x1x2 needs input x2" in r.text


def test_a_server_run_with_crosses_trains_and_downloads(client: TestClient, tmp_path: Path) -> None:
    run_id = client.post("/api/runs", json={"dataset": "xor", "crosses": ["x1x2"], "max_iter": 8}).json()["id"]
    deadline = time.monotonic() + 90
    while client.get(f"/api/runs/{run_id}").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)  # polling the server's status: no event to wait on in a TestClient
    assert client.get(f"/api/runs/{run_id}").json()["status"] == "done"
    path = tmp_path / "run.npz"
    path.write_bytes(client.get(f"/api/runs/{run_id}/trajectory.npz").content)
    traj = netwarp.load(path)
    assert traj.activations[0] == "features:x1x2" and traj.layer_sizes[:2] == (2, 3) and traj.n_epochs == 8
    assert traj.config["spec"]["crosses"] == ["x1x2"]


def test_page_scene_and_a_server_run_name_and_refuse_a_run_alike(client: TestClient) -> None:
    """Both endpoints name a run of an upload by the file (not the upload id) and refuse one-class data alike."""
    rng = np.random.default_rng(1)
    rows = "".join(f"{a:.4f},{b:.4f},{'up' if a + b > 0 else 'down'}\n" for a, b in rng.normal(size=(80, 2)))
    up = client.post("/api/uploads", files={"file": ("measured.csv", ("a,b,label\n" + rows).encode(), "text/csv")})
    assert up.status_code == 201, up.text
    cfg = {"dataset": up.json()["name"], "hidden": [3], "max_iter": 5}
    r = client.post("/api/page-scene", json=cfg)
    assert r.status_code == 200, r.text
    _, scene = envelope.decode(r.content)
    run_id = client.post("/api/runs", json=cfg).json()["id"]
    name = client.get(f"/api/runs/{run_id}").json()["name"]
    assert scene["title"] == scene["runs"][0]["spec"]["name"] == name == "measured 3 tanh"
    client.delete(f"/api/runs/{run_id}")
    one_class = {"dataset": "moons", "n": 4, "test_size": 0.5}  # its two training points are of one class
    answers = [client.post(url, json=one_class) for url in ("/api/page-scene", "/api/runs")]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json()["detail"] == answers[1].json()["detail"]
    assert "single class" in answers[0].json()["detail"]
