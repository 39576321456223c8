"""Ctrl-C and start-up of the ``netwarp`` command, with real subprocesses.

Ctrl-C exits 130 with one line and no traceback, keeps an existing output intact and writes the
epochs trained so far beside it; ``--help`` and argument errors answer without importing the
heavy libraries; ``import netwarp`` is lazy.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import netwarp
from netwarp.apps.cli import main
from netwarp.apps.commands._common import partial_path, save_run, stop_if_interrupted
from netwarp.errors import Interrupted

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

SRC = str(Path(netwarp.__file__).resolve().parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC, "MPLBACKEND": "Agg"}
CLI = [sys.executable, "-m", "netwarp.apps.cli"]
HEAVY = ("sklearn", "matplotlib", "scipy", "torch", "pandas", "pyarrow", "fastapi", "uvicorn", "ipywidgets")
LONG_TRAIN = ["train", "--dataset", "spirals", "--n", "2000", "--hidden", "16,16", "--max-iter", "20000",
              "--no-early-stop"]  # fmt: skip


def test_sigint_mid_training_keeps_the_old_output_and_writes_a_partial(tmp_path: Path) -> None:
    out = tmp_path / "run.npz"
    assert main(["train", "--dataset", "xor", "--max-iter", "5", "-o", str(out)]) == 0
    before = out.read_bytes()
    proc = subprocess.Popen([*CLI, *LONG_TRAIN, "-o", str(out)], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=ENV, cwd=tmp_path)  # fmt: skip
    try:
        first = proc.stderr.readline()  # type: ignore[union-attr]
        assert first.startswith("train tanh: 1/20000"), first  # training is under way
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    lines = stderr.splitlines()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert [line for line in lines if line.startswith("netwarp:")] == [lines[-1]]
    partial = tmp_path / "run.partial.npz"
    m = re.fullmatch(rf"netwarp: interrupted: wrote the (\d+) epochs trained so far to {re.escape(str(partial))} "
                     rf"\({re.escape(str(out))} untouched\)", lines[-1])  # fmt: skip
    assert m is not None, lines[-1]
    assert out.read_bytes() == before
    traj = netwarp.load(partial)
    assert traj.n_epochs == int(m.group(1)) >= 1 and traj.stop_reason == "interrupted"
    assert np.isfinite(traj.params).all() and traj.data is not None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_sigint_during_demo_stops_it_and_writes_nothing(tmp_path: Path) -> None:
    proc = subprocess.Popen([*CLI, "demo", "--out", str(tmp_path / "demo"), "--no-open"], stderr=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=ENV)  # fmt: skip
    try:
        first = proc.stderr.readline()  # type: ignore[union-attr]
        assert first.startswith("train tanh: 1/1500"), first
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert stderr.splitlines()[-1] == "netwarp: interrupted: while training tanh; nothing written"
    assert "train identity" not in stderr and not list((tmp_path / "demo").iterdir())


def test_sigint_at_any_moment_of_start_up_is_one_line_and_130(tmp_path: Path) -> None:
    """Interrupts land at different moments of start-up (imports, parsing, loading data, training).

    Once netwarp's first line has run (netwarp._startup), each gives 130 and one line. An
    interrupt landing in Python's own start-up (site, runpy), before that line, is Python's:
    then no frame of netwarp's code may appear but the import that installs the handler.
    """
    codes = []
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.9):
        proc = subprocess.Popen([*CLI, *LONG_TRAIN, "-o", str(tmp_path / "s.npz")], stderr=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env=ENV)  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        codes.append(proc.returncode)
        if proc.returncode == 130:
            netwarp_lines = [line for line in stderr.splitlines() if line.startswith("netwarp:")]
            assert "Traceback" not in stderr and len(netwarp_lines) == 1, stderr
            assert netwarp_lines[0].startswith("netwarp: interrupted")
        else:
            assert "KeyboardInterrupt" in stderr and "netwarp:" not in stderr, (delay, stderr)
            ours = [f for f in re.findall(r'File "([^"]+)"', stderr) if f.startswith(SRC)]
            assert all(f.endswith(("netwarp/__init__.py", "netwarp/_startup.py")) for f in ours), stderr
    assert codes.count(130) >= 2, codes  # the later moments always land in netwarp, however loaded the machine
    assert not (tmp_path / "s.npz").exists()


def test_save_run_and_stop_if_interrupted(tmp_path: Path, seed_runs: dict[str, netwarp.Trajectory]) -> None:
    good = seed_runs["tanh"]
    out = netwarp.save(good, tmp_path / "run.npz")
    before = out.read_bytes()
    cut = netwarp.Trajectory(
        good.layer_sizes, good.activations, good.params[:8], good.classes, good.loss[:8],
        good.train_score[:8], good.test_score[:8], "interrupted", "tanh", data=good.data,
    )  # fmt: skip
    with pytest.raises(Interrupted, match=r"wrote the 7 epochs trained so far to .*run\.partial\.npz \(.* untouched\)"):
        save_run(cut, out)
    assert out.read_bytes() == before and netwarp.load(partial_path(out)).n_epochs == 7
    with pytest.raises(Interrupted, match="while training tanh; nothing written"):
        stop_if_interrupted(cut)
    assert stop_if_interrupted(good) is good and save_run(good, tmp_path / "new.npz").exists()


def _seconds(args: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, env=ENV, timeout=60, check=False)
        best = min(best, time.perf_counter() - t0)
    return best


def test_help_and_argument_errors_answer_fast() -> None:
    python = _seconds([sys.executable, "-c", "pass"])
    for args in (["--help"], ["train", "--help"], ["export", "--help"], ["train", "--hidden"], ["nope"]):
        took = _seconds([*CLI, *args])
        sys.stderr.write(f"netwarp {' '.join(args)}: {took:.3f} s (python -c pass: {python:.3f} s)\n")
        assert took - python < 0.5, (args, took, python)


def test_start_up_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from netwarp.apps.cli import build_parser\n"
        "p = build_parser()\n"
        "for argv in (['train', '--max-iter', '3'], ['info', 'x.npz'], ['datasets'], ['serve']):\n"
        "    p.parse_args(argv)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_import_netwarp_is_lazy_and_complete() -> None:
    code = (
        "import sys, netwarp\n"
        f"print(sorted(m for m in ('numpy', *{HEAVY!r}) if m in sys.modules))\n"
        "assert set(netwarp.__all__) <= set(dir(netwarp)), set(netwarp.__all__) - set(dir(netwarp))\n"
        "from netwarp import *\n"
        "assert callable(load) and callable(load_all) and callable(train) and callable(record)\n"
        "assert callable(from_estimator) and callable(diagnose) and hasattr(datasets, 'DATASETS')\n"
        "assert Trajectory.__name__ == 'Trajectory' and issubclass(TrajectoryFileError, NetwarpError)\n"
        "assert netwarp.sweep.__name__ == 'netwarp.apps.sweep' and netwarp.save is save\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        netwarp.nope  # noqa: B018


def test_datasets_prints_plain_text() -> None:
    out = subprocess.run([*CLI, "datasets"], capture_output=True, text=True, env=ENV, timeout=60, check=True)
    assert "`" not in out.stdout and ":func:" not in out.stdout
    assert re.search(r"^gaussians .* standard deviation noise\.$", out.stdout, re.M)
