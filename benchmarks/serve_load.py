"""Load on ``netwarp serve``: 12 concurrent trainings, status requests and 50 pages watching runs.

Starts a real server (``netwarp serve --port 0``, uvicorn, its worker processes) on
127.0.0.1, then for ``--seconds`` (default 30):

- 12 clients each keep one training in flight: POST /api/runs, follow it with
  GET /api/runs/{id} every 100 ms until it finishes, then start the next;
- 4 more clients send status requests back to back (GET /api/runs/{id} of a random run and
  GET /api/runs, alternately);
- 50 watchers (``--watchers``) each follow a training run's view stream
  (GET /api/runs/{id}/stream, what a page does) to its end, then another: every frame the
  worker sent while a watcher was connected counts, its delay being the time it arrived
  minus the time the worker sent it (the backlog a watcher gets on joining does not count).

It prints the latency percentiles of every status request and of every streamed frame, the
errors (any non-2xx answer or failed request, and any run that failed) and the ratios to
the goals: 0 errors, a p95 status latency under 100 ms and a p95 frame delay under 250 ms.
Exit status 1 when a goal is missed. ``--workers`` defaults to 12, so all 12 runs train at
once (each worker at a lower priority than the server).

    .venv/bin/python benchmarks/serve_load.py [--seconds 30] [--workers 12] [--watchers 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

GOAL_P95_MS = 100.0
GOAL_FRAME_P95_MS = 250.0
CLIENTS = 12
POLLERS = 4
TRAINING = {"dataset": "moons", "hidden": [8, 8], "max_iter": 600, "early_stop": False}


def start_server(workers: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "netwarp.apps.cli", "serve", "--port", "0", "--no-open", "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"netwarp serve did not start: {line!r}")
    url = match.group(1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/limits", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("netwarp serve did not answer within 30 s")


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


class Load:
    def __init__(self, client: httpx.AsyncClient, seconds: float) -> None:
        self.client = client
        self.end = time.monotonic() + seconds
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.finished: dict[str, int] = {}
        self.frame_delays: list[float] = []
        self.watched = 0

    async def status(self, path: str) -> Any:
        t0 = time.perf_counter()
        try:
            r = await self.client.get(path)
        except httpx.HTTPError as exc:
            self.errors.append(f"GET {path}: {type(exc).__name__}")
            return None
        self.latencies.append(time.perf_counter() - t0)
        if r.status_code != 200:
            self.errors.append(f"GET {path}: {r.status_code} {r.text[:120]}")
            return None
        return r.json()

    async def trainer(self, k: int) -> None:
        n = 0
        while time.monotonic() < self.end:
            cfg = {**TRAINING, "random_state": 100 * k + n}
            r = await self.client.post("/api/runs", json=cfg)
            if r.status_code != 201:
                self.errors.append(f"POST /api/runs: {r.status_code} {r.text[:120]}")
                await asyncio.sleep(0.5)
                continue
            run_id = r.json()["id"]
            self.ids.append(run_id)
            n += 1
            while time.monotonic() < self.end:
                s = await self.status(f"/api/runs/{run_id}")
                if s is not None and s["status"] in ("done", "failed", "cancelled"):
                    self.finished[s["status"]] = self.finished.get(s["status"], 0) + 1
                    if s["status"] == "failed":
                        self.errors.append(f"run {run_id} failed: {s['error']}")
                    break
                await asyncio.sleep(0.1)

    async def watcher(self, k: int) -> None:
        """Follow training runs' view streams, as the web page does, and time every frame."""
        await asyncio.sleep(0.02 * k)
        while time.monotonic() < self.end:
            if not self.ids:
                await asyncio.sleep(0.1)
                continue
            run_id = self.ids[-1 - k % min(len(self.ids), CLIENTS)]
            try:
                async with self.client.stream("GET", f"/api/runs/{run_id}/stream") as r:
                    if r.status_code != 200:
                        self.errors.append(f"GET /api/runs/{run_id}/stream: {r.status_code}")
                        await asyncio.sleep(0.5)
                        continue
                    self.watched += 1
                    joined = time.time()
                    kind = ""
                    async for line in r.aiter_lines():
                        if line.startswith("event: "):
                            kind = line[7:]
                        elif line.startswith("data: ") and kind == "frame":
                            frame = json.loads(line[6:])
                            if frame["trained_at"] >= joined:  # sent while watching: not the backlog
                                self.frame_delays.append(time.time() - frame["trained_at"])
                        elif (line.startswith("data: ") and kind == "end") or time.monotonic() > self.end:
                            break
            except httpx.HTTPError as exc:
                self.errors.append(f"stream {run_id}: {type(exc).__name__}")

    async def poller(self) -> None:
        i = 0
        while time.monotonic() < self.end:
            if i % 2 == 0 and self.ids:
                await self.status(f"/api/runs/{random.choice(self.ids[-24:])}")  # kept: the server keeps 64
            else:
                await self.status("/api/runs")
            i += 1
            await asyncio.sleep(0.005)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def warm_up(client: httpx.AsyncClient, workers: int) -> None:
    """One tiny run per worker, to the end: every worker process has started and imported."""
    ids = [(await client.post("/api/runs", json={**TRAINING, "max_iter": 1, "random_state": i})).json()["id"]
           for i in range(workers)]  # fmt: skip
    for run_id in ids:
        while (await client.get(f"/api/runs/{run_id}")).json()["status"] not in ("done", "failed", "cancelled"):
            await asyncio.sleep(0.2)
        await client.delete(f"/api/runs/{run_id}")


async def run(url: str, seconds: float, watchers: int, workers: int) -> Load:
    limits = httpx.Limits(max_connections=CLIENTS + POLLERS + watchers + 4)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        await warm_up(client, workers)
        load = Load(client, seconds)
        await asyncio.gather(*(load.trainer(k) for k in range(CLIENTS)), *(load.poller() for _ in range(POLLERS)),
                             *(load.watcher(k) for k in range(watchers)))  # fmt: skip
        for run_id in load.ids:  # leave nothing training
            await client.delete(f"/api/runs/{run_id}")
        return load


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=CLIENTS)
    ap.add_argument("--watchers", type=int, default=50)
    args = ap.parse_args()
    proc, url = start_server(args.workers)
    try:
        t0 = time.perf_counter()
        load = asyncio.run(run(url, args.seconds, args.watchers, args.workers))
        elapsed = time.perf_counter() - t0
    finally:
        stop_server(proc)
    ms = [v * 1000 for v in load.latencies]
    p50, p95, p99 = (pct(ms, q) for q in (50, 95, 99))
    done = sum(load.finished.values())
    print(f"netwarp serve under load: {CLIENTS} concurrent trainings + {POLLERS} status pollers, "
          f"{args.seconds:g} s, {args.workers} training workers, 127.0.0.1")  # fmt: skip
    print(f"  trainings: {len(load.ids)} started, {done} finished ({load.finished}) in {elapsed:.1f} s")
    print(f"  status requests: {len(ms)} ({len(ms) / elapsed:.0f}/s)")
    print(f"  latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {max(ms):.1f}  "
          f"mean {statistics.fmean(ms):.1f}")  # fmt: skip
    fd = [v * 1000 for v in load.frame_delays] or [float("nan")]
    f50, f95, f99 = (pct(fd, q) for q in (50, 95, 99))
    print(f"  view streams: {args.watchers} watchers followed {load.watched} runs, {len(load.frame_delays)} frames")
    print(f"  frame delay ms (arrival - trained): p50 {f50:.1f}  p95 {f95:.1f}  p99 {f99:.1f}  max {max(fd):.1f}")
    print(f"  errors: {len(load.errors)}" + "".join(f"\n    {e}" for e in load.errors[:10]))
    print(f"  goal p95 < {GOAL_P95_MS:g} ms: p95 / goal = {p95 / GOAL_P95_MS:.2f}  "
          f"({'met' if p95 < GOAL_P95_MS else 'MISSED'})")  # fmt: skip
    frames_ok = f95 < GOAL_FRAME_P95_MS
    print(f"  goal frame p95 < {GOAL_FRAME_P95_MS:g} ms: p95 / goal = {f95 / GOAL_FRAME_P95_MS:.2f}  "
          f"({'met' if frames_ok else 'MISSED'})")  # fmt: skip
    print(f"  goal 0 errors: {len(load.errors)} ({'met' if not load.errors else 'MISSED'})")
    return 0 if p95 < GOAL_P95_MS and frames_ok and not load.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
