"""Every script in examples/ runs as a user would run it and writes what it says."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import netwarp

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: script -> files it must write (trajectories are loaded back, figures checked as PNG).
OUTPUTS = {
    "csv_file.py": ["iris.npz", "iris.png", "iris-epoch0.png"],
    "torch_loop.py": ["torch-spirals.npz", "torch-spirals.png", "torch-checkpoints.npz", "spirals-150.pt"],
    "sklearn_fitted.py": [
        "fitted-classifier.npz",
        "fitted-classifier.png",
        "fitted-regressor.npz",
        "fitted-regressor.png",
    ],
    "digits.py": ["digits.npz", "digits-epoch0.png", "digits.png", "digits-training.png"],
    "digits_cnn.py": ["digits-cnn.npz", "digits-cnn.png", "digits-cnn.html"],
}


def test_every_example_is_tested() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("[!_]*.py")) == sorted(OUTPUTS)  # _out.py: their shared helper


def run(script: str, out: Path, *, via_env: bool = False) -> str:
    env = {**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, str(EXAMPLES / script)]
    if via_env:
        env["NETWARP_EXAMPLES_OUT"] = str(out)
    else:
        argv.append(str(out))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600, cwd=out.parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(OUTPUTS))
def test_example_runs_and_writes_its_outputs(script: str, tmp_path: Path) -> None:
    if script in ("torch_loop.py", "digits_cnn.py") and importlib.util.find_spec("torch") is None:
        pytest.skip("needs PyTorch")
    out = tmp_path / "out"
    stdout = run(script, out, via_env=script == "digits.py")
    for name in OUTPUTS[script]:
        path = out / name
        assert path.is_file() and path.stat().st_size > 0, name
        if name.endswith(".png"):
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if name.endswith(".npz"):
            traj = netwarp.load(path)
            assert traj.data is not None and len(traj.data.y_test) > 0
            assert np.isfinite(traj.test_score[-1]) and traj.test_score[-1] > 0.8, (name, traj.test_score[-1])
    assert "wrote" in stdout
