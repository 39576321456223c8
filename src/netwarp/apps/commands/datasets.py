"""``netwarp datasets``: the built-in datasets, one line each."""

from __future__ import annotations

import argparse
import re


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "datasets", help="list the built-in datasets", description="List the built-in datasets with their defaults."
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from netwarp.data import datasets

    for spec in datasets.DATASETS.values():
        dims = f"{spec.n_features}-D, {spec.n_classes} classes"
        print(f"{spec.name:<14} {dims:<18} n={spec.n:<5} noise={spec.noise:<5g} {plain(spec.summary)}")
    return 0


def plain(text: str) -> str:
    """Docstring markup as plain text: ``noise``, :func:`f` and `x` lose their quotes and roles."""
    return re.sub(r"(?::[\w:]+:)?`{1,2}([^`]*)`{1,2}", r"\1", text)
