"""``netwarp export``: a run as an interactive HTML view, a figure, a GIF or an MP4."""

from __future__ import annotations

import argparse
import functools

from netwarp.apps.commands._common import (
    add_run_arg,
    check_output,
    pick_run,
    save_figure,
    say_run,
    size_wh,
)
from netwarp.errors import NetwarpError

FIGURES = (".png", ".svg", ".pdf")
MOVIES = (".gif", ".mp4")
TYPES = (".html", *FIGURES, *MOVIES)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="export a run as HTML view, PNG/SVG/PDF figure, or GIF/MP4 animation",
        description="Export a trajectory file. The output type follows the extension: .html "
        "(self-contained interactive view of every run, opens offline), .png/.svg/.pdf (one "
        "epoch), .gif/.mp4 (training over --epochs, or the layer-by-layer morph at --epoch with --morph).",
    )
    p.add_argument("file", help="a .npz trajectory written by netwarp")
    p.add_argument("-o", "--output", required=True, help="output file: " + ", ".join(TYPES))
    add_run_arg(p)
    p.add_argument("--epoch", type=int, help="epoch for figures and --morph (default: the last)")
    p.add_argument("--epochs", help="START:STOP:STEP epochs for animations (default: all, about 150 frames)")
    p.add_argument("--morph", action="store_true", help="animate the layer-by-layer deformation at --epoch")
    p.add_argument("--fps", type=float, default=20, help="frames per second for animations (default 20)")
    p.add_argument("--size", help="WIDTHxHEIGHT in pixels (default: 4 inches per panel at --dpi)")
    p.add_argument("--dpi", type=float, default=100, help="dots per inch (default 100)")
    p.add_argument("--layers", help="panels to show, e.g. 0,1,2 (0 = input; default all)")
    p.set_defaults(func=run)


def _layers(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise NetwarpError(f"--layers {text}: expected comma-separated layer indices such as 0,1,2") from None


def run(args: argparse.Namespace) -> int:
    out = check_output(args.output, TYPES)
    suffix = out.suffix.lower()
    if args.fps <= 0 or args.fps > 120:
        raise NetwarpError(f"--fps {args.fps:g}: must be in (0, 120]")
    if args.dpi <= 0:
        raise NetwarpError(f"--dpi {args.dpi:g}: must be > 0")
    size = size_wh(args.size) if args.size else None
    layers = _layers(args.layers)
    from netwarp.core.files import load_all

    runs = load_all(args.file)
    if suffix == ".html":
        from netwarp.apps.export import export_html

        export_html(runs, out, title=f"netwarp: {args.file}")
        print(f"saved {out} ({len(runs)} run(s))")
        return 0
    traj = pick_run(runs, args.run, args.file)
    say = functools.partial(say_run, runs, args.run, args.file, "exported", " (or export .html for all of them)")
    figsize = None if size is None else (size[0] / args.dpi, size[1] / args.dpi)
    if suffix in FIGURES:
        from netwarp.view.figures import plot

        epoch = traj.epoch_index(args.epoch)
        fig = plot(traj, epoch=epoch, layers=layers, figsize=figsize, dpi=args.dpi)
        save_figure(fig, out, dpi=args.dpi)
        print(f"saved {out} ({traj.name}, epoch {epoch})")
        say()
        return 0
    from netwarp.view.animation import animate, parse_epochs

    epochs = None if args.morph else parse_epochs(args.epochs, traj.n_epochs)
    n = animate(
        traj, path=out, epochs=epochs, morph=args.morph, epoch=args.epoch, fps=args.fps,
        figsize=figsize, dpi=args.dpi, layers=layers, progress=True,
    )  # fmt: skip
    print(f"saved {out} ({n} frames)")
    say()
    return 0
