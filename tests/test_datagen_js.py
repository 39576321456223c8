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
