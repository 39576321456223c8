"""Sweeps: train every combination of dataset, architecture, activation and seed.

Runs go to local processes (joblib) by default or to an existing Dask cluster
(``scheduler="tcp://host:port"``, needs ``pip install 'netwarp[dask]'``). Each run is a pure
function of its :class:`~netwarp.core.spec.RunSpec`, and rows come back in the order of the grid, so the
table is the same wherever it ran. A run that fails becomes a row with its ``error``.

Columns (:data:`COLUMNS`): the run's settings, ``epochs``, ``train_accuracy``,
``test_accuracy``, ``first_separable_layer`` (0 = the input; empty when no layer is),
``separability`` (linear-classifier accuracy per representation at the last epoch, ``;``
separated, input first), ``stretch`` (largest Jacobian singular value over data and layers)
and ``error``.
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from netwarp.core.files import atomic_write
from netwarp.core.spec import RunSpec
from netwarp.data import datasets
from netwarp.errors import NetwarpError

COLUMNS = (
    "dataset", "hidden", "activation", "seed", "solver", "learning_rate_init", "max_iter",
    "epochs", "train_accuracy", "test_accuracy", "first_separable_layer", "separability",
    "stretch", "error",
)  # fmt: skip
DASK_HINT = "pip install 'netwarp[dask]'"
#: How long to wait for the Dask scheduler before giving up.
DASK_TIMEOUT = "10s"

Row = dict[str, Any]


def parse_seeds(text: str) -> list[int]:
    """``"0:20"`` -> 0..19, ``"3"`` -> [3], ``"1,4,9"`` -> [1, 4, 9]."""
    text = str(text).strip()
    try:
        if ":" in text:
            start, stop = (int(v) for v in text.split(":"))
            seeds = list(range(start, stop))
        else:
            seeds = [int(v) for v in text.split(",")]
    except ValueError:
        raise NetwarpError(
            f"--seeds {text}: expected START:STOP (e.g. 0:20 = seeds 0 to 19) or a list like 1,4,9"
        ) from None
    if not seeds:
        raise NetwarpError(f"--seeds {text}: selects no seeds (STOP must be greater than START)")
    if min(seeds) < 0 or max(seeds) > 2**32 - 1:
        raise NetwarpError(f"--seeds {text}: seeds must be between 0 and 2**32 - 1")
    return sorted(set(seeds), key=seeds.index)


def grid(
    dataset: str | Sequence[str],
    hidden: Sequence[int | str | Sequence[int]],
    activation: str | Sequence[str] = "tanh",
    seeds: Iterable[int] = range(10),
    base: RunSpec | None = None,
    **settings: Any,
) -> list[RunSpec]:
    """Every combination, in a fixed order: dataset, then hidden, activation, seed as given.

    Each run starts from ``base`` or, by default, its dataset's recommended settings
    (:meth:`RunSpec.recommended`); ``settings`` (any :class:`RunSpec` field, e.g.
    ``solver="adam"``) apply to every run.
    """
    names = [dataset] if isinstance(dataset, str) else list(dataset)
    acts = [activation] if isinstance(activation, str) else list(activation)
    seed_list = [int(s) for s in seeds]
    for name in names:
        datasets.spec(name)
    if not names or not hidden or not acts or not seed_list:
        raise NetwarpError("a sweep needs at least one dataset, --hidden, --activation and seed")
    archs = [RunSpec(hidden=(h,) if isinstance(h, int) else h).hidden for h in hidden]  # type: ignore[arg-type]
    for a in acts:
        RunSpec(activation=a)
    combos = itertools.product(_unique(names), _unique(archs), _unique(acts), _unique(seed_list))
    out = []
    for d, h, a, s in combos:
        values = {**settings, "hidden": h, "activation": a, "random_state": s}
        out.append(RunSpec.recommended(d, **values) if base is None else base.replace(dataset=d, **values))
    return out


def _unique(values: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def run_one(spec: RunSpec) -> Row:
    """Train and diagnose one run; any exception becomes the row's ``error``."""
    row: Row = {
        "dataset": spec.dataset, "hidden": spec.hidden_label, "activation": spec.activation,
        "seed": spec.random_state, "solver": spec.solver, "learning_rate_init": spec.learning_rate_init,
        "max_iter": spec.max_iter,
    }  # fmt: skip
    try:
        row.update(_measure(spec))
        row["error"] = ""
    except Exception as exc:  # a failed run is a row, not a crashed sweep
        for key in COLUMNS[7:-1]:
            row[key] = ""
        row["error"] = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return row


def trained(spec: RunSpec) -> Any:
    """The :class:`~netwarp.core.trajectory.Trajectory` of ``spec`` on its own data (warnings silenced)."""
    from netwarp.core.record import train

    data = spec.load_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return train(data.X_train, data.y_train, spec, X_test=data.X_test, y_test=data.y_test,
                     dataset_name=spec.dataset)  # fmt: skip


def _measure(spec: RunSpec) -> Row:
    from netwarp.view.diagnostics import diagnose

    traj = trained(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = diagnose(traj, epochs=[traj.n_epochs])
    first = int(d.first_separable[-1])
    return {
        "epochs": traj.n_epochs,
        "train_accuracy": _num(traj.train_score[-1]),
        "test_accuracy": _num(traj.test_score[-1]),
        "first_separable_layer": "" if first < 0 else first,
        "separability": ";".join(f"{v:.4f}" for v in d.separability[:, -1]),
        "stretch": _num(float(d.stretch[1:, -1].max()), 4),
    }


def _num(value: float, digits: int = 6) -> float:
    """Round so that tiny floating-point differences between machines do not show."""
    return round(float(value), digits)


def sweep(
    specs: Sequence[RunSpec],
    *,
    n_jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Row]:
    """Run every spec and return one row per spec, in the order of ``specs``.

    Locally on ``n_jobs`` processes (joblib; default: all cores; 1 = in this process), or
    on the Dask cluster at ``scheduler`` (``"tcp://host:port"``). ``progress(done, total)``
    is called as runs finish.
    """
    specs = list(specs)
    if not specs:
        raise NetwarpError("nothing to sweep: no runs")
    if n_jobs is not None and (n_jobs == 0 or n_jobs < -1):
        raise NetwarpError(f"--jobs {n_jobs}: use a positive number of processes (or -1 for all cores)")
    results: dict[int, Row] = {}
    source = _dask(specs, scheduler) if scheduler else _local(specs, n_jobs)
    for i, row in source:
        results[i] = row
        if progress is not None:
            progress(len(results), len(specs))
    return [results[i] for i in range(len(specs))]


def _indexed(item: tuple[int, RunSpec]) -> tuple[int, Row]:
    return item[0], run_one(item[1])


def _local(specs: list[RunSpec], n_jobs: int | None) -> Iterator[tuple[int, Row]]:
    if n_jobs == 1 or len(specs) == 1:
        for i, s in enumerate(specs):
            yield i, run_one(s)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs or -1, return_as="generator_unordered")
    yield from parallel(delayed(_indexed)(item) for item in enumerate(specs))


def _dask(specs: list[RunSpec], scheduler: str) -> Iterator[tuple[int, Row]]:
    try:
        distributed: Any = importlib.import_module("dask.distributed")
    except ImportError:
        raise NetwarpError(f"--dask needs dask.distributed; install it with {DASK_HINT}") from None
    try:
        client = distributed.Client(scheduler, timeout=DASK_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise NetwarpError(f"--dask {scheduler}: cannot connect to the Dask scheduler ({exc})") from None
    try:
        futures = client.map(_indexed, list(enumerate(specs)), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in distributed.as_completed(futures, loop=client.loop):
            i = index[future.key]
            try:
                yield future.result()
            except Exception as exc:  # worker died, netwarp missing on the worker...
                row = run_one_failed(specs[i], exc)
                yield i, row
    finally:
        client.close()


def run_one_failed(spec: RunSpec, exc: BaseException) -> Row:
    """The row of a run that failed outside :func:`run_one` (e.g. its worker died)."""
    row: Row = dict.fromkeys(COLUMNS, "")
    row.update(
        dataset=spec.dataset, hidden=spec.hidden_label, activation=spec.activation, seed=spec.random_state,
        solver=spec.solver, learning_rate_init=spec.learning_rate_init, max_iter=spec.max_iter,
        error=f"{type(exc).__name__}: {exc}".replace("\n", " "),
    )  # fmt: skip
    return row


def to_csv(rows: Sequence[Row]) -> str:
    """The table as CSV text with the :data:`COLUMNS` header."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in COLUMNS})
    return buf.getvalue()


def write_csv(rows: Sequence[Row], path: str | Path) -> Path:
    """Write the table to ``path`` atomically."""
    text = to_csv(rows).encode("utf-8")
    return atomic_write(path, lambda fh: fh.write(text))


def read_csv(path: str | Path) -> list[Row]:
    """Rows of a sweep CSV as dicts of strings."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def plot_sweep(rows: Sequence[Row], metric: str = "test_accuracy") -> Any:
    """Figure: ``metric`` of every run by architecture, one panel per dataset (dots = seeds, bar = median)."""
    import matplotlib.pyplot as plt
    import numpy as np

    if metric not in ("test_accuracy", "train_accuracy"):
        raise NetwarpError(f"metric must be test_accuracy or train_accuracy, got {metric!r}")
    names = _unique([str(r["dataset"]) for r in rows])
    if not names:
        raise NetwarpError("no rows to plot")
    fig, axes = plt.subplots(1, len(names), figsize=(max(5.0, 1.3 * _n_groups(rows)), 3.8), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        sub = [r for r in rows if r["dataset"] == name]
        groups = _unique([(str(r["hidden"]), str(r["activation"])) for r in sub])
        labels = []
        for x, (h, a) in enumerate(groups):
            runs = [r for r in sub if (str(r["hidden"]), str(r["activation"])) == (h, a)]
            ok = [float(r[metric]) for r in runs if not r.get("error") and r.get(metric) not in ("", None)]
            failed = len(runs) - len(ok)
            jitter = np.linspace(-0.18, 0.18, len(ok)) if len(ok) > 1 else np.zeros(len(ok))
            ax.scatter(x + jitter, ok, s=14, color="#0072B2", alpha=0.7, lw=0, zorder=2)
            if ok:
                ax.plot([x - 0.3, x + 0.3], [np.median(ok)] * 2, color="black", lw=2, zorder=3)
            labels.append(f"{h}\n{a}" + (f"\n{failed} failed" if failed else ""))
        ax.set_xticks(range(len(groups)), labels, fontsize=8)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(min(0.4, ax.get_ylim()[0]), 1.02)
        ax.axhline(1.0, color="#cccccc", lw=0.8, zorder=0)
        ax.set_title(name, fontsize=10)
        ax.set_ylabel(metric.replace("_", " "))
    fig.suptitle(f"{metric.replace('_', ' ')} by architecture (dot = seed, bar = median)", fontsize=10)
    fig.tight_layout()
    return fig


def _n_groups(rows: Sequence[Row]) -> int:
    return len(_unique([(r["dataset"], str(r["hidden"]), str(r["activation"])) for r in rows]))
