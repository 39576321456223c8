"""Animations: frame counts, frames that change, formats that open, clean failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import netwarp
from netwarp.apps.cli import main
from netwarp.errors import NetwarpError
from netwarp.view import figures as plotting
from netwarp.view.animation import animate, morph_positions, parse_epochs

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out


def gif_frames(path: Path, fps: float = 20) -> list[np.ndarray[Any, Any]]:
    """Every displayed frame; GIF stores identical consecutive frames once with a longer duration."""
    with Image.open(path) as im:
        frames = []
        unit = round(1000 / fps)
        for i in range(im.n_frames):
            im.seek(i)
            frame = np.asarray(im.convert("RGB"), dtype=np.int16)
            frames += [frame] * round(im.info["duration"] / unit)
    return frames


def test_parse_epochs() -> None:
    assert parse_epochs("0:10:5", 20) == [0, 5, 10]
    assert parse_epochs("3::", 5) == [3, 4, 5]
    assert parse_epochs(None, 300) == list(range(0, 301, 2))
    for bad, needle in [("5:1", "START must not be after STOP"), ("a:b", "integers"), ("0:99", "0..20"),
                        ("0:10:0", "STEP"), ("1:2:3:4", "START:STOP:STEP")]:
        with pytest.raises(NetwarpError, match=needle):
            parse_epochs(bad, 20)


def test_training_gif(tmp_path: Path, seed_runs: dict[str, Any]) -> None:
    path = tmp_path / "train.gif"
    n = animate(seed_runs["tanh"], path=path, epochs=[0, 50, 100, 468], fps=10)
    assert n == 4
    frames = gif_frames(path, fps=10)
    assert len(frames) == 4 and frames[0].shape == (400, 1200, 3)
    assert np.abs(frames[0] - frames[-1]).sum() > 0
    # frames show the network, not a blank canvas: both class colours are present
    blue = np.array([0, 114, 178])
    assert (np.abs(frames[-1] - blue).sum(axis=2) < 30).sum() > 500


def test_morph_gif_changes_through_the_stages(tmp_path: Path, seed_runs: dict[str, Any]) -> None:
    path = tmp_path / "morph.gif"
    n = animate(seed_runs["tanh"], path=path, morph=True, epoch=200)
    assert n == len(morph_positions(2))
    frames = gif_frames(path)
    assert len(frames) == n
    first, middle, last = frames[0], frames[n // 2], frames[-1]
    assert np.abs(first - middle).sum() > 0 and np.abs(middle - last).sum() > 0


def test_mp4_opens_with_ffmpeg(tmp_path: Path) -> None:
    d = netwarp.data.datasets.load("disk_annulus", n=200)
    t = netwarp.train(d.X_train, d.y_train, hidden=(3,), max_iter=12, early_stop=False)
    path = tmp_path / "train.mp4"
    assert animate(t, path=path, epochs=range(0, 12, 2), figsize=(9, 3), dpi=80) == 6
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = list(reader)
    assert len(frames) == 6 and meta["size"] == (720, 240)


def test_interrupt_leaves_no_file(tmp_path: Path, seed_runs: dict[str, Any], monkeypatch: Any) -> None:
    path = tmp_path / "keep.gif"
    path.write_bytes(b"old animation")
    calls = {"n": 0}
    original = plotting.LayerFigure.update

    def interrupted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(plotting.LayerFigure, "update", interrupted)
    with pytest.raises(KeyboardInterrupt):
        animate(seed_runs["relu"], path=path, epochs=range(10))
    assert path.read_bytes() == b"old animation"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.gif"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: Any, seed_runs: dict[str, Any]) -> Path:
    return netwarp.save(list(seed_runs.values()), tmp_path_factory.mktemp("anim") / "demo.npz")


def test_export_command_animations(tmp_path: Path, demo_file: Path, capsys: Any) -> None:
    out = tmp_path / "relu.gif"
    assert main(["export", str(demo_file), "-o", str(out), "--run", "relu", "--epochs", "0:20:5",
                 "--size", "900x300", "--fps", "5"]) == 0
    frames = gif_frames(out, fps=5)
    assert len(frames) == 5 and frames[0].shape == (300, 900, 3)
    morph = tmp_path / "morph.gif"
    assert main(["export", str(demo_file), "-o", str(morph), "--morph", "--epoch", "100", "--dpi", "50"]) == 0
    assert len(gif_frames(morph)) == len(morph_positions(2))
    png = tmp_path / "one.png"
    assert main(["export", str(demo_file), "-o", str(png), "--epoch", "10", "--layers", "0,1"]) == 0
    with Image.open(png) as im:
        assert im.size[0] > im.size[1]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--epochs", "5:1"], "START must not be after STOP"),
        (["--epochs", "0:9999"], "epochs must lie in"),
        (["--morph", "--epoch", "999"], "epoch 999 is out of range"),
        (["--size", "big"], "--size big"),
        (["--fps", "0"], "--fps 0"),
        (["--run", "sigmoid"], "no run named 'sigmoid'"),
        (["--layers", "0,9"], "layer 9 is out of range"),
    ],
)
def test_export_bad_options(tmp_path: Path, demo_file: Path, capsys: Any, args: list[str], needle: str) -> None:
    out = tmp_path / "x.gif"
    out.write_bytes(b"keep")
    assert main(["export", str(demo_file), "-o", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("netwarp: error:") and needle in err, err
    assert out.read_bytes() == b"keep"


def test_export_unknown_extension(tmp_path: Path, demo_file: Path, capsys: Any) -> None:
    assert main(["export", str(demo_file), "-o", str(tmp_path / "x.avi")]) == 2
    assert "unknown output type '.avi'" in capsys.readouterr().err
