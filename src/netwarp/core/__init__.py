"""The core: what a run is (:mod:`.spec`), how it trains (:mod:`.engine`, :mod:`.record`) and what it
leaves (:mod:`.trajectory`, saved by :mod:`.files`). It imports nothing above it (no view, no app)."""

from netwarp._lazy import submodules

__getattr__ = submodules(__name__)
