"""The run manager: a bounded pool of training processes with a queue in front of it.

Training is Python-heavy, so it never runs in the server's process: ``workers`` processes
(spawned on first use) each train one run at a time. Runs wait in a FIFO queue held here;
a dispatcher thread hands them to idle workers and collects their events. Each worker has
pipes of its own, so a worker killed at any moment (even mid-message) fails only its own
run ("worker died (signal 9)", its epochs so far kept) and is replaced, and no writer can
block another. Everything the API reads is kept in :class:`Run` objects guarded by one
lock, so status requests cost a dictionary look-up; every change bumps the run's
``version`` and the manager's ``revision``, which the streams watch.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from netwarp.apps.serve.naming import distinct_name
from netwarp.apps.serve.worker import CANCEL, PAUSE, RUN, Job, worker_main
from netwarp.core.params import n_params
from netwarp.core.spec import RunSpec
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

TERMINAL = ("done", "failed", "cancelled")


class QueueFullError(NetwarpError):
    """Too many runs waiting or kept; the API answers 429."""


@dataclass
class Run:
    """A run as the server knows it: its request, its state and its parameters so far."""

    id: str
    seq: int
    config: dict[str, Any]
    name: str
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    classes: Any
    data: Any
    status: str = "queued"
    paused: bool = False
    held: bool = False  # the worker has stopped between epochs for the pause
    epoch: int = 0
    loss: float | None = None
    train_score: float | None = None
    test_score: float | None = None
    error: str | None = None
    stop_reason: str = ""
    created: float = field(default_factory=time.time)
    chunks: list[dict[str, Any]] = field(default_factory=list)
    #: The view as envelope frames ``(last epoch, (when its first and last epochs were trained), bytes)``:
    #: the scene (epoch 0), then one chunk of epochs per report.
    frames: list[tuple[int, tuple[float, float], bytes]] = field(default_factory=list)
    trajectory: Trajectory | None = None
    version: int = 0  # bumped on every change of status, epoch or chunks
    #: Called (from any thread) after every change: the streams that follow this run.
    wakers: set[Any] = field(default_factory=set)
    cancel_requested: bool = False
    worker: int | None = None
    floats: int = 0  # its parameter history at most: n_params * (max_iter + 1)

    def snapshot(self) -> Trajectory | None:
        """The run's trajectory: final when finished, else the epochs trained so far (None if none)."""
        if self.trajectory is not None:
            return self.trajectory
        if not self.chunks:
            return None
        parts = {k: np.concatenate([c[k] for c in self.chunks]) for k in self.chunks[0]}
        n = len(parts["rows"]) - 1
        why = self.error if self.status == "failed" else f"not yet, still training ({n} of {self.config['max_iter']})"
        return Trajectory(
            layer_sizes=self.layer_sizes, activations=self.activations, params=parts["rows"],
            loss=parts["loss"], train_score=parts["train_score"], test_score=parts["test_score"],
            classes=self.classes, name=self.name, config={**self.config, "estimator": "MLPClassifier"},
            data=self.data, stop_reason=why or "",
        )  # fmt: skip


@dataclass
class _Worker:
    index: int
    process: Any
    jobs: Any  # the server's end of the job pipe
    events: Any  # the server's end of the event pipe
    control: Any
    seq: int | None = None


class RunManager:
    """Queue, workers and the table of runs of one server."""

    def __init__(
        self, workers: int = 2, max_queued: int = 32, max_runs: int = 64, max_floats: int = 40_000_000
    ) -> None:
        self.n_workers = max(1, int(workers))
        self.max_queued = max_queued
        self.max_runs = max_runs
        #: Parameter histories of all kept runs together, in floats (8 bytes each; 320 MB by default).
        self.max_floats = max_floats
        self.lock = threading.RLock()
        self.runs: dict[str, Run] = {}
        self._by_seq: dict[int, Run] = {}
        self._pending: deque[tuple[Run, Job]] = deque()
        self._seq = itertools.count(1)
        self._ctx = mp.get_context("spawn")
        self._workers: list[_Worker] = []
        self.revision = 0  # bumped on every change of any run
        self.wakers: set[Any] = set()  # called (from any thread) after any change: the run list's streams
        self._thread: threading.Thread | None = None
        self._closed = False

    # ------------------------------------------------------------------ public
    def submit(self, spec: RunSpec, data: Any) -> Run:
        """Queue a run of ``spec`` on ``data`` (a Dataset); raises QueueFullError when full."""
        with self.lock:
            if self._closed:
                raise NetwarpError("the server is shutting down")
            waiting = sum(r.status in ("queued", "running") for r in self.runs.values())
            if waiting >= self.max_queued:
                raise QueueFullError(
                    f"{waiting} runs are queued or training (at most {self.max_queued}); wait or cancel some"
                )
            classes = np.unique(data.y_train)
            n_out = 1 if len(classes) <= 2 else len(classes)
            hidden = spec.hidden
            floats = n_params([data.n_features, *hidden, n_out]) * (spec.max_iter + 1)
            self._evict(floats)
            seq = next(self._seq)
            name = distinct_name(spec, ((r.name, r.config) for r in self.runs.values()))
            run = Run(
                id=secrets.token_hex(6), seq=seq, config=spec.to_json(), name=name,
                layer_sizes=(data.n_features, *hidden, n_out),
                activations=(spec.activation,) * len(hidden) + ("softmax" if n_out > 1 else "logistic",),
                classes=classes, data=data, floats=floats,
            )  # fmt: skip
            job = Job(seq, name, data.name, data.X_train, data.y_train, data.X_test, data.y_test, spec.to_json())
            self.runs[run.id] = run
            self._by_seq[seq] = run
            self._pending.append((run, job))
            self._changed(run)
            self._start()
            self._dispatch()
            return run

    def get(self, run_id: str) -> Run:
        with self.lock:
            run = self.runs.get(run_id)
        if run is None:
            raise KeyError(run_id)
        return run

    def list(self) -> list[Run]:
        with self.lock:
            return list(self.runs.values())

    def queue_positions(self) -> dict[str, int]:
        """Run id -> runs ahead of it in the queue, for every queued run."""
        with self.lock:
            return {r.id: i for i, (r, _) in enumerate(self._pending)}

    def pause(self, run_id: str, paused: bool) -> Run:
        with self.lock:
            run = self.get(run_id)
            if run.status in TERMINAL:
                return run
            run.paused = paused
            run.held = run.held and paused
            self._changed(run)
            w = self._worker_of(run)
            if w is not None and not run.cancel_requested:
                w.control[0], w.control[1] = run.seq, PAUSE if paused else RUN
            if not paused:
                self._dispatch()
            return run

    def cancel(self, run_id: str) -> Run:
        with self.lock:
            run = self.get(run_id)
            self._cancel(run)
            return run

    def delete(self, run_id: str) -> None:
        with self.lock:
            run = self.get(run_id)
            self._cancel(run)
            del self.runs[run_id]
            self._changed(run)
            if run.status not in ("queued", "running"):
                self._by_seq.pop(run.seq, None)

    def close(self, timeout: float = 3.0) -> None:
        """Stop the dispatcher and the workers (cancelling what runs); every child is gone when it returns."""
        with self.lock:
            self._closed = True
            workers, self._workers = self._workers, []
        for w in workers:
            w.control[1] = CANCEL
            with contextlib.suppress(OSError, ValueError):
                w.jobs.close()  # the worker sees its pipe close and exits
        deadline = time.monotonic() + timeout
        for w in workers:
            w.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=2)
            with contextlib.suppress(OSError):
                w.events.close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    # ---------------------------------------------------------------- internal
    def _cancel(self, run: Run) -> None:
        if run.status == "queued":
            self._pending = deque(p for p in self._pending if p[0] is not run)
            run.status, run.stop_reason, run.paused = "cancelled", "cancelled before it started", False
            self._by_seq.pop(run.seq, None)
            self._changed(run)
        elif run.status == "running":
            run.cancel_requested = True
            w = self._worker_of(run)
            if w is not None:
                w.control[0], w.control[1] = run.seq, CANCEL

    def _evict(self, floats: int) -> None:
        """Forget the oldest finished runs so that at most ``max_runs`` runs and ``max_floats``
        parameters (counting the new run's ``floats`` at their most) are kept."""

        def over() -> bool:
            kept = sum(r.floats for r in self.runs.values())
            return len(self.runs) >= self.max_runs or kept + floats > self.max_floats

        while over():
            old = next((r for r in self.runs.values() if r.status in TERMINAL), None)
            if old is None:
                raise QueueFullError(
                    f"the runs in progress use the server's memory for runs (at most {self.max_runs} runs, "
                    f"{self.max_floats:,} stored numbers); wait for some to finish or cancel some"
                )
            del self.runs[old.id]
            self._by_seq.pop(old.seq, None)

    def _worker_of(self, run: Run) -> _Worker | None:
        return next((w for w in self._workers if w.seq == run.seq), None)

    def start(self) -> None:
        """Spawn the workers now (the app does at startup) rather than on the first run."""
        with self.lock:
            self._start()

    def _start(self) -> None:
        if self._thread is not None or self._closed:
            return
        self._workers = [self._spawn(i) for i in range(self.n_workers)]
        self._thread = threading.Thread(target=self._loop, name="netwarp-dispatcher", daemon=True)
        self._thread.start()

    def _spawn(self, index: int) -> _Worker:
        job_out, job_in = self._ctx.Pipe(duplex=False)  # (reader, writer)
        event_out, event_in = self._ctx.Pipe(duplex=False)
        control = self._ctx.Array("q", [0, RUN], lock=False)
        proc = self._ctx.Process(
            target=worker_main,
            args=(index, job_out, event_in, control, os.getpid()),
            name=f"netwarp-worker-{index}",
            daemon=True,
        )
        proc.start()
        job_out.close()  # the worker's ends live in the worker
        event_in.close()
        return _Worker(index, proc, job_in, event_out, control)

    def _dispatch(self) -> None:
        for w in self._workers:
            if w.seq is not None:
                continue
            item = next((p for p in self._pending if not p[0].paused), None)
            if item is None:
                return
            self._pending.remove(item)
            run, job = item
            w.seq = run.seq
            w.control[0], w.control[1] = run.seq, RUN
            run.status, run.worker = "running", w.index
            self._changed(run)
            try:
                w.jobs.send(job)
            except (OSError, ValueError) as exc:
                self._finish_failed(run, w, f"could not start training: {exc}")

    def _finish_failed(self, run: Run, w: _Worker | None, message: str) -> None:
        run.status, run.error, run.stop_reason, run.paused = "failed", message, message, False
        self._changed(run)
        if w is not None:
            w.seq = None

    def _changed(self, run: Run) -> None:
        run.version += 1
        self.revision += 1
        for wake in (*run.wakers, *self.wakers):
            wake()

    def _loop(self) -> None:
        while not self._closed:
            with self.lock:
                conns: dict[Any, _Worker] = {w.events: w for w in self._workers}
            try:
                ready: list[Any] = list(mp_connection.wait(list(conns), timeout=0.5))
            except (OSError, ValueError):
                ready = []
            with self.lock:
                if self._closed:
                    return
                for conn in ready:
                    w = conns[conn]
                    if w not in self._workers:
                        continue
                    try:
                        msg = conn.recv()
                    except Exception:  # EOF, or a message cut off by a worker's death
                        self._replace(w)
                        continue
                    self._handle(msg)
                self._check_workers()
                self._dispatch()

    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind, seq = msg[0], msg[1]
        run = self._by_seq.get(seq)
        w = next((w for w in self._workers if w.seq == seq), None)
        if kind == "start" or (run is None and kind in ("chunk", "held")):
            return
        if kind == "held":
            assert run is not None
            run.held = run.paused
            self._changed(run)
            return
        if kind == "chunk":
            assert run is not None
            _, _, epoch, chunk, frame, trained = msg
            run.chunks.append(chunk)
            run.frames.append((int(epoch), trained, frame))
            run.epoch, run.loss = int(epoch), float(chunk["loss"][-1])
            run.train_score, run.test_score = float(chunk["train_score"][-1]), float(chunk["test_score"][-1])
            self._changed(run)
            return
        if w is not None:
            w.seq = None
        self._by_seq.pop(seq, None)
        if run is None:
            return
        run.paused = run.held = False
        if kind == "failed":
            self._finish_failed(run, None, str(msg[2]))
            return
        traj: Trajectory = msg[2]
        run.trajectory = traj
        run.epoch = traj.n_epochs
        run.loss = float(traj.loss[-1]) if np.isfinite(traj.loss[-1]) else None
        run.stop_reason = traj.stop_reason
        run.status = "cancelled" if traj.stop_reason == "cancelled" else "done"
        self._changed(run)

    def _replace(self, w: _Worker) -> None:
        """End worker ``w`` (dead, or its pipe broken), fail its run, and start a new worker in its place."""
        if w.process.is_alive():
            w.process.kill()
        w.process.join(timeout=2)
        code = w.process.exitcode
        why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if w.seq is not None:
            run = self._by_seq.pop(w.seq, None)
            if run is not None:
                self._finish_failed(run, None, f"worker died ({why}); the epochs so far are kept. "
                                    "Out of memory? Try a smaller run")  # fmt: skip
        for conn in (w.jobs, w.events):
            with contextlib.suppress(OSError):
                conn.close()
        i = self._workers.index(w)
        if not self._closed:
            self._workers[i] = self._spawn(w.index)

    def _check_workers(self) -> None:
        for w in list(self._workers):
            if not w.process.is_alive():
                self._replace(w)
