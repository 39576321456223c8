"""Fitted scikit-learn models: MLPRegressor and multiclass classifiers, end to end, and their figures."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.errors import NetwarpError
from netwarp.view.figures import PALETTE, LayerFigure, plot


def regression_data(n: int = 200, d: int = 2, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, d))
    return X, np.sin(3 * X[:, 0]) + X[:, -1] ** 2


def fit(model: Any, X: Any, y: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_mlp_regressor(solver: str, tmp_path: Path) -> None:
    X, y = regression_data()
    model = fit(MLPRegressor(hidden_layer_sizes=(6, 3), solver=solver, max_iter=300, random_state=0), X[:150], y[:150])
    t = netwarp.from_estimator(model, X[:150], y[:150], X[150:], y[150:], dataset_name="sine")
    assert t.classes is None and not t.is_classifier and t.activations == ("relu", "relu", "identity")
    assert t.layer_sizes == (2, 6, 3, 1) and t.n_epochs == 0
    np.testing.assert_allclose(t.forward(X)[-1][:, 0], model.predict(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.predict(X), model.predict(X), rtol=1e-12, atol=1e-12)
    assert t.train_score[0] == pytest.approx(model.score(X[:150], y[:150]))
    assert t.test_score[0] == pytest.approx(model.score(X[150:], y[150:]))
    assert np.isfinite(t.loss[0]) and t.loss[0] == pytest.approx(model.loss_)
    back = netwarp.load(netwarp.save(t, tmp_path / "reg.npz"))
    assert back.classes is None and back.data is not None and back.data.name == "sine"
    np.testing.assert_array_equal(back.params, t.params)


def test_multi_output_and_poisson_regressors() -> None:
    X, y = regression_data()
    Y = np.column_stack([y, -y, X[:, 0]])
    model = fit(MLPRegressor(hidden_layer_sizes=(5,), max_iter=100, random_state=1), X, Y)
    t = netwarp.from_estimator(model, X, Y)
    assert t.layer_sizes == (2, 5, 3) and t.classes is None
    np.testing.assert_allclose(t.forward(X)[-1], model.predict(X), rtol=1e-12, atol=1e-12)
    assert t.train_score[0] == pytest.approx(model.score(X, Y))
    counts = np.round(np.exp(y)).astype(float)
    model = fit(MLPRegressor(loss="poisson", hidden_layer_sizes=(4,), max_iter=100, random_state=1), X, counts)
    t = netwarp.from_estimator(model)
    assert t.out_activation == "exp" and t.data is None
    np.testing.assert_allclose(t.forward(X)[-1][:, 0], model.predict(X), rtol=1e-12)


def test_from_estimator_errors() -> None:
    X, y = regression_data()
    model = fit(MLPRegressor(hidden_layer_sizes=(3,), max_iter=20, random_state=0), X, y)
    with pytest.raises(NetwarpError, match="not fitted yet"):
        netwarp.from_estimator(MLPRegressor())
    with pytest.raises(NetwarpError, match="got LinearRegression"):
        from sklearn.linear_model import LinearRegression

        netwarp.from_estimator(LinearRegression().fit(X, y))  # type: ignore[arg-type]
    with pytest.raises(NetwarpError, match="X has 3 features, the model takes 2"):
        netwarp.from_estimator(model, np.ones((5, 3)), np.ones(5))
    with pytest.raises(NetwarpError, match="give X with y"):
        netwarp.from_estimator(model, X)


def test_multiclass_end_to_end(tmp_path: Path) -> None:
    d = netwarp.data.datasets.load("blobs", n=300)
    est = MLPClassifier(hidden_layer_sizes=(5,), solver="adam", learning_rate_init=0.02, max_iter=60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t = netwarp.record(est, d.X_train, d.y_train, d.X_test, d.y_test, dataset_name="blobs")
    assert t.out_activation == "softmax" and list(t.classes) == [0, 1, 2] and t.layer_sizes == (2, 5, 3)
    np.testing.assert_allclose(t.forward(d.X_test)[-1], est.predict_proba(d.X_test), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(t.predict(d.X_test), est.predict(d.X_test))
    assert t.test_score[-1] == pytest.approx(est.score(d.X_test, d.y_test))
    # a model fitted elsewhere, with string labels
    names = np.array(["north", "east", "west"])[d.y_train]
    other = fit(MLPClassifier(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=200, random_state=0), d.X_train, names)
    f = netwarp.from_estimator(other, d.X_train, names)
    assert list(f.classes) == ["east", "north", "west"] and f.out_activation == "softmax"
    np.testing.assert_allclose(f.predict_proba(d.X_train), other.predict_proba(d.X_train), rtol=1e-12, atol=1e-12)
    assert f.train_score[0] == pytest.approx(other.score(d.X_train, names))
    back = netwarp.load(netwarp.save([t, f], tmp_path / "multi.npz"), run=0)
    assert back.n_epochs == t.n_epochs and list(back.classes) == [0, 1, 2]


def test_regressor_output_panel_plots_prediction_against_target() -> None:
    X, y = regression_data()
    model = fit(MLPRegressor(hidden_layer_sizes=(4,), max_iter=200, random_state=0), X, y)
    t = netwarp.from_estimator(model, X[:150], y[:150], X[150:], y[150:])
    fig = plot(t)
    ax_in, _, ax_out = fig.axes
    assert (ax_out.get_xlabel(), ax_out.get_ylabel()) == ("prediction", "target")
    assert "prediction vs target" in ax_out.get_title()
    assert t.data is not None
    offsets = np.asarray(ax_out.collections[0].get_offsets())
    np.testing.assert_allclose(offsets[:, 0], model.predict(t.data.X))
    np.testing.assert_allclose(offsets[:, 1], t.data.y)
    diagonal = ax_out.lines[0].get_xydata()
    assert np.allclose(diagonal[:, 0], diagonal[:, 1])  # the line where prediction = target
    assert len(ax_in.images) == 0  # no class regions for a regressor
    colours = ax_in.collections[0].get_facecolors()[:, :3]
    assert len(np.unique(colours.round(3), axis=0)) > 10  # points coloured by target value
    # update() moves the points along the prediction axis only
    lf = LayerFigure(t)
    lf.update(0)
    assert "test R²" in lf.title.get_text()
    assert np.allclose(np.asarray(lf.axes[-1].collections[0].get_offsets())[:, 1], t.data.y)
    plt.close("all")


def test_multiclass_figure_regions_match_point_colours() -> None:
    d = netwarp.data.datasets.load("blobs", n=300)
    t = netwarp.train(d.X_train, d.y_train, hidden=(5,), solver="adam", learning_rate_init=0.02, max_iter=80,
                      X_test=d.X_test, y_test=d.y_test)  # fmt: skip
    fig = plot(t)
    ax_in, _, ax_out = fig.axes
    assert ax_out.name == "3d" and ax_out.get_xlabel() == "class 0" and ax_out.get_zlabel() == "class 2"
    image = ax_in.images[0]
    values = np.asarray(image.get_array())
    assert set(np.unique(values)) <= {0, 1, 2}
    # a region predicted as class k is drawn in class k's colour, like class k's points
    for k in np.unique(values).astype(int):
        assert np.allclose(image.cmap(image.norm(k))[:3], to_rgb(PALETTE[k]))
    points = ax_in.collections[0].get_facecolors()[:, :3]
    expected = np.array([to_rgb(PALETTE[int(c)]) for c in t.data.y])  # type: ignore[union-attr]
    np.testing.assert_allclose(points, expected)
    # ten classes in 64 dimensions: the input and output panels use the fixed projections
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    model = fit(MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0), X[:400] / 16, y[:400])
    digits = netwarp.from_estimator(model, X[:400] / 16, y[:400])
    fig = plot(digits)
    labels = [ax.get_xlabel() for ax in fig.axes]
    assert labels == ["PC 1", "PC 1", "PC 1"] and all(ax.name == "3d" for ax in fig.axes)
    colours = fig.axes[0].collections[0].get_facecolors()[:, :3]
    assert len(np.unique(colours.round(4), axis=0)) == 10  # ten classes, ten colours
    plt.close("all")
