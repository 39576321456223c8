"""Imported first by :mod:`netwarp`: when this process is the ``netwarp`` command, Ctrl-C during
start-up (before :func:`netwarp.apps.cli.main` takes over SIGINT) exits 130 with one line.

Anywhere else (``import netwarp`` in a notebook, tests) it changes nothing.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module: `signal` would import enum first
import os
import sys

INTERRUPTED = 130
#: Ctrl-Cs a running command has received (its handler counts them: a library may swallow the
#: KeyboardInterrupt it raises, e.g. in a callback, so long loops also poll :func:`interrupted`).
interrupts = 0


def interrupted() -> bool:
    """Whether Ctrl-C has reached the running command."""
    return interrupts > 0


def quit_on_sigint(signum: int, frame: object) -> None:
    """Ctrl-C outside a command: one line, status 130, nothing else runs."""
    os.write(2, b"netwarp: interrupted\n")
    os._exit(INTERRUPTED)


def is_command() -> bool:
    """True when this process runs the ``netwarp`` console script or ``python -m netwarp.apps.cli``."""
    argv = getattr(sys, "orig_argv", None) or sys.argv
    module = "netwarp.apps.cli" in argv and argv[argv.index("netwarp.apps.cli") - 1] == "-m"
    script = bool(sys.argv) and os.path.basename(sys.argv[0]) in ("netwarp", "netwarp.exe")
    return module or script


if is_command():
    _signal.signal(_signal.SIGINT, quit_on_sigint)
