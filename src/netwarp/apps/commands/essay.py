"""``netwarp essay``: Olah's essay as one offline HTML page with live views of runs trained here."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from netwarp.apps.commands.demo import _open


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "essay",
        help="write the essay tour: Olah's topology claims, trained, measured and shown live",
        description="Train the small networks of Chris Olah's essay \"Neural Networks, Manifolds, and "
        'Topology" (two curves, one tanh layer as a deformation, the 1-D interval, disk and annulus, '
        "spirals, linked rings), measure each claim (homeomorphism, linear separability, stretching) "
        "and write DIR/netwarp-essay.html: one self-contained page that works offline.",
    )
    p.add_argument("--out", default="netwarp-essay", help="output directory (default ./netwarp-essay)")
    p.add_argument("--step", action="append", help="only this step (repeatable; e.g. disk, rings)")
    p.add_argument("--jobs", type=int, default=-1, help="processes training steps in parallel (default: all cores)")
    p.add_argument("--no-open", action="store_true", help="do not open the page in a web browser")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from netwarp.apps.essay.page import write_tour
    from netwarp.apps.essay.tour import steps
    from netwarp.errors import NetwarpError

    if args.jobs == 0 or args.jobs < -1:
        raise NetwarpError(f"--jobs {args.jobs}: use a positive number of processes (or -1 for all cores)")

    t0 = time.perf_counter()
    total = len(args.step) if args.step else len(steps())
    done = [0]

    def progress(note: str) -> None:
        done[0] += 1
        sys.stderr.write(f"essay [{done[0]}/{total}] {note}\n")

    path = write_tour(Path(args.out), only=args.step, progress=progress, jobs=args.jobs)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s)")
    if not args.no_open:
        _open(path)
    return 0
