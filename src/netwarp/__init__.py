"""netwarp: see what a neural network does to data, every layer at every epoch of training.

The core (datasets, engine, record, trajectory, geometry) needs only NumPy and
scikit-learn; views import the core, never the reverse.
"""

from __future__ import annotations

from typing import Any

from netwarp import datafile, datasets, diagnostics, geometry, sweep
from netwarp.datafile import load_file
from netwarp.datasets import Dataset
from netwarp.diagnostics import Diagnostics, diagnose
from netwarp.errors import DataFileError, NetwarpError, TrajectoryFileError, UnsupportedParameterError
from netwarp.record import from_estimator, record, train
from netwarp.trajectory import Trajectory
from netwarp.trajio import load, load_all, save

__version__ = "0.1.0"


def plot(*args: Any, **kwargs: Any) -> Any:
    """Figure of every layer at one epoch; see :func:`netwarp.plotting.plot`."""
    from netwarp.plotting import plot as _plot

    return _plot(*args, **kwargs)


def animate(*args: Any, **kwargs: Any) -> int:
    """Write a GIF or MP4 of training or of the layer morph; see :func:`netwarp.animation.animate`."""
    from netwarp.animation import animate as _animate

    return _animate(*args, **kwargs)


def explore(*args: Any, **kwargs: Any) -> Any:
    """Interactive Jupyter widget of one or more runs; see :func:`netwarp.widget.explore`."""
    from netwarp.widget import explore as _explore

    return _explore(*args, **kwargs)


def export_html(*args: Any, **kwargs: Any) -> Any:
    """Write the interactive view as one self-contained HTML file; see :func:`netwarp.export.export_html`."""
    from netwarp.export import export_html as _export_html

    return _export_html(*args, **kwargs)


__all__ = [
    "DataFileError",
    "Dataset",
    "Diagnostics",
    "NetwarpError",
    "Trajectory",
    "TrajectoryFileError",
    "UnsupportedParameterError",
    "__version__",
    "animate",
    "datafile",
    "datasets",
    "diagnose",
    "diagnostics",
    "explore",
    "export_html",
    "from_estimator",
    "geometry",
    "load",
    "load_all",
    "load_file",
    "plot",
    "record",
    "save",
    "sweep",
    "train",
]
