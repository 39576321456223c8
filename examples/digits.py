"""Ten classes in 64 dimensions: scikit-learn's handwritten digits, every epoch recorded.

``load_digits`` ships with scikit-learn (1797 images of 8x8 pixels, 16 grey levels). Wide
layers are drawn through fixed projections: PCA fitted once over the whole trajectory, so
the 64-D input, the 16 hidden units and the 10 class probabilities keep the same axes at
every epoch and you can watch the classes pull apart.

Run: ``python examples/digits.py [OUTPUT_DIR]`` (or set NETWARP_EXAMPLES_OUT; default: a
new temporary directory).
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
from _out import output_dir
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

import netwarp
from netwarp.view.figures import plot, plot_training


def main() -> None:
    out = output_dir()
    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # grey levels 0..16 -> 0..1
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=2, stratify=y)
    model = MLPClassifier(hidden_layer_sizes=(16,), activation="tanh", solver="adam", learning_rate_init=0.01,
                          max_iter=40, random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        traj = netwarp.record(model, X_train, y_train, X_test, y_test, name="digits", dataset_name="digits")
    # netwarp.core.record leaves the model fitted exactly as model.fit would
    sklearn_score = model.score(X_test, y_test)
    print(f"{traj.n_epochs} epochs, test accuracy {traj.test_score[-1]:.3f} (scikit-learn: {sklearn_score:.3f})")
    netwarp.save(traj, out / "digits.npz")
    plot(traj, epoch=0).savefig(out / "digits-epoch0.png", dpi=80)
    plot(traj).savefig(out / "digits.png", dpi=80)
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    plot_training(traj, ax=ax)  # loss and accuracy per epoch
    fig.savefig(out / "digits-training.png", dpi=80)
    print(f"wrote digits.npz, digits-epoch0.png, digits.png and digits-training.png in {out}")


if __name__ == "__main__":
    main()
