"""How much faster is recording every epoch than scikit-learn's own fit?

Measures, in one run on this machine, the seed configuration trained for 1500 epochs
(``n_iter_no_change=inf`` so no early stop):

- ``record``: ``netwarp.core.record`` (trains once, keeps all 1501 parameter sets, scores them);
- ``fit``: one unrecorded ``MLPClassifier.fit`` of the same;
- ``seed way``: the seed notebook's refits, ``fit`` with ``max_iter=k`` for k in range(1, 1501, 100).

Prints the times and the ratios. Goal: record / fit <= 0.5.
Run: ``python benchmarks/record_speed.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import netwarp

GOAL = 0.5


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="take the best of N runs (default 3)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    d = netwarp.data.datasets.load("interval1d")
    est = MLPClassifier(
        hidden_layer_sizes=(2,), solver="sgd", learning_rate_init=0.02, activation="tanh", random_state=1,
        max_iter=1500, n_iter_no_change=np.inf,
    )  # fmt: skip

    def record() -> None:
        traj = netwarp.record(clone(est), d.X_train, d.y_train, d.X_test, d.y_test)
        assert traj.n_epochs == 1500

    def fit() -> None:
        assert clone(est).fit(d.X_train, d.y_train).n_iter_ == 1500

    def seed_way() -> None:
        for k in range(1, 1501, 100):
            clone(est).set_params(max_iter=k).fit(d.X_train, d.y_train)

    t_record = best_of(record, args.repeat)
    t_fit = best_of(fit, args.repeat)
    t_seed = best_of(seed_way, 1)
    ratio = t_record / t_fit
    print("seed configuration, 1500 epochs, 900 training points")
    print(f"  netwarp.core.record (all 1501 epochs kept) {t_record:8.3f} s")
    print(f"  sklearn fit (last epoch only)         {t_fit:8.3f} s")
    print(f"  seed way (15 refits, 15 epochs kept)  {t_seed:8.3f} s")
    print(f"record / fit      = {ratio:.3f}  (goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'})")
    print(f"record / seed way = {t_record / t_seed:.3f}")


if __name__ == "__main__":
    main()
