"""The page's trainer (static/train.js, run under node) follows netwarp's engine within 1e-9.

From the same initial parameters and the same row order per epoch (both exported from the
Python engine's random state), JavaScript trains 200 epochs for every solver (plain sgd, sgd
with momentum, with Nesterov momentum, adam), every hidden activation the engine trains, and a
binary, a multiclass and a regression output; parameters, the loss curve, the stopping epoch and
its reason must agree. A separate case stops early by the tol rule, others use the learning-rate
schedules and batch size 'auto'. Networks with a feature-cross layer (netwarp.core.features) give
the same values in nn.js as in Python.
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

from netwarp.core import batchops, engine, features, params
from netwarp.core.activations import SKLEARN_HIDDEN
from netwarp.core.params import n_params
from netwarp.core.trajectory import Trajectory

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "js" / "train_golden.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
SOLVERS = {
    "sgd": {"solver": "sgd", "momentum": 0.0, "learning_rate_init": 0.1},
    "momentum": {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": False, "learning_rate_init": 0.05},
    "nesterov": {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": True, "learning_rate_init": 0.05},
    "adam": {"solver": "adam", "learning_rate_init": 0.02},
}
pytestmark = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")


def _data(kind: str, rng: np.random.Generator, n: int = 60) -> tuple[Any, Any, str]:
    X = rng.uniform(-1, 1, (n, 2))
    if kind == "binary":
        return X, (X[:, 0] * X[:, 1] > 0).reshape(-1, 1), "logistic"
    if kind == "multiclass":
        y = np.digitize(X[:, 0] + 0.5 * X[:, 1], [-0.4, 0.4])
        return X, np.eye(3, dtype=bool)[y], "softmax"
    return X, np.column_stack([np.sin(2 * X[:, 0]) + X[:, 1] ** 2]), "identity"


def _orders(cfg: engine.EngineConfig, sizes: list[int], n: int, epochs: int) -> list[list[int]]:
    """The row order of each epoch, drawn from the engine's random state as engine.train draws it."""
    rs = np.random.RandomState(cfg.random_state)
    params.initial_theta(cfg, sizes, rs)
    idx = np.arange(n)
    out = []
    for _ in range(epochs):
        perm = np.arange(n)
        rs.shuffle(perm)
        idx = idx[perm]
        out.append(idx.tolist())
    return out


def _run(tag: str, kind: str, activation: str, settings: dict[str, Any], seed: int, **extra: Any) -> dict[str, Any]:
    X, Y, out = _data(kind, np.random.default_rng(seed))
    base = {"alpha": 1e-3, "batch_size": 16, "max_iter": 200, "n_iter_no_change": math.inf}
    cfg = engine.EngineConfig(hidden_layer_sizes=(4, 3), activation=activation, random_state=seed,
                              **{**base, **settings, **extra})  # fmt: skip
    loss = "squared_error" if out == "identity" else "log_loss"
    r = engine.train(X, Y, cfg, out_activation=out, loss=loss)
    sizes = r.layer_units
    acts = (activation,) * (len(sizes) - 2) + (out,)
    traj = Trajectory(tuple(sizes), acts, r.history[:1])
    W0 = traj.coefs(0)
    loss0 = batchops.loss_function(loss, out)(Y, traj.forward(X, 0)[-1]) + 0.5 * cfg.alpha * sum(
        float(np.dot(w.ravel(), w.ravel())) for w in W0) / len(X)  # fmt: skip
    js_cfg = {k: v for k, v in vars(cfg).items() if k not in ("hidden_layer_sizes", "random_state")}
    js_cfg["n_iter_no_change"] = 1e308 if math.isinf(cfg.n_iter_no_change) else cfg.n_iter_no_change
    return {
        "tag": tag, "sizes": sizes, "n": len(X), "X": X.ravel().tolist(), "Y": Y.astype(float).ravel().tolist(),
        "out": out, "cfg": js_cfg, "orders": _orders(cfg, sizes, len(X), cfg.max_iter),
        "history": r.history.tolist(), "check": {str(e): True for e in range(0, r.n_iter + 1, 20)},
        "n_iter": r.n_iter, "loss_curve": r.loss_curve, "stop_reason": r.stop_reason, "loss0": float(loss0),
    }  # fmt: skip


def _cases() -> dict[str, Any]:
    runs = []
    seed = 0
    for kind in ("binary", "multiclass", "regression"):
        for activation in SKLEARN_HIDDEN:
            for name, settings in SOLVERS.items():
                seed += 1
                runs.append(_run(f"{kind} {activation} {name}", kind, activation, settings, seed))
    runs.append(_run("stops by tol", "binary", "tanh", SOLVERS["adam"], 101, n_iter_no_change=10, tol=1e-3))
    runs.append(_run("invscaling", "binary", "tanh", SOLVERS["sgd"], 102, learning_rate="invscaling", power_t=0.25))
    runs.append(_run("adaptive", "multiclass", "relu", SOLVERS["momentum"], 103, learning_rate="adaptive",
                     n_iter_no_change=3, tol=1e-2))  # fmt: skip
    runs.append(_run("batch auto", "binary", "logistic", SOLVERS["nesterov"], 104, batch_size="auto"))
    rng = np.random.default_rng(9)
    crosses = []
    for names, d in ((("x1sq", "x2sq", "x1x2", "sinx1", "sinx2"), 2), (("x1x2",), 2), (("x1sq", "sinx1"), 1)):
        sizes = [d, d + len(names), 3, 1]
        params = features.prepend(rng.normal(size=n_params(sizes[1:])), d, names, sizes[1:])
        traj = Trajectory(tuple(sizes), (features.activation_name(names), "tanh", "logistic"), params)
        X = rng.uniform(-2, 2, (9, d))
        crosses.append({
            "sizes": sizes, "activations": list(traj.activations), "params": params.tolist(), "n": 9,
            "names": list(names), "X": X.ravel().tolist(), "values": [v.ravel().tolist() for v in traj.forward(X)],
            "expanded": features.expand(X, names).ravel().tolist(),
        })  # fmt: skip
    return {"runs": runs, "features": crosses}


def _node(cases: dict[str, Any], path: Path) -> tuple[int, dict[str, Any]]:
    path.write_text(json.dumps(cases, allow_nan=False))
    proc = subprocess.run([NODE, str(GOLDEN), str(path)], capture_output=True, text=True, timeout=300)
    assert proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def test_js_trainer_matches_the_engine(tmp_path: Path) -> None:
    cases = _cases()
    assert any(r["n_iter"] < 200 for r in cases["runs"])  # the stopping rule is exercised
    assert sum(r["n_iter"] == 200 for r in cases["runs"]) >= 48  # and 200-epoch runs of every kind
    code, summary = _node(cases, tmp_path / "cases.json")
    assert code == 0, summary["failures"]
    assert summary["runs"] == len(cases["runs"])
    assert summary["worst"] <= 1e-9
    assert summary["checked"] > 20_000


def test_train_golden_catches_a_difference(tmp_path: Path) -> None:
    """The comparison is live: one changed row order makes node fail."""
    cases = _cases()
    cases["runs"] = [r for r in cases["runs"] if r["tag"] == "binary tanh adam"]
    order = cases["runs"][0]["orders"][5]
    order[0], order[-1] = order[-1], order[0]  # two rows in different batches
    code, summary = _node(cases, tmp_path / "bad.json")
    assert code == 1
    assert "binary tanh adam" in summary["failures"][0]
