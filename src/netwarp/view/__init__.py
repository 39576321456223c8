"""Views of trajectories: geometry, diagnostics, the scene and its envelope, matplotlib figures and animations.
Views read the core's plain arrays and never import the apps."""

from netwarp._lazy import submodules

__getattr__ = submodules(__name__)
