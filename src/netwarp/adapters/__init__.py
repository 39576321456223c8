"""Models trained elsewhere, recorded as netwarp trajectories (PyTorch: :mod:`.torch`)."""

from netwarp._lazy import submodules

__getattr__ = submodules(__name__)
