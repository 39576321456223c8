"""``netwarp datasets``: the built-in datasets, one line each."""

from __future__ import annotations

import argparse

from netwarp.data import datasets


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "datasets", help="list the built-in datasets", description="List the built-in datasets with their defaults."
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for spec in datasets.DATASETS.values():
        dims = f"{spec.n_features}-D, {spec.n_classes} classes"
        print(f"{spec.name:<14} {dims:<18} n={spec.n:<5} noise={spec.noise:<5g} {spec.summary}")
    return 0
