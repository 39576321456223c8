"""The browser's forward pass (static/nn.js, run under node) agrees with NumPy within 1e-9.

Random networks of several depths and widths 1..6 use every activation in
netwarp.core.activations, at several epochs; every layer and every stage (xW, xW + b, sigma)
is compared, plus the morph, grids and projections the renderer uses, and the Grand Tour's
frames (static/tour.js against netwarp.view.tour).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from netwarp.core import activations as act
from netwarp.core.params import n_params
from netwarp.core.trajectory import Trajectory
from netwarp.view import geometry, tour

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "js" / "golden.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
ALL = [*act.ACTIVATIONS, "leaky_relu:0.2", "leaky_relu:-0.5"]


def _f(a: Any) -> list[Any]:
    """Numbers for JSON: non-finite values as the strings "Infinity", "-Infinity", "NaN"."""
    flat = np.asarray(a, dtype=np.float64).ravel()
    return [float(v) if math.isfinite(v) else str(v).replace("inf", "Infinity").replace("nan", "NaN")
            for v in flat]  # fmt: skip


def _morph_padded(traj: Trajectory, X: Any, epoch: int, t: float) -> Any:
    layer = min(int(t // 3), traj.n_layers - 1)
    D = max(traj.layer_sizes[layer], traj.layer_sizes[layer + 1])
    return geometry.embed(geometry.morph(traj, X, epoch, t), D)


def _network(rng: np.random.Generator, sizes: list[int], acts: list[str], epochs: int) -> dict[str, Any]:
    P = n_params(sizes)
    scales = np.linspace(0.3, 2.5, epochs + 1)[:, None]
    params = rng.normal(size=(epochs + 1, P)) * scales
    traj = Trajectory(layer_sizes=tuple(sizes), activations=tuple(acts), params=params)
    n = 7
    X = rng.uniform(-2, 2, size=(n, sizes[0]))
    eps = []
    for e in range(epochs + 1):
        values = traj.forward(X, e)
        stages = [geometry.layer_stages(traj, X, e, layer) for layer in range(traj.n_layers)]
        ts = [0.0, 0.4, 1.0, 1.7, 2.5, 3.0 * traj.n_layers, *rng.uniform(0, 3 * traj.n_layers, 3)]
        eps.append({
            "epoch": e,
            "values": [_f(v) for v in values],
            "stages": [
                {"linear": _f(s.linear), "translated": _f(s.translated), "activated": _f(s.activated)}
                for s in stages
            ],
            # the renderer pads every stage of a layer to D = max(d_in, d_out) so the panel
            # keeps its dimension through the layer; geometry.morph pads each segment only
            "morphs": [{"t": float(t), "out": _f(_morph_padded(traj, X, e, float(t)))} for t in ts],
        })  # fmt: skip
    return {
        "sizes": sizes, "activations": list(traj.activations), "n": n, "X": X.ravel().tolist(),
        "params": params.ravel().tolist(), "epochs": eps,
    }  # fmt: skip


def _cases() -> dict[str, Any]:
    rng = np.random.default_rng(7)
    networks = []
    # every activation as a hidden and as an output activation, in nets of depth 1..4
    for i, name in enumerate(ALL):
        for depth in (1, 2, 3, 4):
            sizes = [int(rng.integers(1, 7)) for _ in range(depth + 1)]
            hidden = [name if k == i % depth else str(rng.choice(ALL)) for k in range(depth - 1)]
            acts = [*hidden, ALL[(i + depth) % len(ALL)] if depth > 1 else name]
            if depth > 1:
                acts[rng.integers(0, depth - 1)] = name
            networks.append(_network(rng, sizes, acts, epochs=3))
    networks.append(_network(rng, [6, 6, 6, 6, 6, 6], ["gelu", "elu", "softplus", "silu", "softmax"], 2))
    networks.append(_network(rng, [1, 1], ["identity"], 1))
    z = np.concatenate([np.linspace(-45, 45, 181), [-1e-300, 0.0, 1e-300, 19.999, 20.0, 20.001, -0.5, 0.5, 4.0]])
    activations = []
    for name in ALL:
        zz = z.reshape(-1, 5) if name == "softmax" else z.reshape(-1, 1)
        out = act.get(name)(zz)
        activations.append({"name": name, "z": zz.ravel().tolist(), "n": zz.shape[0], "width": zz.shape[1],
                            "out": _f(out)})  # fmt: skip
    xs = np.concatenate([np.linspace(-8, 8, 3201), [0.5, -0.5, 4.0, -4.0, 26.6, -30.0]])
    grids = []
    for bounds in ([[-1.2, 1.2]], [[-1.0, 2.0], [0.5, 0.75]], [[-1, 1], [-2, 2], [0, 3]]):
        g = geometry.grid(bounds)
        grids.append({"bounds": bounds, "n_lines": 11, "n_samples": 101, "out": g.ravel().tolist()})
    values = rng.normal(size=(9, 6))
    proj = geometry.Projection(rng.normal(size=6), rng.normal(size=(6, 3)), np.ones(3))
    projections = [
        {"values": values.ravel().tolist(), "n": 9, "width": 6, "mean": proj.mean.tolist(),
         "components": proj.components.tolist(), "out": proj.apply(values).ravel().tolist()},
        {"values": values.ravel().tolist(), "n": 9, "width": 6, "units": [4, 1],
         "out": values[:, [4, 1]].ravel().tolist()},
    ]  # fmt: skip
    gen = tour.random(12345)
    tours = {
        "random": {"seed": 12345, "out": [next(gen) for _ in range(2000)]},
        "speeds": [{"D": D, "seed": 1, "out": tour.speeds(D).tolist()} for D in (4, 9, 64)],
        "frames": [
            {"D": D, "k": k, "t": t, "seed": seed, "out": tour.frame(D, k, t, seed).ravel().tolist()}
            for D, k, t, seed in [(4, 2, 0.0, 1), (4, 3, 3.7, 1), (5, 2, 12.0, 7), (10, 3, 55.5, 1),
                                  (16, 2, 100.0, 1), (64, 3, 99.9, 1), (64, 2, 0.001, 3)]
        ],
    }  # fmt: skip
    values = rng.normal(size=(9, 10))
    F = tour.frame(10, 3, 31.4)
    projections.append(
        {
            "values": values.ravel().tolist(),
            "n": 9,
            "width": 10,
            "mean": values.mean(axis=0).tolist(),
            "components": F.tolist(),
            "out": tour.project(values, values.mean(axis=0), F).ravel().tolist(),
        }
    )
    return {
        "networks": networks, "activations": activations, "grids": grids, "projections": projections,
        "erf": {"x": xs.tolist(), "out": [math.erf(x) for x in xs]}, "tours": tours,
    }  # fmt: skip


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_nn_js_matches_numpy(tmp_path: Path) -> None:
    cases = _cases()
    used = {a for net in cases["networks"] for a in net["activations"]}
    assert set(ALL) - {"sigmoid"} <= used  # every activation is exercised in a network
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, allow_nan=False))
    proc = subprocess.run([NODE, str(GOLDEN), str(path)], capture_output=True, text=True, timeout=120)
    assert proc.stdout, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 0, summary["failures"]
    assert summary["nonfinite"] < summary["checked"] // 20  # mostly finite values
    assert summary["failures"] == []
    assert summary["checked"] > 50_000
    assert summary["worst"] <= 1e-9


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_golden_catches_a_wrong_value(tmp_path: Path) -> None:
    """The comparison is live: a single wrong number makes node fail."""
    cases = _cases()
    cases["networks"] = cases["networks"][:1]
    cases["networks"][0]["epochs"][0]["values"][-1][0] += 1e-6
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(cases))
    proc = subprocess.run([NODE, str(GOLDEN), str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "layer" in json.loads(proc.stdout.strip().splitlines()[-1])["failures"][0]


def test_golden_catches_a_wrong_tour_frame(tmp_path: Path) -> None:
    """The tour comparison is live too."""
    cases = _cases()
    cases["networks"] = []
    cases["tours"]["frames"][3]["out"][4] += 1e-7
    path = tmp_path / "bad-tour.json"
    path.write_text(json.dumps(cases, allow_nan=False))
    proc = subprocess.run([NODE, str(GOLDEN), str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "tour frame D=10" in json.loads(proc.stdout.strip().splitlines()[-1])["failures"][0]
