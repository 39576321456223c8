"""How fast is a view's scene (and its envelope) next to recording the run it shows?

The seed run: interval1d, hidden (2,), tanh, sgd, lr 0.02, 1500 epochs without early stopping
(1800 points). Recording it (``netwarp.train``) and building
``envelope.encode(Scene.from_trajectories(run))`` are timed in the same process (best of
``--repeat``), and the scene is also built by appending the epochs one at a time, as a live
run sends them. Goal: scene + envelope <= 50 ms.
Run: ``python benchmarks/scene_speed.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import netwarp
from netwarp.view import envelope
from netwarp.view.scene import Scene

GOAL_MS = 50.0


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best counts (default 5)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    d = netwarp.data.datasets.load("interval1d")

    def record() -> netwarp.Trajectory:
        return netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, max_iter=1500, early_stop=False)

    traj = record()
    t_record = best(record, max(1, args.repeat // 2))
    size = [0]

    def scene() -> None:
        size[0] = len(envelope.encode(Scene.from_trajectories(traj)))

    t_scene = best(scene, args.repeat)
    X = np.concatenate([d.X_train, d.X_test])
    y = np.concatenate([d.y_train, d.y_test])

    def live() -> None:
        s = Scene(X, y, [traj])
        for e in range(traj.n_epochs + 1):
            envelope.encode_chunk(s.append(0, traj.params[e], traj.loss[e], traj.train_score[e], traj.test_score[e]))

    t_live = best(live, 1)
    print(f"seed run: {traj.n_epochs} epochs, {len(X)} points, layers {traj.layer_sizes}")
    print(f"  record (netwarp.train)              {1000 * t_record:8.1f} ms")
    print(f"  scene + envelope (one shot)         {1000 * t_scene:8.1f} ms  ({size[0] / 1e3:.0f} kB)")
    print(f"  scene + chunk per epoch (live)      {1000 * t_live:8.1f} ms  "
          f"({1e6 * t_live / (traj.n_epochs + 1):.0f} us/epoch)")  # fmt: skip
    print(f"scene / record = {t_scene / t_record:.3f}; scene {1000 * t_scene:.1f} ms "
          f"(goal <= {GOAL_MS:.0f} ms: {'met' if 1000 * t_scene <= GOAL_MS else 'NOT met'})")  # fmt: skip


if __name__ == "__main__":
    main()
