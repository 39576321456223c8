"""``netwarp train``: train on a dataset or a data file, record every epoch, save a ``.npz`` trajectory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netwarp.apps.commands._common import check_output, save_run
from netwarp.apps.commands._spec import DEFAULTS_NOTE, add_spec_args, given, spec_from_args
from netwarp.core.spec import RunSpec
from netwarp.data import datasets
from netwarp.data import files as datafile
from netwarp.errors import NetwarpError
from netwarp.progress import ProgressBar


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "train",
        help="train a network and record every epoch",
        description="Train an MLP (scikit-learn's algorithm, netwarp's engine) and save its "
        "parameters at every epoch, with the data, as a .npz trajectory. The data is a built-in "
        "--dataset or your own --data file (CSV, TSV, Parquet or .npz with X and y). " + DEFAULTS_NOTE,
    )
    add_spec_args(p, ("dataset", "n", "noise", "data_seed"))
    p.add_argument("--data", metavar="FILE", help="your own data: .csv, .tsv, .parquet or .npz (instead of --dataset)")
    p.add_argument("--label", metavar="COLUMN", help="label column of --data (default: the last column; .npz: y)")
    p.add_argument("--features", metavar="A,B", help="feature columns of --data (default: all but the label)")
    p.add_argument("--scale", action="store_true", help="standardise features (mean and sd of the training rows)")
    p.add_argument("--split-seed", type=int, help=f"seed of the --data split (default {datasets.SPLIT_SEED})")
    limit = f"size limit of --data in MB (default {datafile.MAX_MB:g})"
    p.add_argument("--max-mb", type=float, default=datafile.MAX_MB, help=limit)
    add_spec_args(p, TRAINING)
    p.add_argument("-o", "--output", default=None, help="output trajectory file (default DATASET.npz)")
    p.set_defaults(func=run)


#: The settings ``netwarp train`` takes as flags besides the data's.
TRAINING = ("test_size", "task", "hidden", "activation", "solver", "learning_rate_init", "max_iter", "batch_size",
            "alpha", "tol", "n_iter_no_change", "random_state", "early_stop", "crosses")  # fmt: skip


def run_spec(args: argparse.Namespace) -> RunSpec:
    """The run the flags describe: a built-in dataset's recommended settings (or, for --data files,
    the defaults), then every flag given."""
    if args.data is not None:
        return RunSpec(**given(args, TRAINING), dataset=Path(args.data).stem or "data")
    return spec_from_args(args, ("dataset", "n", "noise", "data_seed", *TRAINING))


def train_with_progress(data: datasets.Dataset, spec: RunSpec) -> Any:
    """Train ``spec`` on ``data`` with a progress bar on stderr; Ctrl-C stops it between epochs
    (its stop reason is then ``interrupted``), even where a library swallowed the KeyboardInterrupt."""
    from netwarp._startup import interrupted
    from netwarp.core.record import train as train_fn

    label = spec.name or spec.activation
    bar = ProgressBar(spec.max_iter, f"train {label}")
    traj = train_fn(
        data.X_train, data.y_train, spec, X_test=data.X_test, y_test=data.y_test, name=label,
        dataset_name=data.name, progress=lambda e, total, loss: bar.update(e, f"loss {loss:.4f}"),
        should_stop=interrupted,
    )  # fmt: skip
    if interrupted():
        traj.stop_reason = "interrupted"
    bar.close(f"{traj.n_epochs} epochs, {traj.stop_reason}")
    return traj


def load_data(args: argparse.Namespace, spec: RunSpec) -> datasets.Dataset:
    """The built-in dataset of ``spec`` or the ``--data`` file, with the split flags applied."""
    if args.data is None:
        only_files = (("--label", args.label), ("--features", args.features), ("--scale", args.scale or None),
                      ("--split-seed", args.split_seed))  # fmt: skip
        for flag, value in only_files:
            if value is not None:
                raise NetwarpError(f"{flag} applies to --data files only")
        if spec.task == "regression":
            raise NetwarpError(
                "--task regression needs --data FILE with numeric targets (built-in datasets have classes)"
            )
        return spec.load_data()
    given = [flag for flag, value in (("--dataset", args.dataset), ("--n", args.n), ("--noise", args.noise),
             ("--data-seed", args.data_seed)) if value is not None]  # fmt: skip
    if given:
        raise NetwarpError(f"{given[0]} applies to built-in datasets, not to --data {args.data}")
    if not args.max_mb > 0:
        raise NetwarpError(f"--max-mb {args.max_mb:g}: must be greater than 0")
    features = None if args.features is None else [f.strip() for f in args.features.split(",") if f.strip()]
    return datafile.load_file(
        args.data, args.label, features=features, scale=args.scale, test_size=spec.test_size,
        random_state=datasets.SPLIT_SEED if args.split_seed is None else args.split_seed,
        max_bytes=int(args.max_mb * 2**20), task=spec.task,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    spec = run_spec(args)
    default_out = f"{Path(args.data).stem or 'data'}.npz" if args.data else f"{spec.dataset}.npz"
    out = check_output(args.output or default_out, [".npz"])
    data = load_data(args, spec)
    traj = train_with_progress(data, spec)
    if isinstance(data, datafile.FileDataset):
        traj.config["data"] = data.info()
    save_run(traj, out)
    s = traj.summary()
    kind = "R^2" if spec.task == "regression" else "accuracy"
    scores = f"train {kind} {s['train_score']:.3f}, test {kind} {s['test_score']:.3f}"
    print(f"saved {out}: {s['epochs']} epochs, {scores}")
    return 0
