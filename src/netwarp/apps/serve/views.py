"""What the server renders from a trajectory: the renderer's model, an HTML file, a PNG.

:func:`envelope_bytes` is the view of a list of trajectories as one scene envelope
(:mod:`netwarp.view.envelope`), which the bundle's ``createLocalModel(envelopeBytes, options)``
reads; for a live run, keep the :class:`~netwarp.view.scene.Scene`
(``Scene.from_trajectories(runs, view=..., title=...)``), and send each new chunk of epochs as
``envelope.encode_chunk(scene.append(run, params, loss, train_score, test_score))``: the page
hands it to ``model.append(chunkBytes)``.

``GET /api/view`` answers with the same envelope (cached by the runs' content; the requested
initial view state is written into its spec by :func:`with_view`, so no query buys a rebuild).

Building these costs from a tenth of a second to seconds of NumPy and matplotlib, so the
server never builds them itself: :class:`ViewPool` runs them in one worker process of their
own, at most ``max_pending`` at a time (more get a 503), and caches what it built for
finished runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import multiprocessing as mp
import os
import struct
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError


class BusyError(NetwarpError):
    """Too many view builds waiting; the API answers 503."""


def envelope_bytes(runs: list[Trajectory], view: dict[str, Any] | None = None, title: str = "") -> bytes:
    """The view of ``runs`` as one scene envelope (see the module docstring)."""
    from netwarp.view.envelope import encode
    from netwarp.view.scene import Scene

    return encode(Scene.from_trajectories(runs, view=view, title=title))


def with_view(body: bytes, view: dict[str, Any], n_runs: int) -> bytes:
    """The scene envelope ``body`` with its initial view state set to ``view`` (checked), without
    rebuilding anything: only the JSON spec is rewritten, the buffer is the same bytes."""
    from netwarp.view import envelope
    from netwarp.view.scene_data import check_view

    spec, buffer = envelope.split(body)
    spec["view"] = check_view(view, [None] * n_runs)  # type: ignore[list-item]
    head = json.dumps(spec, allow_nan=False, separators=(",", ":")).encode()
    pad = (-(envelope.HEADER + len(head))) % 8
    return envelope.MAGIC + struct.pack("<II", envelope.VERSION, len(head)) + head + b"\0" * pad + bytes(buffer)


def html(traj: Trajectory, title: str) -> bytes:
    """The self-contained interactive HTML file of one run."""
    from netwarp.apps.export import export_html

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.html"
        export_html([traj], path, title=title)
        return path.read_bytes()


def png(traj: Trajectory, epoch: int, dpi: float = 100) -> bytes:
    """A PNG figure of every layer at ``epoch``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from netwarp.view.figures import plot

    fig = plot(traj, epoch=epoch, dpi=dpi)
    try:
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return out.getvalue()


def _watch_parent(parent: int) -> None:
    """End this worker when the server that started it is gone (even if it was killed)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _init_worker(server: int) -> None:
    threading.Thread(target=_watch_parent, args=(server,), daemon=True).start()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["MPLBACKEND"] = "Agg"
    with contextlib.suppress(OSError):
        os.nice(2)
    import netwarp.view.scene  # noqa: F401  (warm up)


class ViewPool:
    """Builds views in one worker process (spawned on first use), with a bounded queue and a cache."""

    def __init__(self, max_pending: int = 8, cache_bytes: int = 64_000_000) -> None:
        self.max_pending = max_pending
        self.cache_bytes = cache_bytes
        self._executor: ProcessPoolExecutor | None = None
        self._pending = 0
        self._cache: OrderedDict[Hashable, bytes] = OrderedDict()
        self._cached = 0
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    1, mp_context=mp.get_context("spawn"), initializer=_init_worker, initargs=(os.getpid(),)
                )
            return self._executor

    def start(self) -> None:
        """Spawn the worker now (the app does at startup) so the first view is quick."""
        self._pool().submit(os.getpid)

    async def call(self, fn: Callable[..., bytes], *args: Any, key: Hashable | None = None) -> bytes:
        """``fn(*args)`` in the worker; results with a ``key`` are cached."""
        if key is not None and key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if self._pending >= self.max_pending:
            raise BusyError(f"{self._pending} views are being built; try again in a moment")
        self._pending += 1
        try:
            pool = self._pool()
            try:
                body = await asyncio.wrap_future(pool.submit(fn, *args))
            except BrokenProcessPool:
                with self._lock:
                    self._executor = None
                raise NetwarpError("the view builder stopped unexpectedly (out of memory?); try again") from None
        finally:
            self._pending -= 1
        if key is not None and len(body) <= self.cache_bytes // 4:
            self._cache[key] = body
            self._cached += len(body)
            while self._cached > self.cache_bytes:
                _, old = self._cache.popitem(last=False)
                self._cached -= len(old)
        return body

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
