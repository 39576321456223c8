"""How much does recording every epoch cost next to scikit-learn's own fit, in time and memory?

Three cases, each measured in one run on this machine against one unrecorded
``MLPClassifier.fit`` of the same estimator (``n_iter_no_change=inf``, so every epoch runs):

- ``seed``: the seed notebook's network (1-2-1 tanh, sgd, learning rate 0.02), 1500 epochs;
- ``digits``: scikit-learn's digits (1797 x 64), hidden ``64,32``, adam, 200 epochs;
- ``moons``: 50,000 two-moons points, hidden ``16,16``, adam, 100 epochs.

Prints per case: the best-of-N times of ``record`` (train and keep every epoch; scores are
computed when first read), of reading the train scores afterwards (one blocked pass over all
epochs), of ``fit``, the ratio record / fit against its goal, and the peak memory traced by
``tracemalloc`` for record and for fit against the budget ``fit + 2 x parameter history +
2 x X``. Runs alternate record and fit so a busy machine slows both alike.

Goals: record / fit <= 0.2 on the seed, <= 0.5 on digits and moons; moonshot 0.05 on the seed.
With ``numba`` installed (the ``numba`` extra) each whole epoch runs in one compiled call
(:mod:`netwarp.core.fused_epoch`: NumPy's own matmul and ufunc loops called by address, NumPy's
sums written out, the same bits); the first line says whether it is on, and ``NETWARP_NUMBA=0``
compares the NumPy loop.

Measured here (idle 2-core machine, best of 5; fit itself varies by +-20 % between runs):
with numba seed 0.06-0.08, digits 0.34-0.37, moons 0.11-0.13; the NumPy loop seed 0.22-0.25,
digits 0.52-0.60, moons 0.29. The seed's moonshot is not reached: of about 63 us per epoch,
NumPy's ``RandomState.shuffle`` of the 900 rows (which must be replayed for fit's order) takes
~15 us, and the five steps' BLAS calls and ``tanh``/``expit`` loops ~35 us. Memory budgets met.
Run: ``python benchmarks/record_speed.py [--repeat N] [--case NAME ...]``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import netwarp
from netwarp.core import fused
from netwarp.core.params import n_params

GOALS = {"seed": 0.2, "digits": 0.5, "moons": 0.5}
MOONSHOT = {"seed": 0.05}  # reported, not required


def cases() -> dict[str, tuple[MLPClassifier, Any, Any]]:
    seed = netwarp.data.datasets.load("interval1d")
    digits_X, digits_y = load_digits(return_X_y=True)
    moons_X, moons_y = make_moons(50_000, noise=0.2, random_state=0)
    never = {"n_iter_no_change": np.inf, "random_state": 1}
    return {
        "seed": (
            MLPClassifier(
                hidden_layer_sizes=(2,),
                solver="sgd",
                learning_rate_init=0.02,
                activation="tanh",
                max_iter=1500,
                **never,
            ),
            seed.X_train,
            seed.y_train,
        ),
        "digits": (MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=200, **never), digits_X / 16, digits_y),
        "moons": (MLPClassifier(hidden_layer_sizes=(16, 16), max_iter=100, **never), moons_X, moons_y),
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(name: str, est: MLPClassifier, X: Any, y: Any, repeat: int) -> bool:
    trajs: list[netwarp.Trajectory] = []

    def record() -> None:
        trajs.append(netwarp.record(clone(est), X, y))

    def fit() -> None:
        clone(est).fit(X, y)

    t_record, t_fit, t_score = [], [], []
    for _ in range(repeat):
        t_record.append(timed(record))
        t_score.append(timed(lambda: trajs[-1].train_score))
        t_fit.append(timed(fit))
        trajs.clear()
    rec, sc, ft = min(t_record), min(t_score), min(t_fit)
    ratio = rec / ft
    m_record, m_fit = peak(record), peak(fit)
    traj = trajs[-1]
    history = (traj.n_epochs + 1) * n_params(list(traj.layer_sizes)) * 8
    budget = m_fit + 2 * history + 2 * np.asarray(X).nbytes
    goal = GOALS[name]
    print(f"{name}: {X.shape[0]} points, layers {'-'.join(map(str, traj.layer_sizes))}, {traj.n_epochs} epochs")
    print(f"  record {rec:7.3f} s   (+ reading every epoch's score {sc:6.3f} s)   fit {ft:7.3f} s")
    print(f"  record / fit = {ratio:.3f}  (goal <= {goal}: {'met' if ratio <= goal else 'NOT met'});"
          f"  with the scores read: {(rec + sc) / ft:.3f}")  # fmt: skip
    if name in MOONSHOT:
        print(f"  moonshot <= {MOONSHOT[name]}: {'reached' if ratio <= MOONSHOT[name] else 'not reached'}")
    ok = m_record <= budget
    print(f"  peak memory: record {m_record / 2**20:7.2f} MB, fit {m_fit / 2**20:6.2f} MB, "
          f"budget fit + 2 x history + 2 x X = {budget / 2**20:.2f} MB ({'met' if ok else 'NOT met'})")  # fmt: skip
    return ratio <= goal and ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="take the best of N runs (default 3)")
    parser.add_argument("--case", action="append", choices=list(GOALS), help="run only this case (repeatable)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    kernels = fused.kernels() is not None
    print(f"compiled kernels (numba): {'on' if kernels else 'off (the NumPy loop)'}")
    if kernels:  # compile (or load from the disk cache) before timing
        netwarp.record(MLPClassifier(hidden_layer_sizes=(2,), max_iter=1), [[0.0], [1.0]], [0, 1])
        netwarp.record(MLPClassifier(hidden_layer_sizes=(2,), max_iter=1, solver="sgd"), [[0.0], [1.0]], [0, 1])
    results = [measure(name, *case, args.repeat) for name, case in cases().items() if name in (args.case or GOALS)]
    print("all goals met" if all(results) else "some goals NOT met")


if __name__ == "__main__":
    main()
