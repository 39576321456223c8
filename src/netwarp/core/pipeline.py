"""scikit-learn pipelines: affine preprocessing (scalers, PCA...) in front of an MLP.

``netwarp.record(Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier(...))]), X, y)``
fits the preprocessing steps as ``Pipeline.fit`` does, records the MLP on the transformed data
with netwarp's engine (so it ends identical to ``Pipeline.fit``'s), and returns one
:class:`~netwarp.core.trajectory.Trajectory` whose input is the *raw* data: each preprocessing
step is a first layer with the identity activation and fixed parameters (a scaler and PCA are
affine maps ``x W + b``), so the raw input space stays visible, the step is the first stage of
the deformation, and every layer is still recomputed from parameters. ``from_estimator`` takes
a fitted pipeline the same way.

A step is accepted when its ``transform`` is affine (checked on the data: ``T(x)`` must equal
``x W + b`` with ``b = T(0)`` and ``W``'s rows ``T(e_i) - b``): ``StandardScaler``,
``MinMaxScaler`` (without ``clip``), ``MaxAbsScaler``, ``RobustScaler``, ``PCA``,
``TruncatedSVD``... ``"passthrough"`` steps are skipped. The trajectory's ``config`` names the
steps (``pipeline``) and how many first layers they are (``fixed_layers``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils import check_array

from netwarp.core.given_data import as_dataset, checked, with_scores
from netwarp.core.params import n_params, unflatten
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError

Array = NDArray[np.float64]
#: Relative tolerance of the affine check.
TOLERANCE = 1e-9


def _split(pipe: Pipeline) -> tuple[list[tuple[str, Any]], MLPClassifier | MLPRegressor]:
    steps = [(name, step) for name, step in pipe.steps if step is not None and step != "passthrough"]
    if not steps or not isinstance(steps[-1][1], MLPClassifier | MLPRegressor):
        last = type(steps[-1][1]).__name__ if steps else "nothing"
        raise NetwarpError(f"netwarp records a Pipeline that ends in an MLPClassifier or MLPRegressor, not {last}")
    return steps[:-1], steps[-1][1]


def affine(name: str, step: Any, X: Array) -> tuple[Array, Array]:
    """``(W (d_in, d_out), b (d_out,))`` with ``step.transform(x) == x W + b``, or a clear error."""
    d = X.shape[1]
    try:
        b = np.asarray(step.transform(np.zeros((1, d))), dtype=np.float64)[0]
        W = np.asarray(step.transform(np.eye(d)), dtype=np.float64) - b
        probe = X[: min(len(X), 256)]
        got = np.asarray(step.transform(probe), dtype=np.float64)
    except Exception as exc:  # a transformer may raise anything on probe inputs
        raise NetwarpError(f"pipeline step {name!r} ({type(step).__name__}) cannot be shown: {exc}") from None
    if got.shape != (len(probe), len(b)) or not np.allclose(probe @ W + b, got, rtol=TOLERANCE,
                                                             atol=TOLERANCE * (1 + np.abs(got).max())):  # fmt: skip
        raise NetwarpError(
            f"pipeline step {name!r} ({type(step).__name__}) is not an affine map; netwarp shows pipelines whose "
            "preprocessing is affine (scalers, PCA) in front of an MLP"
        )
    return W, b


def compose(pre: list[tuple[Array, Array]], mlp: Trajectory, names: list[str]) -> Trajectory:
    """The trajectory of the fixed affine layers ``pre`` followed by the MLP ``mlp`` (its epochs)."""
    n = mlp.n_epochs + 1
    Ws, bs = unflatten(mlp.params, list(mlp.layer_sizes))
    fixed_w = [np.broadcast_to(W.ravel(), (n, W.size)) for W, _ in pre]
    fixed_b = [np.broadcast_to(b, (n, b.size)) for _, b in pre]
    params = np.concatenate([*fixed_w, *(W.reshape(n, -1) for W in Ws), *fixed_b, *(b.reshape(n, -1) for b in bs)],
                            axis=1)  # fmt: skip
    sizes = (pre[0][0].shape[0] if pre else mlp.layer_sizes[0], *(b.size for _, b in pre), *mlp.layer_sizes[1:])
    steps = [n.split(":")[0] for n in names[: len(pre)]]  # the fixed layers are named by their steps
    config = {**mlp.config, "pipeline": names, "fixed_layers": len(pre),
              "layer_names": ["", *steps, *[""] * mlp.n_layers]}  # fmt: skip
    return Trajectory(sizes, ("identity",) * len(pre) + mlp.activations, params, classes=mlp.classes,
                      loss=mlp.loss, train_score=mlp.train_score, test_score=mlp.test_score,
                      stop_reason=mlp.stop_reason, name=mlp.name, config=config,
                      validation_score=mlp.validation_score)  # fmt: skip


def _row(pre: list[tuple[Array, Array]], mlp: Any, d: int, theta: Array) -> Array:
    """One flat MLP parameter row ``(n_params,)`` composed with the fixed layers ``pre``."""
    hidden = list(np.atleast_1d(mlp.hidden_layer_sizes))
    widths = [d, *hidden]
    inner = n_params(widths)  # the hidden layers' parameters
    k = (len(theta) - inner) // (widths[-1] + 1)  # the output width, from the row's length
    return np.asarray(compose(pre, Trajectory((*widths, k), ("identity",) * len(widths), theta[None]), []).params[0])


def _names(pipe: Pipeline) -> list[str]:
    return [f"{name}: {type(step).__name__}" for name, step in pipe.steps if step is not None and step != "passthrough"]


def _transform(pre: list[tuple[str, Any]], X: Any) -> Any:
    for _, step in pre:
        X = step.transform(X)
    return X


def record(record_mlp: Callable[..., Trajectory], pipe: Pipeline, X: Any, y: Any, X_test: Any = None,
           y_test: Any = None, **kwargs: Any) -> Trajectory:  # fmt: skip
    """Fit ``pipe``'s preprocessing, record its MLP with ``record_mlp`` (:func:`netwarp.core.record.record`)
    and show both: the returned trajectory takes raw ``X`` ``(n, d)``. ``pipe`` ends fitted as by ``fit``."""
    pre, mlp = _split(pipe)
    Xa = check_array(X, dtype=np.float64)
    Xt, maps = Xa, []
    for name, step in pre:
        Xnext = step.fit_transform(Xt, y)
        maps.append(affine(name, step, Xt))
        Xt = Xnext
    Xt_test = None if X_test is None else _transform(pre, check_array(X_test, dtype=np.float64))
    hook = kwargs.get("on_epoch")
    if hook is not None:  # a live view gets the composed parameters, the trajectory's layout
        kwargs["on_epoch"] = lambda e, theta, loss: hook(e, _row(maps, mlp, Xt.shape[1], theta), loss)
    traj = record_mlp(mlp, Xt, y, Xt_test, y_test, **kwargs)
    out = compose(maps, traj, _names(pipe))
    assert traj.data is not None
    d = traj.data  # the raw inputs with the targets the MLP was recorded on
    out.data = as_dataset(Xa, d.y_train, X_test, None if X_test is None else d.y_test, d.name)
    return out


def from_fitted(from_estimator: Callable[..., Trajectory], pipe: Pipeline, X: Any = None, y: Any = None,
                X_test: Any = None, y_test: Any = None, **kwargs: Any) -> Trajectory:  # fmt: skip
    """A one-snapshot trajectory of a fitted pipeline; ``from_estimator`` is
    :func:`netwarp.core.record.from_estimator`, which then scores it on the data given."""
    pre, mlp = _split(pipe)
    mlp_traj = from_estimator(mlp, name=kwargs.get("name", ""))
    if not hasattr(pre[0][1] if pre else mlp, "n_features_in_"):
        raise NetwarpError("the pipeline is not fitted yet; call fit first")
    d = pre[0][1].n_features_in_ if pre else mlp.n_features_in_
    data = checked(X, y, X_test, y_test, d, kwargs.get("dataset_name", ""))  # as from_estimator checks it
    Xp = np.zeros((1, d)) if data is None else data.X_train
    maps = []
    for name, step in pre:
        maps.append(affine(name, step, Xp))
        Xp = step.transform(Xp)
    return with_scores(compose(maps, mlp_traj, _names(pipe)), data)
