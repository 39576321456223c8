"""Every word a view shows its user, in one table: matplotlib figures read it here and the JS
renderer reads it from the scene's JSON (``spec["vocabulary"]``).

Templates hold ``{i}`` (a 1-based index) or ``{name}`` (a class name); :func:`fill` and the
renderer's ``fill`` (``static/util.js``) put the values in.
"""

from __future__ import annotations

from typing import Any

#: The word table (JSON-able). Change a label here and every host follows.
WORDS: dict[str, Any] = {
    # panels: representation 0 is the input, n_layers the output
    "input": "input",
    "hidden": "hidden layer {i}",
    "crosses": "feature crosses",
    "output": "output",
    "morph": "morph",
    "training": "training",
    "epoch": "epoch",
    # axes
    "input_feature": "input feature",  # the one axis of a 1-D input
    "input_axis": "x{i}",
    "unit": "unit {i}",
    "units": "units",
    "pc": "PC {i}",
    "tour": "tour {i}",
    "dim": "dim {i}",
    "jitter": "jitter (display only)",  # the made-up vertical axis of a 1-D panel
    "prediction": "prediction",
    "target": "target",
    "network_output": "network output",
    "class": "class {name}",
    "probability": "P(class {name})",
    # the four stages of a layer, x -> xW -> xW + b -> sigma(xW + b), and the walks between them
    "stages": ["x", "xW", "xW + b", "σ(xW + b)"],
    "short_stages": ["x", "xW", "xW+b", "σ"],
    "segments": ["linear map x → xW", "translation xW → xW + b", "activation → σ(xW + b)"],
    # measurements
    "metrics": {
        "loss": "loss",
        "accuracy": "accuracy",
        "r2": "R²",
        "train": "train",
        "test": "test",
        "separability": "separability",
        "stretch": "stretch",
    },
    "split": ["train", "test", "other"],
}


def fill(template: str, **values: Any) -> str:
    """``template`` with ``{i}`` / ``{name}`` replaced (the JS ``fill`` does the same)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", str(value))
    return out


def layer_name(layer: int, n_layers: int) -> str:
    """'input', 'hidden layer l' or 'output' for representation ``layer`` of ``n_layers`` weight layers."""
    if layer == 0:
        return str(WORDS["input"])
    if layer == n_layers:
        return str(WORDS["output"])
    return fill(WORDS["hidden"], i=layer)


def axis(kind: str, index: int) -> str:
    """An axis label: ``axis("unit", 0)`` is 'unit 1' (kinds: unit, pc, tour, dim, input_axis)."""
    return fill(WORDS[kind], i=index + 1)


def stage(k: int) -> str:
    """Stage ``k`` (0 x, 1 xW, 2 xW + b, 3 σ(xW + b))."""
    return str(WORDS["stages"][k])


def metric(name: str) -> str:
    """A metric's label: loss, accuracy, r2, train, test, separability, stretch."""
    return str(WORDS["metrics"][name])


def score_name(is_classifier: bool) -> str:
    """'accuracy' for a classifier, 'R²' for a regressor."""
    return metric("accuracy" if is_classifier else "r2")
