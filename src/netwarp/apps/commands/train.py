"""``netwarp train``: train on a dataset or a data file, record every epoch, save a ``.npz`` trajectory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netwarp.apps.commands._common import check_output, positive_float, positive_ints, save_run
from netwarp.data import datasets
from netwarp.data import files as datafile
from netwarp.errors import NetwarpError
from netwarp.progress import ProgressBar

ACTIVATIONS = ("tanh", "identity", "relu", "logistic")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "train",
        help="train a network and record every epoch",
        description="Train an MLP (scikit-learn's algorithm, netwarp's engine) and save its "
        "parameters at every epoch, with the data, as a .npz trajectory. The data is a built-in "
        "--dataset or your own --data file (CSV, TSV, Parquet or .npz with X and y).",
    )
    p.add_argument("--dataset", default=None, help="built-in dataset (see `netwarp datasets`; default interval1d)")
    p.add_argument("--n", type=int, help="number of points (default: the dataset's)")
    p.add_argument("--noise", type=float, help="noise level (default: the dataset's)")
    p.add_argument("--data-seed", type=int, default=None, help="seed of the generated points (default 0)")
    p.add_argument("--data", metavar="FILE", help="your own data: .csv, .tsv, .parquet or .npz (instead of --dataset)")
    p.add_argument("--label", metavar="COLUMN", help="label column of --data (default: the last column; .npz: y)")
    p.add_argument("--features", metavar="A,B", help="feature columns of --data (default: all but the label)")
    p.add_argument("--scale", action="store_true", help="standardise features (mean and sd of the training rows)")
    p.add_argument("--test-size", type=float, default=0.5, help="share of rows held out for testing (default 0.5)")
    p.add_argument("--split-seed", type=int, help=f"seed of the --data split (default {datasets.SPLIT_SEED})")
    limit = f"size limit of --data in MB (default {datafile.MAX_MB:g})"
    p.add_argument("--max-mb", type=float, default=datafile.MAX_MB, help=limit)
    p.add_argument(
        "--task", choices=("classification", "regression"), default="classification",
        help="classification (labels) or regression (numeric targets, --data only; default classification)",
    )  # fmt: skip
    p.add_argument("--hidden", default="2", help="hidden layer widths: 2 or 8,8 (default 2)")
    p.add_argument("--activation", default="tanh", help="tanh, identity, relu or logistic (default tanh)")
    p.add_argument("--solver", default="sgd", help="sgd or adam (default sgd)")
    p.add_argument("--lr", default="0.02", help="initial learning rate (default 0.02)")
    p.add_argument("--max-iter", type=int, default=1500, help="most epochs (default 1500)")
    p.add_argument("--batch-size", default="auto", help="mini-batch size or auto = min(200, n) (default auto)")
    p.add_argument("--alpha", type=float, default=0.0001, help="L2 penalty (default 0.0001)")
    p.add_argument("--seed", type=int, default=1, help="random_state of the network (default 1)")
    p.add_argument("--no-early-stop", action="store_true", help="train all --max-iter epochs (ignore the tol rule)")
    p.add_argument("-o", "--output", default=None, help="output trajectory file (default DATASET.npz)")
    p.set_defaults(func=run)


def options(args: argparse.Namespace) -> dict[str, Any]:
    """Validated training options shared by ``train`` and other commands."""
    if args.activation not in ACTIVATIONS:
        raise NetwarpError(f"--activation {args.activation}: use one of {', '.join(ACTIVATIONS)}")
    if args.solver not in ("sgd", "adam"):
        raise NetwarpError(f"--solver {args.solver}: use sgd or adam (lbfgs records no epochs)")
    if args.max_iter < 1:
        raise NetwarpError(f"--max-iter {args.max_iter}: must be at least 1")
    if args.alpha < 0:
        raise NetwarpError(f"--alpha {args.alpha}: must be >= 0")
    batch: int | str = "auto"
    if args.batch_size != "auto":
        try:
            batch = int(args.batch_size)
        except ValueError:
            raise NetwarpError(f"--batch-size {args.batch_size}: expected a positive integer or auto") from None
        if batch < 1:
            raise NetwarpError(f"--batch-size {args.batch_size}: must be at least 1")
    return {
        "hidden": positive_ints(args.hidden),
        "activation": args.activation,
        "solver": args.solver,
        "learning_rate_init": positive_float(args.lr, "--lr"),
        "max_iter": args.max_iter,
        "batch_size": batch,
        "alpha": args.alpha,
        "random_state": args.seed,
        "early_stop": not args.no_early_stop,
        "task": getattr(args, "task", "classification"),
    }


def train_with_progress(data: datasets.Dataset, opts: dict[str, Any], name: str | None = None) -> Any:
    from netwarp.core.record import train as train_fn

    label = name or opts["activation"]
    bar = ProgressBar(opts["max_iter"], f"train {label}")
    traj = train_fn(
        data.X_train, data.y_train, X_test=data.X_test, y_test=data.y_test,
        name=label, dataset_name=data.name,
        progress=lambda e, total, loss: bar.update(e, f"loss {loss:.4f}"), **opts,
    )  # fmt: skip
    bar.close(f"{traj.n_epochs} epochs, {traj.stop_reason}")
    return traj


def load_data(args: argparse.Namespace) -> datasets.Dataset:
    """The built-in ``--dataset`` or the ``--data`` file, with the split flags applied."""
    if not 0 < args.test_size < 1:
        raise NetwarpError(f"--test-size {args.test_size:g}: must be between 0 and 1")
    if args.data is None:
        only_files = (("--label", args.label), ("--features", args.features), ("--scale", args.scale or None),
                      ("--split-seed", args.split_seed))  # fmt: skip
        for flag, value in only_files:
            if value is not None:
                raise NetwarpError(f"{flag} applies to --data files only")
        if args.task == "regression":
            raise NetwarpError(
                "--task regression needs --data FILE with numeric targets (built-in datasets have classes)"
            )
        return datasets.load(
            args.dataset or "interval1d", n=args.n, noise=args.noise,
            random_state=0 if args.data_seed is None else args.data_seed, test_size=args.test_size,
        )  # fmt: skip
    given = [flag for flag, value in (("--dataset", args.dataset), ("--n", args.n), ("--noise", args.noise),
             ("--data-seed", args.data_seed)) if value is not None]  # fmt: skip
    if given:
        raise NetwarpError(f"{given[0]} applies to built-in datasets, not to --data {args.data}")
    if not args.max_mb > 0:
        raise NetwarpError(f"--max-mb {args.max_mb:g}: must be greater than 0")
    features = None if args.features is None else [f.strip() for f in args.features.split(",") if f.strip()]
    return datafile.load_file(
        args.data, args.label, features=features, scale=args.scale, test_size=args.test_size,
        random_state=datasets.SPLIT_SEED if args.split_seed is None else args.split_seed,
        max_bytes=int(args.max_mb * 2**20), task=args.task,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    opts = options(args)
    default_out = f"{Path(args.data).stem or 'data'}.npz" if args.data else f"{args.dataset or 'interval1d'}.npz"
    out = check_output(args.output or default_out, [".npz"])
    data = load_data(args)
    traj = train_with_progress(data, opts)
    if isinstance(data, datafile.FileDataset):
        traj.config["data"] = data.info()
    save_run(traj, out)
    s = traj.summary()
    kind = "R^2" if args.task == "regression" else "accuracy"
    scores = f"train {kind} {s['train_score']:.3f}, test {kind} {s['test_score']:.3f}"
    print(f"saved {out}: {s['epochs']} epochs, {scores}")
    return 0
