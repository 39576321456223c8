"""How long does ``netwarp essay`` take, where does the time go, and how big is the page?

Trains and measures every step (:func:`netwarp.apps.essay.tour.train_tour`, with ``--jobs``
processes), builds each step's view (scene + envelope) and writes the page; prints the total
seconds, the seconds spent on views (timed inside each step), the page's size and each
step's share (its view as the page carries it: gzip-compressed, base64). Goals: at most 30 s and
2 MB, with 128 kB of parameters per run (:func:`netwarp.apps.essay.page.stored_rows`).
Run: ``python benchmarks/essay_build.py [--jobs N] [--step KEY ...]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from netwarp.apps.essay import page, tour

GOAL_S = 30.0
GOAL_MB = 2.0
VIEW_SECONDS: dict[str, float] = {}


def timed_view(result: tour.StepResult) -> str:
    start = time.perf_counter()
    out = page.view_scripts(result)
    took = time.perf_counter() - start
    return out + f"<!-- view {took:.3f} s -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=-1, help="processes (default: all cores)")
    parser.add_argument("--step", action="append", help="only this step (repeatable)")
    args = parser.parse_args()
    start = time.perf_counter()
    results = tour.train_tour(only=args.step, jobs=args.jobs, view=timed_view)
    trained = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = page.write_tour(Path(tmp), results=results)
        size = path.stat().st_size
    total = time.perf_counter() - start
    views = 0.0
    print(f"{'step':<12} {'epochs':>18} {'step s':>7} {'view s':>7} {'view MB':>8}")
    for r in results:
        v = float(r.view.rsplit("<!-- view ", 1)[1].split(" s")[0])
        views += v
        epochs = ",".join(str(m.traj.n_epochs) for m in r.runs)
        print(f"{r.step.key:<12} {epochs:>18} {r.seconds:7.2f} {v:7.2f} {len(r.view) / 1e6:8.3f}")
    print(f"essay: {total:.1f} s in all (training, measuring and views {trained:.1f} s, of which views "
          f"{views:.1f} s summed over steps), page {size / 1e6:.2f} MB")  # fmt: skip
    print(f"goals: <= {GOAL_S:.0f} s {'met' if total <= GOAL_S else 'NOT met'}; "
          f"<= {GOAL_MB:.0f} MB {'met' if size / 1e6 <= GOAL_MB else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
