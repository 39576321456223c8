"""Colours shared by the figures and the JavaScript view (``static/colors.js`` mirrors them).

Classes get Okabe and Ito's colour-blind-safe palette (two classes: blue and orange), then
12 more distinct colours so up to 20 classes differ; regression targets get viridis.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, to_rgb
from numpy.typing import NDArray

#: Okabe–Ito colours (colour-blind safe), shared with the JavaScript view.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Class colours: the palette, then 12 more (from matplotlib's tab20) so up to 20 classes stay
#: distinct (digits has 10); beyond that they repeat.
CLASS_COLOURS = (*PALETTE, "#9467BD", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#FF9896",
                 "#98DF8A", "#C5B0D5", "#C49C94", "#F7B6D2", "#DBDB8D", "#9EDAE5")  # fmt: skip
GRID_COLOUR = "#9a9a9a"


def class_colours(labels: NDArray[Any], classes: NDArray[Any] | None) -> NDArray[np.float64]:
    """RGB ``(n, 3)`` for each label: class k gets ``CLASS_COLOURS[k]``."""
    if classes is None:
        return np.tile(to_rgb(PALETTE[0]), (len(labels), 1))
    index = np.searchsorted(np.asarray(classes), labels)
    index = np.clip(index, 0, len(classes) - 1)
    rgb = np.array([to_rgb(c) for c in CLASS_COLOURS])
    return np.asarray(rgb[index % len(CLASS_COLOURS)], dtype=np.float64)


def target_colours(values: NDArray[Any]) -> NDArray[np.float64]:
    """RGB ``(n, 3)`` for regression targets ``(n,)``: viridis over their range."""
    v = np.asarray(values, dtype=np.float64).ravel()
    lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 0.0)
    if not hi > lo:
        return np.tile(to_rgb(PALETTE[0]), (len(v), 1))
    return np.asarray(plt.get_cmap("viridis")((v - lo) / (hi - lo))[:, :3], dtype=np.float64)


def class_cmap(k: int) -> ListedColormap:
    """Class i's colour for the value i, for i in 0..k-1."""
    return ListedColormap([CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(k)])


def region_cmap() -> ListedColormap:
    """Blue (class 0) through white to orange (class 1), pale."""
    a, b = np.array(to_rgb(PALETTE[0])), np.array(to_rgb(PALETTE[1]))
    s = np.linspace(0, 1, 256)[:, None]
    white = np.ones(3)
    colours = np.where(s < 0.5, a + (white - a) * (s / 0.5), white + (b - white) * ((s - 0.5) / 0.5))
    return ListedColormap(colours)
