"""What the server renders from a trajectory: the renderer's model, an HTML file, a PNG.

``GET /api/view`` answers with :func:`model_bytes`: one binary body holding the renderer's
spec and buffer (from :func:`netwarp.payload.build`), laid out as

- bytes 0..3: the spec's length ``L`` in bytes (uint32, little-endian),
- bytes 4..4+L: the spec as UTF-8 JSON,
- zero padding to a multiple of 8, then the buffer (whose arrays are 8-byte aligned).

The page splits it and calls the bundle's ``createLocalModel(spec, buffer)``.
"""

from __future__ import annotations

import io
import json
import math
import struct
import tempfile
import threading
from pathlib import Path
from typing import Any

from netwarp.trajectory import Trajectory

_PLOT_LOCK = threading.Lock()  # matplotlib's pyplot state is not thread-safe


def _clean(value: Any) -> Any:
    """JSON without NaN/Infinity (the browser's JSON.parse rejects them): they become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def model_bytes(runs: list[Trajectory], view: dict[str, Any], title: str = "") -> bytes:
    """The renderer's model of ``runs`` as one binary body (see the module docstring)."""
    from netwarp.payload import build

    spec, buffer = build(runs, title=title, view=view)
    head = json.dumps(_clean(spec), allow_nan=False, separators=(",", ":")).encode()
    pad = (-(4 + len(head))) % 8
    return struct.pack("<I", len(head)) + head + b"\0" * pad + buffer


def html(traj: Trajectory, title: str) -> bytes:
    """The self-contained interactive HTML file of one run."""
    from netwarp.export import export_html

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.html"
        export_html([traj], path, title=title)
        return path.read_bytes()


def png(traj: Trajectory, epoch: int, dpi: float = 100) -> bytes:
    """A PNG figure of every layer at ``epoch``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from netwarp.plotting import plot

    with _PLOT_LOCK:
        fig = plot(traj, epoch=epoch, dpi=dpi)
        try:
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
        finally:
            plt.close(fig)
    return out.getvalue()
