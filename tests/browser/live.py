"""An exported page whose model the test holds (``window.__model``), as a host that keeps
talking to its view does: the widget appending chunks, the web app replacing the envelope."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from netwarp.apps.export import page

BOOT = "__nw_view.render({ model: createLocalModel(bytes), el });"


def live_page(data: bytes, path: Path, title: str) -> Path:
    """The export's page for envelope ``data``, its model kept in ``window.__model``."""
    text = page(data, title=title)
    assert BOOT in text
    path.write_text(text.replace(BOOT, "window.__model = createLocalModel(bytes);\n"
                                      "__nw_view.render({ model: window.__model, el });"))  # fmt: skip
    return path


def give_model(page: Any, call: str, data: bytes) -> None:
    """Run ``window.__model.<call>(b)`` in ``page`` with ``data`` as the Uint8Array ``b``
    (``call`` is e.g. ``append(b)`` or ``set('envelope', b)``)."""
    page.evaluate(
        f"""(b64) => {{ const s = atob(b64); const b = new Uint8Array(s.length);
            for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
            window.__model.{call}; }}""",
        base64.b64encode(data).decode(),
    )
