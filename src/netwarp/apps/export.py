"""One self-contained HTML file holding the interactive view of one or more runs.

Everything is inlined (the bundled ES module, its CSS and the view's envelope,
:mod:`netwarp.view.envelope`, as base64 in one script tag), and a Content-Security-Policy
forbids the page any network access, so
the file opens from disk anywhere. The view state lives in the URL hash
(``view.html#e=120&r=1&m=2.5``), so a link can point at one epoch and stage.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from netwarp.apps.bundle import bundle_css, inline_script
from netwarp.core import files as trajio
from netwarp.core.recording import Recording
from netwarp.core.trajectory import Trajectory
from netwarp.errors import LimitError, NetwarpError
from netwarp.view import envelope
from netwarp.view.scene import Scene

#: The page may load nothing from anywhere: inline code and styles, data:/blob: images.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

_BOOT = """
const text = atob(document.getElementById("netwarp-envelope").textContent.trim());
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
const el = document.getElementById("netwarp");
__nw_view.render({ model: createLocalModel(bytes), el });
document.addEventListener("keydown", (ev) => {
  const root = el.querySelector(".netwarp");
  if (root && (ev.target === document.body || ev.target === document.documentElement)) {
    const init = { key: ev.key, code: ev.code, shiftKey: ev.shiftKey, bubbles: true };
    root.dispatchEvent(new KeyboardEvent("keydown", init));
    if (ev.key === " " || ev.key.startsWith("Arrow")) ev.preventDefault();
  }
});
"""


def page(data: bytes, *, title: str = "netwarp") -> str:
    """The HTML page for a view envelope (:func:`netwarp.view.envelope.encode`)."""
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<style>\nbody{{margin:0;background:#fff}}\n{bundle_css()}\n</style>\n</head>\n<body>\n"
        "<div id=\"netwarp\"></div>\n"
        "<script type=\"application/octet-stream\" id=\"netwarp-envelope\">"
        f"{base64.b64encode(data).decode('ascii')}</script>\n"
        f"<script type=\"module\">\n{inline_script()}\n{_BOOT}</script>\n"
        "</body>\n</html>\n"
    )


#: The most a page's view may hold (parameters and points, before base64): beyond it the file
#: would be absurd for a browser to open, so the export is refused before anything is built.
MAX_PAGE_BYTES = 256 * 2**20


def _check_size(runs: Trajectory | Sequence[Trajectory], X: Any) -> None:
    trajs = [runs] if isinstance(runs, Trajectory) else list(runs)
    n_points = 0
    if X is not None:
        n_points = int(getattr(X, "size", 0) or 0)
    elif trajs and trajs[0].data is not None:
        n_points = int(trajs[0].data.X_train.size + trajs[0].data.X_test.size)
    size = 8 * (n_points + sum(int(t.params.size) for t in trajs))
    size += sum(4 * v.size for t in trajs if isinstance(t, Recording) for v in t.values)
    if size > MAX_PAGE_BYTES:
        raise LimitError(
            f"the page would hold {size / 2**20:,.0f} MB of parameters and points (at most {MAX_PAGE_BYTES >> 20} MB): "
            "export fewer runs, or record fewer epochs or a smaller network"
        )


def export_html(
    runs: Trajectory | Sequence[Trajectory],
    path: str | Path,
    X: Any = None,
    y: Any = None,
    *,
    title: str = "netwarp",
    view: dict[str, Any] | None = None,
) -> Path:
    """Write the interactive view of ``runs`` to ``path`` as one self-contained HTML file.

    ``X`` ``(n, d)``, ``y`` ``(n,)`` default to the first run's data; ``view`` sets the
    initial state (see :class:`netwarp.view.scene.Scene`). The file is written atomically: on
    any error an existing file at ``path`` is left untouched. Returns the path. A view larger
    than :data:`MAX_PAGE_BYTES` is refused (:class:`~netwarp.errors.LimitError`).
    """
    target = Path(path)
    if target.is_dir():
        raise NetwarpError(f"cannot write {target}: it is a directory; give a file name like view.html")
    _check_size(runs, X)
    data = envelope.encode(Scene.from_trajectories(runs, X, y, view=view, title=title))
    text = page(data, title=title).encode("utf-8")
    return trajio.atomic_write(target, lambda fh: fh.write(text))
