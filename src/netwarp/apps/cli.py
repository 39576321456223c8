"""The ``netwarp`` command line: parses flags, calls the library, turns errors into one line.

Every sub-command lives in :mod:`netwarp.apps.commands`. Bad input prints
``netwarp: error: ...`` on stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from netwarp import __version__
from netwarp.errors import NetwarpError

#: Sub-commands, in the order ``--help`` lists them (module names in netwarp.apps.commands).
COMMANDS = ("demo", "train", "plot", "info", "datasets", "export", "sweep", "essay", "serve")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line: ``netwarp: error: ...`` and exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"netwarp: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="netwarp",
        description="See what a neural network does to data: every layer as a deformation "
        "of space, at every epoch of training.",
    )
    parser.add_argument("--version", action="version", version=f"netwarp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"netwarp.apps.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except NetwarpError as exc:
        sys.stderr.write(f"netwarp: error: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `netwarp info RUN.npz | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("netwarp: interrupted\n")
        return 130
    except MemoryError:
        sys.stderr.write("netwarp: error: out of memory (use fewer points, epochs or units)\n")
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"netwarp: error:{where} {exc.strerror or exc}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
