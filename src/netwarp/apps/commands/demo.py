"""``netwarp demo``: the seed notebook, reproduced: tanh, identity and relu on interval1d."""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser
from pathlib import Path
from typing import Any

from netwarp.apps.commands._common import save_figure, stop_if_interrupted
from netwarp.apps.commands.train import train_with_progress
from netwarp.core.files import ensure_directory, save
from netwarp.core.spec import RunSpec
from netwarp.data import datasets
from netwarp.view.readout import dead_note

ACTIVATIONS = ("tanh", "identity", "relu")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="train the seed configuration for tanh, identity and relu and show it",
        description="Train the seed notebook's network (1 input, 2 hidden units, 1 output; "
        "sgd, learning rate 0.02, random_state 1) on interval1d for tanh, identity and relu. "
        "Writes DIR/netwarp-demo.png (figure), DIR/netwarp-demo.npz (the three runs) and "
        "DIR/netwarp-demo.html (the interactive view), prints a table and opens the view. "
        "The relu run's first hidden unit is dead from epoch 0 (zero on every training point): "
        "the table and the view say so, and with one working unit it cannot isolate the middle third.",
    )
    p.add_argument("--out", default="netwarp-demo", help="output directory (default ./netwarp-demo)")
    p.add_argument("--no-open", action="store_true", help="do not open the view in a web browser")
    p.set_defaults(func=run)


def train_runs() -> tuple[datasets.Dataset, list[Any]]:
    """The seed notebook's run (interval1d's recommended settings) for each of :data:`ACTIVATIONS`."""
    specs = [RunSpec.recommended("interval1d", activation=a, name=a) for a in ACTIVATIONS]
    data = specs[0].load_data()
    return data, [stop_if_interrupted(train_with_progress(data, s)) for s in specs]


def run(args: argparse.Namespace) -> int:
    out = ensure_directory(args.out)
    _, runs = train_runs()

    print()
    print(f"{'activation':<11}{'epochs':>7}  {'train acc':>9}  {'test acc':>8}  why it stopped")
    for t in runs:
        print(f"{t.name:<11}{t.n_epochs:>7}  {t.train_score[-1]:>9.4f}  {t.test_score[-1]:>8.4f}  {t.stop_reason}")
    notes = [n for t in runs if t.data is not None and (n := dead_note(t, t.data.X_train))]
    for note in notes:
        print(f"dead units: {note}")
    if notes:
        print("  (one unit of a 1-2-1 network can only cut the line once: 2/3 of the points at best)")
    print()

    print(f"wrote {save(runs, out / 'netwarp-demo.npz')}", flush=True)
    from netwarp.view.figures import plot_runs

    print(f"wrote {save_figure(plot_runs(runs), out / 'netwarp-demo.png', dpi=90)}", flush=True)
    html = _export_html(runs, out / "netwarp-demo.html")
    if html is not None:
        print(f"wrote {html}", flush=True)
    if html is not None and not args.no_open:
        _open(html)
    return 0


def _export_html(runs: list[Any], path: Path) -> Path | None:
    try:
        from netwarp.apps.export import export_html
    except ImportError:
        return None
    result: Path = export_html(runs, path, title="netwarp demo: the seed notebook")
    return result


def _open(path: Path) -> None:
    """Open the view in a browser where there is a display; otherwise say where it is."""
    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless or os.environ.get("CI") or not webbrowser.open(path.resolve().as_uri()):
        print(f"open {path} in a web browser to explore the runs")
