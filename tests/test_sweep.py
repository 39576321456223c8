"""Sweeps: the grid, one row per run, the same table locally and on Dask, failures as rows, the CLI."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest

from netwarp.apps import sweep as sw
from netwarp.apps.cli import main
from netwarp.core.spec import RunSpec
from netwarp.errors import NetwarpError

FAST = {"max_iter": 150}  # enough for interval1d to separate with 2 units


def small_grid() -> list[RunSpec]:
    return sw.grid("interval1d", ["1", "2", "2,2"], "tanh", range(3), **FAST)


@pytest.fixture(scope="module")
def local_rows() -> list[sw.Row]:
    return sw.sweep(small_grid(), n_jobs=1)


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------- parsing
def test_parse_seeds() -> None:
    assert sw.parse_seeds("0:20") == list(range(20))
    assert sw.parse_seeds("3") == [3]
    assert sw.parse_seeds("1,4,9,4") == [1, 4, 9]
    for bad in ("5:2", "a:b", "1:2:3", "-1:3", ""):
        with pytest.raises(NetwarpError, match="--seeds"):
            sw.parse_seeds(bad)


def test_hidden_parsing_and_grid_order() -> None:
    assert [s.hidden for s in sw.grid("xor", ["2,2,2", 3, (4, 5)], seeds=[0])] == [(2, 2, 2), (3,), (4, 5)]
    for bad in ("2,x", "0", "", "2,-1"):
        with pytest.raises(NetwarpError, match="hidden"):
            sw.grid("xor", [bad])
    specs = sw.grid(["interval1d", "xor"], ["2", "2,2"], ["tanh", "relu"], [5, 1])
    assert len(specs) == 16
    assert [(s.dataset, s.hidden_label, s.activation, s.random_state) for s in specs[:5]] == [
        ("interval1d", "2", "tanh", 5), ("interval1d", "2", "tanh", 1), ("interval1d", "2", "relu", 5),
        ("interval1d", "2", "relu", 1), ("interval1d", "2,2", "tanh", 5),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dataset": "nope"}, "unknown dataset"),
        ({"activation": "softmax"}, "activation: 'softmax' is not one of"),
        ({"solver": "lbfgs"}, "solver: 'lbfgs' is not one of sgd, adam"),
        ({"learning_rate_init": 0.0}, "learning_rate_init: must be > 0"),
        ({"max_iter": 0}, "max_iter: must be >= 1"),
        ({"n": 2}, "n: must be >= 4"),
        ({"noise": -1.0}, "noise: must be >= 0"),
        ({"momentum": 0.5}, "unknown setting 'momentum'"),
    ],
)
def test_grid_rejects_bad_settings(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"dataset": "interval1d", "hidden": ["2"], "activation": "tanh", "seeds": [0]}
    args.update(kwargs)
    with pytest.raises(NetwarpError, match=match):
        sw.grid(**args)


# ------------------------------------------------------------------- running
def test_rows_have_the_documented_columns(local_rows: list[sw.Row]) -> None:
    assert len(local_rows) == 9
    assert all(set(sw.COLUMNS) <= set(r) for r in local_rows)
    assert [r["hidden"] for r in local_rows[::3]] == ["1", "2", "2,2"]
    assert [r["seed"] for r in local_rows[:3]] == [0, 1, 2]
    one, two = local_rows[:3], local_rows[3:6]
    assert all(r["error"] == "" and r["epochs"] >= 1 for r in local_rows)
    assert all(r["first_separable_layer"] == "" and r["test_accuracy"] < 0.8 for r in one)
    assert all(r["first_separable_layer"] == 1 for r in two)
    assert all(len(r["separability"].split(";")) == 3 for r in one + two)


def test_local_processes_give_the_same_table(local_rows: list[sw.Row]) -> None:
    seen: list[tuple[int, int]] = []
    rows = sw.sweep(small_grid(), n_jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert sw.to_csv(rows) == sw.to_csv(local_rows)
    assert seen[-1] == (9, 9) and len(seen) == 9


def test_dask_cluster_gives_the_same_table(local_rows: list[sw.Row]) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        rows = sw.sweep(small_grid(), scheduler=cluster.scheduler_address)
    assert sw.to_csv(rows) == sw.to_csv(local_rows)


def test_a_failed_run_is_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    real = sw._measure

    def flaky(spec: RunSpec) -> sw.Row:
        if spec.random_state == 1:
            raise FloatingPointError("overflow in the\nforward pass")
        return real(spec)

    monkeypatch.setattr(sw, "_measure", flaky)
    rows = sw.sweep(sw.grid("interval1d", ["2"], "tanh", range(3), **FAST), n_jobs=1)
    assert [r["seed"] for r in rows] == [0, 1, 2]
    assert rows[1]["error"] == "FloatingPointError: overflow in the forward pass"
    assert rows[1]["test_accuracy"] == "" and rows[0]["error"] == "" and rows[2]["error"] == ""
    failed = sw.run_one_failed(RunSpec(dataset="xor", random_state=7), RuntimeError("worker died"))
    assert failed["seed"] == 7 and failed["error"] == "RuntimeError: worker died" and failed["epochs"] == ""


def test_dask_errors_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(sw, "DASK_TIMEOUT", "1s")
    with pytest.raises(NetwarpError, match="cannot connect to the Dask scheduler"):
        sw.sweep(small_grid()[:2], scheduler="tcp://127.0.0.1:9")
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(NetwarpError, match=r"pip install 'netwarp\[dask\]'"):
        sw.sweep(small_grid()[:2], scheduler="tcp://127.0.0.1:9")


def test_csv_and_plot(local_rows: list[sw.Row], tmp_path: Path) -> None:
    path = sw.write_csv(local_rows, tmp_path / "r.csv")
    back = sw.read_csv(path)
    assert list(back[0]) == list(sw.COLUMNS) and len(back) == 9
    assert back[3]["hidden"] == "2" and back[6]["hidden"] == "2,2"
    assert not list(tmp_path.glob(".*tmp"))
    fig = sw.plot_sweep(local_rows)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_xticks()) == 3
    with pytest.raises(NetwarpError):
        sw.plot_sweep([])
    with pytest.raises(NetwarpError):
        sw.sweep([])


# ------------------------------------------------------------------------ CLI
def test_cli_writes_table_and_plot(capsys: Any, tmp_path: Path) -> None:
    out, png = tmp_path / "res.csv", tmp_path / "res.png"
    code, stdout, err = run_cli(
        capsys, "sweep", "--dataset", "interval1d", "--hidden", "1", "--hidden", "2,2", "--seeds", "0:2",
        "--max-iter", "100", "--jobs", "1", "-o", str(out), "--plot", str(png),
    )  # fmt: skip
    assert code == 0, err
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["hidden"], r["seed"]) for r in rows] == [("1", "0"), ("1", "1"), ("2,2", "0"), ("2,2", "1")]
    assert {"dataset", "hidden", "activation", "seed", "epochs", "train_accuracy", "test_accuracy",
            "first_separable_layer"} <= set(rows[0])  # fmt: skip
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "median" in stdout and "interval1d" in stdout and "sweep 4 runs" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "5:2"], "--seeds 5:2"),
        (["--hidden", "2,x"], "--hidden 2,x"),
        (["--activation", "swish"], "--activation swish"),
        (["--dataset", "nope"], "unknown dataset"),
        (["--lr", "-1"], "--lr"),
        (["--jobs", "0"], "--jobs 0"),
        (["--jobs", "2", "--dask", "tcp://127.0.0.1:9"], "exclude each other"),
        (["-o", "OUT/r.txt"], "unknown output type"),
        (["--plot", "OUT/r.csv"], "--plot"),
        (["-o", "OUT/missing/r.csv"], "does not exist"),
    ],
)
def test_cli_bad_flags(capsys: Any, tmp_path: Path, args: list[str], message: str) -> None:
    args = [a.replace("OUT", str(tmp_path)) for a in args]
    if not any(a in ("-o", "--plot") for a in args):
        args += ["-o", str(tmp_path / "r.csv")]
    code, _, err = run_cli(capsys, "sweep", "--seeds", "0:1", *args)
    assert code == 2
    assert err.startswith("netwarp: error:") and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.csv").exists()


def test_cli_needs_an_output(capsys: Any) -> None:
    code, _, err = run_cli(capsys, "sweep")
    assert code == 2 and "-o results.csv" in err
