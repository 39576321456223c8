"""The web app's streams: a run's view pushed as envelope frames while it trains, and the run list.

A page that follows a run gets the run's scene once and then only chunks of new epochs; the
frames, appended in order, are exactly the run's trajectory. The run list stream shows runs
that other clients start.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

import netwarp
from netwarp.apps.serve import create_app
from netwarp.view import envelope

BASE = "http://127.0.0.1:8765"
RUN = {"dataset": "moons", "hidden": [8, 8], "solver": "adam", "max_iter": 400, "early_stop": False}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(workers=2), base_url=BASE) as c:
        yield c


def events(
    c: TestClient, url: str, stop: str = "end", limit: int = 10_000, on: Any = None
) -> list[tuple[str, str, str]]:
    """(event, id, data) of a server-sent event stream, until the event ``stop``; ``on(event)`` hears each."""
    out: list[tuple[str, str, str]] = []
    with c.stream("GET", url) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        kind, ident, data = "", "", ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("id: "):
                ident = line[4:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and kind:
                out.append((kind, ident, data))
                if on is not None:
                    on(out[-1])
                if kind == stop or len(out) >= limit:
                    break
                kind, ident, data = "", "", ""
    return out


def test_a_run_streams_its_scene_then_chunks_that_add_up_to_the_run(client: TestClient, tmp_path: Any) -> None:
    run_id = client.post("/api/runs", json=RUN).json()["id"]
    got = events(client, f"/api/runs/{run_id}/stream")
    frames = [json.loads(d) for k, _, d in got if k == "frame"]
    assert got[-1][0] == "end" and len(frames) >= 2
    assert [int(i) for k, i, _ in got if k == "frame"] == list(range(len(frames)))
    decoded = [envelope.decode(base64.b64decode(f["bytes"])) for f in frames]
    assert decoded[0][0] == "scene" and all(kind == "chunk" for kind, _ in decoded[1:])
    run = decoded[0][1]["runs"][0]
    params = [np.asarray(run["params"]).reshape(run["n_epochs"] + 1, run["n_params"])]
    e = len(params[0])
    for _, chunk in decoded[1:]:
        assert chunk["e0"] == e, "chunks follow each other without gaps or overlaps"
        k = chunk["e1"] - chunk["e0"]
        params.append(np.asarray(chunk["params"]).reshape(k, -1))
        e = chunk["e1"]
    assert [f["epoch"] for f in frames][-1] == e - 1 == RUN["max_iter"]
    assert all(f["first_trained_at"] <= f["trained_at"] for f in frames)
    assert all(a["trained_at"] <= b["first_trained_at"] for a, b in itertools.pairwise(frames))
    path = tmp_path / "run.npz"
    path.write_bytes(client.get(f"/api/runs/{run_id}/trajectory.npz").content)
    np.testing.assert_array_equal(np.concatenate(params), netwarp.load(path).params)
    status = json.loads(next(d for k, _, d in reversed(got) if k == "status"))
    assert status["status"] == "done" and status["epoch"] == RUN["max_iter"]


def test_a_stream_resumes_after_the_last_frame_it_got(client: TestClient) -> None:
    run_id = client.post("/api/runs", json={**RUN, "max_iter": 60}).json()["id"]
    whole = [i for k, i, _ in events(client, f"/api/runs/{run_id}/stream") if k == "frame"]
    rest = [i for k, i, _ in events(client, f"/api/runs/{run_id}/stream?after=0") if k == "frame"]
    assert rest == whole[1:]
    with client.stream("GET", f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": whole[-2]}) as r:
        text = "".join(r.iter_text())
    assert f"id: {whole[-1]}\n" in text and f"id: {whole[-2]}\n" not in text


def test_the_run_list_stream_shows_runs_started_elsewhere(client: TestClient) -> None:
    seen: list[tuple[str, str, str]] = []
    done = threading.Event()
    new: list[str] = []

    def hear(event: tuple[str, str, str]) -> None:
        status = json.loads(event[2]) if event[0] == "status" else {}
        if status.get("status") == "done" and status.get("id") in new:
            done.set()

    listening = threading.Thread(target=lambda: seen.extend(events(client, "/api/events", stop="removed", on=hear)))
    listening.start()
    other = TestClient(client.app, base_url=BASE)  # another tab, or a script calling the API
    run_id = other.post("/api/runs", json={**RUN, "max_iter": 20}).json()["id"]
    new.append(run_id)
    assert done.wait(60), "the run list's stream never said the run was done"
    assert other.delete(f"/api/runs/{run_id}").status_code == 204
    listening.join(timeout=60)
    mine = [json.loads(d) for k, _, d in seen if k == "status" and json.loads(d)["id"] == run_id]
    assert mine and mine[-1]["status"] == "done" and mine[-1]["epoch"] == 20
    assert ("removed", "", json.dumps({"id": run_id})) in seen
