"""The ``netwarp serve`` API against the real app, with real worker processes training.

Every endpoint, bad input (oversized, wrong types, unknown names, malformed JSON), the token
rules for non-local hosts, host/origin guards and path-traversal attempts.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import netwarp
from netwarp.apps.serve import create_app
from netwarp.apps.serve.models import MAX_UPLOAD_BYTES
from netwarp.core.spec import RunSpec
from netwarp.view import envelope

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

BASE = "http://127.0.0.1:8765"
SEED_RUN = {"dataset": "interval1d", "hidden": [2], "activation": "tanh", "solver": "sgd",
            "learning_rate_init": 0.02, "max_iter": 50, "random_state": 1}  # fmt: skip
LONG_RUN = {"dataset": "spirals", "n": 2000, "hidden": [16, 16], "max_iter": 1200, "early_stop": False}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(workers=2), base_url=BASE) as c:
        yield c


def wait(
    c: TestClient, run_id: str, timeout: float = 90, until: tuple[str, ...] = ("done", "failed", "cancelled")
) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = c.get(f"/api/runs/{run_id}").json()
        if s["status"] in until or ("held" in until and s["held"]):
            return s
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} still {s['status']} after {timeout} s")


def submit(c: TestClient, **cfg: Any) -> str:
    r = c.post("/api/runs", json=cfg)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def split_model(body: bytes) -> tuple[dict[str, Any], bytes]:
    """GET /api/view's body: a scene envelope (netwarp.view.envelope)."""
    spec, buffer = envelope.split(body)
    assert spec["kind"] == "scene"
    return spec, bytes(buffer)


# --------------------------------------------------------------------------- endpoints
def test_datasets_lists_every_builtin(client: TestClient) -> None:
    r = client.get("/api/datasets")
    assert r.status_code == 200
    items = {d["name"]: d for d in r.json()}
    assert set(netwarp.data.datasets.DATASETS) <= set(items)
    assert items["blobs"]["n_classes"] == 3 and items["disk_annulus"]["n_features"] == 2
    assert all(d["kind"] == "builtin" for d in items.values())


def test_limits(client: TestClient) -> None:
    body = client.get("/api/limits").json()
    assert body["max_layers"] == 6 and body["workers"] == 2 and body["token_required"] is False


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/datasets", "/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/trajectory.npz",
              "/api/runs/{run_id}/events", "/api/uploads", "/api/view"):  # fmt: skip
        assert p in paths
    assert "delete" in paths["/api/runs/{run_id}"]


def test_run_matches_netwarp_train(client: TestClient, tmp_path: Any) -> None:
    """The brief's example request trains exactly what netwarp.train gives."""
    run_id = submit(client, **SEED_RUN)
    s = wait(client, run_id)
    assert s["status"] == "done" and s["epoch"] == 50 and s["max_iter"] == 50
    assert 0.5 < s["train_score"] <= 1 and s["loss"] > 0 and s["stop_reason"]
    r = client.get(f"/api/runs/{run_id}/trajectory.npz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    path = tmp_path / "run.npz"
    path.write_bytes(r.content)
    got = netwarp.load(path)
    d = netwarp.data.datasets.load("interval1d")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, hidden=(2,), max_iter=50)
    np.testing.assert_array_equal(got.params, ref.params)
    np.testing.assert_allclose(got.loss, ref.loss, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got.train_score, ref.train_score)
    np.testing.assert_array_equal(got.test_score, ref.test_score)
    unnamed = [{**c, "spec": {k: v for k, v in c["spec"].items() if k != "name"}} for c in (got.config, ref.config)]
    assert unnamed[0] == unnamed[1] and got.stop_reason == ref.stop_reason
    assert got.config["spec"]["name"] == s["name"]
    assert got.data is not None and got.data.name == "interval1d"


def test_list_and_get_runs(client: TestClient) -> None:
    run_id = submit(client, **SEED_RUN, name="listed")
    wait(client, run_id)
    runs = client.get("/api/runs").json()
    assert any(r["id"] == run_id and r["name"] == "listed" for r in runs)
    assert client.get(f"/api/runs/{run_id}").json()["config"]["hidden"] == [2]


def test_progress_stream(client: TestClient) -> None:
    run_id = submit(client, dataset="moons", hidden=[8], max_iter=300, early_stop=False)
    epochs, statuses = [], []
    with client.stream("GET", f"/api/runs/{run_id}/events") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "status":
                body = json.loads(line[6:])
                epochs.append(body["epoch"])
                statuses.append(body["status"])
            elif line.startswith("data: ") and event == "end":
                break
    assert statuses[-1] == "done" and epochs[-1] == 300
    assert epochs == sorted(epochs) and len(set(epochs)) >= 2


def test_pause_resume_cancel_keeps_the_epochs(client: TestClient) -> None:
    run_id = submit(client, **LONG_RUN)
    s = wait(client, run_id, until=("running",))
    while s["epoch"] < 3:
        s = client.get(f"/api/runs/{run_id}").json()
        time.sleep(0.05)
    assert client.post(f"/api/runs/{run_id}/pause").json()["paused"] is True
    s = wait(client, run_id, until=("held",))  # the worker stopped and reported every epoch so far
    e1 = s["epoch"]
    time.sleep(0.5)  # nothing may arrive while it is held
    e2 = client.get(f"/api/runs/{run_id}").json()["epoch"]
    assert e1 == e2, "a paused run went on training"
    assert client.post(f"/api/runs/{run_id}/resume").json()["paused"] is False
    deadline = time.monotonic() + 30
    while client.get(f"/api/runs/{run_id}").json()["epoch"] <= e2 and time.monotonic() < deadline:
        time.sleep(0.05)
    r = client.post(f"/api/runs/{run_id}/cancel")
    assert r.status_code == 200
    s = wait(client, run_id)
    assert s["status"] == "cancelled" and e2 < s["epoch"] < LONG_RUN["max_iter"]
    traj = client.get(f"/api/runs/{run_id}/trajectory.npz")
    assert traj.status_code == 200
    spec, _ = split_model(client.get(f"/api/view?runs={run_id}").content)
    assert spec["runs"][0]["n_epochs"] == s["epoch"]


def test_view_so_far_while_training(client: TestClient, tmp_path: Any) -> None:
    run_id = submit(client, **LONG_RUN)
    s = wait(client, run_id, until=("running",))
    while s["epoch"] < 2:
        s = client.get(f"/api/runs/{run_id}").json()
        time.sleep(0.05)
    r = client.get(f"/api/view?runs={run_id}")
    assert r.status_code == 200
    spec, buffer = split_model(r.content)
    assert 1 <= spec["runs"][0]["n_epochs"] < LONG_RUN["max_iter"]
    assert spec["buffer_bytes"] == len(buffer)
    partial = tmp_path / "partial.npz"
    partial.write_bytes(client.get(f"/api/runs/{run_id}/trajectory.npz").content)
    client.post(f"/api/runs/{run_id}/cancel")
    wait(client, run_id)
    final = tmp_path / "final.npz"
    final.write_bytes(client.get(f"/api/runs/{run_id}/trajectory.npz").content)
    p, f = netwarp.load(partial), netwarp.load(final)
    k = p.n_epochs + 1
    assert 2 < k <= f.n_epochs + 1
    np.testing.assert_array_equal(p.params, f.params[:k])  # epoch 0 included, nothing shifted
    np.testing.assert_allclose(p.loss, f.loss[:k], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(p.train_score, f.train_score[:k])
    np.testing.assert_array_equal(p.test_score, f.test_score[:k])
    assert client.delete(f"/api/runs/{run_id}").status_code == 204


def test_compare_two_runs_and_view_errors(client: TestClient) -> None:
    a = submit(client, **SEED_RUN)
    b = submit(client, **{**SEED_RUN, "activation": "relu", "max_iter": 30})
    wait(client, a), wait(client, b)
    spec, _ = split_model(client.get("/api/view", params={"runs": f"{a},{b}", "state": '{"compare": true}'}).content)
    assert [r["n_epochs"] for r in spec["runs"]] == [50, 30] and spec["view"]["compare"] is True
    assert client.get(f"/api/view?runs={a},{b},{a}").status_code == 422
    assert client.get(f"/api/view?runs={a}&state=[1]").status_code == 422
    assert client.get(f"/api/view?runs={a}&state=%7Bbad").status_code == 422
    assert client.get("/api/view", params={"runs": a, "state": '{"wobble": 1}'}).status_code == 400
    assert client.get("/api/view?runs=nope").status_code == 404
    c3 = submit(client, dataset="linked_rings", hidden=[3], max_iter=5)
    wait(client, c3)
    r = client.get(f"/api/view?runs={a},{c3}")
    assert r.status_code == 422 and "dimension" in r.json()["detail"]


def test_downloads(client: TestClient) -> None:
    run_id = submit(client, dataset="disk_annulus", hidden=[3], max_iter=40, name="disk/../x")
    wait(client, run_id)
    png = client.get(f"/api/runs/{run_id}/figure.png?epoch=10")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["content-disposition"] and "/" not in png.headers["content-disposition"]
    assert client.get(f"/api/runs/{run_id}/figure.png?epoch=999").status_code == 400
    csv = client.get(f"/api/runs/{run_id}/data.csv").text.splitlines()
    assert csv[0] == "x0,x1,label,split" and len(csv) == 1 + 1000
    pytest.importorskip("netwarp.apps.export")
    html = client.get(f"/api/runs/{run_id}/view.html")
    assert html.status_code == 200 and html.text.lstrip().lower().startswith("<!doctype html")


def test_failed_run_reports_why(client: TestClient, tmp_path: Any) -> None:
    run_id = submit(client, dataset="gaussians", hidden=[32] * 6, activation="identity", solver="sgd",
                    learning_rate_init=10, max_iter=30, early_stop=False)  # fmt: skip
    s = wait(client, run_id)
    assert s["status"] == "failed" and "diverged at epoch" in s["error"]
    k = int(re.search(r"diverged at epoch (\d+)", s["error"]).group(1))  # type: ignore[union-attr]
    r = client.get(f"/api/runs/{run_id}/trajectory.npz")  # the epochs before it stay viewable
    assert r.status_code == 200
    path = tmp_path / "diverged.npz"
    path.write_bytes(r.content)
    got = netwarp.load(path)
    assert got.n_epochs == k - 1 and np.all(np.isfinite(got.params)) and "diverged" in got.stop_reason


def test_delete(client: TestClient) -> None:
    run_id = submit(client, **SEED_RUN)
    assert client.delete(f"/api/runs/{run_id}").status_code == 204
    assert client.get(f"/api/runs/{run_id}").status_code == 404
    assert client.delete(f"/api/runs/{run_id}").status_code == 404
    assert client.get("/api/runs/nope/trajectory.npz").status_code == 404


def test_twelve_concurrent_runs_all_finish(client: TestClient) -> None:
    ids = [submit(client, dataset="xor", hidden=[4], max_iter=60, random_state=i) for i in range(12)]
    snapshot = [r for r in client.get("/api/runs").json() if r["id"] in ids]
    assert any(q["queue_position"] is not None for q in snapshot)
    assert sum(q["status"] == "running" for q in snapshot) <= 2
    assert all(wait(client, i)["status"] == "done" for i in ids)


def test_a_dead_worker_fails_its_run_and_is_replaced(client: TestClient) -> None:
    manager = client.app.state.manager  # type: ignore[attr-defined]
    run_id = submit(client, **LONG_RUN)
    wait(client, run_id, until=("running",))
    with manager.lock:
        run = manager.get(run_id)
        pid = next(w.process.pid for w in manager._workers if w.seq == run.seq)
    os.kill(pid, signal.SIGKILL)
    s = wait(client, run_id)
    assert s["status"] == "failed" and "worker died" in s["error"]
    assert wait(client, submit(client, **SEED_RUN))["status"] == "done"


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"hidden": "3"}, "hidden"),
        ({"hidden": [2.5]}, "hidden"),
        ({"hidden": []}, "hidden"),
        ({"hidden": [2] * 7}, "hidden"),
        ({"hidden": [33]}, "less than or equal to 32"),
        ({"max_iter": "50"}, "max_iter"),
        ({"max_iter": 5001}, "max_iter"),
        ({"max_iter": 0}, "max_iter"),
        ({"early_stop": "yes"}, "early_stop"),
        ({"activation": "swish"}, "activation"),
        ({"solver": "lbfgs"}, "solver"),
        ({"learning_rate_init": 0}, "learning_rate_init"),
        ({"learning_rate_init": 1e300}, "learning_rate_init"),
        ({"n": 10**9}, "n"),
        ({"noise": -1}, "noise"),
        ({"batch_size": "big"}, "batch_size"),
        ({"color": "red"}, "color"),
        ({"dataset": "nope"}, "unknown dataset"),
        ({"dataset": "upload-00000000"}, "no upload"),
        ({"dataset": ""}, "dataset"),
        ({"hidden": [32] * 6, "max_iter": 5000}, "at most"),
    ],
)
def test_bad_run_requests_are_422_with_a_reason(client: TestClient, body: dict[str, Any], words: str) -> None:
    r = client.post("/api/runs", json=body)
    assert r.status_code == 422, r.text
    assert words in r.json()["detail"]


@pytest.mark.parametrize(
    "raw", [b"{bad", b"", b"[]", b"null", b'{"max_iter": NaN}', b'{"alpha": Infinity}', b"\xff\xfe"]
)
def test_malformed_json_is_422(client: TestClient, raw: bytes) -> None:
    r = client.post("/api/runs", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_oversized_bodies_are_413(client: TestClient) -> None:
    r = client.post("/api/runs", content=b'{"name": "' + b"x" * 100_000 + b'"}',
                    headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 413 and "limit" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(100):
            yield b" " * 1000

    r = client.post("/api/runs", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    big = b"x,y,label\n" + b"0.1,0.2,1\n" * (MAX_UPLOAD_BYTES // 10 + 10_000)
    r = client.post("/api/uploads", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413


def test_bad_query_and_path_parameters(client: TestClient) -> None:
    assert client.get("/api/runs/" + "x" * 65).status_code == 422
    assert client.get("/api/runs/x/figure.png?epoch=abc").status_code == 422
    assert client.get("/api/view").status_code == 422
    assert client.post("/api/runs/nope/pause").status_code == 404


# ------------------------------------------------------------------------------ uploads
def test_upload_csv_and_train_on_it(client: TestClient) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    labels = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    text = "a,b,label\n" + "".join(f"{x:.5f},{y:.5f},{lab}\n" for (x, y), lab in zip(X, labels, strict=True))
    r = client.post("/api/uploads", files={"file": ("points.csv", text.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    up = r.json()
    assert up["n"] == 120 and up["n_features"] == 2 and up["classes"] == ["no", "yes"] and up["columns"] == ["a", "b"]
    assert any(d["name"] == up["name"] for d in client.get("/api/datasets").json())
    s = wait(client, submit(client, dataset=up["name"], hidden=[3], max_iter=100))
    assert s["status"] == "done" and s["train_score"] > 0.8


WIDE = ("".join(f"{'1,' * 11}{i % 2}\n" for i in range(6))).encode()
MANY = ("x,y\n" + "".join(f"{i},{i}\n" for i in range(30))).encode()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bad.csv", b"", "empty"),
        ("bad.csv", b"\xff\xfe\x00garbage", "binary"),
        ("bad.csv", b"a,b,label\n1,2,0\n3,x,1\n1,2,0\n3,4,1\n", "'x' is not a number"),
        ("bad.csv", b"a,b,label\n1,2,0\n3,4,0\n1,2,0\n3,4,0\n", "single class"),
        ("bad.csv", b"a,b,label\n1,2,0\n3,4\n1,2,0\n3,4,1\n", "2 fields"),
        ("bad.csv", b"label\n1\n0\n1\n0\n", "one column"),
        ("bad.csv", b"a,label\n1,0\n2,1\n", "rows"),
        ("bad.csv", WIDE, "11 feature columns; at most 10"),
        ("bad.csv", MANY, "30 classes; at most 10"),
        ("bad.exe", b"a,b\n1,2\n", "unsupported file type"),
        ("../../etc/passwd", b"a,b\n1,2\n", "unsupported file type"),
    ],
)
def test_bad_uploads_are_400_with_a_reason(client: TestClient, name: str, content: bytes, words: str) -> None:
    r = client.post("/api/uploads", files={"file": (name, content, "text/csv")})
    assert r.status_code == 400, r.text
    assert words in r.json()["detail"] and "/" not in r.json()["detail"].split(":")[0]


def test_upload_label_column_and_scaling(client: TestClient) -> None:
    text = b"kind,a,b\nx,10,200\ny,20,100\nx,30,300\ny,40,400\nx,50,500\ny,60,600\n"
    up = client.post("/api/uploads", files={"file": ("t.csv", text)}, data={"label": "kind", "scale": "false"}).json()
    assert up["columns"] == ["a", "b"] and up["classes"] == ["x", "y"]
    r = client.post("/api/uploads", files={"file": ("t.csv", text)}, data={"label": "nope"})
    assert r.status_code == 400 and "nope" in r.json()["detail"]
    r = client.post("/api/uploads", files={"file": ("t.csv", text)}, data={"scale": "maybe"})
    assert r.status_code == 422


def test_upload_without_a_file_is_422(client: TestClient) -> None:
    assert client.post("/api/uploads", data={"x": "1"}).status_code == 422


# -------------------------------------------------------------------------------- guards
def test_token_required_on_every_api_call() -> None:
    with TestClient(create_app(token="s3cret-token", workers=1), base_url="http://192.168.1.5:8765") as c:
        assert c.get("/api/datasets").status_code == 401
        assert c.get("/api/datasets", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/datasets?token=wrong").status_code == 401
        assert c.post("/api/runs", json=SEED_RUN).status_code == 401
        assert c.get("/api/runs/x/events").status_code == 401
        assert c.get("/api/datasets", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/api/datasets", headers={"X-Netwarp-Token": "s3cret-token"}).status_code == 200
        assert c.get("/api/datasets?token=s3cret-token").status_code == 200
        assert c.get("/api/limits?token=s3cret-token").json()["token_required"] is True
        assert c.get("/").status_code == 200 and c.get("/app/app.js").status_code == 200


def test_without_token_only_local_host_names_are_served(client: TestClient) -> None:
    for host in ("localhost:8765", "127.0.0.1", "[::1]:8765"):
        assert client.get("/api/limits", headers={"Host": host}).status_code == 200
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""):
        r = client.get("/api/limits", headers={"Host": host})
        assert r.status_code == 400 and "not allowed" in r.json()["detail"]


def test_cross_origin_writes_are_refused(client: TestClient) -> None:
    for origin in ("http://evil.example", "null", "http://127.0.0.1:9999"):
        r = client.post("/api/runs", json=SEED_RUN, headers={"Origin": origin})
        assert r.status_code == 403
    ok = client.post("/api/runs", json=SEED_RUN, headers={"Origin": BASE})
    assert ok.status_code == 201
    assert client.get("/api/limits", headers={"Origin": "http://evil.example"}).status_code == 200


def test_queue_bound_gives_429() -> None:
    with TestClient(create_app(workers=1, max_queued=2), base_url=BASE) as c:
        for _ in range(2):
            assert c.post("/api/runs", json=LONG_RUN).status_code == 201
        r = c.post("/api/runs", json=LONG_RUN)
        assert r.status_code == 429 and "at most 2" in r.json()["detail"]


def test_memory_budget_forgets_finished_runs_first() -> None:
    budget = 500_000  # one LONG_RUN keeps 337 parameters x 1201 epochs = 404 737 floats
    with TestClient(create_app(workers=1, max_floats=budget), base_url=BASE) as c:
        first = submit(c, **LONG_RUN)
        r = c.post("/api/runs", json=LONG_RUN)
        assert r.status_code == 429 and "memory" in r.json()["detail"]
        c.post(f"/api/runs/{first}/cancel")
        assert wait(c, first)["status"] == "cancelled"
        second = submit(c, **LONG_RUN)  # the finished run makes room
        assert c.get(f"/api/runs/{first}").status_code == 404
        c.delete(f"/api/runs/{second}")


@pytest.mark.parametrize(
    "path",
    [
        "/app/../api.py",
        "/app/..%2Fapi.py",
        "/app/%2e%2e%2fapi.py",
        "/app/..%2F..%2Fserve%2Fapi.py",
        "/app/api.py",
        "/app/.hidden.js",
        "/app/%2Fetc%2Fpasswd",
        "/app/..%5Capi.py",
        "/app/app.js%00.css",
        "/static/../serve/api.py",
        "/static/nn.js",
        "/app//etc/passwd",
        "/app/....//api.py",
        "/app/APP.JS",
    ],
)
def test_path_traversal_is_refused(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (404, 405, 422)
    assert b"import" not in r.content and b"root:" not in r.content


def test_page_and_own_files(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert 'src="/app/app.js"' in r.text
    assert r.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in r.headers["content-security-policy"]
    for name, kind in (("app.js", "javascript"), ("config.js", "javascript"), ("runs.js", "javascript"),
                       ("app.css", "css"), ("app.html", "html")):  # fmt: skip
        f = client.get(f"/app/{name}")
        assert f.status_code == 200 and kind in f.headers["content-type"]
    docs = client.get("/docs")  # FastAPI's page loads Swagger UI from its CDN: no CSP there
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers


def test_renderer_bundle_is_served(client: TestClient) -> None:
    pytest.importorskip("netwarp.apps.bundle")
    r = client.get("/static/netwarp.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "createLocalModel" in r.text


# ---------------------------------------------------------------------------------- CLI
def test_cli_refuses_a_busy_port(capsys: pytest.CaptureFixture[str]) -> None:
    from netwarp.apps.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port), "--no-open"]) == 2
    assert "in use" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--port", "70000"], "0..65535"), (["--token", "short"], "--token"), (["--workers", "0"], "--workers")],
)
def test_cli_bad_flags(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    from netwarp.apps.cli import main

    assert main(["serve", "--no-open", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netwarp: error:") and words in err


def test_cli_beyond_localhost_generates_and_requires_a_token() -> None:
    """--host other than 127.0.0.1/localhost: a token is generated, printed and required (127.0.0.2 is loopback)."""
    import re
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    proc = subprocess.Popen(
        [sys.executable, "-m", "netwarp.apps.cli", "serve", "--host", "127.0.0.2", "--port", "0", "--no-open",
         "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        m = re.search(r"(http://127\.0\.0\.2:\d+/)\?token=([\w-]+)", lines[0])
        assert m, lines
        url, token = m.groups()
        assert len(token) >= 24 and token in lines[1]
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "api/limits", timeout=2)
                raise AssertionError("the API answered without a token")
            except urllib.error.HTTPError as exc:
                assert exc.code == 401
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        req = urllib.request.Request(url + "api/limits", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert json.load(r)["token_required"] is True
        with urllib.request.urlopen(url, timeout=5) as r:  # the page itself is public; it reads ?token=
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_missing_extra_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import netwarp.apps.serve as serve

    monkeypatch.setattr(serve, "_NEEDS", ("fastapi", "netwarp_no_such_module"))
    with pytest.raises(netwarp.NetwarpError, match=r"pip install 'netwarp\[serve\]'"):
        serve.require()


def test_upload_store_forgets_the_oldest() -> None:
    from netwarp.apps.serve.uploads import UploadStore

    store = UploadStore(capacity=2)
    text = b"a,label\n1,0\n2,1\n3,0\n4,1\n"
    ids = [store.add(text, f"f{i}.csv").id for i in range(3)]
    assert store.get(ids[0]) is None and store.get(ids[2]) is not None


def test_a_dataset_alone_trains_with_its_recommended_settings(client: TestClient) -> None:
    """POST {"dataset": ...} and nothing else: the dataset's recommended run (it learns)."""
    s = wait(client, submit(client, dataset="spirals_tight"))
    want = RunSpec.recommended("spirals_tight")
    assert s["status"] == "done" and s["test_score"] >= 0.97, s
    assert s["config"]["hidden"] == list(want.hidden) and s["config"]["batch_size"] == want.batch_size
    spec = client.get("/api/spec").json()
    assert spec["recommended"]["spirals_tight"]["learning_rate_init"] == want.learning_rate_init


def test_the_page_opened_with_the_token_gets_a_session_cookie_and_renders_no_token() -> None:
    """Token mode: the printed link sets an HttpOnly, SameSite=Strict cookie (not the token) that
    authorises the API, so the page needs the token in no URL it renders."""
    with TestClient(create_app(token="s3cret-token", workers=1), base_url="http://192.168.1.5:8765") as c:
        r = c.get("/?token=s3cret-token")
        assert r.status_code == 200
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "s3cret-token" not in cookie
        assert c.get("/api/datasets").status_code == 200  # the client keeps the cookie
        c.cookies.clear()
        assert c.get("/api/datasets").status_code == 401
        assert "set-cookie" not in c.get("/?token=wrong").headers
        c.cookies.set("netwarp_session", "forged")
        assert c.get("/api/datasets").status_code == 401
    page = Path(netwarp.__file__).parent / "apps" / "serve" / "static"
    for name in ("app.js", "runs.js"):
        assert "token=" not in (page / name).read_text(), name
