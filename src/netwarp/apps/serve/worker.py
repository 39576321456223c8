"""What runs inside a training worker process.

:func:`worker_main` is the process's entry: it receives jobs on a queue, trains with
netwarp's engine and reports on a shared event queue:

- ``("start", seq, worker)`` when a job begins,
- ``("progress", seq, epoch, chunk)`` a few times a second: the epochs since the last
  report (epoch 0 first), ``chunk`` holding their flat parameters ``rows`` ``(k, n_params)``,
  ``loss``, ``train_score`` and ``test_score`` ``(k,)``,
- ``("done", seq, trajectory)`` or ``("failed", seq, message)`` at the end.

Pause and cancel come through a small shared array ``control = [seq, command]`` that the
engine's ``should_stop`` hook polls between epochs. Heavy imports happen inside
:func:`worker_main`, after the thread limits are set, so each worker uses one core.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RUN, PAUSE, CANCEL = 0, 1, 2
#: Seconds between progress reports (the last epoch always comes with ``done``).
REPORT_EVERY = 0.1


@dataclass
class Job:
    """One training request as the worker needs it (plain arrays and options)."""

    seq: int
    name: str
    dataset_name: str
    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any
    spec: dict[str, Any]  # RunSpec.to_json()


def train_job(job: Job, report: Callable[[int, dict[str, Any]], None], should_stop: Callable[[], bool]) -> Any:
    """Train ``job`` as :func:`netwarp.train` would, reporting every epoch while it trains.

    Returns the same :class:`~netwarp.core.trajectory.Trajectory` that ``netwarp.train`` gives for
    these options (tests check it); the difference is ``report(epoch, chunk)``, called a few
    times a second with the epochs since the last call (epoch 0 first): ``chunk`` holds
    ``rows`` ``(k, n_params)`` and ``loss``, ``train_score``, ``test_score`` ``(k,)``.
    """
    import numpy as np

    from netwarp.core.record import train
    from netwarp.core.spec import RunSpec
    from netwarp.core.trajectory import Trajectory

    spec = RunSpec.from_json(job.spec)
    hidden = spec.hidden
    X = np.asarray(job.X_train, dtype=np.float64)
    y = np.asarray(job.y_train)
    X_test, y_test = np.asarray(job.X_test, dtype=np.float64), np.asarray(job.y_test)
    classes = np.unique(y)  # the order LabelBinarizer (and so the network's outputs) uses
    n_out = 1 if len(classes) == 2 else len(classes)
    layer_units = (X.shape[1], *hidden, n_out)
    activations = (spec.activation,) * len(hidden) + ("logistic" if n_out == 1 else "softmax",)
    buffer: list[Any] = []
    losses: list[float] = []
    last = [time.monotonic()]

    def flush(epoch: int) -> None:
        rows = np.stack(buffer)
        t = Trajectory(layer_units, activations, rows, classes=classes)
        test = t.scores(X_test, y_test) if len(y_test) else np.full(len(rows), np.nan)
        report(epoch, {"rows": rows, "loss": np.array(losses), "train_score": t.scores(X, y), "test_score": test})
        buffer.clear()
        losses.clear()

    def on_epoch(epoch: int, params: Any, loss: float) -> None:
        buffer.append(params)
        losses.append(loss)
        now = time.monotonic()
        if epoch == 0 or now - last[0] >= REPORT_EVERY:
            last[0] = now
            flush(epoch)

    return train(
        X, y, spec, X_test=X_test, y_test=y_test, name=job.name, dataset_name=job.dataset_name,
        should_stop=should_stop, on_epoch=on_epoch,
    )  # fmt: skip


def worker_main(index: int, jobs: Any, events: Any, control: Any, server: int) -> None:
    """Process entry: take jobs from the ``jobs`` queue until it gives None or the server is gone.

    ``server`` is the server's process id: a run stops early when the server is gone.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    with contextlib.suppress(OSError):
        os.nice(10)  # the server process stays responsive while workers train
    import warnings

    warnings.simplefilter("ignore")
    importlib.import_module("netwarp.core.record")  # warm up: the first job starts at once

    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != server:
                return  # the server is gone
            continue
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        _run(index, job, events, control, server)


def _run(index: int, job: Job, events: Any, control: Any, server: int) -> None:
    from netwarp.errors import NetwarpError

    seq = job.seq
    events.put(("start", seq, index))

    def should_stop() -> bool:
        while control[0] == seq and control[1] == PAUSE:
            time.sleep(0.05)
        return bool(control[0] == seq and control[1] == CANCEL) or os.getppid() != server

    def report(epoch: int, chunk: dict[str, Any]) -> None:
        events.put(("progress", seq, epoch, chunk))

    try:
        traj = train_job(job, report, should_stop)
    except NetwarpError as exc:
        events.put(("failed", seq, str(exc)))
    except MemoryError:
        events.put(("failed", seq, "out of memory (use fewer points, epochs or units)"))
    except Exception as exc:  # a bug, reported to the run instead of killing the worker
        events.put(("failed", seq, f"internal error: {type(exc).__name__}: {exc}"))
    else:
        events.put(("done", seq, traj))
