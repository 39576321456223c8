"""Screenshots of the interactive view for the docs: ``python scripts/screenshots.py [OUT_DIR]``.

Builds the demo (the seed configuration trained with tanh, identity and relu on the
interval data), opens it in the system's headless Chromium and saves, for each
activation, the view at epochs 0, 100 and the last (``view-<activation>-epoch<E>.png``;
a run that stopped before epoch 100 gets 0 and its last), the three runs side by side at
their last epochs, a 3-D hidden layer on disk_annulus, scikit-learn's digits (64 features,
10 classes) on the Grand Tour (``view-grand-tour.png``) and a regressor's prediction against
its target (``view-regression.png``). The morph control is set halfway through the hidden
layer's activation (t = 2.5), Olah's squash in progress. Default OUT_DIR: docs/img.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import netwarp
from netwarp.apps.export import export_html

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
ACTIVATIONS = ("tanh", "identity", "relu")


def train(dataset: str, **kw: Any) -> netwarp.Trajectory:
    d = netwarp.data.datasets.load(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, **kw)


def digits() -> netwarp.Trajectory:
    """An MLP on scikit-learn's digits (64 pixels, 10 classes), recorded at every epoch."""
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    est = MLPClassifier(hidden_layer_sizes=(16,), max_iter=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return netwarp.record(est, X[:1200], y[:1200], X[1200:], y[1200:], name="digits 64-16-10")


def regressor() -> netwarp.Trajectory:
    """An MLPRegressor on a smooth 2-D surface, recorded at every epoch."""
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(600, 2))
    y = np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 1] ** 2
    est = MLPRegressor(hidden_layer_sizes=(3,), activation="tanh", learning_rate_init=0.01, max_iter=300,
                       random_state=1)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return netwarp.record(est, X[:400], y[:400], X[400:], y[400:], name="regressor 2-3-1")


def shoot(browser: Any, path: Path, hash_: str, out: Path, width: int = 1240) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=1)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{path.as_uri()}#{hash_}")
    page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")
    page.evaluate("() => window.__netwarp.nextFrame()")
    page.locator(".netwarp").screenshot(path=str(out))
    page.close()
    if errors:
        raise SystemExit(f"{out.name}: page errors {errors}")
    print(out)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    runs = [train("interval1d", activation=a, name=a) for a in ACTIVATIONS]
    disk = train("disk_annulus", hidden=(3,), activation="tanh", max_iter=600, name="tanh 2-3-1")
    with tempfile.TemporaryDirectory() as tmp:
        demo = export_html(runs, Path(tmp) / "demo.html", title="netwarp demo: the seed notebook")
        disk_html = export_html(disk, Path(tmp) / "disk.html", title="disk inside an annulus")
        digits_html = export_html(digits(), Path(tmp) / "digits.html", title="digits on the Grand Tour")
        reg_html = export_html(regressor(), Path(tmp) / "reg.html", title="a regressor: prediction against target")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i, run in enumerate(runs):
                for e in sorted({0, min(100, run.n_epochs), run.n_epochs}):
                    shoot(browser, demo, f"r={i}&e={e}&m=2.5", out / f"view-{run.name}-epoch{e}.png")
            shoot(browser, demo, "c=1&m=2.5", out / "view-side-by-side.png")
            shoot(browser, disk_html, "m=1.5", out / "view-disk-3d.png")
            shoot(browser, digits_html, "p=0.0-tour2,0.1-tour3&tt=6&m=1.5", out / "view-grand-tour.png")
            shoot(browser, reg_html, "m=2.5", out / "view-regression.png")
            browser.close()


if __name__ == "__main__":
    main()
