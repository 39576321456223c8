"""Command-line flags for a :class:`~netwarp.core.spec.RunSpec`, made from its settings table.

The flags' names are the CLI's own (``--lr``, ``--seed``, ``--no-early-stop``); their types,
defaults and help come from :data:`netwarp.core.spec.SETTINGS`, so ``--help`` states the
same defaults the run uses. Flags left out keep the dataset's recommended settings.
"""

from __future__ import annotations

import argparse
from typing import Any

from netwarp.core.spec import BY_NAME, RunSpec, Setting, check_value, parse_text
from netwarp.errors import NetwarpError

#: Setting name -> the flag that sets it.
FLAGS = {
    "dataset": "--dataset", "n": "--n", "noise": "--noise", "data_seed": "--data-seed", "test_size": "--test-size",
    "task": "--task", "hidden": "--hidden", "activation": "--activation", "solver": "--solver",
    "learning_rate_init": "--lr", "batch_size": "--batch-size", "alpha": "--alpha", "max_iter": "--max-iter",
    "early_stop": "--no-early-stop", "tol": "--tol", "n_iter_no_change": "--n-iter-no-change",
    "random_state": "--seed", "crosses": "--crosses",
}  # fmt: skip
#: Said once in each command's help: where the defaults come from.
DEFAULTS_NOTE = (
    "Settings left out take the built-in dataset's recommended values (see `netwarp datasets --settings`); "
    "the defaults shown are the seed notebook's, used for interval1d and for --data files."
)


def _help(s: Setting) -> str:
    choices = f": {', '.join(s.choices)}" if s.choices else ""
    return f"{s.help}{choices} (default {s.describe_default()})"


def add_spec_args(p: argparse.ArgumentParser, names: tuple[str, ...], *, repeat: tuple[str, ...] = ()) -> None:
    """Add the flags of the settings ``names``; those in ``repeat`` may be given several times."""
    for name in names:
        s = BY_NAME[name]
        flag = FLAGS[name]
        if s.kind == "bool":
            p.add_argument(flag, dest=name, action="store_false", default=None,
                           help=f"turn off: {s.help} (default {s.describe_default()})")  # fmt: skip
            continue
        metavar = flag.lstrip("-").replace("-", "_").upper()
        action = "append" if name in repeat else "store"
        more = "; repeat for several" if name in repeat else ""
        p.add_argument(flag, dest=name, action=action, default=None, metavar=metavar,
                       help=_help(s).replace(" (default", f"{more} (default", 1))  # fmt: skip


def given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """The settings among ``names`` given on the command line, parsed (text -> values).

    Errors name the flag: ``--lr abc: expected a number``.
    """
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(args, name, None)
        if value is None or isinstance(value, list):
            continue
        out[name] = parse(name, value)
    return out


def parse(name: str, value: Any) -> Any:
    """One setting's value from its command-line text, checked against the table."""
    s = BY_NAME[name]
    try:
        return check_value(s, parse_text(s, value) if isinstance(value, str) else value)
    except NetwarpError as exc:
        raise NetwarpError(f"{FLAGS[name]} {value}: {str(exc).split(': ', 1)[-1]}") from None


def spec_from_args(args: argparse.Namespace, names: tuple[str, ...], dataset: str | None = None) -> RunSpec:
    """A RunSpec: the dataset's recommended settings (``dataset`` or ``--dataset``), then the flags given."""
    values = given(args, names)
    name = dataset if dataset is not None else values.pop("dataset", BY_NAME["dataset"].default)
    values.pop("dataset", None)
    return RunSpec.recommended(name, **values)
