"""Playwright fixtures: the system's Chromium, headless, with every request and console
message recorded. Playwright never downloads a browser here.

The browser is module-scoped so other test modules (tests/test_widget.py) can start
their own Playwright between these.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")  # never fetch one

import netwarp
from netwarp.apps.export import export_html
from netwarp.core.trajectory import Trajectory

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
LOCAL_SCHEMES = ("file:", "data:", "blob:")


def launch(playwright: Any) -> Any:
    """The system Chromium with the project's flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@dataclass
class Watched:
    """A page with its requests and console errors recorded."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def open(self, path: Path, hash_: str = "") -> None:
        self.page.goto(path.as_uri() + (f"#{hash_}" if hash_ else ""))
        self.page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")

    def hook(self, expr: str) -> Any:
        """Evaluate ``expr`` with ``h`` bound to the view's test hook."""
        return self.page.evaluate(f"() => {{ const h = window.__netwarp; return {expr}; }}")

    def settle(self) -> int:
        """Wait for the next rendered frame; returns the frame count."""
        return int(self.page.evaluate("() => window.__netwarp.nextFrame()"))

    def pixels(self, panel: str) -> str:
        """A digest of what a panel's canvas shows."""
        return str(self.page.evaluate(
            """(id) => {
                const c = document.querySelector(`[data-panel="${id}"] canvas.nw-canvas`);
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let h = 2166136261;
                for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
                return h.toString(16);
            }""", panel))  # fmt: skip


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    w = Watched(page)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and w.errors.append(m.text))
    page.on("pageerror", lambda e: w.errors.append(str(e)))
    yield w
    context.close()


def _train(dataset: str, **kw: Any) -> Trajectory:
    d = netwarp.data.datasets.load(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, **kw)


@pytest.fixture(scope="session")
def demo_runs(seed_runs: dict[str, Trajectory]) -> list[Trajectory]:
    """The demo's runs: tanh, identity and relu on the seed configuration."""
    return [seed_runs[a] for a in ("tanh", "identity", "relu")]


@pytest.fixture(scope="session")
def demo_html(demo_runs: list[Trajectory], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_html(demo_runs, tmp_path_factory.mktemp("demo") / "demo.html", title="netwarp demo")


@pytest.fixture(scope="session")
def disk_run() -> Trajectory:
    """A 2-3-1 network on disk_annulus: its hidden layer is 3-D."""
    return _train("disk_annulus", hidden=(3,), activation="tanh", max_iter=150, name="disk3")


@pytest.fixture(scope="session")
def wide_run() -> Trajectory:
    """A 2-5-3 network on blobs: the hidden layer is shown through a projection."""
    return _train("blobs", hidden=(5,), activation="relu", max_iter=80, name="wide")
