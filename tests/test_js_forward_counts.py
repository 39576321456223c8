"""How many forward passes the renderer runs (tests/js/forward_counts.mjs, under node, with nn.js's
forward passes counted): the page's trainer runs nn.js's one forward pass, once per batch, and the
diagram and the boundary layers do not run theirs again when only the highlighted unit changed,
but do after an edit and at another epoch (they cache on epoch and edit, static/epochcache.js)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "js" / "forward_counts.mjs"
NODE = shutil.which("node") or "/usr/bin/node"


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_forward_passes_are_shared_and_not_repeated_for_a_highlight() -> None:
    proc = subprocess.run([NODE, str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["trainer"]["forward"] == got["trainer"]["batches"] == 4  # nn.forward, not a copy of it
    view = got["view"]
    assert view["steps"] == ["first", "highlight", "edit", "epoch"]
    assert view["highlighted"] == [1, True]  # the highlight did reach the diagram and the boundary layer
    for part in ("diagram", "boundary"):
        first, highlight, edit, epoch = view[part]
        assert first > 0 and edit == first and epoch == first, (part, view[part])
        assert highlight == 0, (part, view[part])
