"""Models trained elsewhere, recorded as netwarp trajectories (PyTorch: :mod:`.torch`)."""
