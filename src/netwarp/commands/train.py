"""``netwarp train``: train on a dataset, record every epoch, save a ``.npz`` trajectory."""

from __future__ import annotations

import argparse
from typing import Any

from netwarp import datasets
from netwarp._progress import ProgressBar
from netwarp.commands._common import check_output, positive_float, positive_ints
from netwarp.errors import NetwarpError
from netwarp.record import train as train_fn
from netwarp.trajio import save

ACTIVATIONS = ("tanh", "identity", "relu", "logistic")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "train",
        help="train a network and record every epoch",
        description="Train an MLP (scikit-learn's algorithm, netwarp's engine) and save its "
        "parameters at every epoch, with the data, as a .npz trajectory.",
    )
    p.add_argument("--dataset", default="interval1d", help="built-in dataset (see `netwarp datasets`; default interval1d)")
    p.add_argument("--n", type=int, help="number of points (default: the dataset's)")
    p.add_argument("--noise", type=float, help="noise level (default: the dataset's)")
    p.add_argument("--data-seed", type=int, default=0, help="seed of the generated points (default 0)")
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
    }


def train_with_progress(data: datasets.Dataset, opts: dict[str, Any], name: str | None = None) -> Any:
    label = name or opts["activation"]
    bar = ProgressBar(opts["max_iter"], f"train {label}")
    traj = train_fn(
        data.X_train, data.y_train, X_test=data.X_test, y_test=data.y_test,
        name=label, dataset_name=data.name,
        progress=lambda e, total, loss: bar.update(e, f"loss {loss:.4f}"), **opts,
    )  # fmt: skip
    bar.close(f"{traj.n_epochs} epochs, {traj.stop_reason}")
    return traj


def run(args: argparse.Namespace) -> int:
    opts = options(args)
    out = check_output(args.output or f"{args.dataset}.npz", [".npz"])
    data = datasets.load(args.dataset, n=args.n, noise=args.noise, random_state=args.data_seed)
    traj = train_with_progress(data, opts)
    save(traj, out)
    s = traj.summary()
    print(f"saved {out}: {s['epochs']} epochs, train accuracy {s['train_score']:.3f}, test accuracy {s['test_score']:.3f}")
    return 0
