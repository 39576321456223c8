"""Your own table: train on a CSV file and see every layer.

Reads examples/data/iris.csv (Fisher's iris, as shipped with scikit-learn: 4 numeric
features, 3 species as string labels), standardises the features on the training rows,
trains an MLP with every epoch recorded and saves the trajectory and a figure.

The command-line equivalent:

    netwarp train --data examples/data/iris.csv --label species --scale --hidden 3 -o iris.npz

Run: ``python examples/csv_file.py [OUTPUT_DIR]`` (or set NETWARP_EXAMPLES_OUT; default: a
new temporary directory).
"""

from __future__ import annotations

from pathlib import Path

from _out import output_dir

import netwarp
from netwarp.data.files import load_file
from netwarp.view.figures import plot

HERE = Path(__file__).resolve().parent


def main() -> None:
    out = output_dir()
    data = load_file(HERE / "data" / "iris.csv", label="species", scale=True, test_size=0.3)
    print(data.description)
    traj = netwarp.train(
        data.X_train, data.y_train, X_test=data.X_test, y_test=data.y_test,
        hidden=(3,), activation="tanh", solver="adam", learning_rate_init=0.02, max_iter=300,
        name="iris tanh", dataset_name=data.name,
    )  # fmt: skip
    traj.config["data"] = data.info()  # where the data came from and how it was scaled
    print(f"{traj.n_epochs} epochs, test accuracy {traj.test_score[-1]:.3f} ({traj.stop_reason})")
    netwarp.save(traj, out / "iris.npz")
    # 4 input features and 3 classes: the input panel shows a fixed 3-D projection (PCA over
    # training), the hidden layer its 3 units, the output the three class probabilities.
    plot(traj).savefig(out / "iris.png", dpi=80)
    plot(traj, epoch=0).savefig(out / "iris-epoch0.png", dpi=80)
    print(f"wrote {out / 'iris.npz'}, {out / 'iris.png'} and {out / 'iris-epoch0.png'}")


if __name__ == "__main__":
    main()
