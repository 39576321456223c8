"""Keras 3 models, recorded during ``model.fit`` by a callback (``pip install 'netwarp[keras]'``).

::

    from netwarp.adapters.keras import Recorder

    rec = Recorder(X, y, X_test, y_test)                 # a Dense stack: its parameters
    model.fit(X, y, epochs=50, callbacks=[rec])
    traj = rec.trajectory()                              # the same Trajectory as the other adapters

    rec = Recorder(X, y, layers=["conv", "dense", "out"])  # anything else: activations by layer name
    model.fit(X, y, epochs=20, callbacks=[rec])
    recording = rec.recording()                          # a netwarp.core.recording.Recording

Without ``layers`` the model must be a stack of ``Dense`` layers (``Activation`` and
``Dropout`` layers between them are taken into account or skipped, as the torch adapter
does); each epoch's kernels and biases are recorded exactly (``traj.coefs(e)`` equals
``model.get_weights()``'s kernels after epoch e, row 0 is the weights before ``fit``), and
views recompute every layer from them. With ``layers`` (layer names, or a dict of names to
show -> layer names) the callback records those layers' outputs for a fixed sample of ``X``
after each epoch, as :mod:`netwarp.adapters.hooks` does for PyTorch (same ``sample``,
``project`` and ``output`` arguments, same size bounds).

Keras runs on the backend ``KERAS_BACKEND`` names; this module sets it to ``torch`` when it is
unset (netwarp is tested with the torch backend), which must happen before keras is first
imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.adapters.build import build
from netwarp.adapters.sampled import SampledRecorder
from netwarp.core import activations as act
from netwarp.core import recording as rc
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    import keras
except ImportError as exc:  # pragma: no cover - exercised only without keras
    raise ImportError("netwarp.adapters.keras needs Keras 3: pip install 'netwarp[keras]'") from exc

Array = NDArray[np.float64]
#: Keras activation names -> netwarp's (others are refused; record them by ``layers=`` instead).
ACTIVATIONS = {"linear": "identity", "sigmoid": "logistic", "tanh": "tanh", "relu": "relu", "softmax": "softmax",
               "elu": "elu", "softplus": "softplus", "silu": "silu", "swish": "silu", "gelu": "gelu"}  # fmt: skip


def _activation_name(fn: Any, where: str) -> str:
    name = getattr(fn, "__name__", type(fn).__name__)
    if name not in ACTIVATIONS:
        raise NetwarpError(f"{where}: activation {name!r} is not supported for parameter recording "
                           f"({', '.join(ACTIVATIONS)}); record the model's activations with layers=[...]")  # fmt: skip
    return act.canonical(ACTIVATIONS[name])


def dense_stack(model: Any) -> list[tuple[Any, str]]:
    """The model's ``(Dense layer, activation)`` pairs, or an error naming the layer in the way."""
    out: list[tuple[Any, str]] = []
    for layer in model.layers:
        where = f"layer {layer.name!r}"
        if isinstance(layer, keras.layers.Dense):
            out.append((layer, _activation_name(layer.activation, where)))
        elif isinstance(layer, keras.layers.Activation):
            fn = _activation_name(layer.activation, where)
            if not out or out[-1][1] != "identity":
                raise NetwarpError(f"{where}: an Activation must follow a Dense layer without its own activation")
            out[-1] = (out[-1][0], fn)
        elif not isinstance(layer, keras.layers.Dropout | keras.layers.InputLayer):
            raise NetwarpError(
                f"{where}: {type(layer).__name__} is not a Dense layer; a model that is not a stack of Dense "
                "layers is recorded by its activations: Recorder(X, y, layers=[layer names])"
            )
    if not out:
        raise NetwarpError("the model holds no Dense layer; record its activations with layers=[...]")
    return out


class _Activations(SampledRecorder):
    """The sampled layers of a Keras model (the callback's ``layers=`` mode)."""

    def __init__(self, names: list[str], layer_ids: list[str], X: Any, y: Any, **kw: Any) -> None:
        self.names, self.layer_ids = names, layer_ids
        self.model: Any = None
        self._probe: Any = None
        super().__init__(X, y, **kw)

    def outputs(self) -> list[NDArray[Any]]:
        if self._probe is None:
            known = [layer.name for layer in self.model.layers]
            missing = [n for n in self.layer_ids if n not in known]
            if missing:
                raise NetwarpError(f"the model has no layer named {missing[0]!r} (layers: {', '.join(known)[:300]})")
            try:
                outs = [self.model.get_layer(n).output for n in self.layer_ids]
                self._probe = keras.Model(inputs=self.model.inputs, outputs=outs)
            except (AttributeError, ValueError, TypeError) as exc:  # e.g. a subclassed model has no graph
                raise NetwarpError(f"cannot read the outputs of layers {self.layer_ids} of this model: {exc}") from None
        got = self._probe(self.inputs, training=False)
        got = got if isinstance(got, list | tuple) else [got]
        return [np.asarray(keras.ops.convert_to_numpy(g)) for g in got]


class Recorder(keras.callbacks.Callback):  # type: ignore[misc]
    """A callback recording a Keras model during ``fit``; see the module docstring.

    ``X`` ``(n, ...)``, ``y`` ``(n,)`` (and ``X_test``, ``y_test``) are the data the trajectory
    carries and scores (for ``layers=``: the points sampled). ``output_activation`` overrides a
    Dense stack's last activation (``"softmax"`` for a model that outputs logits).
    """

    def __init__(
        self,
        X: Any = None,
        y: Any = None,
        X_test: Any = None,
        y_test: Any = None,
        *,
        layers: Sequence[str] | Mapping[str, str] | None = None,
        output_activation: str | None = None,
        sample: int = rc.SAMPLE,
        output: str | None = None,
        project: int | None = None,
        classes: Sequence[Any] | None = None,
        name: str = "keras",
    ) -> None:
        super().__init__()
        self.data = (X, y, X_test, y_test)
        self.output_activation, self.classes, self.name = output_activation, classes, name
        self._params: list[Array] = []
        self._loss: list[float] = []
        self._stack: list[tuple[Any, str]] | None = None
        self._acts: _Activations | None = None
        if layers is not None:
            if isinstance(layers, str) or not len(layers):
                raise NetwarpError("name the layers to record as a list, e.g. ['conv', 'dense']")
            shown = [str(k) for k in layers]  # a dict's keys are the names shown
            ids = [str(v) for v in (layers.values() if isinstance(layers, Mapping) else layers)]
            if X is None or y is None:
                raise NetwarpError("recording activations needs the points: Recorder(X, y, layers=[...])")
            self._acts = _Activations(shown, ids, X, y, X_test=X_test, y_test=y_test, sample=sample, output=output,
                                      project=project, classes=classes, name=name)  # fmt: skip

    def _snapshot(self, loss: float | None) -> None:
        if self._acts is not None:
            self._acts.model = self.model
            self._acts.snapshot(loss)
            return
        if self._stack is None:
            self._stack = dense_stack(self.model)
        kernels, biases = [], []
        for layer, _ in self._stack:
            w = layer.get_weights()
            kernels.append(np.asarray(w[0], dtype=np.float64).ravel())
            biases.append(np.asarray(w[1], dtype=np.float64) if layer.use_bias else np.zeros(layer.units))
        self._params.append(np.concatenate(kernels + biases))
        self._loss.append(np.nan if loss is None else float(loss))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not len(self):  # a second fit continues the same record
            self._snapshot(None)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        self._snapshot(None if loss is None else float(loss))

    def __len__(self) -> int:
        return len(self._acts) if self._acts is not None else len(self._params)

    def trajectory(self, *, name: str | None = None, dataset_name: str = "") -> Trajectory:
        """The Dense stack's parameters at every epoch as a :class:`Trajectory`."""
        if self._acts is not None:
            raise NetwarpError("this Recorder records activations (layers=...): use rec.recording()")
        if not self._params or self._stack is None:
            raise NetwarpError("nothing recorded yet: pass the Recorder to model.fit(..., callbacks=[rec])")
        acts = [a for _, a in self._stack]
        if self.output_activation is not None:
            acts[-1] = act.canonical(self.output_activation)
        first = self._stack[0][0]
        sizes = (int(first.get_weights()[0].shape[0]), *(int(layer.units) for layer, _ in self._stack))
        X, y, X_test, y_test = self.data
        config = {"source": "keras", "model": self.model.name, "layers": [layer.name for layer, _ in self._stack]}
        return build(sizes, tuple(acts), np.stack(self._params), np.array(self._loss),
                     None if self.classes is None else np.asarray(self.classes), X, y, X_test, y_test,
                     name or self.name, dataset_name, config)  # fmt: skip

    def recording(self, *, name: str | None = None, dataset_name: str = "") -> rc.Recording:
        """The recorded layers' activations at every epoch as a :class:`~netwarp.core.recording.Recording`."""
        if self._acts is None:
            raise NetwarpError("this Recorder records parameters (no layers=...): use rec.trajectory()")
        config = {"source": "keras", "model": getattr(self.model, "name", "")}
        return self._acts.recording(name=name, dataset_name=dataset_name, config=config)
