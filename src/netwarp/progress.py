"""A small progress bar on stderr (no dependency), throttled to a few updates a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``bar = ProgressBar(total, "train tanh"); bar.update(n, "loss 0.1"); bar.close("done")``.

    On a terminal it redraws one line in place; elsewhere (logs, CI) it prints a line at
    every 10 % so long runs still show they are alive.
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(1, int(total))
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._last_decile = -1
        self.start = time.perf_counter()

    def update(self, done: int, note: str = "") -> None:
        frac = min(1.0, done / self.total)
        if self.tty:
            now = time.perf_counter()
            if now - self._last < 0.1 and done < self.total:
                return
            self._last = now
            filled = int(frac * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total} {note}".ljust(78))
            self.stream.flush()
        else:
            decile = int(frac * 10)
            if decile > self._last_decile:
                self._last_decile = decile
                self.stream.write(f"{self.label}: {done}/{self.total} {note}\n")
                self.stream.flush()

    def close(self, note: str = "") -> None:
        elapsed = time.perf_counter() - self.start
        end = f"{self.label}: {note} ({elapsed:.1f} s)"
        self.stream.write(("\r" + end.ljust(78) if self.tty else end) + "\n")
        self.stream.flush()
