"""PyTorch models in, Trajectories out: record an ``nn.Sequential`` from your own training loop.

::

    from netwarp.adapters.torch import Recorder

    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
    rec = Recorder(model, output_activation="softmax")
    rec.snapshot()                              # epoch 0: the initialisation
    for epoch in range(100):
        ...                                     # your loop: forward, loss, backward, step
        rec.snapshot(loss=loss.item())
    traj = rec.trajectory(X_train, y_train, X_test, y_test)

The model must be an ``nn.Sequential`` (nested ones are flattened) of ``nn.Linear`` layers
and element-wise activations; each Linear with the activation after it is one netwarp layer
(two Linear layers in a row get the identity between them). ``Dropout`` is skipped (what
``model.eval()`` computes). ``output_activation`` is applied to the last Linear's output
when the model ends without an activation (logits trained with ``CrossEntropyLoss`` ->
``"softmax"``, with ``BCEWithLogitsLoss`` -> ``"sigmoid"``). A model that already ends in an
activation keeps it, and ``output_activation`` must be that activation or None.

:func:`from_checkpoints` turns a series of saved ``state_dict`` files into a Trajectory.
Parameters are stored in float64; ``traj.forward(X, e)`` equals the model's own layer
outputs (to rounding; exactly the same computation for a float64 model).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.adapters.build import build as _build
from netwarp.core import activations as act
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError("netwarp.adapters.torch needs PyTorch: pip install 'netwarp[torch]'") from exc

Array = NDArray[np.float64]

#: torch module -> netwarp activation name (for modules without parameters).
#: torch module -> netwarp activation, for those that take no arguments (from the activations' table).
_SIMPLE: dict[type[nn.Module], str] = {getattr(nn, a.torch): name for name, a in act.TABLE.items() if a.torch}
SUPPORTED = (
    "Linear, Tanh, ReLU, Sigmoid, Identity, LeakyReLU, ELU (alpha=1), Softplus (beta=1, threshold=20), "
    "GELU (approximate='none'), SiLU, Softmax (last, dim=-1), Dropout (skipped)"
)
OUTPUTS = ("softmax", "sigmoid", "logistic", "identity")


@dataclass(frozen=True)
class _Layer:
    """One netwarp layer: a Linear (its qualified name in the model) and the activation after it."""

    name: str
    linear: nn.Linear
    activation: str | None


def _activation(module: nn.Module, where: str) -> str | None:
    """The netwarp name of an element-wise activation module, None for Dropout; raise otherwise."""
    kind = type(module)
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if isinstance(module, nn.LeakyReLU):
        return act.leaky_relu_name(module.negative_slope)
    if isinstance(module, nn.ELU):
        if module.alpha != 1.0:
            raise NetwarpError(f"{where}: ELU(alpha={module.alpha}) is not supported; netwarp's elu has alpha=1")
        return "elu"
    if isinstance(module, nn.Softplus):
        if module.beta != 1.0 or module.threshold != 20.0:
            raise NetwarpError(
                f"{where}: Softplus(beta={module.beta}, threshold={module.threshold}) is not supported; "
                "netwarp's softplus has beta=1, threshold=20"
            )
        return "softplus"
    if isinstance(module, nn.GELU):
        if module.approximate != "none":
            raise NetwarpError(
                f"{where}: GELU(approximate={module.approximate!r}) is not supported; use the exact GELU"
            )
        return "gelu"
    if isinstance(module, nn.Softmax):
        if module.dim not in (-1, 1):
            raise NetwarpError(f"{where}: Softmax(dim={module.dim}) is not supported; use dim=-1 or dim=1")
        return "softmax"
    if isinstance(module, nn.Dropout | nn.AlphaDropout):
        return None
    raise NetwarpError(f"{where}: {kind.__name__} is not supported (supported: {SUPPORTED})")


def _modules(model: nn.Module, prefix: str = "") -> Iterable[tuple[str, nn.Module]]:
    """Leaf modules of a (possibly nested) Sequential with their qualified names."""
    for child_name, child in model.named_children():
        name = f"{prefix}{child_name}"
        if isinstance(child, nn.Sequential):
            yield from _modules(child, f"{name}.")
        else:
            yield name, child


def parse(model: nn.Module) -> list[_Layer]:
    """Split ``model`` into (Linear, activation) layers, or raise an error naming the problem."""
    if not isinstance(model, nn.Sequential):
        raise NetwarpError(
            f"netwarp.adapters.torch records an nn.Sequential, got {type(model).__name__} "
            f"(build the model as nn.Sequential of: {SUPPORTED})"
        )
    layers: list[_Layer] = []
    for name, module in _modules(model):
        where = f"module {name!r}"
        if isinstance(module, nn.Linear):
            if layers and layers[-1].linear.out_features != module.in_features:
                raise NetwarpError(
                    f"{where}: Linear expects {module.in_features} inputs but the layer before gives "
                    f"{layers[-1].linear.out_features}"
                )
            layers.append(_Layer(name, module, None))
            continue
        fn = _activation(module, where)
        if fn is None or (fn == "identity" and (not layers or layers[-1].activation is not None)):
            continue  # Dropout, or an Identity that changes nothing
        if not layers:
            raise NetwarpError(f"{where}: {type(module).__name__} before the first Linear is not supported")
        if layers[-1].activation is not None:
            raise NetwarpError(
                f"{where}: two activations in a row ({type(module).__name__} after {layers[-1].activation}) "
                "are not supported; put a Linear between them"
            )
        layers[-1] = _Layer(layers[-1].name, layers[-1].linear, fn)
    if not layers:
        raise NetwarpError(f"the model holds no nn.Linear layer (supported: {SUPPORTED})")
    for layer in layers[:-1]:
        if layer.activation == "softmax":
            raise NetwarpError(f"Softmax after {layer.name!r}: softmax is supported only as the model's last module")
    return layers


def _out_name(output_activation: str | None) -> str | None:
    if output_activation is None:
        return None
    if output_activation not in OUTPUTS:
        raise NetwarpError(f"output_activation must be one of {', '.join(OUTPUTS)} or None, got {output_activation!r}")
    return act.canonical(output_activation)


def _activations(layers: list[_Layer], output_activation: str | None) -> tuple[str, ...]:
    hidden = tuple(layer.activation or "identity" for layer in layers[:-1])
    trailing = layers[-1].activation
    out = _out_name(output_activation)
    if trailing is None:
        return (*hidden, out or "identity")
    if out is not None and out != trailing:
        raise NetwarpError(
            f"the model already ends with an activation ({trailing}), so output_activation={output_activation!r} "
            f"would apply a second one; pass output_activation=None (or {trailing!r}), or remove the last activation"
        )
    return (*hidden, trailing)


def _flat(tensors: Sequence[tuple[Any, Any | None]]) -> Array:
    """Flat float64 parameters from (weight ``(out, in)``, bias ``(out,)`` or None) per layer."""
    weights = [np.asarray(w.detach().to("cpu", torch.float64).numpy()).T.ravel() for w, _ in tensors]
    biases = [
        np.zeros(w.shape[0]) if b is None else np.asarray(b.detach().to("cpu", torch.float64).numpy()).ravel()
        for w, b in tensors
    ]
    return np.concatenate(weights + biases)


class Recorder:
    """Snapshots of an ``nn.Sequential``'s parameters, taken from your own training loop.

    ``output_activation``: ``"softmax"`` (multiclass logits), ``"sigmoid"`` (the logit of a
    binary classifier; on k > 1 units the trajectory has k outputs and no classes),
    ``"identity"`` (regression) or None (the model's own last module, or identity).
    ``classes``: class labels in output order (default ``0..k-1``, or the labels found in
    ``y`` when their number matches).
    """

    def __init__(
        self,
        model: nn.Module,
        output_activation: str | None = None,
        *,
        classes: Sequence[Any] | None = None,
        name: str = "",
    ) -> None:
        self.model = model
        self.layers = parse(model)
        self.output_activation = output_activation
        self.activations = _activations(self.layers, output_activation)
        first = self.layers[0].linear
        self.layer_sizes = (first.in_features, *(layer.linear.out_features for layer in self.layers))
        self.classes = None if classes is None else np.asarray(classes)
        self.name = name or "torch"
        self._params: list[Array] = []
        self._loss: list[float] = []

    def __len__(self) -> int:
        return len(self._params)

    def snapshot(self, loss: float | None = None) -> int:
        """Record the parameters now (call once before training for epoch 0, then after each
        epoch). ``loss`` is your loss for the epoch (NaN if not given). Returns the epoch index."""
        params = _flat([(layer.linear.weight, layer.linear.bias) for layer in self.layers])
        if not np.all(np.isfinite(params)):
            raise NetwarpError(f"snapshot {len(self._params)}: parameters hold NaN or infinity (training diverged?)")
        self._params.append(params)
        self._loss.append(math.nan if loss is None else float(loss))
        return len(self._params) - 1

    def trajectory(
        self,
        X: Any = None,
        y: Any = None,
        X_test: Any = None,
        y_test: Any = None,
        *,
        name: str | None = None,
        dataset_name: str = "",
    ) -> Trajectory:
        """A :class:`Trajectory` of every snapshot; with ``X`` ``(n, d)`` and ``y`` ``(n,)`` it
        carries the data and scores per epoch (accuracy, or R^2 with an identity output)."""
        if not self._params:
            raise NetwarpError("no snapshots yet: call rec.snapshot() before training and after each epoch")
        return _build(
            self.layer_sizes, self.activations, np.stack(self._params), np.array(self._loss),
            self.classes, X, y, X_test, y_test, name or self.name, dataset_name,
            {"source": "torch", "model": _oneline(repr(self.model)), "output_activation": self.output_activation},
        )  # fmt: skip


def _oneline(text: str) -> str:
    return " ".join(text.split())[:500]


def _state_dict(obj: Any, path: Path, keys: list[str]) -> Mapping[str, Any]:
    """The state dict in a loaded checkpoint: the object itself or a common wrapper key."""
    if not isinstance(obj, Mapping):
        raise NetwarpError(f"{path}: holds a {type(obj).__name__}, not a state_dict")
    candidates = [
        obj,
        *(obj[k] for k in ("state_dict", "model_state_dict", "model") if isinstance(obj.get(k), Mapping)),
    ]
    for sd in candidates:
        if all(k in sd for k in keys):
            return dict(sd)
        if all(f"module.{k}" in sd for k in keys):  # saved from DataParallel / DDP
            return {k: sd[f"module.{k}"] for k in keys}
    best = max(candidates, key=lambda sd: sum(k in sd for k in keys))
    missing = next(k for k in keys if k not in best)
    raise NetwarpError(f"{path}: no parameter {missing!r} for this model (a state_dict of another model?)")


def from_checkpoints(
    model: nn.Module,
    paths: Iterable[str | Path],
    output_activation: str | None = None,
    *,
    X: Any = None,
    y: Any = None,
    X_test: Any = None,
    y_test: Any = None,
    classes: Sequence[Any] | None = None,
    losses: Sequence[float] | None = None,
    name: str = "",
    dataset_name: str = "",
) -> Trajectory:
    """A Trajectory from saved ``model.state_dict()`` files, one snapshot per path in order
    (the first is epoch 0). ``model`` gives the architecture and is not modified. Files are
    read with ``torch.load(path, map_location="cpu", weights_only=True)``; a checkpoint dict
    holding the weights under ``state_dict`` / ``model_state_dict`` / ``model`` also works."""
    layers = parse(model)
    activations = _activations(layers, output_activation)
    sizes = (layers[0].linear.in_features, *(layer.linear.out_features for layer in layers))
    keys = [f"{layer.name}.weight" for layer in layers]
    keys += [f"{layer.name}.bias" for layer in layers if layer.linear.bias is not None]
    rows = []
    for path in map(Path, paths):
        if not path.is_file():
            raise NetwarpError(f"{path}: no such checkpoint file")
        try:
            obj = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many types (UnpicklingError, RuntimeError, EOFError...)
            raise NetwarpError(f"{path}: not a loadable weights-only checkpoint ({_oneline(str(exc))[:160]})") from None
        sd = _state_dict(obj, path, keys)
        tensors = []
        for layer in layers:
            w = sd[f"{layer.name}.weight"]
            b = sd[f"{layer.name}.bias"] if layer.linear.bias is not None else None
            if tuple(w.shape) != tuple(layer.linear.weight.shape):
                raise NetwarpError(
                    f"{path}: {layer.name}.weight has shape {tuple(w.shape)}, the model's is "
                    f"{tuple(layer.linear.weight.shape)}"
                )
            tensors.append((w, b))
        rows.append(_flat(tensors))
    if not rows:
        raise NetwarpError("from_checkpoints: no checkpoint paths given")
    loss = np.full(len(rows), np.nan) if losses is None else np.asarray(losses, dtype=np.float64)
    if loss.shape != (len(rows),):
        raise NetwarpError(f"losses has {loss.size} values for {len(rows)} checkpoints")
    config = {"source": "torch checkpoints", "model": _oneline(repr(model)), "output_activation": output_activation}
    return _build(
        sizes, activations, np.stack(rows), loss, None if classes is None else np.asarray(classes),
        X, y, X_test, y_test, name or "torch", dataset_name, config,
    )  # fmt: skip
