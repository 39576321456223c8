"""A scikit-learn model fitted elsewhere: ``netwarp.from_estimator(model, X, y)``.

Any solver works (here ``lbfgs``, which ``netwarp.core.record`` cannot follow epoch by epoch):
the trajectory holds one snapshot, the fitted state. A classifier on circles shows its
decision regions; a regressor's output panel plots prediction against target.

Run: ``python examples/sklearn_fitted.py [OUTPUT_DIR]`` (or set NETWARP_EXAMPLES_OUT;
default: a new temporary directory).
"""

from __future__ import annotations

import numpy as np
from _out import output_dir
from sklearn.neural_network import MLPClassifier, MLPRegressor

import netwarp
from netwarp.view.figures import plot


def main() -> None:
    out = output_dir()

    # A classifier: two circles, three tanh units (enough to lift the inner circle out).
    d = netwarp.data.datasets.load("circles")
    clf = MLPClassifier(hidden_layer_sizes=(3,), activation="tanh", solver="lbfgs", max_iter=1000, random_state=0)
    clf.fit(d.X_train, d.y_train)
    traj = netwarp.from_estimator(clf, d.X_train, d.y_train, d.X_test, d.y_test, dataset_name="circles")
    print(f"classifier: test accuracy {traj.test_score[0]:.3f} (scikit-learn: {clf.score(d.X_test, d.y_test):.3f})")
    netwarp.save(traj, out / "fitted-classifier.npz")
    plot(traj).savefig(out / "fitted-classifier.png", dpi=80)

    # A regressor: y = sin(3x) on [-1, 1]; classes is None and the output is the identity.
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 1))
    y = np.sin(3 * X[:, 0]) + rng.normal(scale=0.05, size=300)
    reg = MLPRegressor(hidden_layer_sizes=(6, 2), activation="tanh", solver="lbfgs", max_iter=2000, random_state=0)
    reg.fit(X[:200], y[:200])
    rtraj = netwarp.from_estimator(reg, X[:200], y[:200], X[200:], y[200:], dataset_name="sine")
    print(f"regressor: test R^2 {rtraj.test_score[0]:.3f} (scikit-learn: {reg.score(X[200:], y[200:]):.3f})")
    netwarp.save(rtraj, out / "fitted-regressor.npz")
    plot(rtraj).savefig(out / "fitted-regressor.png", dpi=80)
    print(f"wrote {out / 'fitted-classifier.png'} and {out / 'fitted-regressor.png'} (and .npz files)")


if __name__ == "__main__":
    main()
