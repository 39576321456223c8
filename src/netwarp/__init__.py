"""netwarp: see what a neural network does to data, every layer at every epoch of training.

The core (datasets, engine, record, trajectory, geometry) needs only NumPy and
scikit-learn; views import the core, never the reverse.
"""

from __future__ import annotations

from typing import Any

from netwarp.apps import sweep
from netwarp.core.files import load, load_all, save
from netwarp.core.record import from_estimator, record, train
from netwarp.core.trajectory import Trajectory
from netwarp.data import datasets
from netwarp.data import files as datafile
from netwarp.data.datasets import Dataset
from netwarp.data.files import load_file
from netwarp.errors import DataFileError, NetwarpError, TrajectoryFileError, UnsupportedParameterError
from netwarp.view import diagnostics, geometry
from netwarp.view.diagnostics import Diagnostics, diagnose

__version__ = "0.1.0"


def plot(*args: Any, **kwargs: Any) -> Any:
    """Figure of every layer at one epoch; see :func:`netwarp.view.figures.plot`."""
    from netwarp.view.figures import plot as _plot

    return _plot(*args, **kwargs)


def animate(*args: Any, **kwargs: Any) -> int:
    """Write a GIF or MP4 of training or of the layer morph; see :func:`netwarp.view.animation.animate`."""
    from netwarp.view.animation import animate as _animate

    return _animate(*args, **kwargs)


def explore(*args: Any, **kwargs: Any) -> Any:
    """Interactive Jupyter widget of one or more runs; see :func:`netwarp.apps.widget.explore`."""
    from netwarp.apps.widget import explore as _explore

    return _explore(*args, **kwargs)


def export_html(*args: Any, **kwargs: Any) -> Any:
    """Write the interactive view as one self-contained HTML file; see :func:`netwarp.apps.export.export_html`."""
    from netwarp.apps.export import export_html as _export_html

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
