"""Training in the page: epochs per second with every view live, and the frame rate meanwhile.

Exports a page of the xor dataset with 500 points and hidden layers 8,8 (tanh, adam; no early
stop, so training never ends during the measurement), opens it in the system's Chromium
(headless, software rendering, the test suite's flags), presses Play and for a few seconds
counts the epochs trained and the frames the view drew, in the page. It prints epochs/s, frames/s,
the ratio to the goal (>= 30 epochs/s for hidden 8,8 on 500 points) and, as a reference measured
in the same run, the epochs/s the time spent in training and scene growth alone would allow.

Run: ``python benchmarks/page_train.py [--seconds 5]``.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import netwarp
from netwarp.apps.export import export_html
from netwarp.core.spec import RunSpec

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
GOAL = 30.0

MEASURE = """async ([seconds]) => {
  const h = window.__netwarp;
  document.querySelector('button[aria-label="Play"]').click();
  await h.nextFrame();
  const e0 = h.trainer.stats.epochs;
  const f0 = h.frame;
  const t0 = performance.now();
  await new Promise((done) => setTimeout(done, seconds * 1000));
  const dt = (performance.now() - t0) / 1000;
  const out = { epochs: (h.trainer.stats.epochs - e0) / dt, fps: (h.frame - f0) / dt, playing: h.trainer.playing };
  h.trainer.pause();
  return out;
}"""


def page(path: Path) -> Path:
    spec = RunSpec.recommended("xor", n=500, hidden=(8, 8), activation="tanh", max_iter=1_000_000, early_stop=False)
    d = spec.load_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traj = netwarp.train(d.X_train, d.y_train, spec.replace(max_iter=20), X_test=d.X_test, y_test=d.y_test,
                             dataset_name="xor")  # fmt: skip
    traj.config["spec"] = spec.to_json()  # the page trains without a limit it could reach
    return export_html(traj, path, title="page training benchmark")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        html = page(Path(tmp) / "bench.html")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(html.as_uri())
        tab.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")
        live = tab.evaluate(MEASURE, [args.seconds])
        per_epoch_ms = tab.evaluate("() => { const s = window.__netwarp.trainer.stats; return s.trainMs / s.epochs; }")
        browser.close()
    print(f"hidden 8,8 on 500 points, xor, tanh, adam, every view live ({args.seconds:g} s in Chromium):")
    rate = live["epochs"]
    print(f"  in-page training:   {rate:8.1f} epochs/s   (goal >= {GOAL:g}: ratio {rate / GOAL:.2f})")
    print(f"  frames drawn:       {live['fps']:8.1f} frames/s while training")
    print(
        f"  reference, training and scene growth alone: {1000 / per_epoch_ms:8.1f} epochs/s "
        f"({per_epoch_ms:.2f} ms per epoch); views live reach {live['epochs'] * per_epoch_ms / 1000:.2f} of it"
    )


if __name__ == "__main__":
    main()
