"""GIF and MP4 animations of training, or of the layer-by-layer morph at one epoch.

Fast by construction: the figure and its artists are built once
(:class:`netwarp.view.layer_figure.LayerFigure`, whose fixed bounds and morph boxes are the
scene's); each frame only changes their data, is rendered
by Agg and handed straight to the encoder (Pillow for GIF, the ffmpeg that ships inside
``imageio-ffmpeg`` for MP4). Output goes to a temporary file renamed into place at the end,
so an error or Ctrl-C never leaves a half-written animation.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.progress import ProgressBar

#: Frames per stage of a layer (xW, +b, sigma) in a morph animation, and frames held at each end.
MORPH_FRAMES_PER_STAGE = 16
MORPH_HOLD = 6
MAX_FRAMES = 5000


def parse_epochs(text: str | None, n_epochs: int) -> list[int]:
    """``"START:STOP:STEP"`` (STOP inclusive; parts may be empty) -> epoch list.

    The default (None or ``"::"``) covers all epochs in about 150 frames.
    """
    parts = (text or "::").split(":")
    if len(parts) > 3:
        raise NetwarpError(f"--epochs {text}: expected START:STOP:STEP, e.g. 0:400:5")
    parts += [""] * (3 - len(parts))
    try:
        start = int(parts[0]) if parts[0] else 0
        stop = int(parts[1]) if parts[1] else n_epochs
        step = int(parts[2]) if parts[2] else max(1, n_epochs // 150)
    except ValueError:
        raise NetwarpError(f"--epochs {text}: expected integers START:STOP:STEP, e.g. 0:400:5") from None
    if step < 1:
        raise NetwarpError(f"--epochs {text}: STEP must be at least 1")
    if start < 0 or stop > n_epochs:
        raise NetwarpError(f"--epochs {text}: epochs must lie in 0..{n_epochs}")
    if start > stop:
        raise NetwarpError(f"--epochs {text}: START must not be after STOP")
    epochs = list(range(start, stop + 1, step))
    if len(epochs) > MAX_FRAMES:
        raise NetwarpError(f"--epochs {text}: {len(epochs)} frames is too many (at most {MAX_FRAMES}); raise STEP")
    return epochs


def morph_positions(
    n_layers: int, per_stage: int = MORPH_FRAMES_PER_STAGE, hold: int = MORPH_HOLD
) -> NDArray[np.float64]:
    """Morph parameters ``t`` in [0, 3 * n_layers] for each frame, eased within each stage."""
    s = np.linspace(0.0, 1.0, per_stage, endpoint=False)
    eased = s * s * (3 - 2 * s)
    ts = [np.full(hold, 0.0)]
    for stage in range(3 * n_layers):
        ts.append(stage + eased)
    ts.append(np.full(hold, 3.0 * n_layers))
    return np.concatenate(ts)


def _frames(
    lf: Any, epochs: Sequence[int] | None, morph_ts: NDArray[np.float64] | None, epoch: int | None
) -> Iterator[None]:
    if morph_ts is not None:
        for t in morph_ts:
            lf.update(epoch, float(t))
            yield None
    else:
        for e in epochs or []:
            lf.update(e)
            yield None


class _FrameRenderer:
    """Renders the current state of a LayerFigure to RGB pixels.

    2-D figures are blitted: axes, ticks and labels are drawn once into a background, and
    each frame restores it and draws only the artists that change. 3-D figures (whose
    projection depends on a full draw) and morphs (whose camera follows the stages, as the
    interactive view's does: :mod:`netwarp.view.camera`) are drawn whole.
    """

    def __init__(self, lf: Any) -> None:
        self.fig = lf.fig
        self.artists = [] if lf.has_3d or lf.morph else lf.data_artists()
        self.background = None

    def __call__(self) -> NDArray[np.uint8]:
        canvas = self.fig.canvas
        if not self.artists:
            canvas.draw()
        else:
            if self.background is None:
                for a in self.artists:
                    a.set_animated(True)
                canvas.draw()
                self.background = canvas.copy_from_bbox(self.fig.bbox)
            canvas.restore_region(self.background)
            for a in self.artists:
                self.fig.draw_artist(a)
        return np.asarray(canvas.buffer_rgba())[..., :3]


@contextlib.contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path`` (same suffix), renamed onto it on success."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp_path, 0o666 & ~mask)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def animate(
    traj: Trajectory,
    X: Any = None,
    y: Any = None,
    path: str | Path = "netwarp.gif",
    *,
    epochs: Sequence[int] | None = None,
    morph: bool = False,
    epoch: int | None = None,
    fps: float = 20,
    figsize: tuple[float, float] | None = None,
    dpi: float = 100,
    layers: Sequence[int] | None = None,
    progress: bool = False,
) -> int:
    """Write a GIF or MP4 (by ``path``'s extension) and return the number of frames.

    Training: one frame per epoch in ``epochs`` (default: all, about 150 frames), every
    panel of :func:`netwarp.plot`. Morph (``morph=True``): the layer-by-layer deformation
    (xW, +b, sigma for each layer) at ``epoch`` (default: the last) in one panel.
    """
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".gif", ".mp4"):
        raise NetwarpError(f"{path}: animations are .gif or .mp4, got {kind or '(no extension)'!r}")
    if not path.parent.is_dir():
        raise NetwarpError(f"cannot write {path}: directory {path.parent} does not exist")
    if not 0 < fps <= 120:
        raise NetwarpError(f"fps must be in (0, 120], got {fps}")
    import matplotlib.pyplot as plt

    from netwarp.view.figures import LayerFigure

    if morph:
        e = traj.epoch_index(epoch)
        morph_ts: NDArray[np.float64] | None = morph_positions(traj.n_layers)
        n = len(morph_ts)  # type: ignore[arg-type]
        epoch_list = None
    else:
        e = None
        morph_ts = None
        epoch_list = list(epochs) if epochs is not None else parse_epochs(None, traj.n_epochs)
        for k in epoch_list:
            traj.epoch_index(k)
        if not epoch_list:
            raise NetwarpError("no epochs to animate")
        n = len(epoch_list)
    if figsize is None and morph:
        figsize = (6.0, 6.0)
    lf = LayerFigure(traj, X, y, layers=layers, figsize=figsize, dpi=dpi, morph=morph)
    fig = lf.fig
    w, h = fig.canvas.get_width_height()
    if kind == ".mp4":  # yuv420p needs even sizes
        fig.set_size_inches((w - w % 2) / fig.dpi, (h - h % 2) / fig.dpi)
    elif figsize is None:
        fig.tight_layout()
    bar = ProgressBar(n, f"{path.name}") if progress else None
    try:
        frames = _frames(lf, epoch_list, morph_ts, e)
        with _temporary_beside(path) as tmp:
            render = _FrameRenderer(lf)
            if kind == ".gif":
                _write_gif(tmp, render, frames, fps, bar)
            else:
                _write_mp4(tmp, render, frames, fps, bar)
    finally:
        plt.close(fig)
    if bar is not None:
        bar.close(f"{n} frames")
    return n


def _write_gif(path: Path, render: _FrameRenderer, frames: Iterator[None], fps: float, bar: ProgressBar | None) -> None:
    from PIL import Image

    images = []
    palette = None
    for i, _ in enumerate(frames):
        img = Image.fromarray(render())
        if palette is None:
            palette = img.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        images.append(img.quantize(palette=palette, dither=Image.Dither.NONE))
        if bar is not None:
            bar.update(i + 1)
    if not images:
        raise NetwarpError("no frames to write")
    images[0].save(
        path, format="GIF", save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0, optimize=False
    )


def _write_mp4(path: Path, render: _FrameRenderer, frames: Iterator[None], fps: float, bar: ProgressBar | None) -> None:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise NetwarpError("MP4 export needs imageio-ffmpeg: pip install 'netwarp[video]'") from None
    size = render.fig.canvas.get_width_height()
    writer = imageio_ffmpeg.write_frames(
        str(path), size, fps=fps, codec="libx264", pix_fmt_out="yuv420p", quality=8, macro_block_size=2,
        output_params=["-movflags", "+faststart"],
    )  # fmt: skip
    writer.send(None)
    try:
        for i, _ in enumerate(frames):
            writer.send(np.ascontiguousarray(render()))
            if bar is not None:
                bar.update(i + 1)
    finally:
        writer.close()
