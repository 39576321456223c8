"""``netwarp sweep``: train every combination of architecture, activation and seed; write a table and a plot."""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from netwarp.apps import sweep as sw
from netwarp.apps.commands._common import check_output, save_figure
from netwarp.apps.commands._spec import DEFAULTS_NOTE, add_spec_args, given, parse
from netwarp.errors import NetwarpError
from netwarp.progress import ProgressBar

TABLES = (".csv",)
DATASET = "disk_annulus"
#: Run settings the sweep takes as flags (one value for every run).
SETTINGS = ("solver", "learning_rate_init", "max_iter", "n", "noise", "data_seed", "early_stop")
FIGURES = (".png", ".svg", ".pdf")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sweep",
        help="train many architectures and seeds; write a CSV table and an accuracy plot",
        description="Train every combination of --dataset, --hidden, --activation and --seeds and "
        "write one row per run (dataset, hidden, activation, seed, epochs, train/test accuracy, first "
        "linearly separable layer, ...). Runs on local processes, or on a Dask cluster with --dask. "
        "Example: netwarp sweep --dataset disk_annulus --hidden 2 --hidden 3 --hidden 2,2,2 "
        "--seeds 0:20 -o results.csv -o results.png. " + DEFAULTS_NOTE,
    )
    p.add_argument("--dataset", action="append", help=f"built-in dataset; repeat for several (default {DATASET})")
    p.add_argument("--hidden", action="append", help="hidden widths such as 2 or 2,2,2; repeat (default 2 and 3)")
    p.add_argument("--activation", action="append", help="tanh, identity, relu or logistic; repeat (default tanh)")
    p.add_argument("--seeds", default="0:10", help="network seeds: START:STOP (0:20 = 0 to 19) or 1,4,9 (default 0:10)")
    add_spec_args(p, SETTINGS)
    p.add_argument("--jobs", type=int, help="local processes (default: all cores; 1 = no subprocesses)")
    p.add_argument("--dask", metavar="SCHEDULER", help="run on the Dask cluster at this address, e.g. tcp://host:8786")
    p.add_argument("-o", "--output", action="append", default=[],
                   help="output: .csv table and/or .png/.svg/.pdf plot; repeat for both")  # fmt: skip
    p.add_argument("--plot", help="plot of accuracy by architecture (.png/.svg/.pdf); same as a second -o")
    p.set_defaults(func=run)


def _outputs(args: argparse.Namespace) -> tuple[list[Path], list[Path]]:
    paths = [*args.output, *([args.plot] if args.plot else [])]
    if not paths:
        raise NetwarpError("give an output: -o results.csv (and/or -o results.png for the plot)")
    tables: list[Path] = []
    figures: list[Path] = []
    for text in paths:
        path = check_output(text, [*TABLES, *FIGURES])
        (tables if path.suffix.lower() in TABLES else figures).append(path)
    if args.plot and Path(args.plot).suffix.lower() not in FIGURES:
        raise NetwarpError(f"--plot {args.plot}: use a .png, .svg or .pdf file")
    return tables, figures


def run(args: argparse.Namespace) -> int:
    tables, figures = _outputs(args)
    if args.jobs is not None and args.dask:
        raise NetwarpError("--jobs and --dask exclude each other (the Dask cluster decides how many run at once)")
    hidden = [parse("hidden", h) for h in args.hidden or ["2", "3"]]
    activations = [parse("activation", a) for a in args.activation or ["tanh"]]
    specs = sw.grid(args.dataset or [DATASET], hidden, activations, sw.parse_seeds(args.seeds), **given(args, SETTINGS))
    where = f"Dask at {args.dask}" if args.dask else "local processes"
    bar = ProgressBar(len(specs), f"sweep {len(specs)} runs on {where}")
    rows = sw.sweep(specs, n_jobs=args.jobs, scheduler=args.dask, progress=lambda done, total: bar.update(done))
    failed = sum(1 for r in rows if r["error"])
    bar.close(f"{len(rows) - failed} done" + (f", {failed} failed" if failed else ""))
    _print_table(rows)
    for path in tables:
        sw.write_csv(rows, path)
        print(f"wrote {path} ({len(rows)} rows)")
    for path in figures:
        save_figure(sw.plot_sweep(rows), path, dpi=110)
        print(f"wrote {path}")
    return 0


def _print_table(rows: list[sw.Row]) -> None:
    """Median, min and max test accuracy per dataset and architecture."""
    print(f"{'dataset':<14}{'hidden':<10}{'activation':<11}{'runs':>5}{'median':>8}{'min':>7}{'max':>7}  separable")
    groups = list(dict.fromkeys((r["dataset"], r["hidden"], r["activation"]) for r in rows))
    for key in groups:
        runs = [r for r in rows if (r["dataset"], r["hidden"], r["activation"]) == key]
        acc = [float(r["test_accuracy"]) for r in runs if not r["error"]]
        sep = sum(1 for r in runs if not r["error"] and r["first_separable_layer"] != "")
        stats = f"{'-':>8}{'-':>7}{'-':>7}"
        if acc:
            stats = f"{statistics.median(acc):>8.3f}{min(acc):>7.3f}{max(acc):>7.3f}"
        failed = len(runs) - len(acc)
        note = f"  ({failed} failed)" if failed else ""
        print(f"{key[0]:<14}{key[1]:<10}{key[2]:<11}{len(runs):>5}{stats}  {sep}/{len(acc)}{note}")
    errors = [r for r in rows if r["error"]]
    for r in errors[:3]:
        print(f"failed: {r['dataset']} hidden {r['hidden']} {r['activation']} seed {r['seed']}: {r['error']}")
