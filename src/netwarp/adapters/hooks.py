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

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core import recording as rc
from netwarp.data.datasets import Dataset
from netwarp.errors import NetwarpError

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError("netwarp.adapters.hooks needs PyTorch: pip install 'netwarp[torch]'") from exc

#: Layers to record: module names or modules, or a mapping of the names to show to them.
Layers = Sequence[str | nn.Module] | Mapping[str, str | nn.Module]
OUTPUTS = {"softmax": lambda t: torch.softmax(t, dim=-1), "sigmoid": torch.sigmoid}


def _numpy(values: Any) -> NDArray[Any]:
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def sample_index(n: int, sample: int, seed: int = 0) -> NDArray[np.intp]:
    """Indices of the points recorded: the first ``sample`` of a seeded permutation, sorted."""
    if sample < 1:
        raise NetwarpError(f"sample must be at least 1, got {sample}")
    if sample >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).permutation(n)[:sample])


class ActivationRecorder:
    """Snapshots of named layers' activations on a fixed sample (see the module docstring).

    ``X`` ``(n, ...)`` (tensor or array, the model's input shape) and ``y`` ``(n,)`` labels are
    the points; ``X_test``/``y_test`` add test points to the sample (split the same way).
    ``classes`` default to the labels found in ``y``.
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
        if output is not None and output not in OUTPUTS:
            raise NetwarpError(f"output must be one of {', '.join(OUTPUTS)} or None, got {output!r}")
        if project is not None and project < 1:
            raise NetwarpError(f"project must be a positive number of dimensions, got {project}")
        if every < 1:
            raise NetwarpError(f"every must be at least 1, got {every}")
        self.model, self.output, self.project, self.every = model, output, project, int(every)
        self.name = name or "torch (recorded)"
        self.modules, self.names = self._resolve(model, layers)
        if output is not None:
            self.names[-1] = output
        parts = [(X, y, "X")] + ([] if X_test is None else [(X_test, y_test, "X_test")])
        if (X_test is None) != (y_test is None):
            raise NetwarpError("give X_test with y_test, or neither")
        inputs, labels, counts = [], [], []
        for i, (Xp, yp, what) in enumerate(parts):
            xa, ya = _numpy(Xp), _numpy(yp).reshape(-1)
            if xa.ndim < 2 or len(xa) != len(ya) or not len(xa):
                raise NetwarpError(f"{what} must be (n, ...) with one label per row; got {xa.shape}, {ya.shape}")
            share = max(1, round(sample * len(xa) / sum(len(_numpy(p[0])) for p in parts)))
            idx = sample_index(len(xa), share, seed + i)
            inputs.append(xa[idx])
            labels.append(ya[idx])
            counts.append(len(idx))
        self.inputs = np.concatenate(inputs)
        flat = self.inputs.reshape(len(self.inputs), -1).astype(np.float64)
        if not np.all(np.isfinite(flat)):
            raise NetwarpError("X holds NaN or infinite values")
        if flat.shape[1] > rc.MAX_WIDTH:  # the input panel is shown through the same projection rule
            rc.check_budget("input", flat.shape[1], len(flat), 1, 0, project)
            assert project is not None
            flat = flat @ rc.projection(flat.shape[1], project, len(self.modules)).astype(np.float64)
        ys = [lab.astype(np.int64) if lab.dtype.kind == "f" and np.all(lab == np.round(lab)) else lab for lab in labels]
        self.data = Dataset("", flat[: counts[0]], ys[0], flat[counts[0] :], ys[1] if len(ys) > 1 else ys[0][:0])
        self.classes = np.asarray(classes) if classes is not None else np.unique(np.concatenate(ys))
        self.maps: list[NDArray[np.float32] | None] | None = None
        self._values: list[list[NDArray[np.float32]]] = [[] for _ in self.modules]
        self._loss: list[float] = []
        self._calls = 0

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

    def __len__(self) -> int:
        return len(self._loss)

    def _run(self) -> list[NDArray[np.float32]]:
        """One forward pass of the sample with hooks: each layer's output ``(n_sample, width)``."""
        outs: dict[int, Any] = {}

        def keep(j: int) -> Any:
            def hook(_m: nn.Module, _inp: Any, out: Any) -> None:
                if isinstance(out, tuple | list):
                    out = next((o for o in out if isinstance(o, torch.Tensor)), None)
                if not isinstance(out, torch.Tensor):
                    raise NetwarpError(f"layer {self.names[j]!r} does not output a tensor")
                outs[j] = out.detach()

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
                self.model(x)
        finally:
            self.model.train(was)
            for h in handles:
                h.remove()
        missing = [self.names[j] for j in range(len(self.modules)) if j not in outs]
        if missing:
            raise NetwarpError(f"layer(s) {', '.join(map(repr, missing))} did not run in the model's forward pass")
        n = len(self.inputs)
        result = []
        for j in range(len(self.modules)):
            t = outs[j]
            if self.output is not None and j == len(self.modules) - 1:
                t = OUTPUTS[self.output](t.reshape(n, -1))
            result.append(t.reshape(n, -1).to("cpu", torch.float32).numpy())
        return result

    def snapshot(self, loss: float | None = None) -> int:
        """Record every named layer now (once before training, then after each epoch);
        ``loss`` is your loss for the epoch. Returns the snapshot's index."""
        values = self._run()
        if self.maps is None:
            self.maps = [rc.projection(v.shape[1], self.project, j) if self.project and v.shape[1] > self.project
                         else None for j, v in enumerate(values)]  # fmt: skip
        n = len(self.inputs)
        values = [v if m is None else v @ m for v, m in zip(values, self.maps, strict=True)]
        per = sum(v.shape[1] for v in values)
        for name, v in zip(self.names, values, strict=True):
            rc.check_budget(name, v.shape[1], n, len(self) + 1, n * per * (len(self) + 1), self.project)
        for j, v in enumerate(values):
            if not np.all(np.isfinite(v)):
                raise NetwarpError(f"snapshot {len(self)}: layer {self.names[j]!r} holds NaN or infinity")
            self._values[j].append(v)
        self._loss.append(math.nan if loss is None else float(loss))
        return len(self) - 1

    def step(self, loss: float | None = None) -> int | None:
        """Call after each optimizer step: snapshots every ``every``-th call (returns its index)."""
        self._calls += 1
        return self.snapshot(loss) if self._calls % self.every == 0 else None

    def recording(self, *, name: str | None = None, dataset_name: str = "") -> rc.Recording:
        """The :class:`~netwarp.core.recording.Recording` of every snapshot so far."""
        if not self._loss:
            raise NetwarpError("no snapshots yet: call rec.snapshot() before training and after each epoch")
        assert self.maps is not None
        d = self.data
        data = Dataset(dataset_name, d.X_train, d.y_train, d.X_test, d.y_test)
        projected = {nm: m.shape[1] for nm, m in zip(self.names, self.maps, strict=True) if m is not None}
        config = {"source": "torch hooks", "model": " ".join(repr(self.model).split())[:500], "layers": self.names,
                  "output": self.output, "every": self.every, "projected": projected}  # fmt: skip
        classes = self.classes if len(self.classes) >= 2 else None
        rec = rc.Recording((1, 1), ("identity",), np.zeros((len(self), 0)), classes=classes,
                           loss=np.array(self._loss), name=name or self.name, config=config, data=data,
                           layer_names=tuple(self.names), values=[np.stack(v) for v in self._values])  # fmt: skip
        last = rec.values[-1]
        if classes is not None and last.shape[2] == len(classes):  # the last layer is the output: score it
            pred = np.asarray(classes)[np.argmax(last, axis=2)]
            n_train = len(d.y_train)
            rec.train_score = (pred[:, :n_train] == d.y_train[None]).mean(axis=1)
            if len(d.y_test):
                rec.test_score = (pred[:, n_train:] == d.y_test[None]).mean(axis=1)
        return rec
