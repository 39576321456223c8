"""The command line: every command, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.apps.cli import main


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own exits (--help, --version)
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def run_file(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("cli") / "run.npz"
    assert main(["train", "--dataset", "interval1d", "--max-iter", "60", "-o", str(path)]) == 0
    return path


def test_demo_writes_figure_and_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "netwarp.apps.cli", "demo", "--out", str(out), "--no-open"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.strip()}
    assert lines["tanh"][1] == "468" and lines["identity"][1] == "33" and lines["relu"][1] == "217"
    assert "converged" in lines["tanh"][4]
    assert float(lines["tanh"][2]) == 1.0 and float(lines["tanh"][3]) > 0.99
    assert (out / "netwarp-demo.png").stat().st_size > 10_000
    runs = netwarp.load_all(out / "netwarp-demo.npz")
    assert [r.name for r in runs] == ["tanh", "identity", "relu"]
    assert [r.n_epochs for r in runs] == [468, 33, 217]


def test_train_info_plot(capsys: Any, run_file: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "info", str(run_file))
    assert code == 0 and "layers 1 -> 2 -> 1" in out and "epochs 60" in out
    code, out, _ = run_cli(capsys, "info", str(run_file), "--json")
    assert code == 0 and '"epochs": 60' in out
    for ext in ("png", "svg", "pdf"):
        fig = tmp_path / f"fig.{ext}"
        code, out, err = run_cli(capsys, "plot", str(run_file), "--epoch", "10", "-o", str(fig))
        assert code == 0, err
        assert fig.stat().st_size > 1000
    assert (tmp_path / "fig.pdf").read_bytes()[:4] == b"%PDF"
    code, out, err = run_cli(capsys, "plot", str(run_file), "--diagnostics", "-o", str(tmp_path / "diag.svg"))
    assert code == 0, err
    svg = (tmp_path / "diag.svg").read_text()
    assert "read-out" in svg and "test accuracy" in svg  # the run's own split: the held-out read-out
    assert (tmp_path / "fig.svg").read_text()[:200].lstrip().startswith("<?xml")


def test_train_options(capsys: Any, tmp_path: Path) -> None:
    out = tmp_path / "deep.npz"
    code, _, err = run_cli(
        capsys, "train", "--dataset", "moons", "--hidden", "8,8", "--activation", "relu", "--solver", "adam",
        "--lr", "0.01", "--max-iter", "20", "--batch-size", "32", "--alpha", "0.001", "--seed", "4",
        "--no-early-stop", "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    t = netwarp.load(out)
    assert t.layer_sizes == (2, 8, 8, 1) and t.n_epochs == 20 and t.activation == "relu"
    assert t.config["batch_size"] == 32 and t.config["random_state"] == 4 and t.config["solver"] == "adam"
    assert "train relu" in err  # the progress bar


def test_datasets_and_version(capsys: Any) -> None:
    code, out, _ = run_cli(capsys, "datasets")
    assert code == 0
    assert len(out.strip().splitlines()) == len(netwarp.data.datasets.DATASETS)
    assert out.startswith("interval1d")
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and netwarp.__version__ in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["train", "--dataset", "nope"], "unknown dataset 'nope'"),
        (["train", "--activation", "swish"], "--activation swish"),
        (["train", "--hidden", "2,x"], "--hidden 2,x"),
        (["train", "--hidden", "0"], "--hidden 0: must be >= 1"),
        (["train", "--lr", "0"], "--lr 0"),
        (["train", "--lr", "-1"], "--lr -1"),
        (["train", "--max-iter", "0"], "--max-iter 0"),
        (["train", "--batch-size", "-5"], "--batch-size"),
        (["train", "--solver", "lbfgs"], "--solver lbfgs"),
        (["train", "-o", "/nonexistent-dir/run.npz"], "does not exist"),
        (["train", "-o", "run.txt"], "unknown output type"),
        (["plot", "RUN", "--epoch", "999", "-o", "OUT.png"], "epoch 999 is out of range"),
        (["plot", "RUN", "-o", "OUT.gif"], "unknown output type"),
        (["plot", "missing.npz", "-o", "OUT.png"], "no such file"),
        (["info", "CORRUPT"], "corrupt"),
        (["info", "FOREIGN"], "not a netwarp trajectory"),
        (["train", "--max-iter", "x"], "--max-iter x: expected a whole number"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_one_line_exit_2(
    capsys: Any, tmp_path: Path, run_file: Path, args: list[str], needle: str
) -> None:
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(run_file.read_bytes()[:200])
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.arange(4))
    existing = tmp_path / "OUT.png"
    existing.write_bytes(b"keep me")
    subs = {"RUN": str(run_file), "CORRUPT": str(corrupt), "FOREIGN": str(foreign),
            "OUT.png": str(existing), "OUT.gif": str(tmp_path / "OUT.gif"), "run.txt": str(tmp_path / "run.txt")}
    code, _, err = run_cli(capsys, *[subs.get(a, a) for a in args])
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("netwarp: error:") and needle in lines[0], err
    assert "Traceback" not in err
    assert existing.read_bytes() == b"keep me"


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "netwarp.apps.cli", "plot", str(tmp_path / "x.npz"), "-o", str(tmp_path / "y.png")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("netwarp: error:")


def test_help_for_every_command(capsys: Any) -> None:
    from netwarp.apps.cli import COMMANDS

    for name in COMMANDS:
        code, out, _ = run_cli(capsys, name, "--help")
        assert code == 0 and f"netwarp {name}" in out


def test_train_regression_from_a_file(capsys: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    data = tmp_path / "reg.csv"
    data.write_text("a,b,target\n" + "".join(f"{a},{b},{t}\n" for (a, b), t in zip(X, y, strict=True)))
    out = tmp_path / "reg.npz"
    code, stdout, err = run_cli(
        capsys, "train", "--data", str(data), "--label", "target", "--task", "regression", "--hidden", "8",
        "--solver", "adam", "--lr", "0.01", "--max-iter", "50", "--no-early-stop", "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert "R^2" in stdout
    t = netwarp.load(out)
    assert t.classes is None and t.out_activation == "identity" and t.n_epochs == 50
    assert t.train_score[-1] > t.train_score[0]
    code, _, err = run_cli(capsys, "train", "--task", "regression", "-o", str(tmp_path / "x.npz"))
    assert code == 2 and "--task regression needs --data" in err


def test_broken_pipe_is_quiet(capsys: Any, run_file: Path, monkeypatch: Any) -> None:
    """`netwarp info RUN.npz | head -1`: the reader goes away; no traceback, no error line."""
    read_end, write_end = os.pipe()

    class ClosedPipe(io.TextIOBase):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return write_end

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    try:
        code = main(["info", str(run_file)])
    finally:
        os.close(read_end)
        os.close(write_end)
    assert code == 1
    assert capsys.readouterr().err == ""
