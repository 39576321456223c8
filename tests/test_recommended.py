"""Every built-in dataset recommends settings that learn it: what a user gets when they change nothing."""

from __future__ import annotations

import warnings

import pytest

import netwarp
from netwarp.apps.cli import main
from netwarp.core.spec import RunSpec
from netwarp.data import datasets

#: The best a classifier does on the noisy sets (measured: a linear read-out fitted on 40 000 points).
CEILING = {"gaussians": 0.98, "blobs": 0.96}


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_recommended_settings_learn_the_dataset(name: str) -> None:
    spec = RunSpec.recommended(name)
    assert spec.early_stop and spec.max_iter <= 1500 and max(spec.hidden) <= 8
    data = spec.load_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(data.X_train, data.y_train, spec, X_test=data.X_test, y_test=data.y_test)
    assert traj.test_score[-1] >= CEILING.get(name, 0.97), (name, traj.n_epochs, traj.test_score[-1])
    assert traj.n_epochs < spec.max_iter, traj.stop_reason  # it converged, by the stopping rule


@pytest.mark.parametrize("name", ["xor", "spirals"])
def test_netwarp_train_on_a_dataset_learns_it(name: str, tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    out = f"{tmp_path}/{name}.npz"
    assert main(["train", "--dataset", name, "-o", out]) == 0
    traj = netwarp.load(out)
    assert traj.test_score[-1] >= 0.97 and traj.config["spec"]["dataset"] == name


def test_interval1d_recommends_the_seed_notebook() -> None:
    assert RunSpec.recommended("interval1d") == RunSpec(dataset="interval1d") == RunSpec()
