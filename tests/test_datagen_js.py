"""The page's datasets (static/datagen.js) follow netwarp.data.datasets' recipes.

JavaScript draws its own random numbers, so the points differ; what must agree is everything
else: the dimension, the classes and their sizes (within 2 %), the split sizes, and each class's spread
(per-axis mean and standard deviation of 20 000 points within 0.03).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from netwarp.data import datasets

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "js" / "datagen_stats.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
N = 20_000


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_js_datasets_follow_the_python_recipes() -> None:
    noise = {name: spec.noise for name, spec in datasets.DATASETS.items()}
    proc = subprocess.run([NODE, str(SCRIPT), str(N), json.dumps(noise)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    assert set(js) == set(datasets.DATASETS)
    for name, spec in datasets.DATASETS.items():
        X, y = spec.generate(N, spec.noise, np.random.default_rng(5))
        got = js[name]
        assert got["d"] == X.shape[1] == spec.n_features, name
        assert got["train"] == N - math.ceil(0.3 * N), name
        assert sorted(int(k) for k in got["stats"]) == sorted(np.unique(y).tolist()), name
        for k, s in got["stats"].items():
            rows = X[y == int(k)]
            assert abs(s["count"] - len(rows)) <= 0.02 * N, (name, k)  # xor's labels are drawn, the rest fixed
            assert np.allclose(s["mean"], rows.mean(axis=0), atol=0.03), (name, k, s["mean"], rows.mean(axis=0))
            assert np.allclose(s["std"], rows.std(axis=0), atol=0.03), (name, k, s["std"], rows.std(axis=0))


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_js_polar_datasets_put_each_class_on_its_rings() -> None:
    """Without noise, each class of the datasets drawn by polar coordinates (datagen.js's `polar`)
    spans the radii Python's recipe gives it: a ring, a disk, an annulus, a spiral's arm."""
    polar = ["circles", "disk_annulus", "spirals", "spirals_tight"]
    proc = subprocess.run([NODE, str(SCRIPT), str(N), json.dumps(dict.fromkeys(datasets.DATASETS, 0.0))],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    for name in polar:
        X, y = datasets.DATASETS[name].generate(N, 0.0, np.random.default_rng(5))
        for k, s in js[name]["stats"].items():
            r = np.hypot(*X[y == int(k)].T)
            assert np.allclose(s["radius"], [r.min(), r.max()], atol=0.01), (name, k, s["radius"], r.min(), r.max())
