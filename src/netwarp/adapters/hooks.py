"""Any PyTorch module, by its activations: forward hooks on the layers you name.

::

    from netwarp.adapters.hooks import ActivationRecorder

    rec = ActivationRecorder(model, ["fc1", "fc2"], X, y, output="softmax")   # up to 1000 points
    rec.snapshot()                              # epoch 0: the initialisation
    for epoch in range(30):
        ...                                     # your loop: forward, loss, backward, step
        rec.snapshot(loss=loss.item())
    recording = rec.recording()                 # a netwarp.core.recording.Recording

Layers are named by their qualified module name (``"features.0"``, ``"res"``) or given as the
module objects (a dict ``{"hidden": "6", "softmax": "7"}`` names them for the view):
``Conv2d``, pooling, ``Flatten``, residual blocks, ``Linear``... anything whose output is a
tensor (a tuple's first tensor is taken). At each snapshot the model runs in ``eval()`` mode,
without gradients, on a fixed sample of the points (``sample``: the first ``sample`` of a
seeded permutation, at most :data:`~netwarp.core.recording.SAMPLE` by default), and each named
layer's output is stored per point, flattened, as float32; the model's training mode is
restored afterwards. ``output="softmax"`` (or ``"sigmoid"``) applies
that function to the last named layer's output, for a model that returns logits (the layer is
then shown as ``softmax``). ``every=k`` makes :meth:`ActivationRecorder.step` snapshot every
k-th call, for recording within epochs.

Size is bounded: a layer wider than :data:`~netwarp.core.recording.MAX_WIDTH` values per point,
or a recording beyond :data:`~netwarp.core.recording.MAX_FLOATS` values, is refused with an error
that offers ``project=N``: wide layers are then recorded through a fixed random orthonormal
projection to N dimensions (the same at every snapshot; ``config["projected"]`` lists them).

An ``nn.Sequential`` of ``Linear`` layers is better recorded by its parameters
(:class:`netwarp.adapters.torch.Recorder`): views then recompute every layer, the grid and the
decision regions, for any point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from numpy.typing import NDArray

from netwarp.adapters.sampled import SampledRecorder
from netwarp.core import recording as rc
from netwarp.errors import NetwarpError

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError("netwarp.adapters.hooks needs PyTorch: pip install 'netwarp[torch]'") from exc

#: Points per forward pass while recording (bounds the memory a snapshot takes).
BATCH = 256
#: Layers to record: module names or modules, or a mapping of the names to show to them.
Layers = Sequence[str | nn.Module] | Mapping[str, str | nn.Module]


class ActivationRecorder(SampledRecorder):
    """Snapshots of named layers' activations on a fixed sample (see the module docstring).

    ``X`` ``(n, ...)`` (tensor or array, the model's input shape) and ``y`` ``(n,)`` labels are
    the points; ``X_test``/``y_test`` add test points to the sample (split the same way).
    ``classes`` default to the labels found in ``y``. :meth:`snapshot`, :meth:`step` and
    :meth:`recording` are :class:`~netwarp.adapters.sampled.SampledRecorder`'s.
    """

    def __init__(
        self,
        model: nn.Module,
        layers: Layers,
        X: Any,
        y: Any,
        X_test: Any = None,
        y_test: Any = None,
        *,
        sample: int = rc.SAMPLE,
        output: str | None = None,
        project: int | None = None,
        every: int = 1,
        classes: Sequence[Any] | None = None,
        name: str = "",
        seed: int = 0,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise NetwarpError(f"ActivationRecorder records a torch nn.Module, got {type(model).__name__}")
        self.model = model
        self.modules, self.names = self._resolve(model, layers)
        super().__init__(X, y, X_test, y_test, sample=sample, output=output, project=project, every=every,
                         classes=classes, name=name or "torch (recorded)", seed=seed)  # fmt: skip

    @staticmethod
    def _resolve(model: nn.Module, layers: Layers) -> tuple[list[nn.Module], list[str]]:
        if isinstance(layers, str | nn.Module) or not len(layers):
            raise NetwarpError("name the layers to record as a list, e.g. ['conv1', 'fc1'] (or module objects)")
        by_name = dict(model.named_modules())
        names_of = {id(m): n for n, m in by_name.items()}
        modules, names = [], []
        shown = list(layers) if isinstance(layers, Mapping) else None
        for layer in layers.values() if isinstance(layers, Mapping) else layers:
            if isinstance(layer, str):
                if layer not in by_name or not layer:
                    known = ", ".join(n for n in by_name if n)[:300]
                    raise NetwarpError(f"the model has no module named {layer!r} (modules: {known})")
                modules.append(by_name[layer])
                names.append(layer)
            elif isinstance(layer, nn.Module):
                if id(layer) not in names_of:
                    raise NetwarpError(f"{type(layer).__name__} given in layers is not a module of this model")
                modules.append(layer)
                names.append(names_of[id(layer)] or type(layer).__name__)
            else:
                raise NetwarpError(f"layers holds a {type(layer).__name__}; give module names or modules")
        return modules, [str(s) for s in shown] if shown is not None else names

    def outputs(self) -> list[NDArray[Any]]:
        """Forward passes of the sample (in batches of :data:`BATCH`) with hooks: each layer's
        output ``(n_sample, ...)``."""
        outs: dict[int, list[Any]] = {j: [] for j in range(len(self.modules))}

        def keep(j: int) -> Any:
            def hook(_m: nn.Module, _inp: Any, out: Any) -> None:
                if isinstance(out, tuple | list):
                    out = next((o for o in out if isinstance(o, torch.Tensor)), None)
                if not isinstance(out, torch.Tensor):
                    raise NetwarpError(f"layer {self.names[j]!r} does not output a tensor")
                outs[j].append(out.detach().to("cpu", torch.float32))

            return hook

        handles = [m.register_forward_hook(keep(j)) for j, m in enumerate(self.modules)]
        was = self.model.training
        try:
            self.model.eval()
            param = next(self.model.parameters(), None)
            x = torch.as_tensor(self.inputs)
            if param is not None:
                x = x.to(device=param.device, dtype=param.dtype if x.is_floating_point() else x.dtype)
            with torch.no_grad():
                for start in range(0, len(x), BATCH):
                    self.model(x[start : start + BATCH])
        finally:
            self.model.train(was)
            for h in handles:
                h.remove()
        missing = [self.names[j] for j, got in outs.items() if len(got) != -(-len(x) // BATCH)]
        if missing:
            raise NetwarpError(f"layer(s) {', '.join(map(repr, missing))} did not run once per forward pass")
        return [torch.cat(outs[j]).numpy() for j in range(len(self.modules))]

    def recording(self, *, name: str | None = None, dataset_name: str = "", config: dict[str, Any] | None = None
                  ) -> rc.Recording:  # fmt: skip
        """The :class:`~netwarp.core.recording.Recording` of every snapshot so far."""
        model = " ".join(repr(self.model).split())[:500]
        return super().recording(name=name, dataset_name=dataset_name,
                                 config={"source": "torch hooks", "model": model, **(config or {})})  # fmt: skip
