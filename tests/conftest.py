"""Shared fixtures: the seed's data and trained runs, computed once per session."""

from __future__ import annotations

import os
import warnings

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

import netwarp
from netwarp.datasets import Dataset
from netwarp.trajectory import Trajectory


@pytest.fixture(scope="session")
def seed_data() -> Dataset:
    return netwarp.datasets.load("interval1d")


@pytest.fixture(scope="session")
def seed_runs(seed_data: Dataset) -> dict[str, Trajectory]:
    """The demo's three runs (tanh, identity, relu) on the seed configuration."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            a: netwarp.train(
                seed_data.X_train, seed_data.y_train, X_test=seed_data.X_test, y_test=seed_data.y_test,
                activation=a, name=a, dataset_name="interval1d",
            )
            for a in ("tanh", "identity", "relu")
        }  # fmt: skip
