"""The morph's camera, the same in matplotlib as in the renderer (``static/display.js``
``morphBox``): from a scene's morph boxes, one camera per layer holding all four of its stages,
so a shift or a squash shows against a fixed frame instead of looking like a zoom; entering a
layer it eases from the previous layer's camera.

Boxes are lists ``[[lo, hi]] * k``; ``view_data`` is a run's
:meth:`netwarp.view.scene.Scene.view_data` and ``sizes`` its layer widths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netwarp.view import vocabulary

Box = list[list[float]]


def _union(a: Box, b: Box) -> Box:
    return [[min(p[0], q[0]), max(p[1], q[1])] for p, q in zip(a, b, strict=True)]


def _lerp(a: Box, b: Box, w: float) -> Box:
    return [[p[0] + w * (q[0] - p[0]), p[1] + w * (q[1] - p[1])] for p, q in zip(a, b, strict=True)]


def _smooth(w: float) -> float:
    return w * w * (3 - 2 * w)


def stage_boxes(view_data: dict[str, Any], sizes: Sequence[int], layer: int) -> list[Box]:
    """The four stage boxes of weight layer ``layer`` (x, xW, xW + b, sigma), each ``k`` wide
    (``k = max(d_in, d_out)`` up to 3): zero-padding axes of a stage keep the layer's range and
    an empty range gets room."""
    boxes: list[Box] = [[list(b) for b in box][:3] for box in view_data["morph_bounds"][layer]]
    if view_data["morph_layer"][layer] is None:
        widths = [sizes[layer], sizes[layer + 1], sizes[layer + 1], sizes[layer + 1]]
        every = boxes[0]
        for b in boxes[1:]:
            every = _union(every, b)
        boxes = [[every[j] if j >= widths[s] else b for j, b in enumerate(box)] for s, box in enumerate(boxes)]
    return [[[lo - 1, hi + 1] if hi - lo <= 1e-12 else [lo, hi] for lo, hi in box] for box in boxes]


def morph_box(view_data: dict[str, Any], sizes: Sequence[int], t: float) -> Box:
    """The morph panel's box at morph time ``t`` in [0, 3 * n_layers]: one camera per layer (the
    box holding its four stages), easing from the previous layer's over the first quarter of a
    layer's walk when both are shown in the same coordinates. Continuous in t."""
    n_layers = len(sizes) - 1
    g = min(int(t // 1), 3 * n_layers - 1)
    layer = g // 3
    s = t - 3 * layer
    boxes = stage_boxes(view_data, sizes, layer)
    box = _hull(boxes)
    same_view = view_data["morph_layer"][layer - 1] == view_data["morph_layer"][layer] if layer else False
    if layer > 0 and s < 0.25 and same_view:
        prev = _hull(stage_boxes(view_data, sizes, layer - 1))
        if len(prev) == len(box):
            box = _lerp(prev, box, _smooth(s / 0.25))
    return box


def _hull(boxes: list[Box]) -> Box:
    out = boxes[0]
    for b in boxes[1:]:
        out = _union(out, b)
    return out


def where(t: float, n_layers: int) -> tuple[int, str]:
    """The weight layer (0-based) the morph is in at time ``t`` and what it shows there: 'at
    σ(xW + b)' on a stage, else the walk between two ('linear map x → xW', ...), from the
    vocabulary. The end of one layer's walk is the start of the next's."""
    layer = min(int(t // 3), n_layers - 1)
    u = t - 3 * layer
    if abs(u - round(u)) < 1e-9:
        return layer, f"at {vocabulary.stage(round(u))}"
    return layer, str(vocabulary.WORDS["segments"][min(2, int(u))])
