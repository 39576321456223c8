"""``netwarp datasets``: the built-in datasets, one line each (``--settings``: with their recommended run)."""

from __future__ import annotations

import argparse
import re


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "datasets", help="list the built-in datasets", description="List the built-in datasets with their defaults."
    )
    p.add_argument("--settings", action="store_true",
                   help="also print the run settings each dataset recommends (what `netwarp train` uses)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from netwarp.apps.commands._spec import FLAGS
    from netwarp.core.spec import RunSpec
    from netwarp.data import datasets

    for spec in datasets.DATASETS.values():
        dims = f"{spec.n_features}-D, {spec.n_classes} classes"
        print(f"{spec.name:<14} {dims:<18} n={spec.n:<5} noise={spec.noise:<5g} {plain(spec.summary)}")
        if args.settings:
            run_spec = RunSpec.recommended(spec.name)
            base = RunSpec()
            flags = [
                f"{FLAGS[k]} {','.join(map(str, v)) if isinstance(v, tuple) else v}"
                for k, v in run_spec.to_json().items()
                if k in FLAGS and k not in ("dataset", "early_stop") and getattr(run_spec, k) != getattr(base, k)
            ]
            if not run_spec.early_stop:
                flags.append("--no-early-stop")
            print(f"{'':<14} recommended: {' '.join(flags) if flags else 'the seed notebook settings'}")
    return 0


def plain(text: str) -> str:
    """Docstring markup as plain text: ``noise``, :func:`f` and `x` lose their quotes and roles."""
    return re.sub(r"(?::[\w:]+:)?`{1,2}([^`]*)`{1,2}", r"\1", text)
