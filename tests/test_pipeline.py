"""scikit-learn pipelines: affine preprocessing shown as the first layers, the MLP exact."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler

import netwarp
from netwarp.errors import NetwarpError
from netwarp.view import envelope
from netwarp.view.scene import Scene


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X[:600], y[:600], random_state=0)
    return Xtr, Xte, ytr, yte


def pipe() -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier((12,), max_iter=25, random_state=0))])


def test_record_a_pipeline_equals_fit_and_shows_the_raw_input(digits: tuple, tmp_path: Path) -> None:
    Xtr, Xte, ytr, yte = digits
    p = pipe()
    seen: list[np.ndarray] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.record(p, Xtr, ytr, Xte, yte, on_epoch=lambda e, theta, loss: seen.append(theta))
        ref = clone(pipe()).fit(Xtr, ytr)
    for a, b in zip(p[-1].coefs_ + p[-1].intercepts_, ref[-1].coefs_ + ref[-1].intercepts_, strict=True):
        assert np.array_equal(a, b)  # the MLP inside ends identical to Pipeline.fit
    assert traj.layer_sizes == (64, 64, 12, 10) and traj.activations == ("identity", "relu", "softmax")
    assert traj.config["fixed_layers"] == 1 and traj.config["pipeline"][0] == "scale: StandardScaler"
    assert traj.config["layer_names"] == ["", "scale", "", ""]  # the view names the step's panel
    _, spec = envelope.decode(envelope.encode(Scene.from_trajectories(traj)))
    assert spec["runs"][0]["layer_names"] == ["", "scale", "", ""] and "recorded" not in spec["runs"][0]
    # the first layer is the scaler, fixed at every epoch, and the input is the raw data
    W0 = traj.weights(0)
    assert np.array_equal(W0[0], W0[-1]) and traj.data is not None and np.array_equal(traj.data.X_train, Xtr)
    scaled = traj.forward(Xte, 10)[1]
    assert np.allclose(scaled, p[0].transform(Xte), atol=1e-12)
    assert np.abs(traj.predict_proba(Xte) - ref.predict_proba(Xte)).max() < 1e-12
    assert traj.test_score[-1] == pytest.approx(ref.score(Xte, yte))
    assert np.allclose(np.array(seen), traj.params)  # a live view gets the composed rows
    netwarp.save(traj, tmp_path / "p.npz")
    back = netwarp.load(tmp_path / "p.npz")
    assert np.array_equal(back.params, traj.params)
    assert netwarp.plot(back).axes[1].get_title().startswith("scale (64 identity)")
    assert netwarp.export_html(back, tmp_path / "p.html").stat().st_size > 10_000


def test_from_estimator_takes_a_fitted_pipeline_with_pca(digits: tuple) -> None:
    Xtr, Xte, ytr, yte = digits
    p = Pipeline([("mm", MinMaxScaler()), ("pca", PCA(8, whiten=True, random_state=0)),
                  ("mlp", MLPRegressor(hidden_layer_sizes=(6,), max_iter=50, random_state=0))])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p.fit(Xtr, ytr.astype(float))
    traj = netwarp.from_estimator(p, Xtr, ytr.astype(float), Xte, yte.astype(float))
    assert traj.layer_sizes == (64, 64, 8, 6, 1) and traj.n_epochs == 0
    assert np.allclose(traj.predict(Xte), p.predict(Xte), atol=1e-9)
    assert traj.test_score[0] == pytest.approx(p.score(Xte, yte.astype(float)))
    with pytest.raises(NetwarpError, match=r"^X has 3 features, the model takes 64$"):  # before a step sees it
        netwarp.from_estimator(p, Xtr[:, :3], ytr.astype(float))


def test_non_affine_steps_and_other_ends_are_refused(digits: tuple) -> None:
    Xtr, _, ytr, _ = digits
    poly = Pipeline([("poly", PolynomialFeatures(2)), ("mlp", MLPClassifier((4,), max_iter=2))])
    with pytest.raises(NetwarpError, match=r"'poly' .*not an affine map"):
        netwarp.record(poly, Xtr[:, :3], ytr)
    with pytest.raises(NetwarpError, match="ends in an MLPClassifier or MLPRegressor, not StandardScaler"):
        netwarp.record(Pipeline([("s", StandardScaler())]), Xtr, ytr)
    with pytest.raises(NetwarpError, match="not fitted"):
        netwarp.from_estimator(pipe())


def test_a_fitted_pipeline_takes_data_as_its_mlp_does(digits: tuple) -> None:
    """from_estimator checks and scores the data given with a fitted pipeline as with its bare MLP."""
    Xtr, Xte, ytr, yte = digits
    mlp = MLPClassifier((5,), max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.fit(Xtr, ytr)
    alone = Pipeline([("skip", "passthrough"), ("mlp", mlp)])  # no preprocessing: the same network
    bare, piped = netwarp.from_estimator(mlp, Xtr, ytr, Xte, yte), netwarp.from_estimator(alone, Xtr, ytr, Xte, yte)
    assert bare.data is not None and piped.data is not None
    for key in ("X_train", "y_train", "X_test", "y_test", "X", "y"):
        a, b = getattr(bare.data, key), getattr(piped.data, key)
        assert a.dtype == b.dtype, key
        np.testing.assert_array_equal(a, b, err_msg=key)
    np.testing.assert_array_equal(bare.train_score, piped.train_score)
    np.testing.assert_array_equal(bare.test_score, piped.test_score)
    bad = [
        ((Xtr, None, None, None), "give X with y"), ((None, None, Xte, yte), "give X with y"),
        ((Xtr, ytr, Xte, None), "give both X_test and y_test"), ((Xtr[:, :3], ytr, None, None), "X has 3 features"),
        ((Xtr, ytr[:-1], None, None), "bad data"), ((Xtr, ytr, Xte[:, :3], yte), "X_test has 3 features"),
    ]  # fmt: skip
    for args, words in bad:
        said = []
        for model in (mlp, alone):
            with pytest.raises(NetwarpError, match=words) as err:
                netwarp.from_estimator(model, *args)
            said.append(str(err.value))
        assert said[0] == said[1], said
