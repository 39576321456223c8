"""How fast does ``netwarp export`` write an animation, against the seed's way of making frames?

In one run on this machine, for 300 frames of the seed configuration's three panels
(input with jitter, 2 hidden units, output with jitter; 1800 points):

- ``seed way``: what the seed notebook does per frame — a new figure, three scatters,
  tight_layout and a PNG saved to disk (the network is evaluated from recorded parameters,
  not retrained, so only the drawing is compared);
- ``netwarp`` GIF and MP4: :func:`netwarp.animate` (artists built once, data updated,
  frames rendered straight into the encoder).

Prints seconds and the ratio netwarp / seed way. Goal: <= 0.25 for both formats.
Run: ``python benchmarks/export_speed.py [--frames N]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

import netwarp
from netwarp.view.animation import animate

GOAL = 0.25


def seed_way(traj: netwarp.Trajectory, epochs: list[int], out: Path) -> float:
    X, y = traj.data.X, traj.data.y  # type: ignore[union-attr]
    start = time.perf_counter()
    for i, e in enumerate(epochs):
        acts = traj.forward(X, e)
        np.random.seed(123)
        fig, ax = plt.subplots(1, 3, figsize=(12, 4))
        ax[0].scatter(X, np.random.normal(scale=0.5, size=len(X)), c=y, lw=0.0)
        ax[0].set_ylim([-3, 3])
        ax[1].scatter(acts[1][:, 0], acts[1][:, 1], c=y, lw=0)
        ax[2].scatter(acts[2], np.random.normal(scale=0.5, size=len(X)), c=y, lw=0)
        ax[2].set_xlim([0, 1])
        ax[2].set_ylim([-3, 3])
        plt.tight_layout()
        fig.savefig(out / f"frame{i:04d}.png", dpi=100)
        plt.close(fig)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=300, help="number of frames (default 300)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    d = netwarp.data.datasets.load("interval1d")
    traj = netwarp.train(
        d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, early_stop=False, max_iter=args.frames - 1
    )
    epochs = list(range(args.frames))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t_seed = seed_way(traj, epochs, out)
        times = {}
        for ext in ("gif", "mp4"):
            start = time.perf_counter()
            n = animate(traj, path=out / f"train.{ext}", epochs=epochs, figsize=(12, 4), dpi=100)
            times[ext] = time.perf_counter() - start
            assert n == args.frames
    print(f"{args.frames} frames of the seed's three panels (1800 points), 1200x400 pixels")
    print(f"  seed way (new figure + savefig per frame) {t_seed:7.2f} s  ({1000 * t_seed / args.frames:5.1f} ms/frame)")
    for ext, t in times.items():
        label = f"netwarp.animate -> {ext.upper()}"
        print(f"  {label:<41} {t:7.2f} s  ({1000 * t / args.frames:5.1f} ms/frame)")
    for ext, t in times.items():
        ratio = t / t_seed
        print(f"{ext} / seed way = {ratio:.3f}  (goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'})")


if __name__ == "__main__":
    main()
