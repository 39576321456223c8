"""Frames per second while scrubbing the demo's epoch slider, in headless Chromium.

Builds the demo (tanh, identity and relu runs of the seed configuration) as the
self-contained HTML file, once with the seed's 1800 points and once with 100 000 points
on the same interval, opens each in the system's Chromium (software rendering, the test
suite's flags) and moves the epoch slider one epoch per animation frame for a few
seconds, as a user dragging it does. It reports the frames the view drew per second,
the ratio to the goal (>= 55 fps at 1800 points, >= 30 fps at 100 000), and the time one
redraw takes when called directly (what the frame rate would be without the 60 Hz
display clock).

Run: ``python benchmarks/scrub.py [--seconds 4] [--compare]``.
"""

from __future__ import annotations

import argparse
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
GOALS = {1800: 55.0, 100_000: 30.0}

SCRUB = """async ([seconds]) => {
  const h = window.__netwarp;
  const slider = document.querySelector('input[aria-label="epoch"]');
  const max = Number(slider.max);
  await h.nextFrame();
  const f0 = h.frame;
  const t0 = performance.now();
  let e = 0;
  await new Promise((done) => {
    const step = () => {
      if (performance.now() - t0 >= seconds * 1000) return done();
      e = (e + 1) % (max + 1);
      slider.value = String(e);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const fps = (h.frame - f0) / ((performance.now() - t0) / 1000);
  // one redraw called directly: forward pass, grid, regions, every panel and the charts
  const times = [];
  for (let i = 0; i < 60; i++) {
    h.set({ epoch: (i * 7) % (max + 1) });
    const t = performance.now();
    h.renderNow();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { fps, median_ms: times[30], p90_ms: times[54], epochs: max };
}"""


def demo_runs() -> list[netwarp.Trajectory]:
    d = netwarp.data.datasets.load("interval1d")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [
            netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, activation=a, name=a)
            for a in ("tanh", "identity", "relu")
        ]


def measure(browser: Any, path: Path, seconds: float, hash_: str) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + hash_)
    page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0", timeout=60_000)
    result: dict[str, float] = page.evaluate(SCRUB, [seconds])
    page.close()
    if errors:
        raise SystemExit(f"page errors: {errors}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="scrubbing time per case (default 4)")
    parser.add_argument("--compare", action="store_true", help="also measure the three runs side by side")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    runs = demo_runs()
    with tempfile.TemporaryDirectory() as tmp:
        files = {1800: export_html(runs, Path(tmp) / "demo.html")}
        x = np.linspace(-1, 1, 100_000)
        y = (np.abs(x) < 1 / 3).astype(int)
        files[100_000] = export_html(runs, Path(tmp) / "demo100k.html", x.reshape(-1, 1), y)
        print(f"demo HTML: {files[1800].stat().st_size / 1024:.0f} KB (budget 600 KB); "
              f"with 100 000 points {files[100_000].stat().st_size / 1024:.0f} KB")  # fmt: skip
        worst = float("inf")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            cases = [("", "one run")] + ([("#c=1", "3 runs side by side")] if args.compare else [])
            for n, path in files.items():
                for hash_, label in cases:
                    r = measure(browser, path, args.seconds, hash_)
                    ratio = r["fps"] / GOALS[n]
                    if not hash_:
                        worst = min(worst, ratio)
                    print(f"{n:>7} points, {label}: {r['fps']:5.1f} fps while scrubbing "
                          f"(goal {GOALS[n]:.0f}, ratio {ratio:.2f}); one redraw {r['median_ms']:.1f} ms "
                          f"median, {r['p90_ms']:.1f} ms p90")  # fmt: skip
            browser.close()
    print(f"worst ratio to goal: {worst:.2f} ({'met' if worst >= 1 else 'NOT met'})")
    sys.exit(0 if worst >= 1 else 1)


if __name__ == "__main__":
    main()
