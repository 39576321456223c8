"""Views of trajectories: geometry, diagnostics, the view payload, matplotlib figures and animations.
Views read the core's plain arrays and never import the apps."""
