"""Faults of ``netwarp serve``'s processes: a real server (the CLI, uvicorn, worker processes).

- Workers killed at random moments of their runs (SIGKILL, and SIGSTOP then SIGKILL: a
  worker frozen, maybe mid-message, then killed) fail only their own run, "worker died
  (signal 9)", with the epochs so far kept, and the next runs train.
- SIGINT or SIGTERM stop the server within 5 s with every child process gone and no traceback.
- A server killed outright (SIGKILL) takes its workers with it.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

LONG = {"dataset": "spirals", "n": 2000, "hidden": [16, 16], "max_iter": 3000, "early_stop": False, "batch_size": 16}
SHORT = {"dataset": "xor", "max_iter": 30}


def start() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "netwarp.apps.cli", "serve", "--port", "0", "--no-open", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    url = re.search(r"(http://127\.0\.0\.1:\d+/)", proc.stdout.readline())
    assert url, "netwarp serve did not print its address"
    for _ in range(300):
        try:
            call(url.group(1), "api/limits")
            return proc, url.group(1)
        except OSError:
            time.sleep(0.1)
    raise AssertionError("netwarp serve did not answer")


def call(url: str, path: str, body: dict[str, Any] | None = None, method: str | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
    return json.loads(text) if text else None


def children(pid: int) -> list[int]:
    """Every process below ``pid``."""
    out: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out += [int(entry.name), *children(int(entry.name))]
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def cpu(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def training_worker(server: int) -> int:
    """The child of ``server`` that spends the most CPU: the worker training the run."""
    kids = [p for p in children(server) if alive(p)]
    before = {p: cpu(p) for p in kids}
    time.sleep(0.3)
    return max(kids, key=lambda p: cpu(p) - before[p])


def wait_for(cond: Any, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(what)


def status(url: str, run_id: str) -> dict[str, Any]:
    s: dict[str, Any] = call(url, f"api/runs/{run_id}")
    return s


@pytest.fixture()
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc, url = start()
    yield proc, url
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def test_workers_killed_at_random_moments_fail_only_their_run(server: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = server
    rng = random.Random(0)
    for k in range(6):
        run_id = call(url, "api/runs", LONG)["id"]
        wait_for(lambda r=run_id: status(url, r)["epoch"] > 0, 60, "the run never trained")  # type: ignore[misc]
        time.sleep(rng.uniform(0.0, 0.4))  # a random moment of the run: mid-epoch, mid-chunk, mid-message
        victim = training_worker(proc.pid)
        if k % 2:
            os.kill(victim, signal.SIGSTOP)  # frozen, perhaps while writing a chunk to its pipe
            time.sleep(0.2)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda r=run_id: status(url, r)["status"] != "running", 30, "the killed run kept running")  # type: ignore[misc]
        s = status(url, run_id)
        if s["status"] == "failed":
            assert "worker died (signal 9)" in s["error"], s
            if s["epoch"] > 0:  # the epochs so far stay downloadable
                with urllib.request.urlopen(url + f"api/runs/{run_id}/trajectory.npz", timeout=30) as r:
                    assert r.status == 200 and r.read(2) == b"PK"
        call(url, f"api/runs/{run_id}", method="DELETE")
    for run_id in [call(url, "api/runs", {**SHORT, "random_state": i})["id"] for i in range(4)]:
        wait_for(lambda r=run_id: status(url, r)["status"] == "done", 60, "a run after the kills did not train")  # type: ignore[misc]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_server_and_every_child_within_5_s(
    server: tuple[subprocess.Popen[str], str], sig: signal.Signals
) -> None:
    proc, url = server
    ids = [call(url, "api/runs", {**LONG, "random_state": i})["id"] for i in range(4)]  # two train, two queued
    wait_for(lambda: sum(status(url, i)["status"] == "running" for i in ids) == 2, 60, "runs did not start")
    kids = children(proc.pid)
    assert len([p for p in kids if alive(p)]) >= 2
    t0 = time.monotonic()
    proc.send_signal(sig)
    proc.wait(timeout=5)
    wait_for(lambda: not any(alive(p) for p in kids), 5 - (time.monotonic() - t0) + 0.5, "children outlived the server")
    assert time.monotonic() - t0 <= 5.5
    assert proc.stderr is not None
    assert "Traceback" not in proc.stderr.read()


def test_a_killed_server_takes_its_workers_with_it(server: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = server
    call(url, "api/runs", LONG)
    kids = [p for p in children(proc.pid) if alive(p)]
    assert kids
    proc.kill()
    proc.wait(timeout=5)
    wait_for(lambda: not any(alive(p) for p in kids), 5, "workers outlived a killed server")


def test_a_stalled_request_body_is_refused_and_others_keep_their_latency() -> None:
    """A client that sends part of a body and stalls gets a 408; meanwhile other requests are served."""
    import socket
    import threading

    import uvicorn

    from netwarp.apps.serve import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(workers=1, body_timeout=5.0), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/"
    wait_for(lambda: server.started, 30, "the server did not start")
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(b"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 200\r\n\r\n{\"dataset\": ")  # fmt: skip
    assert call(url, "api/limits")["workers"] == 1  # another client is served while the slow body stalls
    slow.setblocking(False)
    with pytest.raises(BlockingIOError):
        slow.recv(4096)  # ... before the stalled request has been answered
    slow.settimeout(30)
    answer = b""
    while b"stalled" not in answer and (part := slow.recv(4096)):
        answer += part
    answer = answer.decode("latin-1")
    assert answer.startswith("HTTP/1.1 408") and "stalled" in answer, answer
    slow.close()
    server.should_exit = True
    thread.join(timeout=10)


def test_request_headers_that_never_finish_are_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slowloris: a client trickling its request line and headers loses the connection at the deadline,
    and a connection that sends nothing is closed too; other clients are served meanwhile."""
    import socket
    import threading

    import uvicorn

    from netwarp.apps.serve import create_app
    from netwarp.apps.serve.protocol import HeaderDeadlineProtocol

    monkeypatch.setattr(HeaderDeadlineProtocol, "header_timeout", 1.0)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(workers=1), log_level="warning", http=HeaderDeadlineProtocol)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 30, "the server did not start")
    slow = socket.create_connection(("127.0.0.1", port), timeout=30)
    silent = socket.create_connection(("127.0.0.1", port), timeout=30)
    slow.sendall(b"GET /api/limits HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    assert call(f"http://127.0.0.1:{port}/", "api/limits")["workers"] == 1
    assert slow.recv(4096) == b"" and silent.recv(4096) == b""  # closed by the server, no answer
    slow.close()
    silent.close()
    server.should_exit = True
    thread.join(timeout=10)
