"""Every word a view shows its user, in one table: matplotlib figures read it here and the JS
renderer reads it from the scene's JSON (``spec["vocabulary"]``).

Templates hold ``{i}`` (a 1-based index) or ``{name}`` (a class name); :func:`fill` and the
renderer's ``fill`` (``static/util.js``) put the values in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netwarp.core import features

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
        "readout": "linear read-out (test)",
        "test_accuracy": "test accuracy",
        "dead": "dead",
        "stretch": "stretch",
    },
    "split": ["train", "test", "other"],
    # why a layer panel shows no read-out, or an old one
    "notes": {
        "page_run": "read-out and stretch not measured for runs trained in the page "
                    "(download the run: netwarp measures them when it opens the file)",
        "edited": "read-out and stretch measured before your edits (not measured again)",
    },
    # where a run's layers come from: recomputed from its parameters, or recorded (netwarp.view.recorded)
    # (and why a recording's grid, regions and morph controls are off: static/controls.js)
    "sources": {
        "computed": "computed from parameters",
        "recorded": "recorded activations",
        "recorded_off": "off for recorded activations: without parameters there is no grid, decision region "
        "or morph to compute",
    },
    # a short explanation of every control and measurement, in the essay's words
    "help": {},  # filled from HELP below
}

#: What each control and each figure's number means, in the essay's words: the pages show it
#: as a tooltip and behind each "?" button, and list it in their help panel. The renderer reads
#: it from the scene (``spec["vocabulary"]["help"]``), the web app from ``GET /api/spec``.
HELP: dict[str, str] = {
    # what the panels show
    "input": "The data as it enters the network: each point at its coordinates, coloured by its class.",
    "hidden_layer": "The points after one layer x → σ(xW + b): each unit is an axis. A layer is a continuous "
                    "deformation of space: it can stretch, squash and fold it, never tear it.",
    "output": "The network's answer: for two classes the probability of the second, for more one axis per class.",
    "units": "The numbers a layer computes for each point; each unit is one axis of the layer's space.",
    "activation": "The function σ applied to every unit after the linear map and shift: tanh and logistic bend "
                  "space smoothly; relu folds away every negative value (a unit stuck at zero is dead).",
    "pca": "PCA (principal components) shows a layer wider than 3 through the 3 (or 2) directions along which "
           "its points spread most, fixed over all epochs so motion is the network's, not the camera's.",
    "grand_tour": "The Grand Tour turns a smooth, ever-changing projection of a wide layer, so every direction "
                  "of its space comes into view in turn; the same rotation at every epoch.",
    "projection": "How a layer wider than 3 units is drawn: PCA, a Grand Tour, or two or three chosen units.",
    "grid": "A grid over the input plane carried through each layer: its lines show how space is stretched, "
            "squashed and bent.",
    "regions": "Decision regions: the class the rest of the network gives each spot of the panel's plane.",
    "jitter": "A 1-D layer is drawn on a line; the vertical spread is made up so points do not hide each other.",
    # time
    "epoch": "One pass of training over all the training points; epoch 0 is the network before training.",
    "play": "Play the recorded training: the epochs advance and every panel moves with them.",
    "pause": "Stop the epochs where they are.",
    "step": "Train one epoch more.",
    "reset": "Start again from freshly initialised weights.",
    "speed": "How many epochs play per second.",
    "morph": "The morph walks one layer's stages at the shown epoch: x → xW (a linear map: rotate, "
             "stretch, shear), → xW + b (a shift), → σ(xW + b) (the activation bends space).",
    "tour_time": "The Grand Tour's position: the same time shows the same projection at every epoch.",
    # measurements
    "loss": "How wrong the network is on the training points (log-loss): training pushes it down.",
    "accuracy": "The share of points the network classifies right, on the training points and on the held-out "
                "test points it never trained on.",
    "r2": "R²: how much of the target's variation the prediction explains (1 is perfect).",
    "train_test": "Training points teach the network; test points are held out to check it generalises.",
    "separability": "Separability: the accuracy of the best straight line (plane) that splits the classes in "
                    "this layer's space; ★ marks the first layer where they come apart.",
    "readout": "Linear read-out (test): a logistic regression fitted on this layer's training points and "
               "scored on the held-out test points; ★ marks the first layer where it reaches 99 %. The "
               "output's figure is the network's own test accuracy.",
    "boundary": "The decision boundary: where the predicted class changes, drawn in the input and carried "
                "through every layer and the morph; in the last hidden layer it is the straight line (plane) "
                "w·h + b = 0 of the output layer's weights.",
    "diagram": "The network: each unit with a thumbnail of its value over the input, each weight an edge "
               "(blue positive, orange negative, wider when larger). Click a unit to highlight its axis.",
    "edit": "Drag a weight or bias up or down, or focus it and press the arrow keys (Shift: ten steps): every "
            "panel recomputes from the edited network; 'restore' puts the recorded values back.",
    "dead_unit": "A dead unit is zero on every training point (a relu whose input is always negative): no "
                 "gradient reaches its weights, so it stays dead and the layer is narrower than it looks.",
    "determinant": "det W of a square weight matrix: how much the linear map scales areas (volumes); its sign "
                   "says whether it flips space, and 0 means it flattens space onto fewer dimensions.",
    "stretch": "Stretching: the most the layer (from the input) stretches space near any point, the largest "
               "singular value of its Jacobian; large values mean space is pulled thin instead of untangled.",
    "homeomorphism": "A homeomorphism bends and stretches space but never tears or glues it: a square, "
                     "non-singular W and an injective activation. An embedding does so into more dimensions; "
                     "a layer that is not injective (narrowing, relu, singular W) can glue points together.",
    # settings a page can change
    "dataset": "The points to classify: a built-in shape (moons, circles, spirals...) or your own file.",
    "noise": "How far the points scatter from the clean shape; more noise makes the classes overlap.",
    "n_points": "How many points are generated.",
    "training_ratio": "The share of the points used for training; the rest are held out as test points.",
    "hidden_layers": "The widths of the hidden layers, e.g. 8,8 for two layers of 8 units.",
    "learning_rate": "How big a step each weight update takes: too small learns slowly, too big overshoots.",
    "batch_size": "How many training points each weight update averages over.",
    "alpha": "L2 regularisation: a pull of every weight towards 0, which keeps the deformation gentle.",
    "download_run": "Save this run as a trajectory file (.npz) that netwarp.load reads.",
    # the page itself
    "run": "Which recorded run the panels show.",
    "side_by_side": "Show every run next to the others, at the same epoch.",
    "points": "Which points to draw: all, only the training points, or only the held-out test points.",
    "enlarge": "Enlarge a panel (Escape returns).",
    "full_screen": "Show a panel on the whole screen (Escape returns).",
}
WORDS["help"] = HELP


def fill(template: str, **values: Any) -> str:
    """``template`` with ``{i}`` / ``{name}`` replaced (the JS ``fill`` does the same)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", str(value))
    return out


def layer_name(layer: int, n_layers: int, activations: Sequence[str] = ()) -> str:
    """'input', 'hidden layer l', 'feature crosses' or 'output' for representation ``layer`` of
    ``n_layers`` weight layers (``activations``, one per layer, tell the feature-cross layer, as
    the renderer's ``layerName``)."""
    if layer == 0:
        return str(WORDS["input"])
    if layer == n_layers:
        return str(WORDS["output"])
    if len(activations) >= layer and features.parse(activations[layer - 1]) is not None:
        return str(WORDS["crosses"])
    return fill(WORDS["hidden"], i=layer)


def axis(kind: str, index: int) -> str:
    """An axis label: ``axis("unit", 0)`` is 'unit 1' (kinds: unit, pc, tour, dim, input_axis)."""
    return fill(WORDS[kind], i=index + 1)


def stage(k: int) -> str:
    """Stage ``k`` (0 x, 1 xW, 2 xW + b, 3 σ(xW + b))."""
    return str(WORDS["stages"][k])


def metric(name: str) -> str:
    """A metric's label: loss, accuracy, r2, train, test, separability, readout, test_accuracy, stretch, dead."""
    return str(WORDS["metrics"][name])


def score_name(is_classifier: bool) -> str:
    """'accuracy' for a classifier, 'R²' for a regressor."""
    return metric("accuracy" if is_classifier else "r2")
