"""What runs inside a training worker process.

:func:`worker_main` is the process's entry. Each worker has two pipes of its own to the
server (so a worker that dies mid-message breaks only its own pipe, never another's): it
receives :class:`Job` objects on ``jobs`` and sends events on ``events``:

- ``("start", seq)`` when a job begins,
- ``("held", seq)`` when it has paused between two epochs, after reporting every epoch so far,
- ``("chunk", seq, epoch, chunk, frame, trained)`` a few times a second while it trains:
  the epochs since the last report (epoch 0 first), ``chunk`` holding their flat parameters
  ``rows`` ``(k, n_params)`` and ``loss``, ``train_score``, ``test_score`` ``(k,)``;
  ``frame`` the same epochs as view envelope bytes (:mod:`netwarp.view.envelope`): the
  first frame is the run's whole scene, every later one a chunk to append (the worker keeps
  the run's :class:`~netwarp.view.scene.Scene`, so each frame costs work proportional to its
  epochs); ``trained`` the wall-clock times ``(first, sent)``: when its first epoch was
  trained, and when the frame was sent (after its last epoch and its scene delta),
- ``("done", seq, trajectory)`` at the end, right after the last chunk (the trajectory is
  assembled from the chunks: nothing is rescored at the end), or
- ``("failed", seq, message)``: an error, or ``"diverged at epoch k"`` when the loss or the
  parameters stop being finite (the chunks before epoch k were sent and stay viewable).

Pause and cancel come through a small shared array ``control = [seq, command]`` that the
engine's ``should_stop`` hook polls between epochs. A worker ignores Ctrl-C (the server
stops it), and dies with the server: on Linux the kernel kills it when its parent exits,
elsewhere it notices its pipe closing or its parent gone. Heavy imports happen inside
:func:`worker_main`, after the thread limits are set, so each worker uses one core.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RUN, PAUSE, CANCEL = 0, 1, 2
#: Seconds between progress reports (the first epoch and the last are sent at once).
REPORT_EVERY = 0.1


@dataclass
class Job:
    """One training request as the worker needs it (plain arrays and the run's spec)."""

    seq: int
    name: str
    dataset_name: str
    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any
    spec: dict[str, Any]  # RunSpec.to_json()


class Diverged(Exception):
    """The loss or the parameters stopped being finite at ``epoch``."""

    def __init__(self, epoch: int) -> None:
        super().__init__(f"diverged at epoch {epoch}: the loss or the parameters became infinite or NaN "
                         "(lower the learning rate); the epochs before it are kept")  # fmt: skip
        self.epoch = epoch


def train_job(job: Job, report: Callable[..., None], should_stop: Callable[[Callable[[], None]], bool]) -> Any:
    """Train ``job`` as :func:`netwarp.train` would, reporting every epoch while it trains.

    Returns the same :class:`~netwarp.core.trajectory.Trajectory` that ``netwarp.train``
    gives for this spec (tests check it), assembled from what was reported:
    ``report(epoch, chunk)`` is called a few times a second with the epochs since the last
    call (epoch 0 first, the last epoch before this returns): ``chunk`` holds ``rows``
    ``(k, n_params)`` and ``loss``, ``train_score``, ``test_score`` ``(k,)``; the call is
    ``report(epoch, chunk, frame, first)`` with the epochs' view envelope bytes and the
    wall-clock time the first of them was trained.
    ``should_stop(flush)`` is polled between epochs; it calls ``flush()`` to report the
    epochs so far before it waits (a pause). Raises :class:`Diverged` when training stops
    being finite.
    """
    import numpy as np

    from netwarp.core.live import Chunker
    from netwarp.core.record import train
    from netwarp.core.spec import RunSpec

    spec = RunSpec.from_json(job.spec)
    X = np.asarray(job.X_train, dtype=np.float64)
    y = np.asarray(job.y_train)
    X_test, y_test = np.asarray(job.X_test, dtype=np.float64), np.asarray(job.y_test)
    classes = np.unique(y)  # the order LabelBinarizer (and so the network's outputs) uses
    _, layer_units, activations = spec.layout(X.shape[1], len(classes))
    scene: list[Any] = []

    def frame(chunk: dict[str, Any]) -> bytes:
        from netwarp.view import envelope
        from netwarp.view.live_scene import first_scene

        if not scene:
            scene.append(first_scene(chunker, chunk, job.name, title=job.name))
            return envelope.encode(scene[0])
        curves = (chunk["loss"], chunk["train_score"], chunk["test_score"])
        return envelope.encode_chunk(scene[0].append(0, chunk["rows"], *curves))

    def emit(epoch: int, chunk: dict[str, Any], first: float) -> None:
        report(epoch, chunk, frame(chunk), first)

    chunker = Chunker(layer_units, activations, classes, X, y, X_test, y_test, emit, every=REPORT_EVERY)
    try:
        traj = train(X, y, spec, X_test=X_test, y_test=y_test, name=job.name, dataset_name=job.dataset_name,
                     should_stop=lambda: chunker.diverged is not None or should_stop(chunker.flush),
                     on_epoch=chunker.on_epoch, score=False)  # fmt: skip
    except Exception:
        if chunker.diverged is not None:
            raise Diverged(chunker.diverged) from None
        raise
    if chunker.diverged is not None:
        raise Diverged(chunker.diverged)
    chunker.flush()
    traj.train_score, traj.test_score = chunker.scores("train_score"), chunker.scores("test_score")
    return traj


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when the server exits (Linux; elsewhere a no-op)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_main(index: int, jobs: Any, events: Any, control: Any, server: int) -> None:
    """Process entry: take jobs from the ``jobs`` pipe until it gives None, closes, or the server is gone."""
    _die_with_parent()
    if os.getppid() != server:
        return  # the server died before this line
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    with contextlib.suppress(OSError):
        os.nice(10)  # the server process stays responsive while workers train
    import warnings

    warnings.simplefilter("ignore")
    importlib.import_module("netwarp.core.record")  # warm up: the first job starts at once
    importlib.import_module("netwarp.core.engine").warm_up()  # and numba's compiled epochs, if installed

    while True:
        try:
            if not jobs.poll(1.0):
                if os.getppid() != server:
                    return  # the server is gone
                continue
            job = jobs.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        _run(job, events, control, server)


def _run(job: Job, events: Any, control: Any, server: int) -> None:
    from netwarp.errors import NetwarpError

    seq = job.seq
    events.send(("start", seq))

    def should_stop(flush: Callable[[], None]) -> bool:
        if control[0] == seq and control[1] == PAUSE:
            flush()
            events.send(("held", seq))  # the epochs so far are reported; none follows until resumed
            while control[0] == seq and control[1] == PAUSE and os.getppid() == server:
                time.sleep(0.05)
        return bool(control[0] == seq and control[1] == CANCEL) or os.getppid() != server

    def report(epoch: int, chunk: dict[str, Any], frame: bytes, first: float) -> None:
        events.send(("chunk", seq, epoch, chunk, frame, (first, time.time())))

    try:
        traj = train_job(job, report, should_stop)
    except (Diverged, NetwarpError) as exc:
        events.send(("failed", seq, str(exc)))
    except MemoryError:
        events.send(("failed", seq, "out of memory (use fewer points, epochs or units)"))
    except (BrokenPipeError, EOFError):
        raise SystemExit(0) from None  # the server is gone
    except Exception as exc:  # a bug, reported to the run instead of killing the worker
        events.send(("failed", seq, f"internal error: {type(exc).__name__}: {exc}"))
    else:
        events.send(("done", seq, traj))
