"""The ``netwarp`` command line: parses flags, calls the library, turns errors into one line.

Every sub-command lives in :mod:`netwarp.apps.commands`. Bad input prints
``netwarp: error: ...`` on stderr and exits with status 2, never a traceback. Ctrl-C at any
moment prints one line (``netwarp: interrupted``, with what was kept) and exits with status
130; outputs are written atomically, so an interrupted command never leaves a partial one.
Start-up is quick: the commands import scikit-learn, matplotlib and the like only when they run.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import netwarp._startup as startup
from netwarp._startup import INTERRUPTED

#: Sub-commands, in the order ``--help`` lists them (module names in netwarp.apps.commands).
COMMANDS = ("demo", "train", "plot", "info", "datasets", "export", "sweep", "essay", "serve")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line: ``netwarp: error: ...`` and exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"netwarp: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    from netwarp._version import __version__

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


class _Sigint:
    """While a command runs: Ctrl-C raises KeyboardInterrupt as usual and is remembered, so an
    interrupt that some layer swallowed (training keeps the epochs so far) still exits 130."""

    def __init__(self) -> None:
        self.seen = False
        self.previous: Any = None

    def __enter__(self) -> _Sigint:
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: leave signals alone
            self.previous = None
        return self

    def _handle(self, signum: int, frame: object) -> None:
        self.seen = True
        startup.interrupts += 1
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _interrupted(note: str = "") -> int:
    sys.stderr.write(f"netwarp: interrupted{': ' + note if note else ''}\n")
    sys.stderr.flush()
    return INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    sigint = _Sigint()
    try:
        with sigint:
            try:
                return _main(argv, sigint)
            except KeyboardInterrupt as exc:
                if sigint.previous is not None:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the message
                return _interrupted(str(exc))
            except Exception:
                # Ctrl-C inside a library's import can surface as another error raised from it
                # (an ImportError "from" the KeyboardInterrupt): it is still an interrupt
                if not sigint.seen:
                    raise
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                return _interrupted()
    except KeyboardInterrupt:  # Ctrl-C between two handlers
        return _interrupted()


def _main(argv: Sequence[str] | None, sigint: _Sigint) -> int:
    from netwarp.errors import NetwarpError

    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args))
    except NetwarpError as exc:
        sys.stderr.write(f"netwarp: error: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `netwarp info RUN.npz | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except MemoryError:
        sys.stderr.write("netwarp: error: out of memory (use fewer points, epochs or units)\n")
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"netwarp: error:{where} {exc.strerror or exc}\n")
        return 2
    return _interrupted() if sigint.seen else code


if __name__ == "__main__":  # pragma: no cover
    status = main()
    if status == INTERRUPTED:
        # ``python -m`` would turn a KeyboardInterrupt that once passed through an extension's
        # PyRun_String (some imports do) into death by SIGINT at exit; leave with 130 instead.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(INTERRUPTED)
    raise SystemExit(status)
