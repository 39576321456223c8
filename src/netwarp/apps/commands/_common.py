"""Parsing and output helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netwarp.errors import Interrupted, NetwarpError

if TYPE_CHECKING:
    from netwarp.core.trajectory import Trajectory


def positive_ints(text: str, what: str = "--hidden") -> tuple[int, ...]:
    """``"8,8"`` -> ``(8, 8)``; anything else is a clear error."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise NetwarpError(
            f"{what} {text}: expected comma-separated positive integers such as 2 or 8,8"
        ) from None
    if not values or any(v < 1 for v in values):
        raise NetwarpError(f"{what} {text}: layer sizes must be positive integers")
    return values


def positive_float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise NetwarpError(f"{what} {text}: expected a number") from None
    if not value > 0:
        raise NetwarpError(f"{what} {text}: must be greater than 0")
    return value


def size_wh(text: str) -> tuple[int, int]:
    """``"800x600"`` -> ``(800, 600)`` pixels."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise NetwarpError(f"--size {text}: expected WIDTHxHEIGHT in pixels, e.g. 1200x400") from None
    if w < 16 or h < 16 or w > 10000 or h > 10000:
        raise NetwarpError(f"--size {text}: width and height must be between 16 and 10000 pixels")
    return w, h


def check_output(path: str | Path, suffixes: Sequence[str]) -> Path:
    """Fail early (before any work) when ``path`` cannot be written or has the wrong type."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise NetwarpError(f"{path}: unknown output type {path.suffix or '(none)'!r}; use {', '.join(suffixes)}")
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise NetwarpError(f"{path}: is a directory")
    if not parent.is_dir():
        raise NetwarpError(f"cannot write {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise NetwarpError(f"cannot write {path}: permission denied")
    return path


def pick_run(runs: list[Trajectory], run: str | None, source: str) -> Trajectory:
    """The run ``--run`` names; without it the first (:func:`say_run` tells the user, once the output exists)."""
    from netwarp.core.files import select_run

    return runs[0] if run is None else select_run(runs, run, source)


def say_run(runs: list[Trajectory], run: str | None, source: str, verb: str = "used", alt: str = "") -> None:
    """After the output is written: on stderr, which run of several was taken when ``--run`` was not given
    (said last, so a refused option is still the one line of an error)."""
    if run is None and len(runs) > 1:
        print(
            f"{source} holds {len(runs)} runs; {verb} run 0 ({runs[0].name or '?'}); choose another with --run{alt}",
            file=sys.stderr,
        )


def save_figure(fig: Any, path: Path, dpi: float | None = None) -> Path:
    """Save a matplotlib figure atomically; its format follows the extension."""
    from netwarp.core.files import atomic_write

    fmt = path.suffix.lstrip(".").lower()
    return atomic_write(path, lambda fh: fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches="tight"))


def partial_path(path: Path) -> Path:
    """Where an interrupted run goes: ``run.npz`` -> ``run.partial.npz``."""
    return path.with_name(f"{path.stem}.partial{path.suffix}")


def save_run(traj: Trajectory, out: Path) -> Path:
    """Save a finished run to ``out``; an interrupted one (Ctrl-C) goes beside it, ``out`` is untouched.

    Raises :class:`~netwarp.errors.Interrupted` saying where the epochs trained so far are.
    """
    from netwarp.core.files import save

    if traj.stop_reason != "interrupted":
        return save(traj, out)
    kept = f"{out} untouched" if out.exists() else f"{out} not written"
    if traj.n_epochs == 0:
        raise Interrupted(f"before the first epoch; {kept}")
    partial = save(traj, partial_path(out))
    raise Interrupted(f"wrote the {traj.n_epochs} epochs trained so far to {partial} ({kept})")


def stop_if_interrupted(traj: Trajectory) -> Trajectory:
    """``traj``, unless Ctrl-C stopped its training: then stop the command (nothing is written)."""
    if traj.stop_reason == "interrupted":
        raise Interrupted(f"while training {traj.name or 'a run'}; nothing written")
    return traj


def add_run_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", help="which run of a file holding several (index or name; default: the first)")


Handler = Callable[[argparse.Namespace], int]
