"""netwarp: see what a neural network does to data, every layer at every epoch of training.

The core (datasets, engine, record, trajectory, geometry) needs only NumPy and
scikit-learn; views import the core, never the reverse.

Importing ``netwarp`` is instant: every name below is imported when first used (PEP 562),
so ``netwarp --help`` does not pay for scikit-learn, SciPy or matplotlib.
"""

from __future__ import annotations

from netwarp import _startup  # noqa: F401 (first: as the `netwarp` command, Ctrl-C exits 130)

# isort: split
import importlib
from typing import TYPE_CHECKING, Any

from netwarp._version import __version__
from netwarp.errors import (
    DataFileError,
    DataLimitError,
    LimitError,
    NetwarpError,
    TrajectoryFileError,
    TrajectoryLimitError,
    UnsupportedParameterError,
)

#: name -> (module, attribute or None for the module itself), imported on first use.
_LAZY: dict[str, tuple[str, str | None]] = {
    "Dataset": ("netwarp.data.datasets", "Dataset"),
    "RunSpec": ("netwarp.core.spec", "RunSpec"),
    "Diagnostics": ("netwarp.view.diagnostics", "Diagnostics"),
    "Trajectory": ("netwarp.core.trajectory", "Trajectory"),
    "Recording": ("netwarp.core.recording", "Recording"),
    "datafile": ("netwarp.data.files", None),
    "datasets": ("netwarp.data.datasets", None),
    "diagnose": ("netwarp.view.diagnostics", "diagnose"),
    "diagnostics": ("netwarp.view.diagnostics", None),
    "from_estimator": ("netwarp.core.record", "from_estimator"),
    "geometry": ("netwarp.view.geometry", None),
    "load": ("netwarp.core.files", "load"),
    "load_all": ("netwarp.core.files", "load_all"),
    "load_file": ("netwarp.data.files", "load_file"),
    "record": ("netwarp.core.record", "record"),
    "save": ("netwarp.core.files", "save"),
    "sweep": ("netwarp.apps.sweep", None),
    "train": ("netwarp.core.record", "train"),
}
_SUBPACKAGES = ("adapters", "apps", "core", "data", "view")

if TYPE_CHECKING:  # what the lazy names are, for type checkers and IDEs
    from netwarp.apps import sweep
    from netwarp.core.files import load, load_all, save
    from netwarp.core.record import from_estimator, record, train
    from netwarp.core.recording import Recording
    from netwarp.core.spec import RunSpec
    from netwarp.core.trajectory import Trajectory
    from netwarp.data import datasets
    from netwarp.data import files as datafile
    from netwarp.data.datasets import Dataset
    from netwarp.data.files import load_file
    from netwarp.view import diagnostics, geometry
    from netwarp.view.diagnostics import Diagnostics, diagnose


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = importlib.import_module(module)
        if attr is not None:
            value = getattr(value, attr)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f"netwarp.{name}")
    raise AttributeError(f"module 'netwarp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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


def watch(*args: Any, **kwargs: Any) -> Any:
    """Record an estimator while a Jupyter widget shows it learn; see :func:`netwarp.apps.widget.watch`."""
    from netwarp.apps.widget import watch as _watch

    return _watch(*args, **kwargs)


def export_html(*args: Any, **kwargs: Any) -> Any:
    """Write the interactive view as one self-contained HTML file; see :func:`netwarp.apps.export.export_html`."""
    from netwarp.apps.export import export_html as _export_html

    return _export_html(*args, **kwargs)


__all__ = [
    "DataFileError",
    "DataLimitError",
    "Dataset",
    "Diagnostics",
    "LimitError",
    "NetwarpError",
    "Recording",
    "RunSpec",
    "Trajectory",
    "TrajectoryFileError",
    "TrajectoryLimitError",
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
    "watch",
]
