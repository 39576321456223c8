"""Where an example writes its files, shared by the scripts in this folder.

``python examples/NAME.py [OUTPUT_DIR]``: the directory given, else ``$NETWARP_EXAMPLES_OUT``,
else a new temporary directory. (Python puts a script's folder on the import path, so each
script imports this as ``from _out import output_dir``.)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def output_dir() -> Path:
    """The output directory, created if missing."""
    where = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NETWARP_EXAMPLES_OUT")
    out = Path(where) if where else Path(tempfile.mkdtemp(prefix="netwarp-example-"))
    out.mkdir(parents=True, exist_ok=True)
    return out
