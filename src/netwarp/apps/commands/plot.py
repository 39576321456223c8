"""``netwarp plot``: a figure of every layer at one epoch."""

from __future__ import annotations

import argparse

from netwarp.apps.commands._common import add_run_arg, check_output, pick_run, save_figure, say_run

FIGURE_TYPES = (".png", ".svg", ".pdf")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "plot",
        help="save a figure of every layer at one epoch",
        description="Save a figure of every layer of a run at one epoch.",
    )
    p.add_argument("file", help="a .npz trajectory written by netwarp")
    p.add_argument("--epoch", type=int, help="epoch to show (default: the last; negative counts from the end)")
    add_run_arg(p)
    p.add_argument("--dpi", type=float, default=100, help="resolution for PNG (default 100)")
    p.add_argument(
        "--diagnostics", action="store_true",
        help="add each layer's kind, det W and held-out linear read-out to its title",
    )
    p.add_argument("-o", "--output", required=True, help="figure file: .png, .svg or .pdf")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from netwarp.core.files import load_all

    out = check_output(args.output, FIGURE_TYPES)
    runs = load_all(args.file)
    traj = pick_run(runs, args.run, args.file)
    epoch = traj.epoch_index(args.epoch)
    from netwarp.view.figures import plot

    fig = plot(traj, epoch=epoch, diagnostics=args.diagnostics)
    save_figure(fig, out, dpi=args.dpi)
    print(f"saved {out} ({traj.name}, epoch {epoch})")
    say_run(runs, args.run, args.file)
    return 0
