"""The renderer's editing offsets, dead units and boundary contour (static/edit.js, dead.js,
boundary.js, run under node) against Python: the Trajectory's flat layout, readout.dead_units."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from netwarp.core.params import n_params, unflatten
from netwarp.core.trajectory import Trajectory
from netwarp.view import readout

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "js" / "teach.mjs"
NODE = shutil.which("node") or "/usr/bin/node"


def _network(rng: np.random.Generator, sizes: list[int]) -> dict[str, Any]:
    params = rng.normal(size=(1, n_params(sizes)))
    Ws, bs = unflatten(params, sizes)
    for ell in range(1, len(sizes) - 1):  # kill some hidden units: a bias far below every input
        for j in range(sizes[ell]):
            if rng.random() < 0.35:
                bs[ell - 1][0, j] = -50.0
    params = np.concatenate([W[0].ravel() for W in Ws] + [b[0] for b in bs])[None]
    acts = ("relu",) * (len(sizes) - 2) + ("logistic",)
    traj = Trajectory(tuple(sizes), acts, params)
    X = rng.uniform(-2, 2, size=(40, sizes[0]))
    split = (rng.random(40) < 0.3).astype(int)  # 1 = test
    dead = readout.dead_units(traj.forward(X, 0), split)
    index = np.arange(n_params(sizes), dtype=float)[None]
    Wi, bi = unflatten(index, sizes)
    want = {(ell, i, j): int(Wi[ell][0, i, j]) for ell in range(len(sizes) - 1)
            for i in range(sizes[ell]) for j in range(sizes[ell + 1])}  # fmt: skip
    want |= {(ell, -1, j): int(bi[ell][0, j]) for ell in range(len(sizes) - 1) for j in range(sizes[ell + 1])}
    return {
        "sizes": sizes, "activations": list(acts), "n": 40, "X": X.ravel().tolist(),
        "params": params.ravel().tolist(), "mask": (split == 0).astype(int).tolist(),
        "want_dead": [np.flatnonzero(d).tolist() for d in dead],
        "want_offsets": [[*k, v] for k, v in want.items()],
    }  # fmt: skip


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_edit_offsets_dead_units_and_contour_match_python(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    nets = [_network(rng, [int(rng.integers(1, 4)), *rng.integers(1, 7, size=depth).tolist(), 1])
            for depth in (1, 2, 3) for _ in range(4)]  # fmt: skip
    assert any(any(d) for net in nets for d in net["want_dead"])  # some units are dead
    assert any(len(d) < s for net in nets for d, s in zip(net["want_dead"], net["sizes"][1:-1], strict=True))
    fields = [{"a": 1.3, "b": -0.7, "c": 0.2, "gw": 33, "gh": 21}, {"a": 0.0, "b": 2.0, "c": -0.5, "gw": 9, "gh": 9}]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"networks": nets, "fields": fields}))
    proc = subprocess.run([NODE, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    for net, res in zip(nets, got["networks"], strict=True):
        assert sorted(map(tuple, res["offsets"])) == sorted(map(tuple, net["want_offsets"]))
        assert res["dead"] == net["want_dead"]
    for f, res in zip(fields, got["fields"], strict=True):
        assert res["segments"] >= min(f["gw"], f["gh"]) - 2  # the line crosses the whole grid
        assert res["worst"] < 1e-12  # linear interpolation finds a linear field's zero line exactly
